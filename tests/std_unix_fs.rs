//! `audit_std::os::unix::fs`: symlink, chown/fchown/lchown and chroot raise
//! their events and a veto changes nothing; OpenOptionsExt and DirBuilderExt
//! settings are reported.
#![cfg(unix)]

mod std_fs_common;

use std::io;
use std::os::unix::fs::MetadataExt as _;
use std::path::Path;

use audit_core::testing::{capture, capture_with};
use audit_std::fs::{DirBuilder, File, OpenOptions};
use audit_std::os::unix::fs::{
    chown, chroot, fchown, lchown, symlink, DirBuilderExt, OpenOptionsExt, PermissionsExt,
};
use std_fs_common::{assert_event, check, deny, fd_of, open_file_path, path_or_absent, Expect::*};

fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().expect("tempdir")
}

fn owner(path: &Path) -> (u32, u32) {
    let md = std::fs::symlink_metadata(path).unwrap();
    (md.uid(), md.gid())
}

#[test]
fn symlink_vetoed_links_nothing() {
    let dir = tempdir();
    let link = dir.path().join("l");
    check(
        "fs.symlink",
        &[
            ("original", Path(Path::new("target"))),
            ("link", Path(&link)),
        ],
        || symlink("target", &link),
        || assert!(std::fs::symlink_metadata(&link).is_err()),
        |_| assert_eq!(std::fs::read_link(&link).unwrap(), Path::new("target")),
    );
}

#[test]
fn chown_lchown_fchown_vetoed_change_nothing() {
    let dir = tempdir();
    let p = dir.path().join("f");
    std::fs::write(&p, "x").unwrap();
    let (uid, gid) = owner(&p);
    // A different owner: the veto must stop it (as root it would succeed).
    let other = uid.wrapping_add(1);
    let (r, events) = capture_with(deny, || chown(&p, Some(other), None));
    if audit_core::ENABLED {
        assert_eq!(r.unwrap_err().kind(), io::ErrorKind::PermissionDenied);
        assert_event(
            &events,
            "fs.chown",
            &[
                ("path", Path(&p)),
                ("fd", Absent),
                ("uid", Uint(u64::from(other))),
                ("gid", Absent),
                ("follow_symlinks", Bool(true)),
            ],
        );
        assert_eq!(owner(&p), (uid, gid), "a vetoed chown changes nothing");
    } else {
        assert!(events.is_empty());
    }
    // Chowning to the current owner works for any user.
    check(
        "fs.chown",
        &[
            ("path", Path(&p)),
            ("fd", Absent),
            ("uid", Uint(u64::from(uid))),
            ("gid", Uint(u64::from(gid))),
            ("follow_symlinks", Bool(true)),
        ],
        || chown(&p, Some(uid), Some(gid)),
        || {},
        |_| assert_eq!(owner(&p), (uid, gid)),
    );
    let link = dir.path().join("l");
    std::os::unix::fs::symlink(&p, &link).unwrap();
    check(
        "fs.chown",
        &[
            ("path", Path(&link)),
            ("fd", Absent),
            ("uid", Uint(u64::from(uid))),
            ("gid", Absent),
            ("follow_symlinks", Bool(false)),
        ],
        || lchown(&link, Some(uid), None),
        || {},
        |_| {},
    );
    let file = File::open(&p).unwrap();
    let named = open_file_path(&p);
    check(
        "fs.chown",
        &[
            ("path", path_or_absent(&named)),
            ("fd", Int(fd_of(&file))),
            ("uid", Absent),
            ("gid", Uint(u64::from(gid))),
            ("follow_symlinks", Bool(true)),
        ],
        || fchown(&file, None, Some(gid)),
        || {},
        |_| {},
    );
}

#[test]
fn chroot_is_raised_and_vetoed() {
    let dir = tempdir();
    if audit_core::ENABLED {
        // Only ever vetoed or failing: a real chroot would break the test process.
        let (r, events) = capture_with(deny, || chroot(dir.path()));
        let err = r.unwrap_err();
        assert!(audit_core::audit_error(&err).is_some(), "{err}");
        assert_event(&events, "fs.chroot", &[("path", Path(dir.path()))]);
        assert!(dir.path().is_dir(), "the root did not change");
    }
    // Not vetoed, on a missing directory: the event is raised and the call
    // reaches the OS, which reports the missing path.
    let missing = dir.path().join("missing");
    let (r, events) = capture(|| chroot(&missing));
    assert_eq!(r.unwrap_err().kind(), io::ErrorKind::NotFound);
    if audit_core::ENABLED {
        assert_event(&events, "fs.chroot", &[("path", Path(&missing))]);
    } else {
        assert!(events.is_empty());
    }
}

#[test]
fn open_options_ext_settings_are_reported() {
    let dir = tempdir();
    let p = dir.path().join("m");
    // O_APPEND has this value on every Linux architecture.
    #[cfg(target_os = "linux")]
    let flags = 0o2000;
    #[cfg(not(target_os = "linux"))]
    let flags = 0;
    check(
        "fs.open",
        &[
            ("path", Path(&p)),
            ("create_new", Bool(true)),
            ("mode", Uint(0o600)),
            ("custom_flags", Int(flags)),
        ],
        || {
            OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .custom_flags(flags as i32)
                .open(&p)
        },
        || assert!(!p.exists()),
        |_| {
            let mode = std::fs::metadata(&p).unwrap().permissions().mode();
            assert_eq!(mode & 0o077, 0, "created private: {mode:o}");
        },
    );
}

#[test]
fn dir_builder_ext_mode_is_reported() {
    let dir = tempdir();
    let p = dir.path().join("private");
    check(
        "fs.create_dir",
        &[
            ("path", Path(&p)),
            ("recursive", Bool(false)),
            ("mode", Uint(0o700)),
        ],
        || DirBuilder::new().mode(0o700).create(&p),
        || assert!(!p.exists()),
        |_| {
            assert_eq!(
                std::fs::metadata(&p).unwrap().permissions().mode() & 0o077,
                0
            )
        },
    );
}
