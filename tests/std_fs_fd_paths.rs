//! Events on an open file (`File::set_permissions`, `set_len`, `set_times`,
//! `set_modified`, `metadata`, the locks, `fchown`) carry the file's own
//! path, so that path rules see them; where the path cannot be known the
//! argument is `None` (a deny rule applies, an allow rule fails).
//!
//! The file is opened read-only, as code allowed to read anywhere would,
//! through a symbolic link and a `..`, so the spelling used to open it is
//! not the one reported: the event names the file's canonical path.
#![cfg(unix)]

mod std_fs_common;

use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use audit_core::testing::capture;
use audit_core::OwnedEvent;
use audit_std::fs::{self, File, FileTimes, OpenOptions};
use audit_std::os::unix::fs::{fchown, MetadataExt, OpenOptionsExt, PermissionsExt};
use std_fs_common::fd_of;

/// Whether this platform tells an open file's path.
const KNOWS_PATHS: bool = cfg!(any(target_os = "linux", target_os = "android"));

/// Every operation on an open file that raises an event, with its name.
#[allow(clippy::type_complexity)]
fn operations() -> Vec<(&'static str, Box<dyn Fn(&File) -> io::Result<()>>)> {
    let when = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000);
    vec![
        ("fs.metadata", Box::new(|f| f.metadata().map(drop))),
        (
            "fs.set_permissions",
            Box::new(|f| f.set_permissions(fs::Permissions::from_mode(0o644))),
        ),
        // Fails on a read-only descriptor, after the event.
        ("fs.set_len", Box::new(|f| f.set_len(0))),
        (
            "fs.set_times",
            Box::new(move |f| f.set_times(FileTimes::new().set_modified(when))),
        ),
        ("fs.set_times", Box::new(move |f| f.set_modified(when))),
        ("fs.lock", Box::new(File::lock)),
        ("fs.unlock", Box::new(File::unlock)),
        ("fs.lock", Box::new(File::lock_shared)),
        ("fs.unlock", Box::new(File::unlock)),
        (
            "fs.lock",
            Box::new(|f| f.try_lock().map_err(io::Error::from)),
        ),
        ("fs.unlock", Box::new(File::unlock)),
        (
            "fs.lock",
            Box::new(|f| f.try_lock_shared().map_err(io::Error::from)),
        ),
        ("fs.unlock", Box::new(File::unlock)),
        ("fs.chown", Box::new(|f| fchown(f, None, None))),
    ]
}

/// The one event of `events`, named `name`, on descriptor `fd`; its `path`.
#[track_caller]
fn path_of(events: &[OwnedEvent], name: &str, fd: i64) -> Option<PathBuf> {
    assert_eq!(events.len(), 1, "expected one {name}: {events:?}");
    let event = &events[0];
    assert_eq!(event.name(), name, "{event:?}");
    assert_eq!(
        event.arg("fd").and_then(|v| v.as_i64()),
        Some(fd),
        "{event:?}"
    );
    let path = event
        .arg("path")
        .unwrap_or_else(|| panic!("{name} has no `path` argument: {event:?}"));
    if path.is_none() {
        return None;
    }
    Some(
        path.as_path()
            .unwrap_or_else(|| panic!("`path` is not a path: {event:?}"))
            .to_path_buf(),
    )
}

/// Runs every operation on `file` and checks the `path` each event reports.
#[track_caller]
fn each_reports(file: &File, want: Option<&Path>) {
    for (name, op) in operations() {
        let (_, events) = capture(|| op(file));
        if !audit_core::ENABLED {
            assert!(events.is_empty());
            continue;
        }
        assert_eq!(
            path_of(&events, name, fd_of(file)).as_deref(),
            want,
            "{name}"
        );
    }
}

/// A file outside `work`, read through a link inside it: `work/link/../x`
/// style spellings must not leak into the reported path.
fn outside_file() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let root = tempfile::tempdir().unwrap();
    let outside = root.path().join("outside");
    let work = root.path().join("work");
    std::fs::create_dir(&outside).unwrap();
    std::fs::create_dir(&work).unwrap();
    let file = outside.join("secret");
    std::fs::write(&file, "keep").unwrap();
    std::os::unix::fs::symlink(&outside, work.join("door")).unwrap();
    let spelled = work.join("door").join(".").join("secret");
    (root, std::fs::canonicalize(&file).unwrap(), spelled)
}

#[test]
fn each_descriptor_event_names_the_files_canonical_path() {
    let (_root, canonical, spelled) = outside_file();
    let file = File::open(&spelled).unwrap();
    let want = KNOWS_PATHS.then_some(canonical.as_path());
    each_reports(&file, want);
    assert_eq!(std::fs::read(&canonical).unwrap(), b"keep");
}

#[test]
fn a_renamed_file_is_named_by_its_new_path() {
    let (root, canonical, _) = outside_file();
    let file = File::open(&canonical).unwrap();
    let moved = canonical.with_file_name("moved");
    std::fs::rename(&canonical, &moved).unwrap();
    let want = KNOWS_PATHS.then_some(moved.as_path());
    each_reports(&file, want);
    drop(root);
}

#[test]
fn a_deleted_file_has_no_path() {
    let (_root, canonical, _) = outside_file();
    let file = File::open(&canonical).unwrap();
    std::fs::remove_file(&canonical).unwrap();
    each_reports(&file, None);
}

#[test]
fn a_file_replaced_by_another_has_no_path() {
    // The descriptor's file lost its name to another file: the kernel now
    // calls it "... (deleted)", and the name reaches a different inode.
    let (_root, canonical, _) = outside_file();
    let file = File::open(&canonical).unwrap();
    let other = canonical.with_file_name("other");
    std::fs::write(&other, "other").unwrap();
    std::fs::rename(&other, &canonical).unwrap();
    each_reports(&file, None);
}

#[test]
fn a_file_named_like_a_deleted_one_has_no_path() {
    // Ambiguous with a deleted file's link text: reported as unknown.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x (deleted)");
    std::fs::write(&path, "x").unwrap();
    let file = File::open(&path).unwrap();
    each_reports(&file, None);
}

#[test]
fn a_hard_link_is_named_by_the_name_it_was_opened_by() {
    let (root, canonical, _) = outside_file();
    let inside = root.path().join("work").join("alias");
    std::fs::hard_link(&canonical, &inside).unwrap();
    let file = File::open(&inside).unwrap();
    let inside = std::fs::canonicalize(&inside).unwrap();
    let want = KNOWS_PATHS.then_some(inside.as_path());
    each_reports(&file, want);
}

#[test]
fn a_pipe_has_no_path() {
    let (reader, _writer) = io::pipe().unwrap();
    let file = File::from(std::os::fd::OwnedFd::from(reader));
    let (_, events) = capture(|| file.metadata());
    if audit_core::ENABLED {
        assert_eq!(path_of(&events, "fs.metadata", fd_of(&file)), None);
    }
}

#[cfg(any(target_os = "linux", target_os = "android"))]
#[test]
fn an_unnamed_tmpfile_has_no_path() {
    let dir = tempfile::tempdir().unwrap();
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .custom_flags(libc::O_TMPFILE)
        .mode(0o600)
        .open(dir.path())
        .unwrap();
    each_reports(&file, None);
}

#[cfg(any(target_os = "linux", target_os = "android"))]
#[test]
fn an_o_path_descriptor_is_named() {
    // An O_PATH descriptor cannot be read or written, but names its file.
    let (_root, canonical, spelled) = outside_file();
    let file = OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_PATH)
        .open(&spelled)
        .unwrap();
    let (_, events) = capture(|| file.set_len(0));
    if audit_core::ENABLED {
        assert_eq!(
            path_of(&events, "fs.set_len", fd_of(&file)).as_deref(),
            Some(canonical.as_path())
        );
    }
}

#[test]
fn path_operations_keep_the_path_as_given_and_no_fd() {
    let (_root, canonical, spelled) = outside_file();
    let (_, events) = capture(|| fs::metadata(&spelled));
    if audit_core::ENABLED {
        let event = &events[0];
        assert_eq!(
            event.arg("path").and_then(|v| v.as_path()),
            Some(spelled.as_path())
        );
        assert!(event.arg("fd").is_some_and(|v| v.is_none()), "{event:?}");
    }
    assert!(std::fs::metadata(&canonical).unwrap().ino() > 0);
}

/// A thread may have a descriptor table of its own (`unshare(CLONE_FILES)`),
/// where a number names another file than in the process's table: the path
/// is read from the calling thread's table.
#[cfg(target_os = "linux")]
#[test]
fn a_thread_with_its_own_descriptor_table_is_named_from_it() {
    use std::sync::mpsc;

    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    std::fs::write(&a, "a").unwrap();
    std::fs::write(&b, "b").unwrap();
    let b = std::fs::canonicalize(&b).unwrap();
    let (ready_tx, ready_rx) = mpsc::channel();
    let (go_tx, go_rx) = mpsc::channel::<()>();
    let thread_b = b.clone();
    let thread = std::thread::spawn(move || {
        // SAFETY: unshare(CLONE_FILES) only gives this thread a private copy
        // of the descriptor table; it touches no memory of ours.
        assert_eq!(unsafe { libc::unshare(libc::CLONE_FILES) }, 0);
        let file = File::open(&thread_b).unwrap();
        ready_tx.send(fd_of(&file)).unwrap();
        go_rx.recv().unwrap();
        let (_, events) = capture(|| file.metadata());
        (events, fd_of(&file))
    });
    let n = ready_rx.recv().unwrap();
    // Fill the process's table up to the same number, with another file.
    let mut held = Vec::new();
    while held.last().map_or(-1, fd_of) < n {
        held.push(std::fs::File::open(&a).unwrap());
    }
    go_tx.send(()).unwrap();
    let (events, fd) = thread.join().unwrap();
    if audit_core::ENABLED {
        assert_eq!(path_of(&events, "fs.metadata", fd), Some(b));
    }
}
