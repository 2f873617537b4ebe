//! `#[audited]` on generic code and on types that are not `Recordable`: what
//! a hook sees for each kind of parameter (typed, path, string, platform
//! string, bytes, `Debug`), that `Debug` values are formatted only when a
//! hook formats them, and that a veto still stops the body.
//!
//! The values are read by a real global hook, as a program's hook would see
//! them (a test capture would format every `Debug` value itself). Hooks are
//! permanent, so this file is its own test binary; the hook is interested in
//! the `gen.` events only, and keeps what it sees per thread.

use std::cell::{Cell, RefCell};
use std::ffi::{OsStr, OsString};
use std::fmt::{self, Debug};
use std::future::Future;
use std::io;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::pin::pin;
use std::sync::Once;
use std::task::{Context, Poll, Waker};

use audit_core::{audit_error, audited, AuditError, Event, Hook, Interest, Recordable, Value};

// ---------------------------------------------------------------- the hook

/// What the hook saw of one argument.
#[derive(Debug, Clone, PartialEq)]
enum Seen {
    Path(PathBuf),
    Str(String),
    OsStr(OsString),
    Bytes(Vec<u8>),
    Int(i64),
    Uint(u64),
    /// A `Value::Debug`, as the hook formatted it.
    Debug(String),
    /// A `Value::Debug` the hook did not format (events `gen.lazy.*`).
    DebugUnread,
    Other(String),
}

fn seen(value: Value<'_>, format_debug: bool) -> Seen {
    match value {
        Value::Path(p) => Seen::Path(p.to_owned()),
        Value::Str(s) => Seen::Str(s.to_owned()),
        Value::OsStr(s) => Seen::OsStr(s.to_owned()),
        Value::Bytes(b) => Seen::Bytes(b.to_owned()),
        Value::Int(i) => Seen::Int(i),
        Value::Uint(u) => Seen::Uint(u),
        Value::Debug(d) if format_debug => Seen::Debug(format!("{d:?}")),
        Value::Debug(_) => Seen::DebugUnread,
        other => Seen::Other(format!("{other:?}")),
    }
}

type Record = (&'static str, Vec<(&'static str, Seen)>);

thread_local! {
    static SEEN: RefCell<Vec<Record>> = const { RefCell::new(Vec::new()) };
    static DENY: Cell<bool> = const { Cell::new(false) };
    static BODY_RAN: Cell<u32> = const { Cell::new(0) };
}

const REASON: &str = "vetoed by the generics test";

/// Records every `gen.` event raised on the thread that raised it, and vetoes
/// it while that thread's `DENY` is set.
struct Recorder;

impl Hook for Recorder {
    fn on_event(&self, event: &Event<'_>) -> Result<(), AuditError> {
        let format_debug = !event.name().starts_with("gen.lazy.");
        let args = event
            .args()
            .map(|(name, value)| (name, seen(value, format_debug)))
            .collect();
        SEEN.with_borrow_mut(|s| s.push((event.name(), args)));
        if DENY.get() {
            return Err(AuditError::denied(REASON));
        }
        Ok(())
    }

    fn interest(&self) -> Interest {
        Interest::prefixes(["gen."])
    }
}

fn install() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let installed = audit_core::install_hook(Recorder);
        assert_eq!(installed.is_ok(), audit_core::ENABLED, "{installed:?}");
    });
}

fn mark() {
    BODY_RAN.set(BODY_RAN.get() + 1);
}

/// Runs `f` with the hook installed, allowing (`deny == false`) or vetoing
/// every event; returns its result, what the hook saw, and whether a body ran.
fn observe<R>(deny: bool, f: impl FnOnce() -> R) -> (R, Vec<Record>, bool) {
    install();
    SEEN.with_borrow_mut(Vec::clear);
    BODY_RAN.set(0);
    DENY.set(deny);
    let result = f();
    DENY.set(false);
    (result, SEEN.take(), BODY_RAN.replace(0) > 0)
}

fn io_vetoed<T>(result: &io::Result<T>) -> bool {
    result.as_ref().err().is_some_and(|err| {
        err.kind() == io::ErrorKind::PermissionDenied
            && audit_error(err).is_some_and(|a| a.reason() == REASON)
    })
}

/// Runs `f` allowed, where the hook must see exactly `name` with `args` and
/// the body must run; then vetoed, where the body must not run and `vetoed`
/// must hold of the result. With the `off` feature, nothing is seen and the
/// body runs both times.
fn check<R: Debug>(
    name: &str,
    args: &[(&str, Seen)],
    mut f: impl FnMut() -> R,
    vetoed: impl Fn(&R) -> bool,
) {
    let (result, records, ran) = observe(false, &mut f);
    assert!(!vetoed(&result), "allowed call failed: {result:?}");
    assert!(ran, "the body did not run");
    if audit_core::ENABLED {
        let expected: Vec<(&str, Seen)> = args.to_vec();
        assert_eq!(records.len(), 1, "{records:?}");
        assert_eq!(records[0].0, name);
        assert_eq!(records[0].1, expected);
    } else {
        assert!(records.is_empty());
    }

    let (result, records, ran) = observe(true, &mut f);
    if audit_core::ENABLED {
        assert!(
            vetoed(&result),
            "the veto did not reach the caller: {result:?}"
        );
        assert!(!ran, "the body ran despite the veto");
        assert_eq!(records.len(), 1);
    } else {
        assert!(!vetoed(&result), "{result:?}");
        assert!(ran, "the body did not run");
        assert!(records.is_empty());
    }
}

fn debug(s: &str) -> Seen {
    Seen::Debug(s.to_owned())
}

// ---------------------------------------------------------------- each kind

#[audited("gen.debug")]
fn debug_param<T: Debug>(x: T) -> io::Result<()> {
    mark();
    let _ = x;
    Ok(())
}

#[audited("gen.unsized")]
fn unsized_ref<T: ?Sized + Debug>(x: &T) -> io::Result<()> {
    mark();
    let _ = x;
    Ok(())
}

#[audited("gen.label")]
fn label(label: impl AsRef<str> + Debug) -> io::Result<usize> {
    mark();
    Ok(label.as_ref().len())
}

#[audited("gen.path")]
fn path_param<P: AsRef<Path>>(path: P) -> io::Result<bool> {
    mark();
    Ok(path.as_ref().is_absolute())
}

#[audited("gen.os")]
fn os_param<K: AsRef<OsStr>>(key: K) -> io::Result<usize> {
    mark();
    Ok(key.as_ref().len())
}

#[audited("gen.bytes")]
fn bytes_param<C: AsRef<[u8]>>(contents: C) -> io::Result<usize> {
    mark();
    Ok(contents.as_ref().len())
}

#[test]
fn debug_bound_records_through_debug() {
    // Even for a `u32`: the function's body is compiled once for every `T`,
    // and all it knows of `T` is `Debug`.
    check(
        "gen.debug",
        &[("x", debug("7"))],
        || debug_param(7u32),
        io_vetoed,
    );
    check(
        "gen.debug",
        &[("x", debug(r#"["a", "b"]"#))],
        || debug_param(vec!["a", "b"]),
        io_vetoed,
    );
    check(
        "gen.debug",
        &[("x", debug("Some(-1)"))],
        || debug_param(Some(-1i8)),
        io_vetoed,
    );
    // A borrowed unsized `T`: the reference is what is recorded.
    check(
        "gen.unsized",
        &[("x", debug("\"str\""))],
        || unsized_ref("str"),
        io_vetoed,
    );
}

#[test]
fn impl_as_ref_str_records_a_string() {
    check(
        "gen.label",
        &[("label", Seen::Str("nightly".into()))],
        || label("nightly"),
        io_vetoed,
    );
    check(
        "gen.label",
        &[("label", Seen::Str("owned".into()))],
        || label(String::from("owned")),
        io_vetoed,
    );
}

#[test]
fn as_ref_path_records_a_path() {
    let dir = tempfile::tempdir().unwrap();
    let owned = dir.path().join("a.txt");
    check(
        "gen.path",
        &[("path", Seen::Path(owned.clone()))],
        || path_param(&owned),
        io_vetoed,
    );
    // A `&str` is a path here, not a string: the bound says how the
    // function uses it.
    check(
        "gen.path",
        &[("path", Seen::Path("rel/b".into()))],
        || path_param("rel/b"),
        io_vetoed,
    );
    // A type that is not `Recordable` but is a path: `TempDir`.
    check(
        "gen.path",
        &[("path", Seen::Path(dir.path().to_owned()))],
        || path_param(&dir),
        io_vetoed,
    );
}

#[test]
fn as_ref_os_str_and_bytes() {
    check(
        "gen.os",
        &[("key", Seen::OsStr("HOME".into()))],
        || os_param("HOME"),
        io_vetoed,
    );
    check(
        "gen.bytes",
        &[("contents", Seen::Bytes(b"\x00\xff".to_vec()))],
        || bytes_param([0u8, 255]),
        io_vetoed,
    );
    check(
        "gen.bytes",
        &[("contents", Seen::Bytes(b"text".to_vec()))],
        || bytes_param("text"),
        io_vetoed,
    );
}

/// A value with three different answers, to tell which one is recorded.
#[derive(Debug)]
struct Ambiguous;

impl Recordable for Ambiguous {
    fn record(&self) -> Value<'_> {
        Value::Uint(42)
    }
}

impl AsRef<Path> for Ambiguous {
    fn as_ref(&self) -> &Path {
        Path::new("/as/ref/path")
    }
}

impl AsRef<str> for Ambiguous {
    fn as_ref(&self) -> &str {
        "as ref str"
    }
}

#[audited("gen.all_bounds")]
fn all_bounds<T>(a: T, b: u16) -> io::Result<()>
where
    T: Recordable + AsRef<Path> + AsRef<str> + Debug,
{
    mark();
    let _ = (a, b);
    Ok(())
}

#[audited("gen.path_and_str")]
fn path_and_str<T: AsRef<str> + AsRef<Path> + Debug>(a: T) -> io::Result<()> {
    mark();
    let _ = a;
    Ok(())
}

#[audited("gen.concrete")]
fn concrete(a: &Ambiguous, dir: &tempfile::TempDir, mode: Mode) -> io::Result<()> {
    mark();
    let _ = (a, dir, mode);
    Ok(())
}

#[derive(Debug, Clone, Copy)]
enum Mode {
    ReadOnly,
}

#[test]
fn typed_form_first_then_path_then_str_then_debug() {
    check(
        "gen.all_bounds",
        &[("a", Seen::Uint(42)), ("b", Seen::Uint(9))],
        || all_bounds(Ambiguous, 9),
        io_vetoed,
    );
    check(
        "gen.path_and_str",
        &[("a", Seen::Path("/as/ref/path".into()))],
        || path_and_str(Ambiguous),
        io_vetoed,
    );
    let dir = tempfile::tempdir().unwrap();
    check(
        "gen.concrete",
        &[
            ("a", Seen::Uint(42)),
            ("dir", Seen::Path(dir.path().to_owned())),
            ("mode", debug("ReadOnly")),
        ],
        || concrete(&Ambiguous, &dir, Mode::ReadOnly),
        io_vetoed,
    );
}

// ---------------------------------------------------------------- shapes

struct Store<K> {
    name: String,
    keys: Vec<K>,
}

impl<K: Debug + Clone> Store<K> {
    #[audited("gen.store.put", args(store = self.name.as_str(), mode = Mode::ReadOnly, n = 5))]
    fn put<V: AsRef<[u8]>>(&mut self, key: &K, value: V) -> io::Result<usize> {
        mark();
        self.keys.push(key.clone());
        Ok(value.as_ref().len())
    }
}

#[test]
fn generic_method_and_debug_extra_arguments() {
    let mut store = Store {
        name: "cache".into(),
        keys: Vec::new(),
    };
    check(
        "gen.store.put",
        &[
            ("key", debug("(1, 'x')")),
            ("value", Seen::Bytes(b"abc".to_vec())),
            ("store", Seen::Str("cache".into())),
            ("mode", debug("ReadOnly")),
            ("n", Seen::Int(5)),
        ],
        || store.put(&(1, 'x'), "abc"),
        io_vetoed,
    );
    // One allowed call per mode, plus the second one when auditing is off.
    assert_eq!(store.keys.len(), if audit_core::ENABLED { 1 } else { 2 });
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

#[audited("gen.async")]
async fn fetch<U: AsRef<str>, T: Debug>(url: U, tag: T) -> io::Result<usize> {
    mark();
    std::future::ready(()).await;
    let _ = tag;
    Ok(url.as_ref().len())
}

#[audited("gen.future")]
fn later<T: Debug>(item: T) -> impl Future<Output = io::Result<T>> {
    mark();
    std::future::ready(Ok(item))
}

fn assert_send<F: Future + Send>(future: F) -> F {
    future
}

#[test]
fn async_fn_and_impl_future() {
    // Values are built and dropped before the body's first `.await`, so a
    // `Debug` parameter keeps the future `Send`.
    drop(assert_send(fetch("https://a.test/", [1u8])));
    check(
        "gen.async",
        &[
            ("url", Seen::Str("https://a.test/".into())),
            ("tag", debug("[1]")),
        ],
        || block_on(fetch("https://a.test/", [1u8])),
        io_vetoed,
    );
    check(
        "gen.future",
        &[("item", debug("'z'"))],
        || block_on(later('z')),
        io_vetoed,
    );
}

#[audited("gen.panic", on_veto = panic)]
fn note<T: Debug>(item: T) -> usize {
    mark();
    format!("{item:?}").len()
}

#[test]
fn on_veto_panic_with_a_debug_parameter() {
    check(
        "gen.panic",
        &[("item", debug("\"n\""))],
        || catch_unwind(AssertUnwindSafe(|| note("n"))).map_err(|_| ()),
        Result::is_err,
    );
}

// ---------------------------------------------------------------- laziness

thread_local! {
    static FORMATTED: Cell<u32> = const { Cell::new(0) };
    static AS_REF_CALLS: Cell<u32> = const { Cell::new(0) };
}

/// Counts how often it is formatted.
struct Counted;

impl Debug for Counted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        FORMATTED.set(FORMATTED.get() + 1);
        f.write_str("Counted")
    }
}

/// Counts how often it is asked for its path.
struct CountedPath;

impl AsRef<Path> for CountedPath {
    fn as_ref(&self) -> &Path {
        AS_REF_CALLS.set(AS_REF_CALLS.get() + 1);
        Path::new("/counted")
    }
}

#[audited("gen.lazy.read")]
fn lazy_unread<T: Debug, P: AsRef<Path>>(item: T, path: P) -> io::Result<()> {
    mark();
    let _ = (item, path);
    Ok(())
}

#[audited("gen.shown")]
fn lazy_shown<T: Debug, P: AsRef<Path>>(item: T, path: P) -> io::Result<()> {
    mark();
    let _ = (item, path);
    Ok(())
}

/// No hook is interested in this event.
#[audited("quiet.generic")]
fn quiet<T: Debug, P: AsRef<Path>>(item: T, path: P) -> io::Result<()> {
    mark();
    let _ = (item, path);
    Ok(())
}

/// Runs `f` and returns how often it formatted a `Counted` and asked a
/// `CountedPath` for its path.
fn counts(f: impl FnOnce() -> io::Result<()>) -> (u32, u32) {
    FORMATTED.set(0);
    AS_REF_CALLS.set(0);
    let (result, _, ran) = observe(false, f);
    assert!(result.is_ok() && ran);
    (FORMATTED.get(), AS_REF_CALLS.get())
}

#[test]
fn debug_values_are_formatted_only_by_a_hook_that_formats_them() {
    // A hook that reads the event but not the value: never formatted; the
    // path is asked for once, to build the event.
    let expected_read = if audit_core::ENABLED { (0, 1) } else { (0, 0) };
    assert_eq!(counts(|| lazy_unread(Counted, CountedPath)), expected_read);
    // A hook that formats it: formatted once.
    let expected_shown = if audit_core::ENABLED { (1, 1) } else { (0, 0) };
    assert_eq!(counts(|| lazy_shown(Counted, CountedPath)), expected_shown);
    // No hook interested: nothing is built at all.
    assert_eq!(counts(|| quiet(Counted, CountedPath)), (0, 0));
}

#[test]
fn what_the_lazy_hook_saw() {
    let (_, records, _) = observe(false, || lazy_unread(Counted, CountedPath));
    if audit_core::ENABLED {
        assert_eq!(
            records,
            [(
                "gen.lazy.read",
                vec![
                    ("item", Seen::DebugUnread),
                    ("path", Seen::Path("/counted".into()))
                ]
            )]
        );
    } else {
        assert!(records.is_empty());
    }
}

// ---------------------------------------------------------------- hostile values

/// Panics when asked for its path.
struct PanickyPath;

impl AsRef<Path> for PanickyPath {
    fn as_ref(&self) -> &Path {
        panic!("no path today")
    }
}

/// Panics when formatted.
struct PanickyDebug;

impl Debug for PanickyDebug {
    fn fmt(&self, _: &mut fmt::Formatter<'_>) -> fmt::Result {
        panic!("no text today")
    }
}

/// Calls an audited function that records a `Reentrant` when formatted, as
/// a hostile `Debug` might.
struct Reentrant;

impl Debug for Reentrant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = inner(Reentrant);
        write!(f, "Reentrant({inner:?})")
    }
}

#[audited("gen.inner")]
fn inner<T: Debug>(x: T) -> io::Result<u8> {
    let _ = x;
    Ok(1)
}

#[test]
fn a_panic_while_building_the_event_fails_closed_and_auditing_stays_on() {
    let (result, _, ran) = observe(false, || {
        catch_unwind(AssertUnwindSafe(|| path_param(PanickyPath)))
    });
    // The panic reaches the caller before the body runs (with `off`, the
    // body itself asks for the path, and panics).
    assert!(result.is_err());
    assert_eq!(ran, !audit_core::ENABLED);
    // The same thread is still audited afterwards: the unwinding did not
    // leave it counted as inside a hook.
    check(
        "gen.debug",
        &[("x", debug("1"))],
        || debug_param(1u8),
        io_vetoed,
    );
}

#[test]
fn a_debug_that_panics_in_a_hook_fails_closed() {
    let (result, records, ran) = observe(false, || debug_param(PanickyDebug));
    if audit_core::ENABLED {
        let err = result.expect_err("a hook that panicked must refuse the call");
        let audit = audit_error(&err).expect("an audit refusal");
        assert_eq!(audit.kind(), audit_core::AuditErrorKind::HookPanicked);
        assert!(audit.reason().contains("no text today"), "{audit}");
        assert!(!ran, "the body ran although the hook panicked");
        assert!(records.is_empty());
    } else {
        assert!(result.is_ok() && ran);
    }
}

#[test]
fn a_debug_that_calls_audited_code_does_not_recurse() {
    // Formatted inside the hook: the inner call's event is not raised
    // (audit points inside a hook are skipped), so formatting ends.
    check(
        "gen.debug",
        &[("x", debug("Reentrant(Ok(1))"))],
        || debug_param(Reentrant),
        io_vetoed,
    );
}

// ---------------------------------------------------------------- lints

/// The expansions for generic parameters are clean under strict lints (as
/// `tests/lints.rs` checks for the other shapes): a lint that fires on them
/// fails this build.
#[deny(
    warnings,
    unused,
    unused_qualifications,
    unused_parens,
    unused_results,
    missing_docs,
    rust_2018_idioms,
    clippy::all,
    clippy::pedantic
)]
mod strict {
    use audit_core::audited;
    use std::fmt::Debug;
    use std::io;
    use std::path::Path;

    /// Each kind of generic parameter, and borrows in `args(..)`.
    #[audited("gen.strict", args(pair = (&a, 1), r = &p, n = &s.as_ref().len()))]
    pub(super) fn kinds<T: Debug, P: AsRef<Path>>(
        a: T,
        p: P,
        s: impl AsRef<str>,
    ) -> io::Result<()> {
        super::mark();
        let _ = (a, p.as_ref(), s.as_ref());
        Ok(())
    }

    /// An `async fn` with a borrowed `Debug` parameter.
    #[audited("gen.strict.async")]
    pub(super) async fn borrowed<T: Debug + Sync>(a: &T) -> io::Result<()> {
        super::mark();
        std::future::ready(()).await;
        let _ = a;
        Ok(())
    }
}

#[test]
fn strict_shapes_run() {
    check(
        "gen.strict",
        &[
            ("a", debug("1")),
            ("p", Seen::Path("p".into())),
            ("s", Seen::Str("s".into())),
            ("pair", debug("(1, 1)")),
            ("r", Seen::Path("p".into())),
            ("n", Seen::Uint(1)),
        ],
        || strict::kinds(1u8, "p", "s"),
        io_vetoed,
    );
    check(
        "gen.strict.async",
        &[("a", debug("[2]"))],
        || block_on(strict::borrowed(&[2u8])),
        io_vetoed,
    );
}
