//! Conversions between `audit_std::fs::File` and `std::fs::File`: `From`
//! both ways, `from_std`, `as_std`, `into_std`. The conversion keeps the very
//! same open file; the audited methods of a wrapper made from a `std` file
//! are audited; calls through `as_std` or after `into_std` are not, as
//! documented. Real files in a temporary directory.

use std::io::{Read, Seek, Write};
use std::os::fd::AsRawFd;

use audit_core::testing::{capture, capture_with};
use audit_core::{AuditError, OwnedEvent};
use audit_std::events;

fn assert_events(events: &[OwnedEvent], expected: &[&str]) {
    let names: Vec<&str> = events.iter().map(|e| e.name()).collect();
    if audit_core::ENABLED {
        assert_eq!(names, expected);
    } else {
        assert!(names.is_empty(), "{names:?}");
    }
}

#[test]
fn file_from_std_audits_its_methods_and_the_std_side_does_not() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("data.txt");
    let std_file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create_new(true)
        .open(&path)
        .unwrap();
    let fd = std_file.as_raw_fd();

    // Adopting an open file raises nothing (opening it was std's business).
    let (file, events) = capture(|| audit_std::fs::File::from(std_file));
    assert_events(&events, &[]);
    let mut file = file;
    assert_eq!(file.as_raw_fd(), fd);
    file.write_all(b"0123456789").unwrap(); // writes are never audited

    // The audited methods of the wrapper are audited, refusals included.
    let (len, events) = capture(|| file.set_len(4));
    len.unwrap();
    assert_events(&events, &[events::fs::SET_LEN]);
    if audit_core::ENABLED {
        assert_eq!(
            events[0].arg("path").unwrap().as_path(),
            Some(path.as_path())
        );
    }
    let (refused, _) = capture_with(|_| Err(AuditError::denied("no")), || file.set_len(0));
    if audit_core::ENABLED {
        assert_eq!(
            refused.unwrap_err().kind(),
            std::io::ErrorKind::PermissionDenied
        );
        assert_eq!(
            std::fs::metadata(&path).unwrap().len(),
            4,
            "refused before the call"
        );
    } else {
        // Compiled out, nothing refuses: put back what the refusal kept.
        refused.unwrap();
        std::fs::write(&path, "0123").unwrap();
    }

    // Through `as_std`: not audited.
    let (len, events) = capture(|| file.as_std().set_len(3));
    len.unwrap();
    assert_events(&events, &[]);

    // Back to std, by `From` and by `into_std`: the same file, not audited.
    let mut std_file = std::fs::File::from(file);
    assert_eq!(std_file.as_raw_fd(), fd);
    let (len, events) = capture(|| std_file.set_len(2));
    len.unwrap();
    assert_events(&events, &[]);
    std_file.rewind().unwrap();
    let mut text = String::new();
    std_file.read_to_string(&mut text).unwrap();
    assert_eq!(text, "01");

    let file = audit_std::fs::File::from_std(std_file);
    assert_eq!(file.into_std().as_raw_fd(), fd);
}
