//! Audited drop-in for `std::process`.
//!
//! Swap `use std::process;` for `use audit_std::process;` (and
//! `std::os::unix::process` for [`crate::os::unix::process`]) and the program
//! compiles and behaves the same, except that starting, replacing, killing and
//! ending processes first raises an audit event. A vetoed spawn, exec or kill
//! fails with an [`io::Error`](std::io::Error) of kind
//! [`PermissionDenied`](std::io::ErrorKind::PermissionDenied) before anything
//! happens: no child is started, no signal is sent.
//!
//! ```
//! use audit_std::process::{Command, Stdio};
//! use std::io::Write;
//!
//! let mut child = Command::new("/bin/sh")
//!     .args(["-c", "tr a-z A-Z"])
//!     .stdin(Stdio::piped())
//!     .stdout(Stdio::piped())
//!     .spawn()?; // raises `process.spawn` first
//! child.stdin.take().unwrap().write_all(b"hello")?;
//! let output = child.wait_with_output()?;
//! assert_eq!(output.stdout, b"HELLO");
//! # Ok::<(), std::io::Error>(())
//! ```
//!
//! # Events
//!
//! | event | arguments | raised by | CPython |
//! |---|---|---|---|
//! | `process.spawn` | `program`, `args`, `cwd`, `env`, `env_clear` | [`Command::spawn`], [`Command::output`], [`Command::status`] | `subprocess.Popen`, `os.posix_spawn` |
//! | `process.exec` | `program`, `args`, `cwd`, `env`, `env_clear` | `Command::exec` (Unix, [`CommandExt`](crate::os::unix::process::CommandExt)) | `os.exec` |
//! | `process.kill` | `pid` | [`Child::kill`] | `os.kill` |
//! | `process.exit` | `code` | [`exit`] | none (`sys.exit` raises no event) |
//! | `process.abort` | – | [`abort`] | none (`os.abort` raises no event) |
//!
//! The argument types are documented on each constant of
//! [`events::process`]. `process.exit` and
//! `process.abort` are observe-only: those functions cannot fail, so a hook
//! can log them but not prevent them (a veto is ignored, and a panicking hook
//! is caught by the dispatcher like any other).
//!
//! Not audited, as in CPython: waiting for a child ([`Child::wait`],
//! [`Child::try_wait`], [`Child::wait_with_output`]), reading or writing its
//! pipes, and querying ids ([`id`], [`Child::id`],
//! [`parent_id`](crate::os::unix::process::parent_id)).
//!
//! # Types
//!
//! [`Command`] and [`Child`] are wrappers, since their spawning and killing
//! methods are audited; neither dereferences to the `std` type, so no `std`
//! method can be reached by accident. Everything else is `std`'s own type,
//! re-exported: [`Stdio`], [`Output`], [`ExitStatus`], [`ExitCode`],
//! [`Termination`], [`ChildStdin`], [`ChildStdout`], [`ChildStderr`],
//! [`CommandArgs`], [`CommandEnvs`]. So `Stdio::from(child.stdout.take()?)`
//! pipes one child into another exactly as with `std`.
//!
//! `std::process::ExitStatusError` is not stable in Rust 1.95 and is not
//! mirrored.
//!
//! # Bypasses
//!
//! Like everything in this crate, this is an audit facility, not a sandbox.
//! `std::process` itself, `libc::fork`/`execve`/`kill`, and the escape
//! hatches labelled "not in `std`" ([`Command::into_std`],
//! [`Child::into_std`]) are not seen by hooks.

mod child;
pub(crate) mod command;

mod stdio_from_fs;

pub use child::Child;
pub use command::Command;
pub use std::process::{
    id, ChildStderr, ChildStdin, ChildStdout, CommandArgs, CommandEnvs, ExitCode, ExitStatus,
    Output, Stdio, Termination,
};

use crate::events;

/// Terminates the current process with the given exit code.
///
/// Raises [`events::process::EXIT`] with `(code)` before the call. The event
/// is observe-only: this function cannot fail, so whatever the hooks return
/// (a veto, or a panic that the dispatcher catches), the process exits. A
/// hook can log the exit; it cannot prevent it.
///
/// Wrapper for [`std::process::exit`].
///
/// ```no_run
/// audit_std::process::exit(0);
/// ```
#[track_caller]
pub fn exit(code: i32) -> ! {
    // The result is ignored on purpose: `exit` has no way to report a refusal.
    let _ = audit_core::audit!(events::process::EXIT, code);
    std::process::exit(code)
}

/// Terminates the process abnormally, without running destructors.
///
/// Raises [`events::process::ABORT`] (no arguments) before the call. The
/// event is observe-only, as for [`exit`]: the process aborts whatever the
/// hooks return.
///
/// Wrapper for [`std::process::abort`].
///
/// ```no_run
/// audit_std::process::abort();
/// ```
#[track_caller]
pub fn abort() -> ! {
    // The result is ignored on purpose: `abort` has no way to report a refusal.
    let _ = audit_core::audit!(events::process::ABORT);
    std::process::abort()
}
