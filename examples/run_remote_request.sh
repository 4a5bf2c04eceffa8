#!/usr/bin/env bash
# The remote request example's demo, run by CTest: starts a nats-server of its
# own on an ephemeral loopback port, a remote_weather, then a remote_client in
# another process, checks both outputs against remote_weather.txt and
# remote_client.txt in EXPECTED_DIR and prints them.
#   run_remote_request.sh NATS_SERVER REMOTE_WEATHER REMOTE_CLIENT EXPECTED_DIR
set -euo pipefail
server=$1 weather=$2 client=$3 expected=$4

source "$(dirname "$0")/../scripts/nats_server.sh"

start_nats_server run_remote_request "$server"

"$weather" --nats "$url" > "$dir/weather.out" &
weather_pid=$!
pids+=($weather_pid)

# The client waits for the weather sender itself; it asks the weather to stop.
"$client" --nats "$url" > "$dir/client.out"
wait "$weather_pid"

status=0
for name in weather client; do
  if ! diff -u "$expected/remote_$name.txt" "$dir/$name.out"; then
    echo "run_remote_request: the $name's output differs from $expected/remote_$name.txt"
    status=1
  fi
done
cat "$dir/weather.out" "$dir/client.out"
exit $status
