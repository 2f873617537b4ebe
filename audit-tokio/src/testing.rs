//! Test helpers that follow a future across worker threads: capture its
//! events, veto its operations, and assert what it did.
//!
//! [`audit_core::testing::capture`] watches one thread, but a tokio task
//! moves between the worker threads of a multi-thread runtime, and other
//! tasks run on the same threads meanwhile. [`capture`] watches one
//! **future** instead: each time that future is polled, on whichever thread,
//! the poll runs inside a scoped `audit_core` capture, and the events raised
//! during the poll are added to the future's list. Events raised by other
//! tasks, even on the same thread between two polls, are not seen.
//!
//! ```
//! use audit_tokio::{fs, testing};
//!
//! # tokio::runtime::Builder::new_multi_thread().enable_all().build()?.block_on(async {
//! let dir = tempfile::tempdir()?;
//! let path = dir.path().join("a.txt");
//! let (written, events) = testing::capture(fs::write(&path, "x")).await;
//! written?;
//! if audit_core::ENABLED {
//!     assert_eq!(events.len(), 1);
//!     assert_eq!(events[0].name(), "fs.open");
//! }
//! # Ok::<(), std::io::Error>(())
//! # })?;
//! # Ok::<(), std::io::Error>(())
//! ```
//!
//! # Spawned tasks: followed only when asked
//!
//! A task started with `tokio::spawn` inside the captured future is a
//! separate task: it is **not** followed, since the runtime gives no hook to
//! learn which task spawned which, and following every task would mix in
//! unrelated work. Start it with [`spawn`] (or wrap its future with
//! [`follow`], for `JoinSet::spawn` and the like) and it is followed by every
//! capture and check that is polling the caller at that moment, until that
//! capture ends; [`spawn_blocking`] does the same for a blocking closure.
//! Events the followed task raises after the capture has returned are not
//! recorded anywhere.
//!
//! Events from concurrent followed tasks are appended one poll at a time, so
//! the order within one task is kept, and the order between tasks is the
//! order in which their polls ended.
//!
//! # Checks
//!
//! [`check`] runs a future under an [`Expect`] of `audit_std::testing`
//! (the same judgement of writes, network use and spawning), and the
//! `assert_*` functions are the async forms of `audit_std::testing`'s.
//!
//! # What cannot be seen
//!
//! Work outside the polls of the future and of the tasks it starts with
//! [`spawn`]/[`spawn_blocking`]: plain `tokio::spawn`,
//! `tokio::task::spawn_blocking`, threads, and code that does not go through
//! an audit point. With `audit-core`'s `off` feature nothing is raised, every
//! capture is empty and every check passes.

use std::cell::RefCell;
use std::future::{poll_fn, Future};
use std::path::Path;
use std::pin::{pin, Pin};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};

use audit_core::{AuditError, Event, Hook, OwnedEvent};
use audit_std::testing::{Expect, Violation};

/// How one capture or check watches a poll of a future it follows.
trait Watch: Send + Sync + 'static {
    /// Runs `poll` (one poll of a followed future), observing it.
    fn watch(&self, poll: &mut dyn FnMut());
}

/// One running capture or check.
struct Scope {
    watch: Box<dyn Watch>,
    /// Cleared when the capture ends: followed tasks that outlive it are
    /// polled without it.
    open: AtomicBool,
}

impl Scope {
    fn new(watch: impl Watch) -> Arc<Scope> {
        Arc::new(Scope {
            watch: Box::new(watch),
            open: AtomicBool::new(true),
        })
    }

    fn is_open(&self) -> bool {
        // Acquire pairs with the Release in `close`: a poll that starts after
        // the capture ended does not record into it.
        self.open.load(Ordering::Acquire)
    }

    fn close(&self) {
        self.open.store(false, Ordering::Release);
    }
}

/// Closes a scope when the capture ends, also when its future is dropped
/// before completion.
struct CloseOnDrop(Arc<Scope>);

impl Drop for CloseOnDrop {
    fn drop(&mut self) {
        self.0.close();
    }
}

thread_local! {
    /// The scopes watching the poll running on this thread, outermost first:
    /// what [`follow`] hands to a task started during that poll.
    static CURRENT: RefCell<Vec<Arc<Scope>>> = const { RefCell::new(Vec::new()) };
}

/// Pops what a poll pushed on [`CURRENT`], even if the poll panics.
struct PopScopes(usize);

impl Drop for PopScopes {
    fn drop(&mut self) {
        CURRENT.with_borrow_mut(|stack| stack.truncate(self.0));
    }
}

/// Runs `f` inside every scope of `scopes`, the first one outermost.
fn nest(scopes: &[Arc<Scope>], f: &mut dyn FnMut()) {
    match scopes.split_first() {
        None => f(),
        Some((first, rest)) => first.watch.watch(&mut || nest(rest, f)),
    }
}

/// Polls `fut` once inside the open scopes of `scopes`.
fn poll_in<F: Future>(
    scopes: &[Arc<Scope>],
    fut: Pin<&mut F>,
    cx: &mut Context<'_>,
) -> Poll<F::Output> {
    let open: Vec<Arc<Scope>> = scopes.iter().filter(|s| s.is_open()).cloned().collect();
    if open.is_empty() {
        return fut.poll(cx);
    }
    let depth = CURRENT.with_borrow_mut(|stack| {
        let depth = stack.len();
        stack.extend(open.iter().cloned());
        depth
    });
    let _pop = PopScopes(depth);
    let mut fut = Some(fut);
    let mut result = Poll::Pending;
    nest(&open, &mut || {
        if let Some(fut) = fut.take() {
            result = fut.poll(cx);
        }
    });
    result
}

/// Polls `fut` to completion, each poll inside `scopes`.
async fn watched<F: Future>(scopes: Vec<Arc<Scope>>, fut: F) -> F::Output {
    let mut fut = pin!(fut);
    poll_fn(|cx| poll_in(&scopes, fut.as_mut(), cx)).await
}

/// A hook shared by every poll of one capture.
struct SharedHook(Arc<dyn Hook>);

impl Hook for SharedHook {
    fn on_event(&self, event: &Event<'_>) -> Result<(), AuditError> {
        self.0.on_event(event)
    }
}

/// The watch of [`capture`] and [`capture_with`]: records, and may veto.
struct Recorder {
    events: Arc<Mutex<Vec<OwnedEvent>>>,
    hook: Option<Arc<dyn Hook>>,
}

impl Watch for Recorder {
    fn watch(&self, poll: &mut dyn FnMut()) {
        let ((), events) = match &self.hook {
            Some(hook) => audit_core::testing::capture_with_hook(SharedHook(hook.clone()), poll),
            None => audit_core::testing::capture(poll),
        };
        if !events.is_empty() {
            // A poisoned lock still holds every event recorded so far.
            self.events
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .extend(events);
        }
    }
}

async fn record<F: Future>(hook: Option<Arc<dyn Hook>>, fut: F) -> (F::Output, Vec<OwnedEvent>) {
    let events = Arc::new(Mutex::new(Vec::new()));
    let scope = Scope::new(Recorder {
        events: Arc::clone(&events),
        hook,
    });
    let close = CloseOnDrop(Arc::clone(&scope));
    let output = watched(vec![scope], fut).await;
    drop(close);
    let events = std::mem::take(&mut *events.lock().unwrap_or_else(PoisonError::into_inner));
    (output, events)
}

/// Runs `fut` to completion and returns its output with every event raised
/// while it was being polled, on any thread, in order; plus the events of
/// the tasks it started with [`spawn`] or [`spawn_blocking`] (see the
/// [module documentation](self)).
///
/// Global hooks still run, after the capture has recorded the event.
/// Captures nest: each one sees the events of its own future.
///
/// ```
/// use audit_tokio::{net, testing};
///
/// # tokio::runtime::Builder::new_multi_thread().enable_all().build()?.block_on(async {
/// let (listener, events) = testing::capture(net::TcpListener::bind("127.0.0.1:0")).await;
/// let _listener = listener?;
/// if audit_core::ENABLED {
///     assert_eq!(events[0].name(), "net.bind");
/// }
/// # Ok::<(), std::io::Error>(())
/// # })?;
/// # Ok::<(), std::io::Error>(())
/// ```
pub async fn capture<F: Future>(fut: F) -> (F::Output, Vec<OwnedEvent>) {
    record(None, fut).await
}

/// Like [`capture`], and also calls `hook` for each of those events, so a
/// test can veto operations without installing a permanent global hook. A
/// vetoed event is still recorded.
///
/// ```
/// use audit_core::AuditError;
/// use audit_tokio::{process::Command, testing};
///
/// # tokio::runtime::Builder::new_multi_thread().enable_all().build()?.block_on(async {
/// let (status, _) = testing::capture_with(
///     |event: &audit_core::Event<'_>| if event.name() == "process.spawn" { Err(AuditError::denied("no children")) } else { Ok(()) },
///     async { Command::new("true").status().await },
/// )
/// .await;
/// assert_eq!(status.is_err(), audit_core::ENABLED);
/// # Ok::<(), std::io::Error>(())
/// # })?;
/// # Ok::<(), std::io::Error>(())
/// ```
pub async fn capture_with<H, F>(hook: H, fut: F) -> (F::Output, Vec<OwnedEvent>)
where
    H: Fn(&Event<'_>) -> Result<(), AuditError> + Send + Sync + 'static,
    F: Future,
{
    record(Some(Arc::new(hook)), fut).await
}

/// Like [`capture_with`], for a hook type (a struct implementing [`Hook`],
/// such as a policy or a sink) rather than a closure.
pub async fn capture_with_hook<H: Hook, F: Future>(
    hook: H,
    fut: F,
) -> (F::Output, Vec<OwnedEvent>) {
    record(Some(Arc::new(hook)), fut).await
}

/// Wraps `fut` so that it is followed by every capture and check polling the
/// caller right now (none: it runs as is). For spawners other than
/// [`spawn`]: `JoinSet::spawn`, `LocalSet::spawn_local`, ...
///
/// Call it inside the captured future, where the task is started: the
/// scopes are taken when `follow` is called, not when the result is polled.
pub fn follow<F: Future>(fut: F) -> impl Future<Output = F::Output> {
    let scopes = current_scopes();
    watched(scopes, fut)
}

/// The open scopes polling the caller, without duplicates.
fn current_scopes() -> Vec<Arc<Scope>> {
    CURRENT.with_borrow(|stack| {
        let mut scopes: Vec<Arc<Scope>> = Vec::new();
        for scope in stack {
            if scope.is_open() && !scopes.iter().any(|s| Arc::ptr_eq(s, scope)) {
                scopes.push(Arc::clone(scope));
            }
        }
        scopes
    })
}

/// `tokio::spawn(follow(fut))`: a task followed by the captures and checks
/// polling the caller.
///
/// ```
/// use audit_tokio::{fs, testing};
///
/// # tokio::runtime::Builder::new_multi_thread().enable_all().build()?.block_on(async {
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("from-a-task.txt");
/// let (joined, events) = testing::capture(async {
///     testing::spawn(fs::write(path.clone(), "x")).await
/// })
/// .await;
/// joined.expect("task")?;
/// assert_eq!(events.len(), usize::from(audit_core::ENABLED));
/// # Ok::<(), std::io::Error>(())
/// # })?;
/// # Ok::<(), std::io::Error>(())
/// ```
///
/// # Panics
///
/// As `tokio::spawn`: outside a tokio runtime.
pub fn spawn<F>(fut: F) -> tokio::task::JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    tokio::spawn(follow(fut))
}

/// `tokio::task::spawn_blocking(f)`, with `f` followed by the captures and
/// checks polling the caller (a blocking closure raises its events on a
/// blocking thread, which nothing would watch otherwise).
///
/// # Panics
///
/// As `tokio::task::spawn_blocking`: outside a tokio runtime.
pub fn spawn_blocking<F, R>(f: F) -> tokio::task::JoinHandle<R>
where
    F: FnOnce() -> R + Send + 'static,
    R: Send + 'static,
{
    let scopes = current_scopes();
    tokio::task::spawn_blocking(move || {
        let open: Vec<Arc<Scope>> = scopes.into_iter().filter(|s| s.is_open()).collect();
        let mut f = Some(f);
        let mut result = None;
        nest(&open, &mut || {
            if let Some(f) = f.take() {
                result = Some(f());
            }
        });
        match result {
            Some(result) => result,
            // `nest` always runs the closure, unless a watch swallowed it,
            // which none of ours does.
            None => unreachable!("the blocking closure was not run"),
        }
    })
}

/// The watch of [`check`]: `audit_std`'s judgement of each poll.
struct Checker {
    expect: Expect,
    found: Arc<Mutex<Vec<Violation>>>,
}

impl Watch for Checker {
    fn watch(&self, poll: &mut dyn FnMut()) {
        if let Err(violations) = self.expect.check(poll) {
            self.found
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .extend(violations);
        }
    }
}

/// Runs `fut` to completion under `expect` (from `audit_std::testing`),
/// following it across threads like [`capture`], and returns its output, or
/// every violation if it did anything forbidden (the output is then
/// dropped). With [`Expect::enforce`], the forbidden operations were also
/// refused before they happened.
///
/// ```
/// use audit_std::testing::Expect;
/// use audit_tokio::{net, testing};
///
/// # tokio::runtime::Builder::new_multi_thread().enable_all().build()?.block_on(async {
/// // Compiled out, nothing would stop the connection: don't try it then.
/// if audit_core::ENABLED {
///     let result = testing::check(
///         &Expect::new().no_network_except_loopback().enforce(),
///         net::TcpStream::connect("192.0.2.1:80"),
///     )
///     .await;
///     let violations = result.unwrap_err();
///     assert!(violations[0].was_vetoed(), "refused before any packet was sent");
/// }
/// # Ok::<(), std::io::Error>(())
/// # })?;
/// # Ok::<(), std::io::Error>(())
/// ```
pub async fn check<F: Future>(expect: &Expect, fut: F) -> Result<F::Output, Vec<Violation>> {
    let found = Arc::new(Mutex::new(Vec::new()));
    let scope = Scope::new(Checker {
        expect: expect.clone(),
        found: Arc::clone(&found),
    });
    let close = CloseOnDrop(Arc::clone(&scope));
    let output = watched(vec![scope], fut).await;
    drop(close);
    let found = std::mem::take(&mut *found.lock().unwrap_or_else(PoisonError::into_inner));
    if found.is_empty() {
        Ok(output)
    } else {
        Err(found)
    }
}

async fn run<F: Future>(expect: Expect, fut: F) -> F::Output {
    match check(&expect, fut).await {
        Ok(output) => output,
        Err(violations) => {
            let list: Vec<String> = violations.iter().map(ToString::to_string).collect();
            panic!(
                "{} forbidden operation(s):\n  {}",
                list.len(),
                list.join("\n  ")
            )
        }
    }
}

/// Runs `fut` and panics if it used the network in any way. Async form of
/// `audit_std::testing::assert_no_network`.
///
/// # Panics
///
/// If `fut` raised a `net.*` event, listing each one.
pub async fn assert_no_network<F: Future>(fut: F) -> F::Output {
    run(Expect::new().no_network(), fut).await
}

/// Runs `fut` and panics if it reached beyond the loopback interface. Async
/// form of `audit_std::testing::assert_no_network_except_loopback`.
///
/// # Panics
///
/// If `fut` raised a forbidden `net.*` event, listing each one.
pub async fn assert_no_network_except_loopback<F: Future>(fut: F) -> F::Output {
    run(Expect::new().no_network_except_loopback(), fut).await
}

/// Runs `fut` and panics if it modified the filesystem anywhere but under
/// `dir`. Async form of `audit_std::testing::assert_writes_only_under`.
///
/// # Panics
///
/// If `fut` wrote outside `dir`, listing each offending event.
pub async fn assert_writes_only_under<F: Future>(dir: impl AsRef<Path>, fut: F) -> F::Output {
    run(Expect::new().writes_only_under(dir), fut).await
}

/// Runs `fut` and panics if it started a process. Async form of
/// `audit_std::testing::assert_no_spawn`.
///
/// # Panics
///
/// If `fut` raised `process.spawn` or `process.exec`, listing each program.
pub async fn assert_no_spawn<F: Future>(fut: F) -> F::Output {
    run(Expect::new().no_spawn(), fut).await
}
