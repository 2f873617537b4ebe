//! Runtime audit hooks for Rust: the event model and the global hook registry.
//!
//! An *audit point* raises a named event with typed arguments just before a
//! sensitive operation (opening a file, spawning a process, connecting a
//! socket). *Hooks*, installed once at start-up, see every event and may veto
//! it, in which case the operation fails before it happens. This is Python's
//! PEP 578 (`sys.addaudithook` / `sys.audit`), done natively:
//!
//! - **Append-only.** [`add_hook`] installs a hook for the life of the
//!   process; nothing removes one. Adding a hook raises `audit.add_hook`,
//!   which existing hooks may veto, and [`seal`] closes the registry.
//! - **Free when unused.** With no hook installed, an audit point is one
//!   atomic load and one predictable branch: no allocation, no argument
//!   construction, no reference counting, no call.
//! - **Typed arguments.** A hook reads a path as `&Path` and an address as
//!   `SocketAddr` ([`Value`]), so a policy never parses strings.
//! - **Compiled out on demand.** The `off` feature removes auditing from the
//!   whole dependency graph.
//!
//! # Not a sandbox
//!
//! Audit hooks see what goes through audit points: `audit_std`'s wrappers,
//! `#[audited]` functions and `audit!` calls. Code that calls the operating
//! system directly (through `std`, `libc`, or any other crate) is not seen.
//! Use hooks to detect, log, and refuse operations in code you trust to route
//! through them; use the operating system's isolation (users, namespaces,
//! seccomp, containers) to contain code you do not trust.
//!
//! # A tour
//!
//! ```
//! use audit_core::{add_hook, audit, AuditError};
//! use std::path::Path;
//!
//! # fn main() -> Result<(), AuditError> {
//! # if !audit_core::ENABLED { return Ok(()) }
//! // At start-up: a hook that logs everything and refuses one thing.
//! add_hook(|event| {
//!     eprintln!("audit: {event}");
//!     match event.arg("path").and_then(|v| v.as_path()) {
//!         Some(path) if path.starts_with("/etc") => Err(AuditError::denied("/etc is off limits")),
//!         _ => Ok(()),
//!     }
//! })?;
//!
//! // At an audit point: raise before acting, and stop on a veto.
//! fn remove(path: &Path) -> std::io::Result<()> {
//!     audit!("app.remove", path)?;
//!     // std::fs::remove_file(path)
//!     Ok(())
//! }
//!
//! assert!(remove(Path::new("/tmp/scratch")).is_ok());
//! assert!(remove(Path::new("/etc/passwd")).is_err());
//! # Ok(())
//! # }
//! ```
//!
//! In tests, [`testing::capture`] observes the events of one closure on the
//! current thread without installing a permanent hook.
//!
//! # Features
//!
//! | feature | effect |
//! |---|---|
//! | `off` | Compiles auditing out. [`audit!`] evaluates nothing and is `Ok(())`, `#[audited]` functions are the plain functions, [`add_hook`] fails with [`AuditErrorKind::CompiledOut`], and [`ENABLED`] is `false`. Enabling it anywhere in the dependency graph turns auditing off for every crate, since Cargo unifies features. |
//!
//! The [`docs`] module explains the internals and the limitations in depth.
#![deny(missing_docs)]
#![warn(unreachable_pub)]

mod audited_support;
mod callsite;
mod catalogue;
mod dispatch;
pub mod docs;
mod error;
mod event;
mod hook;
mod hook_fn;
mod macros;
mod outcome;
mod owned;
pub mod path;
mod registry;
pub mod testing;
mod value;

#[doc(hidden)]
pub mod __private;

/// Raises an audit event before a function body runs: see the `audit-macros` crate.
pub use audit_macros::audited;
pub use callsite::Callsite;
pub use catalogue::catalogue;
pub use error::{audit_error, AuditError, AuditErrorKind};
pub use event::{CrateRef, CrateSource, Event};
pub use hook::{named, Hook, Interest, Named};
pub use hook_fn::HookFn;
pub use outcome::{note, Note, NoteKind, Outcome};
pub use owned::{OwnedEvent, OwnedValue};
pub use registry::{
    add_hook, add_hook_with_interest, hook_count, install_hook, is_sealed, seal, ADD_HOOK_EVENT,
};
pub use value::{debug, display, DebugValue, DisplayValue, Recordable, Value};

/// `true` unless the `off` feature compiled auditing out.
///
/// ```
/// if !audit_core::ENABLED {
///     eprintln!("warning: this build does not audit anything");
/// }
/// ```
pub const ENABLED: bool = !cfg!(feature = "off");
