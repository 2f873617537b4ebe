//! Ready-made audit hooks: a JSON-lines log and a bridge to `tracing`.
//!
//! Both sinks are [`Hook`](audit_core::Hook)s: install them with
//! [`audit_core::install_hook`] at start-up (or try them in a test with
//! [`audit_core::testing::capture_with_hook`]); `add_hook` is for
//! closures. Each sits behind a feature so that a program pays only for the
//! one it uses.
//!
//! | feature | sink | for |
//! |---|---|---|
//! | `json` | [`JsonLines`] | an append-only audit trail: one JSON object per event, written to any `Write` (a file, stderr, a socket) with serde_json |
//! | `json` | [`NonBlocking`] | the same records, formatted and written by a background thread: the audited thread only copies the event onto a bounded queue ([`WhenFull`]: block, refuse, or drop and count) |
//! | `tracing` | [`TracingBridge`] | programs that already use `tracing`: each audit event becomes a tracing event (target `audit`, one field per argument) and reaches whatever subscriber is installed, from a log file to an OpenTelemetry collector |
//!
//! # JSON lines
//!
//! ```
//! # #[cfg(feature = "json")] {
//! use audit_sinks::JsonLines;
//!
//! let (_, _) = audit_core::testing::capture_with_hook(JsonLines::new(std::io::stderr()), || {
//!     audit_core::audit!("app.open", path = std::path::Path::new("/tmp/data.csv"), write = false)
//! });
//! // stderr, when auditing is enabled:
//! // {"sequence":1,"schema":1,"@timestamp":"2026-01-01T12:00:00.000000Z","event.action":"app.open",
//! //  "event.outcome":"allowed","event.reason":null,"audit.args":{"path":"/tmp/data.csv","write":false},
//! //  "file.path":"/tmp/data.csv","process.pid":4242,"process.executable":"/usr/bin/app",
//! //  "thread.id":1,"thread.name":"main","code.filepath":"src/main.rs","code.lineno":5,"code.namespace":"app"}
//! # }
//! ```
//!
//! The [`schema`] documents every field (ECS / OpenTelemetry names, a
//! `schema` version, a `sequence` number that shows any loss) and how each
//! kind of argument is written (paths that are not UTF-8 included,
//! losslessly). Write failures
//! never panic: by default they are counted and the event allowed;
//! [`OnWriteError::Veto`] fails closed instead. Either way a record cut short
//! stays alone on its line, and every later record parses (see
//! [`JsonLines`] for what a reader sees). The writer may
//! be an audited file: events raised inside a hook are not dispatched again,
//! so the sink does not recurse.
//!
//! # Rotation
//!
//! Both JSON sinks take any `Write`, so a rotating writer needs no feature
//! here: `tracing-appender`'s `RollingFileAppender` rotates by time
//! (minutely, hourly, daily) and keeps the last N files:
//!
//! ```text
//! let log = tracing_appender::rolling::RollingFileAppender::builder()
//!     .rotation(tracing_appender::rolling::Rotation::DAILY)
//!     .filename_prefix("audit").filename_suffix("jsonl").max_log_files(30)
//!     .build("/var/log/app")?;
//! let (sink, guard) = audit_sinks::NonBlocking::builder(log).spawn()?;
//! ```
//!
//! For rotation by size, `logroller`'s `LogRoller` is such a `Write` too,
//! keeping the last N files (a test in this crate writes 400 records through
//! it, rotating every 4 KiB, and finds each one whole and none missing):
//!
//! ```text
//! use logroller::{LogRollerBuilder, Rotation, RotationSize};
//!
//! let log = LogRollerBuilder::new("/var/log/app", "audit.jsonl")
//!     .rotation(Rotation::SizeBased(RotationSize::MB(100)))
//!     .max_keep_files(30)
//!     .graceful_shutdown(true)
//!     .build()?;
//! let (sink, guard) = audit_sinks::NonBlocking::builder(log).spawn()?;
//! ```
//!
//! Both roll over at the start of a `write` call (`LogRoller` when the write
//! would reach the size), and a sink hands each record to one `write_all`,
//! so a record lands whole in one file unless the file takes it in several
//! calls (a short write). `LogRoller` reports a failed rotation as a failed
//! write, which the sink counts.
//! The `sequence` numbers carry on from file to file, so a reader of the
//! rotated set still sees any gap; files deleted for being old take their
//! numbers with them, from the start of the set. (`file-rotate` 0.8 was not
//! chosen: when it cannot reopen its file, it reports later writes as
//! written and drops them.)
//!
//! # Tracing bridge
//!
//! ```
//! # #[cfg(feature = "tracing")] {
//! use audit_sinks::TracingBridge;
//!
//! // tracing_subscriber::fmt::init();
//! // audit_core::install_hook(TracingBridge::new())?;
//! let (_, _) = audit_core::testing::capture_with_hook(TracingBridge::new(), || {
//!     audit_core::audit!("app.connect", addr = "127.0.0.1:8080".parse::<std::net::SocketAddr>().unwrap())
//! });
//! // With the fmt subscriber:
//! //   INFO audit: app.connect addr=127.0.0.1:8080 event.outcome="allowed"
//! # }
//! ```
//!
//! Each audit point gets its own tracing callsite, built once at run time,
//! so the arguments are genuine tracing fields; see [`TracingBridge`] for
//! how, and for the trade-off against a fixed set of fields.
//!
//! # Order does not matter
//!
//! Every sink here writes once the event is decided
//! ([`Hook::on_outcome`](audit_core::Hook::on_outcome)), so it records every
//! attempt with its outcome, refused ones included, whether it was added
//! before or after a policy hook.
#![deny(missing_docs)]
#![warn(unreachable_pub)]

#[cfg(feature = "json")]
mod capture;
#[cfg(any(feature = "json", feature = "tracing"))]
mod decision;
#[cfg(feature = "json")]
mod json;
#[cfg(feature = "json")]
mod nonblocking;
#[cfg(feature = "json")]
mod record;

/// The JSON record: every field, and how to prove nothing was lost.
#[cfg(feature = "json")]
#[doc = include_str!("../SCHEMA.md")]
pub mod schema {}
#[cfg(feature = "tracing")]
mod trace;

#[cfg(feature = "json")]
pub use json::{ErrorCount, JsonEvent, JsonLines, OnWriteError, BYTES_PREVIEW};
#[cfg(feature = "json")]
pub use nonblocking::{NonBlocking, NonBlockingBuilder, WhenFull, WriterGuard};
#[cfg(feature = "json")]
pub use record::{LOST_ACTION, SCHEMA_VERSION};
#[cfg(feature = "tracing")]
pub use trace::{TracingBridge, TRACING_TARGET};
