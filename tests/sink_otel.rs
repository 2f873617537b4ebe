//! The path to an OpenTelemetry collector: audit events through the
//! `tracing` bridge into OpenTelemetry log records
//! (`opentelemetry-appender-tracing`), exported here to memory.
//!
//! The subscriber is scoped to the test's thread and the bridge runs in a
//! capture, so nothing global is installed.

use std::collections::HashMap;
use std::path::Path;

use audit_core::{audit, testing, AuditError, Event, Hook, Outcome};
use audit_sinks::TracingBridge;
use opentelemetry::logs::AnyValue;
use opentelemetry_appender_tracing::layer::OpenTelemetryTracingBridge;
use opentelemetry_sdk::logs::{InMemoryLogExporter, SdkLoggerProvider};
use tracing_subscriber::layer::SubscriberExt;

/// A policy refusing deletes, in front of the bridge.
struct NoDeletes(TracingBridge);

impl Hook for NoDeletes {
    fn on_event(&self, event: &Event<'_>) -> Result<(), AuditError> {
        if event.name() == "fs.remove_file" {
            return Err(AuditError::denied("deletes are not allowed here"));
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

/// An exported record: event name, body, attributes as text.
type Exported<'a> = (&'a str, Option<String>, HashMap<String, Option<String>>);

fn text(value: Option<&AnyValue>) -> Option<String> {
    match value? {
        AnyValue::String(s) => Some(s.as_str().to_owned()),
        AnyValue::Int(i) => Some(i.to_string()),
        AnyValue::Boolean(b) => Some(b.to_string()),
        other => Some(format!("{other:?}")),
    }
}

#[test]
fn audit_events_become_open_telemetry_log_records() {
    let exporter = InMemoryLogExporter::default();
    let provider = SdkLoggerProvider::builder()
        .with_simple_exporter(exporter.clone())
        .build();
    let subscriber =
        tracing_subscriber::registry().with(OpenTelemetryTracingBridge::new(&provider));
    let addr: std::net::SocketAddr = "127.0.0.1:8443".parse().unwrap();
    let (results, events) = tracing::subscriber::with_default(subscriber, || {
        testing::capture_with_hook(NoDeletes(TracingBridge::new()), || {
            [
                audit!(
                    "fs.open",
                    path = Path::new("/srv/data/report.csv"),
                    write = true,
                    mode = 0o640u32
                ),
                audit!("net.connect", address = addr, protocol = "tcp"),
                audit!("fs.remove_file", path = Path::new("/srv/data/report.csv")),
            ]
        })
    });
    assert!(results[0].is_ok() && results[1].is_ok());
    assert_eq!(results[2].is_err(), audit_core::ENABLED);
    provider.force_flush().unwrap();
    let logs = exporter.get_emitted_logs().unwrap();
    if !audit_core::ENABLED {
        assert!(logs.is_empty() && events.is_empty());
        return;
    }
    assert_eq!(logs.len(), 3, "{logs:#?}");
    let records: Vec<Exported<'_>> = logs
        .iter()
        .map(|log| {
            let attributes = log
                .record
                .attributes_iter()
                .map(|(k, v)| (k.as_str().to_owned(), text(Some(v))))
                .collect();
            (
                log.record.event_name().unwrap_or_default(),
                text(log.record.body()),
                attributes,
            )
        })
        .collect();

    let (name, body, open) = &records[0];
    assert_eq!(*name, "fs.open");
    assert_eq!(body.as_deref(), Some("fs.open"));
    assert_eq!(open["path"].as_deref(), Some("/srv/data/report.csv"));
    assert_eq!(open["write"].as_deref(), Some("true"));
    assert_eq!(open["mode"].as_deref(), Some("416"));
    assert_eq!(open["event.outcome"].as_deref(), Some("allowed"));
    assert!(!open.contains_key("event.reason"));
    // Where the event was raised (today the audit point; its caller once
    // events carry one).
    assert!(open["code.filepath"]
        .as_deref()
        .unwrap()
        .ends_with("sink_otel.rs"));
    assert_eq!(
        open["code.lineno"].as_deref(),
        Some(events[0].callsite().line().to_string().as_str())
    );

    let (name, _, connect) = &records[1];
    assert_eq!(*name, "net.connect");
    assert_eq!(connect["address"].as_deref(), Some("127.0.0.1:8443"));
    assert_eq!(connect["protocol"].as_deref(), Some("tcp"));

    let (name, _, remove) = &records[2];
    assert_eq!(*name, "fs.remove_file");
    assert_eq!(remove["event.outcome"].as_deref(), Some("denied"));
    assert!(remove["event.reason"]
        .as_deref()
        .unwrap()
        .contains("deletes are not allowed here"));
    for log in &logs {
        assert_eq!(log.record.target().map(|t| t.as_ref()), Some("audit"));
    }
}
