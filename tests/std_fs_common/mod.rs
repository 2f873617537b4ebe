//! Shared helpers for the `std_fs*` and `std_unix_fs*` tests: run an
//! operation vetoed, then allowed, and check its event.
#![allow(dead_code)] // each test file uses a subset

use std::fmt::Debug;
use std::io;
use std::path::Path as StdPath;

use audit_core::testing::{capture, capture_with};
use audit_core::{AuditError, Event, OwnedEvent, OwnedValue};

/// The reason the test veto gives.
pub const REASON: &str = "vetoed by the test";

/// A capture hook that refuses every event.
pub fn deny(_: &Event<'_>) -> Result<(), AuditError> {
    Err(AuditError::denied(REASON))
}

/// What an event argument must be.
#[derive(Debug, Clone, Copy)]
pub enum Expect<'a> {
    Path(&'a StdPath),
    Bool(bool),
    Uint(u64),
    Int(i64),
    Absent,
    /// Present, any value.
    Any,
}

/// The raw descriptor of a file, as the `fd` argument reports it.
#[cfg(unix)]
pub fn fd_of(f: &impl std::os::fd::AsRawFd) -> i64 {
    i64::from(f.as_raw_fd())
}

/// The `path` an event on an open file reports for the file at `path`: its
/// canonical path where the platform tells an open file's path (Linux,
/// Android), else `None`.
pub fn open_file_path(path: &StdPath) -> Option<std::path::PathBuf> {
    if cfg!(any(target_os = "linux", target_os = "android")) {
        Some(std::fs::canonicalize(path).expect("canonicalize"))
    } else {
        None
    }
}

/// What the `path` argument must be: that path, or `None` (absent).
pub fn path_or_absent(path: &Option<std::path::PathBuf>) -> Expect<'_> {
    match path {
        Some(path) => Expect::Path(path),
        None => Expect::Absent,
    }
}

fn matches(value: &OwnedValue, expect: Expect<'_>) -> bool {
    match expect {
        Expect::Path(p) => value.as_path() == Some(p),
        Expect::Bool(b) => value.as_bool() == Some(b),
        Expect::Uint(u) => value.as_u64() == Some(u),
        Expect::Int(i) => value.as_i64() == Some(i),
        Expect::Absent => value.is_none(),
        Expect::Any => true,
    }
}

/// Asserts that `events` is exactly one `name` event whose arguments match
/// `args` (a subset, checked by name; every named argument must exist).
#[track_caller]
pub fn assert_event(events: &[OwnedEvent], name: &str, args: &[(&str, Expect<'_>)]) {
    assert_eq!(
        events.len(),
        1,
        "expected one `{name}` event, got {events:?}"
    );
    let event = &events[0];
    assert_eq!(event.name(), name, "{event:?}");
    for &(key, expect) in args {
        let value = event
            .arg(key)
            .unwrap_or_else(|| panic!("`{name}` has no argument `{key}`: {event:?}"));
        assert!(
            matches(value, expect),
            "`{name}`.{key} = {value:?}, expected {expect:?}"
        );
    }
}

/// Runs `op` twice: vetoed, then allowed.
///
/// Auditing enabled: the vetoed run must fail with `PermissionDenied`
/// carrying an `AuditError`, raise exactly the `name` event with `args`, and
/// leave the state `unchanged` asserts; the allowed run must succeed, raise
/// the same event, and have the effect `done` asserts.
///
/// Auditing compiled out: the "vetoed" run must succeed without any event and
/// have the effect.
#[track_caller]
pub fn check<R: Debug>(
    name: &str,
    args: &[(&str, Expect<'_>)],
    op: impl Fn() -> io::Result<R>,
    unchanged: impl Fn(),
    done: impl Fn(&R),
) -> R {
    let (vetoed, events) = capture_with(deny, &op);
    if !audit_core::ENABLED {
        assert!(events.is_empty(), "no event when compiled out: {events:?}");
        let r = vetoed.expect("with auditing compiled out, nothing is vetoed");
        done(&r);
        return r;
    }
    let err = vetoed.expect_err("the veto must fail the operation");
    assert_eq!(err.kind(), io::ErrorKind::PermissionDenied, "{err}");
    let audit = audit_core::audit_error(&err).expect("the error carries the AuditError");
    assert_eq!(audit.event(), Some(name));
    assert_event(&events, name, args);
    unchanged();

    let (allowed, events) = capture(&op);
    let r = allowed.expect("the allowed operation succeeds");
    assert_event(&events, name, args);
    done(&r);
    r
}
