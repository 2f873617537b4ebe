//! Every public registry function, called from inside a hook, answers or
//! returns an error: none blocks. In particular not while the hook is voting
//! on `audit.add_hook`, when the registry is admitting a hook.
//!
//! Its own test binary (it installs hooks and finally seals the registry),
//! with one test, so that the steps run in order. Each step runs on another
//! thread and is given a generous while to finish: a step that never
//! finishes is a deadlock, reported as a failure rather than a hung test.

use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use audit_core::{
    add_hook, add_hook_with_interest, audit, catalogue, hook_count, install_hook, is_sealed, seal,
    testing, AuditError, AuditErrorKind, Event, Hook, ADD_HOOK_EVENT,
};

/// What the probing hook does when called.
static MODE: AtomicU8 = AtomicU8::new(IDLE);
const IDLE: u8 = 0;
/// Call every registry function and record the answers.
const PROBE: u8 = 1;
/// Seal the registry, then record `is_sealed`.
const SEAL: u8 = 2;

/// What the probing hook saw, one line per answer.
static ANSWERS: Mutex<Vec<String>> = Mutex::new(Vec::new());

fn answer(line: String) {
    ANSWERS.lock().unwrap().push(line);
}

fn take_answers() -> Vec<String> {
    std::mem::take(&mut *ANSWERS.lock().unwrap())
}

struct Plain;

impl Hook for Plain {
    fn on_event(&self, _event: &Event<'_>) -> Result<(), AuditError> {
        Ok(())
    }
}

fn kind(result: Result<(), AuditError>) -> String {
    match result {
        Ok(()) => "ok".into(),
        Err(e) => format!("{:?}", e.kind()),
    }
}

/// Calls each public registry function and records what it answered.
fn probe_registry(hooks: usize) {
    answer(format!("is_sealed {}", is_sealed()));
    answer(format!("hook_count {}", hook_count() == hooks));
    answer(format!(
        "catalogue {}",
        catalogue().any(|s| s.name() == "app.probe")
    ));
    answer(format!("add_hook {}", kind(add_hook(|_| Ok(())))));
    answer(format!(
        "add_hook_with_interest {}",
        kind(add_hook_with_interest(audit_core::Interest::all(), |_| Ok(
            ()
        )))
    ));
    answer(format!("install_hook {}", kind(install_hook(Plain))));
    // Inside a hook no event is raised, so a capture records nothing.
    let (result, events) = testing::capture(|| audit!("app.inside"));
    answer(format!("capture {} {}", kind(result), events.len()));
    let (result, events) =
        testing::capture_with(|_| Err(AuditError::denied("x")), || audit!("app.inside"));
    answer(format!("capture_with {} {}", kind(result), events.len()));
}

const PROBED: [&str; 8] = [
    "is_sealed false",
    "hook_count true",
    "catalogue true",
    "add_hook InsideHook",
    "add_hook_with_interest InsideHook",
    "install_hook InsideHook",
    "capture ok 0",
    "capture_with ok 0",
];

/// Runs `f` on another thread; fails if it has not returned after a minute.
fn finishes<T: Send + 'static>(what: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(Duration::from_secs(60))
        .unwrap_or_else(|_| panic!("{what}: no answer after a minute (deadlock)"))
}

#[test]
fn registry_functions_answer_from_inside_hooks() {
    if !audit_core::ENABLED {
        return;
    }
    // The prober: on `audit.add_hook` (the vote) and on `app.probe` (an
    // ordinary event), does what MODE says.
    add_hook(|event| {
        if event.name() == ADD_HOOK_EVENT || event.name() == "app.probe" {
            match MODE.load(Ordering::SeqCst) {
                PROBE => probe_registry(1),
                SEAL => {
                    seal();
                    answer(format!("sealed {}", is_sealed()));
                }
                _ => {}
            }
        }
        Ok(())
    })
    .unwrap();
    assert_eq!(hook_count(), 1);

    // From an ordinary event.
    MODE.store(PROBE, Ordering::SeqCst);
    finishes("probing from an event", || audit!("app.probe")).unwrap();
    assert_eq!(take_answers(), PROBED);

    // While voting on `audit.add_hook`.
    let added = finishes("probing from the vote", || add_hook(|_| Ok(())));
    added.unwrap();
    assert_eq!(take_answers(), PROBED);
    assert_eq!(hook_count(), 2);

    // From a capture's hook (which votes too), with the capture's own state
    // in use: a nested capture must answer, not trip over it.
    MODE.store(IDLE, Ordering::SeqCst);
    let nested = Arc::new(Mutex::new(Vec::new()));
    let n = Arc::clone(&nested);
    let (result, events) = finishes("probing from a capture's hook", move || {
        testing::capture_with(
            move |event| {
                if event.name() == "app.captured" {
                    let (inner, events) = testing::capture(|| audit!("app.inside"));
                    n.lock()
                        .unwrap()
                        .push(format!("{} {}", kind(inner), events.len()));
                    n.lock().unwrap().push(format!("is_sealed {}", is_sealed()));
                }
                Ok(())
            },
            || audit!("app.captured"),
        )
    });
    result.unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(*nested.lock().unwrap(), ["ok 0", "is_sealed false"]);

    // A hook that seals the registry while voting refuses the hook being
    // voted on, and no hook is added.
    MODE.store(SEAL, Ordering::SeqCst);
    let err = finishes("sealing from the vote", || add_hook(|_| Ok(()))).unwrap_err();
    assert_eq!(err.kind(), AuditErrorKind::Sealed, "{err}");
    assert_eq!(take_answers(), ["sealed true"]);
    assert!(is_sealed());
    assert_eq!(hook_count(), 2);

    // Sealed: the probes still answer, from an event.
    MODE.store(PROBE, Ordering::SeqCst);
    finishes("probing once sealed", || audit!("app.probe")).unwrap();
    let answers = take_answers();
    assert_eq!(answers[0], "is_sealed true");
    assert_eq!(answers[3..], PROBED[3..]);
}
