//! The workspace's own package: it owns the integration tests (`tests/`),
//! examples (`examples/`) and benchmarks (`benches/`) that exercise
//! `audit-core`, `audit-macros` and `audit-std` together. Not published.
#![deny(missing_docs)]
