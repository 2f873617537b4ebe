//! "Already audited": lets a lower layer that sees the same operation again
//! (the C library's entry points, as `audit-interpose` defines them) skip the
//! event an audit point on the same thread has just raised for it.
//!
//! Off until [`set_lower_layer`] is called: until then a delivery pays one
//! relaxed load and nothing else. Once on, each allowed delivery records its
//! event (name, argument names and values, as `Debug` text) in a fixed
//! thread-local buffer; the lower layer's next delivery of **the same bytes**
//! on the same thread is skipped, and any of its deliveries clears the
//! record. An event too long for the buffer is not recorded: the lower layer
//! then raises it a second time (counted twice, never missed).

use core::cell::{Cell, RefCell};
use core::fmt::{self, Write};
use core::sync::atomic::{AtomicBool, Ordering};

use crate::{Callsite, Value};

/// Bytes kept of the last event: enough for any path up to about 400 bytes.
const CAP: usize = 512;

/// Whether some lower layer asked for records. Relaxed: it is set once, at
/// start-up, before the operations it concerns; a thread that misses it for
/// a while only records nothing (the lower layer counts twice).
static LOWER_LAYER: AtomicBool = AtomicBool::new(false);

struct Record {
    bytes: [u8; CAP],
    /// `None`: nothing recorded.
    len: Option<usize>,
}

thread_local! {
    // Const-initialised with no destructor: usable during thread-local
    // destruction and from threads the C library started.
    static LAST: RefCell<Record> = const { RefCell::new(Record { bytes: [0; CAP], len: None }) };
    /// This thread is delivering a lower layer's event, which matches the
    /// record if its name and its first `n` arguments do (`Some(n)`).
    static LOWER: Cell<Option<usize>> = const { Cell::new(None) };
}

/// Turns records on, for the life of the process.
pub fn set_lower_layer() {
    LOWER_LAYER.store(true, Ordering::Relaxed);
}

/// Runs `f` with this thread's deliveries counted as the lower layer's: one
/// is skipped if the last event recorded on this thread has its name and its
/// first `compared_args` arguments (`usize::MAX`: all of them, and no more).
pub fn as_lower_layer<R>(compared_args: usize, f: impl FnOnce() -> R) -> R {
    let was = LOWER
        .try_with(|l| l.replace(Some(compared_args)))
        .ok()
        .flatten();
    let result = f();
    let _ = LOWER.try_with(|l| l.set(was));
    result
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
    let Some(compared) = LOWER.try_with(|l| l.get()).ok().flatten() else {
        return Step::DeliverAndRecord;
    };
    let same = LAST
        .try_with(|last| {
            let Ok(mut last) = last.try_borrow_mut() else {
                return false;
            };
            let Some(len) = last.len.take() else {
                return false;
            };
            let mut cmp = Compare {
                expected: &last.bytes[..len],
                at: 0,
                equal: true,
            };
            encode(&mut cmp, callsite, values, compared).is_ok()
                && cmp.equal
                && (compared != usize::MAX || cmp.at == len)
        })
        .unwrap_or(false);
    if same {
        Step::Skip
    } else {
        Step::Deliver
    }
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
        last.len = match encode(&mut fill, callsite, values, usize::MAX) {
            Ok(()) => Some(fill.at),
            Err(fmt::Error) => None,
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
