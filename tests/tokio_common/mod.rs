//! Shared helpers for the `tokio_*` tests: a multi-thread runtime, a vetoing
//! hook, and the comparison of audit_tokio's events with audit_std's.
#![allow(dead_code)] // each test file uses a subset

use std::future::Future;
use std::io;

use audit_core::{AuditError, Event, OwnedEvent};

/// The reason the test veto gives.
pub const REASON: &str = "vetoed by the test";

/// A capture hook that refuses every event.
pub fn deny(_: &Event<'_>) -> Result<(), AuditError> {
    Err(AuditError::denied(REASON))
}

/// A multi-thread runtime with two workers: tasks really move between
/// threads.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
}

/// Runs `fut` on a fresh multi-thread runtime, in a spawned task (so it runs
/// on a worker thread, not the test's thread).
pub fn block_on<F>(fut: F) -> F::Output
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    block_on_in(&runtime(), fut)
}

/// Like [`block_on`], on `rt`: for sockets used by several calls, which
/// belong to the runtime that created them.
pub fn block_on_in<F>(rt: &tokio::runtime::Runtime, fut: F) -> F::Output
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    rt.block_on(async { tokio::spawn(fut).await.expect("task panicked") })
}

/// An event as text: its name and arguments, with descriptor numbers
/// (`fd`) replaced by whether one was given, since two opened files never
/// share a number.
pub fn render(event: &OwnedEvent) -> String {
    let args: Vec<String> = event
        .args()
        .map(|(name, value)| {
            if name == "fd" {
                format!("fd={}", if value.is_none() { "None" } else { "<fd>" })
            } else {
                format!("{name}={value:?}")
            }
        })
        .collect();
    format!("{}({})", event.name(), args.join(", "))
}

/// All events as text, see [`render`].
pub fn render_all(events: &[OwnedEvent]) -> Vec<String> {
    events.iter().map(render).collect()
}

/// Asserts that `result` is a veto from a hook: `PermissionDenied`, carrying
/// an `AuditError`.
#[track_caller]
pub fn assert_vetoed<T: std::fmt::Debug>(result: &io::Result<T>) {
    let err = result.as_ref().expect_err("the operation was vetoed");
    assert_eq!(err.kind(), io::ErrorKind::PermissionDenied, "{err}");
    assert!(audit_core::audit_error(err).is_some(), "not a veto: {err}");
}
