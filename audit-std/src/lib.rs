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
//!   `From`, `from_std`, `as_std` and `into_std` to cross over where a `std`
//!   type is required (see [below](#crossing-into-crates-that-take-std-types)).
//!   `use audit_std::os::unix::prelude::*;` replaces `std`'s Unix prelude.
//! - **Tests**: [`testing`] asserts that code under test made no network
//!   connection, wrote only inside a directory, or started no process.
//! - **Compiled out**: with `audit-core`'s `off` feature every wrapper is the
//!   `std` call it wraps.
//!
//! # Crossing into crates that take `std` types
//!
//! Other crates take `std::fs::File`, `std::net::TcpListener`,
//! `std::process::Command`... Every wrapper converts the same four ways,
//! none of which raises an event or touches the operating system:
//!
//! | conversion | gives | what stays audited |
//! |---|---|---|
//! | `Wrapper::from(std_value)`, `Wrapper::from_std(std_value)` | the wrapper | everything the wrapper audits, from now on (making the `std` value was not audited) |
//! | `wrapper.as_std()` | `&StdType` | the wrapper; calls made **through the reference** are not |
//! | `StdType::from(wrapper)`, `wrapper.into_std()` | the `std` value | nothing: it is `std`'s from then on |
//!
//! The types: [`fs::File`], [`net::TcpStream`], [`net::TcpListener`],
//! [`net::UdpSocket`], [`os::unix::net::UnixStream`],
//! [`os::unix::net::UnixListener`], [`os::unix::net::UnixDatagram`],
//! [`process::Command`], [`process::Child`], [`fs::ReadDir`] and
//! [`fs::DirEntry`]. [`fs::OpenOptions`] and [`fs::DirBuilder`] convert
//! **to** `std` only (`as_std`, `into_std`, `From`): `std`'s builders do not
//! say what they would do, so an event could not report it. On Unix, the sockets and
//! files also convert to and from `OwnedFd` and raw descriptors, like
//! `std`'s, and lend a `BorrowedFd` (`AsFd`) to any API that takes one.
//!
//! What the escape hatches can reach, by type:
//!
//! - **Files**: nothing a `std::fs::File` does opens another file; through
//!   it, `set_len`, `set_permissions`, `set_times` and locks are not
//!   audited. Prefer lending `file.as_std()` for one call to `into_std()`:
//!   the wrapper, still audited, keeps the file.
//! - **Streams** (`TcpStream`, `UnixStream`): no operation after the
//!   connection is audited anyway; converting is free of consequence.
//! - **Listeners**: connections accepted through `as_std()` or after
//!   `into_std()` raise no `net.accept` / `net.unix_accept`. Hand a listener
//!   to a server crate only if that crate's accepts need no audit.
//! - **Datagram sockets**: `send_to` and `connect` through the `std` socket
//!   are not audited.
//! - **Commands**: `as_std()` gives `&std::process::Command`, enough to read
//!   its program, arguments and environment but not to start it (that takes
//!   `&mut`); a command made `into_std()` starts unaudited. A command wrapped
//!   `from_std` reports `env_clear` as unknown (`None`): `std` does not say.
//! - **Children**: `as_std()` gives `&std::process::Child` (its `id`; killing
//!   takes `&mut`); `into_std()` hands back the pipes and kills unaudited.
//!
//! The idioms:
//!
//! ```
//! use audit_std::{fs, net, process};
//! # mod other {
//! #     pub fn set_file_handle_times(_: &std::fs::File) -> std::io::Result<()> { Ok(()) }
//! #     pub fn serve(_: std::net::TcpListener) {}
//! #     pub fn listener_from_elsewhere() -> std::net::TcpListener {
//! #         std::net::TcpListener::bind("127.0.0.1:0").unwrap()
//! #     }
//! #     pub fn configure(cmd: &mut std::process::Command) { cmd.arg("hi"); }
//! # }
//! # let dir = tempfile::tempdir()?;
//! # let path = dir.path().join("f");
//! // A crate that borrows a `std::fs::File` (e.g. `filetime::set_file_handle_times(&f, ..)`):
//! let file = fs::File::create(&path)?; // fs.open, audited
//! other::set_file_handle_times(file.as_std())?; // not audited: the call is the other crate's
//! file.set_len(0)?; // still audited: `file` is still ours
//!
//! // A socket made by another crate (e.g. `socket2::Socket` with options set,
//! // turned into a `std::net::TcpListener`), audited from then on:
//! let listener = net::TcpListener::from(other::listener_from_elsewhere());
//! // ... `listener.accept()` raises net.accept ...
//!
//! // A crate that takes ownership: the listener is unaudited from here on.
//! other::serve(listener.into_std());
//!
//! // A crate that configures a `std::process::Command`: configure, then wrap
//! // before starting it, so that the start is audited.
//! let mut std_cmd = std::process::Command::new("echo");
//! other::configure(&mut std_cmd);
//! let output = process::Command::from(std_cmd).output()?; // process.spawn, audited
//! assert_eq!(output.stdout, b"hi\n");
//! # Ok::<(), std::io::Error>(())
//! ```
//!
//! With `socket2`, whose `Socket` converts to and from `std`'s socket types:
//! `net::TcpListener::from(std::net::TcpListener::from(socket))` after setting
//! its options (binding through `socket2` is not audited), and back with
//! `socket2::Socket::from(listener.into_std())` (accepts through it are not).
#![deny(missing_docs)]

pub mod env;
pub mod events;
pub mod fs;
pub mod net;
pub mod os;
pub mod process;
pub mod testing;
