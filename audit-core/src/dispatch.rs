//! Raising an event: the fast-path check, then delivery to captures and hooks.

use std::any::Any;
use std::cell::Cell;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::Ordering;

use crate::error::AuditErrorKind;
use crate::registry::{self, HookList, CAPTURES};
use crate::{AuditError, Callsite, Event, Hook, Value};

thread_local! {
    /// Set while this thread runs hooks: audit points reached meanwhile are skipped.
    static INSIDE_HOOK: Cell<bool> = const { Cell::new(false) };
}

/// Whether an audit point at `callsite` must call [`dispatch`]: one load of
/// the callsite's own static flag, and one branch.
#[inline(always)]
pub fn is_active(callsite: &'static Callsite) -> bool {
    callsite.is_enabled()
}

/// The argument-building continuation an audit point hands to [`dispatch`].
pub type Emit<'e> = &'e mut dyn FnMut(&[Value<'_>]) -> Result<(), AuditError>;

/// Delivers the event of `callsite` to the interested hooks, building its
/// arguments (by calling `with_args`) only if some hook will see them.
///
/// Out of line and cold, so an audit point's fast path stays a load and a
/// branch, with the argument construction kept out of the caller.
#[cold]
#[inline(never)]
pub fn dispatch<F>(callsite: &'static Callsite, with_args: F) -> Result<(), AuditError>
where
    F: FnOnce(Emit<'_>) -> Result<(), AuditError>,
{
    match Targets::for_callsite(callsite) {
        Some(targets) => with_args(&mut |values| targets.deliver(&Event::new(callsite, values))),
        None => Ok(()),
    }
}

/// Whether the current thread is running a hook.
pub(crate) fn inside_hook() -> bool {
    INSIDE_HOOK.get()
}

/// Who will see one event.
struct Targets {
    hooks: Option<&'static HookList>,
    capturing: bool,
}

impl Targets {
    fn for_callsite(callsite: &'static Callsite) -> Option<Targets> {
        if inside_hook() {
            return None;
        }
        let hooks = registry::published();
        let capturing = CAPTURES.load(Ordering::Relaxed) > 0 && crate::testing::capturing_here();
        let interested =
            hooks.is_some_and(|list| list.entries.iter().any(|e| e.interest.covers(callsite)));
        (interested || capturing).then_some(Targets { hooks, capturing })
    }

    fn deliver(&self, event: &Event<'_>) -> Result<(), AuditError> {
        let _inside = InsideHookGuard::enter();
        if self.capturing {
            crate::testing::deliver(event)?;
        }
        let Some(list) = self.hooks else {
            return Ok(());
        };
        for entry in &list.entries {
            if entry.interest.covers(event.callsite()) {
                call_hook(&*entry.hook, event)?;
            }
        }
        Ok(())
    }
}

/// Calls one hook, turning its error or panic into the caller's error.
pub(crate) fn call_hook(hook: &dyn Hook, event: &Event<'_>) -> Result<(), AuditError> {
    match catch_unwind(AssertUnwindSafe(|| hook.on_event(event))) {
        Ok(result) => result.map_err(|e| e.for_event(event.name())),
        Err(payload) => Err(AuditError::new(
            AuditErrorKind::HookPanicked,
            format!("hook panicked: {}", panic_message(&*payload)),
        )
        .for_event(event.name())),
    }
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

/// Marks the thread as inside a hook until dropped, even if a hook unwinds.
struct InsideHookGuard;

impl InsideHookGuard {
    fn enter() -> Self {
        INSIDE_HOOK.set(true);
        InsideHookGuard
    }
}

impl Drop for InsideHookGuard {
    fn drop(&mut self) {
        INSIDE_HOOK.set(false);
    }
}
