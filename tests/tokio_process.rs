//! `audit_tokio::process`: starting a child raises `audit_std`'s
//! `process.spawn` with the same arguments, and a veto starts nothing;
//! killing raises `process.kill`, and a veto sends no signal. On a
//! multi-thread runtime.

mod tokio_common;

use std::time::Duration;

use audit_core::OwnedEvent;
use audit_tokio::process::Command;
use audit_tokio::testing::{capture, capture_with};
use tokio_common::{assert_vetoed, block_on, block_on_in, deny, render_all, runtime};

fn names(events: &[OwnedEvent]) -> Vec<&'static str> {
    events.iter().map(OwnedEvent::name).collect()
}

#[test]
fn spawn_output_status_match_audit_std() {
    let tmp = tempfile::tempdir().unwrap();
    let cwd = tmp.path().to_path_buf();
    let ((), std_events) = audit_core::testing::capture(|| {
        let mut cmd = audit_std::process::Command::new("/bin/sh");
        cmd.args(["-c", "exit 0"])
            .arg("x y")
            .env("A", "1")
            .env_remove("B")
            .current_dir(&cwd);
        cmd.status().unwrap();
        cmd.output().unwrap();
        cmd.env_clear();
        cmd.spawn().unwrap().wait().unwrap();
    });
    let cwd2 = cwd.clone();
    let ((), tokio_events) = block_on(capture(async move {
        let mut cmd = Command::new("/bin/sh");
        cmd.args(["-c", "exit 0"])
            .arg("x y")
            .env("A", "1")
            .env_remove("B")
            .current_dir(&cwd2);
        cmd.status().await.unwrap();
        cmd.output().await.unwrap();
        cmd.env_clear();
        cmd.spawn().unwrap().wait().await.unwrap();
    }));
    assert_eq!(render_all(&tokio_events), render_all(&std_events));
    let expected: &[&str] = if audit_core::ENABLED {
        &["process.spawn"; 3]
    } else {
        &[]
    };
    assert_eq!(names(&tokio_events), expected);
}

#[test]
fn vetoed_spawn_starts_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let marker = tmp.path().join("ran");
    let script = format!("touch '{}'", marker.display());
    let (results, events) = block_on(capture_with(deny, async move {
        let mut cmd = Command::new("/bin/sh");
        cmd.arg("-c").arg(&script);
        let spawned = cmd.spawn().map(|_| ());
        let status = cmd.status().await.map(|_| ());
        let output = cmd.output().await.map(|_| ());
        [spawned, status, output]
    }));
    if !audit_core::ENABLED {
        return;
    }
    for result in &results {
        assert_vetoed(result);
    }
    assert_eq!(names(&events), ["process.spawn"; 3]);
    std::thread::sleep(Duration::from_millis(200));
    assert!(!marker.exists(), "a child ran");
}

#[test]
fn status_and_output_raise_when_called_as_tokio_starts_the_child_then() {
    if !audit_core::ENABLED {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let marker = tmp.path().join("ran");
    let script = format!("touch '{}'", marker.display());
    let rt = runtime();
    let _guard = rt.enter();
    // Called, never polled: the event is raised by the call itself (on this
    // thread), and the vetoed future starts nothing when dropped.
    let (future, events) = audit_core::testing::capture_with(deny, || {
        Command::new("/bin/sh").arg("-c").arg(&script).status()
    });
    assert_eq!(names(&events), ["process.spawn"]);
    drop(future);
    std::thread::sleep(Duration::from_millis(200));
    assert!(!marker.exists(), "a child ran");
}

#[test]
fn kill_and_start_kill_are_audited_and_a_veto_sends_no_signal() {
    let rt = runtime();
    let mut child = block_on_in(&rt, async {
        Command::new("sleep")
            .arg("30")
            .kill_on_drop(true)
            .spawn()
            .unwrap()
    });
    let pid = child.id().unwrap();
    let (child_back, (start_kill, kill), events) = block_on_in(&rt, async move {
        let ((start_kill, kill), events) = capture_with(deny, async {
            let start_kill = child.start_kill();
            let kill = child.kill().await;
            (start_kill, kill)
        })
        .await;
        (child, (start_kill, kill), events)
    });
    let mut child = child_back;
    if audit_core::ENABLED {
        assert_vetoed(&start_kill);
        assert_vetoed(&kill);
        assert_eq!(names(&events), ["process.kill"; 2]);
        assert_eq!(
            events[0].arg("pid").and_then(|v| v.as_u64()),
            Some(u64::from(pid))
        );
        std::thread::sleep(Duration::from_millis(100));
        assert!(child.try_wait().unwrap().is_none(), "the child was killed");
        let ((), events) = block_on_in(&rt, async move {
            capture(async move {
                child.kill().await.unwrap();
            })
            .await
        });
        assert_eq!(names(&events), ["process.kill"]);
    } else {
        assert!(kill.is_ok() || start_kill.is_ok());
    }
}

#[test]
fn env_clear_is_unknown_after_as_std_mut_and_from_std() {
    if !audit_core::ENABLED {
        return;
    }
    let (_, events) = block_on(capture_with(deny, async {
        let mut cmd = Command::new("true");
        // Changed behind the wrapper's back: the event must not claim
        // `env_clear = false`.
        cmd.as_std_mut().env_clear();
        let first = cmd.spawn().map(|_| ());
        let mut from_std = Command::from(std::process::Command::new("true"));
        let second = from_std.spawn().map(|_| ());
        let mut from_tokio = Command::from(tokio::process::Command::new("true"));
        let third = from_tokio.spawn().map(|_| ());
        (first, second, third)
    }));
    for event in &events {
        assert!(event.arg("env_clear").unwrap().is_none(), "{event:?}");
    }
    assert_eq!(events.len(), 3);
}
