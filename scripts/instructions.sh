#!/usr/bin/env bash
# Counts the instructions of one send, of one router trigger by name and
# through an event_trigger, and of posting as many handlers (the floor), per
# operation, for 1, 10 and 100 listeners, then of sends whose callbacks read
# a kwarg by name and through a kwarg_handle, and of a send naming a sender,
# a key and a kwarg as a PUBLISH of the pub/sub server does,
# with callgrind: the difference
# between a run of 60,000 operations and one of 10,000, divided by 50,000, so
# that start-up and set-up cancel out. Unlike time, the count does not move
# with the load of a shared machine.
#
#   scripts/instructions.sh
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh valgrind

cmake --preset release >/dev/null
cmake --build --preset release --target asio_signals_instructions
program=build/release/bench/asio_signals_instructions

count() {
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "$program" "$@" 2>&1 |
    sed -n 's/.*refs: *//p' | tr -d ,
}

printf '| listeners | posts | send | trigger | event_trigger | send / posts | trigger / send |'
printf ' event_trigger / send |\n'
printf '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n'
ratio() { python3 -c "print(f'{$1 / $2:.2f}x')"; }
for listeners in 1 10 100; do
  declare -A per
  for mode in post send trigger bound; do
    small=$(count "$mode" "$listeners" 10000)
    large=$(count "$mode" "$listeners" 60000)
    per[$mode]=$(((large - small) / 50000))
  done
  [[ $listeners == 1 ]] && send_one=${per[send]}
  printf '| %d | %d | %d | %d | %d | %s | %s | %s |\n' "$listeners" "${per[post]}" "${per[send]}" \
    "${per[trigger]}" "${per[bound]}" "$(ratio "${per[send]}" "${per[post]}")" \
    "$(ratio "${per[trigger]}" "${per[send]}")" "$(ratio "${per[bound]}" "${per[send]}")"
done

printf '\n| listeners | send, callbacks read a kwarg by name | through a kwarg_handle |'
printf ' saved per read |\n'
printf '| ---: | ---: | ---: | ---: |\n'
for listeners in 1 10; do
  declare -A per
  for mode in by_name by_handle; do
    small=$(count "$mode" "$listeners" 10000)
    large=$(count "$mode" "$listeners" 60000)
    per[$mode]=$(((large - small) / 50000))
  done
  printf '| %d | %d | %d | %d |\n' "$listeners" "${per[by_name]}" "${per[by_handle]}" \
    "$(((per[by_name] - per[by_handle]) / listeners))"
done

# A PUBLISH of the pub/sub server: a send naming a sender, one of 4 keys and
# a kwarg, to the one callback of its key, which reads the kwarg.
small=$(count publish 4 10000)
large=$(count publish 4 60000)
publish=$(((large - small) / 50000))
printf '\n| send naming a sender, a key and a kwarg | a send naming nothing | ratio |\n'
printf '| ---: | ---: | ---: |\n'
printf '| %d | %d | %s |\n' "$publish" "$send_one" "$(ratio "$publish" "$send_one")"
