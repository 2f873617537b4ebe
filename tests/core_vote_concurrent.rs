//! Hooks added by other threads while a vote on `audit.add_hook` runs: the
//! registry holds no lock during the vote (a voting hook may wait for such a
//! thread without deadlocking), and each of those hooks is asked before the
//! hook being voted on is installed, exactly once, so a security hook added
//! meanwhile can still refuse it.
//!
//! Its own test binary, with one test, so that the steps run in order.

use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use audit_core::{
    add_hook_with_interest, hook_count, install_hook, AuditError, AuditErrorKind, Event, Hook,
    Interest, ADD_HOOK_EVENT,
};

type Log = Arc<Mutex<Vec<String>>>;

/// What the first hook runs (once) during its next vote.
type Job = Arc<Mutex<Option<Box<dyn FnOnce() + Send>>>>;

/// The short type name of the hook an `audit.add_hook` event is about.
fn added(event: &Event<'_>) -> String {
    let name = event.arg("hook").and_then(|v| v.as_str()).unwrap_or("?");
    name.rsplit("::").next().unwrap_or(name).to_owned()
}

/// Records every `audit.add_hook` it sees; vetoes those it is told to.
struct Voter {
    log: Log,
    deny: &'static [&'static str],
}

impl Hook for Voter {
    fn on_event(&self, event: &Event<'_>) -> Result<(), AuditError> {
        let what = added(event);
        self.log.lock().unwrap().push(what.clone());
        if self.deny.contains(&what.as_str()) {
            return Err(AuditError::denied("gatekeeper"));
        }
        Ok(())
    }

    fn interest(&self) -> Interest {
        Interest::prefixes([ADD_HOOK_EVENT])
    }
}

macro_rules! marker_hooks {
    ($($name:ident)*) => {$(
        struct $name(Voter);
        impl Hook for $name {
            fn on_event(&self, event: &Event<'_>) -> Result<(), AuditError> {
                self.0.on_event(event)
            }
            fn interest(&self) -> Interest {
                self.0.interest()
            }
        }
    )*};
}
marker_hooks!(Outer Inner Refused Gatekeeper);

fn voter(log: &Log, deny: &'static [&'static str]) -> Voter {
    Voter {
        log: Arc::clone(log),
        deny,
    }
}

/// Adds `hook` on another thread and waits for it, failing (rather than
/// hanging) if that never ends.
fn add_on_other_thread<H: Hook>(hook: H) -> Result<(), AuditError> {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let _ = tx.send(install_hook(hook));
    });
    rx.recv_timeout(Duration::from_secs(60))
        .expect("adding a hook from another thread during a vote deadlocked")
}

fn take(log: &Log) -> Vec<String> {
    std::mem::take(&mut *log.lock().unwrap())
}

#[test]
fn hooks_added_during_a_vote_vote_too() {
    if !audit_core::ENABLED {
        return;
    }
    // The first hook: while voting on `Outer` (or `Refused`), it has another
    // thread add a hook, and waits for it.
    let first_log: Log = Arc::default();
    let during: Job = Arc::default();
    let d = Arc::clone(&during);
    let log = Arc::clone(&first_log);
    add_hook_with_interest(Interest::prefixes([ADD_HOOK_EVENT]), move |event| {
        log.lock().unwrap().push(added(event));
        // Taken out first, so the lock is not held while it runs.
        let job = d.lock().unwrap().take();
        if let Some(job) = job {
            job();
        }
        Ok(())
    })
    .unwrap();

    // 1. `Inner` is added while `Outer` is voted on.
    let inner_log: Log = Arc::default();
    let outer_log: Log = Arc::default();
    let inner = Inner(voter(&inner_log, &[]));
    let inner_result: Arc<Mutex<Option<Result<(), AuditError>>>> = Arc::default();
    let r = Arc::clone(&inner_result);
    *during.lock().unwrap() = Some(Box::new(move || {
        *r.lock().unwrap() = Some(add_on_other_thread(inner));
    }));
    install_hook(Outer(voter(&outer_log, &[]))).unwrap();
    inner_result.lock().unwrap().take().unwrap().unwrap();
    assert_eq!(hook_count(), 3);
    // The first hook saw each add once; `Inner`, installed during the vote,
    // was asked about `Outer` before `Outer` was installed, once.
    assert_eq!(take(&first_log), ["Outer", "Inner"]);
    assert_eq!(take(&inner_log), ["Outer"]);
    assert!(take(&outer_log).is_empty());

    // 2. A gatekeeper added while `Refused` is voted on refuses it.
    let gate_log: Log = Arc::default();
    let gatekeeper = Gatekeeper(voter(&gate_log, &["Refused"]));
    *during.lock().unwrap() = Some(Box::new(move || {
        add_on_other_thread(gatekeeper).unwrap();
    }));
    let refused_log: Log = Arc::default();
    let err = install_hook(Refused(voter(&refused_log, &[]))).unwrap_err();
    assert_eq!(err.kind(), AuditErrorKind::Denied, "{err}");
    assert_eq!(err.reason(), "gatekeeper");
    assert_eq!(
        hook_count(),
        4,
        "the gatekeeper was added, `Refused` was not"
    );
    // The gatekeeper's own vote ran inside the first hook's, before the
    // later hooks were asked about `Refused`.
    assert_eq!(take(&first_log), ["Refused", "Gatekeeper"]);
    assert_eq!(take(&inner_log), ["Gatekeeper", "Refused"]);
    assert_eq!(take(&outer_log), ["Gatekeeper", "Refused"]);
    assert_eq!(take(&gate_log), ["Refused"]);
    assert!(take(&refused_log).is_empty(), "a refused hook never runs");
}
