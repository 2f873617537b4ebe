//! `NonBlocking` installed as a global hook: its writer thread is not inside
//! a hook, so an audited writer raises events there; the sink must not log
//! its own writing (which would never end), while other hooks still see it.
//! And a program that flushes before `process::exit` keeps every record.
//!
//! Its own test binary: it installs global hooks, which cannot be removed.

use std::io::{self, Write};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::thread::{self, ThreadId};

use audit_core::{audit, install_hook, AuditError, Event};
use audit_sinks::{NonBlocking, WhenFull};
use audit_std::fs;
use serde_json::Value as Json;

/// A log that locks the file around each line: `fs.lock` and `fs.unlock`
/// events, raised on the writer thread.
struct LockedLog(fs::File);

impl Write for LockedLog {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.write(buf)
    }
    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.0.lock()?;
        let written = self.0.write_all(buf);
        self.0.unlock()?;
        written
    }
    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

fn records(path: &std::path::Path) -> Vec<Json> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// A file that takes a millisecond per write.
struct Slow(std::fs::File);

impl Write for Slow {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        thread::sleep(std::time::Duration::from_millis(1));
        self.0.write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

/// Set in the child process run by `flushing_before_process_exit_keeps_every_record`.
const CHILD: &str = "AUDIT_SINK_EXIT_CHILD";

#[test]
fn the_writer_thread_does_not_log_its_own_writing() {
    if std::env::var_os(CHILD).is_some() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    // Opened before any hook, so this open is not in the log.
    let file = fs::File::create(&path).unwrap();
    let (sink, guard) = NonBlocking::builder(LockedLog(file))
        .when_full(WhenFull::Block)
        .spawn()
        .unwrap();
    let seen: Arc<Mutex<Vec<(ThreadId, &'static str)>>> = Arc::default();
    let recorder = Arc::clone(&seen);
    let installed = install_hook(sink).and_then(|()| {
        audit_core::add_hook(move |event: &Event<'_>| -> Result<(), AuditError> {
            recorder
                .lock()
                .unwrap()
                .push((thread::current().id(), event.name()));
            Ok(())
        })
    });
    if !audit_core::ENABLED {
        assert!(installed.is_err());
        return;
    }
    installed.unwrap();
    for i in 0..20u32 {
        audit!("app.step", i).unwrap();
    }
    guard.shutdown();

    let logged = records(&path);
    let names: Vec<&str> = logged
        .iter()
        .map(|r| r["event.action"].as_str().unwrap())
        .collect();
    // Adding the second hook is itself an event; then the program's own.
    let mut expected = vec!["audit.add_hook"];
    expected.extend(["app.step"; 20]);
    assert_eq!(names, expected, "only the program's events");
    let numbers: Vec<u64> = logged
        .iter()
        .map(|r| r["sequence"].as_u64().unwrap())
        .collect();
    assert_eq!(numbers, (1..=21).collect::<Vec<_>>());
    // The other hook saw the writer lock the file, on another thread, for
    // every record but the first (written before that hook was added).
    let me = thread::current().id();
    let seen = seen.lock().unwrap();
    let writer_locks = seen
        .iter()
        .filter(|(t, name)| *t != me && *name == "fs.lock")
        .count();
    assert!((20..=21).contains(&writer_locks), "{seen:?}");
}

#[test]
fn flushing_before_process_exit_keeps_every_record() {
    if let Some(path) = std::env::var_os(CHILD) {
        // The child: log, flush, exit without running any destructor.
        // A slow disk: without the flush, exit would come long before the
        // writer is done.
        let file = Slow(std::fs::File::create(path).unwrap());
        let (sink, guard) = NonBlocking::builder(file).spawn().unwrap();
        if install_hook(sink).is_ok() {
            for i in 0..500u32 {
                audit!("app.step", i).unwrap();
            }
        }
        guard.flush();
        std::process::exit(0);
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    let status = Command::new(std::env::current_exe().unwrap())
        .args([
            "flushing_before_process_exit_keeps_every_record",
            "--exact",
            "--test-threads=1",
        ])
        .env(CHILD, &path)
        .status()
        .unwrap();
    assert!(status.success());
    let logged = records(&path);
    let expected = if audit_core::ENABLED { 500 } else { 0 };
    assert_eq!(logged.len(), expected);
    for (i, record) in logged.iter().enumerate() {
        assert_eq!(record["audit.args"]["i"], i);
    }
}
