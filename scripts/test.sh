#!/usr/bin/env bash
# The whole test suite, as CI runs it, from a fresh Debian 12 machine:
#   1. formatting of every source (clang-format);
#   2. g++, warnings as errors: every test (unit, threads, examples, consumer
#      projects, benchmark smoke runs);
#   3. g++, shared library (BUILD_SHARED_LIBS): the unit and threaded tests
#      and the consumer projects, against libasio_signals.so;
#   4. clang++ under AddressSanitizer and UndefinedBehaviorSanitizer: every
#      test, consumer projects included, and each libFuzzer target for a few
#      seconds;
#   5. g++ under ASan+UBSan: the unit and threaded tests, with coroutine
#      callbacks started by co_spawn (the fallback for other Boost versions);
#   6. ThreadSanitizer, clang++ and g++: the threaded tests.
# It stops at the first failure with a non-zero status, and ends with the
# summary of every ctest run.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh

summary=()
run_ctest() {
  local name=$1
  shift
  local log
  log=$(mktemp)
  if ! ctest "$@" 2>&1 | tee "$log"; then
    echo "test.sh: ctest failed in $name"
    exit 1
  fi
  summary+=("$name: $(grep -E 'tests passed' "$log" | tail -n 1)")
  rm -f "$log"
}

echo "== format"
scripts/check-format.sh

echo "== g++, warnings as errors"
cmake --preset dev
cmake --build --preset dev
run_ctest "g++ dev" --preset dev

echo "== g++, shared library"
cmake --preset dev -B build/shared -DBUILD_SHARED_LIBS=ON -DASIO_SIGNALS_BUILD_EXAMPLES=OFF \
  -DASIO_SIGNALS_BUILD_BENCHMARKS=OFF -DASIO_SIGNALS_BUILD_DOCS=OFF -DASIO_SIGNALS_BUILD_PUBSUB_SERVER=OFF
# The NATS link too: the consumer projects install every installable target.
cmake --build build/shared --target asio_signals_tests asio_signals_thread_tests \
  asio_signals_alloc_tests asio_signals_nats
run_ctest "g++ shared" --test-dir build/shared -L "unit|threads|consumer" \
  --output-on-failure --no-tests=error

echo "== clang++, ASan+UBSan"
cmake --preset asan-ubsan
cmake --build --preset asan-ubsan
run_ctest "clang++ asan-ubsan" --preset asan-ubsan

echo "== g++, ASan+UBSan, coroutine callbacks through co_spawn"
cmake --preset asan-ubsan -B build/asan-ubsan-gcc -DCMAKE_CXX_COMPILER=g++ \
  -DASIO_SIGNALS_BUILD_EXAMPLES=OFF -DASIO_SIGNALS_BUILD_PUBSUB_SERVER=OFF \
  -DASIO_SIGNALS_TEST_CONSUMERS=OFF -DASIO_SIGNALS_USE_CO_SPAWN=ON -DASIO_SIGNALS_BUILD_FUZZERS=OFF
cmake --build build/asan-ubsan-gcc --target asio_signals_tests asio_signals_thread_tests \
  asio_signals_alloc_tests
run_ctest "g++ asan-ubsan" --test-dir build/asan-ubsan-gcc -L "unit|threads" \
  --output-on-failure --no-tests=error

echo "== clang++, TSan"
cmake --preset tsan
cmake --build --preset tsan
run_ctest "clang++ tsan" --preset tsan

echo "== g++, TSan"
cmake --preset tsan -B build/tsan-gcc -DCMAKE_CXX_COMPILER=g++
cmake --build build/tsan-gcc --target asio_signals_thread_tests
run_ctest "g++ tsan" --test-dir build/tsan-gcc -L threads --output-on-failure --no-tests=error

echo "== summary"
printf '%s\n' "${summary[@]}"
