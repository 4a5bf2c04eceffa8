#!/usr/bin/env bash
# Measures asio_signals against its floors and peers and regenerates the
# table and the plot of docs/performance.md.
#
#   scripts/bench.sh [repetitions]     (default 9)
#
# Builds the release preset, runs bench/signal_bench.cpp pinned to one core
# with every benchmark's repetitions interleaved at random (so the noise of a
# shared machine falls on all alike), and reports medians.
set -euo pipefail
cd "$(dirname "$0")/.."

repetitions=${1:-9}
scripts/install-deps.sh gnuplot-nox

cmake --preset release >/dev/null
cmake --build --preset release --target asio_signals_bench

out=build/release/bench/results.json
pin=()
if command -v taskset >/dev/null && [ "$(nproc)" -gt 1 ]; then pin=(taskset -c 1); fi
"${pin[@]}" build/release/bench/asio_signals_bench \
  --benchmark_repetitions="$repetitions" --benchmark_enable_random_interleaving=true \
  --benchmark_report_aggregates_only=true --benchmark_min_time=0.2 \
  --benchmark_out="$out" --benchmark_out_format=json

python3 scripts/bench_report.py "$out" docs/performance.md docs/performance.png
