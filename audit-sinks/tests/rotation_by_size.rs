//! Rotation by size without a feature of our own: `logroller`'s `LogRoller`
//! is a plain `Write`, so it is a sink's writer as it is. Each record is one
//! `write_all`, and the roller decides before a write, so every record lands
//! whole in one file and the sequence runs on across files.
#![cfg(feature = "json")]

use std::path::Path;

use audit_core::{audit, testing};
use audit_sinks::{JsonLines, NonBlocking, WhenFull};
use logroller::{LogRoller, LogRollerBuilder, Rotation, RotationSize};
use serde_json::Value as Json;

/// Rotates past 4 KiB, keeping every file (none is old enough to delete).
const LIMIT: u64 = 4096;

fn roller(dir: &Path) -> LogRoller {
    LogRollerBuilder::new(dir, Path::new("audit.jsonl"))
        .rotation(Rotation::SizeBased(RotationSize::Bytes(LIMIT)))
        .max_keep_files(1000)
        // Dropping the roller waits for its renames to finish.
        .graceful_shutdown(true)
        .build()
        .expect("the log file opens")
}

/// Every file's records, each file's checked on its own: whole lines that
/// parse, and (but for a record larger than the limit) under the limit.
fn files(dir: &Path) -> Vec<Vec<Json>> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.is_empty() || text.ends_with('\n'),
            "{path:?} ends inside a record"
        );
        assert!(
            (text.len() as u64) < LIMIT,
            "{path:?} holds {} bytes",
            text.len()
        );
        let records: Vec<Json> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{path:?}: {l:?}: {e}")))
            .collect();
        out.push(records);
    }
    out
}

/// The records of every file in sequence order, checking that the numbers
/// run 1..=n without a gap or a repeat across the files.
fn in_order(files: &[Vec<Json>]) -> Vec<Json> {
    let mut all: Vec<Json> = files.iter().flatten().cloned().collect();
    all.sort_by_key(|r| r["sequence"].as_u64().unwrap());
    let numbers: Vec<u64> = all
        .iter()
        .map(|r| r["sequence"].as_u64().unwrap())
        .collect();
    assert_eq!(numbers, (1..=all.len() as u64).collect::<Vec<_>>());
    all
}

#[test]
fn non_blocking_through_a_size_rotating_file_loses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (sink, guard) = NonBlocking::builder(roller(dir.path()))
        .capacity(16)
        .when_full(WhenFull::Block)
        .spawn()
        .unwrap();
    let errors = sink.error_count();
    testing::capture_with_hook(sink, || {
        for i in 0..400u32 {
            let _ = audit!("app.step", path = Path::new("/srv/data/report.csv"), i);
        }
    });
    guard.shutdown();
    let files = files(dir.path());
    if !audit_core::ENABLED {
        assert!(files.iter().all(Vec::is_empty));
        return;
    }
    assert!(files.len() > 10, "rotated into {} files", files.len());
    let records = in_order(&files);
    assert_eq!(records.len(), 400);
    for (i, record) in records.iter().enumerate() {
        assert_eq!(record["audit.args"]["i"], i);
    }
    assert_eq!(errors.get(), 0);
}

#[test]
fn json_lines_through_a_size_rotating_file_loses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let sink = JsonLines::new(roller(dir.path()));
    let errors = sink.error_count();
    testing::capture_with_hook(sink, || {
        for i in 0..200u32 {
            let _ = audit!("app.step", i);
        }
    });
    let files = files(dir.path());
    if !audit_core::ENABLED {
        assert!(files.iter().all(Vec::is_empty));
        return;
    }
    assert!(files.len() > 3, "rotated into {} files", files.len());
    let records = in_order(&files);
    assert_eq!(records.len(), 200);
    assert_eq!(errors.get(), 0);
}
