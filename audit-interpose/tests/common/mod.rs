//! What the "counted once" tests share: the events their hook records,
//! the lookups over them, and a runtime whose blocking pool has one thread.
//! Each test file is a crate of its own (with its own `EVENTS`) that takes
//! this module with `mod common;` and installs its own hook.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use audit_core::OwnedEvent;

/// The events the test's hook recorded, in order.
pub static EVENTS: Mutex<Vec<OwnedEvent>> = Mutex::new(Vec::new());

/// Switches interposition on and makes a fresh directory (canonical, kept
/// for the whole run) for the test's files.
pub fn enable_in_new_root() -> PathBuf {
    assert_eq!(audit_interpose::enable(), audit_core::ENABLED);
    let dir = tempfile::tempdir().unwrap().keep();
    std::fs::canonicalize(dir).unwrap()
}

/// The recorded events that `keep` selects.
pub fn recorded(keep: impl Fn(&OwnedEvent) -> bool) -> Vec<OwnedEvent> {
    EVENTS
        .lock()
        .unwrap()
        .iter()
        .filter(|e| keep(e))
        .cloned()
        .collect()
}

/// The recorded events named `name` whose first argument is `path`.
pub fn events(name: &str, path: &Path) -> Vec<OwnedEvent> {
    recorded(|e| e.name() == name && e.args().next().and_then(|(_, v)| v.as_path()) == Some(path))
}

/// A runtime whose blocking pool has one thread: every blocking job runs on
/// the same thread, where a record left behind would be found.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .max_blocking_threads(1)
        .enable_all()
        .build()
        .unwrap()
}
