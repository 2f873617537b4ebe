//! Nothing counted twice, for the operations that were: a directory listing
//! opened by `audit_tokio::fs::read_dir`, a name looked up by
//! `audit_tokio::net` (tokio resolves on its blocking pool), and an open
//! without `create` given a `mode` (the C library receives no mode then).
//! Each raises one event, whose arguments are those of the audit point; and
//! the record still answers for that one call only.
//!
//! Its own binary: it installs a global hook (the blocking thread's events
//! are not the task's, so a per-thread capture would miss them).
#![cfg(target_os = "linux")]

mod common;

use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use audit_core::{AuditError, OwnedEvent};
use common::{enable_in_new_root, events, runtime, EVENTS};

static ROOT: OnceLock<PathBuf> = OnceLock::new();
/// A host name only these tests look up (resolved from `/etc/hosts`).
const HOST: &str = "localhost";
/// The host name whose lookups the hook refuses.
const REFUSED_HOST: &str = "ip6-localhost";

/// The shared root (canonical), and the hook, installed once: it records
/// every event with a path under the root and every `net.resolve`, and
/// refuses lookups of [`REFUSED_HOST`] and opens of files named `deny`.
fn root() -> &'static Path {
    ROOT.get_or_init(|| {
        let root = enable_in_new_root();
        let watched = root.clone();
        if audit_core::ENABLED {
            audit_core::add_hook(move |event| {
                let paths: Vec<&Path> = event.args().filter_map(|(_, v)| v.as_path()).collect();
                let resolve = event.name() == "net.resolve";
                let spawn = event.name() == "process.spawn";
                if !resolve && !spawn && !paths.iter().any(|p| p.starts_with(&watched)) {
                    return Ok(());
                }
                EVENTS.lock().unwrap().push(event.to_owned());
                let host = event.arg("host").and_then(|v| v.as_str());
                if resolve && host == Some(REFUSED_HOST) {
                    return Err(AuditError::denied("refused by the test"));
                }
                if paths.iter().any(|p| p.ends_with("deny")) {
                    return Err(AuditError::denied("refused by the test"));
                }
                Ok(())
            })
            .unwrap();
        }
        root
    })
}

/// The recorded `net.resolve` events for `host`.
fn resolves(host: &str) -> Vec<OwnedEvent> {
    common::recorded(|e| {
        e.name() == "net.resolve" && e.arg("host").and_then(|v| v.as_str()) == Some(host)
    })
}

fn mode(event: &OwnedEvent) -> Option<u64> {
    event.arg("mode").and_then(|v| v.as_u64())
}

#[test]
fn a_tokio_listing_raises_one_event_and_lists_everything() {
    let root = root();
    if !audit_core::ENABLED {
        return;
    }
    let dir = root.join("listing");
    std::fs::create_dir(&dir).unwrap();
    // More than one chunk of entries (tokio reads 32 at a time).
    let mut want: Vec<String> = (0..70).map(|i| format!("f{i:02}")).collect();
    for name in &want {
        std::fs::write(dir.join(name), b"").unwrap();
    }
    std::fs::create_dir(dir.join("sub")).unwrap();
    want.push("sub".into());
    runtime().block_on(async {
        let mut listing = audit_tokio::fs::read_dir(&dir).await.unwrap();
        assert_eq!(events("fs.read_dir", &dir).len(), 1);
        let mut got = Vec::new();
        let mut dirs = 0;
        while let Some(entry) = listing.next_entry().await.unwrap() {
            assert_eq!(entry.path(), dir.join(entry.file_name()));
            if entry.file_type().await.unwrap().is_dir() {
                dirs += 1;
            }
            got.push(entry.file_name().into_string().unwrap());
        }
        assert!(listing.next_entry().await.unwrap().is_none());
        got.sort();
        assert_eq!(got, want);
        assert_eq!(dirs, 1);
        // Taking entries raised nothing more.
        assert_eq!(events("fs.read_dir", &dir).len(), 1);

        // The record went with that one job: the same listing, opened
        // directly on the (only) blocking thread, raises its own event.
        let again = dir.clone();
        tokio::task::spawn_blocking(move || std::fs::read_dir(again).map(drop))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(events("fs.read_dir", &dir).len(), 2);

        // A listing that cannot be opened: one event, and the error.
        let missing = dir.join("missing");
        let err = audit_tokio::fs::read_dir(&missing).await.unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::NotFound);
        assert_eq!(events("fs.read_dir", &missing).len(), 1);
    });
}

#[test]
fn a_tokio_lookup_raises_one_event() {
    let _ = root();
    if !audit_core::ENABLED {
        return;
    }
    runtime().block_on(async {
        let before = resolves(HOST).len();
        let found: Vec<_> = audit_tokio::net::lookup_host((HOST, 4242))
            .await
            .unwrap()
            .collect();
        assert!(!found.is_empty());
        assert!(found
            .iter()
            .all(|a| a.ip().is_loopback() && a.port() == 4242));
        let once = resolves(HOST);
        assert_eq!(once.len(), before + 1, "{once:?}");
        assert_eq!(
            once.last().unwrap().arg("port").and_then(|v| v.as_u64()),
            Some(4242)
        );

        // A connect given a host name: one `net.resolve` too.
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let stream = audit_tokio::net::TcpStream::connect(format!("{HOST}:{port}"))
            .await
            .unwrap();
        assert!(stream.peer_addr().unwrap().ip().is_loopback());
        assert_eq!(resolves(HOST).len(), before + 2);

        // The same lookup made directly on the (only) blocking thread, with
        // no audit point: the record did not outlive its job, so it raises
        // its own event.
        tokio::task::spawn_blocking(|| std::net::ToSocketAddrs::to_socket_addrs(&(HOST, 1)))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(resolves(HOST).len(), before + 3);
    });
}

#[test]
fn a_refused_tokio_lookup_reaches_no_resolver() {
    let _ = root();
    if !audit_core::ENABLED {
        return;
    }
    runtime().block_on(async {
        let Err(err) = audit_tokio::net::lookup_host((REFUSED_HOST, 80)).await else {
            panic!("a refused lookup succeeded");
        };
        assert_eq!(err.kind(), std::io::ErrorKind::PermissionDenied);
        // One event: the audit point's. Had the lookup gone ahead, the
        // interposed `getaddrinfo` would have raised (and refused) a second.
        assert_eq!(resolves(REFUSED_HOST).len(), 1);
    });
}

#[test]
fn an_open_that_cannot_create_reports_the_default_mode_once() {
    let root = root();
    if !audit_core::ENABLED {
        return;
    }
    let dir = root.join("mode");
    std::fs::create_dir(&dir).unwrap();
    let a = dir.join("a");
    std::fs::write(&a, b"x").unwrap();
    // The set-up's own open, raised by the interposed `open`.
    assert_eq!(events("fs.open", &a).len(), 1);
    let opened = |path: &Path| -> Vec<OwnedEvent> {
        let mut all = events("fs.open", path);
        if path == a {
            all.remove(0);
        }
        all
    };

    // No O_CREAT: the mode given is not passed to the C library; both
    // layers report 0o666, and the open is counted once.
    drop(
        audit_std::fs::OpenOptions::new()
            .read(true)
            .mode(0o600)
            .open(&a)
            .unwrap(),
    );
    let opens = opened(&a);
    assert_eq!(opens.len(), 1, "{opens:?}");
    assert_eq!(mode(&opens[0]), Some(0o666));

    // The same through audit_tokio, performed on the blocking pool.
    runtime().block_on(async {
        let mut options = audit_tokio::fs::OpenOptions::new();
        options.write(true).mode(0o600);
        drop(options.open(&a).await.unwrap());
    });
    let opens = opened(&a);
    assert_eq!(opens.len(), 2, "{opens:?}");
    assert_eq!(mode(&opens[1]), Some(0o666));

    // An open that may create reports the mode given, once, and the file
    // gets it.
    let b = dir.join("b");
    drop(
        audit_std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .mode(0o600)
            .open(&b)
            .unwrap(),
    );
    let opens = opened(&b);
    assert_eq!(opens.len(), 1, "{opens:?}");
    assert_eq!(mode(&opens[0]), Some(0o600));
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&b).unwrap().permissions().mode() & 0o777,
        0o600 & !umask()
    );

    // O_TMPFILE (in the custom flags) creates too: its mode is reported.
    let tmp = audit_std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .custom_flags(libc::O_TMPFILE)
        .mode(0o640)
        .open(&dir);
    let opens = opened(&dir);
    // Some file systems refuse O_TMPFILE: the event was raised either way.
    assert_eq!(opens.len(), 1, "{opens:?} {tmp:?}");
    assert_eq!(mode(&opens[0]), Some(0o640));

    // A refused open without O_CREAT, made directly with any mode argument:
    // the C library's open is judged (and refused) on its own.
    let deny = dir.join("deny");
    let err = audit_std::fs::OpenOptions::new()
        .read(true)
        .mode(0o600)
        .open(&deny)
        .unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::PermissionDenied);
    let err = std::fs::OpenOptions::new()
        .read(true)
        .open(&deny)
        .unwrap_err();
    assert_eq!(err.raw_os_error(), Some(libc::EACCES));
    let opens = opened(&deny);
    assert_eq!(opens.len(), 2, "{opens:?}");
    assert!(opens.iter().all(|e| mode(e) == Some(0o666)));
}

/// This process's umask, as the kernel reports it (changing it to read it
/// would race with the other tests creating files).
fn umask() -> u32 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("Umask:")).unwrap();
    u32::from_str_radix(line["Umask:".len()..].trim(), 8).unwrap()
}

#[test]
fn a_long_event_is_compared_as_far_as_the_record_holds_it() {
    let root = root();
    if !audit_core::ENABLED {
        return;
    }
    // A path of about 1,500 bytes (6 levels of 250-byte names): its
    // `fs.open` is far over 500 bytes of text, well under the record's.
    let mut long = root.join("long");
    for i in 0..6 {
        long.push(format!("{i}{}", "d".repeat(249)));
    }
    std::fs::create_dir_all(&long).unwrap();
    let file = long.join("f");
    drop(audit_std::fs::File::create(&file).unwrap());
    let opens = events("fs.open", &file);
    assert_eq!(opens.len(), 1, "{opens:?}");
    assert!(file.exists());

    // A path longer than the record (and than the kernel takes): the
    // record keeps only the name, so the C library's open is judged again
    // (counted twice, never missed), and fails.
    let too_long = root.join("x".repeat(9000));
    let err = audit_std::fs::File::open(&too_long).unwrap_err();
    assert_ne!(err.kind(), std::io::ErrorKind::PermissionDenied);
    assert_eq!(events("fs.open", &too_long).len(), 2);
}

#[test]
fn a_command_with_a_large_environment_is_counted_once() {
    let _ = root();
    if !audit_core::ENABLED {
        return;
    }
    // The record keeps the command's program and arguments (its
    // environment, after them, does not fit): the only arguments the C
    // library's `posix_spawn` is compared on. So it starts with one
    // `process.spawn`.
    let big = "v".repeat(20_000);
    let marker = format!("once-more-{}", std::process::id());
    let status = audit_std::process::Command::new("/bin/true")
        .arg(&marker)
        .env("AUDIT_BIG", &big)
        .status()
        .unwrap();
    assert!(status.success());
    let spawns: Vec<OwnedEvent> = EVENTS
        .lock()
        .unwrap()
        .iter()
        .filter(|e| e.name() == "process.spawn" && format!("{e:?}").contains(&marker))
        .cloned()
        .collect();
    assert_eq!(spawns.len(), 1, "{} events", spawns.len());
}

#[test]
fn a_tokio_files_permissions_change_raises_one_event() {
    use std::os::unix::fs::PermissionsExt;
    let root = root();
    if !audit_core::ENABLED {
        return;
    }
    let dir = root.join("perm");
    std::fs::create_dir(&dir).unwrap();
    let p = dir.join("f");
    std::fs::write(&p, b"x").unwrap();
    let fchmods = || -> Vec<OwnedEvent> {
        EVENTS
            .lock()
            .unwrap()
            .iter()
            .filter(|e| {
                e.name() == "fs.set_permissions"
                    && e.arg("path").and_then(|v| v.as_path()) == Some(&*p)
            })
            .cloned()
            .collect()
    };
    runtime().block_on(async {
        let file = audit_tokio::fs::File::open(&p).await.unwrap();
        file.set_permissions(std::fs::Permissions::from_mode(0o600))
            .await
            .unwrap();
        assert_eq!(
            std::fs::metadata(&p).unwrap().permissions().mode() & 0o777,
            0o600
        );
        let once = fchmods();
        assert_eq!(once.len(), 1, "{once:?}");
        // The event names the file's own descriptor, as before.
        assert_eq!(
            once[0].arg("fd").and_then(|v| v.as_i64()),
            Some(i64::from(std::os::fd::AsRawFd::as_raw_fd(&file)))
        );

        // The record went with that job only: the same change made
        // directly on the (only) blocking thread raises its own event.
        let std_file = std::fs::File::open(&p).unwrap();
        tokio::task::spawn_blocking(move || {
            std_file.set_permissions(std::fs::Permissions::from_mode(0o600))
        })
        .await
        .unwrap()
        .unwrap();
        assert_eq!(fchmods().len(), 2);
    });
}
