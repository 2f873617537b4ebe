//! Audited drop-ins for `std::env` functions that act on the filesystem.
//!
//! Everything else in [`std::env`](mod@std::env) is re-exported unchanged, so
//! `use audit_std::env;` can replace `use std::env;`. Only
//! [`set_current_dir`] is audited: it changes how every later relative path
//! resolves. [`current_dir`], [`temp_dir`], [`current_exe`] and the
//! environment variable functions raise nothing.
//!
//! Calling `std::env::set_current_dir` directly bypasses the audit; see the
//! clippy configuration in [`crate::fs`].

use std::io;
use std::path::Path;

use audit_core::audit;

use crate::events;

// The explicit `set_current_dir` below shadows the glob's.
pub use std::env::*;

/// Changes the current working directory to the specified path.
///
/// Raises [`events::fs::SET_CURRENT_DIR`] with `(path)` before the call.
///
/// Wrapper for [`std::env::set_current_dir`].
#[track_caller]
pub fn set_current_dir<P: AsRef<Path>>(path: P) -> io::Result<()> {
    let path = path.as_ref();
    audit!(events::fs::SET_CURRENT_DIR, path)?;
    std::env::set_current_dir(path)
}
