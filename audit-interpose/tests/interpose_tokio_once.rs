//! Nothing counted twice across threads: an `audit_tokio::fs` operation
//! raises its event on the task's thread and is performed by `std::fs` on
//! tokio's blocking pool, where it reaches the interposed entry points; it
//! raises one event, not two. The record goes with the operation to the
//! blocking thread and no further: a later call on that thread, even an
//! identical one, raises its own event and can be refused.
//!
//! Its own binary: it installs a global hook (the blocking thread's events
//! are not the task's, so a per-thread capture would miss them).
#![cfg(target_os = "linux")]

mod common;

use std::ffi::CString;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use audit_core::{AuditError, OwnedEvent};
use audit_tokio::fs;
use common::{enable_in_new_root, events, runtime, EVENTS};

/// Paths refused from now on (besides everything under `deny`).
static REFUSE: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());
static ROOT: OnceLock<PathBuf> = OnceLock::new();

/// The shared root (canonical), and the hook, installed once: it records
/// every event with a path under the root, and refuses those under
/// `root/deny` or in [`REFUSE`].
fn root() -> &'static Path {
    ROOT.get_or_init(|| {
        let root = enable_in_new_root();
        std::fs::create_dir(root.join("deny")).unwrap();
        let watched = root.clone();
        let deny = root.join("deny");
        if audit_core::ENABLED {
            audit_core::add_hook(move |event| {
                let paths: Vec<&Path> = event.args().filter_map(|(_, v)| v.as_path()).collect();
                if !paths.iter().any(|p| p.starts_with(&watched)) {
                    return Ok(());
                }
                EVENTS.lock().unwrap().push(event.to_owned());
                let refuse = REFUSE.lock().unwrap();
                if paths
                    .iter()
                    .any(|p| p.starts_with(&deny) || refuse.iter().any(|r| r == p))
                {
                    return Err(AuditError::denied("refused by the test"));
                }
                Ok(())
            })
            .unwrap();
        }
        root
    })
}

fn count(name: &str, path: &Path) -> usize {
    events(name, path).len()
}

#[test]
fn each_operation_raises_one_event() {
    let root = root();
    if !audit_core::ENABLED {
        return;
    }
    let dir = root.join("once");
    std::fs::create_dir(&dir).unwrap();
    let (a, b, c, d) = (dir.join("a"), dir.join("b"), dir.join("c"), dir.join("d"));
    runtime().block_on(async {
        fs::write(&a, b"x").await.unwrap();
        assert_eq!(count("fs.open", &a), 1);
        fs::read(&a).await.unwrap();
        assert_eq!(count("fs.open", &a), 2);
        fs::read_to_string(&a).await.unwrap();
        assert_eq!(count("fs.open", &a), 3);

        drop(fs::File::create(&b).await.unwrap());
        assert_eq!(count("fs.open", &b), 1);
        drop(fs::File::open(&b).await.unwrap());
        assert_eq!(count("fs.open", &b), 2);
        drop(fs::File::create_new(&c).await.unwrap());
        assert_eq!(count("fs.open", &c), 1);
        let options = {
            let mut options = fs::OpenOptions::new();
            options.append(true).create(true).mode(0o640);
            options
        };
        drop(options.open(&c).await.unwrap());
        assert_eq!(count("fs.open", &c), 2, "{:?}", events("fs.open", &c));

        fs::rename(&b, &d).await.unwrap();
        assert_eq!(count("fs.rename", &b), 1);
        fs::hard_link(&d, dir.join("hard")).await.unwrap();
        assert_eq!(count("fs.hard_link", &d), 1);
        fs::symlink(&d, dir.join("soft")).await.unwrap();
        assert_eq!(count("fs.symlink", &d), 1);
        fs::set_permissions(&d, std::fs::Permissions::from_mode(0o600))
            .await
            .unwrap();
        assert_eq!(count("fs.set_permissions", &d), 1);
        fs::remove_file(&d).await.unwrap();
        assert_eq!(count("fs.remove_file", &d), 1);

        let e = dir.join("e");
        fs::create_dir(&e).await.unwrap();
        assert_eq!(count("fs.create_dir", &e), 1);
        fs::remove_dir(&e).await.unwrap();
        assert_eq!(count("fs.remove_dir", &e), 1);
        let f = dir.join("f");
        fs::DirBuilder::new().mode(0o750).create(&f).await.unwrap();
        assert_eq!(count("fs.create_dir", &f), 1);

        // One audited operation that makes several calls: its own event,
        // then one of each call's (different) events, never the audit
        // point's twice.
        let deep = dir.join("g").join("h");
        fs::create_dir_all(&deep).await.unwrap();
        let made = events("fs.create_dir", &deep);
        let recursive =
            |e: &&OwnedEvent| e.arg("recursive").and_then(|v| v.as_bool()) == Some(true);
        // std tries `deep` first, makes its parent, then `deep` again.
        assert_eq!(made.iter().filter(recursive).count(), 1, "{made:?}");
        assert_eq!(made.len(), 3, "{made:?}");

        // The listing of a directory: its own blocking job, which opens it.
        fs::read_dir(&dir).await.unwrap();
        assert_eq!(count("fs.read_dir", &dir), 1);

        // What is still counted twice (tokio's `File` performs it, with no
        // way in for the record): changes through an open file.
        let file = fs::OpenOptions::new().write(true).open(&a).await.unwrap();
        file.set_len(0).await.unwrap();
        let set_len: Vec<_> = EVENTS
            .lock()
            .unwrap()
            .iter()
            .filter(|e| {
                e.name() == "fs.set_len" && e.arg("path").and_then(|v| v.as_path()) == Some(&*a)
            })
            .cloned()
            .collect();
        assert_eq!(set_len.len(), 2, "{set_len:?}");
    });
}

#[test]
fn no_record_outlives_its_operation() {
    let root = root();
    if !audit_core::ENABLED {
        return;
    }
    let p = root.join("stale");
    runtime().block_on(async {
        // An audited open that std refuses before any system call (create
        // without write): the record reaches the blocking thread and is
        // not used there.
        let refused = fs::OpenOptions::new()
            .read(true)
            .create(true)
            .open(&p)
            .await;
        assert_eq!(
            refused.unwrap_err().kind(),
            std::io::ErrorKind::InvalidInput
        );
        assert_eq!(count("fs.open", &p), 1);

        // The very same open, made directly on that blocking thread (the
        // pool has one), raises its own event, and its refusal holds.
        REFUSE.lock().unwrap().push(p.clone());
        let c = CString::new(p.as_os_str().as_bytes()).unwrap();
        let result = tokio::task::spawn_blocking(move || {
            // SAFETY: a valid C string; the descriptor, if any, is closed.
            let fd = unsafe {
                libc::open(
                    c.as_ptr(),
                    libc::O_RDONLY | libc::O_CREAT | libc::O_CLOEXEC,
                    0o666,
                )
            };
            let err = std::io::Error::last_os_error();
            if fd >= 0 {
                unsafe { libc::close(fd) };
            }
            (fd, err.raw_os_error())
        })
        .await
        .unwrap();
        assert_eq!(result, (-1, Some(libc::EACCES)));
        assert!(!p.exists(), "a refused open created the file");
        let opens = events("fs.open", &p);
        assert_eq!(opens.len(), 2, "{opens:?}");
        // Identical events: a record left behind would have matched.
        let args = |e: &OwnedEvent| format!("{:?}", e.args().collect::<Vec<_>>());
        assert_eq!(args(&opens[0]), args(&opens[1]));
    });
}

#[test]
fn a_refusal_stops_the_operation_before_the_blocking_pool() {
    let root = root();
    if !audit_core::ENABLED {
        return;
    }
    let denied = root.join("deny").join("w");
    runtime().block_on(async {
        let err = fs::write(&denied, b"x").await.unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::PermissionDenied);
        let err = fs::create_dir(&denied).await.unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::PermissionDenied);
    });
    assert!(!denied.exists());
    assert_eq!(count("fs.open", &denied), 1);
    assert_eq!(count("fs.create_dir", &denied), 1);
}
