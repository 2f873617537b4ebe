//! A `Debug` argument whose rendering never ends stalls only its own
//! thread: the non-blocking sink renders it outside the queue's lock, so
//! other threads keep queueing and the writer keeps writing. In a binary of
//! its own: `testing::capture` would render the value itself first, so the
//! sink is installed as a global hook here.
#![cfg(feature = "json")]

mod common;

use std::sync::mpsc;
use std::sync::{Arc, Condvar, Mutex};
use std::thread;
use std::time::Duration;

use audit_core::{audit, debug, install_hook};
use audit_sinks::{NonBlocking, WhenFull};
use common::SharedBuf;

/// (rendering has started, rendering may finish)
type Gate = Arc<(Mutex<(bool, bool)>, Condvar)>;

/// A `Debug` value that waits, while rendered, until the test lets it go.
struct Stuck(Gate);

impl std::fmt::Debug for Stuck {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (state, changed) = &*self.0;
        let mut state = state.lock().unwrap();
        state.0 = true;
        changed.notify_all();
        while !state.1 {
            state = changed.wait(state).unwrap();
        }
        f.write_str("finally")
    }
}

#[test]
fn a_debug_argument_that_never_finishes_stalls_only_its_thread() {
    if !audit_core::ENABLED {
        return;
    }
    let out = SharedBuf::default();
    let (sink, guard) = NonBlocking::builder(out.clone())
        .capacity(8)
        .when_full(WhenFull::Block)
        .spawn()
        .unwrap();
    install_hook(sink).unwrap();

    let gate: Gate = Arc::default();
    let slow = {
        let gate = Arc::clone(&gate);
        thread::spawn(move || audit!("app.slow", value = debug(Stuck(gate))))
    };
    {
        let (state, changed) = &*gate;
        let mut state = state.lock().unwrap();
        while !state.0 {
            state = changed.wait(state).unwrap();
        }
    }
    // The slow thread is inside its rendering. Others queue, and the
    // writer writes, meanwhile; were the queue's lock held, this would hang,
    // so it runs on a thread that the test gives up on after a while.
    let (done, finished) = mpsc::channel();
    let quick = thread::spawn(move || {
        for i in 0..20u32 {
            audit!("app.quick", i).unwrap();
        }
        guard.flush();
        done.send(()).unwrap();
        guard
    });
    finished
        .recv_timeout(Duration::from_secs(60))
        .expect("other threads went on while a Debug value was being rendered");
    let guard = quick.join().unwrap();
    let written = out.records();
    assert_eq!(written.len(), 20);
    assert!(written.iter().all(|r| r["event.action"] == "app.quick"));

    {
        let (state, changed) = &*gate;
        state.lock().unwrap().1 = true;
        changed.notify_all();
    }
    slow.join().unwrap().unwrap();
    guard.shutdown();
    let records = out.records();
    // Numbered when queued: after the twenty that went first.
    let last = records.last().unwrap();
    assert_eq!(last["event.action"], "app.slow");
    assert_eq!(last["audit.args"]["value"], "finally");
    assert_eq!(last["sequence"], 21);
    let numbers: Vec<u64> = records
        .iter()
        .map(|r| r["sequence"].as_u64().unwrap())
        .collect();
    assert_eq!(numbers, (1..=21).collect::<Vec<_>>());
}
