//! Early and late calls: before `enable`, from a thread the C library
//! started, during thread-local destruction, at exit, and from a hook that
//! does its own I/O. None may crash, deadlock or recurse.
//!
//! The scenario runs in a child process (this binary again, with
//! `INTERPOSE_EARLY_LATE_CHILD` set), because exit handlers only run when a
//! process ends and the child's exit status is what is checked. Its own
//! binary: it installs a global hook.
#![cfg(target_os = "linux")]

use std::ffi::CString;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

const CHILD: &str = "INTERPOSE_EARLY_LATE_CHILD";

static SEEN: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());
static LOGGED: AtomicUsize = AtomicUsize::new(0);
static mut AT_EXIT_PATH: Option<CString> = None;

fn seen(path: &Path) -> bool {
    SEEN.lock().unwrap().iter().any(|p| p == path)
}

extern "C" fn c_thread(arg: *mut libc::c_void) -> *mut libc::c_void {
    // SAFETY: `arg` is the CString pointer the creator keeps alive until join.
    let fd = unsafe { libc::open(arg as *const libc::c_char, libc::O_RDONLY) };
    if fd >= 0 {
        unsafe { libc::close(fd) };
    }
    std::ptr::null_mut()
}

extern "C" fn at_exit() {
    // SAFETY: written once before `atexit` registered this handler.
    #[allow(static_mut_refs)]
    if let Some(path) = unsafe { AT_EXIT_PATH.as_ref() } {
        let fd = unsafe { libc::open(path.as_ptr(), libc::O_WRONLY | libc::O_CREAT, 0o600) };
        if fd >= 0 {
            unsafe {
                libc::write(fd, b"exit".as_ptr().cast(), 4);
                libc::close(fd);
            }
        }
    }
}

struct OpensOnDrop(PathBuf);

impl Drop for OpensOnDrop {
    fn drop(&mut self) {
        // Thread-locals are being destroyed: the entry point must cope.
        std::fs::write(&self.0, b"tls").unwrap();
    }
}

thread_local! {
    static ON_DROP: std::cell::RefCell<Option<OpensOnDrop>> = const { std::cell::RefCell::new(None) };
}

fn child(dir: &Path) {
    let log = dir.join("hook.log");
    let hook_log = log.clone();
    audit_core::add_hook(move |event| {
        if let Some(path) = event.arg("path").and_then(|v| v.as_path()) {
            SEEN.lock().unwrap().push(path.to_path_buf());
        }
        // The hook's own I/O reaches the interposed `open` too.
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .create(true)
            .open(&hook_log)
            .unwrap();
        writeln!(f, "{}", event.name()).unwrap();
        LOGGED.fetch_add(1, Ordering::SeqCst);
        Ok(())
    })
    .unwrap();

    // Before enable: forwarded, no event.
    let early = dir.join("early");
    std::fs::write(&early, b"x").unwrap();
    assert!(!seen(&early), "an event before enable");

    assert!(audit_interpose::enable());
    let after = dir.join("after");
    std::fs::write(&after, b"x").unwrap();
    assert!(seen(&after));
    // The hook's own opens of its log raised nothing (no recursion).
    assert!(!seen(&log));
    assert_eq!(LOGGED.load(Ordering::SeqCst), 1);

    // A thread started by the C library, not by std.
    let from_c = dir.join("from_c");
    std::fs::write(&from_c, b"x").unwrap();
    let c_path = CString::new(from_c.as_os_str().as_encoded_bytes()).unwrap();
    let mut thread: libc::pthread_t = 0;
    let created = unsafe {
        libc::pthread_create(
            &mut thread,
            std::ptr::null(),
            c_thread,
            c_path.as_ptr() as *mut _,
        )
    };
    assert_eq!(created, 0);
    assert_eq!(
        unsafe { libc::pthread_join(thread, std::ptr::null_mut()) },
        0
    );
    assert!(seen(&from_c), "the C thread's open was not seen");

    // During thread-local destruction.
    let tls = dir.join("tls");
    let tls2 = tls.clone();
    std::thread::spawn(move || ON_DROP.with(|d| *d.borrow_mut() = Some(OpensOnDrop(tls2))))
        .join()
        .unwrap();
    assert_eq!(std::fs::read(&tls).unwrap(), b"tls");

    // At exit.
    let exit_path = dir.join("at_exit");
    unsafe {
        AT_EXIT_PATH = Some(CString::new(exit_path.as_os_str().as_encoded_bytes()).unwrap());
        assert_eq!(libc::atexit(at_exit), 0);
    }
    println!("child done");
}

#[test]
fn early_and_late_calls_neither_crash_nor_deadlock() {
    if let Some(dir) = std::env::var_os(CHILD) {
        child(Path::new(&dir));
        return;
    }
    if !audit_core::ENABLED {
        assert!(!audit_interpose::enable());
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "early_and_late_calls_neither_crash_nor_deadlock",
            "--nocapture",
        ])
        .env(CHILD, dir.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "child failed: {:?}\n{stdout}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("child done"), "{stdout}");
    // The exit handler ran, through the interposed `open`, after main.
    assert_eq!(std::fs::read(dir.path().join("at_exit")).unwrap(), b"exit");
}
