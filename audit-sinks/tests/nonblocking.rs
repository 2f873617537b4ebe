//! The non-blocking sink: off-thread writing, each `WhenFull` action on a
//! full queue, flush and shutdown.
#![cfg(feature = "json")]

mod common;

use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::thread;
use std::time::Duration;

use audit_core::{audit, testing, AuditError, AuditErrorKind, Event, Hook, Outcome};
use audit_sinks::{NonBlocking, WhenFull, WriterGuard, LOST_ACTION};
use common::SharedBuf;

impl SharedBuf {
    fn numbers(&self) -> Vec<u64> {
        self.records()
            .iter()
            .map(|r| r["sequence"].as_u64().unwrap())
            .collect()
    }
}

/// A gate the writer waits at before each write, until a test opens it.
#[derive(Default)]
struct Gate {
    /// (open, how many writes reached the gate)
    state: Mutex<(bool, usize)>,
    changed: Condvar,
}

impl Gate {
    fn open(&self) {
        self.state.lock().unwrap().0 = true;
        self.changed.notify_all();
    }

    /// Waits until `n` writes have reached the gate.
    fn wait_entered(&self, n: usize) {
        let mut state = self.state.lock().unwrap();
        while state.1 < n {
            state = self.changed.wait(state).unwrap();
        }
    }
}

/// A writer stuck at its gate until a test opens it, that keeps what it
/// wrote in a buffer of its own until flushed.
#[derive(Clone)]
struct Slow {
    gate: Arc<Gate>,
    pending: Arc<Mutex<Vec<u8>>>,
    out: SharedBuf,
}

impl Slow {
    fn new() -> Self {
        Slow {
            gate: Arc::default(),
            pending: Arc::default(),
            out: SharedBuf::default(),
        }
    }
}

impl Write for Slow {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut state = self.gate.state.lock().unwrap();
        state.1 += 1;
        self.gate.changed.notify_all();
        while !state.0 {
            state = self.gate.changed.wait(state).unwrap();
        }
        self.pending.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        let pending = std::mem::take(&mut *self.pending.lock().unwrap());
        self.out.0.lock().unwrap().extend_from_slice(&pending);
        Ok(())
    }
}

/// The sink behind an `Arc`, so that a test keeps it after the capture
/// (dropping the sink stops its writer); refuses `app.refused` itself, as a
/// policy installed before it would.
struct Kept(Arc<NonBlocking>);

impl Hook for Kept {
    fn on_event(&self, event: &Event<'_>) -> Result<(), AuditError> {
        if event.name() == "app.refused" {
            return Err(AuditError::denied("refused by policy"));
        }
        self.0.on_event(event)
    }
    fn observes_outcome(&self) -> bool {
        true
    }
    fn on_outcome(&self, event: &Event<'_>, outcome: &Outcome<'_>) -> Result<(), AuditError> {
        self.0.on_outcome(event, outcome)
    }
}

fn spawn(writer: Slow, capacity: usize, when_full: WhenFull) -> (Arc<NonBlocking>, WriterGuard) {
    let (sink, guard) = NonBlocking::builder(writer)
        .capacity(capacity)
        .when_full(when_full)
        .spawn()
        .expect("the writer thread starts");
    (Arc::new(sink), guard)
}

/// Opens the gate from another thread after a pause, and says when it did.
fn open_later(gate: &Arc<Gate>) -> (Arc<AtomicBool>, thread::JoinHandle<()>) {
    let opened = Arc::new(AtomicBool::new(false));
    let (gate, flag) = (Arc::clone(gate), Arc::clone(&opened));
    let helper = thread::spawn(move || {
        thread::sleep(Duration::from_millis(200));
        flag.store(true, Ordering::SeqCst);
        gate.open();
    });
    (opened, helper)
}

#[test]
fn the_audited_thread_does_not_wait_for_a_stuck_writer() {
    let slow = Slow::new();
    let (sink, guard) = spawn(slow.clone(), 16, WhenFull::Block);
    let (results, _) = testing::capture_with_hook(Kept(Arc::clone(&sink)), || {
        (0..5u32).map(|i| audit!("app.step", i)).collect::<Vec<_>>()
    });
    // Every event returned though the writer has not written a byte: it
    // is stuck at the gate with the first record.
    assert!(results.iter().all(Result::is_ok));
    if !audit_core::ENABLED {
        guard.shutdown();
        assert!(slow.out.records().is_empty());
        return;
    }
    slow.gate.wait_entered(1);
    assert!(slow.out.records().is_empty());

    // flush waits for the writer, however long it takes.
    let (opened, helper) = open_later(&slow.gate);
    guard.flush();
    assert!(opened.load(Ordering::SeqCst));
    assert_eq!(slow.out.numbers(), [1, 2, 3, 4, 5]);
    for (i, record) in slow.out.records().iter().enumerate() {
        assert_eq!(record["audit.args"]["i"], i);
        // Stamped on the audited thread, not the writer's.
        assert_eq!(
            record["thread.name"],
            "the_audited_thread_does_not_wait_for_a_stuck_writer"
        );
    }
    helper.join().unwrap();
    assert_eq!(sink.write_errors(), 0);
    assert_eq!(sink.lost(), 0);
}

/// Raises `first`, waits until the writer is stuck writing it, then raises
/// `second` (which fills a queue of one) and returns `then()`.
fn fill<R>(gate: &Gate, then: impl FnOnce() -> R) -> R {
    let _ = audit!("app.first", n = 1u32);
    if audit_core::ENABLED {
        gate.wait_entered(1);
    }
    let _ = audit!("app.second", n = 2u32);
    then()
}

#[test]
fn block_waits_for_room_and_loses_nothing() {
    let slow = Slow::new();
    let (sink, guard) = spawn(slow.clone(), 1, WhenFull::Block);
    let (opened, helper) = open_later(&slow.gate);
    let (third, _) = testing::capture_with_hook(Kept(Arc::clone(&sink)), || {
        fill(&slow.gate, || {
            let third = audit!("app.third", n = 3u32);
            (third, opened.load(Ordering::SeqCst))
        })
    });
    helper.join().unwrap();
    guard.shutdown();
    assert!(third.0.is_ok());
    if !audit_core::ENABLED {
        return;
    }
    assert!(third.1, "the third event waited until the writer moved");
    assert_eq!(slow.out.numbers(), [1, 2, 3]);
    assert_eq!(sink.lost(), 0);
}

#[test]
fn veto_refuses_what_cannot_be_queued() {
    let slow = Slow::new();
    let (sink, guard) = spawn(slow.clone(), 1, WhenFull::Veto);
    let ((third, refused), _) = testing::capture_with_hook(Kept(Arc::clone(&sink)), || {
        fill(&slow.gate, || {
            (
                audit!("app.third", n = 3u32),
                audit!("app.refused", n = 4u32),
            )
        })
    });
    slow.gate.open();
    guard.shutdown();
    if !audit_core::ENABLED {
        assert!(third.is_ok());
        return;
    }
    let err = third.expect_err("no room: refused");
    assert_eq!(err.kind(), AuditErrorKind::Denied);
    assert!(err.reason().contains("queue is full"), "{err}");
    // Refused by the policy already: its record could only be dropped.
    assert!(refused.unwrap_err().reason().contains("refused by policy"));
    let records = slow.out.records();
    let numbers = slow.out.numbers();
    // The vetoed event took no number (nothing happened); the dropped
    // refusal took 3, and the lost record after it says so.
    assert_eq!(numbers, [1, 2, 4]);
    assert_eq!(records[2]["event.action"], LOST_ACTION);
    assert_eq!(records[2]["audit.lost"], 1);
    assert_eq!(sink.lost(), 1);
}

#[test]
fn drop_counts_and_writes_a_lost_record_once_there_is_room() {
    let slow = Slow::new();
    let (sink, guard) = spawn(slow.clone(), 1, WhenFull::Drop);
    let (results, _) = testing::capture_with_hook(Kept(Arc::clone(&sink)), || {
        fill(&slow.gate, || {
            (3..6u32)
                .map(|n| audit!("app.dropped", n))
                .collect::<Vec<_>>()
        })
    });
    assert!(results.iter().all(Result::is_ok), "dropping allows");
    slow.gate.open();
    guard.flush();
    if !audit_core::ENABLED {
        guard.shutdown();
        return;
    }
    let records = slow.out.records();
    assert_eq!(slow.out.numbers(), [1, 2, 6]);
    assert_eq!(records[2]["event.action"], LOST_ACTION);
    assert_eq!(records[2]["audit.lost"], 3);
    assert_eq!(sink.lost(), 3);

    // Later records carry on after the lost record's number.
    testing::capture_with_hook(Kept(Arc::clone(&sink)), || {
        let _ = audit!("app.later", n = 7u32);
    });
    guard.shutdown();
    assert_eq!(slow.out.numbers(), [1, 2, 6, 7]);
}

#[test]
fn dropping_the_guard_writes_and_flushes_everything_queued() {
    let slow = Slow::new();
    slow.gate.open();
    let (sink, guard) = NonBlocking::builder(slow.clone())
        .flush_each_batch(false)
        .spawn()
        .unwrap();
    let sink = Arc::new(sink);
    testing::capture_with_hook(Kept(Arc::clone(&sink)), || {
        for i in 0..100u32 {
            let _ = audit!("app.step", i);
        }
    });
    drop(guard);
    let expected: Vec<u64> = (1..=100)
        .take(if audit_core::ENABLED { 100 } else { 0 })
        .collect();
    assert_eq!(slow.out.numbers(), expected);
}

#[test]
fn after_shutdown_block_refuses_and_drop_counts() {
    for when_full in [WhenFull::Block, WhenFull::Veto, WhenFull::Drop] {
        let slow = Slow::new();
        slow.gate.open();
        let (sink, guard) = spawn(slow.clone(), 4, when_full);
        guard.shutdown();
        let (result, _) =
            testing::capture_with_hook(Kept(Arc::clone(&sink)), || audit!("app.late", n = 1u32));
        if !audit_core::ENABLED {
            assert!(result.is_ok());
            continue;
        }
        match when_full {
            WhenFull::Drop => {
                assert!(result.is_ok());
                assert_eq!(sink.lost(), 1);
            }
            _ => {
                let err = result.expect_err("fails closed");
                assert!(err.reason().contains("writer has stopped"), "{err}");
            }
        }
        assert!(slow.out.records().is_empty());
    }
}

/// Panics on the second write, and fails the third.
#[derive(Clone, Default)]
struct Faulty {
    calls: Arc<Mutex<usize>>,
    out: SharedBuf,
}

impl Write for Faulty {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let call = {
            let mut calls = self.calls.lock().unwrap();
            *calls += 1;
            *calls
        };
        match call {
            2 => panic!("the writer panicked"),
            3 => Err(io::Error::other("disk full")),
            _ => {
                self.out.0.lock().unwrap().extend_from_slice(buf);
                Ok(buf.len())
            }
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[test]
fn a_failing_or_panicking_writer_leaves_gaps_and_the_writer_goes_on() {
    let faulty = Faulty::default();
    let (sink, guard) = NonBlocking::builder(faulty.clone()).spawn().unwrap();
    let sink = Arc::new(sink);
    let (results, _) = testing::capture_with_hook(Kept(Arc::clone(&sink)), || {
        // One `write` call per record: the writer writes each with one
        // `write_all`, and this writer takes every byte at once.
        (0..5u32).map(|i| audit!("app.step", i)).collect::<Vec<_>>()
    });
    guard.shutdown();
    assert!(results.iter().all(Result::is_ok));
    if !audit_core::ENABLED {
        return;
    }
    assert_eq!(faulty.out.numbers(), [1, 4, 5]);
    assert_eq!(sink.write_errors(), 2);
}
