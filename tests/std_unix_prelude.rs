//! `audit_std::os::unix::prelude`: a glob import that replaces `std`'s Unix
//! prelude. `CommandExt` by name is `audit_std`'s (its `exec` is audited);
//! `std::process::Command` values keep `std`'s Unix methods; the descriptor
//! and file extension traits are `std`'s own.
#![cfg(unix)]

use audit_core::testing::capture_with;
use audit_core::AuditError;
use audit_std::os::unix::prelude::*;
use audit_std::{events, fs, process};

#[test]
fn command_ext_by_name_is_the_audited_one() {
    let mut command = process::Command::new("/nonexistent/program");
    // Through the trait, by the name the prelude gives it: `exec` is audited
    // (a refused exec returns before replacing this test process).
    let (err, events) = capture_with(
        |_| Err(AuditError::denied("no exec")),
        || CommandExt::exec(command.arg0("renamed")),
    );
    if audit_core::ENABLED {
        assert_eq!(err.kind(), std::io::ErrorKind::PermissionDenied);
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].name(), events::process::EXEC);
    } else {
        assert_eq!(err.kind(), std::io::ErrorKind::NotFound);
    }
}

#[test]
fn std_commands_keep_their_unix_methods() {
    // `std`'s `CommandExt` comes in unnamed: its methods work on `std`'s type.
    let status = std::process::Command::new("/bin/sh")
        .args(["-c", "exit 4"])
        .process_group(0)
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(4));
    assert_eq!(status.into_raw(), 4 << 8); // ExitStatusExt
}

#[test]
fn std_extension_traits_and_descriptor_types_are_in_scope() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.txt");
    let file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600) // OpenOptionsExt
        .open(&path)
        .unwrap();
    file.write_at(b"xy", 3).unwrap(); // FileExt
    let meta = file.metadata().unwrap();
    assert_eq!(meta.permissions().mode() & 0o777, 0o600 & !umask()); // PermissionsExt
    assert_eq!(meta.size(), 5); // MetadataExt
    assert!(meta.file_type().is_file());
    let fd: RawFd = file.as_raw_fd();
    let borrowed: BorrowedFd<'_> = file.as_fd();
    assert_eq!(borrowed.as_raw_fd(), fd);
    let owned: OwnedFd = file.into();
    assert_eq!(owned.as_raw_fd(), fd);
    let name = std::ffi::OsStr::from_bytes(b"a.txt"); // OsStrExt
    let entry = std::fs::read_dir(dir.path())
        .unwrap()
        .next()
        .unwrap()
        .unwrap();
    assert_eq!(entry.file_name(), name);
    assert!(entry.ino() > 0); // DirEntryExt
}

/// The process's umask, seen on a file created with every permission bit.
fn umask() -> u32 {
    let dir = tempfile::tempdir().unwrap();
    let probe = dir.path().join("probe");
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o777)
        .open(&probe)
        .unwrap();
    0o777 & !(std::fs::metadata(&probe).unwrap().permissions().mode() & 0o777)
}
