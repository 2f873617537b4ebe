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
//! # Events raised inside hooks are not audited
//!
//! While a thread runs a hook, audit points on that thread succeed without
//! calling any hook. This lets a logging hook write through audited I/O
//! without recursing, but it also means a hook's own operations are never
//! vetoed or seen. (CPython recurses until `RecursionError` instead.)
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
