//! Fork safety: between `fork` and `exec` the child may only do
//! async-signal-safe work, so no hook may run there. This binary installs a
//! global hook that takes a lock (as a sink does) while other threads keep
//! taking that lock and allocating, and starts many children through the
//! fork path (`pre_exec`), each of which calls an interposed `open` and then
//! `execvp` in the child. A hook run in a child would either deadlock (the
//! lock copied held) or write to the leak pipe; neither may happen.
//!
//! Its own binary: it installs a global hook.
#![cfg(target_os = "linux")]

use std::ffi::CString;
use std::os::unix::process::CommandExt;
use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Duration;

static SINK: Mutex<Vec<String>> = Mutex::new(Vec::new());
static PARENT: AtomicUsize = AtomicUsize::new(0);
static LEAK_FD: AtomicUsize = AtomicUsize::new(usize::MAX);
static STOP: AtomicBool = AtomicBool::new(false);
static HOOKED: AtomicUsize = AtomicUsize::new(0);
static SPAWNS: AtomicUsize = AtomicUsize::new(0);

const CHILDREN: usize = 200;

#[test]
fn no_hook_runs_between_fork_and_exec() {
    if !audit_interpose::enable() {
        return;
    }
    PARENT.store(std::process::id() as usize, Ordering::SeqCst);
    let mut fds = [0; 2];
    assert_eq!(
        unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_NONBLOCK) },
        0
    );
    LEAK_FD.store(fds[1] as usize, Ordering::SeqCst);

    audit_core::add_hook(|event| {
        if std::process::id() as usize != PARENT.load(Ordering::SeqCst) {
            // Only reachable if a hook ran in a child: tell the parent.
            let fd = LEAK_FD.load(Ordering::SeqCst) as i32;
            unsafe { libc::write(fd, b"!".as_ptr().cast(), 1) };
        }
        HOOKED.fetch_add(1, Ordering::SeqCst);
        if event.name() == "process.spawn" {
            let program = event.arg("program").and_then(|v| v.as_path());
            if program == Some(std::path::Path::new("true")) {
                // The child inherits this process's environment: nothing
                // to report but that.
                let env_clear = event.arg("env_clear").and_then(|v| v.as_bool());
                let env_len = event.arg("env").and_then(|v| v.as_list()).map(|l| l.len());
                if env_clear == Some(false) && env_len == Some(0) {
                    SPAWNS.fetch_add(1, Ordering::SeqCst);
                }
            }
            if program == Some(std::path::Path::new("touch")) {
                return Err(audit_core::AuditError::denied("no touching"));
            }
        }
        // A hook that starts a command itself, through the fork path: its
        // child must not wait for the hooks (this one) to judge its exec.
        if event.name() == "fs.remove_file" {
            // Holding the sink's lock, which the hook takes on every other
            // thread (the broker's included).
            let _sink = SINK.lock().unwrap_or_else(|e| e.into_inner());
            let mut command = Command::new("true");
            // SAFETY: the closure does nothing.
            unsafe { command.pre_exec(|| Ok(())) };
            assert!(command.status().unwrap().success());
        }
        // A sink: a lock and an allocation.
        SINK.lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(event.name().to_string());
        Ok(())
    })
    .unwrap();

    // A watchdog for the deadlock this test looks for: a child stuck on a
    // lock copied held never exits, and `status` would wait forever.
    std::thread::spawn(|| {
        std::thread::sleep(Duration::from_secs(120));
        if !STOP.load(Ordering::SeqCst) {
            eprintln!("a child did not finish: deadlock between fork and exec");
            std::process::abort();
        }
    });

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("f");
    std::fs::write(&file, b"x").unwrap();
    let busy: Vec<_> = (0..3)
        .map(|_| {
            let file = file.clone();
            std::thread::spawn(move || {
                let mut opened = 0usize;
                while !STOP.load(Ordering::SeqCst) {
                    {
                        let mut sink = SINK.lock().unwrap();
                        sink.truncate(0);
                        sink.reserve(64);
                        std::thread::yield_now();
                    }
                    // Raises fs.open: the hook takes the lock again.
                    drop(std::fs::File::open(&file).unwrap());
                    opened += 1;
                }
                opened
            })
        })
        .collect();

    let dev_null = CString::new("/dev/null").unwrap();
    for _ in 0..CHILDREN {
        let mut command = Command::new("true");
        let path = dev_null.clone();
        // SAFETY: `open` and `close` are async-signal-safe; the interposed
        // `open` must stay so (no hook in the child).
        unsafe {
            command.pre_exec(move || {
                let fd = libc::open(path.as_ptr(), libc::O_RDONLY);
                if fd >= 0 {
                    libc::close(fd);
                }
                Ok(())
            })
        };
        assert!(command.status().unwrap().success());
    }
    // A hook that runs a command of its own finishes (no deadlock).
    let removed = dir.path().join("removed");
    std::fs::write(&removed, b"x").unwrap();
    std::fs::remove_file(&removed).unwrap();

    // A refused exec in a forked child: the child gets EACCES, runs nothing.
    let marker = dir.path().join("marker");
    let mut command = Command::new("touch");
    command.arg(&marker);
    // SAFETY: the closure does nothing.
    unsafe { command.pre_exec(|| Ok(())) };
    let err = command.status().unwrap_err();
    assert_eq!(err.raw_os_error(), Some(libc::EACCES));
    assert!(!marker.exists());

    STOP.store(true, Ordering::SeqCst);
    let opened: usize = busy.into_iter().map(|t| t.join().unwrap()).sum();

    // The hooks did run in the parent, meanwhile, and saw every child's
    // exec (asked from the child, judged on the parent's broker thread)...
    assert!(opened > 0 && HOOKED.load(Ordering::SeqCst) > 0);
    assert_eq!(SPAWNS.load(Ordering::SeqCst), CHILDREN);
    // ... and never in a child.
    let mut byte = [0u8; 1];
    let read = unsafe { libc::read(fds[0], byte.as_mut_ptr().cast(), 1) };
    assert_eq!(read, -1, "a hook ran in a forked child");
    assert_eq!(
        std::io::Error::last_os_error().raw_os_error(),
        Some(libc::EAGAIN)
    );
}
