//! The record schema: the documented table against real records, and the
//! sequence numbers' promise (a gap only where a record was lost).
#![cfg(feature = "json")]

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, Write};
use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, Mutex};

use audit_core::{audit, testing, AuditError, Event, Hook, Note, Outcome};
use audit_sinks::{JsonLines, NonBlocking, WhenFull, LOST_ACTION, SCHEMA_VERSION};
use common::SharedBuf;
use serde_json::{Map, Value as Json};

/// The rows of the fields table in SCHEMA.md: field name -> "when".
fn documented_fields() -> BTreeMap<String, String> {
    let doc = include_str!("../SCHEMA.md");
    let table = doc
        .split("# Fields")
        .nth(1)
        .and_then(|rest| rest.split("\n# ").next())
        .expect("SCHEMA.md has a Fields section");
    let mut fields = BTreeMap::new();
    for row in table.lines().filter(|l| l.starts_with("| `")) {
        let cells: Vec<&str> = row.split('|').map(str::trim).collect();
        // ["", field, JSON, when, content, ""]
        assert!(cells.len() >= 6, "a row has four cells: {row}");
        let name = cells[1].trim_matches('`').to_owned();
        assert!(
            fields.insert(name.clone(), cells[3].to_owned()).is_none(),
            "{name} documented twice"
        );
    }
    assert!(fields.len() > 10, "the table was found: {fields:?}");
    fields
}

/// A sink behind a hook that notes something on `app.noted` events, as a
/// policy in report mode does.
struct Noting<H>(H);

impl<H: Hook> Hook for Noting<H> {
    fn on_event(&self, event: &Event<'_>) -> Result<(), AuditError> {
        match event.name() {
            "app.noted" => audit_core::note(Note::would_deny("rule #1: not on Fridays")),
            "app.refused" => return Err(AuditError::denied("rule #2: never")),
            _ => {}
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

/// Real records of every kind: event records from both sinks, and a lost record.
fn real_records() -> Vec<Map<String, Json>> {
    let peer: SocketAddr = "127.0.0.1:8080".parse().unwrap();
    let raise = || {
        let _ = audit!("app.plain", n = 1u32);
        let _ = audit!("fs.open", path = Path::new("/tmp/a.txt"), write = true);
        let _ = audit!("net.connect", address = peer, protocol = "tcp");
        let _ = audit!("net.accept", peer, local = Some(peer));
        let _ = audit!("app.noted", n = 2u32);
        let _ = audit!("app.refused", n = 3u32);
    };
    let buf = SharedBuf::default();
    testing::capture_with_hook(Noting(JsonLines::new(buf.clone())), raise);
    let mut records = buf.records();

    let buf = SharedBuf::default();
    let (sink, guard) = NonBlocking::builder(buf.clone())
        .capacity(1)
        .when_full(WhenFull::Drop)
        .spawn()
        .unwrap();
    testing::capture_with_hook(Noting(sink), || {
        raise();
        raise();
    });
    guard.shutdown();
    records.extend(buf.records());
    records
}

#[test]
fn the_documented_fields_are_exactly_those_written() {
    let fields = documented_fields();
    let records = real_records();
    if !audit_core::ENABLED {
        assert!(records.is_empty());
        return;
    }
    let mut seen = BTreeSet::new();
    for record in &records {
        let lost = record["event.action"] == LOST_ACTION;
        for key in record.keys() {
            let when = fields
                .get(key)
                .unwrap_or_else(|| panic!("{key} is written but not documented: {record:?}"));
            assert!(
                !lost || when == "always" || key == "audit.lost",
                "a lost record has only the `always` fields and its count: {key}"
            );
            seen.insert(key.clone());
        }
        for (field, when) in &fields {
            let required = when == "always" || (when == "event" && !lost);
            assert!(
                !required || record.contains_key(field),
                "{field} ({when}) is missing from {record:?}"
            );
        }
        assert_eq!(record["schema"], SCHEMA_VERSION);
        assert!(record["sequence"].is_u64());
        assert_eq!(record["process.pid"], std::process::id());
    }
    let unseen: Vec<_> = fields.keys().filter(|f| !seen.contains(*f)).collect();
    assert!(unseen.is_empty(), "documented, never written: {unseen:?}");
}

#[test]
fn conditional_fields_follow_their_event() {
    let records = real_records();
    if !audit_core::ENABLED {
        return;
    }
    let by = |name: &str| {
        records
            .iter()
            .find(|r| r["event.action"] == name)
            .unwrap_or_else(|| panic!("no {name}"))
    };
    let open = by("fs.open");
    assert_eq!(open["file.path"], "/tmp/a.txt");
    assert_eq!(open["audit.args"]["path"], "/tmp/a.txt");
    let connect = by("net.connect");
    assert_eq!(connect["destination.address"], "127.0.0.1");
    assert_eq!(connect["destination.port"], 8080);
    assert!(!connect.contains_key("source.address"));
    let accept = by("net.accept");
    assert_eq!(accept["source.address"], "127.0.0.1");
    assert_eq!(accept["source.port"], 8080);
    assert!(!accept.contains_key("destination.address"));
    let plain = by("app.plain");
    for absent in ["file.path", "destination.port", "audit.notes", "audit.lost"] {
        assert!(!plain.contains_key(absent), "{absent}: {plain:?}");
    }
    assert_eq!(plain["event.outcome"], "allowed");
    assert_eq!(plain["event.reason"], Json::Null);
    let noted = by("app.noted");
    assert_eq!(noted["event.outcome"], "would-deny");
    assert_eq!(noted["event.reason"], "rule #1: not on Fridays");
    assert_eq!(noted["audit.notes"].as_array().unwrap().len(), 1);
    let refused = by("app.refused");
    assert_eq!(refused["event.outcome"], "denied");
    assert!(refused["event.reason"]
        .as_str()
        .unwrap()
        .contains("rule #2: never"));
    let thread = std::thread::current();
    assert_eq!(plain["thread.name"], thread.name().unwrap());
    assert!(plain["code.filepath"]
        .as_str()
        .unwrap()
        .ends_with("schema.rs"));
    assert_eq!(plain["code.namespace"], "schema");
    let exe = std::env::current_exe().unwrap();
    assert_eq!(plain["process.executable"], exe.to_str().unwrap());
}

/// Fails every write whose record mentions `boom`.
#[derive(Clone, Default)]
struct Picky(SharedBuf);

impl Write for Picky {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if buf.windows(4).any(|w| w == b"boom") {
            return Err(io::Error::other("disk says no"));
        }
        self.0.write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[test]
fn sequence_numbers_leave_a_gap_exactly_where_a_write_failed() {
    let buf = Picky::default();
    let sink = JsonLines::new(buf.clone());
    let errors = sink.error_count();
    testing::capture_with_hook(sink, || {
        for i in 0..10u32 {
            let word = if i % 3 == 1 { "boom" } else { "fine" };
            let _ = audit!("app.step", i, word);
        }
    });
    let records = buf.0.records();
    if !audit_core::ENABLED {
        assert!(records.is_empty());
        return;
    }
    let numbers: Vec<u64> = records
        .iter()
        .map(|r| r["sequence"].as_u64().unwrap())
        .collect();
    // Steps 1, 4 and 7 failed: numbers 2, 5 and 8 are missing, nothing else.
    assert_eq!(numbers, [1, 3, 4, 6, 7, 9, 10]);
    assert_eq!(errors.get(), 3);
    for record in &records {
        let i = record["audit.args"]["i"].as_u64().unwrap();
        assert_eq!(record["sequence"], i + 1, "in order: {record:?}");
    }
}

#[test]
fn a_hostile_argument_cannot_forge_the_sequence_or_other_fields() {
    let buf = SharedBuf::default();
    let forged = "x\",\"sequence\":1,\"event.outcome\":\"allowed\"}\n{\"sequence\":2";
    testing::capture_with_hook(JsonLines::new(buf.clone()), || {
        let _ = audit!("app.first", n = 0u32);
        let _ = audit!("app.open", path = Path::new(forged));
    });
    let records = buf.records();
    if !audit_core::ENABLED {
        return;
    }
    assert_eq!(records.len(), 2);
    assert_eq!(records[1]["sequence"], 2);
    assert_eq!(records[1]["file.path"], forged);
    assert_eq!(records[1]["audit.args"]["path"], forged);
}

/// Writes each event both ways: through `JsonEvent` (serde) and `JsonLines`.
struct Both(JsonLines<SharedBuf>, Arc<Mutex<Vec<Json>>>);

impl Hook for Both {
    fn on_event(&self, _: &Event<'_>) -> Result<(), AuditError> {
        Ok(())
    }
    fn observes_outcome(&self) -> bool {
        true
    }
    fn on_outcome(&self, event: &Event<'_>, outcome: &Outcome<'_>) -> Result<(), AuditError> {
        let json = serde_json::to_value(audit_sinks::JsonEvent::new(event).with_outcome(outcome))
            .expect("serialises");
        self.1.lock().unwrap().push(json);
        self.0.on_outcome(event, outcome)
    }
}

#[test]
fn json_event_writes_the_same_record_as_the_sinks() {
    let buf = SharedBuf::default();
    let embedded = Arc::new(Mutex::new(Vec::new()));
    let peer: SocketAddr = "[::1]:443".parse().unwrap();
    let odd = std::ffi::OsStr::new("caf\u{e9}\u{2028}\"\\");
    testing::capture_with_hook(
        Noting(Both(JsonLines::new(buf.clone()), Arc::clone(&embedded))),
        || {
            let _ = audit!("fs.open", path = Path::new(odd), list = &[1u8, 2][..]);
            let _ = audit!("net.connect", address = peer, protocol = "tcp");
            let _ = audit!("app.noted", bytes = b"\x00\xff".as_slice());
        },
    );
    let written = buf.records();
    let embedded = embedded.lock().unwrap();
    assert_eq!(written.len(), embedded.len());
    for (line, json) in written.iter().zip(embedded.iter()) {
        let mut line = line.clone();
        let mut json = json.as_object().unwrap().clone();
        assert!(line.remove("sequence").is_some());
        // Stamped a moment apart.
        line.remove("@timestamp");
        json.remove("@timestamp");
        assert_eq!(line, json);
        // Same fields, same order.
        assert!(line.keys().eq(json.keys()));
    }
}
