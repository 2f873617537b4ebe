//! Scoped, current-thread observation of events, for tests.
//!
//! Global hooks cannot be removed, so a test cannot install one and take it
//! away again. A capture instead watches (and may veto) the events raised on
//! the current thread while a closure runs, without touching the global
//! registry. Captures cost nothing on the fast path when none is running.

use std::cell::RefCell;
use std::rc::Rc;

use crate::{AuditError, Event, Hook, OwnedEvent};

thread_local! {
    static FRAMES: RefCell<Vec<Frame>> = const { RefCell::new(Vec::new()) };
}

struct Frame {
    /// Shared, so that [`deliver`] can call it without keeping `FRAMES`
    /// borrowed: a capture's hook may start a capture of its own.
    hook: Option<Rc<dyn Hook>>,
    events: Vec<OwnedEvent>,
}

/// Runs `f` and returns its result with every event raised on this thread
/// while it ran, in order.
///
/// Only the current thread is observed: events raised by threads that `f`
/// spawns are not captured. Events raised from inside a hook are not raised
/// at all (see [`add_hook`](crate::add_hook)), so they are not captured
/// either. Global hooks still run, after the capture has recorded the event.
/// Captures nest: each one sees the events of its own scope. An audited
/// operation in an event's argument expressions raises its own event, which
/// is captured first.
///
/// It may be called from anywhere, a hook included (it then captures nothing,
/// since events are not raised inside a hook); it never waits for a hook
/// being added on another thread.
///
/// With the `off` feature no event is ever raised, and the list is empty.
///
/// ```
/// use audit_core::{audit, testing};
///
/// let (result, events) = testing::capture(|| audit!("app.greet", who = "world"));
/// assert!(result.is_ok());
/// if audit_core::ENABLED {
///     assert_eq!(events.len(), 1);
///     assert_eq!(events[0].arg("who").and_then(|v| v.as_str().map(str::to_owned)), Some("world".into()));
/// }
/// ```
pub fn capture<R>(f: impl FnOnce() -> R) -> (R, Vec<OwnedEvent>) {
    run(None, f)
}

/// Like [`capture`], and also calls `hook` for each event raised on this
/// thread while `f` runs, so a test can veto operations without installing
/// a permanent global hook. The capture's hook runs before the global hooks;
/// a vetoed event is still recorded.
///
/// ```
/// use audit_core::{audit, testing, AuditError};
///
/// let (result, _) = testing::capture_with(
///     |event| if event.name() == "app.delete" { Err(AuditError::denied("read-only test")) } else { Ok(()) },
///     || audit!("app.delete", id = 7u32),
/// );
/// assert_eq!(result.is_err(), audit_core::ENABLED);
/// ```
pub fn capture_with<R, F: crate::HookFn>(hook: F, f: impl FnOnce() -> R) -> (R, Vec<OwnedEvent>) {
    run(Some(Box::new(hook)), f)
}

/// Like [`capture_with`], for a hook type (a struct implementing [`Hook`],
/// such as a policy or a sink) rather than a closure.
pub fn capture_with_hook<R, H: Hook>(hook: H, f: impl FnOnce() -> R) -> (R, Vec<OwnedEvent>) {
    run(Some(Box::new(hook)), f)
}

fn run<R>(hook: Option<Box<dyn Hook>>, f: impl FnOnce() -> R) -> (R, Vec<OwnedEvent>) {
    if !crate::ENABLED {
        return (f(), Vec::new());
    }
    let depth = FRAMES.with_borrow_mut(|frames| {
        frames.push(Frame {
            hook: hook.map(Rc::from),
            events: Vec::new(),
        });
        frames.len()
    });
    crate::dispatch::set_capturing(true);
    crate::registry::adjust_captures(true);
    // Pops the frame even if `f` panics, so the thread is left clean.
    let guard = PopFrame { depth };
    let result = f();
    let events = guard.pop();
    (result, events)
}

struct PopFrame {
    depth: usize,
}

impl PopFrame {
    fn pop(self) -> Vec<OwnedEvent> {
        let events = take_frame(self.depth);
        std::mem::forget(self);
        events
    }
}

impl Drop for PopFrame {
    fn drop(&mut self) {
        take_frame(self.depth);
    }
}

fn take_frame(depth: usize) -> Vec<OwnedEvent> {
    let frame = FRAMES.with_borrow_mut(|frames| {
        debug_assert_eq!(frames.len(), depth, "captures must end in reverse order");
        frames.truncate(depth);
        let frame = frames.pop();
        crate::dispatch::set_capturing(!frames.is_empty());
        frame
    });
    crate::registry::adjust_captures(false);
    frame.map(|f| f.events).unwrap_or_default()
}

/// Records `event` in every capture of this thread, then asks their hooks.
pub(crate) fn deliver(event: &Event<'_>) -> Result<(), AuditError> {
    // Innermost first: the capture closest to the code under test decides first.
    let hooks: Vec<Rc<dyn Hook>> = FRAMES.with_borrow_mut(|frames| {
        for frame in frames.iter_mut() {
            frame.events.push(event.to_owned());
        }
        frames.iter().rev().filter_map(|f| f.hook.clone()).collect()
    });
    // Called with `FRAMES` released, so that a hook that calls back into
    // this module (starts a capture, say) gets an answer, not a panic.
    // Capture hooks that observe outcomes see what the capture hooks
    // decided (the global hooks decide after them), with their notes.
    let observers: Vec<&Rc<dyn Hook>> = hooks.iter().filter(|h| h.observes_outcome()).collect();
    // Keep notes only if someone will take them: these observers, or the
    // global ones of an observed delivery.
    let was_observing = crate::dispatch::set_observing(false);
    crate::dispatch::set_observing(was_observing || !observers.is_empty());
    let mut decision = Ok(());
    for hook in &hooks {
        decision = crate::dispatch::call_hook(&**hook, event);
        if decision.is_err() {
            break;
        }
    }
    crate::dispatch::set_observing(was_observing);
    if observers.is_empty() {
        return decision;
    }
    crate::outcome::take_notes(|notes| {
        for observer in observers {
            let outcome = crate::Outcome::new(decision.as_ref().err(), notes);
            let answer = crate::dispatch::call_observer(&**observer, event, &outcome);
            if let (Ok(()), Err(refusal)) = (&decision, answer) {
                decision = Err(refusal);
            }
        }
    });
    decision
}
