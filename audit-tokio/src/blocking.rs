//! Blocking work on tokio's pool, made the way tokio makes it, but carrying
//! the record of the event raised for it.

use std::io;

use audit_core::__private::already::Carried;

/// Runs `f` on tokio's blocking pool, as `tokio::fs` does (the same error
/// when the pool cannot run it: the runtime is shutting down, or `f`
/// panicked), with the record of the event raised for it on the task's
/// thread ([`already::carry`](audit_core::__private::already::carry)). So
/// an entry point that a lower layer (audit-interpose) defines, reached by
/// `f` on the blocking thread, does not raise the same event a second time.
pub(crate) async fn blocking<T, F>(carried: Carried, f: F) -> io::Result<T>
where
    F: FnOnce() -> io::Result<T> + Send + 'static,
    T: Send + 'static,
{
    tokio::task::spawn_blocking(move || carried.run(f))
        .await
        .unwrap_or_else(|_| Err(background_failed()))
}

/// tokio's error for blocking work the pool could not finish.
pub(crate) fn background_failed() -> io::Error {
    io::Error::other("background task failed")
}
