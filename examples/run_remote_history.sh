#!/usr/bin/env bash
# The retained history's demo, run by CTest: starts a nats-server of its own
# with JetStream on an ephemeral loopback port; a publisher process publishes
# three events and exits; a subscriber process, started afterwards, pulls
# them; a second publisher process publishes two more; the subscriber, run
# again, pulls only those two, then nothing. The output is checked against
# EXPECTED and printed.
#   run_remote_history.sh NATS_SERVER REMOTE_PUBLISHER REMOTE_SUBSCRIBER EXPECTED
set -euo pipefail
server=$1 publisher=$2 subscriber=$3 expected=$4

source "$(dirname "$0")/../scripts/nats_server.sh"

server_args=(-js --store_dir "$dir/jetstream")
start_nats_server run_remote_history "$server"

{
  "$publisher" --nats "$url" --name P1 --topic A --count 3
  "$subscriber" --nats "$url" --name S1 --topic A
  "$publisher" --nats "$url" --name P2 --topic A --count 2
  "$subscriber" --nats "$url" --name S1 --topic A
  "$subscriber" --nats "$url" --name S1 --topic A
} > "$dir/history.out"

if ! diff -u "$expected" "$dir/history.out"; then
  echo "run_remote_history: the output differs from $expected"
  exit 1
fi
cat "$dir/history.out"
