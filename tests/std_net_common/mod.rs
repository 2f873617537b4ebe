//! Shared helpers for the `std_net` and `std_unix_net` tests.
#![allow(dead_code)] // each test file uses a subset

use std::io::{self, ErrorKind};
use std::time::Duration;

use audit_core::{audit_error, AuditError, Event};

/// How long a test waits for something that must happen.
pub const TIMEOUT: Duration = Duration::from_secs(5);
/// How long a test waits for something that must not happen.
pub const SHORT: Duration = Duration::from_millis(200);

/// A hook vetoing every event called `name`.
pub fn veto(name: &'static str) -> impl Fn(&Event<'_>) -> Result<(), AuditError> + Send + Sync {
    move |e| {
        if e.name() == name {
            Err(AuditError::denied("test veto"))
        } else {
            Ok(())
        }
    }
}

/// Asserts that `err` is an audit refusal.
#[track_caller]
pub fn assert_vetoed(err: &io::Error) {
    assert_eq!(err.kind(), ErrorKind::PermissionDenied, "{err}");
    assert!(audit_error(err).is_some(), "not an audit refusal: {err}");
}
