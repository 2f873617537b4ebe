#!/usr/bin/env bash
# Runs the criterion benchmarks in a build whose code layout is controlled:
# LLVM aligns every function to 64 bytes and every branch target to 32.
#
# Why: the cases that take about a nanosecond (a plain call, an audit point
# with no hook) are a handful of instructions, and how they fall across
# 32- and 64-byte boundaries changes their time by up to 20% from one build
# to the next, with no change to the code itself: in one run the same plain
# function measured 0.98 ns in one bench binary and 1.17 ns in the other.
# With every function and branch target aligned, four runs agreed within
# about 3%, and the ratios compare code, not layout. The build goes to its own target
# directory, so the usual build cache is untouched.
#
# Usage: scripts/bench.sh [cargo bench arguments]
#   scripts/bench.sh --bench no_hooks
#   scripts/bench.sh --bench hooks -- --warm-up-time 1 --measurement-time 3
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR=target/bench-aligned
export RUSTFLAGS="${RUSTFLAGS:-} -C llvm-args=-align-all-functions=6 -C llvm-args=-align-all-nofallthru-blocks=5"
exec cargo bench "$@"
