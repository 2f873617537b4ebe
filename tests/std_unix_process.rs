//! `audit_std::os::unix::process` as a drop-in for `std::os::unix::process`:
//! the same program against both, `exec`'s event and veto, `pre_exec`. A
//! successful `exec` replaces the process, so it runs in a child: the test
//! binary re-runs itself on the ignored entry point [`exec_child_entry`].

use std::ffi::OsString;
use std::fs;
use std::io;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use audit_core::testing::{capture, capture_with};
use audit_core::{audit_error, AuditError, Event, OwnedValue};

/// What the unix program observed.
#[derive(Debug, PartialEq)]
pub struct Report {
    ids: String,
    own_group_leader: bool,
    argv0: String,
    signal: Option<i32>,
    raw_round_trip: bool,
    parent_id: u32,
}

/// The same std-style program against `std` and `audit_std`: only the `use`s differ.
macro_rules! unix_program {
    ($name:ident, $($root:ident)::+) => {
        mod $name {
            use std::path::Path;
            use super::Report;
            use $($root)::+::process::{Command, ExitStatus};
            // Against audit_std, `Command`'s inherent methods win over the trait, so
            // method calls leave this import unused (see the module docs).
            #[allow(unused_imports)]
            use $($root)::+::os::unix::process::CommandExt;
            use $($root)::+::os::unix::process::{parent_id, ExitStatusExt};

            pub fn run(uid: u32, gid: u32, dir: &Path) -> std::io::Result<Report> {
                let ids = Command::new("/bin/sh")
                    .args(["-c", "echo $(id -u) $(id -g)"])
                    .uid(uid)
                    .gid(gid)
                    .current_dir(dir)
                    .output()?;
                let group = Command::new("/bin/sh")
                    .args(["-c", "[ \"$(cut -d' ' -f5 /proc/$$/stat)\" = \"$$\" ]"])
                    .process_group(0)
                    .status()?;
                let argv0 = Command::new("/bin/sh").arg0("renamed").args(["-c", "echo $0"]).output()?;
                let killed = Command::new("/bin/sh").args(["-c", "kill -9 $$"]).status()?;
                let raw = ExitStatus::from_raw(killed.into_raw());
                Ok(Report {
                    ids: String::from_utf8_lossy(&ids.stdout).trim().to_owned(),
                    own_group_leader: group.success(),
                    argv0: String::from_utf8_lossy(&argv0.stdout).trim().to_owned(),
                    signal: killed.signal(),
                    raw_round_trip: raw == killed && !raw.core_dumped() && raw.stopped_signal().is_none() && !raw.continued(),
                    parent_id: parent_id(),
                })
            }
        }
    };
}

unix_program!(with_std, std);
unix_program!(with_audit_std, audit_std);

#[test]
fn unix_drop_in_program_behaves_like_std() {
    let dir = tempfile::tempdir().unwrap();
    // Our own ids, without libc: the owner of a file we just created.
    let probe = dir.path().join("probe");
    fs::write(&probe, b"").unwrap();
    let meta = fs::metadata(&probe).unwrap();
    let (uid, gid) = (meta.uid(), meta.gid());

    let expected = with_std::run(uid, gid, dir.path()).unwrap();
    let (audited, events) = capture(|| with_audit_std::run(uid, gid, dir.path()));
    assert_eq!(audited.unwrap(), expected);
    assert_eq!(expected.ids, format!("{uid} {gid}"));
    assert!(expected.own_group_leader);
    assert_eq!(expected.argv0, "renamed");
    assert_eq!(expected.signal, Some(9));
    assert!(expected.raw_round_trip);
    assert_eq!(expected.parent_id, std::os::unix::process::parent_id());

    let spawns = events
        .iter()
        .filter(|e| e.name() == "process.spawn")
        .count();
    assert_eq!(spawns, if audit_core::ENABLED { 4 } else { 0 });
    if audit_core::ENABLED {
        // arg0 renames argv[0] only: the event names the program actually run.
        assert_eq!(
            events[2].arg("program").unwrap().as_path(),
            Some(Path::new("/bin/sh"))
        );
    }
}

#[test]
fn trait_methods_reach_the_same_implementation() {
    use audit_std::os::unix::process::CommandExt;
    let mut cmd = audit_std::process::Command::new("/bin/sh");
    CommandExt::arg0(&mut cmd, "via-trait");
    CommandExt::process_group(&mut cmd, 0);
    cmd.args(["-c", "echo $0"]);
    let (output, events) = capture(|| cmd.output());
    assert_eq!(output.unwrap().stdout, b"via-trait\n");
    assert_eq!(events.len(), usize::from(audit_core::ENABLED));
}

#[test]
fn pre_exec_runs_in_the_child_and_its_error_fails_the_spawn() {
    let mut cmd = audit_std::process::Command::new("/bin/true");
    // SAFETY: the closure only builds an error from a raw code: no allocation, no lock.
    unsafe { cmd.pre_exec(|| Err(io::Error::from_raw_os_error(1))) };
    let (result, events) = capture(|| cmd.status());
    assert_eq!(result.unwrap_err().raw_os_error(), Some(1));
    // The event comes first, before anything is forked.
    assert_eq!(events.len(), usize::from(audit_core::ENABLED));

    let mut cmd = audit_std::process::Command::new("/bin/true");
    // SAFETY: as above, and this closure does nothing at all.
    unsafe { audit_std::os::unix::process::CommandExt::pre_exec(&mut cmd, || Ok(())) };
    assert!(cmd.status().unwrap().success());
}

#[test]
fn exec_raises_its_event_before_trying() {
    // A program that does not exist: exec fails and returns, so it can run
    // in-process. No `current_dir`: exec would change this process's own
    // working directory before failing (std restores the environment, not that).
    let mut cmd = audit_std::process::Command::new("/nonexistent/program");
    cmd.arg("x").env("K", "V");
    let (err, events) = capture(|| cmd.exec());
    assert_eq!(err.kind(), io::ErrorKind::NotFound);
    if !audit_core::ENABLED {
        assert!(events.is_empty());
        return;
    }
    assert_eq!(events.len(), 1);
    let event = &events[0];
    assert_eq!(event.name(), "process.exec");
    assert_eq!(
        event.arg("program").unwrap().as_path(),
        Some(Path::new("/nonexistent/program"))
    );
    assert_eq!(
        event.arg("args").unwrap(),
        &OwnedValue::List(vec![OwnedValue::OsStr(OsString::from("x"))])
    );
    assert!(event.arg("cwd").unwrap().is_none());
    assert_eq!(
        event.arg("env").unwrap(),
        &OwnedValue::List(vec![OwnedValue::List(vec![
            OwnedValue::OsStr("K".into()),
            OwnedValue::OsStr("V".into())
        ])])
    );
    assert_eq!(event.arg("env_clear").unwrap().as_bool(), Some(false));
}

const MODE: &str = "AUDIT_STD_TEST_EXEC_MODE";
const DIR: &str = "AUDIT_STD_TEST_EXEC_DIR";

/// Entry point of the child processes spawned below; does nothing on its own.
#[test]
#[ignore = "entry point for the child processes of the exec tests in this file"]
fn exec_child_entry() {
    let (Ok(mode), Some(dir)) = (std::env::var(MODE), std::env::var_os(DIR)) else {
        eprintln!("exec_child_entry: run by the exec tests of this file");
        return;
    };
    let dir = PathBuf::from(dir);
    let log = dir.join("event.log");
    let veto = mode == "vetoed";
    let hook = move |event: &Event<'_>| -> Result<(), AuditError> {
        fs::write(&log, event.to_owned().to_string()).unwrap();
        if veto {
            Err(AuditError::denied("no exec"))
        } else {
            Ok(())
        }
    };
    let marker = dir.join("marker");
    let (err, _) = capture_with(hook, || {
        audit_std::process::Command::new("/bin/sh")
            .args(["-c", "touch \"$1\"; echo replaced", "sh"])
            .arg(&marker)
            .exec()
    });
    // Only reached when exec did not replace the process.
    let refused = audit_error(&err).map(|e| e.reason().to_owned());
    fs::write(
        dir.join("returned"),
        format!("{:?} {refused:?}", err.kind()),
    )
    .unwrap();
}

fn run_exec_child(mode: &str, dir: &Path) -> std::process::Output {
    std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "exec_child_entry",
            "--exact",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(MODE, mode)
        .env(DIR, dir)
        .output()
        .unwrap()
}

#[test]
fn exec_replaces_the_process_after_the_event() {
    let dir = tempfile::tempdir().unwrap();
    let output = run_exec_child("allowed", dir.path());
    assert!(output.status.success(), "{output:?}");
    assert!(String::from_utf8_lossy(&output.stdout).contains("replaced"));
    assert!(dir.path().join("marker").exists());
    assert!(!dir.path().join("returned").exists(), "exec returned");
    let logged = fs::read_to_string(dir.path().join("event.log")).ok();
    if audit_core::ENABLED {
        let logged = logged.expect("the hook saw process.exec");
        assert!(
            logged.contains("process.exec") && logged.contains("/bin/sh"),
            "{logged}"
        );
    } else {
        assert_eq!(logged, None);
    }
}

#[test]
fn vetoed_exec_returns_the_error_and_replaces_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let output = run_exec_child("vetoed", dir.path());
    assert!(output.status.success(), "{output:?}");
    let returned = fs::read_to_string(dir.path().join("returned")).ok();
    if audit_core::ENABLED {
        assert_eq!(
            returned.as_deref(),
            Some("PermissionDenied Some(\"no exec\")")
        );
        assert!(
            !dir.path().join("marker").exists(),
            "the vetoed program ran"
        );
        assert!(!String::from_utf8_lossy(&output.stdout).contains("replaced"));
    } else {
        // Nothing to veto: exec really replaced the child.
        assert_eq!(returned, None);
        assert!(dir.path().join("marker").exists());
    }
}
