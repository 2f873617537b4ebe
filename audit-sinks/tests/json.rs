//! The JSON-lines sink: format, recursion through an audited writer, write failures.
#![cfg(feature = "json")]

use std::io::{self, Write};
use std::net::{IpAddr, SocketAddr};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, SystemTime};

use audit_core::{audit, testing, AuditErrorKind, Event, Hook, Value};
use audit_sinks::{JsonLines, OnWriteError};
use serde_json::Value as Json;

/// A writer whose buffer stays readable after the sink is moved into a capture.
#[derive(Clone, Default)]
struct SharedBuf(Arc<Mutex<Vec<u8>>>);

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

impl Write for SharedBuf {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
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
    assert_eq!(open["event"], "fs.open");
    assert_eq!(open["args"]["path"], "/tmp/a.txt");
    assert_eq!(open["args"]["read"], true);
    assert_eq!(open["args"]["write"], false);
    assert_eq!(open["args"]["mode"], 0o644);
    assert_eq!(open["args"]["delta"], -3);
    assert_eq!(open["args"]["ratio"], 0.5);
    // Argument order is kept.
    let keys: Vec<&str> = open["args"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys.len(), 6);

    let spawn = &lines[1];
    assert_eq!(spawn["args"]["program"], "/bin/ls");
    assert_eq!(spawn["args"]["args"], serde_json::json!(["-l", "x"]));
    assert_eq!(spawn["args"]["cwd"], Json::Null);

    let connect = &lines[2];
    assert_eq!(connect["args"]["addr"], "127.0.0.1:8080");
    assert_eq!(connect["args"]["ip"], "::1");
    assert_eq!(connect["args"]["timeout"], 1.5);
    assert_eq!(
        connect["args"]["data"],
        serde_json::json!({"len": 4, "preview": "hi\\n\\xff"})
    );

    for line in &lines {
        let time = line["time"].as_str().expect("time is a string");
        let parsed = humantime::parse_rfc3339(time).expect("time is RFC 3339");
        assert!(
            parsed + Duration::from_secs(1) >= before,
            "{time} is about now"
        );
        assert!(line["thread"]["id"].is_u64(), "{line}");
        assert_eq!(
            line["thread"]["name"],
            "one_line_per_event_with_typed_arguments"
        );
        assert_eq!(line["callsite"]["module"], "json");
        assert!(line["callsite"]["file"]
            .as_str()
            .unwrap()
            .ends_with("json.rs"));
        assert!(line["callsite"]["line"].as_u64().unwrap() > 40);
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
        assert_eq!(lines[0]["args"]["data"]["len"], 10_000);
        assert_eq!(
            lines[0]["args"]["data"]["preview"].as_str().unwrap().len(),
            audit_sinks::BYTES_PREVIEW
        );
    } else {
        assert!(lines.is_empty());
    }
}

#[cfg(unix)]
#[test]
fn non_utf8_paths_are_written_lossily() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;

    let buf = SharedBuf::default();
    let path = Path::new(OsStr::from_bytes(b"/tmp/caf\xe9"));
    let (_, _) = testing::capture_with_hook(JsonLines::new(buf.clone()), || {
        audit!("fs.remove_file", path)
    });
    let lines = buf.lines();
    if audit_core::ENABLED {
        assert_eq!(lines[0]["args"]["path"], "/tmp/caf\u{fffd}");
    } else {
        assert!(lines.is_empty());
    }
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
            assert_eq!(line["event"], "fs.open");
            assert_eq!(line["args"]["i"], i);
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

#[test]
fn a_shared_sink_keeps_lines_whole_across_threads() {
    let buf = SharedBuf::default();
    let sink = Arc::new(JsonLines::new(buf.clone()).flush_each_line(false));
    let threads: Vec<_> = (0..4)
        .map(|t| {
            let sink = Arc::clone(&sink);
            std::thread::spawn(move || {
                let hook = move |e: &Event<'_>| sink.on_event(e);
                testing::capture_with(hook, || {
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
                    l["args"]["t"].as_u64().unwrap(),
                    l["args"]["i"].as_u64().unwrap(),
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
    let lines = probe.buf.lines();
    if audit_core::ENABLED {
        assert_eq!(
            results[0].as_ref().unwrap_err().kind(),
            AuditErrorKind::HookPanicked
        );
        assert!(results[1].is_ok());
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0]["event"], "app.second");
    } else {
        assert!(results.iter().all(Result::is_ok) && lines.is_empty());
    }
}
