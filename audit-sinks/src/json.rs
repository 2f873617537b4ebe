//! JSON lines: one JSON object per audit event, written to any [`Write`].

use std::fmt;
use std::io::{self, Write};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::SystemTime;

use audit_core::{AuditError, Event, Hook, Outcome};
use serde::ser::{Serialize, Serializer};

use crate::record::{EventRef, OutcomeRef, Record, ThreadFields};

/// How many bytes of a [`Value::Bytes`](audit_core::Value::Bytes) argument are kept in its `preview`.
pub const BYTES_PREVIEW: usize = 64;

/// What [`JsonLines`] does when its writer fails.
///
/// The default, [`Ignore`](OnWriteError::Ignore), keeps a logging failure
/// from stopping the program: the event is allowed and the failure counted.
/// [`Veto`](OnWriteError::Veto) fails closed: an operation that cannot be
/// logged does not happen. Choose it when the log is the audit trail that an
/// operation must leave, and be aware that a full disk then stops every
/// audited operation.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum OnWriteError {
    /// Allow the event and count the failure (see [`JsonLines::write_errors`]).
    #[default]
    Ignore,
    /// Count the failure and veto the event with an [`AuditError`] naming the I/O error.
    Veto,
}

/// A hook that writes each audit event as one line of JSON.
///
/// Each line is a JSON object (see the [schema](crate::schema) for its fields), written
/// with a single `write_all` while holding the sink's lock, so lines from
/// concurrent threads never interleave. Every character inside a string
/// that some reader takes for a line break is escaped: control characters,
/// and also U+0085, U+2028 and U+2029 (Python's `str.splitlines` splits on
/// them), so text from outside cannot split a record.
///
/// By default the writer is flushed after each line, since a hook lives
/// until the process exits and a buffer that is never flushed would lose the
/// end of the log; turn that off with
/// [`flush_each_line(false)`](Self::flush_each_line) when the writer does not
/// buffer (a `File`) or something else flushes it.
///
/// The writer may itself be audited (an `audit_std::fs::File`): the events it
/// raises while the hook runs are not dispatched again, since audit points
/// reached inside a hook on the same thread are skipped.
///
/// Write failures never panic; what happens is chosen with
/// [`on_write_error`](Self::on_write_error) (default: ignore and count). A
/// writer that itself panics is handled by audit-core like any panicking
/// hook: the event is refused ([`HookPanicked`](audit_core::AuditErrorKind::HookPanicked)),
/// and the sink keeps working for later events.
///
/// # What a reader sees after a failed write
///
/// A write can fail part-way (a full disk, a closed pipe): the writer has
/// taken the start of a line and not its end. `write_all` does not say how
/// much it wrote before failing, so after any failed (or panicking) write the
/// sink begins the next record with a newline. A fragment therefore stays a
/// line of its own, and every record written in full is a complete line
/// that parses. A reader of the log:
///
/// - parses each line on its own;
/// - skips empty lines (left when a failed write had taken nothing) and
///   lines that do not parse (a record cut short: its operation was allowed
///   under [`OnWriteError::Ignore`] and refused under [`OnWriteError::Veto`]);
/// - can compare what it skipped with [`write_errors`](Self::write_errors),
///   which counts every record that was not written in full.
///
/// A record that parses was handed to the writer in full, so it records an
/// attempt. Under [`OnWriteError::Veto`] the operation is still refused when
/// the failure comes after the last byte of the object (on its newline, or
/// on the flush): the record is whole but its operation did not happen;
/// [`write_errors`](Self::write_errors) counts it.
///
/// ```
/// use audit_sinks::JsonLines;
/// use std::sync::{Arc, Mutex};
///
/// // Any `Write + Send + 'static`: a file, stderr, a socket, a buffer.
/// let sink = JsonLines::new(Vec::new());
/// let (_, events) = audit_core::testing::capture_with_hook(sink, || {
///     audit_core::audit!("app.login", user = "alice", attempt = 1u32)
/// });
/// # let _ = events;
///
/// // At start-up you would install it for the whole process instead:
/// // audit_core::install_hook(JsonLines::new(std::io::stderr()))?;
/// ```
pub struct JsonLines<W> {
    writer: Mutex<Output<W>>,
    on_error: OnWriteError,
    flush: bool,
    errors: Arc<AtomicU64>,
}

impl<W: Write + Send + 'static> JsonLines<W> {
    /// A sink writing to `writer`, flushing after each line and ignoring
    /// (but counting) write failures.
    pub fn new(writer: W) -> Self {
        JsonLines {
            writer: Mutex::new(Output::new(writer)),
            on_error: OnWriteError::Ignore,
            flush: true,
            errors: Arc::new(AtomicU64::new(0)),
        }
    }

    /// Chooses what a write failure does (default [`OnWriteError::Ignore`]).
    ///
    /// ```
    /// use audit_sinks::{JsonLines, OnWriteError};
    ///
    /// let strict = JsonLines::new(std::io::stderr()).on_write_error(OnWriteError::Veto);
    /// # let _ = strict;
    /// ```
    pub fn on_write_error(mut self, on_error: OnWriteError) -> Self {
        self.on_error = on_error;
        self
    }

    /// Whether to flush the writer after each line (default `true`).
    pub fn flush_each_line(mut self, flush: bool) -> Self {
        self.flush = flush;
        self
    }

    /// How many lines failed to be written so far.
    pub fn write_errors(&self) -> u64 {
        self.errors.load(Ordering::Relaxed)
    }

    /// A handle reading the failure count, to keep once the sink has been
    /// moved into [`install_hook`](audit_core::install_hook).
    ///
    /// ```
    /// use audit_sinks::JsonLines;
    ///
    /// let sink = JsonLines::new(std::io::sink());
    /// let errors = sink.error_count();
    /// // audit_core::install_hook(sink)?;
    /// assert_eq!(errors.get(), 0);
    /// ```
    pub fn error_count(&self) -> ErrorCount {
        ErrorCount(Arc::clone(&self.errors))
    }

    /// The writer, once the sink is no longer needed (in tests, after a capture).
    pub fn into_inner(self) -> W {
        self.writer
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner)
            .writer
    }

    /// Numbers and writes one record (`body` from [`to_body`], or the
    /// serialisation error that kept it from being made).
    fn write_record(&self, body: serde_json::Result<Vec<u8>>) -> io::Result<()> {
        // A writer that panicked mid-line leaves the lock poisoned; keep
        // logging rather than failing every later event. `open_line` was
        // set before that write, so the next record starts a fresh line.
        let mut out = self.writer.lock().unwrap_or_else(PoisonError::into_inner);
        // Allocated under the lock, so that numbers follow the order of the
        // lines; taken even when the record cannot be written, so that the
        // gap shows the loss.
        let sequence = out.allocate();
        let mut body = body.map_err(io::Error::from)?;
        out.write_record(sequence, &mut body)?;
        if self.flush {
            out.writer.flush()?;
        }
        Ok(())
    }
}

/// Bytes kept free at the start of a serialised record for its framing:
/// the newline that may end a fragment, and `{"sequence":N,` (at most 13 +
/// 20 digits + 1). See [`frame`].
const HEAD: usize = 40;

/// The JSON object `record` writes, after [`HEAD`] spare bytes and followed by a
/// newline, with U+0085, U+2028 and U+2029 escaped (see
/// [`escape_line_separators`]). [`frame`] adds the sequence number once it
/// is allocated, without copying.
pub(crate) fn to_body(
    record: impl FnOnce(&mut Vec<u8>) -> serde_json::Result<()>,
) -> serde_json::Result<Vec<u8>> {
    // Most records fit: one allocation, no growing.
    to_body_in(Vec::with_capacity(1024), record)
}

/// [`to_body`] in `line`, a buffer kept from an earlier record (emptied
/// first), for a writer that formats one record after another.
pub(crate) fn to_body_in(
    mut line: Vec<u8>,
    record: impl FnOnce(&mut Vec<u8>) -> serde_json::Result<()>,
) -> serde_json::Result<Vec<u8>> {
    line.clear();
    line.resize(HEAD, b' ');
    record(&mut line)?;
    line.push(b'\n');
    Ok(escape_line_separators(line))
}

/// Puts `{"sequence":N,` in front of the fields of a body from [`to_body`],
/// preceded by a newline when the previous record may be unfinished, and
/// returns the line to write.
///
/// The object serde wrote opens with `{` at `HEAD`: it becomes the comma
/// after the sequence number, so `sequence` is always the first field.
pub(crate) fn frame(sequence: u64, body: &mut [u8], after_fragment: bool) -> &[u8] {
    let mut digits = [0u8; 20];
    let mut n = sequence;
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    let number = &digits[at..];
    let lead: &[u8] = if after_fragment { b"\n{" } else { b"{" };
    let key: &[u8] = b"\"sequence\":";
    let len = lead.len() + key.len() + number.len() + 1;
    let start = HEAD + 1 - len;
    let mut cursor = start;
    for part in [lead, key, number, b",".as_slice()] {
        body[cursor..cursor + part.len()].copy_from_slice(part);
        cursor += part.len();
    }
    &body[start..]
}

/// Escapes U+0085, U+2028 and U+2029 in a line of JSON.
///
/// JSON allows them raw inside strings, and serde_json leaves them so, but
/// they are line breaks to many readers (Python's `str.splitlines`,
/// JavaScript before ES2019, editors): a file name holding one would split a
/// record in two there. Outside strings JSON is ASCII, and in UTF-8 these
/// byte sequences can only be these characters, so replacing them anywhere
/// in the line is exact.
fn escape_line_separators(line: Vec<u8>) -> Vec<u8> {
    // Most lines are ASCII, which `is_ascii` checks a word at a time.
    if line.is_ascii() {
        return line;
    }
    let mut out = Vec::with_capacity(line.len() + 16);
    let mut i = 0;
    while i < line.len() {
        let escape: Option<(&[u8], usize)> = match line[i..] {
            [0xc2, 0x85, ..] => Some((b"\\u0085", 2)),
            [0xe2, 0x80, 0xa8, ..] => Some((b"\\u2028", 3)),
            [0xe2, 0x80, 0xa9, ..] => Some((b"\\u2029", 3)),
            _ => None,
        };
        match escape {
            Some((text, len)) => {
                out.extend_from_slice(text);
                i += len;
            }
            None => {
                out.push(line[i]);
                i += 1;
            }
        }
    }
    out
}

/// The writer, the next sequence number, and whether the stream may end in
/// an unfinished line.
pub(crate) struct Output<W> {
    pub(crate) writer: W,
    /// The last write failed (or panicked): the writer may have taken part
    /// of its line, leaving a fragment with no newline at the end.
    open_line: bool,
    /// The number the next record gets (the first is 1).
    next_sequence: u64,
}

impl<W: Write> Output<W> {
    pub(crate) fn new(writer: W) -> Self {
        Output {
            writer,
            open_line: false,
            next_sequence: 1,
        }
    }

    /// Allocates the next sequence number: every record the sink is given
    /// takes one, whether or not it is then written in full.
    pub(crate) fn allocate(&mut self) -> u64 {
        let n = self.next_sequence;
        self.next_sequence = n.saturating_add(1);
        n
    }

    /// Writes `body` (from [`to_body`]) as record number `sequence`, with
    /// one `write_all`, on a line of its own: after a failed write it
    /// starts with a newline that ends the fragment, which stays a line of
    /// its own, and this record still parses.
    ///
    /// One `write_all` per record, as the sink documents: a writer may rely
    /// on it (to lock a shared file around each line). Since `write_all`
    /// does not say how much it wrote before failing, any failure counts as
    /// a possible fragment.
    pub(crate) fn write_record(&mut self, sequence: u64, body: &mut [u8]) -> io::Result<()> {
        let line = frame(sequence, body, self.open_line);
        // Set first, so that a writer panicking part-way leaves it set.
        self.open_line = true;
        self.writer.write_all(line)?;
        self.open_line = false;
        Ok(())
    }
}

impl<W: Write + Send + 'static> Hook for JsonLines<W> {
    /// Nothing: the record is written once the event is decided, by
    /// [`on_outcome`](Self::on_outcome).
    fn on_event(&self, _event: &Event<'_>) -> Result<(), AuditError> {
        Ok(())
    }

    fn observes_outcome(&self) -> bool {
        true
    }

    /// Writes the event's record with what became of it, whichever hook
    /// decided and whenever this sink was installed relative to it.
    fn on_outcome(&self, event: &Event<'_>, outcome: &Outcome<'_>) -> Result<(), AuditError> {
        let thread = ThreadFields::current();
        let record = Record {
            time: SystemTime::now(),
            event: EventRef::Borrowed(event),
            outcome: Some(OutcomeRef::new(outcome)),
            thread: &thread,
        };
        // Serialise before taking the lock, so threads only queue for the write.
        match self.write_record(to_body(|out| record.write_json(out))) {
            Ok(()) => Ok(()),
            Err(err) => {
                self.errors.fetch_add(1, Ordering::Relaxed);
                match self.on_error {
                    OnWriteError::Ignore => Ok(()),
                    OnWriteError::Veto => Err(AuditError::denied(format!(
                        "the audit log could not be written: {err}"
                    ))),
                }
            }
        }
    }
}

impl<W> fmt::Debug for JsonLines<W> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JsonLines")
            .field("on_error", &self.on_error)
            .field("flush", &self.flush)
            .field("errors", &self.errors.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

/// A shared read-only view of a [`JsonLines`] or [`NonBlocking`](crate::NonBlocking) sink's failure count.
#[derive(Clone, Debug)]
pub struct ErrorCount(Arc<AtomicU64>);

impl ErrorCount {
    pub(crate) fn new(count: Arc<AtomicU64>) -> Self {
        ErrorCount(count)
    }

    /// How many lines failed to be written so far.
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

/// One audit event as a JSON object, with the time and thread it was raised on.
///
/// [`JsonLines`] and [`NonBlocking`](crate::NonBlocking) write these, with
/// a `sequence` number in front; use it directly to embed events in your
/// own serde output. The [record schema](crate::schema) lists every field.
///
/// ```
/// use audit_sinks::JsonEvent;
///
/// let (_, events) = audit_core::testing::capture_with(
///     |event: &audit_core::Event<'_>| {
///         let json = serde_json::to_value(JsonEvent::new(event)).unwrap();
///         assert_eq!(json["event.action"], "app.send");
///         assert_eq!(json["audit.args"]["port"], 8080);
///         assert_eq!(json["audit.args"]["data"]["len"], 5);
///         Ok(())
///     },
///     || audit_core::audit!("app.send", port = 8080u16, data = b"hello".as_slice()),
/// );
/// assert_eq!(events.len(), usize::from(audit_core::ENABLED));
/// ```
pub struct JsonEvent<'e, 'a> {
    event: &'e Event<'a>,
    time: SystemTime,
    thread: Arc<ThreadFields>,
    outcome: Option<&'e Outcome<'e>>,
}

impl<'e, 'a> JsonEvent<'e, 'a> {
    /// Describes `event`, stamped with the current time and thread.
    pub fn new(event: &'e Event<'a>) -> Self {
        JsonEvent {
            event,
            time: SystemTime::now(),
            thread: ThreadFields::current(),
            outcome: None,
        }
    }

    /// Adds what became of the event (the `event.outcome`, `event.reason`
    /// and `audit.notes` fields).
    pub fn with_outcome(mut self, outcome: &'e Outcome<'e>) -> Self {
        self.outcome = Some(outcome);
        self
    }
}

impl Serialize for JsonEvent<'_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        Record {
            time: self.time,
            event: EventRef::Borrowed(self.event),
            outcome: self.outcome.map(OutcomeRef::new),
            thread: &self.thread,
        }
        .serialize(serializer)
    }
}

impl fmt::Debug for JsonEvent<'_, '_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JsonEvent")
            .field("event", self.event)
            .field("time", &self.time)
            .field("thread", &self.thread)
            .finish()
    }
}
