//! `audit_std::process` as a drop-in for `std::process`: the same program
//! built against both, every audited operation's event and arguments, and
//! vetoes that start or kill nothing. Events are observed with per-thread
//! captures, so these tests run in parallel.

use std::ffi::OsString;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use audit_core::testing::{capture, capture_with};
use audit_core::{audit_error, AuditError, Event, OwnedEvent, OwnedValue};

/// What the program observed, to compare the two builds.
#[derive(Debug, PartialEq)]
pub struct Report {
    pub piped: Vec<u8>,
    pub status_code: Option<i32>,
    pub output_stdout: Vec<u8>,
    pub output_stderr: Vec<u8>,
    pub status_success: bool,
    pub chained: Vec<u8>,
    pub args: Vec<String>,
    pub debug: String,
}

/// The same std-style program, compiled once against `std::process` and once
/// against `audit_std::process`: only the `use` differs.
macro_rules! drop_in_program {
    ($name:ident, $($process:ident)::+) => {
        mod $name {
            use std::io::{self, Read, Write};
            use std::path::Path;
            use $($process)::+::{Command, Stdio};

            use super::Report;

            pub fn run(dir: &Path) -> io::Result<Report> {
                // A child with piped stdin/stdout, an explicit environment and a working dir.
                let mut child = Command::new("/bin/sh")
                    .arg("-c")
                    .arg("cat; printf '|%s|%s|' \"$GREETING\" \"${HOME-unset}\"; pwd")
                    .env("GREETING", "bonjour")
                    .env_remove("HOME")
                    .current_dir(dir)
                    .stdin(Stdio::piped())
                    .stdout(Stdio::piped())
                    .spawn()?;
                let mut stdin = child.stdin.take().expect("stdin is piped");
                stdin.write_all(b"from parent")?;
                drop(stdin);
                let mut piped = Vec::new();
                child.stdout.take().expect("stdout is piped").read_to_end(&mut piped)?;
                let status = child.wait()?;

                // `output` with both streams, and a failing `status`.
                let output = Command::new("/bin/sh")
                    .args(["-c", "echo out; echo err >&2; exit 3"])
                    .output()?;
                let failed = Command::new("/bin/sh")
                    .args(["-c", "exit 1"])
                    .stdout(Stdio::null())
                    .status()?;

                // One child's stdout feeding another's stdin through `Stdio::from`.
                let mut producer = Command::new("/bin/echo")
                    .arg("chained text")
                    .stdout(Stdio::piped())
                    .spawn()?;
                let upper = Command::new("/usr/bin/tr")
                    .args(["a-z", "A-Z"])
                    .stdin(Stdio::from(producer.stdout.take().expect("stdout is piped")))
                    .output()?;
                producer.wait()?;

                let mut probe = Command::new("/bin/sh");
                probe.args(["-c", "true"]).env("A", "1").current_dir(dir);
                let args = probe.get_args().map(|a| a.to_string_lossy().into_owned()).collect();
                assert_eq!(probe.get_program(), "/bin/sh");
                assert_eq!(probe.get_current_dir(), Some(dir));
                assert_eq!(probe.get_envs().count(), 1);

                Ok(Report {
                    piped,
                    status_code: status.code(),
                    output_stdout: output.stdout,
                    output_stderr: output.stderr,
                    status_success: failed.success(),
                    chained: upper.stdout,
                    args,
                    debug: format!("{probe:?}"),
                })
            }
        }
    };
}

drop_in_program!(with_std, std::process);
drop_in_program!(with_audit_std, audit_std::process);

fn owned_os(s: &str) -> OwnedValue {
    OwnedValue::OsStr(OsString::from(s))
}

fn refuse_process_events(event: &Event<'_>) -> Result<(), AuditError> {
    if event.name().starts_with("process.") {
        Err(AuditError::denied("no processes in this test"))
    } else {
        Ok(())
    }
}

fn assert_vetoed(err: &io::Error) {
    assert_eq!(err.kind(), io::ErrorKind::PermissionDenied);
    let audit = audit_error(err).expect("the error carries the refusal");
    assert_eq!(audit.reason(), "no processes in this test");
}

fn spawn_events(events: &[OwnedEvent]) -> Vec<&OwnedEvent> {
    events
        .iter()
        .filter(|e| e.name() == audit_std::events::process::SPAWN)
        .collect()
}

#[test]
fn drop_in_program_behaves_like_std_and_raises_one_spawn_per_child() {
    let dir = tempfile::tempdir().unwrap();
    let expected = with_std::run(dir.path()).unwrap();
    let (audited, events) = capture(|| with_audit_std::run(dir.path()));
    let audited = audited.unwrap();
    assert_eq!(audited, expected);

    let real_dir = dir.path().canonicalize().unwrap();
    let piped = String::from_utf8(audited.piped).unwrap();
    assert!(piped.starts_with("from parent|bonjour|unset|"), "{piped}");
    assert_eq!(
        Path::new(piped.rsplit('|').next().unwrap().trim_end()),
        real_dir
    );
    assert_eq!(audited.output_stdout, b"out\n");
    assert_eq!(audited.output_stderr, b"err\n");
    assert_eq!(audited.chained, b"CHAINED TEXT\n");

    if audit_core::ENABLED {
        // spawn, output, status, spawn, output: one event each, in order.
        let spawns = spawn_events(&events);
        assert_eq!(spawns.len(), 5, "{events:?}");
        assert_eq!(events.len(), 5, "nothing but spawns: {events:?}");
        let programs: Vec<_> = spawns
            .iter()
            .map(|e| e.arg("program").unwrap().as_path().unwrap().to_owned())
            .collect();
        let expected_programs = ["/bin/sh", "/bin/sh", "/bin/sh", "/bin/echo", "/usr/bin/tr"];
        assert_eq!(programs, expected_programs.map(PathBuf::from));
    } else {
        assert!(events.is_empty());
    }
}

#[test]
fn spawn_event_carries_program_args_cwd_and_env_changes() {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = audit_std::process::Command::new("/bin/sh");
    cmd.args(["-c", "exit 0"])
        .env("AUDIT_SET", "value")
        .env_remove("AUDIT_REMOVED")
        .current_dir(dir.path());
    let (status, events) = capture(|| cmd.status());
    assert!(status.unwrap().success());
    if !audit_core::ENABLED {
        assert!(events.is_empty());
        return;
    }
    assert_eq!(events.len(), 1);
    let event = &events[0];
    assert_eq!(event.name(), "process.spawn");
    let names: Vec<_> = event.args().map(|(n, _)| n).collect();
    assert_eq!(names, ["program", "args", "cwd", "env", "env_clear"]);
    assert_eq!(
        event.arg("program").unwrap(),
        &OwnedValue::Path("/bin/sh".into())
    );
    assert_eq!(
        event.arg("args").unwrap(),
        &OwnedValue::List(vec![owned_os("-c"), owned_os("exit 0")])
    );
    assert_eq!(event.arg("cwd").unwrap().as_path(), Some(dir.path()));
    // Sorted by key, as `get_envs` yields them; a removal has no value.
    assert_eq!(
        event.arg("env").unwrap(),
        &OwnedValue::List(vec![
            OwnedValue::List(vec![owned_os("AUDIT_REMOVED"), OwnedValue::None]),
            OwnedValue::List(vec![owned_os("AUDIT_SET"), owned_os("value")]),
        ])
    );
    assert_eq!(event.arg("env_clear").unwrap().as_bool(), Some(false));
}

#[test]
fn spawn_event_without_cwd_or_env_and_with_env_clear() {
    let (out, events) = capture(|| {
        audit_std::process::Command::new("/usr/bin/env")
            .env_clear()
            .env("ONLY", "this")
            .output()
    });
    // The child really got a cleared environment.
    assert_eq!(out.unwrap().stdout, b"ONLY=this\n");
    let (_, plain) = capture(|| audit_std::process::Command::new("/bin/true").status());
    if !audit_core::ENABLED {
        assert!(events.is_empty() && plain.is_empty());
        return;
    }
    assert_eq!(events[0].arg("env_clear").unwrap().as_bool(), Some(true));
    assert!(events[0].arg("cwd").unwrap().is_none());
    let plain = &plain[0];
    assert_eq!(plain.arg("args").unwrap(), &OwnedValue::List(vec![]));
    assert_eq!(plain.arg("env").unwrap(), &OwnedValue::List(vec![]));
    assert!(plain.arg("cwd").unwrap().is_none());
}

/// A command that would create `marker` if it ran.
fn marker_command(marker: &Path) -> audit_std::process::Command {
    let mut cmd = audit_std::process::Command::new("/usr/bin/touch");
    cmd.arg(marker);
    cmd
}

#[test]
fn vetoed_spawn_output_and_status_run_nothing() {
    let dir = tempfile::tempdir().unwrap();
    type Start = fn(&mut audit_std::process::Command) -> io::Result<()>;
    let starts: [(&str, Start); 3] = [
        ("spawn", |c| {
            c.spawn().and_then(|mut child| child.wait()).map(drop)
        }),
        ("output", |c| c.output().map(drop)),
        ("status", |c| c.status().map(drop)),
    ];
    for (how, start) in starts {
        let marker = dir.path().join(how);
        let mut cmd = marker_command(&marker);
        let (result, events) = capture_with(refuse_process_events, || start(&mut cmd));
        if audit_core::ENABLED {
            assert_vetoed(&result.unwrap_err());
            assert_eq!(events.len(), 1);
            assert_eq!(events[0].name(), "process.spawn");
            assert!(!marker.exists(), "{how}: a vetoed command ran");
        } else {
            result.unwrap();
            assert!(events.is_empty());
            assert!(marker.exists(), "{how}: the command did not run");
        }
        // The same command, not vetoed, does run: the marker is a real witness.
        let marker_again = dir.path().join(format!("{how}-again"));
        marker_command(&marker_again).status().unwrap();
        assert!(marker_again.exists());
    }
}

#[test]
fn a_veto_of_another_event_does_not_stop_a_spawn() {
    let (status, events) = capture_with(
        |e: &Event<'_>| {
            if e.name() == "process.kill" {
                Err(AuditError::denied("no kill"))
            } else {
                Ok(())
            }
        },
        || audit_std::process::Command::new("/bin/true").status(),
    );
    assert!(status.unwrap().success());
    assert_eq!(events.len(), usize::from(audit_core::ENABLED));
}

fn wait_for_exit(child: &mut audit_std::process::Child) -> Option<std::process::ExitStatus> {
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if let Some(status) = child.try_wait().unwrap() {
            return Some(status);
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    None
}

#[test]
fn kill_raises_pid_and_a_veto_leaves_the_child_running() {
    let mut child = audit_std::process::Command::new("/bin/sleep")
        .arg("30")
        .spawn()
        .unwrap();
    let pid = child.id();

    let (vetoed, events) = capture_with(refuse_process_events, || child.kill());
    if audit_core::ENABLED {
        assert_vetoed(&vetoed.unwrap_err());
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].name(), "process.kill");
        assert_eq!(events[0].arg("pid").unwrap().as_u64(), Some(u64::from(pid)));
        // No signal was sent: the child is still running a moment later.
        std::thread::sleep(Duration::from_millis(100));
        assert!(child.try_wait().unwrap().is_none());
    } else {
        vetoed.unwrap();
        assert!(events.is_empty());
    }

    let (killed, events) = capture(|| child.kill());
    killed.unwrap();
    assert_eq!(events.len(), usize::from(audit_core::ENABLED));
    let status = wait_for_exit(&mut child).expect("killed child exits");
    use std::os::unix::process::ExitStatusExt;
    assert_eq!(status.signal(), Some(9));
}

#[test]
fn waiting_and_reading_raise_nothing() {
    let mut child = audit_std::process::Command::new("/bin/sh")
        .args(["-c", "read line; echo got $line"])
        .stdin(audit_std::process::Stdio::piped())
        .stdout(audit_std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let (text, events) = capture(|| {
        child.stdin.as_mut().unwrap().write_all(b"x\n").unwrap();
        let mut text = String::new();
        child
            .stdout
            .as_mut()
            .unwrap()
            .read_to_string(&mut text)
            .unwrap();
        let _ = child.try_wait().unwrap();
        assert!(child.wait().unwrap().success());
        text
    });
    assert_eq!(text, "got x\n");
    assert!(events.is_empty(), "{events:?}");
}

#[test]
fn wait_closes_stdin_first_like_std() {
    // `cat` only exits once its stdin is closed: `wait` must close it.
    let mut child = audit_std::process::Command::new("/bin/cat")
        .stdin(audit_std::process::Stdio::piped())
        .stdout(audit_std::process::Stdio::null())
        .spawn()
        .unwrap();
    assert!(child.stdin.is_some());
    assert!(child.wait().unwrap().success());
    assert!(child.stdin.is_none());
}

#[test]
fn wait_with_output_collects_both_streams_and_closes_stdin() {
    let child = audit_std::process::Command::new("/bin/sh")
        .args(["-c", "cat; echo done >&2"])
        .stdin(audit_std::process::Stdio::piped())
        .stdout(audit_std::process::Stdio::piped())
        .stderr(audit_std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success());
    assert_eq!(output.stdout, b"");
    assert_eq!(output.stderr, b"done\n");
}

#[test]
fn debug_matches_std() {
    let dir = tempfile::tempdir().unwrap();
    let mut ours = audit_std::process::Command::new("prog");
    ours.args(["a b", "c"])
        .env("K", "v")
        .current_dir(dir.path());
    let mut theirs = std::process::Command::new("prog");
    theirs
        .args(["a b", "c"])
        .env("K", "v")
        .current_dir(dir.path());
    assert_eq!(format!("{ours:?}"), format!("{theirs:?}"));
    assert_eq!(format!("{ours:#?}"), format!("{theirs:#?}"));

    let std_child = std::process::Command::new("/bin/true")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let std_debug = format!("{std_child:?}");
    let mut child = audit_std::process::Child::from_std(std_child);
    let our_debug = format!("{child:?}");
    // Descriptor numbers are the same handles, so the text is identical.
    assert_eq!(our_debug, std_debug);
    assert!(our_debug.starts_with("Child { stdin: None, stdout: Some("));
    child.wait().unwrap();
}

#[test]
fn conversions_to_and_from_std_keep_the_handles() {
    let std_cmd = {
        let mut c = std::process::Command::new("/bin/sh");
        c.args(["-c", "read x; echo $x"]).env_clear();
        c
    };
    let mut cmd = audit_std::process::Command::from(std_cmd);
    assert_eq!(cmd.as_std().get_program(), "/bin/sh");
    cmd.stdin(audit_std::process::Stdio::piped())
        .stdout(audit_std::process::Stdio::piped());
    let (child, events) = capture(|| cmd.spawn());
    let child = child.unwrap();
    if audit_core::ENABLED {
        // `std` cannot say whether its command had `env_clear`: unknown.
        assert!(events[0].arg("env_clear").unwrap().is_none());
    }
    assert!(child.stdin.is_some() && child.stdout.is_some());

    let mut std_child = child.into_std();
    assert!(std_child.stdin.is_some() && std_child.stdout.is_some());
    std_child
        .stdin
        .as_mut()
        .unwrap()
        .write_all(b"round trip\n")
        .unwrap();
    let mut child = audit_std::process::Child::from(std_child);
    drop(child.stdin.take());
    let mut text = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    assert_eq!(text, "round trip\n");
    assert!(child.wait().unwrap().success());

    // `into_std` gives back a command that std can run (unaudited, by design).
    let (status, events) = capture(|| {
        let mut c = audit_std::process::Command::new("/bin/true");
        c.arg("x");
        c.into_std().status()
    });
    assert!(status.unwrap().success());
    assert!(events.is_empty());
}

#[test]
fn a_spawn_failure_is_std_s_error_after_the_event() {
    let (result, events) =
        capture(|| audit_std::process::Command::new("/nonexistent/prog").spawn());
    assert_eq!(result.unwrap_err().kind(), io::ErrorKind::NotFound);
    assert_eq!(events.len(), usize::from(audit_core::ENABLED));
}

#[test]
fn id_is_std_s() {
    assert_eq!(audit_std::process::id(), std::process::id());
}
