#!/usr/bin/env bash
# The demo, from a fresh Debian 12 machine: installs what is missing, builds
# the example programs (release preset) and runs each of them, the remote
# ones over a nats-server of its own, then starts pubsub_server and has
# redis-cli subscribe and publish through it.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh

# A build directory of its own: the options given here stay out of
# build/release, which the benchmarks use, and those given there (a library
# built without the examples, say) stay out of the demo.
cmake --preset release -B build/demo -DASIO_SIGNALS_BUILD_EXAMPLES=ON \
  -DASIO_SIGNALS_BUILD_TESTS=OFF -DASIO_SIGNALS_BUILD_BENCHMARKS=OFF
cmake --build build/demo

for program in build/demo/examples/example_*; do
  case "$program" in *example_remote_*) continue ;; esac
  echo
  echo "== ${program##*/example_}"
  "$program"
done

# The remote examples, built with the NATS link, each pair over a nats-server
# of the demo's own: a remote_monitor and a remote_sensor in another process,
# then a remote_weather and a remote_client making requests of it, then
# publishers and a subscriber of a history kept in JetStream.
if [ -x build/demo/examples/example_remote_monitor ]; then
  echo
  echo "== remote_sensor and remote_monitor, two processes over a nats-server"
  examples/run_remote.sh "$(command -v nats-server || echo /usr/sbin/nats-server)" \
    build/demo/examples/example_remote_sensor build/demo/examples/example_remote_monitor \
    examples/expected/remote_monitor.txt
  echo
  echo "== remote_weather and remote_client, requests between two processes"
  examples/run_remote_request.sh "$(command -v nats-server || echo /usr/sbin/nats-server)" \
    build/demo/examples/example_remote_weather build/demo/examples/example_remote_client \
    examples/expected
  echo
  echo "== remote_publisher and remote_subscriber, history kept in JetStream between processes"
  examples/run_remote_history.sh "$(command -v nats-server || echo /usr/sbin/nats-server)" \
    build/demo/examples/example_remote_publisher \
    build/demo/examples/example_remote_subscriber examples/expected/remote_history.txt
fi

# The pub/sub server, driven by redis-cli: a subscriber and a publisher, then SIGINT.
echo
echo "== pubsub_server, driven by redis-cli"
out=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$out"' EXIT

# Waits up to 10 s for file $1 to have $2 lines.
wait_for_lines() {
  for _ in $(seq 100); do
    if [ "$(wc -l <"$1")" -ge "$2" ]; then return 0; fi
    sleep 0.1
  done
  echo "demo: timed out waiting for $1" >&2
  return 1
}

build/demo/pubsub_server/src/pubsub_server --port 0 >"$out/server" &
server=$!
wait_for_lines "$out/server" 1
port=$(sed -n 's/^listening on .*:\([0-9]*\)$/\1/p' "$out/server")
timeout 10 redis-cli -p "$port" subscribe news >"$out/subscriber" &
subscriber=$!
wait_for_lines "$out/subscriber" 3
echo "redis-cli publish news hello: $(redis-cli -p "$port" publish news hello) subscriber(s)"
wait_for_lines "$out/subscriber" 6
echo "redis-cli subscribe news printed:"
sed 's/^/  /' "$out/subscriber"
kill "$subscriber"
wait "$subscriber" || true
kill -INT "$server"
wait "$server"
