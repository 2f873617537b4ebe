//! Conversions between `audit_std::fs` types and `std::fs`'s: `From`
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

#[test]
fn builders_convert_to_std_with_their_settings_and_unaudited() {
    let dir = tempfile::tempdir().unwrap();

    // OpenOptions: the std options open as configured, with no event.
    let mut options = audit_std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    let as_std: &std::fs::OpenOptions = options.as_std();
    let (made, events) = capture(|| as_std.open(dir.path().join("a")));
    made.unwrap();
    assert_events(&events, &[]);
    let std_options = std::fs::OpenOptions::from(options);
    let (made, events) = capture(|| std_options.open(dir.path().join("b")));
    made.unwrap();
    assert_events(&events, &[]);
    // create_new was kept: the same file a second time is refused by the OS.
    let again = std_options.open(dir.path().join("b")).unwrap_err();
    assert_eq!(again.kind(), std::io::ErrorKind::AlreadyExists);

    // DirBuilder: recursive kept, no event.
    let mut builder = audit_std::fs::DirBuilder::new();
    builder.recursive(true);
    let deep = dir.path().join("x/y/z");
    let (made, events) = capture(|| builder.as_std().create(&deep));
    made.unwrap();
    assert_events(&events, &[]);
    let std_builder: std::fs::DirBuilder = builder.into();
    let (made, events) = capture(|| std_builder.create(dir.path().join("p/q")));
    made.unwrap();
    assert_events(&events, &[]);
    assert!(deep.is_dir() && dir.path().join("p/q").is_dir());
}

#[test]
fn read_dir_and_entries_convert_both_ways() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("f"), b"four").unwrap();

    // A std listing adopted raises nothing; its entries' metadata is then
    // audited.
    let (listing, events) =
        capture(|| audit_std::fs::ReadDir::from(std::fs::read_dir(dir.path()).unwrap()));
    assert_events(&events, &[]);
    let entry = listing.into_iter().next().unwrap().unwrap();
    let (meta, events) = capture(|| entry.metadata());
    assert_eq!(meta.unwrap().len(), 4);
    assert_events(&events, &[events::fs::METADATA]);

    // Back to std: nothing is audited any more.
    let std_entry: std::fs::DirEntry = entry.into();
    let (meta, events) = capture(|| std_entry.metadata());
    assert_eq!(meta.unwrap().len(), 4);
    assert_events(&events, &[]);
    let entry = audit_std::fs::DirEntry::from_std(std_entry);
    assert_eq!(entry.file_name(), "f");

    let listing = audit_std::fs::read_dir(dir.path()).unwrap();
    let mut std_listing: std::fs::ReadDir = listing.into();
    let (first, events) = capture(|| std_listing.next().unwrap().unwrap().metadata());
    assert_eq!(first.unwrap().len(), 4);
    assert_events(&events, &[]);
}
