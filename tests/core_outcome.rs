//! Hooks that observe outcomes, in the global registry: they see what
//! became of each event whether they were installed before or after the
//! hook that decided it, with the notes hooks attached to it and only
//! those; a refusal from an observer fails closed. Its own binary: the hooks
//! are global.

use std::sync::{Arc, Mutex};

use audit_core::{
    audit, note, AuditError, AuditErrorKind, Event, Hook, Interest, Note, NoteKind, Outcome,
};

/// Records `event: outcome [notes]` for the events it is interested in.
struct Trail {
    seen: Arc<Mutex<Vec<String>>>,
    interest: &'static str,
}

impl Hook for Trail {
    fn on_event(&self, _: &Event<'_>) -> Result<(), AuditError> {
        Ok(())
    }
    fn interest(&self) -> Interest {
        Interest::prefixes([self.interest])
    }
    fn observes_outcome(&self) -> bool {
        true
    }
    fn on_outcome(&self, event: &Event<'_>, outcome: &Outcome<'_>) -> Result<(), AuditError> {
        let verdict = match outcome.refusal() {
            Some(refusal) => format!("refused ({})", refusal.reason()),
            None => "allowed".to_owned(),
        };
        let notes: Vec<String> = outcome.notes().iter().map(ToString::to_string).collect();
        self.seen
            .lock()
            .unwrap()
            .push(format!("{}: {verdict} {notes:?}", event.name()));
        if event.name() == "obs.unloggable" {
            return Err(AuditError::denied("the log is full"));
        }
        if event.name() == "obs.panics" {
            panic!("observer panicked");
        }
        Ok(())
    }
}

#[test]
fn observers_see_every_decision_and_only_their_events_notes() {
    if !audit_core::ENABLED {
        return;
    }
    let before = Arc::new(Mutex::new(Vec::new()));
    let after = Arc::new(Mutex::new(Vec::new()));
    audit_core::install_hook(Trail {
        seen: before.clone(),
        interest: "obs.",
    })
    .unwrap();
    // Decides: refuses `obs.refused`, notes on every event it sees.
    audit_core::add_hook(|event: &Event<'_>| {
        note(Note::info(format!("seen {}", event.name())));
        match event.name() {
            "obs.refused" => Err(AuditError::denied("not today")),
            "obs.shadow" => {
                note(Note::would_deny("would refuse"));
                Ok(())
            }
            _ => Ok(()),
        }
    })
    .unwrap();
    audit_core::install_hook(Trail {
        seen: after.clone(),
        interest: "obs.",
    })
    .unwrap();

    assert!(audit!("obs.allowed").is_ok());
    let err = audit!("obs.refused").unwrap_err();
    assert_eq!(err.reason(), "not today");
    assert!(audit!("obs.shadow").is_ok());
    // An event no observer watches: its notes are dropped, not carried over.
    assert!(audit!("other.noted").is_ok());
    assert!(audit!("obs.next").is_ok());

    let expected = [
        "obs.allowed: allowed [\"seen obs.allowed\"]",
        "obs.refused: refused (not today) [\"seen obs.refused\"]",
        "obs.shadow: allowed [\"seen obs.shadow\", \"would deny: would refuse\"]",
        "obs.next: allowed [\"seen obs.next\"]",
    ];
    assert_eq!(
        *before.lock().unwrap(),
        expected,
        "installed before the decider"
    );
    assert_eq!(*after.lock().unwrap(), expected, "installed after it");

    // An observer that cannot record an allowed event refuses it.
    let err = audit!("obs.unloggable").unwrap_err();
    assert_eq!(err.reason(), "the log is full");
    // ...and a panicking one too, as any panicking hook.
    let err = audit!("obs.panics").unwrap_err();
    assert_eq!(err.kind(), AuditErrorKind::HookPanicked);
    // A note outside any hook goes nowhere.
    note(Note::would_deny("outside"));
    assert!(audit!("obs.clean").is_ok());
    let last = before.lock().unwrap().last().cloned().unwrap();
    assert_eq!(last, "obs.clean: allowed [\"seen obs.clean\"]");
    assert_eq!(NoteKind::WouldDeny, Note::would_deny("x").kind());
}
