//! `audit_std::process::exit` and `abort` end the process, so they are tested
//! in a child: the test binary re-runs itself on the ignored entry point
//! [`child_entry`], which installs a capture hook that logs the event to a
//! file and then vetoes it (or panics), and calls the function. The parent
//! checks how the child ended and what the hook logged: the event was seen,
//! and the veto changed nothing.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use audit_core::testing::capture_with;
use audit_core::{AuditError, Event};

const MODE: &str = "AUDIT_STD_TEST_EXIT_MODE";
const LOG: &str = "AUDIT_STD_TEST_EXIT_LOG";

/// Entry point of the child processes spawned below; does nothing on its own.
#[test]
#[ignore = "entry point for the child processes of the other tests in this file"]
fn child_entry() {
    let (Ok(mode), Some(log)) = (std::env::var(MODE), std::env::var_os(LOG)) else {
        eprintln!("child_entry: run by the other tests of this file, with {MODE} and {LOG} set");
        return;
    };
    let log = PathBuf::from(log);
    let panics = mode.ends_with("-panicking-hook");
    let hook = move |event: &Event<'_>| -> Result<(), AuditError> {
        let code = event.arg("code").map(|v| v.to_string()).unwrap_or_default();
        fs::write(&log, format!("{} {code}", event.name()).trim_end()).unwrap();
        if panics {
            panic!("a hook panicking on {}", event.name());
        }
        Err(AuditError::denied("the test vetoes everything"))
    };
    let _ = capture_with(hook, || match mode.as_str() {
        "exit" | "exit-panicking-hook" => audit_std::process::exit(7),
        "abort" => audit_std::process::abort(),
        other => panic!("unknown mode {other}"),
    });
}

/// Runs [`child_entry`] in `mode`, in `dir`, and returns how it ended and
/// what its hook logged.
fn run_child(mode: &str, dir: &Path) -> (Output, Option<String>) {
    let log = dir.join("event.log");
    let output = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "child_entry",
            "--exact",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(MODE, mode)
        .env(LOG, &log)
        // A core file from `abort`, if the system writes one here, lands in the temp dir.
        .current_dir(dir)
        .output()
        .unwrap();
    (output, fs::read_to_string(&log).ok())
}

#[test]
fn exit_raises_its_code_and_a_veto_does_not_stop_it() {
    let dir = tempfile::tempdir().unwrap();
    let (output, logged) = run_child("exit", dir.path());
    assert_eq!(output.status.code(), Some(7), "{output:?}");
    // The test harness never got to report the entry point as finished.
    assert!(!String::from_utf8_lossy(&output.stdout).contains("child_entry ... ok"));
    if audit_core::ENABLED {
        assert_eq!(logged.as_deref(), Some("process.exit 7"));
    } else {
        assert_eq!(logged, None);
    }
}

#[test]
fn exit_happens_even_if_the_hook_panics() {
    let dir = tempfile::tempdir().unwrap();
    let (output, logged) = run_child("exit-panicking-hook", dir.path());
    assert_eq!(output.status.code(), Some(7), "{output:?}");
    if audit_core::ENABLED {
        assert_eq!(logged.as_deref(), Some("process.exit 7"));
        assert!(
            String::from_utf8_lossy(&output.stderr).contains("a hook panicking on process.exit")
        );
    } else {
        assert_eq!(logged, None);
    }
}

#[test]
fn abort_raises_its_event_and_a_veto_does_not_stop_it() {
    use std::os::unix::process::ExitStatusExt;
    let dir = tempfile::tempdir().unwrap();
    let (output, logged) = run_child("abort", dir.path());
    assert_eq!(
        output.status.signal(),
        Some(6),
        "SIGABRT expected: {output:?}"
    );
    if audit_core::ENABLED {
        assert_eq!(logged.as_deref(), Some("process.abort"));
    } else {
        assert_eq!(logged, None);
    }
}
