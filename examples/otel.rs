//! Audit events to an OpenTelemetry collector: the `TracingBridge` hook turns
//! each audit event into a `tracing` event, and
//! `opentelemetry-appender-tracing` turns those into OpenTelemetry log
//! records: the event name as the record's event name and body, each
//! argument as an attribute, the decision as `event.outcome` and
//! `event.reason`, the source location as `code.*` attributes. Here the
//! records go to an in-memory exporter and are printed; a real program
//! exports them over OTLP instead:
//!
//! ```text
//! // Cargo.toml: opentelemetry-otlp = { version = "0.33", features = ["logs", "grpc-tonic"] }
//! let exporter = opentelemetry_otlp::LogExporter::builder().with_tonic().build()?;
//! let provider = SdkLoggerProvider::builder().with_batch_exporter(exporter).build();
//! // ... the same layer and hooks as below; provider.shutdown() before exiting.
//! ```
//!
//! ```text
//! cargo run --example otel
//! ```

use audit_core::{install_hook, AuditError, Event};
use audit_sinks::TracingBridge;
use audit_std::fs;
use opentelemetry::logs::AnyValue;
use opentelemetry_appender_tracing::layer::OpenTelemetryTracingBridge;
use opentelemetry_sdk::logs::{InMemoryLogExporter, SdkLoggerProvider};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

fn show(value: &AnyValue) -> String {
    match value {
        AnyValue::String(s) => format!("{:?}", s.as_str()),
        AnyValue::Int(i) => i.to_string(),
        AnyValue::Boolean(b) => b.to_string(),
        other => format!("{other:?}"),
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let exporter = InMemoryLogExporter::default();
    let provider = SdkLoggerProvider::builder()
        .with_simple_exporter(exporter.clone())
        .build();
    tracing_subscriber::registry()
        .with(OpenTelemetryTracingBridge::new(&provider))
        .init();
    // The bridge first, then a policy: the bridge still records what the
    // policy refused, since it emits once the event is decided.
    let installed = install_hook(TracingBridge::new()).and_then(|()| {
        audit_core::add_hook(|event: &Event<'_>| match event.name() {
            "fs.remove_file" => Err(AuditError::denied("deletes are not allowed here")),
            _ => Ok(()),
        })
    });
    if let Err(err) = installed {
        println!("audit events will not be exported: {err}");
    }

    let dir = tempfile::tempdir()?;
    let report = dir.path().join("report.csv");
    fs::write(&report, "id,total\n1,42\n")?;
    if let Err(err) = fs::remove_file(&report) {
        println!("remove refused: {err}");
    }

    provider.force_flush()?;
    for log in exporter.get_emitted_logs()? {
        let record = &log.record;
        let attributes: Vec<String> = record
            .attributes_iter()
            .filter(|(key, _)| !key.as_str().starts_with("code."))
            .map(|(key, value)| format!("{}={}", key.as_str(), show(value)))
            .collect();
        println!(
            "log record: {} {}",
            record.event_name().unwrap_or("?"),
            attributes.join(" ")
        );
    }
    Ok(())
}
