#!/usr/bin/env bash
# `make bench` (run inside scripts/with-test-postgres.sh): the messaging benchmarks, then the
# system benchmark on the release executables, which writes README's results table,
# Benchmarks/results.md, Benchmarks/details.svg and Benchmarks/details.sql.
#   BENCH_SCALE=0 skips the --scale step (100,000 customers, 20,000,000 activities).
#   BENCH_SECONDS (default 10) is the length of each load step.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out="$root/.build/release"
messaging=$(mktemp /tmp/ar-bench-messaging.XXXXXX)
trap 'rm -f "$messaging"' EXIT
"$out/MessagingBench" | tee "$messaging"
scale=()
[ "${BENCH_SCALE:-1}" != "0" ] && scale=(--scale)
"$out/SystemBench" --write --seconds "${BENCH_SECONDS:-10}" --messaging "$messaging" "${scale[@]}"
