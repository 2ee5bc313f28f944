#!/usr/bin/env bash
# schemathesis against partnerkit-axum's example host (issue 24), as CI runs it:
#
#   bash crates/axum/scripts/schemathesis.sh
#
# Starts the host on 127.0.0.1 (a free port) over a SQLite file in a temporary directory,
# seeded with the account the document's examples name; runs `schemathesis run --checks all`
# with a fixed seed, once as the marketplace and once as the seeded account's Manager (the
# actor header the host documents); prints the accepted share per operation; stops the host on
# exit. Fails on any schemathesis failure. Needs `schemathesis` (pip, the version .ci/run pins).
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --quiet --example http_host
bin="${CARGO_TARGET_DIR:-target}/debug/examples/http_host"
dir="$(mktemp -d)"
# The host keeps accounts in PostgreSQL when this is set; this run uses its own SQLite file.
PARTNERKIT_SEED=1 env -u PARTNERKIT_POSTGRES_URL "$bin" 0 "$dir/accounts.sqlite" >"$dir/host.log" 2>&1 &
host=$!
trap 'kill "$host" 2>/dev/null || true; wait "$host" 2>/dev/null || true; rm -rf "$dir"' EXIT

base=""
for _ in $(seq 1 100); do
    base="$(sed -n 's/^partnerkit HTTP host on \(http:[^ ]*\).*/\1/p' "$dir/host.log")"
    [ -n "$base" ] && break
    kill -0 "$host" 2>/dev/null || { cat "$dir/host.log"; exit 1; }
    sleep 0.2
done
[ -n "$base" ] || { echo "the host did not start"; cat "$dir/host.log"; exit 1; }
echo "host: $base"

run() { # NAME ACTOR_JSON
    schemathesis --config-file schemathesis.toml run "$base/openapi.json" \
        --checks all --seed 1 --no-color \
        -H "x-partnerkit-actor: $2" \
        --report ndjson --report-ndjson-path "$dir/$1.ndjson"
}
# The acceptance run (scripts/account_hooks.py): schema-valid requests as a caller of the
# seeded account sends them, every check on; it measures how many are accepted.
accept() { # NAME ACTOR_JSON
    PYTHONPATH=scripts SCHEMATHESIS_HOOKS=account_hooks PARTNERKIT_BASE="$base" PARTNERKIT_ACTOR="$2" \
        schemathesis --config-file schemathesis.toml run "$base/openapi.json" \
        --phases fuzzing --mode positive --max-examples 200 --checks all --seed 1 --no-color \
        -H "x-partnerkit-actor: $2" \
        --report ndjson --report-ndjson-path "$dir/$1-accept.ndjson"
}
marketplace='{"kind":"marketplace"}'
manager='{"kind":"user","tenant":"22222222-2222-4222-8222-222222222222","user":"33333333-3333-4333-8333-333333333333"}'
run marketplace "$marketplace"
run manager "$manager"
accept marketplace "$marketplace"
accept manager "$manager"

echo "== accepted share per operation, as the marketplace"
python3 scripts/accepted.py "$dir/marketplace.ndjson"
echo "== accepted share per operation, as the account's Manager"
python3 scripts/accepted.py "$dir/manager.ndjson"
echo "== acceptance run (account-aware requests), as the marketplace"
python3 scripts/accepted.py "$dir/marketplace-accept.ndjson" --require-majority
echo "== acceptance run (account-aware requests), as the account's Manager"
python3 scripts/accepted.py "$dir/manager-accept.ndjson"
