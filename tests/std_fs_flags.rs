//! `fs.open` reports the *effective* access: the flags `OpenOptionsExt::
//! custom_flags` adds are folded into the booleans, so that what the event
//! says is what happened to the file.
//!
//! Each case opens a real file in a temporary directory, vetoed (nothing may
//! change) and allowed, and compares the event with what the kernel did:
//! whether the file was created or emptied, whether a write through the
//! descriptor succeeds and where it lands. A sweep then tries every
//! combination of builder flags and custom flags and checks that no open
//! changes the file behind a `write = false` event.
#![cfg(unix)]

mod std_fs_common;

use std::io::{self, Write};
use std::os::unix::fs::MetadataExt;
use std::path::Path;

use audit_core::testing::{capture, capture_with};
use audit_core::{AuditError, Event, OwnedEvent};
use audit_std::events::{self, Classes};
use audit_std::fs::{File, OpenOptions};
use audit_std::os::unix::fs::OpenOptionsExt;
use std_fs_common::deny;

/// The six booleans of `fs.open`, in the event's order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Access {
    read: bool,
    write: bool,
    append: bool,
    truncate: bool,
    create: bool,
    create_new: bool,
}

/// Parses an `Access` from a short spelling: letters for the true flags
/// (`r`ead, `w`rite, `a`ppend, `t`runcate, `c`reate, `n`ew), `-` for none.
fn access(spec: &str) -> Access {
    Access {
        read: spec.contains('r'),
        write: spec.contains('w'),
        append: spec.contains('a'),
        truncate: spec.contains('t'),
        create: spec.contains('c'),
        create_new: spec.contains('n'),
    }
}

/// The booleans of an `fs.open` event (each must be present and boolean).
fn reported(event: &OwnedEvent) -> Access {
    assert_eq!(event.name(), events::fs::OPEN, "{event:?}");
    let flag = |name: &str| {
        event
            .arg(name)
            .and_then(|v| v.as_bool())
            .unwrap_or_else(|| panic!("`{name}` is not a boolean: {event:?}"))
    };
    Access {
        read: flag("read"),
        write: flag("write"),
        append: flag("append"),
        truncate: flag("truncate"),
        create: flag("create"),
        create_new: flag("create_new"),
    }
}

/// The one `fs.open` of `events`.
fn the_open(events: &[OwnedEvent]) -> &OwnedEvent {
    assert_eq!(events.len(), 1, "expected one fs.open: {events:?}");
    &events[0]
}

const OLD: &[u8] = b"old content";

/// The file's contents (a directory's: its sorted names), or `None` if it
/// does not exist.
fn contents(path: &Path) -> Option<Vec<u8>> {
    if path.is_dir() {
        let mut names: Vec<_> = std::fs::read_dir(path)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_encoded_bytes())
            .collect();
        names.sort();
        return Some(names.join(&b'/'));
    }
    match std::fs::read(path) {
        Ok(bytes) => Some(bytes),
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        Err(e) => panic!("reading {}: {e}", path.display()),
    }
}

thread_local! {
    /// Whether the last event `note_write_class` saw is of class `write`.
    static WRITE_CLASS: std::cell::Cell<Option<bool>> = const { std::cell::Cell::new(None) };
}

/// A capture hook that notes whether the event is of class `write`.
fn note_write_class(event: &Event<'_>) -> Result<(), AuditError> {
    let info = events::info(event.name()).expect("an audit_std event");
    WRITE_CLASS.set(Some(info.classes_of(event).contains(Classes::WRITE)));
    Ok(())
}

/// Opens `path` with `options`, vetoed then allowed, and returns the event
/// the allowed open raised (the vetoed one must say the same and change
/// nothing), the open's result, and the contents before it.
fn open_twice(
    path: &Path,
    options: &OpenOptions,
) -> (Option<Access>, io::Result<File>, Option<Vec<u8>>) {
    let before = contents(path);
    let (vetoed, vetoed_events) = capture_with(deny, || options.open(path));
    if audit_core::ENABLED {
        let err = vetoed.expect_err("a vetoed open fails");
        assert!(audit_core::audit_error(&err).is_some(), "{err}");
        assert_eq!(contents(path), before, "a vetoed open changes nothing");
        let (allowed, events) = capture_with(note_write_class, || options.open(path));
        let access = reported(the_open(&events));
        assert_eq!(
            reported(the_open(&vetoed_events)),
            access,
            "the vetoed and the allowed open report the same"
        );
        // The table's classes (what policies and `audit_std::testing` judge
        // by) agree with `write`.
        assert_eq!(WRITE_CLASS.take(), Some(access.write), "{events:?}");
        (Some(access), allowed, before)
    } else {
        assert!(vetoed_events.is_empty());
        (None, vetoed, before)
    }
}

/// What happened to the file, observed from the outside.
#[derive(Debug, PartialEq, Eq)]
struct Effect {
    /// The open succeeded.
    opened: bool,
    /// The contents right after the open (`None`: no such file).
    after_open: Option<Vec<u8>>,
    /// The contents after writing `new` through the descriptor, if the
    /// write succeeded.
    after_write: Option<Vec<u8>>,
}

fn effect(path: &Path, opened: io::Result<File>) -> Effect {
    let Ok(mut file) = opened else {
        return Effect {
            opened: false,
            after_open: contents(path),
            after_write: None,
        };
    };
    let after_open = contents(path);
    let wrote = file.write_all(b"new").is_ok();
    Effect {
        opened: true,
        after_open,
        after_write: wrote.then(|| contents(path).unwrap_or_default()),
    }
}

/// Checks that the event is consistent with the effect: whatever happened
/// to the file, the event said it could.
#[track_caller]
fn assert_consistent(access: Access, before: &Option<Vec<u8>>, effect: &Effect) {
    let created = before.is_none() && effect.after_open.is_some();
    let emptied = matches!(before, Some(b) if !b.is_empty())
        && effect.after_open.as_deref() == Some(&b""[..]);
    if created {
        assert!(access.create && access.write, "created behind {access:?}");
    }
    if emptied {
        assert!(access.truncate && access.write, "emptied behind {access:?}");
    }
    if let Some(after) = &effect.after_write {
        assert!(access.write, "writable behind {access:?}");
        let at_end = before.as_deref().is_some_and(|b| {
            !b.is_empty() && effect.after_open.as_deref() == Some(b) && after.len() > b.len()
        });
        if at_end {
            assert!(access.append, "appended behind {access:?}");
        }
    }
    if !access.write {
        assert_eq!(&effect.after_open, before, "changed behind {access:?}");
        assert!(effect.after_write.is_none(), "writable behind {access:?}");
    }
}

/// One open of a real file: its setup, options, report and effect.
struct Case {
    name: &'static str,
    /// Whether the file holds `OLD` beforehand (else it does not exist).
    exists: bool,
    options: fn() -> OpenOptions,
    /// The booleans the event must report.
    reports: &'static str,
    /// What must happen.
    opened: bool,
    after_open: Option<&'static [u8]>,
    after_write: Option<&'static [u8]>,
}

fn run(case: &Case) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f");
    if case.exists {
        std::fs::write(&path, OLD).unwrap();
    }
    let options = (case.options)();
    let (access, opened, before) = open_twice(&path, &options);
    let effect = effect(&path, opened);
    let want = Effect {
        opened: case.opened,
        after_open: case.after_open.map(<[u8]>::to_vec),
        after_write: case.after_write.map(<[u8]>::to_vec),
    };
    assert_eq!(effect, want, "{}: what the kernel did", case.name);
    if let Some(access) = access {
        assert_eq!(
            access,
            self::access(case.reports),
            "{}: the event",
            case.name
        );
        assert_consistent(access, &before, &effect);
    }
}

fn read_with(flags: libc::c_int) -> OpenOptions {
    let mut o = OpenOptions::new();
    o.read(true).custom_flags(flags);
    o
}

fn write_with(flags: libc::c_int) -> OpenOptions {
    let mut o = OpenOptions::new();
    o.write(true).custom_flags(flags);
    o
}

const CASES: &[Case] = &[
    Case {
        name: "read + O_TRUNC empties the file",
        exists: true,
        options: || read_with(libc::O_TRUNC),
        reports: "rwt",
        opened: true,
        after_open: Some(b""),
        after_write: None,
    },
    Case {
        name: "read + O_CREAT creates it",
        exists: false,
        options: || read_with(libc::O_CREAT),
        reports: "rwc",
        opened: true,
        after_open: Some(b""),
        after_write: None,
    },
    Case {
        name: "read + O_CREAT | O_EXCL creates a new file",
        exists: false,
        options: || read_with(libc::O_CREAT | libc::O_EXCL),
        reports: "rwcn",
        opened: true,
        after_open: Some(b""),
        after_write: None,
    },
    Case {
        name: "read + O_CREAT | O_EXCL on an existing file fails",
        exists: true,
        options: || read_with(libc::O_CREAT | libc::O_EXCL),
        reports: "rwcn",
        opened: false,
        after_open: Some(OLD),
        after_write: None,
    },
    Case {
        name: "read + O_CREAT | O_TRUNC empties it",
        exists: true,
        options: || read_with(libc::O_CREAT | libc::O_TRUNC),
        reports: "rwtc",
        opened: true,
        after_open: Some(b""),
        after_write: None,
    },
    Case {
        name: "write + O_APPEND appends",
        exists: true,
        options: || write_with(libc::O_APPEND),
        reports: "wa",
        opened: true,
        after_open: Some(OLD),
        after_write: Some(b"old contentnew"),
    },
    Case {
        name: "write + O_TRUNC empties it",
        exists: true,
        options: || write_with(libc::O_TRUNC),
        reports: "wt",
        opened: true,
        after_open: Some(b""),
        after_write: Some(b"new"),
    },
    Case {
        name: "read + O_APPEND: a read-only descriptor cannot write",
        exists: true,
        options: || read_with(libc::O_APPEND),
        reports: "r",
        opened: true,
        after_open: Some(OLD),
        after_write: None,
    },
    Case {
        name: "read + O_RDWR: std drops the access-mode bits",
        exists: true,
        options: || read_with(libc::O_RDWR),
        reports: "r",
        opened: true,
        after_open: Some(OLD),
        after_write: None,
    },
    Case {
        name: "read + O_WRONLY: std drops the access-mode bits",
        exists: true,
        options: || read_with(libc::O_WRONLY),
        reports: "r",
        opened: true,
        after_open: Some(OLD),
        after_write: None,
    },
    Case {
        name: "create + O_EXCL is create_new",
        exists: true,
        options: || {
            let mut o = write_with(libc::O_EXCL);
            o.create(true);
            o
        },
        reports: "wcn",
        opened: false,
        after_open: Some(OLD),
        after_write: None,
    },
    Case {
        name: "truncate + O_EXCL without O_CREAT is no create_new",
        exists: true,
        options: || {
            let mut o = write_with(libc::O_EXCL);
            o.truncate(true);
            o
        },
        reports: "wt",
        opened: true,
        after_open: Some(b""),
        after_write: Some(b"new"),
    },
    Case {
        name: "create_new drops truncate, as std does",
        exists: false,
        options: || {
            let mut o = OpenOptions::new();
            o.write(true).truncate(true).create_new(true);
            o
        },
        reports: "wcn",
        opened: true,
        after_open: Some(b""),
        after_write: Some(b"new"),
    },
    Case {
        name: "plain write overwrites in place",
        exists: true,
        options: || write_with(0),
        reports: "w",
        opened: true,
        after_open: Some(OLD),
        after_write: Some(b"new content"),
    },
    Case {
        name: "plain read",
        exists: true,
        options: || read_with(0),
        reports: "r",
        opened: true,
        after_open: Some(OLD),
        after_write: None,
    },
    Case {
        name: "append(true) alone",
        exists: true,
        options: || {
            let mut o = OpenOptions::new();
            o.append(true);
            o
        },
        reports: "wa",
        opened: true,
        after_open: Some(OLD),
        after_write: Some(b"old contentnew"),
    },
    #[cfg(any(target_os = "linux", target_os = "android"))]
    Case {
        name: "O_PATH: the kernel ignores O_CREAT, O_TRUNC, O_APPEND",
        exists: true,
        options: || read_with(libc::O_PATH | libc::O_TRUNC | libc::O_CREAT | libc::O_APPEND),
        reports: "-",
        opened: true,
        after_open: Some(OLD),
        after_write: None,
    },
    #[cfg(any(target_os = "linux", target_os = "android"))]
    Case {
        name: "O_PATH | O_CREAT creates nothing",
        exists: false,
        options: || {
            let mut o = write_with(libc::O_PATH | libc::O_CREAT);
            o.create(true);
            o
        },
        reports: "-",
        opened: false,
        after_open: None,
        after_write: None,
    },
];

#[test]
fn each_custom_flag_is_reported_as_what_it_does() {
    for case in CASES {
        run(case);
    }
}

/// `O_TMPFILE` creates an unnamed file in the directory it names.
#[cfg(any(target_os = "linux", target_os = "android"))]
#[test]
fn o_tmpfile_is_a_creation() {
    let dir = tempfile::tempdir().unwrap();
    let mut options = write_with(libc::O_TMPFILE);
    options.mode(0o600);
    let (access, opened, _) = open_twice(dir.path(), &options);
    if let Some(access) = access {
        assert_eq!(access, self::access("wcn"));
    }
    let mut file = opened.expect("O_TMPFILE is supported on this filesystem");
    // A new, unnamed, writable regular file: created, linked nowhere.
    let md = file.as_std().metadata().unwrap();
    assert!(md.is_file());
    assert_eq!(md.nlink(), 0);
    file.write_all(b"data").unwrap();
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);

    // Only O_TMPFILE's own bit, without the O_DIRECTORY the kernel wants:
    // refused by the kernel, still reported as a creation.
    let mut bare = write_with(libc::O_TMPFILE & !libc::O_DIRECTORY);
    bare.mode(0o600);
    let (access, opened, _) = open_twice(dir.path(), &bare);
    if let Some(access) = access {
        assert_eq!(access, self::access("wcn"));
    }
    assert!(opened.is_err());
}

/// `O_NOFOLLOW` is only in `custom_flags`; a final link makes the open fail.
#[test]
fn o_nofollow_is_reported_in_custom_flags() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("target");
    let link = dir.path().join("link");
    std::fs::write(&target, OLD).unwrap();
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let options = read_with(libc::O_NOFOLLOW | libc::O_TRUNC);
    let (result, events) = capture(|| options.open(&link));
    let err = result.expect_err("O_NOFOLLOW refuses a final link");
    assert_eq!(err.raw_os_error(), Some(libc::ELOOP), "{err}");
    assert_eq!(std::fs::read(&target).unwrap(), OLD);
    if audit_core::ENABLED {
        let event = the_open(&events);
        assert_eq!(reported(event), access("rwt"));
        assert_eq!(
            event.arg("custom_flags").and_then(|v| v.as_i64()),
            Some(i64::from(libc::O_NOFOLLOW | libc::O_TRUNC))
        );
        assert_eq!(event.arg("path").and_then(|v| v.as_path()), Some(&*link));
    }
}

/// Every combination of the builder's six flags with the custom flags that
/// change what an open does, on an existing and on a missing file: no open
/// creates, empties or makes writable a file behind an event that says it
/// does not, and every successful open that reports an effect has it.
#[test]
fn no_combination_changes_a_file_behind_the_event() {
    let mut custom = vec![
        libc::O_CREAT,
        libc::O_TRUNC,
        libc::O_APPEND,
        libc::O_EXCL,
        libc::O_RDWR,
    ];
    #[cfg(any(target_os = "linux", target_os = "android"))]
    custom.extend([libc::O_PATH, libc::O_TMPFILE]);
    let dir = tempfile::tempdir().unwrap();
    let mut n = 0;
    for builder in 0..64u32 {
        for subset in 0..(1u32 << custom.len()) {
            let flags = custom
                .iter()
                .enumerate()
                .filter(|(i, _)| subset & (1 << i) != 0)
                .fold(0, |acc, (_, f)| acc | f);
            for exists in [true, false] {
                n += 1;
                let path = dir.path().join(format!("f{n}"));
                if exists {
                    std::fs::write(&path, OLD).unwrap();
                }
                let mut options = OpenOptions::new();
                options
                    .read(builder & 1 != 0)
                    .write(builder & 2 != 0)
                    .append(builder & 4 != 0)
                    .truncate(builder & 8 != 0)
                    .create(builder & 16 != 0)
                    .create_new(builder & 32 != 0)
                    .custom_flags(flags);
                let (access, opened, before) = open_twice(&path, &options);
                let effect = effect(&path, opened);
                let Some(access) = access else { continue };
                let what = format!("builder {builder:06b}, custom {flags:#o}, exists {exists}");
                assert_consistent(access, &before, &effect);
                if effect.opened {
                    // What the event reports, the open did.
                    if access.create && !exists {
                        assert!(effect.after_open.is_some(), "{what}: not created");
                    }
                    if access.truncate && exists {
                        assert_eq!(effect.after_open.as_deref(), Some(&b""[..]), "{what}");
                    }
                    if access.append && !access.truncate && exists {
                        assert!(
                            effect
                                .after_write
                                .as_deref()
                                .is_some_and(|w| w.ends_with(b"new") && w.len() > 3),
                            "{what}: not appended: {effect:?}"
                        );
                    }
                }
                let _ = std::fs::remove_file(&path);
            }
        }
    }
    assert_eq!(n, 64 * (1 << custom.len()) * 2);
}

/// Out-of-range custom flags (every bit, the sign bit) are folded in like
/// any others: whatever such an open does, the event allowed for it.
#[test]
fn odd_custom_flags_change_nothing_behind_the_event() {
    let dir = tempfile::tempdir().unwrap();
    for (i, flags) in [-1, i32::MIN, !0o3, i32::MAX].into_iter().enumerate() {
        for builder in [(true, false), (false, true), (true, true)] {
            for exists in [true, false] {
                let path = dir
                    .path()
                    .join(format!("odd{i}-{}-{}-{exists}", builder.0, builder.1));
                if exists {
                    std::fs::write(&path, OLD).unwrap();
                }
                let mut options = OpenOptions::new();
                options.read(builder.0).write(builder.1).custom_flags(flags);
                let (access, opened, before) = open_twice(&path, &options);
                let effect = effect(&path, opened);
                if let Some(access) = access {
                    assert_consistent(access, &before, &effect);
                }
            }
        }
    }
}
