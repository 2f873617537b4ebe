//! Raising an event: the fast-path check, then delivery to captures and hooks.

use std::any::Any;
use std::cell::Cell;
use std::ops::Range;
use std::panic::{catch_unwind, AssertUnwindSafe, Location};

use crate::error::AuditErrorKind;
use crate::registry::{HookRef, HookSet};
use crate::{AuditError, Callsite, Event, Hook, Outcome, Value};

thread_local! {
    /// What the dispatcher needs to know about this thread: one thread-local
    /// (one address), two bytes. Bytes rather than bits of one byte, so that
    /// each is written with one store, without reading the other first.
    static STATE: State = const {
        State {
            inside_hook: Cell::new(false),
            capturing: Cell::new(false),
            observing: Cell::new(false),
        }
    };
}

struct State {
    /// This thread runs hooks: audit points reached meanwhile are skipped.
    inside_hook: Cell<bool>,
    /// A test capture is running on this thread.
    capturing: Cell<bool>,
    /// Some hook will see the outcome of the event being delivered, so the
    /// [`Note`](crate::Note)s hooks attach to it are kept.
    observing: Cell<bool>,
}

/// Whether an audit point at `callsite` must call [`begin`]: one load of
/// the callsite's own static flag, and one branch.
#[inline(always)]
pub fn is_active(callsite: &'static Callsite) -> bool {
    callsite.is_enabled()
}

/// Starts raising an event of `callsite`: `None` when no hook (and no test
/// capture) will see it, and the audit point is done.
///
/// Otherwise the audit point builds its arguments and hands them to
/// [`Delivery::deliver`]. Building them in the audit point itself (in a
/// closure called at once and inlined), after this call, keeps them lazy
/// without handing a closure to an out-of-line function: the values go from
/// the caller's registers straight into the argument array, with nothing
/// captured by reference (which would force the caller to keep its locals in
/// memory, on the fast path too).
///
/// Cold and out of line, so the audit point's fast path stays a load and a
/// branch, and the branch to this call is laid out of the way.
#[cold]
#[inline(never)]
pub fn begin(callsite: &'static Callsite) -> Option<Delivery> {
    start(callsite)
}

/// [`begin`]'s work, inlined into other cold, out-of-line entry points
/// (such as `#[audited]`'s) so that they make one call fewer.
///
/// It only reads the thread's state: the thread counts as inside a hook from
/// [`Delivery::deliver`] on, not before, so that audit points reached while
/// the arguments are evaluated raise their own events.
#[inline(always)]
pub(crate) fn start(callsite: &'static Callsite) -> Option<Delivery> {
    STATE.with(|state| {
        if state.inside_hook.get() {
            return None;
        }
        let hooks = match callsite.hooks() {
            Some(hooks) => hooks,
            None if state.capturing.get() => HookSet::EMPTY,
            None => return None,
        };
        Some(Delivery { callsite, hooks })
    })
}

/// Records whether notes attached now will be seen; returns the previous
/// answer (for a capture, which has observers of its own, to restore).
#[cfg_attr(feature = "off", allow(dead_code))]
pub(crate) fn set_observing(observing: bool) -> bool {
    STATE.with(|s| s.observing.replace(observing))
}

/// Whether a note attached now would be seen: a hook is running on this
/// thread, and some hook observes the outcome of its event.
pub(crate) fn notes_observed() -> bool {
    STATE.with(|s| s.inside_hook.get() && s.observing.get())
}

/// Whether the current thread is running a hook.
pub(crate) fn inside_hook() -> bool {
    STATE.with(|s| s.inside_hook.get())
}

/// Records whether a test capture is running on the current thread.
#[cfg_attr(feature = "off", allow(dead_code))]
pub(crate) fn set_capturing(capturing: bool) {
    STATE.with(|s| s.capturing.set(capturing));
}

/// One event on its way to the hooks that will see it, from [`begin`].
///
/// Holding one does not change the thread's state: the audit point
/// evaluates its argument expressions between [`begin`] and
/// [`deliver`](Self::deliver), and an audited operation in one of them (say
/// `audit!("app.x", removed = audit_std::fs::remove_file(p).is_ok())`) is a
/// real operation that raises its own event. Only the hooks themselves run
/// "inside a hook". Two words, so that it comes back from [`begin`] in
/// registers.
pub struct Delivery {
    callsite: &'static Callsite,
    hooks: &'static HookSet,
}

impl Delivery {
    /// Calls the captures, then the hooks in order, with the event made of
    /// `values` (in the order of the callsite's argument names) and raised
    /// for the code at `caller`. The first refusal stops the dispatch and is
    /// returned.
    ///
    /// The caller is an argument here, not part of the delivery, so that
    /// the delivery stays two words (returned from [`begin`] in registers)
    /// and the location is only ever materialised on this cold path.
    ///
    /// The thread counts as inside a hook while they run, so that the audit
    /// points they reach themselves (a logging hook writing through
    /// `audit_std`) are skipped rather than recursing.
    #[inline(never)]
    pub fn deliver(
        self,
        caller: &'static Location<'static>,
        values: &[Value<'_>],
    ) -> Result<(), AuditError> {
        // The flag is clear here: `begin` returned this delivery on this
        // thread, outside any hook, and nothing since then can have left the
        // thread inside a hook (the expansions call `deliver` at once, after
        // the arguments, and every delivery clears the flag on its way out).
        if crate::__private::already::lower_layer() {
            return self.deliver_over_lower_layer(caller, values);
        }
        self.deliver_event(Event::new(self.callsite, values, Some(caller)))
    }

    /// The hooks, then the observers if the set has any.
    #[inline(always)]
    fn deliver_event(&self, event: Event<'_>) -> Result<(), AuditError> {
        let observers = self.hooks.observers();
        if observers.is_empty() {
            dispatch(event, self.hooks.hooks(), true, |_, decision| decision)
        } else {
            dispatch_observed(event, self.hooks.hooks(), observers, true)
        }
    }

    /// [`deliver`](Self::deliver) when a lower layer (audit-interpose) also
    /// audits the same operations: an event it will see again is recorded,
    /// so that it is raised once. Out of line: without one, nothing of this
    /// is paid.
    #[cold]
    #[inline(never)]
    fn deliver_over_lower_layer(
        &self,
        caller: &'static Location<'static>,
        values: &[Value<'_>],
    ) -> Result<(), AuditError> {
        use crate::__private::already::{self, Step};
        let step = already::before(self.callsite, values);
        if let Step::Skip = step {
            return Ok(());
        }
        let decision = self.deliver_event(Event::new(self.callsite, values, Some(caller)));
        match (&decision, step) {
            (Ok(()), Step::DeliverAndRecord) => already::record(self.callsite, values),
            (Err(_), _) => already::clear(),
            _ => {}
        }
        decision
    }
}

/// Raises an event of `callsite` to the hooks of its set that were added at
/// the positions `positions` (and to this thread's captures when `captures`),
/// unless the thread is inside a hook. How `add_hook` asks the hooks added
/// while its vote ran, and only those, so that each hook sees the vote once.
#[cfg_attr(feature = "off", allow(dead_code))]
pub(crate) fn deliver_to_positions(
    callsite: &'static Callsite,
    values: &[Value<'_>],
    caller: &'static std::panic::Location<'static>,
    positions: Range<usize>,
    captures: bool,
) -> Result<(), AuditError> {
    if inside_hook() {
        return Ok(());
    }
    let set = callsite.hooks().unwrap_or(HookSet::EMPTY);
    // The hooks that observe outcomes see the vote once, with its first
    // round (the others ask only hooks added meanwhile).
    let observers = if positions.start == 0 {
        set.observers()
    } else {
        &[]
    };
    dispatch_observed(
        Event::new(callsite, values, Some(caller)),
        set.hooks_at(positions),
        observers,
        captures,
    )
}

/// Runs the captures (when `captures`, and one is running on this thread),
/// then `hooks` in order, with `event`, the thread counting as inside a hook;
/// then `after` with the decision, still inside (where observers run).
#[inline(always)]
fn dispatch(
    event: Event<'_>,
    hooks: &[HookRef],
    captures: bool,
    after: impl FnOnce(&Event<'_>, Result<(), AuditError>) -> Result<(), AuditError>,
) -> Result<(), AuditError> {
    let capturing = STATE.with(|s| {
        s.inside_hook.set(true);
        s.capturing.get()
    });
    // Clears the flag on every way out, unwinding included (a capture's
    // recording of the event runs outside `catch_unwind`).
    let _inside = InsideHook;
    if captures && capturing {
        crate::testing::deliver(&event)?;
    }
    if hooks.is_empty() {
        return Ok(());
    }
    // One `catch_unwind` around the whole loop, not one per hook: a panic
    // ends the dispatch either way.
    let decision = match catch_unwind(AssertUnwindSafe(|| run_hooks(hooks, &event))) {
        Ok(Ok(())) => Ok(()),
        Ok(Err(refusal)) => Err(refusal.for_event(event.name())),
        Err(payload) => Err(panicked(&*payload, &event)),
    };
    after(&event, decision)
}

/// [`dispatch`] for a set with hooks that observe outcomes (or a vote):
/// out of line, so that sets without any pay nothing for them. Notes are
/// kept while its hooks run, and handed to the `observers` with the outcome.
#[cold]
#[inline(never)]
fn dispatch_observed(
    event: Event<'_>,
    hooks: &[HookRef],
    observers: &[HookRef],
    captures: bool,
) -> Result<(), AuditError> {
    STATE.with(|s| s.observing.set(!observers.is_empty()));
    // Forgets the notes on every way out.
    let _observing = Observing;
    dispatch(event, hooks, captures, |event, decision| {
        if observers.is_empty() {
            decision
        } else {
            observe(event, observers, decision)
        }
    })
}

/// Marks the end of an observed delivery: its notes are dropped.
struct Observing;

impl Drop for Observing {
    fn drop(&mut self) {
        STATE.with(|s| s.observing.set(false));
        crate::outcome::take_notes(|_| ());
    }
}

/// Hands the outcome of `event` to its `observers`, in order; one that
/// refuses an allowed event (or panics) refuses it for the later ones too.
#[cold]
#[inline(never)]
fn observe(
    event: &Event<'_>,
    observers: &[HookRef],
    mut decision: Result<(), AuditError>,
) -> Result<(), AuditError> {
    crate::outcome::take_notes(|notes| {
        for observer in observers {
            let outcome = Outcome::new(decision.as_ref().err(), notes);
            let answer =
                match catch_unwind(AssertUnwindSafe(|| observer.on_outcome(event, &outcome))) {
                    Ok(answer) => answer.map_err(|e| e.for_event(event.name())),
                    Err(payload) => Err(panicked(&*payload, event)),
                };
            if let (Ok(()), Err(refusal)) = (&decision, answer) {
                decision = Err(refusal);
            }
        }
    });
    decision
}

/// Marks the end of a delivery: the thread no longer runs hooks.
struct InsideHook;

impl Drop for InsideHook {
    #[inline]
    fn drop(&mut self) {
        STATE.with(|s| s.inside_hook.set(false));
    }
}

#[inline]
fn run_hooks(hooks: &[HookRef], event: &Event<'_>) -> Result<(), AuditError> {
    for hook in hooks {
        hook.on_event(event)?;
    }
    Ok(())
}

/// Calls one hook, turning its error or panic into the caller's error.
pub(crate) fn call_hook(hook: &dyn Hook, event: &Event<'_>) -> Result<(), AuditError> {
    match catch_unwind(AssertUnwindSafe(|| hook.on_event(event))) {
        Ok(result) => result.map_err(|e| e.for_event(event.name())),
        Err(payload) => Err(panicked(&*payload, event)),
    }
}

/// Calls one hook's `on_outcome`, turning its error or panic into the
/// caller's error.
#[cfg_attr(feature = "off", allow(dead_code))]
pub(crate) fn call_observer(
    hook: &dyn Hook,
    event: &Event<'_>,
    outcome: &Outcome<'_>,
) -> Result<(), AuditError> {
    match catch_unwind(AssertUnwindSafe(|| hook.on_outcome(event, outcome))) {
        Ok(result) => result.map_err(|e| e.for_event(event.name())),
        Err(payload) => Err(panicked(&*payload, event)),
    }
}

#[cold]
pub(crate) fn panicked_with(payload: &(dyn Any + Send), what: &str) -> String {
    format!("{what} panicked: {}", panic_message(payload))
}

#[cold]
fn panicked(payload: &(dyn Any + Send), event: &Event<'_>) -> AuditError {
    AuditError::new(AuditErrorKind::HookPanicked, panicked_with(payload, "hook"))
        .for_event(event.name())
}

fn panic_message(payload: &(dyn Any + Send)) -> &str {
    if let Some(s) = payload.downcast_ref::<&'static str>() {
        s
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s
    } else {
        "(non-string panic payload)"
    }
}
