#!/usr/bin/env bash
# Runs a command beside an Apache Ballista cluster on 127.0.0.1 — one partnerkit-scheduler and
# two partnerkit-executors, each a process of its own — then stops the cluster and prints each
# process's peak memory (VmHWM) as `part=ballista-<process> peak_kb=<n>`.
#
#   bash crates/datafusion/scripts/cluster.sh BIN_DIR COMMAND [ARGS…]
#
# BIN_DIR holds the two binaries (`cargo build --features ballista --bins`: target/debug or
# target/release). The scheduler listens on $PARTNERKIT_BALLISTA_PORT (50050 by default), the
# executors on the ten ports after it; COMMAND finds the scheduler in $PARTNERKIT_BALLISTA_URL.
# $PARTNERKIT_EXECUTOR_MEMORY_MB, if set, is each executor's memory pool (its sorts spill past
# it). The processes' logs and shuffle files live in a temporary folder, deleted at the end; the
# script exits with COMMAND's status.
set -euo pipefail
bin=$1
shift
port=${PARTNERKIT_BALLISTA_PORT:-50050}
work=$(mktemp -d)
names=()
pids=()
memory=()
[ -z "${PARTNERKIT_EXECUTOR_MEMORY_MB:-}" ] || memory=(--memory-mb "$PARTNERKIT_EXECUTOR_MEMORY_MB")

stop() {
    local i
    for i in "${!pids[@]}"; do
        local peak
        peak=$(awk '/VmHWM/ { print $2 }' "/proc/${pids[$i]}/status" 2>/dev/null || true)
        echo "part=ballista-${names[$i]} peak_kb=${peak:-?}"
        kill "${pids[$i]}" 2>/dev/null || true
    done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap stop EXIT

wait_port() { # port, process name: until something listens there, at most a minute
    for _ in $(seq 600); do
        if (echo >"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
        sleep 0.1
    done
    echo "cluster.sh: the $2 does not listen on $1; its log:" >&2
    cat "$work/$2.log" >&2
    return 1
}

"$bin/partnerkit-scheduler" --port "$port" >"$work/scheduler.log" 2>&1 &
names+=(scheduler)
pids+=($!)
wait_port "$port" scheduler
for i in 1 2; do
    flight=$((port + 5 * i - 4))
    grpc=$((port + 5 * i - 3))
    mkdir -p "$work/executor-$i"
    "$bin/partnerkit-executor" --scheduler "127.0.0.1:$port" --flight-port "$flight" \
        --grpc-port "$grpc" --work-dir "$work/executor-$i" "${memory[@]}" \
        >"$work/executor-$i.log" 2>&1 &
    names+=("executor-$i")
    pids+=($!)
    wait_port "$flight" "executor-$i"
    wait_port "$grpc" "executor-$i"
done
export PARTNERKIT_BALLISTA_URL="df://127.0.0.1:$port"
"$@"
