//! Nothing counted twice across `fork`: an `audit_std::process::Command`
//! that `std` starts with `fork` and `exec` (here: one with `pre_exec`, or
//! `uid`) raises `process.spawn` once, on the calling thread; the forked
//! child's exec of that same command is not judged a second time. A
//! different exec in the child (one the audit point never saw) is still
//! judged, and refused; and the parent's copy of the record cannot pass for
//! a later, unaudited command of the same thread.
//!
//! Its own binary: it installs a global hook that counts every
//! `process.spawn` (the forked child's exec is judged on another thread,
//! which a per-thread capture would not see).
#![cfg(target_os = "linux")]

use std::ffi::{CString, OsStr, OsString};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Mutex, OnceLock};

use audit_core::AuditError;

/// Each `process.spawn` seen: its program and arguments.
static SPAWNS: Mutex<Vec<(PathBuf, Vec<OsString>)>> = Mutex::new(Vec::new());
/// Each `fs.open` of /dev/null seen.
static DEV_NULL: Mutex<usize> = Mutex::new(0);
/// Arguments that make a command refused from now on.
static REFUSE: Mutex<Vec<OsString>> = Mutex::new(Vec::new());

/// The global hook, installed once: counts, and refuses any command with an
/// argument that ends with "refused" or is in [`REFUSE`].
fn setup() -> bool {
    static ON: OnceLock<bool> = OnceLock::new();
    *ON.get_or_init(|| {
        let on = audit_interpose::enable();
        assert_eq!(on, audit_core::ENABLED);
        if on {
            audit_core::add_hook(|event| {
                if event.name() == "fs.open"
                    && event.arg("path").and_then(|v| v.as_path()) == Some(Path::new("/dev/null"))
                {
                    *DEV_NULL.lock().unwrap() += 1;
                }
                if event.name() != "process.spawn" {
                    return Ok(());
                }
                let program = event.arg("program").and_then(|v| v.as_path()).unwrap();
                let args: Vec<OsString> = event
                    .arg("args")
                    .and_then(|v| v.as_list())
                    .unwrap()
                    .iter()
                    .map(|a| a.as_os_str().unwrap().to_owned())
                    .collect();
                let refuse = REFUSE.lock().unwrap();
                let refused = args
                    .iter()
                    .any(|a| a.as_bytes().ends_with(b"refused") || refuse.contains(a));
                drop(refuse);
                SPAWNS.lock().unwrap().push((program.to_owned(), args));
                if refused {
                    return Err(AuditError::denied("refused by the test"));
                }
                Ok(())
            })
            .unwrap();
        }
        on
    })
}

/// How many `process.spawn` events named `program` with exactly `args`.
fn spawns(program: &str, args: &[&OsStr]) -> usize {
    SPAWNS
        .lock()
        .unwrap()
        .iter()
        .filter(|(p, a)| p == Path::new(program) && a.iter().map(|a| &**a).eq(args.iter().copied()))
        .count()
}

/// A forking command: `pre_exec` keeps `std` from using `posix_spawn`.
fn forking(mut command: audit_std::process::Command) -> audit_std::process::Command {
    // SAFETY: the closure does nothing.
    unsafe { command.pre_exec(|| Ok(())) };
    command
}

#[test]
fn a_forked_command_is_counted_once() {
    if !setup() {
        return;
    }
    let tag = OsStr::new("forked-once");
    let mut command = forking(audit_std::process::Command::new("true"));
    command.arg(tag);
    assert!(command.status().unwrap().success());
    assert_eq!(spawns("true", &[tag]), 1);

    // The same through `uid` (our own: no privilege needed), and with the
    // null standard streams `std` opens /dev/null for between the audit
    // point and the fork: that open raises its own event and leaves the
    // spawn's record to the child.
    let tag = OsStr::new("forked-uid-null");
    let null_before = *DEV_NULL.lock().unwrap();
    // SAFETY: getuid cannot fail.
    let uid = unsafe { libc::getuid() };
    let status = audit_std::process::Command::new("true")
        .arg(tag)
        .uid(uid)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    assert_eq!(spawns("true", &[tag]), 1);
    assert!(
        *DEV_NULL.lock().unwrap() > null_before,
        "the /dev/null opens are audited"
    );

    // Through audit_tokio, which starts std's command on the same thread.
    let tag = OsStr::new("tokio-forked");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let status = runtime.block_on(async {
        audit_tokio::process::Command::new("true")
            .arg(tag)
            .uid(uid)
            .status()
            .await
    });
    assert!(status.unwrap().success());
    assert_eq!(spawns("true", &[tag]), 1);

    // And a command std starts with posix_spawn, with a null stdin.
    let tag = OsStr::new("spawned-null");
    let status = audit_std::process::Command::new("true")
        .arg(tag)
        .stdin(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    assert_eq!(spawns("true", &[tag]), 1);
}

#[test]
fn a_different_exec_in_the_child_is_still_judged() {
    if !setup() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let marker = dir.path().join("refused");
    let touch = CString::new("touch").unwrap();
    let marker_c = CString::new(marker.as_os_str().as_bytes()).unwrap();
    let tag = OsStr::new("outer-child");
    let mut command = audit_std::process::Command::new("true");
    command.arg(tag);
    // SAFETY: execvp and the pointers it reads, prepared before the fork,
    // are all the closure uses: async-signal-safe.
    unsafe {
        command.pre_exec(move || {
            // Another program than the audit point's: judged (and refused:
            // its argument ends with "refused"), so it never runs.
            let argv = [touch.as_ptr(), marker_c.as_ptr(), std::ptr::null()];
            libc::execvp(touch.as_ptr(), argv.as_ptr());
            Ok(())
        })
    };
    // The refused exec failed, and the child went on to its own program.
    assert!(command.status().unwrap().success());
    assert!(!marker.exists(), "a refused exec in the child ran");
    assert_eq!(spawns("touch", &[marker.as_os_str()]), 1);
    // The child's first exec, not the command's, left the record for the
    // command's own exec: judged once, in the parent.
    assert_eq!(spawns("true", &[tag]), 1);

    // A refused audit point: nothing starts at all, one event.
    let refused = dir.path().join("also-refused");
    let mut command = forking(audit_std::process::Command::new("touch"));
    command.arg(&refused);
    let err = command.status().unwrap_err();
    assert!(audit_core::audit_error(&err).is_some(), "{err}");
    assert!(!refused.exists());
    assert_eq!(spawns("touch", &[refused.as_os_str()]), 1);
}

#[test]
fn the_parents_copy_passes_for_nothing_later() {
    if !setup() {
        return;
    }
    // An audited forking command, then the same program and arguments
    // started by std directly on the same thread, both ways: each raises
    // its own event (the parent's copy of the record was forgotten at the
    // fork), and a refusal of the later one still stops it.
    let tag = OsStr::new("then-unaudited");
    let mut command = forking(audit_std::process::Command::new("true"));
    command.arg(tag);
    assert!(command.status().unwrap().success());
    assert_eq!(spawns("true", &[tag]), 1);
    let mut again = std::process::Command::new("true");
    again.arg(tag);
    // SAFETY: the closure does nothing.
    unsafe { again.pre_exec(|| Ok(())) };
    assert!(again.status().unwrap().success());
    assert!(std::process::Command::new("true")
        .arg(tag)
        .status()
        .unwrap()
        .success());
    assert_eq!(spawns("true", &[tag]), 3);

    // The same with a refusal: an audited command is allowed (and fails in
    // the child: its program is not found there); then the very same
    // command, unaudited, right after on this thread with no other call in
    // between, is refused and has no effect.
    let dir = tempfile::tempdir().unwrap();
    let marker = dir.path().join("made-by-the-later-one");
    let mut command = forking(audit_std::process::Command::new("touch"));
    command.arg(&marker).env("PATH", dir.path());
    let err = command.status().unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::NotFound);
    REFUSE.lock().unwrap().push(marker.clone().into_os_string());
    let err = std::process::Command::new("touch")
        .arg(&marker)
        .status()
        .unwrap_err();
    assert_eq!(err.raw_os_error(), Some(libc::EACCES));
    assert!(!marker.exists());
    let mut again = std::process::Command::new("touch");
    again.arg(&marker);
    // SAFETY: the closure does nothing.
    unsafe { again.pre_exec(|| Ok(())) };
    assert_eq!(
        again.status().unwrap_err().raw_os_error(),
        Some(libc::EACCES)
    );
    assert!(!marker.exists());
    assert_eq!(spawns("touch", &[marker.as_os_str()]), 3);
}
