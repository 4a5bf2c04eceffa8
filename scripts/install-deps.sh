#!/usr/bin/env bash
# Installs, on Debian 12, the packages that building, testing and running the
# demo of asio_signals need, plus any package named as an argument, and only
# those that are missing: with everything in place it changes nothing and does
# not touch the network.
#
# Debian 12's default libboost-dev is Boost 1.74, too old: asio_signals needs
# Boost 1.81 (libboost1.81-dev, libboost-test1.81-dev).
set -euo pipefail

packages=(
  cmake ninja-build g++ clang clang-format libclang-rt-14-dev
  libboost1.81-dev libboost-test1.81-dev
  libbenchmark-dev python3 doxygen
  redis-server redis-tools python3-redis
  nats-server libnats-dev libboost-json1.81-dev
  "$@"
)

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: every package is installed"
  exit 0
fi

sudo=()
if [ "$(id -u)" -ne 0 ]; then sudo=(sudo); fi

echo "install-deps: installing ${missing[*]}"
"${sudo[@]}" apt-get update
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
