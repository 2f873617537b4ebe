//! The one event the sink measurements log, in both forms: as an audit
//! event (`open`) and as the equivalent `tracing` event (`traced`): an open
//! for writing with a path, three flags, a mode and a counter. Shared by
//! `benches/sinks.rs` (events per second) and `examples/sink_instructions.rs`
//! (instructions per event), so both measure the same thing.

use std::path::Path;

use audit_core::{audit, AuditError};

/// The audit event.
#[inline(never)]
pub fn open(path: &Path, i: u64) -> Result<(), AuditError> {
    audit!(
        "fs.open",
        path,
        write = true,
        create = true,
        mode = 0o644u32,
        i
    )
}

/// The equivalent `tracing` event (target `audit`, one field each).
#[inline(never)]
pub fn traced(path: &Path, i: u64) {
    tracing::info!(
        target: "audit",
        path = %path.display(),
        write = true,
        create = true,
        mode = 0o644u32,
        i,
        "fs.open"
    );
}
