//! The size probe written against plain `std`: the baseline for
//! `scripts/text-size.sh`, which checks that `size_probe_audited`, the same
//! source against `audit_std`, has the same `.text` size when auditing is
//! compiled out (`--features audit-core/off`).
//!
//! ```text
//! cargo run --release --example size_probe_std
//! ```

use std::{fs, net, process};

include!("size_probe/body.rs");
