//! The tracing bridge, observed through real subscribers.
#![cfg(feature = "tracing")]

use std::fmt;
use std::io;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use audit_core::{audit, testing, Value};
use audit_sinks::TracingBridge;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Level, Metadata, Subscriber};

/// What a subscriber saw of one event.
#[derive(Debug, Clone)]
struct Seen {
    target: String,
    name: String,
    level: Level,
    module: Option<String>,
    file: Option<String>,
    line: Option<u32>,
    field_names: Vec<String>,
    /// (field, "kind:value") for each recorded value.
    values: Vec<(String, String)>,
}

impl Seen {
    fn value(&self, field: &str) -> Option<&str> {
        self.values
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, v)| v.as_str())
    }
}

/// A minimal subscriber that records every event with the type of each field.
#[derive(Clone, Default)]
struct Recorder {
    seen: Arc<Mutex<Vec<Seen>>>,
    max_level: Option<Level>,
    next_id: Arc<AtomicU64>,
}

struct Fields<'a>(&'a mut Vec<(String, String)>);

impl Visit for Fields<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.push((field.name().into(), format!("str:{value}")));
    }
    fn record_i64(&mut self, field: &Field, value: i64) {
        self.0.push((field.name().into(), format!("i64:{value}")));
    }
    fn record_u64(&mut self, field: &Field, value: u64) {
        self.0.push((field.name().into(), format!("u64:{value}")));
    }
    fn record_f64(&mut self, field: &Field, value: f64) {
        self.0.push((field.name().into(), format!("f64:{value}")));
    }
    fn record_bool(&mut self, field: &Field, value: bool) {
        self.0.push((field.name().into(), format!("bool:{value}")));
    }
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.0
            .push((field.name().into(), format!("debug:{value:?}")));
    }
}

impl Subscriber for Recorder {
    fn enabled(&self, meta: &Metadata<'_>) -> bool {
        self.max_level.is_none_or(|max| *meta.level() <= max)
    }
    fn new_span(&self, _: &Attributes<'_>) -> Id {
        Id::from_u64(self.next_id.fetch_add(1, Ordering::Relaxed) + 1)
    }
    fn record(&self, _: &Id, _: &Record<'_>) {}
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &Event<'_>) {
        let meta = event.metadata();
        let mut values = Vec::new();
        event.record(&mut Fields(&mut values));
        self.seen.lock().unwrap().push(Seen {
            target: meta.target().into(),
            name: meta.name().into(),
            level: *meta.level(),
            module: meta.module_path().map(Into::into),
            file: meta.file().map(Into::into),
            line: meta.line(),
            field_names: meta.fields().iter().map(|f| f.name().to_string()).collect(),
            values,
        });
    }
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

#[test]
fn each_argument_becomes_a_typed_field() {
    let recorder = Recorder::default();
    let addr: SocketAddr = "127.0.0.1:4000".parse().unwrap();
    let args = [Value::Str("-c"), Value::Str("true")];
    let cwd: Option<&Path> = None;
    let (results, events) = tracing::subscriber::with_default(recorder.clone(), || {
        testing::capture_with_hook(TracingBridge::new(), || {
            [
                audit!(
                    "net.connect",
                    addr,
                    timeout_ms = 250u64,
                    retries = -1i32,
                    ratio = 0.25f64,
                    tls = false
                ),
                audit!(
                    "process.spawn",
                    program = Path::new("/bin/sh"),
                    args = &args[..],
                    cwd,
                    host = "localhost"
                ),
            ]
        })
    });
    assert!(results.iter().all(Result::is_ok));
    let seen = recorder.seen.lock().unwrap().clone();
    if !audit_core::ENABLED {
        assert!(events.is_empty() && seen.is_empty());
        return;
    }
    assert_eq!(seen.len(), 2, "{seen:#?}");

    let connect = &seen[0];
    assert_eq!(connect.target, "audit");
    assert_eq!(connect.name, "net.connect");
    assert_eq!(connect.level, Level::INFO);
    assert_eq!(connect.module.as_deref(), Some("tracing_bridge"));
    assert!(connect
        .file
        .as_deref()
        .unwrap()
        .ends_with("tracing_bridge.rs"));
    assert_eq!(connect.line, Some(events[0].callsite().line()));
    assert_eq!(
        connect.field_names,
        [
            "message",
            "addr",
            "timeout_ms",
            "retries",
            "ratio",
            "tls",
            "event.outcome",
            "event.reason"
        ]
    );
    assert_eq!(connect.value("message"), Some("str:net.connect"));
    assert_eq!(connect.value("addr"), Some("debug:127.0.0.1:4000"));
    assert_eq!(connect.value("timeout_ms"), Some("u64:250"));
    assert_eq!(connect.value("retries"), Some("i64:-1"));
    assert_eq!(connect.value("ratio"), Some("f64:0.25"));
    assert_eq!(connect.value("tls"), Some("bool:false"));
    assert_eq!(connect.value("event.outcome"), Some("str:allowed"));
    assert_eq!(connect.value("event.reason"), None);

    let spawn = &seen[1];
    assert_eq!(spawn.value("program"), Some("str:/bin/sh"));
    assert_eq!(spawn.value("args"), Some(r#"debug:["-c", "true"]"#));
    assert_eq!(spawn.value("host"), Some("str:localhost"));
    // `None` is left unrecorded, though the field exists.
    assert!(spawn.field_names.contains(&"cwd".to_string()));
    assert_eq!(spawn.value("cwd"), None);
}

#[test]
fn an_argument_called_message_keeps_its_name() {
    let recorder = Recorder::default();
    let (_, _) = tracing::subscriber::with_default(recorder.clone(), || {
        testing::capture_with_hook(TracingBridge::new(), || {
            audit!("app.log", message = "hello")
        })
    });
    let seen = recorder.seen.lock().unwrap().clone();
    if audit_core::ENABLED {
        assert_eq!(
            seen[0].field_names,
            ["audit.event", "message", "event.outcome", "event.reason"]
        );
        assert_eq!(seen[0].value("audit.event"), Some("str:app.log"));
        assert_eq!(seen[0].value("message"), Some("str:hello"));
    } else {
        assert!(seen.is_empty());
    }
}

#[test]
fn the_level_is_configurable_and_filtered() {
    let recorder = Recorder {
        max_level: Some(Level::WARN),
        ..Recorder::default()
    };
    let (_, events) = tracing::subscriber::with_default(recorder.clone(), || {
        // The same audit point, seen by an INFO bridge and a WARN bridge.
        testing::capture_with_hook(TracingBridge::new(), || {
            testing::capture_with_hook(TracingBridge::new().with_level(Level::WARN), || {
                audit!("fs.remove_file", path = Path::new("/tmp/gone"))
            })
        })
    });
    let seen = recorder.seen.lock().unwrap().clone();
    if audit_core::ENABLED {
        assert_eq!(events.len(), 1);
        assert_eq!(
            seen.len(),
            1,
            "only the WARN copy passes the filter: {seen:#?}"
        );
        assert_eq!(seen[0].level, Level::WARN);
        assert_eq!(seen[0].value("path"), Some("str:/tmp/gone"));
    } else {
        assert!(seen.is_empty());
    }
}

#[test]
fn without_a_subscriber_nothing_happens() {
    let (result, events) = testing::capture_with_hook(TracingBridge::new(), || {
        audit!("net.bind", addr = SocketAddr::from(([127, 0, 0, 1], 0)))
    });
    assert!(result.is_ok());
    assert_eq!(events.len(), usize::from(audit_core::ENABLED));
}

/// A `MakeWriter` for the fmt subscriber that keeps its output.
#[derive(Clone, Default)]
struct Output(Arc<Mutex<Vec<u8>>>);

impl io::Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Output {
    type Writer = Output;
    fn make_writer(&'a self) -> Output {
        self.clone()
    }
}

#[test]
fn the_fmt_subscriber_prints_the_event_and_its_fields() {
    let output = Output::default();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(output.clone())
        .with_ansi(false)
        .without_time()
        .finish();
    let (_, _) = tracing::subscriber::with_default(subscriber, || {
        testing::capture_with_hook(TracingBridge::new(), || {
            audit!(
                "fs.rename",
                from = Path::new("/tmp/a"),
                to = Path::new("/tmp/b")
            )
        })
    });
    let text = String::from_utf8(output.0.lock().unwrap().clone()).unwrap();
    if audit_core::ENABLED {
        assert_eq!(
            text.trim(),
            r#"INFO audit: fs.rename from="/tmp/a" to="/tmp/b" event.outcome="allowed""#,
            "{text}"
        );
    } else {
        assert!(text.is_empty());
    }
}

#[test]
fn hostile_names_cannot_forge_fmt_lines() {
    let output = Output::default();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(output.clone())
        .with_ansi(false)
        .without_time()
        .finish();
    let forged = "x\nINFO audit: fs.open path=/etc/shadow write=true";
    let mut names = vec![
        std::ffi::OsString::from(forged),
        "cr\r\n\"q\" \u{2028}".into(),
    ];
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStringExt;
        names.push(std::ffi::OsString::from_vec(b"name-\xff\n".to_vec()));
        names.push(std::ffi::OsString::from_vec(b"name-\xfe\n".to_vec()));
    }
    let forger = audit_core::debug(format_args!("a\nINFO audit: app.x"));
    let (_, _) = tracing::subscriber::with_default(subscriber, || {
        testing::capture_with_hook(TracingBridge::new(), || {
            for name in &names {
                let list = [Value::OsStr(name)];
                audit!(
                    "fs.remove_file",
                    path = Path::new(name),
                    args = &list[..],
                    note = &forger
                )
                .unwrap();
            }
        })
    });
    let text = String::from_utf8(output.0.lock().unwrap().clone()).unwrap();
    if !audit_core::ENABLED {
        assert!(text.is_empty());
        return;
    }
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), names.len(), "{text}");
    for line in &lines {
        assert!(
            line.trim_start()
                .starts_with("INFO audit: fs.remove_file path="),
            "{line}"
        );
        assert!(!line.chars().any(char::is_control), "{line:?}");
        assert!(!line.contains('\u{2028}'), "{line:?}");
    }
    assert!(
        lines[0].contains(r#"path="x\nINFO audit: fs.open path=/etc/shadow write=true""#),
        "{}",
        lines[0]
    );
    assert!(
        lines[0].contains(r#"note="a\nINFO audit: app.x""#),
        "{}",
        lines[0]
    );
    #[cfg(unix)]
    {
        // Lossless: `\xff` and `\xfe` stay apart.
        assert!(lines[2].contains(r#"path="name-\xff\n""#), "{}", lines[2]);
        assert!(lines[3].contains(r#"path="name-\xfe\n""#), "{}", lines[3]);
        assert!(lines[3].contains(r#"args=["name-\xfe\n"]"#), "{}", lines[3]);
    }
}
