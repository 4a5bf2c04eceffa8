#!/usr/bin/env bash
# Builds pubsub_server and bench_pubsub in Release (the "release" preset, in
# build/release or in $BUILD_DIR) and runs the benchmark against redis-server,
# 5 runs of 3 s per server, alternating, each server pinned to one CPU. It
# prints a line per run, then a Markdown table of the medians and the ratios.
# Without arguments it runs each shape of load of docs/performance.md
# (subscribers / publishers / channels): 16/4/1, 50/4/10, 4/4/4 and 200/8/50
# with 64-byte payloads, then 64/4/1 with 1 KB payloads: 50 runs of 3 s.
# With arguments it runs one shape, 16/4/1 with 64-byte payloads unless the
# arguments, which go to bench_pubsub, say otherwise; for instance:
#   pubsub_server/bench/run.sh
#   pubsub_server/bench/run.sh --payload 1024 --subscribers 64 --repetitions 9
#   BUILD_DIR=/tmp/release pubsub_server/bench/run.sh --quick
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${BUILD_DIR:-build/release}

if ! command -v redis-server >/dev/null; then
  echo "run.sh: redis-server is missing: apt-get install redis-server" >&2
  exit 1
fi

cmake --preset release -B "$build" >/dev/null
cmake --build "$build" --target bench_pubsub
# The servers' logs go to the build directory.
cd "$build"
bench() {
  pubsub_server/bench/bench_pubsub --publishers 4 --subscribers 16 --payload 64 --seconds 3 \
    --repetitions 5 "$@"
}
if [[ $# -ne 0 ]]; then
  bench "$@"
  exit
fi
bench --subscribers 16 --publishers 4 --channels 1
bench --subscribers 50 --publishers 4 --channels 10
bench --subscribers 4 --publishers 4 --channels 4
bench --subscribers 200 --publishers 8 --channels 50
bench --subscribers 64 --publishers 4 --channels 1 --payload 1024
