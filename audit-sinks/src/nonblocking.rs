//! The non-blocking JSON-lines sink: the audited thread captures the event
//! and queues it; a background thread formats and writes it.

use std::cell::{Cell, RefCell};
use std::fmt;
use std::io::{self, Write};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::{self, JoinHandle};
use std::time::SystemTime;

use audit_core::{AuditError, Event, Hook, Outcome};

use crate::capture::{Captures, EventView, Stamp, QUEUE_KEEPS, SCRATCH_KEEPS};
use crate::json::{to_body_in, ErrorCount, Output};
use crate::record::{EventRef, LostRecord, OutcomeRef, Record};

thread_local! {
    /// This thread's scratch capture, for an event with a `Debug`
    /// argument: rendered here outside the queue's lock, then moved to the
    /// queue under it; the buffers stay for the thread's next such event.
    static SCRATCH: RefCell<Captures> = const { RefCell::new(Captures::new()) };
    /// The sink whose writer runs on this thread, if any.
    static WRITER_OF: Cell<*const Shared> = const { Cell::new(std::ptr::null()) };
}

/// What a [`NonBlocking`] sink does with an event when its queue is full,
/// as auditd's `backlog_limit` with its failure modes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum WhenFull {
    /// Wait until the writer makes room (the default): nothing is lost, but
    /// a writer that stalls (a full disk that blocks, a stopped pipe
    /// reader) stalls every audited operation with it.
    #[default]
    Block,
    /// Refuse the operation with an [`AuditError`] (fail closed): no
    /// operation happens without its record. An event another hook
    /// already refused cannot be refused again; its record is dropped and
    /// counted as under [`Drop`](WhenFull::Drop).
    Veto,
    /// Drop the record, allow the operation, and count it: as soon as the
    /// queue has room, the writer writes a record with `event.action`
    /// `audit.lost` saying how many were dropped (see the
    /// [schema](crate::schema)).
    Drop,
}

/// A [`JsonLines`](crate::JsonLines) that writes from a background thread.
///
/// The audited thread only copies the event and its outcome (into
/// buffers reused from one event to the next: in the steady state, no
/// allocation), stamps the time and the thread, and puts it on a
/// bounded queue; a writer thread (named `audit-json-writer`) formats the
/// records and writes them, in the order of their sequence numbers, each
/// with one `write_all` as [`JsonLines`](crate::JsonLines) does (the same
/// [schema](crate::schema), the same recovery after a failed write). When the
/// queue is full, [`WhenFull`] decides.
///
/// [`NonBlocking::builder`] makes the sink and a [`WriterGuard`]. Install the
/// sink as a hook and keep the guard until the end of `main`:
///
/// ```
/// use audit_sinks::{NonBlocking, WhenFull};
///
/// # fn main() -> std::io::Result<()> {
/// let dir = tempfile::tempdir()?;
/// let log = std::fs::File::create(dir.path().join("audit.jsonl"))?;
/// let (sink, guard) = NonBlocking::builder(log)
///     .capacity(4096)
///     .when_full(WhenFull::Drop)
///     .spawn()?;
/// // audit_core::install_hook(sink)?;
/// # let _ = sink;
///
/// // ... the program ...
///
/// // Before `std::process::exit`, which runs no destructors:
/// guard.flush();
/// // At the end of `main`, dropping the guard flushes and stops the writer.
/// drop(guard);
/// # Ok(())
/// # }
/// ```
///
/// # Flushing, shutdown and `process::exit`
///
/// - [`WriterGuard::flush`] waits until every record queued before the call
///   is written and the writer flushed.
/// - Dropping the [`WriterGuard`] (or calling [`WriterGuard::shutdown`])
///   flushes, then stops the writer thread and waits for it. Dropping the
///   sink itself (when it was never installed, or in a test) does the same
///   but does not wait for the thread to end.
/// - [`std::process::exit`] (and returning from `main` while the guard is
///   held in a `static`, or a panic that aborts) runs no destructors:
///   records still queued are **not written**, and they leave no gap in the
///   sequence, only a shorter log. Call [`WriterGuard::flush`] first, or keep
///   the guard in `main` and return from it instead of exiting.
///
/// After shutdown the writer is gone: a later event is refused under
/// [`WhenFull::Block`] and [`WhenFull::Veto`] (fail closed: it could never
/// be written) and counted as lost under [`WhenFull::Drop`].
///
/// # What the audited thread pays, and the memory kept
///
/// The audited thread takes the time and its thread's (cached) fields, then,
/// under the queue's lock, copies the event's values into buffers shared by
/// every record in the queue: paths and strings as bytes, a
/// [`Value::Bytes`](audit_core::Value::Bytes) argument only as far as its
/// record shows it (its length and first
/// [`BYTES_PREVIEW`](crate::BYTES_PREVIEW) bytes). When the writer takes the
/// queue it leaves its emptied buffers in its place, so once they have grown
/// to the largest batch, an event costs no allocation: 920 to 950
/// instructions on the audited thread, the dispatch included (see
/// `BENCHMARKS.md`). Records waiting in the queue hold their values (at
/// most [`capacity`](NonBlockingBuilder::capacity) records); between
/// batches, the queue and the writer each keep buffers up to 1 MiB apiece
/// and free larger ones (grown by a burst, or by one huge value), and each
/// audited thread that raised a `Debug` argument keeps up to 16 KiB.
///
/// A [`Value::Debug`](audit_core::Value::Debug) argument is the exception:
/// rendering it runs the program's code, which may take any time, so that
/// event is rendered in a buffer of the audited thread's own, outside the
/// lock, and then moved to the queue. A `Debug` impl that returns an error
/// leaves `<Debug failed>` after whatever it wrote, as in every sink, and the
/// record is written.
///
/// # The writer's own events
///
/// The writer thread is not inside a hook, so if the writer is itself
/// audited (an `audit_std::fs::File`), the events it raises are dispatched
/// to the other hooks (a policy may refuse the log's writes). This sink
/// ignores events raised on its writer thread: it would otherwise log its
/// own writing forever.
pub struct NonBlocking {
    shared: Arc<Shared>,
    when_full: WhenFull,
}

/// Builds a [`NonBlocking`] sink and starts its writer thread.
#[must_use = "call spawn() to start the writer"]
pub struct NonBlockingBuilder<W> {
    writer: W,
    capacity: usize,
    when_full: WhenFull,
    flush: bool,
}

/// The default queue length.
const DEFAULT_CAPACITY: usize = 4096;

impl NonBlocking {
    /// A builder writing to `writer`: queue of 4096 records, [`WhenFull::Block`],
    /// the writer flushed after each batch of records.
    pub fn builder<W: Write + Send + 'static>(writer: W) -> NonBlockingBuilder<W> {
        NonBlockingBuilder {
            writer,
            capacity: DEFAULT_CAPACITY,
            when_full: WhenFull::Block,
            flush: true,
        }
    }

    /// How many records failed to be written so far.
    pub fn write_errors(&self) -> u64 {
        self.shared.errors.load(Ordering::Relaxed)
    }

    /// How many records were dropped so far (queue full under
    /// [`WhenFull::Drop`], or an event arriving after shutdown).
    pub fn lost(&self) -> u64 {
        self.shared.lost.load(Ordering::Relaxed)
    }

    /// A handle reading the write-failure count once the sink is installed.
    pub fn error_count(&self) -> ErrorCount {
        ErrorCount::new(Arc::clone(&self.shared.errors))
    }

    /// Queues one record, applying [`WhenFull`] when there is no room.
    ///
    /// The event is copied straight into the queue's buffers, under its
    /// lock: no copy of a copy, and no allocation once the buffers have
    /// grown. An event with a `Debug` argument is the exception: rendering
    /// it runs the program's code, which may take any time, so it is
    /// captured outside the lock first (see [`enqueue_rendered`](Self::enqueue_rendered)).
    fn enqueue(&self, event: &Event<'_>, outcome: &Outcome<'_>) -> Result<(), AuditError> {
        let stamp = Stamp::now();
        let Some(mut state) = self.room(outcome)? else {
            return Ok(());
        };
        // The number is taken only once the record is certain to be queued
        // under this same lock: numbers follow the order of the queue.
        let sequence = state.next_sequence;
        match state.queue.capture(event, outcome, stamp, sequence, false) {
            Ok(()) => {
                let _ = state.allocate();
                self.wake_writer(&state);
                Ok(())
            }
            Err(stamp) => {
                drop(state);
                self.enqueue_rendered(event, outcome, stamp)
            }
        }
    }

    /// Captures an event with a `Debug` argument in this thread's scratch
    /// buffers, outside the lock, then moves it to the queue.
    fn enqueue_rendered(
        &self,
        event: &Event<'_>,
        outcome: &Outcome<'_>,
        stamp: Stamp,
    ) -> Result<(), AuditError> {
        let mut stamp = Some(stamp);
        let mut take = || stamp.take().unwrap_or_else(Stamp::now);
        let queued = SCRATCH.try_with(|scratch| match scratch.try_borrow_mut() {
            Ok(mut scratch) => self.enqueue_from(&mut scratch, event, outcome, take()),
            // The scratch is in use: a `Debug` rendering raised an event
            // into this sink. A scratch of its own.
            Err(_) => self.enqueue_from(&mut Captures::new(), event, outcome, take()),
        });
        // During thread teardown, once the scratch is gone: the same.
        queued.unwrap_or_else(|_| self.enqueue_from(&mut Captures::new(), event, outcome, take()))
    }

    /// Captures the event in `scratch`, then moves it to the queue.
    fn enqueue_from(
        &self,
        scratch: &mut Captures,
        event: &Event<'_>,
        outcome: &Outcome<'_>,
        stamp: Stamp,
    ) -> Result<(), AuditError> {
        scratch.clear(SCRATCH_KEEPS);
        // Renders everything, so always captures.
        let _ = scratch.capture(event, outcome, stamp, 0, true);
        let Some(mut state) = self.room(outcome)? else {
            return Ok(());
        };
        let sequence = state.allocate();
        state.queue.append(scratch, sequence);
        self.wake_writer(&state);
        Ok(())
    }

    /// Waits for room in the queue as [`WhenFull`] says: the lock, with
    /// room for one record; `None` when the record was dropped and counted;
    /// an error when the operation is refused.
    #[inline]
    fn room(&self, outcome: &Outcome<'_>) -> Result<Option<MutexGuard<'_, State>>, AuditError> {
        let mut state = self.shared.lock();
        loop {
            if state.stopped {
                drop(state);
                return self.refuse_or_count(outcome).map(|()| None);
            }
            if state.queue.len() < state.capacity {
                return Ok(Some(state));
            }
            match self.when_full {
                WhenFull::Block => {
                    state.producers_waiting += 1;
                    state = self
                        .shared
                        .room
                        .wait(state)
                        .unwrap_or_else(PoisonError::into_inner);
                    state.producers_waiting -= 1;
                }
                WhenFull::Veto if outcome.is_allowed() => {
                    drop(state);
                    return Err(AuditError::denied(
                        "the audit log queue is full: the operation is refused",
                    ));
                }
                _ => {
                    // The number is taken, so the gap shows; the next lost
                    // record counts it.
                    let _ = state.allocate();
                    state.lost_pending += 1;
                    drop(state);
                    self.shared.lost.fetch_add(1, Ordering::Relaxed);
                    return Ok(None);
                }
            }
        }
    }

    /// Wakes the writer if it sleeps (a notification costs a system call,
    /// and a writer that is awake takes every record queued before it
    /// looks at the queue again).
    fn wake_writer(&self, state: &State) {
        if state.writer_waiting {
            self.shared.work.notify_one();
        }
    }

    /// The writer is gone: refuse (fail closed) or count the record as lost.
    fn refuse_or_count(&self, outcome: &Outcome<'_>) -> Result<(), AuditError> {
        match self.when_full {
            WhenFull::Block | WhenFull::Veto if outcome.is_allowed() => Err(AuditError::denied(
                "the audit log writer has stopped: the operation is refused",
            )),
            _ => {
                self.shared.lost.fetch_add(1, Ordering::Relaxed);
                Ok(())
            }
        }
    }
}

impl<W: Write + Send + 'static> NonBlockingBuilder<W> {
    /// How many records the queue holds (default 4096; at least 1).
    pub fn capacity(mut self, capacity: usize) -> Self {
        self.capacity = capacity.max(1);
        self
    }

    /// What to do when the queue is full (default [`WhenFull::Block`]).
    pub fn when_full(mut self, when_full: WhenFull) -> Self {
        self.when_full = when_full;
        self
    }

    /// Whether to flush the writer after each batch of records it takes
    /// off the queue (default `true`).
    pub fn flush_each_batch(mut self, flush: bool) -> Self {
        self.flush = flush;
        self
    }

    /// Starts the writer thread; fails only if the thread cannot be spawned.
    pub fn spawn(self) -> io::Result<(NonBlocking, WriterGuard)> {
        let shared = Arc::new(Shared {
            state: Mutex::new(State {
                queue: Captures::new(),
                capacity: self.capacity,
                next_sequence: 1,
                lost_pending: 0,
                written: 0,
                writer_waiting: false,
                producers_waiting: 0,
                stopping: false,
                stopped: false,
            }),
            work: Condvar::new(),
            room: Condvar::new(),
            done: Condvar::new(),
            errors: Arc::new(AtomicU64::new(0)),
            lost: AtomicU64::new(0),
        });
        let writer = Writer {
            shared: Arc::clone(&shared),
            out: Output::new(self.writer),
            flush: self.flush,
            line: Vec::with_capacity(1024),
        };
        let thread = thread::Builder::new()
            .name("audit-json-writer".into())
            .spawn(move || writer.run())?;
        Ok((
            NonBlocking {
                shared: Arc::clone(&shared),
                when_full: self.when_full,
            },
            WriterGuard {
                shared,
                thread: Some(thread),
            },
        ))
    }
}

impl Hook for NonBlocking {
    /// Nothing: the record is queued once the event is decided, by
    /// [`on_outcome`](Self::on_outcome).
    fn on_event(&self, _event: &Event<'_>) -> Result<(), AuditError> {
        Ok(())
    }

    fn observes_outcome(&self) -> bool {
        true
    }

    /// Queues the event's record; under [`WhenFull::Veto`] (or once the
    /// writer has stopped, under [`WhenFull::Block`]) refuses an allowed
    /// event that cannot be queued.
    fn on_outcome(&self, event: &Event<'_>, outcome: &Outcome<'_>) -> Result<(), AuditError> {
        // A thread-local read, where comparing thread ids would clone the
        // thread's handle.
        if WRITER_OF.with(Cell::get) == Arc::as_ptr(&self.shared) {
            return Ok(());
        }
        self.enqueue(event, outcome)
    }
}

impl Drop for NonBlocking {
    /// Writes what is queued and stops the writer (without waiting for the
    /// thread to end: the [`WriterGuard`] does that).
    fn drop(&mut self) {
        self.shared.stop();
    }
}

impl fmt::Debug for NonBlocking {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NonBlocking")
            .field("when_full", &self.when_full)
            .field("errors", &self.write_errors())
            .field("lost", &self.lost())
            .finish_non_exhaustive()
    }
}

/// Keeps a [`NonBlocking`] sink's writer running; flushes and stops it when
/// dropped.
#[must_use = "dropping the guard stops the writer at once"]
pub struct WriterGuard {
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
}

impl WriterGuard {
    /// Waits until every record queued before this call (and the lost
    /// record for any dropped before it) is written and the writer flushed.
    /// Returns at once if the writer has stopped.
    pub fn flush(&self) {
        self.shared.flush();
    }

    /// Flushes, stops the writer thread and waits for it to end. Later
    /// events are refused or counted as lost (see [`NonBlocking`]).
    pub fn shutdown(mut self) {
        self.stop_and_join();
    }

    fn stop_and_join(&mut self) {
        self.shared.stop();
        if let Some(thread) = self.thread.take() {
            // The writer catches its writer's panics; a failure here can
            // only be a panic in the loop itself, already reported.
            let _ = thread.join();
        }
    }
}

impl Drop for WriterGuard {
    fn drop(&mut self) {
        self.stop_and_join();
    }
}

impl fmt::Debug for WriterGuard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WriterGuard").finish_non_exhaustive()
    }
}

/// What the audited threads and the writer share.
struct Shared {
    state: Mutex<State>,
    /// The writer waits here for records, a flush or a stop.
    work: Condvar,
    /// Producers blocked on a full queue wait here.
    room: Condvar,
    /// `flush` and `stop` wait here for the writer to catch up.
    done: Condvar,
    errors: Arc<AtomicU64>,
    lost: AtomicU64,
}

struct State {
    /// The events queued, in the order of their numbers.
    queue: Captures,
    capacity: usize,
    next_sequence: u64,
    /// Records dropped since the last lost record was queued.
    lost_pending: u64,
    /// Every number up to this one has been written (or failed) and flushed.
    written: u64,
    writer_waiting: bool,
    producers_waiting: usize,
    /// Asked to stop: the writer drains the queue, then ends.
    stopping: bool,
    /// The writer has ended: nothing queued will be written.
    stopped: bool,
}

impl State {
    fn allocate(&mut self) -> u64 {
        let n = self.next_sequence;
        self.next_sequence = n.saturating_add(1);
        n
    }
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        // Nothing panics while holding the lock; recover anyway rather than
        // stop auditing.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Waits until every number allocated so far is written.
    fn flush(&self) {
        let mut state = self.lock();
        let target = state.next_sequence - 1;
        // A dropped record's number is covered by the lost record that
        // follows it, which takes a later number.
        while !state.stopped && (state.written < target || state.lost_pending > 0) {
            if state.writer_waiting {
                self.work.notify_one();
            }
            state = self
                .done
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }

    /// Asks the writer to drain the queue and end; waits until it has.
    fn stop(&self) {
        let mut state = self.lock();
        state.stopping = true;
        self.work.notify_one();
        // Blocked producers see `stopping` and give up rather than wait.
        self.room.notify_all();
        while !state.stopped {
            state = self
                .done
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }
}

/// The writer thread's side.
struct Writer<W> {
    shared: Arc<Shared>,
    out: Output<W>,
    flush: bool,
    /// The last record's line, kept to format the next one in.
    line: Vec<u8>,
}

/// A record line longer than this is not kept for the next record.
const LINE_KEEPS: usize = 1 << 16;

impl<W: Write> Writer<W> {
    fn run(mut self) {
        // However the loop ends, waiters must not wait for it forever.
        let _stopped = MarkStopped(Arc::clone(&self.shared));
        WRITER_OF.with(|w| w.set(Arc::as_ptr(&self.shared)));
        let mut batch = Captures::new();
        loop {
            let mut state = self.shared.lock();
            while state.queue.is_empty() && state.lost_pending == 0 && !state.stopping {
                state.writer_waiting = true;
                state = self
                    .shared
                    .work
                    .wait(state)
                    .unwrap_or_else(PoisonError::into_inner);
                state.writer_waiting = false;
            }
            // Take everything queued at once; the audited threads fill the
            // other buffer meanwhile.
            // (The buffers emptied last time go back to the queue.)
            std::mem::swap(&mut batch, &mut state.queue);
            let mut lost = None;
            if state.lost_pending > 0 {
                // Numbered after everything taken, before anything queued later.
                let count = std::mem::take(&mut state.lost_pending);
                lost = Some((state.allocate(), count));
            }
            let stopping = state.stopping;
            if state.producers_waiting > 0 {
                self.shared.room.notify_all();
            }
            drop(state);

            let mut last = None;
            for event in batch.events() {
                self.write_event(event);
                last = Some(event.header.sequence);
            }
            if let Some((sequence, count)) = lost {
                self.write_lost(sequence, count);
                last = Some(sequence);
            }
            batch.clear(QUEUE_KEEPS);
            if self.flush || stopping {
                self.guarded(|out| out.writer.flush());
            }

            let mut state = self.shared.lock();
            if let Some(last) = last {
                state.written = last;
            }
            let finished = stopping && state.queue.is_empty() && state.lost_pending == 0;
            if finished {
                state.stopped = true;
            }
            self.shared.done.notify_all();
            if finished {
                self.shared.room.notify_all();
                return;
            }
        }
    }

    fn write_event(&mut self, event: EventView<'_>) {
        let body = to_body_in(std::mem::take(&mut self.line), |out| {
            Record {
                time: event.header.time,
                event: EventRef::Captured(event),
                outcome: Some(OutcomeRef::captured(event)),
                thread: &event.header.thread,
            }
            .write_json(out)
        });
        self.write_body(event.header.sequence, body);
    }

    fn write_lost(&mut self, sequence: u64, count: u64) {
        let body = to_body_in(std::mem::take(&mut self.line), |out| {
            let record = LostRecord {
                time: SystemTime::now(),
                lost: count,
            };
            serde_json::to_writer(out, &record)
        });
        self.write_body(sequence, body);
    }

    fn write_body(&mut self, sequence: u64, body: serde_json::Result<Vec<u8>>) {
        match body {
            Ok(mut body) => {
                self.guarded(|out| out.write_record(sequence, &mut body));
                if body.capacity() <= LINE_KEEPS {
                    self.line = body;
                }
            }
            // Never for these records; counted, and the number stays a gap.
            Err(_) => {
                self.shared.errors.fetch_add(1, Ordering::Relaxed);
            }
        }
    }

    /// Runs a write, counting an error or a panic of the writer (which
    /// would otherwise end the thread and lose the rest of the log).
    fn guarded(&mut self, f: impl FnOnce(&mut Output<W>) -> io::Result<()>) {
        let out = &mut self.out;
        match catch_unwind(AssertUnwindSafe(|| f(out))) {
            Ok(Ok(())) => {}
            Ok(Err(_)) | Err(_) => {
                self.shared.errors.fetch_add(1, Ordering::Relaxed);
            }
        }
    }
}

/// Marks the writer stopped when its thread ends, even by a panic.
struct MarkStopped(Arc<Shared>);

impl Drop for MarkStopped {
    fn drop(&mut self) {
        let mut state = self.0.lock();
        state.stopped = true;
        drop(state);
        self.0.done.notify_all();
        self.0.room.notify_all();
    }
}
