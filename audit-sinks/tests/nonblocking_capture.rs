//! What the non-blocking sink copies on the audited thread: every kind of
//! value comes out as `JsonLines` writes it, nothing is borrowed past the
//! event, many threads at once lose nothing and number their records in
//! order, and huge values neither break records nor stop the sink.
#![cfg(feature = "json")]

mod common;

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::Path;
use std::sync::{Arc, Barrier, Condvar, Mutex};
use std::thread;
use std::time::Duration;

use audit_core::{audit, debug, testing, AuditError, Event, Hook, Outcome, Value};
use audit_sinks::{JsonLines, NonBlocking, WhenFull, WriterGuard, LOST_ACTION};
use common::SharedBuf;
use serde_json::{Map, Value as Json};

/// Several sinks as one capture hook; refuses `app.refused` itself, as a
/// policy installed before them would.
struct Fan(Vec<Arc<dyn Hook>>);

impl Hook for Fan {
    fn on_event(&self, event: &Event<'_>) -> Result<(), AuditError> {
        if event.name() == "app.refused" {
            return Err(AuditError::denied("refused by policy"));
        }
        Ok(())
    }
    fn observes_outcome(&self) -> bool {
        true
    }
    fn on_outcome(&self, event: &Event<'_>, outcome: &Outcome<'_>) -> Result<(), AuditError> {
        for hook in &self.0 {
            hook.on_outcome(event, outcome)?;
        }
        Ok(())
    }
}

fn spawn(out: SharedBuf, capacity: usize, when_full: WhenFull) -> (Arc<NonBlocking>, WriterGuard) {
    let (sink, guard) = NonBlocking::builder(out)
        .capacity(capacity)
        .when_full(when_full)
        .spawn()
        .expect("the writer thread starts");
    (Arc::new(sink), guard)
}

/// A record without the fields that differ between two sinks writing the
/// same event.
fn comparable(mut record: Map<String, Json>) -> Map<String, Json> {
    record.remove("sequence");
    record.remove("@timestamp");
    record
}

#[derive(Debug)]
#[allow(dead_code)] // Read through `Debug` only.
struct Mode {
    read: bool,
    label: &'static str,
}

/// Every kind of value, alone and in lists (nested, and holding paths and
/// `Debug` values), through both sinks.
fn raise_every_kind() {
    let long: Vec<u8> = (0..=255u8).cycle().take(1000).collect();
    let peer = SocketAddr::new(IpAddr::V6(Ipv6Addr::LOCALHOST), 8443);
    let _ = audit!(
        "app.kinds",
        path = Path::new("/srv/data/report \"2026\".csv"),
        os = std::ffi::OsStr::new("a=b"),
        text = "line\u{2028}break\u{85}and \"quotes\" \n",
        data = long.as_slice(),
        short = b"\x00\xffok".as_slice(),
        neg = -42i64,
        big = u64::MAX,
        ratio = 0.25f64,
        flag = false,
        peer,
        ip = IpAddr::V4(Ipv4Addr::LOCALHOST),
        timeout = Duration::from_millis(1500),
        nothing = None::<u32>,
        mode = debug(Mode {
            read: true,
            label: "r\u{2029}o",
        })
    );
    let inner = [Value::Uint(1), Value::Str("two")];
    let items = [
        Value::Path(Path::new("/etc/passwd")),
        Value::List(&inner),
        Value::Debug(&Mode {
            read: false,
            label: "x",
        }),
        Value::Bytes(b"abc"),
    ];
    let empty: [Value<'_>; 0] = [];
    let _ = audit!(
        "app.lists",
        items = items.as_slice(),
        empty = empty.as_slice(),
        after = "the argument after the lists"
    );
    let _ = audit!("net.connect", address = peer, protocol = "tcp");
    let _ = audit!("app.refused", n = 3u32);
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let odd = Path::new(std::ffi::OsStr::from_bytes(b"/tmp/not-utf8-\xff\xfe"));
        let _ = audit!("fs.open", path = odd, write = true);
    }
}

#[test]
fn every_kind_of_value_is_written_as_json_lines_writes_it() {
    let direct = SharedBuf::default();
    let queued = SharedBuf::default();
    let (sink, guard) = spawn(queued.clone(), 4, WhenFull::Block);
    let json: Arc<dyn Hook> = Arc::new(JsonLines::new(direct.clone()));
    testing::capture_with_hook(Fan(vec![json, sink.clone()]), raise_every_kind);
    guard.shutdown();
    let (direct, queued) = (direct.records(), queued.records());
    if !audit_core::ENABLED {
        assert!(direct.is_empty() && queued.is_empty());
        return;
    }
    let expected = if cfg!(unix) { 5 } else { 4 };
    assert_eq!(direct.len(), expected);
    assert_eq!(queued.len(), expected);
    for (a, b) in direct.into_iter().zip(queued) {
        assert_eq!(comparable(a), comparable(b));
    }
    assert_eq!(sink.lost(), 0);
    assert_eq!(sink.write_errors(), 0);
}

#[test]
fn values_are_copied_not_borrowed_past_the_event() {
    // The event's buffers are dropped (and overwritten) before the writer
    // formats the record: only a copy can be written.
    let gate = Arc::new((Mutex::new(false), Condvar::new()));
    let out = Gated {
        gate: Arc::clone(&gate),
        out: SharedBuf::default(),
    };
    let (sink, guard) = NonBlocking::builder(out.clone())
        .capacity(8)
        .spawn()
        .unwrap();
    let sink = Arc::new(sink);
    testing::capture_with_hook(Fan(vec![sink.clone()]), || {
        for i in 0..3u8 {
            let mut path = format!("/srv/file-{i}");
            let mut bytes = vec![i; 100];
            let mut text = format!("text {i}");
            let _ = audit!(
                "app.copy",
                path = Path::new(&path),
                bytes = bytes.as_slice(),
                text = text.as_str()
            );
            path.clear();
            path.push_str("/overwritten/overwritten");
            bytes.fill(0xee);
            text.clear();
            text.push_str("overwritten");
        }
    });
    *gate.0.lock().unwrap() = true;
    gate.1.notify_all();
    guard.shutdown();
    let records = out.out.records();
    if !audit_core::ENABLED {
        assert!(records.is_empty());
        return;
    }
    assert_eq!(records.len(), 3);
    for (i, record) in records.iter().enumerate() {
        let args = &record["audit.args"];
        assert_eq!(args["path"], format!("/srv/file-{i}"));
        assert_eq!(args["text"], format!("text {i}"));
        assert_eq!(args["bytes"]["len"], 100);
        let preview: String = std::iter::repeat_n(format!("\\x0{i}"), 64).collect();
        assert_eq!(args["bytes"]["preview"], preview);
        assert_eq!(record["file.path"], format!("/srv/file-{i}"));
    }
}

/// Holds every write until the gate opens.
#[derive(Clone)]
struct Gated {
    gate: Arc<(Mutex<bool>, Condvar)>,
    out: SharedBuf,
}

impl Write for Gated {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut open = self.gate.0.lock().unwrap();
        while !*open {
            open = self.gate.1.wait(open).unwrap();
        }
        self.out.write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

const THREADS: usize = 8;
const PER_THREAD: u64 = 600;

/// Raises `PER_THREAD` events on each of `THREADS` threads at once, each
/// thread with its own capture of the shared sink; returns how many were
/// refused.
fn raise_from_many_threads(sink: &Arc<NonBlocking>) -> usize {
    let start = Arc::new(Barrier::new(THREADS));
    let threads: Vec<_> = (0..THREADS)
        .map(|t| {
            let (sink, start) = (Arc::clone(sink), Arc::clone(&start));
            thread::Builder::new()
                .name(format!("producer-{t}"))
                .spawn(move || {
                    let path = format!("/srv/thread-{t}/data");
                    let (refused, _) = testing::capture_with_hook(Fan(vec![sink]), || {
                        start.wait();
                        (0..PER_THREAD)
                            .filter(|&i| {
                                let path = Path::new(&path);
                                // Every third with a `Debug` argument, which
                                // is copied outside the queue's lock.
                                let result = if i % 3 == 0 {
                                    audit!("app.step", path, t, i, shown = debug(i))
                                } else {
                                    audit!("app.step", path, t, i)
                                };
                                result.is_err()
                            })
                            .count()
                    });
                    refused
                })
                .unwrap()
        })
        .collect();
    threads.into_iter().map(|t| t.join().unwrap()).sum()
}

#[test]
fn many_threads_lose_nothing_and_numbers_follow_the_file() {
    let out = SharedBuf::default();
    // A small queue: the threads wait for the writer again and again.
    let (sink, guard) = spawn(out.clone(), 4, WhenFull::Block);
    assert_eq!(raise_from_many_threads(&sink), 0);
    guard.shutdown();
    let records = out.records();
    if !audit_core::ENABLED {
        assert!(records.is_empty());
        return;
    }
    let total = THREADS as u64 * PER_THREAD;
    let numbers: Vec<u64> = records
        .iter()
        .map(|r| r["sequence"].as_u64().unwrap())
        .collect();
    assert_eq!(numbers, (1..=total).collect::<Vec<_>>());
    // Each thread's events in the order it raised them, with its own
    // thread fields and values (none mixed up with another event's).
    let mut seen: BTreeMap<u64, Vec<u64>> = BTreeMap::new();
    for record in &records {
        let args = &record["audit.args"];
        let t = args["t"].as_u64().unwrap();
        assert_eq!(args["path"], format!("/srv/thread-{t}/data"));
        assert_eq!(record["thread.name"], format!("producer-{t}"));
        let i = args["i"].as_u64().unwrap();
        if i % 3 == 0 {
            assert_eq!(args["shown"], i.to_string());
        } else {
            assert!(args.get("shown").is_none());
        }
        seen.entry(t).or_default().push(i);
    }
    assert_eq!(seen.len(), THREADS);
    for is in seen.values() {
        assert_eq!(*is, (0..PER_THREAD).collect::<Vec<_>>());
    }
    assert_eq!(sink.lost(), 0);
}

#[test]
fn dropping_under_pressure_accounts_for_every_number() {
    let gate = Arc::new((Mutex::new(false), Condvar::new()));
    let out = Gated {
        gate: Arc::clone(&gate),
        out: SharedBuf::default(),
    };
    let (sink, guard) = NonBlocking::builder(out.clone())
        .capacity(2)
        .when_full(WhenFull::Drop)
        .spawn()
        .unwrap();
    let sink = Arc::new(sink);
    // The writer is stuck at the gate with its first record: the queue
    // fills at once and most events are dropped.
    assert_eq!(raise_from_many_threads(&sink), 0);
    *gate.0.lock().unwrap() = true;
    gate.1.notify_all();
    guard.shutdown();
    let records = out.out.records();
    if !audit_core::ENABLED {
        assert!(records.is_empty());
        return;
    }
    let numbers: Vec<u64> = records
        .iter()
        .map(|r| r["sequence"].as_u64().unwrap())
        .collect();
    assert!(numbers.windows(2).all(|w| w[0] < w[1]), "{numbers:?}");
    let lost: u64 = records
        .iter()
        .filter(|r| r["event.action"] == LOST_ACTION)
        .map(|r| r["audit.lost"].as_u64().unwrap())
        .sum();
    let events = records
        .iter()
        .filter(|r| r["event.action"] == "app.step")
        .count() as u64;
    let lost_records = records.len() as u64 - events;
    assert!(lost > 0, "the queue of two overflowed");
    assert_eq!(sink.lost(), lost);
    // Every event raised is either written or counted ...
    assert_eq!(events + lost, THREADS as u64 * PER_THREAD);
    // ... and every number is a record or a dropped event.
    assert_eq!(*numbers.last().unwrap(), events + lost + lost_records);
}

#[test]
fn huge_values_are_written_whole_then_the_sink_goes_on() {
    let out = SharedBuf::default();
    let (sink, guard) = spawn(out.clone(), 4, WhenFull::Block);
    let text = "x".repeat(3 << 20);
    let data = vec![7u8; 5 << 20];
    testing::capture_with_hook(Fan(vec![sink.clone()]), || {
        let _ = audit!("app.huge", text = text.as_str(), data = data.as_slice());
        for i in 0..10u32 {
            let _ = audit!("app.small", i, text = "small");
        }
    });
    guard.shutdown();
    let records = out.records();
    if !audit_core::ENABLED {
        assert!(records.is_empty());
        return;
    }
    assert_eq!(records.len(), 11);
    let huge = &records[0]["audit.args"];
    assert_eq!(huge["text"].as_str().map(str::len), Some(3 << 20));
    assert_eq!(huge["data"]["len"], 5 << 20);
    for (i, record) in records[1..].iter().enumerate() {
        assert_eq!(record["audit.args"]["i"], i);
        assert_eq!(record["audit.args"]["text"], "small");
        assert_eq!(record["sequence"], i + 2);
    }
}
