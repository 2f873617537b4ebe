//! Rotation without a feature of our own: `tracing-appender`'s
//! `RollingFileAppender` is a `Write`, so it is a sink's writer as it is.

use std::path::Path;

use audit_core::{audit, testing};
use audit_sinks::{JsonLines, NonBlocking};
use tracing_appender::rolling::{RollingFileAppender, Rotation};

fn logged(dir: &Path) -> Vec<serde_json::Value> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
        .iter()
        .flat_map(|f| {
            std::fs::read_to_string(f)
                .unwrap()
                .lines()
                .map(|l| serde_json::from_str(l).unwrap())
                .collect::<Vec<_>>()
        })
        .collect()
}

fn appender(dir: &Path) -> RollingFileAppender {
    RollingFileAppender::builder()
        .rotation(Rotation::DAILY)
        .filename_prefix("audit")
        .filename_suffix("jsonl")
        .max_log_files(30)
        .build(dir)
        .unwrap()
}

#[test]
fn both_sinks_write_through_a_rolling_file_appender() {
    let dir = tempfile::tempdir().unwrap();
    testing::capture_with_hook(JsonLines::new(appender(dir.path())), || {
        for i in 0..10u32 {
            let _ = audit!("app.step", i);
        }
    });
    let (sink, guard) = NonBlocking::builder(appender(dir.path())).spawn().unwrap();
    testing::capture_with_hook(sink, || {
        for i in 10..20u32 {
            let _ = audit!("app.step", i);
        }
    });
    guard.shutdown();
    let records = logged(dir.path());
    let expected = if audit_core::ENABLED { 20 } else { 0 };
    assert_eq!(records.len(), expected);
    for (i, record) in records.iter().enumerate() {
        assert_eq!(record["audit.args"]["i"], i);
        // Each sink numbers its own records from 1.
        assert_eq!(record["sequence"], i % 10 + 1);
    }
}
