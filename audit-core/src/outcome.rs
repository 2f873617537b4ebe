//! What became of an event once its hooks have decided: allowed or refused,
//! and what the hooks noted without deciding (a would-be denial of a policy
//! in report mode). Hooks that keep the audit trail see it through
//! [`Hook::on_outcome`](crate::Hook::on_outcome).

use std::cell::RefCell;
use std::fmt;

use crate::AuditError;

/// The decision on one event, after every hook ran or one refused it.
///
/// Given to [`Hook::on_outcome`](crate::Hook::on_outcome), so that a hook
/// installed before a policy still records whether the policy refused the
/// operation, and why.
#[derive(Clone, Copy, Debug)]
pub struct Outcome<'a> {
    refusal: Option<&'a AuditError>,
    notes: &'a [Note],
}

impl<'a> Outcome<'a> {
    pub(crate) fn new(refusal: Option<&'a AuditError>, notes: &'a [Note]) -> Self {
        Outcome { refusal, notes }
    }

    /// Whether the operation goes ahead.
    pub fn is_allowed(&self) -> bool {
        self.refusal.is_none()
    }

    /// The refusal that stopped the operation, if one did.
    pub fn refusal(&self) -> Option<&'a AuditError> {
        self.refusal
    }

    /// What hooks noted about the event while deciding it, in order.
    pub fn notes(&self) -> &'a [Note] {
        self.notes
    }

    /// The notes of one kind.
    pub fn notes_of(&self, kind: NoteKind) -> impl Iterator<Item = &'a Note> {
        self.notes.iter().filter(move |n| n.kind == kind)
    }
}

/// What a [`Note`] says.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum NoteKind {
    /// A hook would have refused the event, but only reports (a policy
    /// rolled out in report mode): the operation goes ahead.
    WouldDeny,
    /// Anything else a hook wants in the audit trail.
    Info,
}

/// A remark a hook attaches to the event it is deciding, for the hooks that
/// record outcomes: see [`note`].
#[derive(Clone, PartialEq, Eq)]
pub struct Note {
    kind: NoteKind,
    text: String,
}

impl Note {
    /// A would-be refusal, with its reason.
    pub fn would_deny(reason: impl Into<String>) -> Note {
        Note {
            kind: NoteKind::WouldDeny,
            text: reason.into(),
        }
    }

    /// Any other remark.
    pub fn info(text: impl Into<String>) -> Note {
        Note {
            kind: NoteKind::Info,
            text: text.into(),
        }
    }

    /// What the note says.
    pub fn kind(&self) -> NoteKind {
        self.kind
    }

    /// Its text (for a would-be refusal, the reason).
    pub fn text(&self) -> &str {
        &self.text
    }
}

impl fmt::Debug for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}({:?})", self.kind, self.text)
    }
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            NoteKind::WouldDeny => write!(f, "would deny: {}", self.text),
            NoteKind::Info => f.write_str(&self.text),
        }
    }
}

thread_local! {
    /// The notes of the event being delivered on this thread.
    static NOTES: RefCell<Vec<Note>> = const { RefCell::new(Vec::new()) };
}

/// Attaches `note` to the event that the calling hook is deciding, for the
/// hooks that record outcomes ([`Hook::on_outcome`](crate::Hook::on_outcome)).
/// Called anywhere but inside a hook, or for an event no hook observes the
/// outcome of, it does nothing.
///
/// ```
/// use audit_core::{audit, note, testing, AuditError, Event, Hook, Note, NoteKind, Outcome};
/// use std::sync::{Arc, Mutex};
///
/// // Reports what it would refuse, and refuses nothing.
/// let shadow = |event: &Event<'_>| {
///     if event.name() == "app.delete" {
///         note(Note::would_deny("deletes are under review"));
///     }
///     Ok::<(), AuditError>(())
/// };
///
/// // Records every outcome, as an audit trail would.
/// struct Trail(Arc<Mutex<Vec<String>>>);
/// impl Hook for Trail {
///     fn on_event(&self, _: &Event<'_>) -> Result<(), AuditError> {
///         Ok(())
///     }
///     fn observes_outcome(&self) -> bool {
///         true
///     }
///     fn on_outcome(&self, event: &Event<'_>, outcome: &Outcome<'_>) -> Result<(), AuditError> {
///         let notes: Vec<String> = outcome.notes().iter().map(|n| n.to_string()).collect();
///         self.0.lock().unwrap().push(format!("{}: {}", event.name(), notes.join("; ")));
///         Ok(())
///     }
/// }
///
/// let lines = Arc::new(Mutex::new(Vec::new()));
/// let (result, _) = testing::capture_with_hook(Trail(lines.clone()), || {
///     testing::capture_with(shadow, || audit!("app.delete", id = 7u32)).0
/// });
/// assert!(result.is_ok(), "report mode lets the operation go ahead");
/// if audit_core::ENABLED {
///     assert_eq!(*lines.lock().unwrap(), ["app.delete: would deny: deletes are under review"]);
/// }
/// ```
pub fn note(note: Note) {
    // Kept only where some hook will read it; else dropped at once.
    if crate::dispatch::notes_observed() {
        NOTES.with(|notes| notes.borrow_mut().push(note));
    }
}

/// Runs `f` with this thread's notes, then forgets them.
pub(crate) fn take_notes<R>(f: impl FnOnce(&[Note]) -> R) -> R {
    NOTES.with(|notes| {
        let taken = std::mem::take(&mut *notes.borrow_mut());
        let result = f(&taken);
        // Keep the allocation for the next event.
        let mut slot = notes.borrow_mut();
        if slot.is_empty() {
            *slot = taken;
            slot.clear();
        }
        result
    })
}
