#!/usr/bin/env bash
# The payout run's benchmark (issue 26): one seeded marketplace written as Parquet, then
#   (a) partnerkit's full run, embedded (the year: statements and forms over the whole ledger;
#       then July's payouts),
#   (b) DuckDB's plain aggregation (sum per account, month and currency) on the same files,
#   (c) partnerkit's rules account by account in memory on the same entries,
#   (d) DuckDB's query run on DataFusion (the run's engine), same files, same memory limit,
# each in a process of its own under /usr/bin/time -v, so each peak memory is its own.
#
#   bash crates/datafusion/scripts/benchmark.sh [ACCOUNTS] [ENTRIES] [DIR] [CHUNKS] [MEMORY_MB]
#
# Defaults: 100,000 accounts, 10,000,000 entries, a temporary folder (deleted at the end), the
# marketplace made in 1 chunk (at 100,000,000 entries use 10: each chunk is generated, written
# and folded alone), no memory limit for the run (with one, its sorts spill past it).
# Needs a release build (built here) and `pip install duckdb`. With BALLISTA=1 in the
# environment, (a) also runs on a Ballista cluster on this machine (one scheduler, two
# executors: scripts/cluster.sh), after the embedded run.
set -euo pipefail
cd "$(dirname "$0")/.."
accounts=${1:-100000}
entries=${2:-10000000}
dir=${3:-$(mktemp -d)}
[ -n "${3:-}" ] || trap 'rm -rf "$dir"' EXIT
chunks=${4:-1}
memory=()
[ -z "${5:-}" ] || memory=(--memory-mb "$5")

features=()
[ "${BALLISTA:-0}" = 0 ] || features=(--features ballista --bins)
cargo build --release --example payout_bench "${features[@]}"
bench=target/release/examples/payout_bench

step() { # name, command…: the command's own lines, then its CPU and peak memory
    local name=$1; shift
    /usr/bin/time -f "part=$name-process wall_s=%e user_s=%U sys_s=%S peak_kb=%M" "$@" 2>&1
}

size=(--accounts "$accounts" --entries "$entries" --chunks "$chunks")
echo "# $(date -u +%FT%TZ) $(nproc) cores, $accounts accounts, $entries entries in $chunks chunk(s), in $dir"
[ -d "$dir/ledger" ] || step write "$bench" write --dir "$dir" "${size[@]}"
du -sh "$dir/ledger" | sed 's/^/ledger parquet: /'
step run "$bench" run --dir "$dir" "${memory[@]}"
if [ "${BALLISTA:-0}" != 0 ]; then
    # shellcheck disable=SC2016 # the URL is the cluster script's, expanded inside it
    # With a memory limit, each of the two executors gets half of it as its pool.
    cluster_memory=()
    if [ -n "${5:-}" ]; then
        export PARTNERKIT_EXECUTOR_MEMORY_MB=$(($5 / 2))
        cluster_memory=(--memory-mb "$PARTNERKIT_EXECUTOR_MEMORY_MB")
    fi
    step ballista bash scripts/cluster.sh target/release \
        bash -c '"$0" run --dir "$1" --cluster "$PARTNERKIT_BALLISTA_URL" "${@:2}"' \
        "$bench" "$dir" "${cluster_memory[@]}"
fi
step duckdb python3 scripts/duckdb_aggregate.py "$dir" "$(nproc)"
step aggregate "$bench" aggregate --dir "$dir" "${memory[@]}"
step fold "$bench" fold "${size[@]}"
