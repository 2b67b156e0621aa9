#!/usr/bin/env bash
# Reconciles the money of the system `make run` started: each service answers for its own
# data (through the gateway executable, with the mesh's keys in .data/keys), and the report
# is printed as JSON. Exits 0 when everything adds up, 1 when something does not (the
# report names the ids), 2 when the system cannot be asked.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
configuration=${AR_BUILD:-debug}
bin=$(swift build -c "$configuration" --show-bin-path)
[ -x "$bin/gateway" ] || { echo "reconcile: no gateway built; run make run first" >&2; exit 2; }
[ -d "$root/.data/keys" ] || { echo "reconcile: no .data/keys; run make run first" >&2; exit 2; }
export AR_KEYS_DIR="$root/.data/keys"
status=0
"$bin/gateway" reconcile || status=$?
exit "$status"
