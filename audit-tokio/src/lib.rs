//! Audited drop-in replacements for `tokio::fs`, `tokio::net` and
//! `tokio::process`.
//!
//! Swap `use tokio::fs;` for `use audit_tokio::fs;` (likewise `net` and
//! `process`) and the program compiles and behaves the same, except that every
//! operation that reaches the operating system first raises an audit event to
//! the hooks installed with `audit_core::add_hook`. The events are **the same
//! names with the same arguments as [`audit_std`]'s** (the constants are in
//! [`audit_std::events`]), so one policy, one log format and one set of test
//! helpers cover synchronous and asynchronous code alike. A vetoed operation
//! fails with an [`std::io::Error`] of kind
//! [`PermissionDenied`](std::io::ErrorKind::PermissionDenied) before any
//! effect on the system; `audit_core::audit_error` recovers the refusal.
//!
//! ```
//! use audit_core::AuditError;
//! use audit_tokio::{fs, testing};
//!
//! # tokio::runtime::Builder::new_multi_thread().enable_all().build()?.block_on(async {
//! let dir = tempfile::tempdir()?;
//! let secret = dir.path().join("secret.key");
//! // A vetoing capture that follows this future across worker threads (in a
//! // program: `audit_core::add_hook` at start-up).
//! let (result, events) = testing::capture_with(
//!     |event: &audit_core::Event<'_>| match event.arg("path").and_then(|v| v.as_path()) {
//!         Some(path) if path.ends_with("secret.key") => Err(AuditError::denied("keys are read-only")),
//!         _ => Ok(()),
//!     },
//!     fs::write(&secret, "hunter2"),
//! )
//! .await;
//! if audit_core::ENABLED {
//!     assert_eq!(result.unwrap_err().kind(), std::io::ErrorKind::PermissionDenied);
//!     assert!(!secret.exists(), "refused before the write was handed to a blocking thread");
//!     assert_eq!(events[0].name(), audit_std::events::fs::OPEN);
//! }
//! # Ok::<(), std::io::Error>(())
//! # })?;
//! # Ok::<(), std::io::Error>(())
//! ```
//!
//! # When and where the event is raised
//!
//! Like every tokio operation, a wrapper does nothing until its future is
//! polled. On the **first poll**, on the task that awaits it and on the
//! worker thread that polls it, the wrapper raises its event; only when every
//! hook accepts does it call tokio, which may then hand the work to a
//! blocking thread (`tokio::fs`) or register with the reactor (`tokio::net`).
//! A veto therefore leaves nothing behind: no blocking job, no socket, no
//! child.
//!
//! **Who asked.** The event's [`caller`](audit_core::Event::caller) is the
//! line that called the wrapper, taken at the call, not the `.await` nor a
//! line of this crate: the wrappers that raise are `#[track_caller]`
//! functions returning `impl Future` rather than `async fn`s (which cannot
//! track their caller on stable Rust). Call sites are unchanged:
//! `fs::read(p).await` compiles as it did.
//!
//! **Hooks stay synchronous.** They run on the runtime's worker threads,
//! inside the poll of the audited future, so a hook that blocks (on a lock
//! held for long, on I/O, on a network call to an authorisation service)
//! stalls every task scheduled on that worker. Keep hooks quick and
//! non-blocking; hand slow work (writing a remote log) to a channel drained
//! by another thread. A hook must not call `Handle::block_on` (tokio panics
//! when asked to block inside the runtime; the panic is reported as the
//! hook's failure and vetoes the operation).
//!
//! # What is and is not covered
//!
//! - **Covered**: everything in [`fs`], [`net`] and [`process`] that reaches
//!   the operating system by name or address: opening, creating, removing,
//!   renaming, linking, listing, querying metadata, changing permissions and
//!   length; resolving host names, connecting, binding, accepting, sending
//!   to an explicit address; starting and killing processes.
//! - **Not audited, as in `audit_std` and CPython**: reads and writes on an
//!   open file or socket, seeks, syncs, duplicating a handle.
//! - **Escape hatches** (documented on each type, in an impl block of its
//!   own): `from_std`/`into_std`, `as_tokio`/`into_tokio` and the `From`
//!   conversions to tokio's types hand out values whose methods are **not
//!   audited**.
//! - **Bypasses**: code that calls `tokio`, `std` or the operating system
//!   directly is not seen. This is an audit facility, not a sandbox.
//!
//! # Tests that follow a task
//!
//! `audit_core::testing::capture` watches one thread; a tokio task moves
//! between worker threads. [`testing::capture`] watches one *future*,
//! whichever thread polls it, and [`testing::spawn`] lets it follow the tasks
//! that future starts.
//!
//! # Compiled out
//!
//! With `audit-core`'s `off` feature every audit point compiles to nothing
//! and each wrapper is the tokio call it wraps: the flags kept by
//! [`fs::OpenOptions`] and [`fs::DirBuilder`] are a few plain stores, and
//! `connect`/`bind` given several addresses run the same try-each-address
//! loop tokio runs, over the same addresses.
#![deny(missing_docs)]

mod blocking;
pub mod fs;
pub mod net;
pub mod process;
pub mod testing;

/// Says that a wrapper's `-> impl Future` captures the lifetime `'a`, as the
/// `async fn` it replaces did. The wrappers are `#[track_caller]` functions
/// returning a future (an `async fn` cannot track its caller), and an
/// `impl Trait` return type in edition 2021 captures no lifetime unless told.
#[doc(hidden)]
pub trait Captures<'a> {}

impl<T: ?Sized> Captures<'_> for T {}
