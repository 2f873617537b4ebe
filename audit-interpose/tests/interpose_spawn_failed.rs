//! A command that `std` fails to start before it forks or calls
//! `posix_spawn` (here: no descriptor is left for its `/dev/null` stdin, or
//! for its stdout pipe), through audit_std or audit_tokio, leaves no "already audited" record behind: the same program with the
//! same arguments, started right after on the same thread without an audit
//! point, raises its own `process.spawn`, and a refusal stops it.
//!
//! Its own binary: it installs a global hook, and lowers the process's
//! descriptor limit for a moment (which would break tests running beside
//! it).
#![cfg(target_os = "linux")]

use std::ffi::OsString;
use std::io;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::Mutex;

use audit_core::AuditError;

/// Each `process.spawn` seen: its first argument.
static SPAWNS: Mutex<Vec<OsString>> = Mutex::new(Vec::new());
/// A first argument refused from now on.
static REFUSE: Mutex<Option<PathBuf>> = Mutex::new(None);

#[test]
fn a_failed_start_leaves_no_record() {
    if !audit_interpose::enable() {
        return;
    }
    audit_core::add_hook(|event| {
        if event.name() != "process.spawn" {
            return Ok(());
        }
        let first = event
            .arg("args")
            .and_then(|v| v.as_list())
            .and_then(|args| args.first())
            .and_then(|a| a.as_os_str())
            .map(|a| a.to_owned())
            .unwrap_or_default();
        let refused = REFUSE.lock().unwrap().as_deref() == Some(first.as_ref());
        SPAWNS.lock().unwrap().push(first);
        if refused {
            return Err(AuditError::denied("refused by the test"));
        }
        Ok(())
    })
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    // std fails opening /dev/null for the null stdin, or making the pipe
    // for the piped stdout: both before any process is made. tokio starts
    // its children through std, and fails the same way.
    type Start = fn(&Path, &tokio::runtime::Runtime) -> io::Error;
    let starts: [(&str, Start); 3] = [
        ("std null", |marker, _| {
            let mut command = audit_std::process::Command::new("touch");
            command.arg(marker).stdin(Stdio::null());
            without_descriptors(|| command.status()).unwrap_err()
        }),
        ("std piped", |marker, _| {
            let mut command = audit_std::process::Command::new("touch");
            command.arg(marker).stdout(Stdio::piped());
            without_descriptors(|| command.status()).unwrap_err()
        }),
        ("tokio piped", |marker, runtime| {
            let _entered = runtime.enter();
            let mut command = audit_tokio::process::Command::new("touch");
            command.arg(marker).stdout(Stdio::piped());
            without_descriptors(|| command.spawn()).unwrap_err()
        }),
    ];
    for (name, start) in starts {
        let marker = dir.path().join(name.replace(' ', "-"));
        let before = SPAWNS.lock().unwrap().len();
        let err = start(&marker, &runtime);
        assert_eq!(err.raw_os_error(), Some(libc::EMFILE), "{name}: {err}");
        assert_eq!(SPAWNS.lock().unwrap().len(), before + 1, "{name}");

        // The same command, unaudited, right after: judged, refused, no
        // effect.
        *REFUSE.lock().unwrap() = Some(marker.clone());
        let err = std::process::Command::new("touch")
            .arg(&marker)
            .status()
            .unwrap_err();
        assert_eq!(err.raw_os_error(), Some(libc::EACCES), "{name}");
        assert!(!marker.exists(), "{name}");
        assert_eq!(SPAWNS.lock().unwrap().len(), before + 2, "{name}");
    }
}

/// Runs `f` with no descriptor left to open: the limit lowered to the
/// lowest free descriptor.
fn without_descriptors<R>(f: impl FnOnce() -> R) -> R {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: dup/close of a descriptor made here; getrlimit and setrlimit
    // with valid pointers.
    unsafe {
        let lowest = libc::dup(0);
        assert!(lowest >= 0);
        libc::close(lowest);
        assert_eq!(libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit), 0);
        let low = libc::rlimit {
            rlim_cur: lowest as libc::rlim_t,
            rlim_max: limit.rlim_max,
        };
        assert_eq!(libc::setrlimit(libc::RLIMIT_NOFILE, &low), 0);
    }
    let result = f();
    // SAFETY: restores the limit read above.
    unsafe { assert_eq!(libc::setrlimit(libc::RLIMIT_NOFILE, &limit), 0) };
    result
}
