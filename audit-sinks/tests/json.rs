//! The JSON-lines sink: format, recursion through an audited writer, write failures.
#![cfg(feature = "json")]

mod common;

use std::io::{self, Write};
use std::net::{IpAddr, SocketAddr};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, SystemTime};

use audit_core::{audit, testing, AuditError, AuditErrorKind, Event, Hook, Outcome, Value};
use audit_sinks::{JsonLines, OnWriteError};
use common::SharedBuf;
use serde_json::Value as Json;

impl SharedBuf {
    fn lines(&self) -> Vec<Json> {
        let bytes = self.0.lock().unwrap().clone();
        let text = String::from_utf8(bytes).expect("the sink writes UTF-8");
        assert!(
            text.is_empty() || text.ends_with('\n'),
            "lines end with a newline: {text:?}"
        );
        text.lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("bad JSON {l:?}: {e}")))
            .collect()
    }
}

/// What a reader of a log makes of it, following `JsonLines`' documentation.
#[derive(Debug, Default)]
struct Read {
    /// Lines that parse.
    records: Vec<Json>,
    /// Lines that do not (records cut short by a failed write).
    broken: Vec<Vec<u8>>,
    empty: usize,
}

impl SharedBuf {
    /// Parses each line on its own, keeping those that fail apart.
    fn read(&self) -> Read {
        let bytes = self.0.lock().unwrap().clone();
        let mut read = Read::default();
        let Some(body) = bytes.strip_suffix(b"\n") else {
            // A log whose last write failed part-way ends in a fragment.
            read.broken
                .extend((!bytes.is_empty()).then(|| bytes.clone()));
            return read;
        };
        for line in body.split(|b| *b == b'\n') {
            if line.is_empty() {
                read.empty += 1;
            } else if let Ok(json) = serde_json::from_slice::<Json>(line) {
                assert!(json.is_object(), "{json}");
                read.records.push(json);
            } else {
                read.broken.push(line.to_vec());
            }
        }
        read
    }
}

#[test]
fn one_line_per_event_with_typed_arguments() {
    let buf = SharedBuf::default();
    let addr: SocketAddr = "127.0.0.1:8080".parse().unwrap();
    let ip: IpAddr = "::1".parse().unwrap();
    let args = [Value::OsStr("-l".as_ref()), Value::Str("x")];
    let cwd: Option<&Path> = None;
    let before = SystemTime::now();
    let (results, events) = testing::capture_with_hook(JsonLines::new(buf.clone()), || {
        [
            audit!(
                "fs.open",
                path = Path::new("/tmp/a.txt"),
                read = true,
                write = false,
                mode = 0o644u32,
                delta = -3i32,
                ratio = 0.5f64,
            ),
            audit!(
                "process.spawn",
                program = Path::new("/bin/ls"),
                args = &args[..],
                cwd
            ),
            audit!(
                "net.connect",
                addr,
                ip,
                timeout = Duration::from_millis(1500),
                data = b"hi\n\xff".as_slice()
            ),
        ]
    });
    assert!(results.iter().all(Result::is_ok));
    let lines = buf.lines();
    if !audit_core::ENABLED {
        assert!(events.is_empty());
        assert!(
            lines.is_empty(),
            "nothing is written when auditing is compiled out"
        );
        return;
    }
    assert_eq!(events.len(), 3);
    assert_eq!(lines.len(), 3, "{lines:#?}");

    let open = &lines[0];
    assert_eq!(open["event.action"], "fs.open");
    assert_eq!(open["audit.args"]["path"], "/tmp/a.txt");
    assert_eq!(open["audit.args"]["read"], true);
    assert_eq!(open["audit.args"]["write"], false);
    assert_eq!(open["audit.args"]["mode"], 0o644);
    assert_eq!(open["audit.args"]["delta"], -3);
    assert_eq!(open["audit.args"]["ratio"], 0.5);
    // Argument order is kept.
    let keys: Vec<&str> = open["audit.args"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys.len(), 6);

    let spawn = &lines[1];
    assert_eq!(spawn["audit.args"]["program"], "/bin/ls");
    assert_eq!(spawn["audit.args"]["args"], serde_json::json!(["-l", "x"]));
    assert_eq!(spawn["audit.args"]["cwd"], Json::Null);

    let connect = &lines[2];
    assert_eq!(connect["audit.args"]["addr"], "127.0.0.1:8080");
    assert_eq!(connect["audit.args"]["ip"], "::1");
    assert_eq!(connect["audit.args"]["timeout"], 1.5);
    assert_eq!(
        connect["audit.args"]["data"],
        serde_json::json!({"len": 4, "preview": "hi\\n\\xff"})
    );

    for line in &lines {
        let time = line["@timestamp"].as_str().expect("@timestamp is a string");
        let parsed = humantime::parse_rfc3339(time).expect("time is RFC 3339");
        assert!(
            parsed + Duration::from_secs(1) >= before,
            "{time} is about now"
        );
        assert!(line["thread.id"].is_u64(), "{line}");
        assert_eq!(
            line["thread.name"],
            "one_line_per_event_with_typed_arguments"
        );
        assert_eq!(line["code.namespace"], "json");
        assert!(line["code.filepath"].as_str().unwrap().ends_with("json.rs"));
        assert!(line["code.lineno"].as_u64().unwrap() > 40);
    }
}

#[test]
fn long_byte_arguments_are_cut_but_their_length_kept() {
    let buf = SharedBuf::default();
    let payload = vec![b'a'; 10_000];
    let (result, _) = testing::capture_with_hook(JsonLines::new(buf.clone()), || {
        audit!("app.write", path = Path::new("/tmp/big"), data = &payload)
    });
    assert!(result.is_ok());
    let lines = buf.lines();
    if audit_core::ENABLED {
        assert_eq!(lines[0]["audit.args"]["data"]["len"], 10_000);
        assert_eq!(
            lines[0]["audit.args"]["data"]["preview"]
                .as_str()
                .unwrap()
                .len(),
            audit_sinks::BYTES_PREVIEW
        );
    } else {
        assert!(lines.is_empty());
    }
}

/// Hex digits back to bytes, as a reader of the log would decode them.
#[cfg(unix)]
fn from_hex(hex: &str) -> Vec<u8> {
    assert_eq!(hex.len() % 2, 0, "{hex:?}");
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect()
}

/// The exact bytes a logged path stands for, whichever form it took.
#[cfg(unix)]
fn logged_bytes(value: &Json) -> Vec<u8> {
    match value {
        Json::String(s) => s.as_bytes().to_vec(),
        Json::Object(o) => {
            assert_eq!(o.len(), 2, "{value}");
            assert!(o["lossy"].is_string(), "{value}");
            from_hex(o["hex"].as_str().expect("hex is a string"))
        }
        other => panic!("a path is a string or an object: {other}"),
    }
}

#[cfg(unix)]
#[test]
fn non_utf8_paths_keep_a_readable_and_a_lossless_form() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;

    let dir = tempfile::tempdir().unwrap();
    let names: [&[u8]; 5] = [
        b"name-\xff",
        b"name-\xfe",
        b"name-\xef\xbf\xbd", // U+FFFD itself: valid UTF-8
        b"caf\xe9 \\ \"q\"\n",
        b"plain.txt",
    ];
    let paths: Vec<_> = names
        .iter()
        .map(|n| dir.path().join(OsStr::from_bytes(n)))
        .collect();
    let buf = SharedBuf::default();
    // Real files with those names, created through the audited drop-ins.
    let (results, _) = testing::capture_with_hook(JsonLines::new(buf.clone()), || {
        paths
            .iter()
            .enumerate()
            .map(|(i, p)| audit_std::fs::write(p, [i as u8]))
            .collect::<Vec<_>>()
    });
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    let lines = buf.lines();
    if !audit_core::ENABLED {
        assert!(lines.is_empty());
        return;
    }
    let logged: Vec<&Json> = lines
        .iter()
        .filter(|l| l["event.action"] == "fs.open")
        .map(|l| &l["audit.args"]["path"])
        .collect();
    assert_eq!(logged.len(), paths.len(), "{lines:?}");
    for (i, (value, path)) in logged.iter().zip(&paths).enumerate() {
        let bytes = logged_bytes(value);
        assert_eq!(bytes, path.as_os_str().as_bytes(), "{value}");
        // The logged name reaches the very file that was written.
        let back = Path::new(OsStr::from_bytes(&bytes));
        assert_eq!(std::fs::read(back).unwrap(), [i as u8]);
        match path.to_str() {
            // UTF-8 paths keep their plain string form.
            Some(text) => assert_eq!(**value, Json::from(text)),
            None => assert_eq!(value["lossy"], *path.to_string_lossy(), "{value}"),
        }
    }
    // `\xff` and `\xfe` read alike but are logged apart.
    assert_eq!(logged[0]["lossy"], logged[1]["lossy"]);
    assert_ne!(logged[0], logged[1]);
    let hex = |v: &Json| v["hex"].as_str().unwrap().to_owned();
    assert!(hex(logged[0]).ends_with("6e616d652dff"), "{}", logged[0]);
    assert!(hex(logged[1]).ends_with("6e616d652dfe"), "{}", logged[1]);
    // A real U+FFFD in a valid name stays a plain string.
    assert!(logged[2].as_str().unwrap().ends_with("name-\u{fffd}"));
}

#[cfg(unix)]
#[test]
fn non_utf8_program_arguments_are_lossless_too() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;

    let buf = SharedBuf::default();
    let args = [
        OsStr::from_bytes(b"-\xff"),
        OsStr::from_bytes(b"-\xfe"),
        OsStr::new("ok"),
    ];
    let (status, _) = testing::capture_with_hook(JsonLines::new(buf.clone()), || {
        audit_std::process::Command::new("true").args(args).status()
    });
    assert!(status.unwrap().success());
    let lines = buf.lines();
    if !audit_core::ENABLED {
        assert!(lines.is_empty());
        return;
    }
    let spawn = lines
        .iter()
        .find(|l| l["event.action"] == "process.spawn")
        .expect("process.spawn logged");
    let logged = spawn["audit.args"]["args"].as_array().expect("a list");
    let bytes: Vec<Vec<u8>> = logged.iter().map(logged_bytes).collect();
    let expected: Vec<Vec<u8>> = args.iter().map(|a| a.as_bytes().to_vec()).collect();
    assert_eq!(bytes, expected, "{spawn}");
    assert_eq!(logged[2], "ok");
}

/// A writer that is itself audited, like an `audit_std::fs::File`.
#[derive(Clone, Default)]
struct AuditedWriter {
    buf: SharedBuf,
    writes: Arc<AtomicUsize>,
    vetoed_inside: Arc<AtomicUsize>,
}

impl Write for AuditedWriter {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.writes.fetch_add(1, Ordering::SeqCst);
        // Would recurse into the sink (and deadlock on its lock) if audit
        // points inside hooks were dispatched.
        if audit!(
            "app.write",
            path = Path::new("/var/log/audit.jsonl"),
            len = data.len()
        )
        .is_err()
        {
            self.vetoed_inside.fetch_add(1, Ordering::SeqCst);
        }
        self.buf.write(data)
    }
    fn flush(&mut self) -> io::Result<()> {
        audit!("app.flush")?;
        Ok(())
    }
}

#[test]
fn an_audited_writer_does_not_recurse() {
    let writer = AuditedWriter::default();
    let probe = writer.clone();
    let (done_tx, done_rx) = mpsc::channel();
    // In a thread, so that a deadlock fails the test instead of hanging it.
    std::thread::spawn(move || {
        let outcome = testing::capture_with_hook(JsonLines::new(writer), || {
            (0..3)
                .map(|i| audit!("fs.open", path = Path::new("/tmp/x"), i = i as u32))
                .collect::<Vec<_>>()
        });
        let _ = done_tx.send(outcome);
    });
    let (results, events) = done_rx
        .recv_timeout(Duration::from_secs(20))
        .expect("the sink deadlocked or panicked");
    assert!(results.iter().all(Result::is_ok));
    let lines = probe.buf.lines();
    assert_eq!(probe.vetoed_inside.load(Ordering::SeqCst), 0);
    if audit_core::ENABLED {
        // Only the three raised events: the writer's own `app.write` and
        // `app.flush` were skipped, neither captured nor logged.
        assert_eq!(events.len(), 3, "{events:?}");
        assert!(events.iter().all(|e| e.name() == "fs.open"));
        assert_eq!(lines.len(), 3);
        assert!(probe.writes.load(Ordering::SeqCst) >= 3);
        for (i, line) in lines.iter().enumerate() {
            assert_eq!(line["event.action"], "fs.open");
            assert_eq!(line["audit.args"]["i"], i);
        }
    } else {
        assert!(events.is_empty() && lines.is_empty());
        assert_eq!(probe.writes.load(Ordering::SeqCst), 0);
    }
}

struct FailingWriter;

impl Write for FailingWriter {
    fn write(&mut self, _: &[u8]) -> io::Result<usize> {
        Err(io::Error::other("disk full"))
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[test]
fn write_failures_are_counted_and_ignored_by_default() {
    let sink = JsonLines::new(FailingWriter);
    let errors = sink.error_count();
    let (results, _) = testing::capture_with_hook(sink, || {
        [
            audit!("fs.create_dir", path = Path::new("/tmp/d")),
            audit!("app.x"),
        ]
    });
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    assert_eq!(errors.get(), if audit_core::ENABLED { 2 } else { 0 });
}

#[test]
fn write_failures_veto_when_asked() {
    let sink = JsonLines::new(FailingWriter).on_write_error(OnWriteError::Veto);
    let errors = sink.error_count();
    let (result, events) =
        testing::capture_with_hook(sink, || audit!("fs.create_dir", path = Path::new("/tmp/d")));
    if audit_core::ENABLED {
        let err = result.expect_err("fail-closed sink vetoes");
        assert_eq!(err.kind(), AuditErrorKind::Denied);
        assert_eq!(err.event(), Some("fs.create_dir"));
        assert!(err.reason().contains("disk full"), "{err}");
        assert_eq!(errors.get(), 1);
        assert_eq!(events.len(), 1);
    } else {
        assert!(result.is_ok());
        assert_eq!(errors.get(), 0);
    }
}

/// One sink shared by several captures, each on its own thread.
struct Shared(Arc<JsonLines<SharedBuf>>);

impl Hook for Shared {
    fn on_event(&self, event: &Event<'_>) -> Result<(), AuditError> {
        self.0.on_event(event)
    }
    fn observes_outcome(&self) -> bool {
        self.0.observes_outcome()
    }
    fn on_outcome(&self, event: &Event<'_>, outcome: &Outcome<'_>) -> Result<(), AuditError> {
        self.0.on_outcome(event, outcome)
    }
}

#[test]
fn a_shared_sink_keeps_lines_whole_across_threads() {
    let buf = SharedBuf::default();
    let sink = Arc::new(JsonLines::new(buf.clone()).flush_each_line(false));
    let threads: Vec<_> = (0..4)
        .map(|t| {
            let sink = Arc::clone(&sink);
            std::thread::spawn(move || {
                testing::capture_with_hook(Shared(sink), || {
                    for i in 0..50u32 {
                        audit!(
                            "net.send_to",
                            addr = SocketAddr::from(([127, 0, 0, 1], 9000)),
                            t = t as u32,
                            i
                        )
                        .unwrap();
                    }
                })
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let lines = buf.lines();
    if audit_core::ENABLED {
        assert_eq!(lines.len(), 200);
        let mut ids: Vec<(u64, u64)> = lines
            .iter()
            .map(|l| {
                (
                    l["audit.args"]["t"].as_u64().unwrap(),
                    l["audit.args"]["i"].as_u64().unwrap(),
                )
            })
            .collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), 200);
    } else {
        assert!(lines.is_empty());
    }
    assert_eq!(sink.write_errors(), 0);
}

/// Panics on its first write, then writes normally.
#[derive(Clone, Default)]
struct PanicsOnce {
    buf: SharedBuf,
    panicked: Arc<AtomicUsize>,
}

impl Write for PanicsOnce {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        if self.panicked.fetch_add(1, Ordering::SeqCst) == 0 {
            panic!("writer exploded");
        }
        self.buf.write(data)
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[test]
fn a_panicking_writer_refuses_that_event_and_the_sink_recovers() {
    let writer = PanicsOnce::default();
    let probe = writer.clone();
    let (results, _) = testing::capture_with_hook(JsonLines::new(writer), || {
        [audit!("app.first"), audit!("app.second")]
    });
    if audit_core::ENABLED {
        assert_eq!(
            results[0].as_ref().unwrap_err().kind(),
            AuditErrorKind::HookPanicked
        );
        assert!(results[1].is_ok());
        // The sink cannot know how much of the line the writer took before
        // panicking, so the next record starts with a newline: here the
        // writer took nothing, which leaves one empty line for readers to skip.
        let read = probe.buf.read();
        assert_eq!((read.empty, read.broken.len()), (1, 0), "{read:?}");
        assert_eq!(read.records.len(), 1);
        assert_eq!(read.records[0]["event.action"], "app.second");
    } else {
        assert!(results.iter().all(Result::is_ok) && probe.buf.lines().is_empty());
    }
}

/// Takes `budget` more bytes (then fails every write) while a budget is set;
/// takes everything once it is cleared. Like a disk that fills up and is
/// then cleaned, or a pipe that breaks and is reconnected.
#[derive(Clone, Default)]
struct Flaky {
    buf: SharedBuf,
    budget: Arc<Mutex<Option<usize>>>,
    /// Hand over at most this many bytes per `write` call (0: no limit), to
    /// exercise `write` calls that take part of what they are given.
    chunk: usize,
}

impl Flaky {
    fn fail_after(&self, bytes: usize) {
        *self.budget.lock().unwrap() = Some(bytes);
    }
    fn heal(&self) {
        *self.budget.lock().unwrap() = None;
    }
}

impl Write for Flaky {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        let mut budget = self.budget.lock().unwrap();
        let mut n = data.len();
        if self.chunk > 0 {
            n = n.min(self.chunk);
        }
        if let Some(left) = budget.as_mut() {
            if *left == 0 {
                return Err(io::Error::other("disk full"));
            }
            n = n.min(*left);
            *left -= n;
        }
        self.buf.write(&data[..n])
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Raises `app.cut` with the writer failing after `budget` bytes, then
/// `app.after` `after` times with a healthy writer.
fn cut_then_recover(
    on_error: OnWriteError,
    budget: usize,
    chunk: usize,
) -> (Vec<Result<(), audit_core::AuditError>>, Flaky, u64) {
    let writer = Flaky {
        chunk,
        ..Flaky::default()
    };
    let control = writer.clone();
    let sink = JsonLines::new(writer).on_write_error(on_error);
    let errors = sink.error_count();
    let (results, _) = testing::capture_with_hook(sink, || {
        control.fail_after(budget);
        let mut results = vec![audit!("app.cut", path = Path::new("/tmp/cut"), n = 1u32)];
        control.heal();
        for i in 0..3u32 {
            results.push(audit!("app.after", path = Path::new("/tmp/after"), i));
        }
        results
    });
    (results, control, errors.get())
}

#[test]
fn a_record_after_a_partial_write_starts_its_own_line_and_parses() {
    // The full line of `app.cut`, to cut it at every length.
    let full = {
        let (_, w, _) = cut_then_recover(OnWriteError::Ignore, usize::MAX, 0);
        let bytes = w.buf.0.lock().unwrap().clone();
        bytes.iter().position(|b| *b == b'\n').map_or(0, |i| i + 1)
    };
    for on_error in [OnWriteError::Veto, OnWriteError::Ignore] {
        for chunk in [0, 7] {
            for budget in 0..=full {
                let (results, writer, errors) = cut_then_recover(on_error, budget, chunk);
                let read = writer.buf.read();
                let context = format!(
                    "{on_error:?}, cut after {budget} of {full} bytes, chunk {chunk}: {read:?}"
                );
                if !audit_core::ENABLED {
                    assert!(
                        read.records.is_empty() && read.broken.is_empty(),
                        "{context}"
                    );
                    continue;
                }
                // Every later record is whole.
                let after: Vec<_> = read
                    .records
                    .iter()
                    .filter(|r| r["event.action"] == "app.after")
                    .map(|r| r["audit.args"]["i"].as_u64().unwrap())
                    .collect();
                assert_eq!(after, [0, 1, 2], "{context}");
                assert!(results[1..].iter().all(Result::is_ok), "{context}");
                let cut_whole = budget == full;
                assert_eq!(errors, u64::from(!cut_whole), "{context}");
                if cut_whole {
                    assert!(results[0].is_ok(), "{context}");
                    assert_eq!(read.records.len(), 4, "{context}");
                    assert_eq!((read.empty, read.broken.len()), (0, 0), "{context}");
                    continue;
                }
                // The cut record: vetoed or allowed as configured, and at
                // most one broken line (its fragment) with nothing glued on.
                match on_error {
                    OnWriteError::Veto => {
                        let err = results[0].as_ref().expect_err(&context);
                        assert_eq!(err.kind(), AuditErrorKind::Denied, "{context}");
                    }
                    OnWriteError::Ignore => assert!(results[0].is_ok(), "{context}"),
                }
                // `write_all` does not say how much it wrote: any failure is
                // followed by a newline, which leaves an empty line when the
                // writer had taken nothing.
                assert_eq!(read.empty, usize::from(budget == 0), "{context}");
                if budget == 0 {
                    assert_eq!(read.records.len(), 3, "{context}");
                    assert!(read.broken.is_empty(), "{context}");
                } else if budget + 1 == full {
                    // Everything but the newline: the record stands whole
                    // (the attempt), though the operation was counted failed.
                    assert_eq!(read.records.len(), 4, "{context}");
                    assert_eq!(read.records[0]["event.action"], "app.cut", "{context}");
                    assert!(read.broken.is_empty(), "{context}");
                } else {
                    // One broken line: exactly the fragment, nothing glued on.
                    assert_eq!(read.records.len(), 3, "{context}");
                    assert_eq!(read.broken.len(), 1, "{context}");
                    assert_eq!(read.broken[0].len(), budget, "{context}");
                }
            }
        }
    }
}

#[test]
fn repeated_failures_never_glue_records_together() {
    let writer = Flaky::default();
    let control = writer.clone();
    let sink = JsonLines::new(writer).on_write_error(OnWriteError::Veto);
    let (results, _) = testing::capture_with_hook(sink, || {
        let mut results = Vec::new();
        // Cut mid-record; then fail on the very newline that would close the
        // fragment; then cut just after that newline; then cut again.
        for budget in [20, 0, 1, 33] {
            control.fail_after(budget);
            results.push(audit!("app.cut", budget = budget as u64));
        }
        control.heal();
        results.push(audit!("app.ok"));
        results
    });
    let read = control.buf.read();
    if !audit_core::ENABLED {
        assert!(results.iter().all(Result::is_ok) && read.records.is_empty());
        return;
    }
    assert!(results[..4].iter().all(Result::is_err), "{results:?}");
    assert!(results[4].is_ok());
    assert_eq!(read.records.len(), 1, "{read:?}");
    assert_eq!(read.records[0]["event.action"], "app.ok");
    // Two fragments, each alone on its line: 20 bytes, then 32 (the budget of
    // 33 less the newline that closed the line before). The budget of 1 took
    // only a newline, which with the next one makes an empty line.
    let lens: Vec<usize> = read.broken.iter().map(Vec::len).collect();
    assert_eq!(lens, [20, 32], "{read:?}");
    assert_eq!(read.empty, 1, "{read:?}");
}

/// Counts `write_all` calls and what each was given.
#[derive(Clone, Default)]
struct WholeLines {
    calls: Arc<Mutex<Vec<Vec<u8>>>>,
    fail_next: Arc<AtomicUsize>,
}

impl Write for WholeLines {
    fn write(&mut self, _: &[u8]) -> io::Result<usize> {
        Err(io::Error::other("only write_all is expected"))
    }
    fn write_all(&mut self, data: &[u8]) -> io::Result<()> {
        self.calls.lock().unwrap().push(data.to_vec());
        if self.fail_next.swap(0, Ordering::SeqCst) == 1 {
            return Err(io::Error::other("disk full"));
        }
        Ok(())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[test]
fn each_record_is_one_write_all_call_even_after_a_failure() {
    // A writer may lock a shared file around `write_all`: the newline that
    // closes a fragment must travel in the same call as the next record.
    let writer = WholeLines::default();
    let probe = writer.clone();
    let (results, _) = testing::capture_with_hook(JsonLines::new(writer), || {
        probe.fail_next.store(1, Ordering::SeqCst);
        [audit!("app.a"), audit!("app.b"), audit!("app.c")]
    });
    assert!(results.iter().all(Result::is_ok));
    let calls = probe.calls.lock().unwrap().clone();
    if !audit_core::ENABLED {
        assert!(calls.is_empty());
        return;
    }
    assert_eq!(calls.len(), 3);
    assert!(calls[0].starts_with(b"{") && calls[0].ends_with(b"}\n"));
    assert!(calls[1].starts_with(b"\n{") && calls[1].ends_with(b"}\n"));
    assert!(calls[2].starts_with(b"{") && calls[2].ends_with(b"}\n"));
    for (call, name) in calls[1..].iter().zip(["app.b", "app.c"]) {
        let json: Json = serde_json::from_slice(call.trim_ascii()).unwrap();
        assert_eq!(json["event.action"], name);
    }
}

#[test]
fn no_reader_sees_a_line_break_inside_a_record() {
    // What Python's `str.splitlines` (and so many log tools) split on.
    const BREAKS: &[char] = &[
        '\n', '\r', '\u{b}', '\u{c}', '\u{1c}', '\u{1d}', '\u{1e}', '\u{85}', '\u{2028}',
        '\u{2029}',
    ];
    let hostile = "a\u{85}b\u{2028}c\u{2029}d\re\u{b}f\u{c}g\u{1c}h\ni\"j\\k\u{2027}\u{e2}";
    let buf = SharedBuf::default();
    let list = [Value::Str(hostile)];
    let (_, _) = testing::capture_with_hook(JsonLines::new(buf.clone()), || {
        for _ in 0..2 {
            audit!(
                "fs.open",
                path = Path::new(hostile),
                note = hostile,
                list = &list[..],
                shown = audit_core::display(hostile)
            )
            .unwrap();
        }
    });
    let text = String::from_utf8(buf.0.lock().unwrap().clone()).unwrap();
    if !audit_core::ENABLED {
        assert!(text.is_empty());
        return;
    }
    let records: Vec<&str> = text.split_terminator('\n').collect();
    assert_eq!(records.len(), 2, "{text:?}");
    for record in records {
        assert!(!record.contains(BREAKS), "{record:?}");
        assert!(!record.chars().any(char::is_control), "{record:?}");
        let json: Json = serde_json::from_str(record).unwrap();
        for field in ["path", "note", "shown"] {
            assert_eq!(json["audit.args"][field], hostile, "{field}: {record}");
        }
        assert_eq!(json["audit.args"]["list"][0], hostile);
    }
}
