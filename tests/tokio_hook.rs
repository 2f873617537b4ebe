//! A global hook (installed once, permanently, so in its own test binary)
//! sees audit_tokio's events on the task that awaits the operation, before
//! tokio hands the work to a blocking thread, and its veto stops the work.

mod tokio_common;

use std::path::PathBuf;
use std::sync::Mutex;

use audit_core::AuditError;
use audit_tokio::fs;
use tokio_common::{assert_vetoed, block_on};

/// What the hook saw: event name, path, and the tokio task it ran on.
static SEEN: Mutex<Vec<(&'static str, PathBuf, Option<tokio::task::Id>)>> = Mutex::new(Vec::new());

#[test]
fn a_global_hook_runs_on_the_calling_task_and_its_veto_stops_the_work() {
    let installed = audit_core::add_hook(|event| {
        let Some(path) = event.arg("path").and_then(|v| v.as_path()) else {
            return Ok(());
        };
        SEEN.lock()
            .unwrap()
            .push((event.name(), path.to_path_buf(), tokio::task::try_id()));
        if path.ends_with("forbidden.txt") {
            return Err(AuditError::denied("not this one"));
        }
        Ok(())
    });
    if !audit_core::ENABLED {
        assert!(installed.is_err(), "compiled out, no hook can be added");
        return;
    }
    installed.unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let (allowed, forbidden) = (
        tmp.path().join("allowed.txt"),
        tmp.path().join("forbidden.txt"),
    );
    let (a, f) = (allowed.clone(), forbidden.clone());
    let (task, ok, refused) = block_on(async move {
        let task = tokio::task::id();
        let ok = fs::write(&a, "x").await;
        let refused = fs::write(&f, "x").await;
        (task, ok, refused)
    });
    ok.unwrap();
    assert_vetoed(&refused);
    assert!(allowed.exists());
    assert!(
        !forbidden.exists(),
        "the vetoed write reached a blocking thread"
    );
    let seen = SEEN.lock().unwrap();
    let ours: Vec<_> = seen
        .iter()
        .filter(|(_, p, _)| p.starts_with(tmp.path()))
        .collect();
    assert_eq!(ours.len(), 2, "{seen:?}");
    for (name, _, on) in ours {
        assert_eq!(*name, "fs.open");
        // The awaiting task, not one of tokio's blocking tasks.
        assert_eq!(*on, Some(task));
    }
}
