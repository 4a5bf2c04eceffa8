#!/usr/bin/env bash
# The remote examples' demo, run by CTest: starts a nats-server of its own on
# an ephemeral loopback port, a remote_monitor, then a remote_sensor in
# another process, checks the monitor's output against EXPECTED and prints
# it.
#   run_remote.sh NATS_SERVER REMOTE_SENSOR REMOTE_MONITOR EXPECTED
set -euo pipefail
server=$1 sensor=$2 monitor=$3 expected=$4

dir=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$dir"
}
trap cleanup EXIT

"$server" -a 127.0.0.1 -p -1 --ports_file_dir "$dir" -l "$dir/server.log" &
pids+=($!)
ports="$dir/nats-server_$!.ports"
for _ in $(seq 500); do [ -s "$ports" ] && break; sleep 0.01; done
url=$(sed -n 's/.*"nats": *\["\([^"]*\)".*/\1/p' "$ports" | head -n 1)
[ -n "$url" ] || { echo "run_remote: nats-server did not start"; exit 1; }

"$monitor" --nats "$url" --expect 3 > "$dir/monitor.out" &
monitor_pid=$!
pids+=($monitor_pid)
for _ in $(seq 500); do grep -q "monitor ready" "$dir/monitor.out" && break; sleep 0.01; done

"$sensor" --nats "$url" --name temp --count 3
wait "$monitor_pid"

if ! diff -u "$expected" "$dir/monitor.out"; then
  echo "run_remote: the monitor's output differs from $expected"
  exit 1
fi
cat "$dir/monitor.out"
