#!/usr/bin/env bash
# The remote examples' demo, run by CTest: starts a nats-server of its own on
# an ephemeral loopback port, a remote_monitor, then a remote_sensor in
# another process, checks the monitor's output against EXPECTED and prints
# it.
#   run_remote.sh NATS_SERVER REMOTE_SENSOR REMOTE_MONITOR EXPECTED
set -euo pipefail
server=$1 sensor=$2 monitor=$3 expected=$4

source "$(dirname "$0")/../scripts/nats_server.sh"

start_nats_server run_remote "$server"

"$monitor" --nats "$url" --expect 3 > "$dir/monitor.out" 2> "$dir/monitor.err" &
monitor_pid=$!
pids+=($monitor_pid)
for _ in $(seq 500); do grep -q "listening" "$dir/monitor.err" && break; sleep 0.01; done

"$sensor" --nats "$url" --name temp --count 3
wait "$monitor_pid"

if ! diff -u "$expected" "$dir/monitor.out"; then
  echo "run_remote: the monitor's output differs from $expected"
  cat "$dir/monitor.err"
  exit 1
fi
cat "$dir/monitor.out"
