//! `audit_std::fs`: for every audited operation, the event and its arguments,
//! and a veto that fails the operation with no effect on the filesystem.
//! With the `off` feature: no event, and the operation succeeds.

mod std_fs_common;

use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::Path;
use std::time::{Duration, SystemTime};

use audit_core::testing::capture;
use audit_std::fs::{self, DirBuilder, File, OpenOptions, TryLockError};
use std_fs_common::{check, fd_of, open_file_path, path_or_absent, Expect::*};

fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().expect("tempdir")
}

fn std_len(path: &Path) -> u64 {
    std::fs::metadata(path).unwrap().len()
}

#[test]
fn file_open_reads_only() {
    let dir = tempdir();
    let p = dir.path().join("a.txt");
    std::fs::write(&p, "abc").unwrap();
    let mut file = check(
        "fs.open",
        &[
            ("path", Path(&p)),
            ("read", Bool(true)),
            ("write", Bool(false)),
            ("append", Bool(false)),
            ("truncate", Bool(false)),
            ("create", Bool(false)),
            ("create_new", Bool(false)),
            ("mode", Uint(0o666)),
            ("custom_flags", Int(0)),
        ],
        || File::open(&p),
        || {},
        |_| {},
    );
    let mut s = String::new();
    file.read_to_string(&mut s).unwrap();
    assert_eq!(s, "abc");
}

#[test]
fn file_create_vetoed_creates_nothing() {
    let dir = tempdir();
    let p = dir.path().join("new.txt");
    check(
        "fs.open",
        &[
            ("path", Path(&p)),
            ("read", Bool(false)),
            ("write", Bool(true)),
            ("append", Bool(false)),
            ("truncate", Bool(true)),
            ("create", Bool(true)),
            ("create_new", Bool(false)),
            ("mode", Uint(0o666)),
            ("custom_flags", Int(0)),
        ],
        || File::create(&p),
        || assert!(!p.exists(), "a vetoed create must not create the file"),
        |_| assert!(p.exists()),
    );
}

#[test]
fn file_create_vetoed_truncates_nothing() {
    let dir = tempdir();
    let p = dir.path().join("old.txt");
    std::fs::write(&p, "keep me").unwrap();
    check(
        "fs.open",
        &[("path", Path(&p)), ("truncate", Bool(true))],
        || File::create(&p),
        || assert_eq!(std::fs::read_to_string(&p).unwrap(), "keep me"),
        |_| assert_eq!(std_len(&p), 0),
    );
}

#[test]
fn file_create_new() {
    let dir = tempdir();
    let p = dir.path().join("fresh.txt");
    check(
        "fs.open",
        &[
            ("path", Path(&p)),
            ("read", Bool(true)),
            ("write", Bool(true)),
            ("create", Bool(true)),
            ("create_new", Bool(true)),
            ("truncate", Bool(false)),
        ],
        || File::create_new(&p),
        || assert!(!p.exists()),
        |_| assert!(p.exists()),
    );
    // std's behaviour is kept: a second create_new fails with AlreadyExists.
    let (r, _) = capture(|| File::create_new(&p));
    assert_eq!(r.unwrap_err().kind(), io::ErrorKind::AlreadyExists);
}

#[test]
fn open_options_append_reports_effective_write() {
    let dir = tempdir();
    let p = dir.path().join("log.txt");
    std::fs::write(&p, "one\n").unwrap();
    let mut file = check(
        "fs.open",
        &[
            ("path", Path(&p)),
            ("read", Bool(false)),
            ("write", Bool(true)),
            ("append", Bool(true)),
            ("create", Bool(true)),
        ],
        || OpenOptions::new().append(true).create(true).open(&p),
        || {},
        |_| {},
    );
    file.write_all(b"two\n").unwrap();
    assert_eq!(std::fs::read_to_string(&p).unwrap(), "one\ntwo\n");
}

#[test]
fn read_and_read_to_string_raise_open() {
    let dir = tempdir();
    let p = dir.path().join("r.txt");
    std::fs::write(&p, "data").unwrap();
    let args = [
        ("path", Path(&p)),
        ("read", Bool(true)),
        ("write", Bool(false)),
        ("create", Bool(false)),
        ("truncate", Bool(false)),
    ];
    let bytes = check("fs.open", &args, || fs::read(&p), || {}, |_| {});
    assert_eq!(bytes, b"data");
    let text = check("fs.open", &args, || fs::read_to_string(&p), || {}, |_| {});
    assert_eq!(text, "data");
}

#[test]
fn write_vetoed_leaves_old_content() {
    let dir = tempdir();
    let p = dir.path().join("w.txt");
    std::fs::write(&p, "old").unwrap();
    check(
        "fs.open",
        &[
            ("path", Path(&p)),
            ("read", Bool(false)),
            ("write", Bool(true)),
            ("create", Bool(true)),
            ("truncate", Bool(true)),
        ],
        || fs::write(&p, "new"),
        || assert_eq!(std::fs::read_to_string(&p).unwrap(), "old"),
        |_| assert_eq!(std::fs::read_to_string(&p).unwrap(), "new"),
    );
}

#[test]
fn copy_vetoed_creates_nothing() {
    let dir = tempdir();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    std::fs::write(&a, "12345").unwrap();
    let n = check(
        "fs.copy",
        &[("from", Path(&a)), ("to", Path(&b))],
        || fs::copy(&a, &b),
        || assert!(!b.exists()),
        |_| assert_eq!(std::fs::read(&b).unwrap(), b"12345"),
    );
    assert_eq!(n, 5);
}

#[test]
fn rename_vetoed_moves_nothing() {
    let dir = tempdir();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    std::fs::write(&a, "x").unwrap();
    check(
        "fs.rename",
        &[("from", Path(&a)), ("to", Path(&b))],
        || fs::rename(&a, &b),
        || assert!(a.exists() && !b.exists()),
        |_| assert!(!a.exists() && b.exists()),
    );
}

#[test]
fn remove_file_vetoed_removes_nothing() {
    let dir = tempdir();
    let p = dir.path().join("f");
    std::fs::write(&p, "x").unwrap();
    check(
        "fs.remove_file",
        &[("path", Path(&p))],
        || fs::remove_file(&p),
        || assert!(p.exists()),
        |_| assert!(!p.exists()),
    );
}

#[test]
fn remove_dir_vetoed_removes_nothing() {
    let dir = tempdir();
    let p = dir.path().join("d");
    std::fs::create_dir(&p).unwrap();
    check(
        "fs.remove_dir",
        &[("path", Path(&p))],
        || fs::remove_dir(&p),
        || assert!(p.is_dir()),
        |_| assert!(!p.exists()),
    );
}

#[test]
fn remove_dir_all_raises_once_and_vetoed_removes_nothing() {
    let dir = tempdir();
    let root = dir.path().join("tree");
    std::fs::create_dir_all(root.join("a/b")).unwrap();
    std::fs::write(root.join("a/b/f"), "x").unwrap();
    std::fs::write(root.join("g"), "x").unwrap();
    check(
        "fs.remove_dir_all",
        &[("path", Path(&root))],
        || fs::remove_dir_all(&root),
        || assert!(root.join("a/b/f").exists() && root.join("g").exists()),
        |_| assert!(!root.exists()),
    );
}

#[test]
fn create_dir_vetoed_creates_nothing() {
    let dir = tempdir();
    let p = dir.path().join("d");
    check(
        "fs.create_dir",
        &[
            ("path", Path(&p)),
            ("recursive", Bool(false)),
            ("mode", Uint(0o777)),
        ],
        || fs::create_dir(&p),
        || assert!(!p.exists()),
        |_| assert!(p.is_dir()),
    );
}

#[test]
fn create_dir_all_raises_once_and_vetoed_creates_no_ancestor() {
    let dir = tempdir();
    let p = dir.path().join("a/b/c");
    check(
        "fs.create_dir",
        &[
            ("path", Path(&p)),
            ("recursive", Bool(true)),
            ("mode", Uint(0o777)),
        ],
        || fs::create_dir_all(&p),
        || assert!(!dir.path().join("a").exists()),
        |_| assert!(p.is_dir()),
    );
}

#[test]
fn dir_builder_reports_recursive() {
    let dir = tempdir();
    let p = dir.path().join("x/y");
    check(
        "fs.create_dir",
        &[
            ("path", Path(&p)),
            ("recursive", Bool(true)),
            ("mode", Uint(0o777)),
        ],
        || DirBuilder::new().recursive(true).create(&p),
        || assert!(!dir.path().join("x").exists()),
        |_| assert!(p.is_dir()),
    );
}

#[test]
fn read_dir_and_dir_entry_metadata() {
    let dir = tempdir();
    std::fs::write(dir.path().join("only"), "x").unwrap();
    let listing = check(
        "fs.read_dir",
        &[("path", Path(dir.path()))],
        || fs::read_dir(dir.path()),
        || {},
        |_| {},
    );
    // Iterating raises nothing.
    let (entries, events) = capture(|| listing.collect::<io::Result<Vec<_>>>());
    assert!(events.is_empty(), "{events:?}");
    let entries = entries.unwrap();
    assert_eq!(entries.len(), 1);
    let entry = &entries[0];
    let (_, events) = capture(|| (entry.path(), entry.file_name(), entry.file_type()));
    assert!(events.is_empty(), "{events:?}");
    let path = dir.path().join("only");
    let md = check(
        "fs.metadata",
        &[
            ("path", Path(&path)),
            ("fd", Absent),
            ("follow_symlinks", Bool(false)),
        ],
        || entry.metadata(),
        || {},
        |_| {},
    );
    assert_eq!(md.len(), 1);
}

#[test]
fn metadata_symlink_metadata_exists() {
    let dir = tempdir();
    let p = dir.path().join("m");
    std::fs::write(&p, "abc").unwrap();
    let md = check(
        "fs.metadata",
        &[
            ("path", Path(&p)),
            ("fd", Absent),
            ("follow_symlinks", Bool(true)),
        ],
        || fs::metadata(&p),
        || {},
        |_| {},
    );
    assert_eq!(md.len(), 3);
    let md = check(
        "fs.metadata",
        &[
            ("path", Path(&p)),
            ("fd", Absent),
            ("follow_symlinks", Bool(false)),
        ],
        || fs::symlink_metadata(&p),
        || {},
        |_| {},
    );
    assert!(md.is_file());
    let missing = dir.path().join("missing");
    let found = check(
        "fs.metadata",
        &[
            ("path", Path(&missing)),
            ("fd", Absent),
            ("follow_symlinks", Bool(true)),
        ],
        || fs::exists(&missing),
        || {},
        |_| {},
    );
    assert!(!found);
    let (found, _) = capture(|| fs::exists(&p));
    assert!(found.unwrap());
}

#[test]
fn file_metadata_uses_the_descriptor() {
    let dir = tempdir();
    let p = dir.path().join("m");
    std::fs::write(&p, "abcd").unwrap();
    let file = File::open(&p).unwrap();
    let named = open_file_path(&p);
    let md = check(
        "fs.metadata",
        &[
            ("path", path_or_absent(&named)),
            ("fd", Int(fd_of(&file))),
            ("follow_symlinks", Bool(true)),
        ],
        || file.metadata(),
        || {},
        |_| {},
    );
    assert_eq!(md.len(), 4);
}

#[test]
fn canonicalize_and_read_link() {
    let dir = tempdir();
    let target = dir.path().join("t");
    let link = dir.path().join("l");
    std::fs::write(&target, "x").unwrap();
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let canon = check(
        "fs.canonicalize",
        &[("path", Path(&link))],
        || fs::canonicalize(&link),
        || {},
        |_| {},
    );
    assert_eq!(canon, std::fs::canonicalize(&target).unwrap());
    let read = check(
        "fs.read_link",
        &[("path", Path(&link))],
        || fs::read_link(&link),
        || {},
        |_| {},
    );
    assert_eq!(read, target);
}

#[test]
fn hard_link_vetoed_links_nothing() {
    let dir = tempdir();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    std::fs::write(&a, "x").unwrap();
    check(
        "fs.hard_link",
        &[("original", Path(&a)), ("link", Path(&b))],
        || fs::hard_link(&a, &b),
        || assert!(!b.exists()),
        |_| assert_eq!(std::fs::read(&b).unwrap(), b"x"),
    );
}

#[test]
#[allow(deprecated)]
fn soft_link_vetoed_links_nothing() {
    let dir = tempdir();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    std::fs::write(&a, "x").unwrap();
    check(
        "fs.symlink",
        &[("original", Path(&a)), ("link", Path(&b))],
        || fs::soft_link(&a, &b),
        || assert!(std::fs::symlink_metadata(&b).is_err()),
        |_| assert_eq!(std::fs::read_link(&b).unwrap(), a),
    );
}

#[cfg(unix)]
fn mode_of(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[cfg(unix)]
#[test]
fn set_permissions_vetoed_changes_nothing() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempdir();
    let p = dir.path().join("p");
    std::fs::write(&p, "x").unwrap();
    std::fs::set_permissions(&p, fs::Permissions::from_mode(0o644)).unwrap();
    check(
        "fs.set_permissions",
        &[
            ("path", Path(&p)),
            ("fd", Absent),
            ("mode", Uint(0o600)),
            ("readonly", Bool(false)),
        ],
        || fs::set_permissions(&p, fs::Permissions::from_mode(0o600)),
        || assert_eq!(mode_of(&p), 0o644),
        |_| assert_eq!(mode_of(&p), 0o600),
    );
    let file = File::open(&p).unwrap();
    let named = open_file_path(&p);
    check(
        "fs.set_permissions",
        &[
            ("path", path_or_absent(&named)),
            ("fd", Int(fd_of(&file))),
            ("mode", Uint(0o400)),
            ("readonly", Bool(true)),
        ],
        || file.set_permissions(fs::Permissions::from_mode(0o400)),
        || assert_eq!(mode_of(&p), 0o600),
        |_| assert_eq!(mode_of(&p), 0o400),
    );
}

#[test]
fn set_len_vetoed_truncates_nothing() {
    let dir = tempdir();
    let p = dir.path().join("s");
    std::fs::write(&p, "0123456789").unwrap();
    let file = OpenOptions::new().write(true).open(&p).unwrap();
    let named = open_file_path(&p);
    check(
        "fs.set_len",
        &[
            ("path", path_or_absent(&named)),
            ("fd", Int(fd_of(&file))),
            ("len", Uint(3)),
        ],
        || file.set_len(3),
        || assert_eq!(std_len(&p), 10),
        |_| assert_eq!(std_len(&p), 3),
    );
}

#[test]
fn set_times_and_set_modified_vetoed_change_nothing() {
    let dir = tempdir();
    let p = dir.path().join("t");
    std::fs::write(&p, "x").unwrap();
    let file = OpenOptions::new().write(true).open(&p).unwrap();
    let named = open_file_path(&p);
    let mtime = || std::fs::metadata(&p).unwrap().modified().unwrap();
    let before = mtime();
    let when = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000);
    check(
        "fs.set_times",
        &[
            ("path", path_or_absent(&named)),
            ("fd", Int(fd_of(&file))),
            ("times", Any),
        ],
        || file.set_modified(when),
        || assert_eq!(mtime(), before),
        |_| assert_eq!(mtime(), when),
    );
    let later = when + Duration::from_secs(60);
    check(
        "fs.set_times",
        &[
            ("path", path_or_absent(&named)),
            ("fd", Int(fd_of(&file))),
            ("times", Any),
        ],
        || file.set_times(fs::FileTimes::new().set_modified(later).set_accessed(later)),
        || assert_eq!(mtime(), when),
        |_| assert_eq!(mtime(), later),
    );
}

#[test]
fn locks_vetoed_take_nothing() {
    let dir = tempdir();
    let p = dir.path().join("lock");
    std::fs::write(&p, "x").unwrap();
    let file = File::open(&p).unwrap();
    // A second open file description: flock locks conflict across them.
    let other = std::fs::File::open(&p).unwrap();
    let free = || {
        other.try_lock().expect("lock must be free");
        other.unlock().unwrap();
    };
    let held = || assert!(matches!(other.try_lock(), Err(TryLockError::WouldBlock)));
    let fd = fd_of(&file);
    let named = open_file_path(&p);
    let lock_args = |shared: bool, blocking: bool| {
        [
            ("path", path_or_absent(&named)),
            ("fd", Int(fd)),
            ("shared", Bool(shared)),
            ("blocking", Bool(blocking)),
        ]
    };
    let unlock = || {
        check(
            "fs.unlock",
            &[("path", path_or_absent(&named)), ("fd", Int(fd))],
            || file.unlock(),
            held,
            |_| free(),
        )
    };

    check(
        "fs.lock",
        &lock_args(false, true),
        || file.lock(),
        free,
        |_| held(),
    );
    unlock();
    check(
        "fs.lock",
        &lock_args(true, true),
        || file.lock_shared(),
        free,
        |_| held(),
    );
    unlock();
    check(
        "fs.lock",
        &lock_args(false, false),
        || file.try_lock().map_err(io::Error::from),
        free,
        |_| held(),
    );
    unlock();
    check(
        "fs.lock",
        &lock_args(true, false),
        || file.try_lock_shared().map_err(io::Error::from),
        free,
        |_| held(),
    );
    unlock();
}

#[test]
fn try_lock_veto_is_a_permission_denied_error() {
    let dir = tempdir();
    let p = dir.path().join("lock");
    std::fs::write(&p, "x").unwrap();
    let file = File::open(&p).unwrap();
    let (r, _) = audit_core::testing::capture_with(std_fs_common::deny, || file.try_lock());
    if audit_core::ENABLED {
        match r {
            Err(TryLockError::Error(e)) => {
                assert_eq!(e.kind(), io::ErrorKind::PermissionDenied);
                assert!(audit_core::audit_error(&e).is_some());
            }
            other => panic!("expected a vetoed lock, got {other:?}"),
        }
    } else {
        r.unwrap();
    }
}

#[test]
fn handle_io_raises_nothing() {
    let dir = tempdir();
    let p = dir.path().join("io");
    let mut file = File::create_new(&p).unwrap();
    let (r, events) = capture(|| -> io::Result<String> {
        file.write_all(b"hello world")?;
        file.flush()?;
        file.sync_all()?;
        file.sync_data()?;
        file.seek(SeekFrom::Start(6))?;
        let mut s = String::new();
        file.read_to_string(&mut s)?;
        let clone = file.try_clone()?;
        (&clone).rewind()?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::FileExt;
            let mut buf = [0u8; 5];
            clone.read_exact_at(&mut buf, 0)?;
            assert_eq!(&buf, b"hello");
            clone.write_all_at(b"HELLO", 0)?;
        }
        let _ = file.is_terminal();
        Ok(s)
    });
    assert_eq!(r.unwrap(), "world");
    assert!(events.is_empty(), "{events:?}");
    if cfg!(unix) {
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "HELLO world");
    }
}

#[test]
fn veto_reaches_the_caller_as_an_audit_error() {
    let dir = tempdir();
    let p = dir.path().join("f");
    std::fs::write(&p, "x").unwrap();
    let (r, _) = audit_core::testing::capture_with(std_fs_common::deny, || fs::remove_file(&p));
    if audit_core::ENABLED {
        let err = r.unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::PermissionDenied);
        let audit = audit_core::audit_error(&err).expect("an AuditError inside");
        assert_eq!(audit.event(), Some("fs.remove_file"));
        assert_eq!(audit.reason(), std_fs_common::REASON);
    } else {
        r.unwrap();
    }
}

#[test]
fn io_copy_fast_path_through_std_views() {
    let dir = tempdir();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    std::fs::write(&a, vec![3u8; 100_000]).unwrap();
    let src = File::open(&a).unwrap();
    let dst = File::create(&b).unwrap();
    let (n, events) = capture(|| io::copy(&mut src.as_std(), &mut dst.as_std()));
    assert_eq!(n.unwrap(), 100_000);
    assert!(
        events.is_empty(),
        "reads and writes raise nothing: {events:?}"
    );
    assert_eq!(std::fs::read(&b).unwrap(), vec![3u8; 100_000]);
}
