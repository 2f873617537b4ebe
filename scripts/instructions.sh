#!/usr/bin/env bash
# Counts the instructions an audit point adds, exactly, with callgrind:
# the same workload of N calls, plain, audited with no hook, and audited with
# one no-op hook. Prints the extra instructions per call.
#
# Usage: scripts/instructions.sh [N]   (needs valgrind)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-100000}
command -v valgrind >/dev/null || { echo "valgrind is required (apt-get install valgrind)" >&2; exit 1; }
cargo build --quiet --release --example instructions
bin=target/release/examples/instructions
count() {
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bin" "$1" "$n" 2>&1 |
    sed -n 's/.*Collected : *\([0-9]*\).*/\1/p; s/.*I *refs: *\([0-9,]*\).*/\1/p' | tr -d , | tail -1
}
plain=$(count plain)
audited=$(count audited)
hooked=$(count audited-hook)
awk -v n="$n" -v p="$plain" -v a="$audited" -v h="$hooked" 'BEGIN {
  printf "calls: %d\n", n
  printf "plain:               %12d instructions\n", p
  printf "audited, no hook:    %12d instructions (+%.1f per call)\n", a, (a - p) / n
  printf "audited, one hook:   %12d instructions (+%.1f per call)\n", h, (h - p) / n
}'
