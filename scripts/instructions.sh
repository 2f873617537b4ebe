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
#     plain, and with an `audit!` point or `#[audited]`, no hook;
#   - a real system call, `fs::metadata`, through std and through audit_std,
#     no hook (callgrind counts the user-space instructions only: the time
#     in the kernel, most of the call's cost, is not in the figure).
#
# Prints the extra instructions per call against the plain function.
# Callgrind counts instructions, not time, so the figures are the same on a
# busy machine as on a quiet one. Each mode runs twice, with N and 2N calls,
# and the figure is the difference divided by N: the instructions of one
# call, without the program's start-up and the one-time cost of adding hooks
# (which walks every callsite linked in).
#
# Usage: scripts/instructions.sh [N]   (needs valgrind)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-100000}
command -v valgrind >/dev/null || { echo "valgrind is required (apt-get install valgrind)" >&2; exit 1; }
cargo build --quiet --release --example instructions
bin=target/release/examples/instructions
total() { # mode calls
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bin" "$1" "$2" 2>&1 |
    sed -n 's/.*Collected : *\([0-9]*\).*/\1/p; s/.*I *refs: *\([0-9,]*\).*/\1/p' | tr -d , | tail -1
}
per_call() { # mode: instructions per call, to one decimal
  local once twice
  once=$(total "$1" "$n")
  twice=$(total "$1" $((2 * n)))
  awk -v a="$once" -v b="$twice" -v n="$n" 'BEGIN { printf "%.1f", (b - a) / n }'
}
report() { # label per-call baseline-per-call
  awk -v label="$1" -v c="$2" -v b="$3" \
    'BEGIN { printf "%-40s %7.1f instructions per call (%+.1f)\n", label, c, c - b }'
}
plain=$(per_call plain)
plain_call=$(per_call plain-call)
echo "calls: $n and $((2 * n)); per call, against the plain function:"
echo "leaf function (plain: $plain):"
report "  audit point, no hook" "$(per_call audited)" "$plain"
report "  #[audited], no hook" "$(per_call annotated)" "$plain"
one_hook=$(per_call audited-hook)
report "  audit point, one no-op hook" "$one_hook" "$plain"
report "  #[audited], one no-op hook" "$(per_call annotated-hook)" "$plain"
report "  audit point, 16 no-op hooks (vs one)" "$(per_call audited-16-hooks)" "$one_hook"
report "  tracing::info!, no subscriber" "$(per_call traced)" "$plain"
report "  tracing::info!, no-op subscriber" "$(per_call traced-subscriber)" "$plain"
echo "function that calls out (plain: $plain_call):"
report "  audit point, no hook" "$(per_call audited-call)" "$plain_call"
report "  #[audited], no hook" "$(per_call annotated-call)" "$plain_call"
std_metadata=$(per_call std-metadata)
echo "a real system call, user-space instructions only (std::fs::metadata: $std_metadata):"
report "  audit_std::fs::metadata, no hook" "$(per_call audit-std-metadata)" "$std_metadata"
