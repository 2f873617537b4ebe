//! The size probe written against `audit_std`: the same source as
//! `size_probe_std` but for this import. `scripts/text-size.sh` builds both
//! with auditing compiled out (`--features audit-core/off`) and compares
//! their `.text` sizes.
//!
//! ```text
//! cargo run --release --example size_probe_audited --features audit-core/off
//! ```

use audit_std::{fs, net, process};

include!("size_probe/body.rs");
