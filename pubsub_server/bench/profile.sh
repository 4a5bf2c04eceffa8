#!/usr/bin/env bash
# Where a delivered message goes in pubsub_server and in redis-server: system
# calls and CPU time in user and kernel mode (perf stat on the kernel's
# tracepoints), instructions and allocations (valgrind's callgrind),
# per delivered message, for each shape of load given (subscribers/publishers/
# channels[/payload bytes]; by default 16/4/1, 50/4/10, 4/4/4 and 200/8/50 with
# 64-byte payloads). Builds pubsub_server and bench_pubsub in Release (the
# "release" preset, in build/release or in $BUILD_DIR), then for each shape
# runs bench_pubsub four times, with both servers wrapped in callgrind, then
# in perf stat, each once briefly and once longer; the figures are the
# differences between the long and the short run divided by the difference in
# messages delivered (see profile_report.py), so that starting, connecting and
# stopping do not count. Prints a Markdown table per shape; the raw outputs
# stay in $OUT_DIR (default build/release/profile). $LOAD adds options of
# bench_pubsub's load to every run (its own window when empty).
# Usage:
#   pubsub_server/bench/profile.sh
#   pubsub_server/bench/profile.sh 4/4/4 16/4/1/1024
#   LONG_SECONDS=8 pubsub_server/bench/profile.sh 50/4/10
#   LOAD="--batch 32 --spread" pubsub_server/bench/profile.sh 200/8/50
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
build=${BUILD_DIR:-build/release}
long_seconds=${LONG_SECONDS:-4}
short_seconds=${SHORT_SECONDS:-0.5}
read -r -a load <<<"${LOAD:-}"

# perf counts system calls through the kernel's tracepoints, which slows the
# server far less than strace's stops, so the servers batch as they do
# unobserved; strace -c (TOOLS="callgrind strace") names every call.
tools=${TOOLS:-callgrind perf}
for tool in redis-server ${tools/callgrind/valgrind}; do
  if ! command -v "$tool" >/dev/null; then
    echo "profile.sh: $tool is missing" >&2
    exit 1
  fi
done

cmake --preset release -B "$build" >/dev/null
cmake --build "$build" --target bench_pubsub >/dev/null
build=$(cd "$build" && pwd)
out=${OUT_DIR:-$build/profile}
mkdir -p "$out"
server=$build/pubsub_server/src/pubsub_server
redis=$(command -v redis-server)
syscalls=(read write writev readv recvfrom recvmsg sendto sendmsg epoll_wait epoll_pwait epoll_ctl)
perf_events=raw_syscalls:sys_enter,context-switches,task-clock
for call in "${syscalls[@]}"; do perf_events+=,syscalls:sys_enter_$call; done

# A wrapper that runs `program` under `tool`, writing to `file`; bench_pubsub
# starts it as the server and stops it with SIGTERM.
write_wrapper() {
  local wrapper=$1 tool=$2 file=$3 program=$4
  if [[ $tool == callgrind ]]; then
    cat >"$wrapper" <<EOF
#!/usr/bin/env bash
exec valgrind -q --tool=callgrind --callgrind-out-file='$file' '$program' "\$@"
EOF
  else
    # strace and perf, started with the program, do not pass SIGTERM on: the
    # wrapper does, and the tool writes its summary once the program exits.
    local command="strace -f -c -o '$file'"
    [[ $tool == perf ]] && command="perf stat -e '$perf_events' -o '$file' --"
    cat >"$wrapper" <<EOF
#!/usr/bin/env bash
$command '$program' "\$@" &
tracer=\$!
trap 'kill -TERM \$(pgrep -P \$tracer) 2>/dev/null || true' TERM INT
wait \$tracer || wait \$tracer || true
EOF
  fi
  chmod +x "$wrapper"
}

shapes=("$@")
if [[ ${#shapes[@]} -eq 0 ]]; then shapes=(16/4/1 50/4/10 4/4/4 200/8/50); fi

for shape in "${shapes[@]}"; do
  IFS=/ read -r subscribers publishers channels payload <<<"$shape"
  payload=${payload:-64}
  dir=$out/$subscribers-$publishers-$channels-$payload
  mkdir -p "$dir"
  for tool in $tools; do
    for run in short long; do
      seconds=$short_seconds
      [[ $run == long ]] && seconds=$long_seconds
      write_wrapper "$dir/pubsub_server.$tool" "$tool" "$dir/$tool.pubsub_server.$run" "$server"
      write_wrapper "$dir/redis-server.$tool" "$tool" "$dir/$tool.redis-server.$run" "$redis"
      echo "profile.sh: $shape, $tool, $seconds s" >&2
      (cd "$dir" && "$build/pubsub_server/bench/bench_pubsub" --subscribers "$subscribers" \
        --publishers "$publishers" --channels "$channels" --payload "$payload" --warmup 0 \
        --seconds "$seconds" --repetitions 1 --server "$dir/pubsub_server.$tool" \
        --redis-server "$dir/redis-server.$tool" "${load[@]}") >"$dir/bench.$tool.$run.txt" || {
        echo "profile.sh: bench_pubsub failed, see $dir/bench.$tool.$run.txt" >&2
        exit 1
      }
    done
  done
  python3 "$root/pubsub_server/bench/profile_report.py" "$dir" \
    "$subscribers subscribers, $publishers publishers, $channels channel(s), $payload-byte payloads"
done
