#!/usr/bin/env bash
# Installs the Debian packages the build, `make run` and the tests need, only when one is
# missing. Usage: scripts/install-deps.sh [extra-package ...]
set -euo pipefail

packages=(libzmq3-dev libpq-dev libcairo2-dev fonts-dejavu-core postgresql pkg-config python3 curl "$@")
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "installing: ${missing[*]}"
sudo_cmd=()
[ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
