//! Behaviour of `#[audited]` functions of every supported shape: the event
//! and its arguments, a veto stopping the body and reaching the caller, and,
//! with the `off` feature, no event and the body running.

use std::cell::Cell;
use std::fmt::Debug;
use std::future::Future;
use std::io;
use std::panic::{catch_unwind, AssertUnwindSafe, Location};
use std::path::{Path, PathBuf};
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use audit_core::{audit_error, audited, testing, AuditError, Event, OwnedEvent, Recordable};

// ---------------------------------------------------------------- helpers

thread_local! {
    static BODY_RAN: Cell<u32> = const { Cell::new(0) };
    static EVALUATED: Cell<u32> = const { Cell::new(0) };
}

/// Called by every test body, so a test can tell whether the body ran.
fn mark() {
    BODY_RAN.set(BODY_RAN.get() + 1);
}

/// Whether a body ran since the last call.
fn take_ran() -> bool {
    BODY_RAN.replace(0) > 0
}

const REASON: &str = "vetoed by the test";

fn deny(_: &Event<'_>) -> Result<(), AuditError> {
    Err(AuditError::denied(REASON))
}

fn shown(events: &[OwnedEvent]) -> Vec<String> {
    events.iter().map(|e| format!("{e:?}")).collect()
}

/// Whether `err` is this test's veto.
fn is_veto(err: &AuditError) -> bool {
    err.reason() == REASON
}

fn io_vetoed<T>(result: &io::Result<T>) -> bool {
    match result {
        Err(err) => {
            err.kind() == io::ErrorKind::PermissionDenied && audit_error(err).is_some_and(is_veto)
        }
        Ok(_) => false,
    }
}

fn audit_vetoed<T>(result: &Result<T, AuditError>) -> bool {
    result.as_ref().err().is_some_and(is_veto)
}

/// Runs `f` twice: under a capture, where the body must run and raise
/// `expected` (written as the event's `Debug`), then under a vetoing capture,
/// where the body must not run and `vetoed` must hold of the result. With the
/// `off` feature, no event is raised and the body runs both times.
fn check<R: Debug>(expected: &str, mut f: impl FnMut() -> R, vetoed: impl Fn(&R) -> bool) {
    take_ran();
    let (result, events) = testing::capture(&mut f);
    assert!(!vetoed(&result), "allowed call failed: {result:?}");
    assert!(take_ran(), "the body did not run");
    if audit_core::ENABLED {
        assert_eq!(shown(&events), [expected]);
    } else {
        assert!(events.is_empty());
    }

    let (result, events) = testing::capture_with(deny, &mut f);
    if audit_core::ENABLED {
        assert!(vetoed(&result), "veto did not reach the caller: {result:?}");
        assert!(!take_ran(), "the body ran despite the veto");
        assert_eq!(shown(&events), [expected]);
    } else {
        assert!(!vetoed(&result), "{result:?}");
        assert!(take_ran(), "the body did not run");
        assert!(events.is_empty());
    }
}

/// Polls `future` to completion on this thread (test futures never wait).
fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
    }
}

/// The message of a caught panic.
fn panic_message(payload: Box<dyn std::any::Any + Send>) -> String {
    match payload.downcast::<String>() {
        Ok(s) => *s,
        Err(payload) => payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .unwrap_or_default(),
    }
}

fn catch<R>(f: impl FnOnce() -> R) -> Result<R, String> {
    catch_unwind(AssertUnwindSafe(f)).map_err(panic_message)
}

fn panicked_with_veto<R>(result: &Result<R, String>) -> bool {
    result
        .as_ref()
        .err()
        .is_some_and(|msg| msg.contains(REASON))
}

// ---------------------------------------------------------------- free functions

/// Writes a configuration file (doc comments are kept).
#[audited("t.write_config")]
fn write_config(path: &Path, data: &[u8]) -> io::Result<()> {
    mark();
    std::fs::write(path, data)
}

#[test]
fn free_function_with_io_result() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    let expected = format!("t.write_config {{ path: {path:?}, data: b\"\\x01\\x02\\x03\" }}");
    check(&expected, || write_config(&path, &[1, 2, 3]), io_vetoed);
    // Only allowed calls wrote the file: one allowed call per mode, plus the
    // second call when auditing is off.
    assert_eq!(std::fs::read(&path).unwrap(), [1, 2, 3]);
}

#[test]
fn vetoed_call_has_no_effect() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("never.txt");
    let (result, _) = testing::capture_with(deny, || write_config(&path, b"x"));
    assert_eq!(io_vetoed(&result), audit_core::ENABLED);
    assert_eq!(path.exists(), !audit_core::ENABLED);
}

#[test]
fn typed_arguments_reach_hooks() {
    let (_, events) = testing::capture(|| write_config(Path::new("/nonexistent/dir/x"), b"ab"));
    if audit_core::ENABLED {
        let event = &events[0];
        assert_eq!(event.name(), "t.write_config");
        assert_eq!(
            event.arg("path").and_then(|v| v.as_path()),
            Some(Path::new("/nonexistent/dir/x"))
        );
        assert_eq!(
            event.arg("data").and_then(|v| v.as_bytes()),
            Some(&b"ab"[..])
        );
        let names: Vec<_> = event.args().map(|(name, _)| name).collect();
        assert_eq!(names, ["path", "data"]);
    } else {
        assert!(events.is_empty());
    }
}

#[derive(Debug)]
enum AppError {
    Audit(AuditError),
}

impl From<AuditError> for AppError {
    fn from(err: AuditError) -> Self {
        AppError::Audit(err)
    }
}

#[audited("t.custom_error")]
fn custom_error(id: u64) -> Result<u64, AppError> {
    mark();
    Ok(id * 2)
}

#[audited("t.audit_error")]
fn audit_error_result(flag: bool) -> Result<bool, AuditError> {
    mark();
    Ok(!flag)
}

#[test]
fn any_error_type_from_audit_error() {
    check(
        "t.custom_error { id: 21 }",
        || custom_error(21),
        |r| matches!(r, Err(AppError::Audit(e)) if is_veto(e)),
    );
    check(
        "t.audit_error { flag: true }",
        || audit_error_result(true),
        audit_vetoed,
    );
}

/// A `Result` alias whose name does not end in `Result`.
type Outcome<T> = Result<T, AppError>;

#[audited("t.alias", on_veto = err)]
fn alias_outcome(n: i32) -> Outcome<i32> {
    mark();
    Ok(-n)
}

#[test]
fn on_veto_err_for_a_renamed_result() {
    check(
        "t.alias { n: 5 }",
        || alias_outcome(5),
        |r| matches!(r, Err(AppError::Audit(e)) if is_veto(e)),
    );
}

const RETURNS_PLAIN_LINE: u32 = line!() + 1;
#[audited("t.panic", on_veto = panic)]
fn returns_plain(n: u8) -> u8 {
    mark();
    n + 1
}

#[audited("t.unit", on_veto = panic)]
fn returns_unit(label: &str) {
    let _ = label;
    mark();
}

#[test]
fn on_veto_panic() {
    check(
        "t.panic { n: 1 }",
        || catch(|| returns_plain(1)),
        panicked_with_veto,
    );
    check(
        r#"t.unit { label: "x" }"#,
        || catch(|| returns_unit("x")),
        panicked_with_veto,
    );
    if audit_core::ENABLED {
        let (result, _) = testing::capture_with(deny, || catch(|| returns_plain(1)));
        let message = result.unwrap_err();
        assert_eq!(message, format!("audit event `t.panic` denied: {REASON}"));
    }
}

// ---------------------------------------------------------------- options

#[audited("t.skip", skip(secret, other))]
fn skip_some(user: &str, secret: &str, other: Vec<String>) -> io::Result<usize> {
    mark();
    Ok(user.len() + secret.len() + other.len())
}

#[audited("t.skip_all", skip_all)]
fn skip_all(user: &str, secret: &str) -> io::Result<usize> {
    mark();
    Ok(user.len() + secret.len())
}

fn evaluated() -> u32 {
    EVALUATED.set(EVALUATED.get() + 1);
    7
}

#[audited("t.args", skip(data), args(len = data.len(), seven = evaluated(), data_kind = "bytes"))]
fn extra_args(host: &str, data: &[u8]) -> io::Result<()> {
    mark();
    let _ = (host, data);
    Ok(())
}

#[test]
fn skip_and_skip_all() {
    check(
        r#"t.skip { user: "ann" }"#,
        || skip_some("ann", "pw", vec![]),
        io_vetoed,
    );
    check("t.skip_all", || skip_all("ann", "pw"), io_vetoed);
}

#[test]
fn extra_arguments_are_recorded_lazily() {
    check(
        r#"t.args { host: "h", len: 3, seven: 7, data_kind: "bytes" }"#,
        || extra_args("h", &[0, 0, 0]),
        io_vetoed,
    );
    // Outside a capture (and with no global hook in this test binary), the
    // extra arguments are never evaluated.
    EVALUATED.set(0);
    extra_args("h", b"abc").unwrap();
    assert_eq!(EVALUATED.get(), 0);
    take_ran();
    // Inside a capture they are, exactly once per call (never with `off`).
    let _ = testing::capture(|| extra_args("h", b"abc"));
    assert_eq!(EVALUATED.get(), u32::from(audit_core::ENABLED));
}

// ---------------------------------------------------------------- methods

#[derive(Debug, Default)]
struct Counter {
    hits: u64,
}

impl Counter {
    #[audited("t.method.ref", args(hits = self.hits))]
    fn peek(&self, by: u64) -> io::Result<u64> {
        mark();
        Ok(self.hits + by)
    }

    #[audited("t.method.mut")]
    pub(crate) fn bump(&mut self, by: u64) -> io::Result<u64> {
        mark();
        self.hits += by;
        Ok(self.hits)
    }

    #[audited("t.method.owned", args(hits = self.hits))]
    fn into_hits(self) -> io::Result<u64> {
        mark();
        Ok(self.hits)
    }

    #[audited("t.method.boxed")]
    #[allow(clippy::boxed_local)] // `self: Box<Self>` is the shape under test
    fn boxed(self: Box<Self>, extra: u64) -> io::Result<u64> {
        mark();
        Ok(self.hits + extra)
    }

    #[audited("t.method.static")]
    fn new_with(hits: u64) -> io::Result<Counter> {
        mark();
        Ok(Counter { hits })
    }
}

#[test]
fn methods() {
    let mut counter = Counter { hits: 2 };
    check(
        "t.method.ref { by: 1, hits: 2 }",
        || counter.peek(1),
        io_vetoed,
    );
    let mut allowed_bumps = 0;
    let (_, events) = testing::capture(|| counter.bump(3));
    allowed_bumps += 3;
    let (vetoed, _) = testing::capture_with(deny, || counter.bump(3));
    if audit_core::ENABLED {
        assert_eq!(shown(&events), ["t.method.mut { by: 3 }"]);
        assert!(io_vetoed(&vetoed));
    } else {
        allowed_bumps += 3;
    }
    assert_eq!(
        counter.hits,
        2 + allowed_bumps,
        "a vetoed `&mut self` method changed nothing"
    );
    check(
        "t.method.owned { hits: 4 }",
        || Counter { hits: 4 }.into_hits(),
        io_vetoed,
    );
    check(
        "t.method.boxed { extra: 1 }",
        || Box::new(Counter { hits: 4 }).boxed(1),
        io_vetoed,
    );
    check(
        "t.method.static { hits: 9 }",
        || Counter::new_with(9).map(|c| c.hits),
        io_vetoed,
    );
}

trait Store {
    fn put(&mut self, key: &str, value: u32) -> io::Result<()>;

    /// A default method, audited for every implementation that keeps it.
    #[audited("t.trait.default")]
    fn describe(&self, verbose: bool) -> io::Result<String> {
        mark();
        Ok(format!("store (verbose: {verbose})"))
    }
}

#[derive(Default)]
struct MemStore {
    entries: Vec<(String, u32)>,
}

impl Store for MemStore {
    #[audited("t.trait.put")]
    fn put(&mut self, key: &str, value: u32) -> io::Result<()> {
        mark();
        self.entries.push((key.to_owned(), value));
        Ok(())
    }
}

#[test]
fn trait_methods() {
    let mut store = MemStore::default();
    check(
        r#"t.trait.put { key: "k", value: 1 }"#,
        || store.put("k", 1),
        io_vetoed,
    );
    let expected_len = if audit_core::ENABLED { 1 } else { 2 };
    assert_eq!(store.entries.len(), expected_len);
    check(
        "t.trait.default { verbose: true }",
        || store.describe(true),
        io_vetoed,
    );
    // Through a trait object too.
    let dynamic: &dyn Store = &store;
    check(
        "t.trait.default { verbose: false }",
        || dynamic.describe(false),
        io_vetoed,
    );
}

// ---------------------------------------------------------------- generics

#[audited("t.generic", skip(items), args(count = N))]
fn generic<'a, T, const N: usize>(
    label: &'a str,
    first: T,
    items: &'a [T; N],
) -> io::Result<&'a str>
where
    T: Recordable + Clone + Debug,
{
    mark();
    let _ = (first, items);
    Ok(label)
}

#[test]
fn generics_lifetimes_const_generics_where() {
    check(
        r#"t.generic { label: "l", first: 3, count: 2 }"#,
        || generic("l", 3u16, &[1, 2]).map(str::len),
        io_vetoed,
    );
    check(
        r#"t.generic { label: "m", first: "a", count: 1 }"#,
        || generic("m", "a", &["b"]).map(str::len),
        io_vetoed,
    );
}

#[audited("t.impl_arg", skip(path), args(path = path.as_ref()))]
fn impl_trait_arg(path: impl AsRef<Path>) -> io::Result<PathBuf> {
    mark();
    Ok(path.as_ref().to_path_buf())
}

#[audited("t.impl_ret")]
fn impl_trait_return(n: u32) -> io::Result<impl Iterator<Item = u32>> {
    mark();
    Ok((0..n).filter(|x| x % 2 == 0))
}

#[audited("t.impl_ret_plain", on_veto = panic)]
fn impl_trait_return_plain(n: u32) -> impl Iterator<Item = u32> {
    mark();
    0..n
}

#[test]
fn impl_trait_in_both_positions() {
    check(
        r#"t.impl_arg { path: "a/b" }"#,
        || impl_trait_arg("a/b"),
        io_vetoed,
    );
    check(
        "t.impl_ret { n: 5 }",
        || impl_trait_return(5).map(Iterator::count),
        io_vetoed,
    );
    check(
        "t.impl_ret_plain { n: 3 }",
        || catch(|| impl_trait_return_plain(3).count()),
        panicked_with_veto,
    );
}

// ---------------------------------------------------------------- async

#[audited("t.async")]
async fn async_fn(path: &Path, n: u32) -> io::Result<u32> {
    mark();
    std::future::ready(()).await;
    Ok(n + path.as_os_str().len() as u32)
}

#[audited("t.async.unit", on_veto = panic)]
async fn async_unit(n: u32) {
    let _ = n;
    mark();
}

struct Service {
    name: String,
}

impl Service {
    #[audited("t.async.method", args(service = self.name.as_str()))]
    async fn call(&self, request: u32) -> io::Result<u32> {
        mark();
        Ok(request)
    }
}

#[test]
fn async_fn_raises_when_first_polled() {
    check(
        r#"t.async { path: "p", n: 1 }"#,
        || block_on(async_fn(Path::new("p"), 1)),
        io_vetoed,
    );
    check(
        "t.async.unit { n: 2 }",
        || catch(|| block_on(async_unit(2))),
        panicked_with_veto,
    );
    let service = Service { name: "svc".into() };
    check(
        r#"t.async.method { request: 3, service: "svc" }"#,
        || block_on(service.call(3)),
        io_vetoed,
    );

    // Creating the future raises nothing; polling it does.
    let (future, events) = testing::capture(|| async_fn(Path::new("p"), 1));
    assert!(events.is_empty());
    assert!(!take_ran());
    let (result, events) = testing::capture(|| block_on(future));
    assert_eq!(result.unwrap(), 2);
    assert_eq!(events.len(), usize::from(audit_core::ENABLED));
}

/// The body's own work happens at the call; the future is what it returns.
#[audited("t.impl_future")]
fn impl_future(n: u32) -> impl Future<Output = io::Result<u32>> + Send {
    mark();
    if n == 0 {
        return doubled(0);
    }
    doubled(n)
}

async fn doubled(n: u32) -> io::Result<u32> {
    Ok(n * 2)
}

#[audited("t.impl_future.plain", on_veto = panic)]
fn impl_future_plain(n: u32) -> impl Future<Output = u32> {
    mark();
    std::future::ready(n)
}

#[test]
fn impl_future_raises_at_the_call() {
    check(
        "t.impl_future { n: 4 }",
        || block_on(impl_future(4)),
        io_vetoed,
    );
    check(
        "t.impl_future { n: 0 }",
        || block_on(impl_future(0)),
        io_vetoed,
    );
    check(
        "t.impl_future.plain { n: 1 }",
        || catch(|| block_on(impl_future_plain(1))),
        panicked_with_veto,
    );

    // The event is raised by the call, before any poll; a veto is the output.
    let (future, events) = testing::capture_with(deny, || impl_future(4));
    assert_eq!(events.len(), usize::from(audit_core::ENABLED));
    assert_eq!(take_ran(), !audit_core::ENABLED);
    assert_eq!(io_vetoed(&block_on(future)), audit_core::ENABLED);
}

// ---------------------------------------------------------------- unsafe and extern

/// # Safety
/// `p` must point to a readable byte.
#[audited("t.unsafe", skip(p), args(addr = p as usize != 0))]
unsafe fn read_byte(p: *const u8) -> io::Result<u8> {
    mark();
    // SAFETY: the caller guarantees that `p` points to a readable byte.
    Ok(unsafe { *p })
}

#[audited("t.extern_c", on_veto = panic)]
extern "C" fn ffi_add(a: u32, b: u32) -> u32 {
    mark();
    a + b
}

#[audited("t.extern_c_unwind", on_veto = panic)]
extern "C-unwind" fn ffi_unwind(a: i32) -> i32 {
    mark();
    -a
}

#[test]
fn unsafe_and_extern_functions() {
    let byte = 42u8;
    // SAFETY: `&byte` points to a readable byte.
    check(
        "t.unsafe { addr: true }",
        || unsafe { read_byte(&byte) },
        io_vetoed,
    );
    // A panic cannot unwind out of `extern "C"`: only the allowed path is
    // exercised here (a veto would abort the process, as documented).
    take_ran();
    let (sum, events) = testing::capture(|| ffi_add(2, 3));
    assert_eq!(sum, 5);
    assert!(take_ran());
    assert_eq!(shown(&events).len(), usize::from(audit_core::ENABLED));
    let ffi_ptr: extern "C" fn(u32, u32) -> u32 = ffi_add;
    assert_eq!(ffi_ptr(1, 1), 2);
    check(
        "t.extern_c_unwind { a: 1 }",
        || catch(|| ffi_unwind(1)),
        panicked_with_veto,
    );
}

// ---------------------------------------------------------------- patterns

#[derive(Clone, Copy)]
struct Point {
    x: i32,
    y: i32,
}

struct Wrapper(u8);

#[audited("t.patterns")]
#[allow(clippy::too_many_arguments)]
fn patterns(
    mut count: u32,
    (a, b): (u8, u8),
    Point { x, y: height }: Point,
    Wrapper(inner): Wrapper,
    _: u64,
    &by_ref: &u16,
    r#type: &str,
) -> io::Result<u32> {
    mark();
    count += 1;
    Ok(count
        + u32::from(a)
        + u32::from(b)
        + (x + height) as u32
        + u32::from(inner)
        + u32::from(by_ref)
        + r#type.len() as u32)
}

#[test]
fn mut_and_destructuring_parameters() {
    check(
        r#"t.patterns { count: 1, a: 2, b: 3, x: 4, height: 5, inner: 6, by_ref: 7, type: "t" }"#,
        || patterns(1, (2, 3), Point { x: 4, y: 5 }, Wrapper(6), 99, &7, "t"),
        io_vetoed,
    );
    // The body still sees its (mutable) parameters as declared.
    let (result, _) =
        testing::capture(|| patterns(1, (0, 0), Point { x: 0, y: 0 }, Wrapper(0), 0, &0, ""));
    assert_eq!(result.unwrap(), 2);
}

// ---------------------------------------------------------------- through the cold path

// With a hook, the parameters are moved through the dispatch and back before
// the body runs: the body must see them unchanged, each dropped exactly once.

const LABEL_KIND: &str = "tally";

impl Counter {
    /// `self` in `args(..)` behind a smart pointer, in a macro, and beside a
    /// `self::` path (which is not the receiver); a `ref` parameter.
    #[audited(
        "t.through.method",
        args(hits = self.hits, kind = self::LABEL_KIND, label = format!("#{}", self.hits))
    )]
    #[allow(clippy::boxed_local, clippy::toplevel_ref_arg)] // the shapes under test
    fn label(self: Box<Self>, ref name: String) -> io::Result<String> {
        mark();
        Ok(format!("{name}:{}:{LABEL_KIND}", self.hits))
    }
}

#[test]
fn receiver_in_args_through_the_cold_path() {
    check(
        r##"t.through.method { name: "n", hits: 5, kind: "tally", label: "#5" }"##,
        || Box::new(Counter { hits: 5 }).label("n".to_owned()),
        io_vetoed,
    );
    let (label, _) = testing::capture(|| Box::new(Counter { hits: 6 }).label("m".to_owned()));
    assert_eq!(label.unwrap(), "m:6:tally");
}

#[audited("t.through.owned", skip(items, guard, block))]
#[allow(clippy::needless_pass_by_value)]
fn owned(
    name: String,
    mut items: Vec<u32>,
    guard: std::rc::Rc<()>,
    block: [u64; 8],
) -> io::Result<(String, Vec<u32>, usize, u64)> {
    mark();
    items.push(4);
    Ok((
        name,
        items,
        std::rc::Rc::strong_count(&guard),
        block.iter().sum(),
    ))
}

#[test]
fn owned_parameters_reach_the_body_unchanged_and_are_dropped_once() {
    let guard = std::rc::Rc::new(());
    let call = || {
        owned(
            "a".to_owned(),
            vec![1, 2, 3],
            guard.clone(),
            [1, 2, 3, 4, 5, 6, 7, 8],
        )
    };
    check(r#"t.through.owned { name: "a" }"#, call, io_vetoed);
    // Allowed, with the parameters through the dispatch and back: the body
    // sees them as passed (the guard's count includes the caller's clone).
    let (result, _) = testing::capture(call);
    assert_eq!(
        result.unwrap(),
        ("a".to_owned(), vec![1, 2, 3, 4], 2, 36),
        "the body saw other values than were passed"
    );
    // Vetoed or allowed, every clone of the guard was dropped, exactly once.
    let _ = testing::capture_with(deny, call);
    assert_eq!(std::rc::Rc::strong_count(&guard), 1, "a parameter leaked");
}

#[audited("t.through.countdown")]
fn countdown(n: u32) -> io::Result<u32> {
    mark();
    if n == 0 {
        return Ok(0);
    }
    Ok(1 + countdown(n - 1)?)
}

#[test]
fn recursion_raises_one_event_per_call() {
    let (result, events) = testing::capture(|| countdown(3));
    assert_eq!(result.unwrap(), 3);
    if audit_core::ENABLED {
        assert_eq!(
            shown(&events),
            [
                "t.through.countdown { n: 3 }",
                "t.through.countdown { n: 2 }",
                "t.through.countdown { n: 1 }",
                "t.through.countdown { n: 0 }",
            ]
        );
    }
}

/// A borrow in, a borrow out, through the dispatch and back.
#[audited("t.through.borrow")]
fn longest<'a>(a: &'a str, b: &str) -> io::Result<&'a str> {
    mark();
    Ok(if a.len() >= b.len() { a } else { &a[..0] })
}

/// A `&mut` that the body writes through, and a closure it calls.
#[audited("t.through.closure", skip(out, make))]
fn fill(out: &mut Vec<u32>, make: impl FnOnce() -> u32, times: u32) -> io::Result<usize> {
    mark();
    let value = make();
    out.extend((0..times).map(|_| value));
    Ok(out.len())
}

#[test]
fn borrows_and_closures_through_the_cold_path() {
    check(
        r#"t.through.borrow { a: "long", b: "x" }"#,
        || longest("long", "x"),
        io_vetoed,
    );
    let (picked, _) = testing::capture(|| longest("long", "x"));
    assert_eq!(picked.unwrap(), "long");

    let mut out = vec![1];
    let (len, events) = testing::capture(|| fill(&mut out, || 7, 2));
    assert_eq!(len.unwrap(), 3);
    assert_eq!(out, [1, 7, 7], "the body wrote through the passed `&mut`");
    if audit_core::ENABLED {
        assert_eq!(shown(&events), ["t.through.closure { times: 2 }"]);
    }
    let (vetoed, _) = testing::capture_with(deny, || fill(&mut out, || 9, 1));
    if audit_core::ENABLED {
        assert!(io_vetoed(&vetoed));
        assert_eq!(out, [1, 7, 7], "a vetoed call wrote nothing");
    }
    take_ran();
}

thread_local! {
    static DROPPED: std::cell::RefCell<Vec<&'static str>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Logs its name when dropped.
struct Noisy(&'static str);

impl Drop for Noisy {
    fn drop(&mut self) {
        DROPPED.with_borrow_mut(|log| log.push(self.0));
    }
}

impl Recordable for Noisy {
    fn record(&self) -> audit_core::Value<'_> {
        audit_core::Value::Str(self.0)
    }
}

/// Parameters that leave a value in their own slot (`_`, a partly bound
/// tuple, `ref`) between ones that are moved whole.
#[audited("t.through.drops")]
#[allow(clippy::needless_pass_by_value, clippy::toplevel_ref_arg)]
fn drops(
    a: Noisy,
    _: Noisy,
    (b, _): (Noisy, Noisy),
    ref c: Noisy,
    d: Noisy,
    e: Noisy,
) -> io::Result<()> {
    mark();
    let _local = Noisy("local");
    let _ = (&a, &b, c, &d, &e);
    Ok(())
}

fn drops_call() -> io::Result<()> {
    drops(
        Noisy("a"),
        Noisy("wild"),
        (Noisy("b"), Noisy("b.1")),
        Noisy("c"),
        Noisy("d"),
        Noisy("e"),
    )
}

#[test]
fn parameters_drop_in_the_order_of_the_plain_function() {
    // What the same function without the attribute does: the body's locals,
    // then the parameters in reverse order, each with what stayed in its slot.
    const PLAIN: [&str; 8] = ["local", "e", "d", "c", "b", "b.1", "wild", "a"];
    fn dropped_by(run: impl FnOnce()) -> Vec<&'static str> {
        DROPPED.with_borrow_mut(Vec::clear);
        run();
        DROPPED.with_borrow_mut(std::mem::take)
    }
    let no_hook = dropped_by(|| drops_call().unwrap());
    assert_eq!(no_hook, PLAIN, "no hook");
    let through = dropped_by(|| testing::capture(drops_call).0.unwrap());
    assert_eq!(through, PLAIN, "through the cold path");
    check(
        r#"t.through.drops { a: "a", b: "b", c: "c", d: "d", e: "e" }"#,
        drops_call,
        io_vetoed,
    );
}

// ---------------------------------------------------------------- track_caller

#[audited("t.caller", on_veto = panic)]
#[track_caller]
fn caller_below() -> &'static Location<'static> {
    mark();
    Location::caller()
}

#[track_caller]
#[audited("t.caller_above")]
fn caller_above(flag: bool) -> io::Result<&'static Location<'static>> {
    mark();
    let _ = flag;
    Ok(Location::caller())
}

#[test]
fn track_caller_is_kept() {
    let (location, _) = testing::capture(caller_below_here);
    assert_eq!(location.line(), CALLER_BELOW_LINE);
    assert_eq!(location.file(), file!());
    let line = line!() + 1;
    let (location, _) = testing::capture(|| caller_above(true));
    assert_eq!(location.unwrap().line(), line);
    check(
        "t.caller_above { flag: true }",
        || caller_above(true),
        io_vetoed,
    );

    // The veto's panic is reported at the caller of a `#[track_caller]` function.
    if audit_core::ENABLED {
        let line = line!() + 1;
        let (result, _) = testing::capture_with(deny, || catch_location(|| caller_below()));
        assert_eq!(result, Some(line));
    }
}

const CALLER_BELOW_LINE: u32 = line!() + 2;
fn caller_below_here() -> &'static Location<'static> {
    caller_below()
}

/// Runs `f`, returning the line of the panic it raised, if any.
fn catch_location<R>(f: impl FnOnce() -> R) -> Option<u32> {
    thread_local!(static LINE: Cell<Option<u32>> = const { Cell::new(None) });
    // The panic hook is process-wide, so it only records panics of this
    // thread and forwards everything to the previous hook.
    let previous = std::sync::Arc::new(std::panic::take_hook());
    let forward = previous.clone();
    std::panic::set_hook(Box::new(move |info| {
        LINE.set(info.location().map(|l| l.line()));
        forward(info);
    }));
    let result = catch(f);
    let _ = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| previous(info)));
    result.err().and(LINE.get())
}

// ---------------------------------------------------------------- callsites

#[test]
fn callsite_and_catalogue() {
    let (_, events) = testing::capture(|| returns_plain(0));
    if audit_core::ENABLED {
        let site = events[0].callsite();
        assert_eq!(site.name(), "t.panic");
        assert_eq!(site.arg_names(), ["n"]);
        assert_eq!(site.module_path(), "audited");
        assert!(site.file().ends_with("audited.rs"), "{}", site.file());
        // The line of the attribute.
        assert_eq!(site.line(), RETURNS_PLAIN_LINE);
        // Each annotated function has one static callsite, listed in the catalogue.
        let (_, again) = testing::capture(|| returns_plain(0));
        assert!(std::ptr::eq(site, again[0].callsite()));
        let catalogue: Vec<_> = audit_core::catalogue()
            .filter(|c| c.name().starts_with("t."))
            .collect();
        assert!(catalogue.iter().any(|c| std::ptr::eq(*c, site)));
        for name in [
            "t.write_config",
            "t.async",
            "t.impl_future",
            "t.trait.default",
            "t.patterns",
        ] {
            assert!(
                catalogue.iter().any(|c| c.name() == name),
                "{name} missing from the catalogue"
            );
        }
    } else {
        assert!(events.is_empty());
        assert_eq!(
            audit_core::catalogue()
                .filter(|c| c.name().starts_with("t."))
                .count(),
            0
        );
    }
}
