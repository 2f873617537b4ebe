//! "Already audited": lets a lower layer that sees the same operation again
//! (the C library's entry points, as `audit-interpose` defines them) skip the
//! event an audit point on the same thread has just raised for it.
//!
//! Off until [`set_lower_layer`] is called: until then a delivery pays one
//! relaxed load and nothing else. Once on, each allowed delivery records its
//! event (name, argument names and values, as `Debug` text) in a fixed
//! thread-local buffer; the lower layer's next delivery of **the same bytes**
//! on the same thread is skipped, and any of its deliveries clears the
//! record. The buffer holds [`CAP`] bytes: of an event whose text is longer
//! it keeps the name and the arguments that fit whole, in order; a lower
//! layer's delivery compared on more arguments than were kept is raised a
//! second time (counted twice, never missed).
//!
//! Two operations are audited on one thread and performed on another:
//!
//! - an audit point that hands its operation to another thread takes the
//!   record with it ([`carry`], then [`Carried::run`] on the thread that
//!   performs it: the record is that thread's for the closure, and gone
//!   after it);
//! - the child of `fork` is a copy of the thread that forked, record
//!   included: [`take_if_same`] compares without allocating or locking, and
//!   [`forget`] clears the parent's copy after the fork.

use core::cell::{Cell, RefCell};
use core::fmt::{self, Write};
use core::sync::atomic::{AtomicBool, Ordering};

use crate::{Callsite, Value};

/// Bytes kept of the last event: its name, then each argument as
/// `name 0x1f Debug(value) 0x1e`. 8 KiB holds an `fs.open` of a path of
/// `PATH_MAX` (4,096) printable bytes, an `fs.rename` of two paths of 4,000 printable
/// bytes each, or a command whose program and arguments take about 8,000
/// bytes of `Debug` text. A thread's record costs this much thread-local
/// memory (zeroed, like all thread-locals, when the thread starts), and a
/// record carried to another thread an allocation of its length.
pub const CAP: usize = 8192;

/// Whether some lower layer asked for records. Relaxed: it is set once, at
/// start-up, before the operations it concerns; a thread that misses it for
/// a while only records nothing (the lower layer counts twice).
static LOWER_LAYER: AtomicBool = AtomicBool::new(false);

struct Record {
    bytes: [u8; CAP],
    /// `None`: nothing recorded.
    len: Option<usize>,
    /// How many arguments `bytes` holds whole (`usize::MAX`: all of the
    /// event's).
    args: usize,
}

/// A record on its way to another thread: only its bytes.
struct Saved {
    bytes: Box<[u8]>,
    args: usize,
}

thread_local! {
    // Const-initialised with no destructor: usable during thread-local
    // destruction and from threads the C library started.
    static LAST: RefCell<Record> = const {
        RefCell::new(Record { bytes: [0; CAP], len: None, args: 0 })
    };
    /// This thread is delivering a lower layer's event: how it is compared
    /// with the record.
    static LOWER: Cell<Option<Lower>> = const { Cell::new(None) };
}

/// How a lower layer's delivery treats the record.
#[derive(Clone, Copy)]
enum Lower {
    /// It matches the record if its name and its first `n` arguments do
    /// (`usize::MAX`: all of them, and no more); either way the record is
    /// consumed.
    Compare(usize),
    /// Delivered, and the record is left as it is: neither compared nor
    /// consumed.
    Pass,
}

/// Turns records on, for the life of the process.
pub fn set_lower_layer() {
    LOWER_LAYER.store(true, Ordering::Relaxed);
}

/// Runs `f` with this thread's deliveries counted as the lower layer's: one
/// is skipped if the last event recorded on this thread has its name and its
/// first `compared_args` arguments (`usize::MAX`: all of them, and no more).
pub fn as_lower_layer<R>(compared_args: usize, f: impl FnOnce() -> R) -> R {
    with_lower(Lower::Compare(compared_args), f)
}

/// Runs `f` with this thread's deliveries counted as the lower layer's,
/// delivered in full and **leaving the record alone**: for a call the
/// operation audited above makes on its way (the `open("/dev/null")` of a
/// command's null standard input, between its `process.spawn` and the
/// fork), which must raise its own event without using up the record of
/// the operation still to come.
pub fn as_lower_layer_passing<R>(f: impl FnOnce() -> R) -> R {
    with_lower(Lower::Pass, f)
}

fn with_lower<R>(lower: Lower, f: impl FnOnce() -> R) -> R {
    let was = set_lower(Some(lower));
    let result = f();
    set_lower(was);
    result
}

/// Whether this thread's record is of the event named `name`. Reads a
/// constant-initialised thread-local; no allocation, no lock.
pub fn last_is(name: &str) -> bool {
    LAST.try_with(|last| {
        let Ok(last) = last.try_borrow() else {
            return false;
        };
        let Some(len) = last.len else {
            return false;
        };
        let recorded = &last.bytes[..len];
        recorded.len() > name.len()
            && recorded.starts_with(name.as_bytes())
            && recorded[name.len()] == 0x1f
    })
    .unwrap_or(false)
}

/// Takes this thread's record, and says whether it is the event of
/// `callsite` with `values`, compared on the name and the first
/// `compared_args` arguments (`usize::MAX`: all of them, and no more).
/// Raises nothing.
///
/// Async-signal-safe, for the child of `fork` (which holds a copy of the
/// forking thread's record): a constant-initialised thread-local without
/// destructor, formatting into a comparison that stops at the first
/// difference; no allocation, no lock. `false` whenever the record cannot
/// be read.
pub fn take_if_same(
    callsite: &'static Callsite,
    values: &[Value<'_>],
    compared_args: usize,
) -> bool {
    if !lower_layer() {
        return false;
    }
    same_as_last(callsite, values, compared_args, false)
}

/// [`take_if_same`], except that a record that is not the event's is left
/// in place: for the child of `fork`, where the only lower-layer calls
/// compared are execs, and an exec the record does not answer for (one
/// made in `pre_exec`, judged on its own) must not use up the record of
/// the command's own exec, still to come. The record still answers for one
/// call at most: the first that is the same event.
///
/// Async-signal-safe, as [`take_if_same`].
pub fn take_if_same_else_keep(
    callsite: &'static Callsite,
    values: &[Value<'_>],
    compared_args: usize,
) -> bool {
    if !lower_layer() {
        return false;
    }
    same_as_last(callsite, values, compared_args, true)
}

/// Forgets this thread's record: the operation it was made for will not
/// reach the lower layer on this thread (the parent's copy after a `fork`,
/// whose child performs the operation).
#[inline(never)]
pub fn forget() {
    clear();
}

/// The record an audit point made on one thread, on its way to the thread
/// that performs the operation: see [`carry`].
///
/// ```
/// use audit_core::__private::already;
///
/// // On the thread that audits (with no lower layer: nothing is carried).
/// let carried = already::carry(|| audit_core::audit!("app.job", id = 7))?;
/// let done = std::thread::spawn(move || {
///     // The lower layer's first delivery on this thread is compared with
///     // the record; after the closure the record is gone.
///     carried.run(|| 7 * 6)
/// });
/// assert_eq!(done.join().unwrap(), 42);
/// # Ok::<(), audit_core::AuditError>(())
/// ```
#[must_use = "a record is only useful on the thread that performs the operation"]
pub struct Carried(Option<Saved>);

impl Carried {
    /// Runs `f` with the carried record as this thread's, as if the audit
    /// point had run here just before; then clears this thread's record,
    /// used or not (on unwinding too), so that it cannot pass for a later
    /// call of this thread. With nothing carried, the thread's record is
    /// cleared before `f` too: an older one, left by other work of this
    /// thread, is not this operation's. Without a lower layer, only runs
    /// `f`.
    pub fn run<R>(self, f: impl FnOnce() -> R) -> R {
        if !lower_layer_on() {
            return f();
        }
        install(self.0);
        // Cleared even if `f` panics.
        struct Forget;
        impl Drop for Forget {
            fn drop(&mut self) {
                forget();
            }
        }
        let _forget = Forget;
        f()
    }

    /// Whether a record is carried: a lower layer is on, and the audit
    /// point's event was seen and allowed by the hooks.
    pub fn carries(&self) -> bool {
        self.0.is_some()
    }

    /// Carries, instead of the audit point's record, the event of
    /// `callsite` with `values`, if a record is carried (else nothing).
    ///
    /// For an operation the thread that performs it must make through
    /// something the audit point did not name: a duplicate of the audited
    /// descriptor (the same open file, under another number), which the
    /// lower layer reports. `values` must be the audited event's but for
    /// that. Works on this thread's record (restored after).
    pub fn instead(self, callsite: &'static Callsite, values: &[Value<'_>]) -> Carried {
        if self.0.is_none() {
            return self;
        }
        let here = take_record();
        record(callsite, values);
        let carried = take_record();
        install(here);
        Carried(carried)
    }
}

impl fmt::Debug for Carried {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_some() {
            "Carried(record)"
        } else {
            "Carried(none)"
        })
    }
}

/// Runs `raise`, one audit point, and takes from this thread the record it
/// made, for [`Carried::run`] on the thread that will perform the
/// operation. The thread's record is cleared first, so that what is taken
/// can only be `raise`'s own (an older record, or none when no hook saw the
/// event, is never carried); a refusal is returned as it is.
///
/// Without a lower layer this is `raise()` and nothing is carried.
pub fn carry<E>(raise: impl FnOnce() -> Result<(), E>) -> Result<Carried, E> {
    if !lower_layer_on() {
        return raise().map(|()| Carried(None));
    }
    forget();
    raise()?;
    Ok(Carried(take_record()))
}

// The generic functions above are instantiated in the crates that call
// them. They reach this module's statics only through the out-of-line,
// non-generic functions below, so that the statics stay private to this
// crate: an exported static is reached through the GOT, one instruction
// more on every delivery's `lower_layer()` check.

/// [`lower_layer`], out of line.
#[inline(never)]
fn lower_layer_on() -> bool {
    lower_layer()
}

/// Takes this thread's record out: a copy of its bytes.
#[inline(never)]
fn take_record() -> Option<Saved> {
    LAST.try_with(|last| {
        let mut last = last.try_borrow_mut().ok()?;
        let len = last.len.take()?;
        Some(Saved {
            bytes: last.bytes[..len].into(),
            args: last.args,
        })
    })
    .ok()
    .flatten()
}

/// Makes `record` this thread's record (none: clears it).
#[inline(never)]
fn install(record: Option<Saved>) {
    let _ = LAST.try_with(|last| {
        if let Ok(mut last) = last.try_borrow_mut() {
            last.len = None;
            if let Some(saved) = record {
                // Never longer than CAP: it was taken from a record.
                if let Some(dst) = last.bytes.get_mut(..saved.bytes.len()) {
                    dst.copy_from_slice(&saved.bytes);
                    last.args = saved.args;
                    last.len = Some(saved.bytes.len());
                }
            }
        }
    });
}

/// Sets how this thread's deliveries treat the record; returns the former
/// setting.
#[inline(never)]
fn set_lower(lower: Option<Lower>) -> Option<Lower> {
    LOWER.try_with(|l| l.replace(lower)).ok().flatten()
}

/// Whether this thread is running hooks (a lower layer's operations made
/// by a hook go unaudited, as audit points reached inside a hook do). Reads
/// a constant-initialised thread-local without destructor: safe at any
/// time, in the child of `fork` too.
pub fn inside_hook() -> bool {
    crate::dispatch::inside_hook()
}

/// Whether a lower layer has switched itself on (one relaxed load).
#[inline(always)]
pub(crate) fn lower_layer() -> bool {
    LOWER_LAYER.load(Ordering::Relaxed)
}

/// What the dispatcher does with one delivery.
pub(crate) enum Step {
    /// Deliver, and record the event if the hooks allow it.
    DeliverAndRecord,
    /// Deliver, record nothing.
    Deliver,
    /// The audit point above already raised it: skip.
    Skip,
}

/// Called before delivering `values` of `callsite`.
#[inline]
pub(crate) fn before(callsite: &'static Callsite, values: &[Value<'_>]) -> Step {
    if !LOWER_LAYER.load(Ordering::Relaxed) {
        return Step::Deliver;
    }
    let compared = match LOWER.try_with(|l| l.get()).ok().flatten() {
        None => return Step::DeliverAndRecord,
        Some(Lower::Pass) => return Step::Deliver,
        Some(Lower::Compare(compared)) => compared,
    };
    if same_as_last(callsite, values, compared, false) {
        Step::Skip
    } else {
        Step::Deliver
    }
}

/// Compares the record with the event, and takes it (always, or with
/// `keep_other` only if it is the same); see [`take_if_same`].
fn same_as_last(
    callsite: &'static Callsite,
    values: &[Value<'_>],
    compared: usize,
    keep_other: bool,
) -> bool {
    LAST.try_with(|last| {
        let Ok(mut last) = last.try_borrow_mut() else {
            return false;
        };
        let Some(len) = last.len.take() else {
            return false;
        };
        // The record must hold every argument compared.
        let same = (compared <= last.args || last.args == usize::MAX) && {
            let mut cmp = Compare {
                expected: &last.bytes[..len],
                at: 0,
                equal: true,
            };
            encode(&mut cmp, callsite, values, compared).is_ok()
                && cmp.equal
                && (compared != usize::MAX || cmp.at == len)
        };
        if keep_other && !same {
            last.len = Some(len);
        }
        same
    })
    .unwrap_or(false)
}

/// Called after an allowed delivery that [`before`] said to record.
#[inline(never)]
pub(crate) fn record(callsite: &'static Callsite, values: &[Value<'_>]) {
    let _ = LAST.try_with(|last| {
        let Ok(mut last) = last.try_borrow_mut() else {
            return;
        };
        let last = &mut *last;
        let mut fill = Fill {
            bytes: &mut last.bytes,
            at: 0,
        };
        // The name, then as many whole arguments as fit.
        (last.len, last.args) = if write!(fill, "{}\x1f", callsite.name()).is_err() {
            (None, 0)
        } else {
            let mut args = usize::MAX;
            for (i, (name, value)) in callsite.arg_names().iter().zip(values).enumerate() {
                let whole = fill.at;
                if write!(fill, "{name}\x1f{value:?}\x1e").is_err() {
                    fill.at = whole;
                    args = i;
                    break;
                }
            }
            (Some(fill.at), args)
        };
    });
}

/// Clears the record (a refused delivery: the operation will not happen).
pub(crate) fn clear() {
    if LOWER_LAYER.load(Ordering::Relaxed) {
        let _ = LAST.try_with(|last| {
            if let Ok(mut last) = last.try_borrow_mut() {
                last.len = None;
            }
        });
    }
}

fn encode(
    out: &mut dyn Write,
    callsite: &'static Callsite,
    values: &[Value<'_>],
    args: usize,
) -> fmt::Result {
    // Unit and record separators: `Debug` text escapes control characters,
    // so they cannot come from a value.
    write!(out, "{}\x1f", callsite.name())?;
    for (name, value) in callsite.arg_names().iter().zip(values).take(args) {
        write!(out, "{name}\x1f{value:?}\x1e")?;
    }
    Ok(())
}

struct Fill<'a> {
    bytes: &'a mut [u8; CAP],
    at: usize,
}

impl Write for Fill<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let end = self.at.checked_add(s.len()).ok_or(fmt::Error)?;
        let dst = self.bytes.get_mut(self.at..end).ok_or(fmt::Error)?;
        dst.copy_from_slice(s.as_bytes());
        self.at = end;
        Ok(())
    }
}

struct Compare<'a> {
    expected: &'a [u8],
    at: usize,
    equal: bool,
}

impl Write for Compare<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let end = self.at.checked_add(s.len()).ok_or(fmt::Error)?;
        match self.expected.get(self.at..end) {
            Some(part) if part == s.as_bytes() => self.at = end,
            // Stop formatting at the first difference.
            _ => {
                self.equal = false;
                return Err(fmt::Error);
            }
        }
        Ok(())
    }
}
