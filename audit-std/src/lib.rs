//! Audited drop-in replacements for `std::fs`, `std::process` and `std::net`.
//!
//! Swap `use std::fs;` for `use audit_std::fs;` (likewise `process`, `net`,
//! `env` and `os::unix::{fs, process, net}`) and the program compiles and
//! behaves the same, except that every operation that reaches the operating
//! system first raises an audit event to the hooks installed with
//! `audit_core::add_hook`. A vetoed operation fails with an
//! [`std::io::Error`] of kind
//! [`PermissionDenied`](std::io::ErrorKind::PermissionDenied), before any
//! effect on the system; `audit_core::audit_error` recovers the refusal.
//!
//! This is an audit facility, not a sandbox: code that calls `std` (or the
//! operating system) directly is not seen.
//!
//! # A tour
//!
//! ```
//! use audit_core::{audit_error, testing, AuditError};
//! use audit_std::fs; // instead of `use std::fs;`
//!
//! let dir = tempfile::tempdir()?;
//! let secret = dir.path().join("secret.key");
//!
//! // A hook (here a scoped test capture; in a program, `audit_core::add_hook`)
//! // sees each operation with typed arguments, and may refuse it.
//! let (result, events) = testing::capture_with(
//!     |event| match event.arg("path").and_then(|v| v.as_path()) {
//!         Some(path) if path.ends_with("secret.key") => Err(AuditError::denied("keys are read-only")),
//!         _ => Ok(()),
//!     },
//!     || fs::write(&secret, "hunter2"),
//! );
//! if audit_core::ENABLED {
//!     let err = result.unwrap_err();
//!     assert_eq!(err.kind(), std::io::ErrorKind::PermissionDenied);
//!     assert_eq!(audit_error(&err).unwrap().reason(), "keys are read-only");
//!     assert!(!secret.exists(), "refused before the system call");
//!     assert_eq!(events[0].name(), audit_std::events::fs::OPEN);
//! }
//! # Ok::<(), std::io::Error>(())
//! ```
//!
//! - **What raises what**: [`events`] lists every event with its arguments
//!   and its CPython counterpart, one module per area, each with `ALL`.
//! - **What is not audited**: reads and writes on an open file or socket, as
//!   in CPython: the opening is audited, and the handle is then the
//!   program's.
//! - **Types**: the wrappers are newtypes with `std`'s methods and `std`'s
//!   extension traits (`Read`, `Write`, `AsRawFd`, `FileExt`, ...), and
//!   `from_std`/`as_std`/`into_std` to cross over where a `std` type is
//!   required.
//! - **Tests**: [`testing`] asserts that code under test made no network
//!   connection, wrote only inside a directory, or started no process.
//! - **Compiled out**: with `audit-core`'s `off` feature every wrapper is the
//!   `std` call it wraps.
#![deny(missing_docs)]

pub mod env;
pub mod events;
pub mod fs;
pub mod net;
pub mod os;
pub mod process;
pub mod testing;
