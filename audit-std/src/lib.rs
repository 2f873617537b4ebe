//! Audited drop-in replacements for `std::fs`, `std::process` and `std::net`.
//!
//! Swap `use std::fs;` for `use audit_std::fs;` (likewise `process` and `net`)
//! and the program compiles and behaves the same, except that every operation
//! that reaches the operating system first raises an audit event (see
//! [`events`]) to the hooks installed with `audit_core::add_hook`. A vetoed
//! operation fails with an [`std::io::Error`] of kind
//! [`PermissionDenied`](std::io::ErrorKind::PermissionDenied), before any
//! effect on the system; `audit_core::audit_error` recovers the refusal.
//!
//! This is an audit facility, not a sandbox: code that calls `std` (or the
//! operating system) directly is not seen.
#![deny(missing_docs)]

pub mod env;
pub mod events;
pub mod fs;
pub mod net;
pub mod os;
pub mod process;
pub mod testing;
