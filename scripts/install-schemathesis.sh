#!/usr/bin/env bash
# Installs schemathesis (from PyPI, a pinned version) into .build/schemathesis, once: the
# outside client that judges docs/openapi.json against the live gateway in `make test`
# (Tests/SystemTests/ContractFuzzTests.swift).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
version=4.32.5
venv="$root/.build/schemathesis"
if [ -x "$venv/bin/st" ] && "$venv/bin/st" --version 2>/dev/null | grep -q "$version"; then exit 0; fi
rm -rf "$venv"
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$version"
"$venv/bin/st" --version
