//! The decision on an event in words, shared by the JSON sinks and the
//! tracing bridge.

use audit_core::{NoteKind, Outcome};

/// The `event.outcome` field: `denied` when a hook refused the event,
/// `would-deny` when it went ahead but a hook in report mode would have
/// refused it, `allowed` otherwise.
pub(crate) fn word(outcome: &Outcome<'_>) -> &'static str {
    if !outcome.is_allowed() {
        "denied"
    } else if outcome.notes_of(NoteKind::WouldDeny).next().is_some() {
        "would-deny"
    } else {
        "allowed"
    }
}

/// The `event.reason` field: the refusal's reason, or the first would-be
/// refusal's; `None` for an event allowed without remark.
pub(crate) fn reason<'o>(outcome: &Outcome<'o>) -> Option<&'o str> {
    match outcome.refusal() {
        Some(refusal) => Some(refusal.reason()),
        None => outcome
            .notes_of(NoteKind::WouldDeny)
            .next()
            .map(|n| n.text()),
    }
}
