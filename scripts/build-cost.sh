#!/usr/bin/env bash
# What depending on these crates costs a user: clean debug build time and
# stripped release binary size of one small command-line program, written
# once against plain std and once per set of crates, each built from
# scratch in its own target directory (dependencies included, as a new
# user's first `cargo build` would).
#
# Prints a Markdown table (the one in BENCHMARKS.md and the README) with the
# plain-std figures and what each variant adds, and the number of packages
# and of `syn` major versions each variant compiles.
#
# The variants share one program (scripts/build-cost/main.rs); a variant is a
# set of Cargo features of that program, so the same source is measured each
# time. Cargo.lock is the workspace's, so versions match what the tests use.
#
# Timing is wall-clock on a shared machine: run it on an otherwise idle one,
# and compare rows of one run, not runs of different days.
#
# Usage: scripts/build-cost.sh [VARIANT...]   (default: all; see VARIANTS)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
jobs=${BUILD_COST_JOBS:-$(nproc)}

# name | features of the probe | what a user adds to Cargo.toml
VARIANTS=(
  "plain std||nothing"
  "audit-core + audit-std|std|audit-core, audit-std"
  "+ audit-policy, policy in code|std,policy-code|audit-policy, default-features = false"
  "+ audit-policy|std,policy|audit-policy"
  "+ audit-sinks (json)|std,policy,json|audit-sinks, features json"
  "+ audit-sinks (json, tracing)|std,policy,json,tracing|audit-sinks, features json + tracing"
)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

probe="$work/probe"
mkdir -p "$probe/src"
cp scripts/build-cost/main.rs "$probe/src/main.rs"
cp Cargo.lock "$probe/Cargo.lock"
cat >"$probe/Cargo.toml" <<EOF
[package]
name = "build-cost-probe"
version = "0.0.0"
edition = "2021"
publish = false

[workspace]

[features]
std = ["dep:audit-core", "dep:audit-std"]
policy-code = ["std", "dep:audit-policy"]
policy = ["policy-code", "audit-policy/toml"]
json = ["std", "dep:audit-sinks", "audit-sinks/json"]
tracing = ["std", "dep:audit-sinks", "audit-sinks/tracing", "dep:tracing"]

[dependencies]
audit-core = { path = "$root/audit-core", optional = true }
audit-std = { path = "$root/audit-std", optional = true }
audit-policy = { path = "$root/audit-policy", optional = true, default-features = false }
audit-sinks = { path = "$root/audit-sinks", optional = true }
tracing = { version = "0.1", optional = true }

[profile.release]
strip = true
EOF

seconds() { date +%s.%N; }

printf '| variant | user adds | clean debug build | release binary, stripped | packages | syn majors |\n'
printf '|---|---|---|---|---|---|\n'
base_time=""
base_size=""
for row in "${VARIANTS[@]}"; do
  IFS='|' read -r name features adds <<<"$row"
  if [ "$#" -gt 0 ] && ! printf '%s\n' "$@" | grep -qxF "$name"; then
    continue
  fi
  target="$work/target-$(echo "$features" | tr ',' '-')"
  select=(--manifest-path "$probe/Cargo.toml")
  [ -n "$features" ] && select+=(--features "$features")
  flags=("${select[@]}" --target-dir "$target" -j "$jobs" --quiet)

  start=$(seconds)
  cargo build "${flags[@]}"
  end=$(seconds)
  build=$(echo "$end - $start" | bc)
  cargo build --release "${flags[@]}"
  size=$(stat -c %s "$target/release/build-cost-probe")

  tree=$(cargo tree "${select[@]}" --edges normal,build --prefix none --format '{p}' | sed 's/ (.*//' | sort -u)
  packages=$(echo "$tree" | wc -l)
  syn=$(echo "$tree" | awk '$1 == "syn" { split($2, v, "."); print v[1] }' | sort -u | tr -d v | paste -sd, -)

  if [ -z "$base_time" ]; then
    base_time=$build
    base_size=$size
    printf '| %s | %s | %.1f s | %d KB | %d | %s |\n' "$name" "$adds" "$build" $((size / 1024)) "$packages" "${syn:-none}"
  else
    printf '| %s | %s | +%.1f s | +%d KB | %d | %s |\n' "$name" "$adds" \
      "$(echo "$build - $base_time" | bc)" $(((size - base_size) / 1024)) "$packages" "${syn:-none}"
  fi
done
