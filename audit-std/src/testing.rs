//! Assertions for test suites: "this code made no network connection",
//! "wrote only inside this directory", "started no process".
//!
//! Each helper runs a closure under a scoped
//! [`audit_core::testing::capture_with`], judges every event that this
//! crate's wrappers raise while it runs, and reports each forbidden one,
//! with its name and arguments:
//!
//! ```
//! use audit_std::{fs, testing};
//!
//! let tmp = tempfile::tempdir()?;
//! let report = testing::assert_writes_only_under(tmp.path(), || {
//!     fs::write(tmp.path().join("report.txt"), "ok")?;
//!     fs::read_to_string(tmp.path().join("report.txt"))
//! })?;
//! assert_eq!(report, "ok");
//! # Ok::<(), std::io::Error>(())
//! ```
//!
//! | helper | fails when the closure, on this thread, ... |
//! |---|---|
//! | [`assert_no_network`] | raises any `net.*` event: resolves a name, connects, binds, accepts, sends, joins a group, uses a Unix-domain socket |
//! | [`assert_no_network_except_loopback`] | connects, binds, sends or accepts on a non-loopback address, resolves a name other than `localhost`, or joins a multicast group |
//! | [`assert_writes_only_under`] | modifies the filesystem outside a directory (see [Writes](#writes)) |
//! | [`assert_no_spawn`] | starts a process (`process.spawn`) or replaces itself with one (`process.exec`) |
//!
//! To combine them, keep the result instead of panicking, or refuse the
//! offending operations as they happen, use the builder [`Expect`]:
//!
//! ```
//! use audit_std::{fs, testing::Expect};
//!
//! let tmp = tempfile::tempdir()?;
//! let outside = tempfile::tempdir()?;
//! let result = Expect::new()
//!     .no_network()
//!     .no_spawn()
//!     .writes_only_under(tmp.path())
//!     .check(|| fs::write(outside.path().join("stray.txt"), "oops"));
//! if audit_core::ENABLED {
//!     let violations = result.unwrap_err();
//!     assert_eq!(violations.len(), 1);
//!     assert!(violations.to_string().contains("stray.txt"), "{violations}");
//! }
//! # Ok::<(), std::io::Error>(())
//! ```
//!
//! # What the helpers can and cannot see
//!
//! **Only the current thread.** A capture observes the thread that runs the
//! closure: work the closure hands to other threads (a thread pool, an
//! async runtime's workers) is not seen, and passes.
//!
//! **Only audited operations.** Code that calls `std` or the operating
//! system directly, instead of `audit_std`, raises nothing and passes. So
//! does whatever a child process does: pair [`Expect::no_spawn`] with the
//! other checks when that matters. This is an audit facility, not a sandbox.
//!
//! **Nothing at all when auditing is compiled out.** With `audit-core`'s
//! `off` feature ([`audit_core::ENABLED`] is `false`) no event is ever
//! raised, so there is nothing to judge: every helper still runs the closure
//! and returns its result, and every check **passes**. A test that must not
//! pass vacuously can assert `audit_core::ENABLED` first.
//!
//! **Observation, unless asked to enforce.** By default the closure runs
//! exactly as it would without the helper: a forbidden connection is really
//! attempted, then reported. [`Expect::enforce`] also vetoes each forbidden
//! operation before it has any effect; it is still reported.
//!
//! # Writes
//!
//! An event counts as a write when its classes in
//! [`events::TABLE`](crate::events::TABLE) include
//! [`Classes::WRITE`](crate::events::Classes::WRITE) (for `fs.open`: when its
//! effective flags write, append, truncate or create); the files judged are
//! its arguments of [`Access::Write`](crate::events::Access::Write). The
//! same table drives `audit-policy`'s `@write`, so the two cannot disagree:
//!
//! | event | judged |
//! |---|---|
//! | `fs.open` with any of `write`, `append`, `truncate`, `create`, `create_new` | `path` |
//! | `fs.create_dir`, `fs.remove_file`, `fs.remove_dir`, `fs.remove_dir_all` | `path` |
//! | `fs.rename` | `from` and `to` |
//! | `fs.copy` | `to` |
//! | `fs.hard_link` | `original` and `link` (the file becomes writable through the new name) |
//! | `fs.symlink` | `link` (the new name) |
//! | `fs.set_permissions`, `fs.set_len`, `fs.set_times`, `fs.chown` | `path`, or the open file |
//! | `net.unix_bind` with a path | `path` (binding creates the socket file) |
//!
//! Reading, listing, `fs.metadata`, locks, `fs.set_current_dir` and
//! `fs.chroot` are not writes.
//!
//! Each file is judged in **two forms**, and must be under the directory in
//! both ([`Operand`](crate::events::Operand)):
//! - **as written**: made absolute against the current directory *at the
//!   time of the operation*, `.` and `..` resolved as text, so
//!   `dir/../elsewhere` is outside `dir`;
//! - **as the kernel will reach it**: every symbolic link in the part of the
//!   path that exists followed (a relative link target read against the
//!   link's own directory), and the last component too when the operation
//!   follows it (an open does, a removal or a rename does not). A link
//!   inside the directory that points outside makes writes through it
//!   outside.
//!
//! A form that cannot be known (links that loop, a relative path when the
//! current directory is gone) counts as outside. The directory itself is
//! accepted in two spellings: as given (made absolute when the check is
//! built) and canonical (with its own symbolic links resolved, e.g.
//! `/private/var/...` for a macOS temporary directory). Comparisons are
//! component-wise: `/tmp/a` does not cover `/tmp/ab`.
//!
//! An operation on an already open file (`File::set_len`,
//! `File::set_permissions`, ...) is judged by the file's path, read from
//! `/proc/self/fd` on Linux and Android while the file is open; elsewhere,
//! or for a deleted file, the path cannot be known, and such an operation
//! counts as a write outside the directory.
//!
//! The check runs when the operation is about to start. Whatever changes
//! the filesystem in between (another thread or process swapping a link
//! in) is not seen: see [`audit_core::docs::limitations`] for what does
//! contain a process.

mod judge;

use std::error::Error;
use std::fmt;
use std::path::Path;
use std::sync::{Arc, Mutex};

use audit_core::{AuditError, OwnedEvent};

use judge::{Judge, Root};

/// Runs `f` and panics if it used the network in any way: any `net.*` event,
/// from a name lookup to a Unix-domain socket. Returns `f`'s result.
///
/// See [`assert_no_network_except_loopback`] to allow local servers, and the
/// [module documentation](self) for what cannot be seen (other threads,
/// unaudited code, and everything when auditing is compiled out).
///
/// ```
/// use audit_std::{fs, testing};
///
/// let tmp = tempfile::tempdir()?;
/// testing::assert_no_network(|| fs::write(tmp.path().join("a.txt"), "offline"))?;
/// # Ok::<(), std::io::Error>(())
/// ```
///
/// # Panics
///
/// If `f` raised a `net.*` event, with a message listing each one.
#[track_caller]
pub fn assert_no_network<R>(f: impl FnOnce() -> R) -> R {
    Expect::new().no_network().run(f)
}

/// Runs `f` and panics if it reached beyond the loopback interface. Returns
/// `f`'s result.
///
/// Allowed: connecting, binding, sending to and accepting from loopback
/// addresses (`127.0.0.0/8`, `::1`, and their IPv4-mapped forms), looking up
/// `localhost`, and Unix-domain sockets. Forbidden: any other address
/// (including binding to `0.0.0.0`, which listens on every interface), any
/// other name lookup (it may query a DNS server), multicast.
///
/// ```
/// use audit_std::net::{TcpListener, TcpStream};
/// use audit_std::testing;
///
/// let local = testing::assert_no_network_except_loopback(|| {
///     let listener = TcpListener::bind("127.0.0.1:0")?;
///     let addr = listener.local_addr()?;
///     let _client = TcpStream::connect(addr)?;
///     listener.accept().map(|(_, peer)| peer)
/// })?;
/// assert!(local.ip().is_loopback());
/// # Ok::<(), std::io::Error>(())
/// ```
///
/// # Panics
///
/// If `f` raised a forbidden `net.*` event, with a message listing each one.
#[track_caller]
pub fn assert_no_network_except_loopback<R>(f: impl FnOnce() -> R) -> R {
    Expect::new().no_network_except_loopback().run(f)
}

/// Runs `f` and panics if it modified the filesystem anywhere but under
/// `dir`. Returns `f`'s result.
///
/// See [Writes](self#writes) for which operations count and how paths are
/// compared (as written and as the kernel will reach them). A relative `dir`
/// is taken against the current directory when the helper starts.
///
/// ```
/// use audit_std::{fs, testing};
///
/// let tmp = tempfile::tempdir()?;
/// testing::assert_writes_only_under(tmp.path(), || -> std::io::Result<()> {
///     fs::create_dir(tmp.path().join("out"))?;
///     fs::write(tmp.path().join("out/a.txt"), "a")?;
///     fs::rename(tmp.path().join("out/a.txt"), tmp.path().join("out/b.txt"))?;
///     // Reading elsewhere is fine.
///     let _ = fs::metadata("/");
///     Ok(())
/// })?;
/// # Ok::<(), std::io::Error>(())
/// ```
///
/// # Panics
///
/// If `f` wrote outside `dir`, with a message listing each offending event
/// and the path that is outside.
#[track_caller]
pub fn assert_writes_only_under<R>(dir: impl AsRef<Path>, f: impl FnOnce() -> R) -> R {
    Expect::new().writes_only_under(dir).run(f)
}

/// Runs `f` and panics if it started a process (`process.spawn`) or
/// replaced the current one (`process.exec`). Returns `f`'s result.
///
/// ```
/// use audit_std::testing;
///
/// let sum = testing::assert_no_spawn(|| 2 + 2);
/// assert_eq!(sum, 4);
/// ```
///
/// # Panics
///
/// If `f` raised `process.spawn` or `process.exec`, with a message listing
/// each program.
#[track_caller]
pub fn assert_no_spawn<R>(f: impl FnOnce() -> R) -> R {
    Expect::new().no_spawn().run(f)
}

/// What the network check allows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Network {
    None,
    Loopback,
}

/// A set of expectations about what a closure does, checked by
/// [`check`](Expect::check) (returning the violations) or
/// [`run`](Expect::run) (panicking on them).
///
/// Start from [`Expect::new`], which expects nothing, and add checks. The
/// same `Expect` can check several closures.
///
/// ```
/// use audit_std::process::Command;
/// use audit_std::testing::{Expect, Rule};
///
/// let expect = Expect::new().no_spawn().no_network();
/// let result = expect.check(|| Command::new("true").status());
/// if audit_core::ENABLED {
///     let violations = result.unwrap_err();
///     assert_eq!(violations.iter().next().unwrap().rule(), Rule::Spawn);
///     assert!(violations.to_string().contains(r#"process.spawn(program="true""#), "{violations}");
/// } else {
///     assert!(result.unwrap()?.success());
/// }
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct Expect {
    judge: Judge,
    enforce: bool,
}

impl Default for Expect {
    fn default() -> Self {
        Expect::new()
    }
}

impl Expect {
    /// Expects nothing: a check passes whatever the closure does.
    pub fn new() -> Self {
        Expect {
            judge: Judge {
                network: None,
                roots: None,
                no_spawn: false,
            },
            enforce: false,
        }
    }

    /// Forbids any `net.*` event, as [`assert_no_network`] does.
    /// Replaces an earlier [`no_network_except_loopback`](Self::no_network_except_loopback).
    pub fn no_network(mut self) -> Self {
        self.judge.network = Some(Network::None);
        self
    }

    /// Forbids the network beyond the loopback interface, as
    /// [`assert_no_network_except_loopback`] does. Replaces an earlier
    /// [`no_network`](Self::no_network).
    pub fn no_network_except_loopback(mut self) -> Self {
        self.judge.network = Some(Network::Loopback);
        self
    }

    /// Forbids modifying the filesystem outside `dir`, as
    /// [`assert_writes_only_under`] does. Call it again to allow more
    /// directories: a write must then lie under one of them.
    ///
    /// A relative `dir` is made absolute against the current directory now,
    /// not when the check runs.
    pub fn writes_only_under(mut self, dir: impl AsRef<Path>) -> Self {
        self.judge
            .roots
            .get_or_insert_with(Vec::new)
            .push(Root::new(dir.as_ref()));
        self
    }

    /// Forbids any modification of the filesystem, as if
    /// [`writes_only_under`](Self::writes_only_under) named no directory.
    /// Later calls to `writes_only_under` allow their directories.
    pub fn no_writes(mut self) -> Self {
        self.judge.roots.get_or_insert_with(Vec::new);
        self
    }

    /// Forbids starting or executing a process, as [`assert_no_spawn`] does.
    pub fn no_spawn(mut self) -> Self {
        self.judge.no_spawn = true;
        self
    }

    /// Also vetoes each forbidden operation before it has any effect: it
    /// fails with an [`io::Error`](std::io::Error) of kind
    /// `PermissionDenied` whose [`AuditError`] reason starts with
    /// `"forbidden by audit_std::testing"`. It is still reported.
    ///
    /// Use it when the forbidden operation must not happen even in a
    /// failing test (a write to a real home directory, a connection to a
    /// production host). The code under test then sees an error it may
    /// handle differently; a panic it raises because of that error is not
    /// caught, and the test fails with that panic instead of the report.
    ///
    /// ```
    /// use audit_std::{fs, testing::Expect};
    ///
    /// let allowed = tempfile::tempdir()?;
    /// let other = tempfile::tempdir()?;
    /// let target = other.path().join("never.txt");
    /// let result = Expect::new()
    ///     .writes_only_under(allowed.path())
    ///     .enforce()
    ///     .check(|| fs::write(&target, "x"));
    /// if audit_core::ENABLED {
    ///     assert!(result.is_err());
    ///     assert!(!target.exists(), "the write was refused before it happened");
    /// }
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn enforce(mut self) -> Self {
        self.enforce = true;
        self
    }

    /// Runs `f` and returns its result, or the violations if it did anything
    /// forbidden (the result is then dropped).
    ///
    /// Always `Ok` when auditing is compiled out (see the
    /// [module documentation](self)).
    pub fn check<R>(&self, f: impl FnOnce() -> R) -> Result<R, Violations> {
        let found = Arc::new(Mutex::new(Vec::new()));
        let judge = self.judge.clone();
        let enforce = self.enforce;
        let sink = Arc::clone(&found);
        let (result, _events) = audit_core::testing::capture_with(
            move |event| {
                let Some((rule, detail)) = judge.judge(event) else {
                    return Ok(());
                };
                let refusal = enforce.then(|| {
                    AuditError::denied(format!("forbidden by audit_std::testing: {detail}"))
                });
                // The hook only runs on this thread; the lock is never contended,
                // and a poisoned one still holds every violation recorded so far.
                sink.lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner())
                    .push(Violation {
                        rule,
                        event: event.to_owned(),
                        detail,
                        vetoed: enforce,
                    });
                refusal.map_or(Ok(()), Err)
            },
            f,
        );
        let list = std::mem::take(&mut *found.lock().unwrap_or_else(|p| p.into_inner()));
        if list.is_empty() {
            Ok(result)
        } else {
            Err(Violations { list })
        }
    }

    /// Runs `f` and returns its result, panicking with the list of
    /// violations if it did anything forbidden.
    ///
    /// Never panics when auditing is compiled out (see the
    /// [module documentation](self)).
    ///
    /// # Panics
    ///
    /// If `f` did something forbidden; the message is the
    /// [`Violations`]' `Display`.
    #[track_caller]
    pub fn run<R>(&self, f: impl FnOnce() -> R) -> R {
        match self.check(f) {
            Ok(result) => result,
            Err(violations) => panic!("{violations}"),
        }
    }
}

/// Which expectation an event broke.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Rule {
    /// Network use beyond what was allowed.
    Network,
    /// A modification of the filesystem outside the allowed directories.
    Write,
    /// Starting or executing a process.
    Spawn,
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Rule::Network => "network",
            Rule::Write => "write",
            Rule::Spawn => "spawn",
        })
    }
}

/// One forbidden operation: the event, the rule it broke and why.
///
/// Displayed as `[rule] event(args): why`, e.g.
/// ``[network] net.connect(address=192.0.2.1:80, protocol="tcp"): connects to 192.0.2.1:80, which is not a loopback address``.
#[derive(Clone, Debug)]
pub struct Violation {
    rule: Rule,
    event: OwnedEvent,
    detail: String,
    vetoed: bool,
}

impl Violation {
    /// The expectation the event broke.
    pub fn rule(&self) -> Rule {
        self.rule
    }

    /// The event, with all its arguments.
    pub fn event(&self) -> &OwnedEvent {
        &self.event
    }

    /// Why the event breaks the rule, in words, e.g.
    /// ``writes `/etc/x`, outside `/tmp/t` ``.
    pub fn detail(&self) -> &str {
        &self.detail
    }

    /// Whether the operation was refused ([`Expect::enforce`]) rather than
    /// only reported.
    pub fn was_vetoed(&self) -> bool {
        self.vetoed
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{}] {}: {}", self.rule, self.event, self.detail)?;
        if self.vetoed {
            f.write_str(" (refused)")?;
        }
        Ok(())
    }
}

/// The forbidden operations a check found, in the order they happened.
/// Never empty.
///
/// Its `Display` is the panic message of the `assert_*` helpers: a count,
/// then one line per violation.
#[derive(Clone, Debug)]
pub struct Violations {
    list: Vec<Violation>,
}

impl Violations {
    /// How many forbidden operations there were (at least one).
    pub fn len(&self) -> usize {
        self.list.len()
    }

    /// Always `false`: a check that finds nothing returns `Ok`. Present
    /// because `len` is.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// The violations, in the order they happened.
    pub fn iter(&self) -> std::slice::Iter<'_, Violation> {
        self.list.iter()
    }

    /// The violations, in the order they happened.
    pub fn as_slice(&self) -> &[Violation] {
        &self.list
    }
}

impl fmt::Display for Violations {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.list.len();
        let plural = if n == 1 { "" } else { "s" };
        write!(f, "{n} forbidden operation{plural} on this thread:")?;
        for (i, violation) in self.list.iter().enumerate() {
            write!(f, "\n  {}. {violation}", i + 1)?;
        }
        Ok(())
    }
}

impl Error for Violations {}

impl IntoIterator for Violations {
    type Item = Violation;
    type IntoIter = std::vec::IntoIter<Violation>;
    fn into_iter(self) -> Self::IntoIter {
        self.list.into_iter()
    }
}

impl<'a> IntoIterator for &'a Violations {
    type Item = &'a Violation;
    type IntoIter = std::slice::Iter<'a, Violation>;
    fn into_iter(self) -> Self::IntoIter {
        self.list.iter()
    }
}
