#!/usr/bin/env bash
# Measures the retained history in JetStream against raw cnats JetStream
# doing the same work (bench/history_bench.cpp): events published and stored
# per second, and events pulled (in batches of 256, acknowledged) per second.
# Starts a nats-server with JetStream of its own on an ephemeral loopback
# port; runs each measure REPETITIONS times, raw and library alternating;
# prints each run, then the medians and the ratios library / raw.
#
#   scripts/history_bench.sh [repetitions]      (default 5)
#   EVENTS=100000 scripts/history_bench.sh
#   BUILD_DIR=/tmp/release scripts/history_bench.sh
#   scripts/history_bench.sh --smoke NATS_SERVER PROGRAM   (CTest: each measure once, briefly)
#
# With more than one CPU, the server is pinned to the first and the measuring
# process to the second (taskset).
set -euo pipefail
cd "$(dirname "$0")/.."

smoke=0
if [ "${1:-}" = --smoke ]; then
  smoke=1 server=$2 program=$3
  repetitions=1 events=300
else
  repetitions=${1:-5}
  events=${EVENTS:-100000}
  build=${BUILD_DIR:-build/release}
  server=$(command -v nats-server || echo /usr/sbin/nats-server)
  if [ "$build" = build/release ]; then
    cmake --preset release >/dev/null
  else
    cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  fi
  cmake --build "$build" --target asio_signals_history_bench -j2 >/dev/null
  program=$build/bench/asio_signals_history_bench
fi

source scripts/nats_server.sh

pin_server=() pin_client=()
if [ $smoke = 0 ] && command -v taskset >/dev/null && [ "$(nproc)" -gt 1 ]; then
  pin_server=(taskset -c 0) pin_client=(taskset -c 1)
fi

server_args=(-js --store_dir "$dir/jetstream")
start_nats_server history_bench "$server" "${pin_server[@]}"

if [ $smoke = 1 ]; then
  for mode in history-publish raw-publish history-pull raw-pull; do
    "$program" "$mode" "$url" "$events"
  done
  exit 0
fi

echo "nats-server $("$server" --version | sed 's/.* v//') with JetStream (file storage) at $url;" \
  "$events events per run; pinned: ${pin_server[*]:-no} / ${pin_client[*]:-no}"
for _ in $(seq "$repetitions"); do
  for mode in raw-publish history-publish raw-pull history-pull; do
    "${pin_client[@]}" "$program" "$mode" "$url" "$events" >> "$dir/results"
    tail -n 1 "$dir/results"
  done
done

python3 - "$dir/results" "$repetitions" <<'PY'
import statistics, sys
runs = {}
for line in open(sys.argv[1]):
    mode, *fields = line.split()
    runs.setdefault(mode, []).append(dict(f.split("=") for f in fields))
def median(mode):
    return statistics.median(float(r["events_per_s"]) for r in runs[mode])
print(f"\nmedians of {sys.argv[2]} runs each\n")
print("| measure | raw cnats JetStream | history in JetStream | history / raw | target |")
print("| --- | ---: | ---: | ---: | --- |")
for name, raw, lib in (("events published and stored per second", "raw-publish", "history-publish"),
                       ("events pulled and acknowledged per second", "raw-pull", "history-pull")):
    r, l = median(raw), median(lib)
    print(f"| {name} | {r:,.0f} | {l:,.0f} | {l / r:.2f}x | at least 0.8x |")
PY
