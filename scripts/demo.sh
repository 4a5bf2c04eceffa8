#!/usr/bin/env bash
# The demo, from a fresh Debian 12 machine: installs what is missing, builds
# the example programs (release preset) and runs each of them.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh

cmake --preset release -DASIO_SIGNALS_BUILD_TESTS=OFF -DASIO_SIGNALS_BUILD_BENCHMARKS=OFF
cmake --build --preset release

for program in build/release/examples/example_*; do
  echo
  echo "== ${program##*/example_}"
  "$program"
done
