#!/usr/bin/env bash
# Builds pubsub_server and bench_pubsub in Release (the "release" preset, in
# build/release or in $BUILD_DIR) and runs the benchmark against redis-server,
# 5 runs of 3 s per server, alternating, each server pinned to one CPU. It
# prints a line per run, then a Markdown table of the medians and the ratios.
# Without arguments it runs each shape of load of docs/performance.md
# (subscribers / publishers / channels: 16/4/1, 50/4/10, 4/4/4 and 200/8/50)
# three ways: publishers writing batches of 32 PUBLISH over every channel and
# waiting for their replies, with 64-byte and with 1 KB payloads, then each
# publisher on one channel keeping a window of 64 undelivered messages, with
# 64-byte payloads: 12 shapes, about 7 minutes.
# With arguments it runs one shape, 16/4/1 with 64-byte payloads and a window
# unless the arguments, which go to bench_pubsub, say otherwise; for instance:
#   pubsub_server/bench/run.sh
#   pubsub_server/bench/run.sh --subscribers 50 --channels 10 --batch 32 --spread
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
shapes=("16 4 1" "50 4 10" "4 4 4" "200 8 50")
for payload in 64 1024; do
  for shape in "${shapes[@]}"; do
    read -r subscribers publishers channels <<<"$shape"
    bench --subscribers "$subscribers" --publishers "$publishers" --channels "$channels" \
      --payload "$payload" --batch 32 --spread
  done
done
for shape in "${shapes[@]}"; do
  read -r subscribers publishers channels <<<"$shape"
  bench --subscribers "$subscribers" --publishers "$publishers" --channels "$channels"
done
