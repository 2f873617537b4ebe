#!/usr/bin/env bash
# Counts, exactly, the instructions an audit point adds, with callgrind: the
# same workload of N calls (examples/instructions.rs) in several modes.
#
#   - a minimal leaf function: plain; with an `audit!` point or as an
#     `#[audited]` function, with no hook and with one no-op hook; with 16
#     (reported against one: 15 extra hooks); and the same with a `tracing`
#     event, without and with an enabled no-op subscriber (the comparison the
#     dispatch must win);
#   - a function that calls out (as every audit_std wrapper calls into std):
#     plain, and with an `audit!` point or `#[audited]`, no hook.
#
# Prints the extra instructions per call against the plain function.
# Callgrind counts instructions, not time, so the figures are the same on a
# busy machine as on a quiet one.
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
report() { # label count baseline
  awk -v n="$n" -v label="$1" -v c="$2" -v b="$3" \
    'BEGIN { printf "%-38s %12d instructions (%+.1f per call)\n", label, c, (c - b) / n }'
}
plain=$(count plain)
plain_call=$(count plain-call)
echo "calls: $n"
echo "leaf function, against the plain one:"
report "  audit point, no hook" "$(count audited)" "$plain"
report "  #[audited], no hook" "$(count annotated)" "$plain"
one_hook=$(count audited-hook)
report "  audit point, one no-op hook" "$one_hook" "$plain"
report "  #[audited], one no-op hook" "$(count annotated-hook)" "$plain"
report "  audit point, 16 no-op hooks (vs one)" "$(count audited-16-hooks)" "$one_hook"
report "  tracing::info!, no subscriber" "$(count traced)" "$plain"
report "  tracing::info!, no-op subscriber" "$(count traced-subscriber)" "$plain"
echo "function that calls out, against the plain one:"
report "  audit point, no hook" "$(count audited-call)" "$plain_call"
report "  #[audited], no hook" "$(count annotated-call)" "$plain_call"
