#!/usr/bin/env bash
# Measures the NATS link against raw cnats doing the same work
# (bench/nats_bench.cpp): remote trigger throughput, one sender process and
# one listener process, and request round trips, one responder process and
# one client process. Starts a nats-server of its own on an ephemeral loopback
# port; runs each pair REPETITIONS times, raw and library alternating; prints
# each run, then the medians and the ratios library / raw.
#
#   scripts/nats_bench.sh [repetitions]      (default 5)
#   EVENTS=200000 REQUESTS=5000 scripts/nats_bench.sh
#   BUILD_DIR=/tmp/release scripts/nats_bench.sh
#   scripts/nats_bench.sh --smoke NATS_SERVER PROGRAM   (CTest: one brief pair of each, library)
#   scripts/nats_bench.sh --cpu [repetitions]
#
# --cpu measures the CPU time per event of each process of a trigger pair,
# which the machine's changes of speed move less than the rates: the
# task-clock (perf stat) of a run of 1.5 x EVENTS less that of a run of
# 0.5 x EVENTS, over EVENTS, so that start-up cancels out; raw and library
# alternating. It installs perf if missing.
#
# With more than one CPU, the server is pinned to the first and both
# processes of a pair to the second (taskset), so that the pair shares one
# core as it would share a busy machine and the server never competes.
set -euo pipefail
cd "$(dirname "$0")/.."

smoke=0 cpu=0
if [ "${1:-}" = --cpu ]; then
  cpu=1
  shift
  scripts/install-deps.sh linux-perf >/dev/null
fi
if [ "${1:-}" = --smoke ]; then
  smoke=1 server=$2 program=$3
  repetitions=1 events=300 requests=50
else
  repetitions=${1:-5}
  events=${EVENTS:-200000}
  requests=${REQUESTS:-5000}
  build=${BUILD_DIR:-build/release}
  server=$(command -v nats-server || echo /usr/sbin/nats-server)
  if [ "$build" = build/release ]; then
    cmake --preset release >/dev/null
  else
    cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  fi
  cmake --build "$build" --target asio_signals_nats_bench -j2 >/dev/null
  program=$build/bench/asio_signals_nats_bench
fi

source scripts/nats_server.sh

pin_server=() pin_pair=()
if [ $smoke = 0 ] && command -v taskset >/dev/null && [ "$(nproc)" -gt 1 ]; then
  pin_server=(taskset -c 0) pin_pair=(taskset -c 1)
fi

start_nats_server nats_bench "$server" "${pin_server[@]}"

# A trigger pair of EVENTS events, or of the count given: the listener's line,
# or a failure. With --cpu each process runs under perf stat, which writes its
# task-clock to $dir/listener.cpu and $dir/sender.cpu.
measure_listener=() measure_sender=()
if [ $cpu = 1 ]; then
  measure_listener=(perf stat -x, -e task-clock -o "$dir/listener.cpu")
  measure_sender=(perf stat -x, -e task-clock -o "$dir/sender.cpu")
fi
events_pair() { # sender-mode listener-mode [events]
  local count=${3:-$events}
  "${pin_pair[@]}" "${measure_listener[@]}" "$program" "$2" "$url" "$count" \
    > "$dir/listener.out" &
  local listener=$!
  pids+=($listener)
  "${pin_pair[@]}" "${measure_sender[@]}" "$program" "$1" "$url" "$count"
  wait "$listener" || { cat "$dir/listener.out" >&2; echo "nats_bench: $2 failed" >&2; exit 1; }
  cat "$dir/listener.out"
}

# A request pair: the client's line; the responder is killed after.
requests_pair() { # responder-mode client-mode
  "${pin_pair[@]}" "$program" "$1" "$url" > /dev/null &
  local responder=$!
  pids+=($responder)
  "${pin_pair[@]}" "$program" "$2" "$url" "$requests" ||
    { echo "nats_bench: $2 failed" >&2; exit 1; }
  kill "$responder"
  wait "$responder" 2>/dev/null || true
}

# The task-clock in ms of a trigger pair's listener, then of its sender.
cpu_pair() { # sender-mode listener-mode events
  events_pair "$@" > /dev/null
  echo "$(grep task-clock "$dir/listener.cpu" | cut -d, -f1)" \
    "$(grep task-clock "$dir/sender.cpu" | cut -d, -f1)"
}

if [ $cpu = 1 ]; then
  echo "nats-server at $url; CPU time per event from runs of $((events / 2)) and" \
    "$((events * 3 / 2)) events; pinned: ${pin_server[*]:-no} / ${pin_pair[*]:-no}"
  for _ in $(seq "$repetitions"); do
    for pair in "raw raw-publisher raw-subscriber" "link trigger-sender trigger-listener"; do
      read -r name sender listener <<< "$pair"
      short=$(cpu_pair "$sender" "$listener" $((events / 2)))
      long=$(cpu_pair "$sender" "$listener" $((events * 3 / 2)))
      read -r short_listener short_sender <<< "$short"
      read -r long_listener long_sender <<< "$long"
      awk -v name="$name" -v n="$events" -v sl="$short_listener" -v ll="$long_listener" \
        -v ss="$short_sender" -v ls="$long_sender" \
        'BEGIN { printf "%s listener_ns=%.0f sender_ns=%.0f\n", name, (ll - sl) * 1e6 / n,
                 (ls - ss) * 1e6 / n }' | tee -a "$dir/results"
    done
  done
  python3 - "$dir/results" "$repetitions" <<'EOF'
import statistics, sys
runs = {}
for line in open(sys.argv[1]):
    name, *fields = line.split()
    runs.setdefault(name, []).append({k: float(v) for k, v in (f.split("=") for f in fields)})
raw, lib = runs["raw"], runs["link"]
print(f"\nmedians of {sys.argv[2]} rounds, CPU time per event\n")
print("| process | raw cnats | NATS link | link / raw |")
print("| --- | ---: | ---: | ---: |")
for key, name in (("listener_ns", "listener"), ("sender_ns", "sender")):
    r, l = (statistics.median(x[key] for x in side) for side in (raw, lib))
    print(f"| {name} | {r:.0f} ns | {l:.0f} ns | {l / r:.2f}x |")
pair = [(r["listener_ns"] + r["sender_ns"]) / (l["listener_ns"] + l["sender_ns"])
        for r, l in zip(raw, lib)]
print(f"\nevents per CPU second of the pair, link / raw: {statistics.median(pair):.2f}x"
      f" (rounds {min(pair):.2f}x to {max(pair):.2f}x)")
EOF
  exit 0
fi

if [ $smoke = 1 ]; then
  events_pair trigger-sender trigger-listener
  requests_pair request-responder request-client
  exit 0
fi

echo "nats-server $("$server" --version | sed 's/.* v//') at $url; $events events," \
  "$requests requests per run; pinned: ${pin_server[*]:-no} / ${pin_pair[*]:-no}"
# Each run's line goes to the results, then to the screen (not through a
# pipe: a failure must stop the script).
run() {
  "$@" >> "$dir/results"
  tail -n 1 "$dir/results"
}
for _ in $(seq "$repetitions"); do
  run events_pair raw-publisher raw-subscriber
  run events_pair trigger-sender trigger-listener
  run requests_pair raw-responder raw-requester
  run requests_pair request-responder request-client
done

python3 - "$dir/results" "$repetitions" <<'EOF'
import statistics, sys
runs = {}
for line in open(sys.argv[1]):
    mode, *fields = line.split()
    runs.setdefault(mode, []).append(dict(f.split("=") for f in fields))
def median(mode, key):
    return statistics.median(float(r[key]) for r in runs[mode])
def missing(mode):
    return sum(int(r["missing"]) for r in runs[mode])
# Each round runs raw cnats and the link one after the other: the median of
# the rounds' own ratios is not moved by the machine changing speed between
# rounds, which moves each side's median apart.
def round_ratio(raw_mode, lib_mode, key):
    return statistics.median(float(l[key]) / float(r[key])
                             for r, l in zip(runs[raw_mode], runs[lib_mode]))
raw, lib = median("raw-subscriber", "msgs_per_s"), median("trigger-listener", "msgs_per_s")
print(f"\nmedians of {sys.argv[2]} runs each\n")
print("| measure | raw cnats | NATS link | link / raw | median of the rounds' link / raw | target |")
print("| --- | ---: | ---: | ---: | ---: | --- |")
print(f"| events received per second | {raw:,.0f} | {lib:,.0f} | {lib / raw:.2f}x"
      f" | {round_ratio('raw-subscriber', 'trigger-listener', 'msgs_per_s'):.2f}x | at least 0.8x |")
for key, name, target in (("p50_us", "request round trip, p50", "at most 1.25x"),
                          ("p99_us", "request round trip, p99", "")):
    r, l = median("raw-requester", key), median("request-client", key)
    print(f"| {name} | {r:.0f} µs | {l:.0f} µs | {l / r:.2f}x"
          f" | {round_ratio('raw-requester', 'request-client', key):.2f}x | {target} |")
print(f"\nmissing events over all runs: raw {missing('raw-subscriber')},"
      f" link {missing('trigger-listener')}")
EOF
