//! JSON lines: one JSON object per audit event, written to any [`Write`].

use std::ffi::OsStr;
use std::fmt;
use std::io::{self, Write};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::{self, Thread};
use std::time::SystemTime;

use audit_core::{AuditError, Event, Hook, Note, NoteKind, Outcome, Value};
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};

/// How many bytes of a [`Value::Bytes`] argument are kept in its `preview`.
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
/// Each line is a JSON object (see [`JsonEvent`] for its fields), written
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
            writer: Mutex::new(Output {
                writer,
                open_line: false,
            }),
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

    /// Writes `line` (from [`to_line`]) as a line of its own.
    fn write_line(&self, line: &[u8]) -> io::Result<()> {
        // A writer that panicked mid-line leaves the lock poisoned; keep
        // logging rather than failing every later event. `open_line` was
        // set before that write, so the next record starts a fresh line.
        let mut out = self.writer.lock().unwrap_or_else(PoisonError::into_inner);
        out.write_line(line)?;
        if self.flush {
            out.writer.flush()?;
        }
        Ok(())
    }
}

/// `value` as compact JSON between two newlines, with U+0085, U+2028 and
/// U+2029 escaped (see [`escape_line_separators`]). The first newline is
/// written only after an unfinished line (see [`Output::write_line`]);
/// reserving it here saves a copy later.
fn to_line<T: Serialize>(value: &T) -> serde_json::Result<Vec<u8>> {
    let mut line = Vec::with_capacity(256);
    line.push(b'\n');
    serde_json::to_writer(&mut line, value)?;
    line.push(b'\n');
    Ok(escape_line_separators(line))
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

/// The writer, and whether the stream may end in an unfinished line.
struct Output<W> {
    writer: W,
    /// The last write failed (or panicked): the writer may have taken part
    /// of its line, leaving a fragment with no newline at the end.
    open_line: bool,
}

impl<W: Write> Output<W> {
    /// Writes `line` (`"\n" + record + "\n"`, from [`to_line`]) with one
    /// `write_all`, leaving out the first newline unless the previous line
    /// may be unfinished: then it ends the fragment, which stays a line of
    /// its own, and this record still parses.
    ///
    /// One `write_all` per record, as the sink documents: a writer may rely
    /// on it (to lock a shared file around each line). Since `write_all`
    /// does not say how much it wrote before failing, any failure counts as
    /// a possible fragment.
    fn write_line(&mut self, line: &[u8]) -> io::Result<()> {
        let start = usize::from(!self.open_line);
        // Set first, so that a writer panicking part-way leaves it set.
        self.open_line = true;
        self.writer
            .write_all(line.get(start..).unwrap_or_default())?;
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
        // Serialise before taking the lock, so threads only queue for the write.
        let result = to_line(&JsonEvent::new(event).with_outcome(outcome))
            .map_err(io::Error::from)
            .and_then(|line| self.write_line(&line));
        match result {
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

/// A shared read-only view of a [`JsonLines`] sink's failure count.
#[derive(Clone, Debug)]
pub struct ErrorCount(Arc<AtomicU64>);

impl ErrorCount {
    /// How many lines failed to be written so far.
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

/// One audit event as a JSON object, with the time and thread it was raised on.
///
/// [`JsonLines`] writes these; use it directly to embed events in your own
/// serde output. The object has these fields:
///
/// | field | JSON | content |
/// |---|---|---|
/// | `time` | string | RFC 3339 timestamp in UTC, microseconds (`2024-05-01T12:00:00.123456Z`) |
/// | `event` | string | the event name (`fs.open`) |
/// | `args` | object | one member per argument, in declaration order (see below) |
/// | `outcome` | string | written by [`JsonLines`]: `allowed`, `denied` (a hook refused the operation) or `would-deny` (it went ahead, but a hook in report mode, such as a policy rule with `mode = "report"`, would have refused it) |
/// | `reason` | string or `null` | the refusal's reason (`policy rule #2: writes only inside the work directory`), or the would-be refusal's; `null` when allowed without remark |
/// | `notes` | array of strings | only when hooks [noted](audit_core::note) something: each note (`would deny: ...`) |
/// | `thread` | object | `id` (the number of Rust's `ThreadId`) and `name` (`null` if unnamed) |
/// | `callsite` | object | `module`, `file`, `line` of the audit point |
///
/// Arguments keep their type:
///
/// | [`Value`] | JSON |
/// |---|---|
/// | `Path`, `OsStr` | string when the path is valid UTF-8 (`"/tmp/a.txt"`); otherwise an object `{"lossy": "...", "hex": "..."}` (see below) |
/// | `Str` | string |
/// | `Int`, `Uint` | number |
/// | `Float` | number (`null` for NaN and infinities, which JSON lacks) |
/// | `Bool` | `true` / `false` |
/// | `SocketAddr`, `Ip` | string (`127.0.0.1:8080`, `[::1]:80`, `10.0.0.1`) |
/// | `Duration` | number of seconds (`1.5`) |
/// | `None` | `null` |
/// | `List` | array |
/// | `Bytes` | object `{"len": N, "preview": "..."}`: the length, and the first [`BYTES_PREVIEW`] bytes with non-printable and non-ASCII bytes escaped as in Rust (`\n`, `\xff`) |
/// | `Debug` (and future kinds) | string: the `Debug` / `Display` rendering |
///
/// A path or platform string that is not valid UTF-8 cannot be a JSON
/// string without losing bytes (`name-\xff` and `name-\xfe` would both read
/// `name-\u{fffd}`), so it is written as an object with two members:
///
/// - `lossy`: the readable form, each invalid sequence replaced with U+FFFD;
/// - `hex`: the exact value in lower-case hex, two digits per byte on Unix
///   (`"6e616d652dff"` for `name-\xff`: decode with `bytes.fromhex` or
///   `hex::decode` to get the name back); on Windows four digits per UTF-16
///   code unit, as `encode_wide` gives them.
///
/// A reader that needs the exact file name checks whether the value is a
/// string (the name itself) or an object (take `hex`). Which form a value
/// takes depends only on the value, so the same path always logs the same way.
///
/// Bytes are not written in full because a write or send argument is the
/// payload itself: logging it whole would copy every file written into the
/// audit log. The escaped preview is unambiguous and stays valid UTF-8.
///
/// ```
/// use audit_sinks::JsonEvent;
///
/// let (_, events) = audit_core::testing::capture_with(
///     |event: &audit_core::Event<'_>| {
///         let json = serde_json::to_value(JsonEvent::new(event)).unwrap();
///         assert_eq!(json["event"], "app.send");
///         assert_eq!(json["args"]["port"], 8080);
///         assert_eq!(json["args"]["data"]["len"], 5);
///         Ok(())
///     },
///     || audit_core::audit!("app.send", port = 8080u16, data = b"hello".as_slice()),
/// );
/// assert_eq!(events.len(), usize::from(audit_core::ENABLED));
/// ```
pub struct JsonEvent<'e, 'a> {
    event: &'e Event<'a>,
    time: SystemTime,
    thread: Thread,
    outcome: Option<&'e Outcome<'e>>,
}

impl<'e, 'a> JsonEvent<'e, 'a> {
    /// Describes `event`, stamped with the current time and thread.
    pub fn new(event: &'e Event<'a>) -> Self {
        JsonEvent {
            event,
            time: SystemTime::now(),
            thread: thread::current(),
            outcome: None,
        }
    }

    /// Adds what became of the event (the `outcome`, `reason` and `notes`
    /// fields).
    pub fn with_outcome(mut self, outcome: &'e Outcome<'e>) -> Self {
        self.outcome = Some(outcome);
        self
    }
}

/// The `outcome` field: `denied` when a hook refused the event,
/// `would-deny` when it went ahead but a hook in report mode would have
/// refused it, `allowed` otherwise.
fn outcome_word(outcome: &Outcome<'_>) -> &'static str {
    if !outcome.is_allowed() {
        "denied"
    } else if outcome.notes_of(NoteKind::WouldDeny).next().is_some() {
        "would-deny"
    } else {
        "allowed"
    }
}

/// The `reason` field: the refusal's reason, or the first would-be
/// refusal's; `null` for an event allowed without remark.
fn outcome_reason<'o>(outcome: &Outcome<'o>) -> Option<&'o str> {
    match outcome.refusal() {
        Some(refusal) => Some(refusal.reason()),
        None => outcome
            .notes_of(NoteKind::WouldDeny)
            .next()
            .map(|n| n.text()),
    }
}

struct Notes<'o>(&'o [Note]);

impl Serialize for Notes<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.0.len()))?;
        for note in self.0 {
            seq.serialize_element(&note.to_string())?;
        }
        seq.end()
    }
}

impl Serialize for JsonEvent<'_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry(
            "time",
            &humantime::format_rfc3339_micros(self.time).to_string(),
        )?;
        map.serialize_entry("event", self.event.name())?;
        map.serialize_entry("args", &Args(self.event))?;
        if let Some(outcome) = self.outcome {
            map.serialize_entry("outcome", outcome_word(outcome))?;
            map.serialize_entry("reason", &outcome_reason(outcome))?;
            if !outcome.notes().is_empty() {
                map.serialize_entry("notes", &Notes(outcome.notes()))?;
            }
        }
        map.serialize_entry("thread", &ThreadInfo(&self.thread))?;
        map.serialize_entry("callsite", &CallsiteInfo(self.event))?;
        map.end()
    }
}

impl fmt::Debug for JsonEvent<'_, '_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JsonEvent")
            .field("event", self.event)
            .field("time", &self.time)
            .field("thread", &self.thread.id())
            .finish()
    }
}

struct Args<'e, 'a>(&'e Event<'a>);

impl Serialize for Args<'_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.args().len()))?;
        for (name, value) in self.0.args() {
            map.serialize_entry(name, &JsonValue(value))?;
        }
        map.end()
    }
}

struct ThreadInfo<'t>(&'t Thread);

impl Serialize for ThreadInfo<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(2))?;
        // `ThreadId::as_u64` is unstable; its `Debug` form is `ThreadId(N)`.
        let debug = format!("{:?}", self.0.id());
        let digits: String = debug.chars().filter(char::is_ascii_digit).collect();
        match digits.parse::<u64>() {
            Ok(n) => map.serialize_entry("id", &n)?,
            Err(_) => map.serialize_entry("id", &debug)?,
        }
        map.serialize_entry("name", &self.0.name())?;
        map.end()
    }
}

struct CallsiteInfo<'e, 'a>(&'e Event<'a>);

impl Serialize for CallsiteInfo<'_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let site = self.0.callsite();
        let mut map = serializer.serialize_map(Some(3))?;
        map.serialize_entry("module", site.module_path())?;
        map.serialize_entry("file", site.file())?;
        map.serialize_entry("line", &site.line())?;
        map.end()
    }
}

struct JsonValue<'a>(Value<'a>);

impl Serialize for JsonValue<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Value::Path(p) => serialize_os_str(p.as_os_str(), serializer),
            Value::OsStr(s) => serialize_os_str(s, serializer),
            Value::Str(s) => serializer.serialize_str(s),
            Value::Bytes(b) => {
                let mut map = serializer.serialize_map(Some(2))?;
                map.serialize_entry("len", &b.len())?;
                let shown = &b[..b.len().min(BYTES_PREVIEW)];
                map.serialize_entry("preview", &shown.escape_ascii().to_string())?;
                map.end()
            }
            Value::Int(i) => serializer.serialize_i64(i),
            Value::Uint(u) => serializer.serialize_u64(u),
            Value::Float(x) => serializer.serialize_f64(x),
            Value::Bool(b) => serializer.serialize_bool(b),
            Value::SocketAddr(a) => serializer.collect_str(&a),
            Value::Ip(ip) => serializer.collect_str(&ip),
            Value::Duration(d) => serializer.serialize_f64(d.as_secs_f64()),
            Value::None => serializer.serialize_none(),
            Value::List(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(&JsonValue(*item))?;
                }
                seq.end()
            }
            // `Debug`, and kinds added to the non-exhaustive enum later.
            other => serializer.collect_str(&other),
        }
    }
}

/// A path or platform string: a plain string when it is UTF-8, else an
/// object with a readable lossy form and the exact bytes in hex.
fn serialize_os_str<S: Serializer>(s: &OsStr, serializer: S) -> Result<S::Ok, S::Error> {
    if let Some(text) = s.to_str() {
        return serializer.serialize_str(text);
    }
    let mut map = serializer.serialize_map(Some(2))?;
    map.serialize_entry("lossy", &s.to_string_lossy())?;
    map.serialize_entry("hex", &os_hex(s))?;
    map.end()
}

/// The platform string's units in lower-case hex: bytes on Unix.
#[cfg(unix)]
fn os_hex(s: &OsStr) -> String {
    use std::os::unix::ffi::OsStrExt;
    let mut hex = String::with_capacity(s.len() * 2);
    for byte in s.as_bytes() {
        push_hex(&mut hex, u32::from(*byte), 2);
    }
    hex
}

/// The platform string's units in lower-case hex: UTF-16 code units, four
/// digits each, on Windows.
#[cfg(windows)]
fn os_hex(s: &OsStr) -> String {
    use std::os::windows::ffi::OsStrExt;
    let mut hex = String::with_capacity(s.len() * 4);
    for unit in s.encode_wide() {
        push_hex(&mut hex, u32::from(unit), 4);
    }
    hex
}

/// Elsewhere, Rust's own encoding of the platform string, byte by byte.
#[cfg(not(any(unix, windows)))]
fn os_hex(s: &OsStr) -> String {
    let mut hex = String::with_capacity(s.len() * 2);
    for byte in s.as_encoded_bytes() {
        push_hex(&mut hex, u32::from(*byte), 2);
    }
    hex
}

fn push_hex(out: &mut String, unit: u32, digits: u32) {
    for shift in (0..digits).rev() {
        let nibble = (unit >> (shift * 4)) & 0xf;
        // A nibble is always a valid digit; '0' keeps this panic-free.
        out.push(char::from_digit(nibble, 16).unwrap_or('0'));
    }
}
