#!/usr/bin/env bash
# Builds pubsub_server and bench_pubsub in Release (the "release" preset, in
# build/release or in $BUILD_DIR) and runs the benchmark against redis-server:
# 4 publishers, 16 subscribers, 64-byte payloads, 5 runs of 3 s per server,
# alternating, each server pinned to one CPU. It prints a line per run, then a
# Markdown table of the medians and the ratios.
# Arguments go to bench_pubsub and override the defaults, for instance:
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
pubsub_server/bench/bench_pubsub --publishers 4 --subscribers 16 --payload 64 --seconds 3 \
  --repetitions 5 "$@"
