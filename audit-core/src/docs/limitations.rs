//! What audit hooks cannot do, and the places where this crate deliberately
//! differs from PEP 578.
//!
//! # An audit facility, not a sandbox
//!
//! An event is raised only where code goes through an audit point. Code that
//! calls `std` directly, uses another crate, or makes system calls itself is
//! not audited. A hook that vetoes `fs.open` stops `audit_std::fs::File::open`,
//! not `std::fs::File::open`. Hooks are for detection, logging and refusing
//! obviously bad operations in code that cooperates; containment of untrusted
//! code needs the operating system's mechanisms.
//!
//! Precisely, even for code that goes only through audit points:
//!
//! - **The check and the use can race.** A hook judges a path when the
//!   operation is about to start; the kernel resolves it again a moment
//!   later. A symbolic link swapped in between (by another thread, another
//!   process, or anything that can write to a directory on the path) sends
//!   the operation somewhere the hook never judged. `audit_std::testing` and
//!   `audit-policy` judge both the path as written and the file it reaches
//!   through the links that exist *at check time*; nothing in user space can
//!   close the window after that.
//! - **Open files are not re-audited.** Reads and writes on an open
//!   descriptor, memory maps, and descriptors received from elsewhere
//!   (inherited, passed over a Unix socket) raise nothing. Operations on an
//!   open file (`set_len`, `set_permissions`, ...) are judged by the path the
//!   kernel reports for it, which can be unknown (then rules fail closed).
//! - **Names the path does not show.** A hard link made before the program
//!   ran, a bind mount or a mount namespace can make a path inside a
//!   directory name a file that also lives outside it; no path rule sees that.
//! - **Child processes** are judged when they start (`process.spawn`), not
//!   for what they do.
//!
//! What does contain a process: `openat2(2)` with `RESOLVE_BENEATH` or
//! `RESOLVE_IN_ROOT` (the kernel refuses to leave a directory while
//! resolving, with no race), capability-style directory handles built on it
//! (the `cap-std` crate), Landlock (an unprivileged Linux sandbox over
//! filesystem and network access), seccomp filters, namespaces and
//! containers, and mandatory access control (SELinux, AppArmor). Use hooks
//! to see and to refuse early, and those to contain.
//!
//! # Events raised inside hooks are not audited
//!
//! While a thread runs a hook, audit points on that thread succeed without
//! calling any hook. This lets a logging hook write through audited I/O
//! without recursing, but it also means a hook's own operations are never
//! vetoed or seen. (CPython recurses until `RecursionError` instead.)
//!
//! Only the hooks themselves are exempt: an audited operation in the
//! arguments of `audit!` (or of an `#[audited]` call) raises its own event,
//! which hooks see and may veto. It runs *before* the outer event's hooks
//! decide, so a veto of the outer event cannot undo it.
//!
//! # Panicking hooks fail closed
//!
//! A hook that panics is treated as a veto: the audited operation returns an
//! [`AuditError`](crate::AuditError) of kind
//! [`HookPanicked`](crate::AuditErrorKind::HookPanicked) and later hooks are
//! not called. The process-wide panic hook still runs (and prints the panic).
//! Under `panic = "abort"` the process aborts.
//!
//! # Snapshot semantics
//!
//! A hook added while another thread is dispatching an event may miss that
//! one event; it sees every event raised after `add_hook` returns. CPython
//! walks its live list instead.
//!
//! # No shutdown event
//!
//! Rust has no interpreter to finalise: hooks live until the process exits,
//! and no event is raised at exit (except where `audit_std::process::exit`
//! raises one explicitly).
//!
//! # Memory
//!
//! Hooks, and the per-callsite hook sets built as they are added, are kept
//! until the process exits: each `add_hook` keeps one new set per distinct
//! combination of interested hooks (one set when every hook wants every
//! event), so a program that adds hooks in a loop grows without bound. Add
//! hooks at start-up, then [`seal`](crate::seal).
//!
//! # The caller is a lead, not proof
//!
//! [`Event::caller`](crate::Event::caller) is the location Rust's
//! `#[track_caller]` reports: the nearest caller that is not itself
//! `#[track_caller]`. Any code can route a call through a `#[track_caller]`
//! function of its own and so name a location of its choosing, and an
//! `async fn` or a function passed as a value (`.map(fs::read)`) reports a
//! location inside the language's or the library's glue. Use it to find the
//! code to read, not to decide in a policy who may do what.
