//! The record schema shared by [`JsonLines`](crate::JsonLines) and
//! [`NonBlocking`](crate::NonBlocking): which fields, in which order, from a
//! borrowed event (written at once) or an owned one (captured for the
//! background writer).

use std::ffi::OsStr;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use std::thread;
use std::time::SystemTime;

use audit_core::{Callsite, Event, Note, Outcome, OwnedValue, Value};
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};

use crate::capture::{Captured, EventView, SlotRef};
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
    /// `,"thread.id":N,"thread.name":...` as JSON.
    json: Vec<u8>,
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
        let id = digits.parse::<u64>().map_err(|_| debug);
        let name = current.name().map(str::to_owned);
        let mut json = b",\"thread.id\":".to_vec();
        // Writing to a Vec does not fail; an error would only shorten the
        // fragment, never break out of a string.
        let _ = match &id {
            Ok(n) => serde_json::to_writer(&mut json, n),
            Err(debug) => serde_json::to_writer(&mut json, debug),
        };
        json.extend_from_slice(b",\"thread.name\":");
        let _ = serde_json::to_writer(&mut json, &name);
        ThreadFields { id, name, json }
    }

    /// The current thread's fields (shared, so a capture only bumps a count).
    pub(crate) fn current() -> Arc<ThreadFields> {
        // During thread teardown the thread-local may be gone: work them out again.
        THREAD
            .try_with(Arc::clone)
            .unwrap_or_else(|_| Arc::new(ThreadFields::of_current()))
    }
}

/// `,"process.pid":N,"process.executable":...` as JSON, worked out once.
fn process_json() -> &'static [u8] {
    static JSON: OnceLock<Vec<u8>> = OnceLock::new();
    JSON.get_or_init(|| {
        let mut json = b",\"process.pid\":".to_vec();
        push_u64(&mut json, u64::from(std::process::id()));
        json.extend_from_slice(b",\"process.executable\":");
        let exe = executable().map(|exe| OsValue(exe.as_os_str()));
        // Writing to a Vec does not fail.
        let _ = serde_json::to_writer(&mut json, &exe);
        json
    })
}

/// `n` in decimal.
pub(crate) fn push_u64(out: &mut Vec<u8>, n: u64) {
    let mut digits = [0u8; 20];
    let mut n = n;
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[at..]);
}

/// `n` as exactly `width` (at most 8) decimal digits, the low ones.
fn push_fixed(out: &mut Vec<u8>, n: u64, width: usize) {
    let mut digits = [b'0'; 8];
    let width = width.min(digits.len());
    let mut n = n;
    for digit in digits[..width].iter_mut().rev() {
        *digit = b'0' + (n % 10) as u8;
        n /= 10;
    }
    out.extend_from_slice(&digits[..width]);
}

/// The time as RFC 3339 in UTC with microseconds (as humantime writes it
/// for times after 1970), without going through `fmt`.
///
/// Never panics (humantime does for times before 1970, which a clock set
/// wrong can give): times before 0000-01-01 or after 9999-12-31 are written
/// as those bounds, the only values the fixed layout can hold.
fn push_timestamp(out: &mut Vec<u8>, time: SystemTime) {
    const MIN: i64 = -62_167_219_200; // 0000-01-01T00:00:00Z
    const MAX: i64 = 253_402_300_799; // 9999-12-31T23:59:59Z
    let (secs, micros) = match time.duration_since(std::time::UNIX_EPOCH) {
        Ok(d) => match i64::try_from(d.as_secs()) {
            Ok(s) if s <= MAX => (s, d.subsec_micros()),
            _ => (MAX, 999_999),
        },
        Err(before) => {
            let d = before.duration();
            let whole = i64::try_from(d.as_secs()).unwrap_or(i64::MAX);
            match d.subsec_nanos() {
                // 0.25 s before the epoch is 23:59:59.750000 the day before.
                0 => (-whole, 0),
                nanos => (-whole - 1, (1_000_000_000 - nanos) / 1000),
            }
        }
    };
    let (secs, micros) = if secs < MIN { (MIN, 0) } else { (secs, micros) };
    let (days, rest) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Days to a civil date (proleptic Gregorian), after Howard Hinnant's
    // `civil_from_days`.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    // All in range by construction: 0..=9999, 1..=12, 1..=31, 0..86400.
    let unsigned = |n: i64| u64::try_from(n).unwrap_or(0);
    push_fixed(out, unsigned(year), 4);
    out.push(b'-');
    push_fixed(out, unsigned(month), 2);
    out.push(b'-');
    push_fixed(out, unsigned(day), 2);
    out.push(b'T');
    push_fixed(out, unsigned(rest / 3600), 2);
    out.push(b':');
    push_fixed(out, unsigned(rest / 60 % 60), 2);
    out.push(b':');
    push_fixed(out, unsigned(rest % 60), 2);
    out.push(b'.');
    push_fixed(out, u64::from(micros), 6);
    out.push(b'Z');
}

/// The executable, worked out once: `None` if the platform cannot say.
fn executable() -> Option<&'static PathBuf> {
    static EXE: OnceLock<Option<PathBuf>> = OnceLock::new();
    EXE.get_or_init(|| std::env::current_exe().ok()).as_ref()
}

/// The source location written in the `code.*` fields: the caller's file
/// and line (the audit point's when unknown), and the audit point's module.
fn code_location(event: &EventRef<'_>) -> (&'static str, u32, &'static str) {
    let site = event.callsite();
    let caller = match event {
        EventRef::Borrowed(e) => e.caller(),
        EventRef::Captured(e) => e.header.caller,
    };
    match caller {
        // The code that called the audited operation (`#[track_caller]`
        // through audit_std's wrappers), not the wrapper's own audit point.
        Some(caller) => (caller.file(), caller.line(), site.module_path()),
        None => (site.file(), site.line(), site.module_path()),
    }
}

/// An event, borrowed from the dispatch or captured for the background
/// writer.
#[derive(Clone, Copy)]
pub(crate) enum EventRef<'r> {
    Borrowed(&'r Event<'r>),
    Captured(EventView<'r>),
}

impl EventRef<'_> {
    fn callsite(&self) -> &'static Callsite {
        match self {
            EventRef::Borrowed(e) => e.callsite(),
            EventRef::Captured(e) => e.header.callsite,
        }
    }

    fn name(&self) -> &'static str {
        self.callsite().name()
    }

    /// The argument `name` as a [`Value`] (for a capture, only the kinds it
    /// holds exactly: the record looks up paths and addresses by name, and
    /// writes the rest from `audit.args`).
    fn arg(&self, name: &str) -> Option<Value<'_>> {
        match self {
            EventRef::Borrowed(e) => e.arg(name),
            EventRef::Captured(e) => e.arg(name).and_then(SlotRef::as_value),
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
            word: crate::decision::word(outcome),
            reason: crate::decision::reason(outcome),
            notes: outcome.notes(),
        }
    }
}

impl<'r> OutcomeRef<'r> {
    /// The outcome kept with a captured event.
    pub(crate) fn captured(event: EventView<'r>) -> Self {
        OutcomeRef {
            word: event.header.word,
            reason: event.reason(),
            notes: event.notes(),
        }
    }
}

/// One event record, every field but `sequence` (which the sink adds when
/// it writes the record, see `json::frame`).
///
/// Written two ways with the same fields in the same order: through serde
/// (for [`JsonEvent`](crate::JsonEvent), which embeds in any serde output),
/// and by [`Record::write_json`] straight into the sinks' buffer, with the
/// keys and the per-process and per-thread fields written once as raw
/// JSON rather than escaped again for every event. A test compares them.
pub(crate) struct Record<'r> {
    pub(crate) time: SystemTime,
    pub(crate) event: EventRef<'r>,
    pub(crate) outcome: Option<OutcomeRef<'r>>,
    pub(crate) thread: &'r ThreadFields,
}

impl Record<'_> {
    /// Appends the record as a JSON object to `out`: the same text serde
    /// writes for it (see [`Record`]).
    pub(crate) fn write_json(&self, out: &mut Vec<u8>) -> serde_json::Result<()> {
        out.extend_from_slice(b"{\"schema\":");
        push_u64(out, u64::from(SCHEMA_VERSION));
        out.extend_from_slice(b",\"@timestamp\":\"");
        push_timestamp(out, self.time);
        out.extend_from_slice(b"\",\"event.action\":");
        serde_json::to_writer(&mut *out, self.event.name())?;
        if let Some(outcome) = self.outcome {
            // One of three fixed words, plain ASCII.
            out.extend_from_slice(b",\"event.outcome\":\"");
            out.extend_from_slice(outcome.word.as_bytes());
            out.push(b'"');
            out.extend_from_slice(b",\"event.reason\":");
            serde_json::to_writer(&mut *out, &outcome.reason)?;
            if !outcome.notes.is_empty() {
                out.extend_from_slice(b",\"audit.notes\":");
                serde_json::to_writer(&mut *out, &Notes(outcome.notes))?;
            }
        }
        out.extend_from_slice(b",\"audit.args\":");
        serde_json::to_writer(&mut *out, &Args(self.event))?;
        if let Some(path @ (Value::Path(_) | Value::OsStr(_))) = self.event.arg("path") {
            out.extend_from_slice(b",\"file.path\":");
            serde_json::to_writer(&mut *out, &JsonValue(path))?;
        }
        if let Some((address, port, addr)) = self.peer() {
            out.extend_from_slice(b",\"");
            out.extend_from_slice(address.as_bytes());
            out.extend_from_slice(b"\":");
            serde_json::to_writer(&mut *out, &addr.ip())?;
            out.extend_from_slice(b",\"");
            out.extend_from_slice(port.as_bytes());
            out.extend_from_slice(b"\":");
            push_u64(out, u64::from(addr.port()));
        }
        out.extend_from_slice(process_json());
        out.extend_from_slice(&self.thread.json);
        let (file, line, module) = code_location(&self.event);
        out.extend_from_slice(b",\"code.filepath\":");
        serde_json::to_writer(&mut *out, file)?;
        out.extend_from_slice(b",\"code.lineno\":");
        push_u64(out, u64::from(line));
        out.extend_from_slice(b",\"code.namespace\":");
        serde_json::to_writer(&mut *out, module)?;
        out.push(b'}');
        Ok(())
    }

    /// The `destination.*` or `source.*` fields: their names and the address.
    fn peer(&self) -> Option<(&'static str, &'static str, std::net::SocketAddr)> {
        let (address, port, arg) = match self.event.name() {
            "net.connect" | "net.send_to" => ("destination.address", "destination.port", "address"),
            "net.accept" => ("source.address", "source.port", "peer"),
            _ => return None,
        };
        match self.event.arg(arg) {
            Some(Value::SocketAddr(addr)) => Some((address, port, addr)),
            _ => None,
        }
    }
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
        if let Some((address, port, addr)) = self.peer() {
            map.serialize_entry(address, &addr.ip())?;
            map.serialize_entry(port, &addr.port())?;
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
        let mut text = Vec::with_capacity(27);
        push_timestamp(&mut text, self.0);
        // ASCII digits and punctuation only.
        serializer.serialize_str(std::str::from_utf8(&text).unwrap_or_default())
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
            EventRef::Captured(event) => {
                let mut map = serializer.serialize_map(Some(event.arg_count()))?;
                for (name, value) in event.args() {
                    map.serialize_entry(name, &CapturedJsonValue(value))?;
                }
                map.end()
            }
        }
    }
}

/// A captured value, written exactly as its borrowed form would be.
struct CapturedJsonValue<'c>(SlotRef<'c>);

impl Serialize for CapturedJsonValue<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0.get() {
            Captured::Value(value) => JsonValue(value).serialize(serializer),
            Captured::Bytes { len, preview } => bytes_json(serializer, len, preview),
            Captured::List(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for slot in items {
                    seq.serialize_element(&CapturedJsonValue(SlotRef {
                        event: self.0.event,
                        slot,
                    }))?;
                }
                seq.end()
            }
            // The rendering a borrowed `Debug` value is written as.
            Captured::Debug(text) => serializer.serialize_str(text),
            Captured::Owned(value) => OwnedJsonValue(value).serialize(serializer),
        }
    }
}

/// `{"len":N,"preview":"..."}` for bytes, of which `preview` is the start.
fn bytes_json<S: Serializer>(serializer: S, len: usize, preview: &[u8]) -> Result<S::Ok, S::Error> {
    let mut map = serializer.serialize_map(Some(2))?;
    map.serialize_entry("len", &len)?;
    let shown = &preview[..preview.len().min(BYTES_PREVIEW)];
    map.serialize_entry("preview", &shown.escape_ascii().to_string())?;
    map.end()
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
            Value::Bytes(b) => bytes_json(serializer, b.len(), b),
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, UNIX_EPOCH};

    #[test]
    fn timestamps_match_humantime() {
        let mut secs: Vec<u64> = vec![
            0,
            59,
            86_399,
            86_400,
            951_782_400,   // 2000-02-29
            951_868_800,   // 2000-03-01
            4_107_542_400, // 2100-02-28, not a leap year
            4_107_628_800,
            253_402_300_799, // 9999-12-31T23:59:59
        ];
        // Every day over several leap cycles, at an odd second.
        secs.extend((0..60_000u64).map(|d| d * 86_400 + 3_723));
        for s in secs {
            for micros in [0u32, 1, 999_999, 123_456] {
                let t = UNIX_EPOCH + Duration::new(s, micros * 1000);
                let mut ours = Vec::new();
                push_timestamp(&mut ours, t);
                let theirs = humantime::format_rfc3339_micros(t).to_string();
                assert_eq!(String::from_utf8(ours).unwrap(), theirs, "{s}");
            }
        }
    }

    fn text(t: SystemTime) -> String {
        let mut out = Vec::new();
        push_timestamp(&mut out, t);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn times_before_1970_are_written_not_panicked_on() {
        let before = UNIX_EPOCH - Duration::from_millis(250);
        assert_eq!(text(before), "1969-12-31T23:59:59.750000Z");
        let leap = UNIX_EPOCH - Duration::from_secs(86_400 * 366 * 2);
        assert_eq!(text(leap), "1967-12-31T00:00:00.000000Z");
        let year_zero = UNIX_EPOCH - Duration::from_secs(62_167_219_200);
        assert_eq!(text(year_zero), "0000-01-01T00:00:00.000000Z");
        let too_early = UNIX_EPOCH - Duration::from_secs(62_167_219_200 * 2);
        assert_eq!(text(too_early), "0000-01-01T00:00:00.000000Z");
    }

    #[test]
    fn times_after_9999_are_written_as_its_last_microsecond() {
        let late = UNIX_EPOCH + Duration::from_secs(253_402_300_800 * 3);
        assert_eq!(text(late), "9999-12-31T23:59:59.999999Z");
    }
}
