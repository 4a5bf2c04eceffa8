# Sourced by the scripts that run programs against a nats-server of their
# own (examples/run_remote*.sh, scripts/nats_bench.sh): a temporary directory
# `dir`, the processes `pids` killed on exit, and
#   start_nats_server WHO SERVER [PREFIX...]
# which starts SERVER (under PREFIX, e.g. taskset) on an ephemeral loopback
# port, with the arguments of the array `server_args` if set (e.g. -js), and
# sets `url` to its client URL, or exits naming WHO.

dir=$(mktemp -d)
pids=()
server_args=()
# A killed nats-server may still be writing its JetStream store: the
# directory goes once every process has exited.
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$dir"
}
trap cleanup EXIT

start_nats_server() {
  local who=$1 server=$2
  shift 2
  "$@" "$server" -a 127.0.0.1 -p -1 --ports_file_dir "$dir" -l "$dir/server.log" \
    "${server_args[@]}" &
  pids+=($!)
  local ports="$dir/nats-server_$!.ports"
  for _ in $(seq 500); do [ -s "$ports" ] && break; sleep 0.01; done
  url=
  [ -s "$ports" ] && url=$(sed -n 's/.*"nats": *\["\([^"]*\)".*/\1/p' "$ports" | head -n 1)
  [ -n "$url" ] || { echo "$who: nats-server did not start"; exit 1; }
}
