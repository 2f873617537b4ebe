#!/usr/bin/env bash
# Counts, exactly, the instructions a log costs per event, with callgrind:
# the same event N and 2N times (examples/sink_instructions.rs) logged by
# audit-sinks' JsonLines and NonBlocking, and by tracing-subscriber's JSON
# layer, directly and through tracing-appender's non-blocking writer, each
# writing to `io::sink()`. The figure is (count at 2N - count at N) / N,
# minus the same for the audit point with no hook: one event's cost, without
# start-up.
#
# Two columns: the audited thread alone (the first thread, from
# `--separate-threads=yes`), and every thread together (the background
# writer included). Callgrind counts user-space instructions, so the figures
# are the same on a busy machine as on a quiet one; the time spent in the
# kernel (futex wake-ups, writes) is not in them.
#
# Usage: scripts/sink-instructions.sh [N]   (needs valgrind)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-20000}
command -v valgrind >/dev/null || { echo "valgrind is required (apt-get install valgrind)" >&2; exit 1; }
cargo build --quiet --release --example sink_instructions
bin=target/release/examples/sink_instructions
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
counts() { # mode calls -> "first-thread all-threads"
  rm -f "$out"/cg.*
  valgrind --tool=callgrind --separate-threads=yes --callgrind-out-file="$out/cg.%p" \
    "$bin" "$1" "$2" >/dev/null 2>&1
  local first all=0 t
  first=$(ls "$out"/cg.*-01 | head -1)
  for f in "$out"/cg.*; do
    t=$(sed -n 's/^totals: *\([0-9]*\).*/\1/p; s/^summary: *\([0-9]*\).*/\1/p' "$f" | tail -1)
    all=$((all + t))
  done
  t=$(sed -n 's/^totals: *\([0-9]*\).*/\1/p; s/^summary: *\([0-9]*\).*/\1/p' "$first" | tail -1)
  echo "$t $all"
}
per_event() { # mode -> "first all" per event
  local a b
  a=($(counts "$1" "$n"))
  b=($(counts "$1" $((2 * n))))
  awk -v a1="${a[0]}" -v a2="${a[1]}" -v b1="${b[0]}" -v b2="${b[1]}" -v n="$n" \
    'BEGIN { printf "%.0f %.0f", (b1 - a1) / n, (b2 - a2) / n }'
}
base=($(per_event none))
echo "events: $n and $((2 * n)); instructions per event, over the audit point with no hook (${base[0]}):"
printf "%-48s %16s %12s\n" "" "audited thread" "all threads"
for mode in json nonblocking tracing-json tracing-nonblocking; do
  r=($(per_event "$mode"))
  # tracing's modes have no audit point: compared with nothing, not the baseline.
  if [[ $mode == tracing* ]]; then b0=0; b1=0; else b0=${base[0]}; b1=${base[1]}; fi
  printf "%-48s %16d %12d\n" "$mode" $((r[0] - b0)) $((r[1] - b1))
done
