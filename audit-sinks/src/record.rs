//! The record schema shared by [`JsonLines`](crate::JsonLines) and
//! [`NonBlocking`](crate::NonBlocking): which fields, in which order, from a
//! borrowed event (written at once) or an owned one (captured for the
//! background writer).

use std::ffi::OsStr;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use std::thread;
use std::time::SystemTime;

use audit_core::{Event, Note, NoteKind, Outcome, OwnedEvent, OwnedValue, Value};
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};

use crate::json::BYTES_PREVIEW;

/// The version of the record layout, written in every record's `schema`
/// field. It changes only when a field is renamed, removed or changes type;
/// new fields may appear within a version, and readers should ignore fields
/// they do not know.
pub const SCHEMA_VERSION: u32 = 1;

/// The `event.action` of the record that says how many records a
/// [`NonBlocking`](crate::NonBlocking) sink dropped because its queue was full.
pub const LOST_ACTION: &str = "audit.lost";

/// The `thread.*` fields of one thread, worked out once per thread.
#[derive(Debug)]
pub(crate) struct ThreadFields {
    id: Result<u64, String>,
    name: Option<String>,
}

thread_local! {
    static THREAD: Arc<ThreadFields> = Arc::new(ThreadFields::of_current());
}

impl ThreadFields {
    fn of_current() -> Self {
        let current = thread::current();
        // `ThreadId::as_u64` is unstable; its `Debug` form is `ThreadId(N)`.
        let debug = format!("{:?}", current.id());
        let digits: String = debug.chars().filter(char::is_ascii_digit).collect();
        ThreadFields {
            id: digits.parse::<u64>().map_err(|_| debug),
            name: current.name().map(str::to_owned),
        }
    }

    /// The current thread's fields (shared, so a capture only bumps a count).
    pub(crate) fn current() -> Arc<ThreadFields> {
        // During thread teardown the thread-local may be gone: work them out again.
        THREAD
            .try_with(Arc::clone)
            .unwrap_or_else(|_| Arc::new(ThreadFields::of_current()))
    }
}

/// The executable, worked out once: `None` if the platform cannot say.
fn executable() -> Option<&'static PathBuf> {
    static EXE: OnceLock<Option<PathBuf>> = OnceLock::new();
    EXE.get_or_init(|| std::env::current_exe().ok()).as_ref()
}

/// The source location written in the `code.*` fields.
///
/// Today the audit point itself; the one place to change when events carry
/// their caller's location.
fn code_location(event: &EventRef<'_>) -> (&'static str, u32, &'static str) {
    let site = event.callsite();
    (site.file(), site.line(), site.module_path())
}

/// An event, borrowed from the dispatch or owned by a capture.
#[derive(Clone, Copy)]
pub(crate) enum EventRef<'r> {
    Borrowed(&'r Event<'r>),
    Owned(&'r OwnedEvent),
}

impl EventRef<'_> {
    fn callsite(&self) -> &'static audit_core::Callsite {
        match self {
            EventRef::Borrowed(e) => e.callsite(),
            EventRef::Owned(e) => e.callsite(),
        }
    }

    fn name(&self) -> &'static str {
        self.callsite().name()
    }

    /// The argument `name` as a [`Value`] (lists of owned events excepted,
    /// which only the `audit.args` object needs).
    fn arg(&self, name: &str) -> Option<Value<'_>> {
        match self {
            EventRef::Borrowed(e) => e.arg(name),
            EventRef::Owned(e) => e.arg(name).map(OwnedValue::as_value),
        }
    }
}

/// What became of an event: the `event.outcome`, `event.reason` and
/// `audit.notes` fields.
#[derive(Clone, Copy)]
pub(crate) struct OutcomeRef<'r> {
    word: &'static str,
    reason: Option<&'r str>,
    notes: &'r [Note],
}

impl<'r> OutcomeRef<'r> {
    pub(crate) fn new(outcome: &Outcome<'r>) -> Self {
        OutcomeRef {
            word: outcome_word(outcome),
            reason: outcome_reason(outcome),
            notes: outcome.notes(),
        }
    }
}

/// An outcome kept past the dispatch, for the background writer.
#[derive(Debug)]
pub(crate) struct OwnedOutcome {
    word: &'static str,
    reason: Option<String>,
    notes: Vec<Note>,
}

impl OwnedOutcome {
    pub(crate) fn new(outcome: &Outcome<'_>) -> Self {
        OwnedOutcome {
            word: outcome_word(outcome),
            reason: outcome_reason(outcome).map(str::to_owned),
            notes: outcome.notes().to_vec(),
        }
    }

    pub(crate) fn as_ref(&self) -> OutcomeRef<'_> {
        OutcomeRef {
            word: self.word,
            reason: self.reason.as_deref(),
            notes: &self.notes,
        }
    }
}

/// The `event.outcome` field: `denied` when a hook refused the event,
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

/// The `event.reason` field: the refusal's reason, or the first would-be
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

/// One event record, every field but `sequence` (which the sink adds when
/// it writes the record, see `json::frame`).
pub(crate) struct Record<'r> {
    pub(crate) time: SystemTime,
    pub(crate) event: EventRef<'r>,
    pub(crate) outcome: Option<OutcomeRef<'r>>,
    pub(crate) thread: &'r ThreadFields,
}

impl Serialize for Record<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("schema", &SCHEMA_VERSION)?;
        map.serialize_entry("@timestamp", &Timestamp(self.time))?;
        map.serialize_entry("event.action", self.event.name())?;
        if let Some(outcome) = self.outcome {
            map.serialize_entry("event.outcome", outcome.word)?;
            map.serialize_entry("event.reason", &outcome.reason)?;
            if !outcome.notes.is_empty() {
                map.serialize_entry("audit.notes", &Notes(outcome.notes))?;
            }
        }
        map.serialize_entry("audit.args", &Args(self.event))?;
        // Well-known arguments again under the names collectors index.
        if let Some(path @ (Value::Path(_) | Value::OsStr(_))) = self.event.arg("path") {
            map.serialize_entry("file.path", &JsonValue(path))?;
        }
        let name = self.event.name();
        let peer = match name {
            "net.connect" | "net.send_to" => Some(("destination", "address")),
            "net.accept" => Some(("source", "peer")),
            _ => None,
        };
        if let Some((side, arg)) = peer {
            if let Some(Value::SocketAddr(addr)) = self.event.arg(arg) {
                let (address, port) = match side {
                    "destination" => ("destination.address", "destination.port"),
                    _ => ("source.address", "source.port"),
                };
                map.serialize_entry(address, &addr.ip())?;
                map.serialize_entry(port, &addr.port())?;
            }
        }
        process_fields(&mut map)?;
        match &self.thread.id {
            Ok(n) => map.serialize_entry("thread.id", n)?,
            Err(debug) => map.serialize_entry("thread.id", debug)?,
        }
        map.serialize_entry("thread.name", &self.thread.name)?;
        let (file, line, module) = code_location(&self.event);
        map.serialize_entry("code.filepath", file)?;
        map.serialize_entry("code.lineno", &line)?;
        map.serialize_entry("code.namespace", module)?;
        map.end()
    }
}

fn process_fields<M: SerializeMap>(map: &mut M) -> Result<(), M::Error> {
    map.serialize_entry("process.pid", &std::process::id())?;
    match executable() {
        Some(exe) => map.serialize_entry("process.executable", &OsValue(exe.as_os_str())),
        None => map.serialize_entry("process.executable", &None::<&str>),
    }
}

/// The record a [`NonBlocking`](crate::NonBlocking) sink writes once its
/// queue has room again after dropping records.
pub(crate) struct LostRecord {
    pub(crate) time: SystemTime,
    pub(crate) lost: u64,
}

impl Serialize for LostRecord {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("schema", &SCHEMA_VERSION)?;
        map.serialize_entry("@timestamp", &Timestamp(self.time))?;
        map.serialize_entry("event.action", LOST_ACTION)?;
        map.serialize_entry("audit.lost", &self.lost)?;
        process_fields(&mut map)?;
        map.end()
    }
}

struct Timestamp(SystemTime);

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&humantime::format_rfc3339_micros(self.0))
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

struct Args<'r>(EventRef<'r>);

impl Serialize for Args<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            EventRef::Borrowed(event) => {
                let mut map = serializer.serialize_map(Some(event.args().len()))?;
                for (name, value) in event.args() {
                    map.serialize_entry(name, &JsonValue(value))?;
                }
                map.end()
            }
            EventRef::Owned(event) => {
                let mut map = serializer.serialize_map(Some(event.args().len()))?;
                for (name, value) in event.args() {
                    map.serialize_entry(name, &OwnedJsonValue(value))?;
                }
                map.end()
            }
        }
    }
}

/// An owned value, written exactly as its borrowed form would be.
struct OwnedJsonValue<'a>(&'a OwnedValue);

impl Serialize for OwnedJsonValue<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            OwnedValue::List(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(&OwnedJsonValue(item))?;
                }
                seq.end()
            }
            // The rendering a borrowed `Debug` value is written as.
            OwnedValue::Debug(text) => serializer.serialize_str(text),
            other => JsonValue(other.as_value()).serialize(serializer),
        }
    }
}

pub(crate) struct JsonValue<'a>(pub(crate) Value<'a>);

impl Serialize for JsonValue<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Value::Path(p) => OsValue(p.as_os_str()).serialize(serializer),
            Value::OsStr(s) => OsValue(s).serialize(serializer),
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
struct OsValue<'a>(&'a OsStr);

impl Serialize for OsValue<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if let Some(text) = self.0.to_str() {
            return serializer.serialize_str(text);
        }
        let mut map = serializer.serialize_map(Some(2))?;
        map.serialize_entry("lossy", &self.0.to_string_lossy())?;
        map.serialize_entry("hex", &os_hex(self.0))?;
        map.end()
    }
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
