//! While one thread is adding a hook (its vote on `audit.add_hook` still
//! running), another thread's `seal`, `is_sealed`, `hook_count` and test
//! captures answer at once rather than waiting for the vote; and once `seal`
//! has returned, the hook being voted on is not installed.
//!
//! Its own test binary: it seals the registry.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use audit_core::{
    add_hook, add_hook_with_interest, audit, hook_count, is_sealed, seal, testing, AuditErrorKind,
    Interest, ADD_HOOK_EVENT,
};

/// Fails the test instead of hanging it when an answer never comes.
const DEADLOCK: Duration = Duration::from_secs(60);

#[test]
fn seal_during_a_vote_answers_and_wins() {
    if !audit_core::ENABLED {
        return;
    }
    let (voting_tx, voting_rx) = mpsc::channel::<()>();
    let (go_tx, go_rx) = mpsc::channel::<()>();
    let voting_tx = Mutex::new(voting_tx);
    let go_rx: Mutex<Receiver<()>> = Mutex::new(go_rx);
    // The voter: tells the test it is voting, then waits for its go.
    add_hook_with_interest(Interest::prefixes([ADD_HOOK_EVENT]), move |_| {
        voting_tx.lock().unwrap().send(()).unwrap();
        go_rx.lock().unwrap().recv_timeout(DEADLOCK).unwrap();
        Ok(())
    })
    .unwrap();

    let ran = Arc::new(AtomicBool::new(false));
    let r = Arc::clone(&ran);
    let adder = thread::spawn(move || {
        add_hook(move |_| {
            r.store(true, Ordering::SeqCst);
            Ok(())
        })
    });
    voting_rx.recv_timeout(DEADLOCK).expect("the vote started");

    // The vote is running on `adder`. Everything here must answer now.
    let (done_tx, done_rx): (Sender<usize>, _) = mpsc::channel();
    let counted = Arc::new(AtomicUsize::new(0));
    let c = Arc::clone(&counted);
    thread::spawn(move || {
        assert!(!is_sealed());
        assert_eq!(hook_count(), 1);
        let (result, events) = testing::capture(|| audit!("app.during_vote"));
        result.unwrap();
        c.store(events.len(), Ordering::SeqCst);
        seal();
        assert!(is_sealed());
        done_tx.send(hook_count()).unwrap();
    });
    let count = done_rx
        .recv_timeout(DEADLOCK)
        .expect("seal, is_sealed, hook_count and capture answer during a vote");
    assert_eq!(count, 1);
    assert_eq!(counted.load(Ordering::SeqCst), 1);

    // `seal` returned before the vote ended: the hook must not be added.
    go_tx.send(()).unwrap();
    let err = adder.join().unwrap().unwrap_err();
    assert_eq!(err.kind(), AuditErrorKind::Sealed, "{err}");
    assert_eq!(hook_count(), 1);
    audit!("app.after_seal").unwrap();
    assert!(!ran.load(Ordering::SeqCst), "the refused hook never runs");
}
