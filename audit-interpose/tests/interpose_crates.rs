//! Proof on code nobody here wrote: unmodified crates from crates.io
//! (`tempfile`, `walkdir`, `duct`, tokio's fs, net and process) raise
//! `audit_std`'s events with the right arguments once interposition is on,
//! and a veto stops them with no effect on the system.
//!
//! Its own binary: it installs one global hook, which records every event
//! about the test's temporary directory and refuses every change under its
//! `deny` subdirectory (and any process whose arguments name it), and the
//! listing of its `unlistable` subdirectory. The tests share it and look
//! only at their own subdirectory.
#![cfg(target_os = "linux")]

use std::ffi::OsStr;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use audit_core::{AuditError, OwnedEvent};

static EVENTS: Mutex<Vec<OwnedEvent>> = Mutex::new(Vec::new());
static ROOT: OnceLock<PathBuf> = OnceLock::new();

/// The shared root (canonical, so that paths compare as the kernel names
/// them) and the hook, installed once.
fn root() -> &'static Path {
    ROOT.get_or_init(|| {
        assert_eq!(audit_interpose::enable(), audit_core::ENABLED);
        let dir = tempfile::tempdir().unwrap().keep();
        let root = std::fs::canonicalize(dir).unwrap();
        std::fs::create_dir(root.join("deny")).unwrap();
        std::fs::create_dir(root.join("unlistable")).unwrap();
        let deny = root.join("deny");
        let unlistable = root.join("unlistable");
        let watched = root.clone();
        if audit_core::ENABLED {
            audit_core::add_hook(move |event| {
                let mentions = |dir: &Path| {
                    event.args().any(|(_, v)| match v.as_path() {
                        Some(p) => p.starts_with(dir),
                        None => v.as_list().is_some_and(|items| {
                            items.iter().any(|i| {
                                i.as_os_str().is_some_and(|s| Path::new(s).starts_with(dir))
                            })
                        }),
                    })
                };
                if mentions(&watched) || event.name().starts_with("net.") {
                    EVENTS.lock().unwrap().push(event.to_owned());
                }
                let listing = event.name() == "fs.read_dir";
                if (!listing && mentions(&deny)) || (listing && mentions(&unlistable)) {
                    return Err(AuditError::denied("refused by the test"));
                }
                Ok(())
            })
            .unwrap();
        }
        root
    })
}

/// A fresh subdirectory for one test (made before its events are looked at).
fn subdir(name: &str) -> PathBuf {
    let dir = root().join(name);
    std::fs::create_dir(&dir).unwrap();
    dir
}

/// The recorded events named `name` with a path argument under `dir`.
fn events_under(name: &str, dir: &Path) -> Vec<OwnedEvent> {
    EVENTS
        .lock()
        .unwrap()
        .iter()
        .filter(|e| e.name() == name)
        .filter(|e| {
            e.args()
                .any(|(_, v)| v.as_path().is_some_and(|p| p.starts_with(dir)))
        })
        .cloned()
        .collect()
}

fn is_empty_dir(dir: &Path) -> bool {
    std::fs::read_dir(dir).unwrap().next().is_none()
}

#[test]
fn tempfile_files_and_directories() {
    let dir = subdir("tempfile");
    if !audit_core::ENABLED {
        return;
    }
    let named = tempfile::NamedTempFile::new_in(&dir).unwrap();
    let opens = events_under("fs.open", named.path());
    assert_eq!(opens.len(), 1, "{opens:?}");
    let open = &opens[0];
    assert_eq!(open.arg("create_new").unwrap().as_bool(), Some(true));
    assert_eq!(open.arg("mode").unwrap().as_u64(), Some(0o600));
    let path = named.path().to_path_buf();
    drop(named);
    assert_eq!(events_under("fs.remove_file", &path).len(), 1);

    let tmp = tempfile::tempdir_in(&dir).unwrap();
    let made = events_under("fs.create_dir", tmp.path());
    assert_eq!(made.len(), 1);
    // tempfile asks std's `DirBuilder` for its default mode.
    assert_eq!(made[0].arg("mode").unwrap().as_u64(), Some(0o777));

    // Refused: no file, no directory.
    let deny = root().join("deny");
    assert!(tempfile::NamedTempFile::new_in(&deny).is_err());
    assert!(tempfile::tempdir_in(&deny).is_err());
    assert!(is_empty_dir(&deny));
}

#[test]
fn walkdir_lists_what_it_walks() {
    let dir = subdir("walkdir");
    std::fs::create_dir_all(dir.join("a/b")).unwrap();
    std::fs::write(dir.join("a/b/c.txt"), b"x").unwrap();
    let found: Vec<_> = walkdir::WalkDir::new(&dir)
        .into_iter()
        .map(|e| e.unwrap().path().to_path_buf())
        .collect();
    assert_eq!(found.len(), 4);
    if !audit_core::ENABLED {
        return;
    }
    let listed: Vec<_> = events_under("fs.read_dir", &dir)
        .iter()
        .map(|e| e.arg("path").unwrap().as_path().unwrap().to_path_buf())
        .collect();
    for d in [dir.clone(), dir.join("a"), dir.join("a/b")] {
        assert!(listed.contains(&d), "{d:?} not in {listed:?}");
    }
    // A refused directory is an error entry, and nothing under it is listed.
    let unlistable = root().join("unlistable");
    let results: Vec<_> = walkdir::WalkDir::new(&unlistable).into_iter().collect();
    assert_eq!(results.len(), 2, "{results:?}"); // the root entry, then its error
    let err = results[1].as_ref().unwrap_err();
    assert_eq!(
        err.io_error().unwrap().kind(),
        std::io::ErrorKind::PermissionDenied
    );
}

/// The `process.spawn` events whose arguments include `arg`.
fn spawns_with_arg(arg: &str) -> Vec<OwnedEvent> {
    EVENTS
        .lock()
        .unwrap()
        .iter()
        .filter(|e| e.name() == "process.spawn")
        .filter(|e| {
            e.arg("args")
                .and_then(|a| a.as_list())
                .is_some_and(|a| a.iter().any(|i| i.as_os_str() == Some(OsStr::new(arg))))
        })
        .cloned()
        .collect()
}

#[test]
fn duct_runs_processes() {
    let dir = subdir("duct");
    let out = dir.join("out");
    let out_str = out.to_str().unwrap().to_string();
    // duct gives every child a whole environment of its own (env_clear,
    // then each variable). With a program path, std starts it with
    // posix_spawn, which is seen.
    duct::cmd!("/bin/sh", "-c", "echo hi > \"$0\"", &out_str)
        .run()
        .unwrap();
    assert_eq!(std::fs::read(&out).unwrap(), b"hi\n");
    if !audit_core::ENABLED {
        return;
    }
    let spawns = spawns_with_arg(&out_str);
    assert_eq!(spawns.len(), 1, "{spawns:?}");
    let spawn = &spawns[0];
    assert_eq!(
        spawn.arg("program").unwrap().as_path(),
        Some(Path::new("/bin/sh"))
    );
    assert_eq!(spawn.arg("env_clear").unwrap().as_bool(), Some(true));
    let env = spawn.arg("env").unwrap().as_list().unwrap();
    assert!(env
        .iter()
        .any(|pair| pair.as_list().unwrap()[0].as_os_str() == Some(OsStr::new("PATH"))));

    let denied = root().join("deny").join("from_duct");
    let result = duct::cmd!("/usr/bin/env", "touch", &denied).run();
    assert_eq!(
        result.unwrap_err().kind(),
        std::io::ErrorKind::PermissionDenied
    );
    assert!(!denied.exists());

    // A program *name* with an environment that sets PATH makes std look
    // it up itself, in a forked child, where no hook may run: the child
    // asks the parent, whose hooks see it and may refuse it.
    let named = dir.join("named");
    let named_str = named.to_str().unwrap().to_string();
    duct::cmd!("touch", &named_str).run().unwrap();
    assert!(named.exists());
    let spawns = spawns_with_arg(&named_str);
    assert_eq!(spawns.len(), 1, "{spawns:?}");
    assert_eq!(
        spawns[0].arg("program").unwrap().as_path(),
        Some(Path::new("touch"))
    );
    let refused = root().join("deny").join("named");
    let result = duct::cmd!("touch", &refused).run();
    assert_eq!(
        result.unwrap_err().kind(),
        std::io::ErrorKind::PermissionDenied
    );
    assert!(!refused.exists());
}

#[test]
fn tokio_fs_net_and_process() {
    let dir = subdir("tokio");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let file = dir.join("f.txt");
        tokio::fs::write(&file, b"x").await.unwrap();
        tokio::fs::rename(&file, dir.join("g.txt")).await.unwrap();
        tokio::process::Command::new("true")
            .arg(dir.join("arg"))
            .status()
            .await
            .unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let _stream = tokio::net::TcpStream::connect(addr).await.unwrap();
        if !audit_core::ENABLED {
            return;
        }
        let opens = events_under("fs.open", &file);
        assert_eq!(opens.len(), 1, "{opens:?}");
        assert_eq!(opens[0].arg("create").unwrap().as_bool(), Some(true));
        assert_eq!(events_under("fs.rename", &file).len(), 1);
        let connects: Vec<_> = EVENTS
            .lock()
            .unwrap()
            .iter()
            .filter(|e| e.name() == "net.connect")
            .filter(|e| e.arg("address").unwrap().as_socket_addr() == Some(addr))
            .cloned()
            .collect();
        assert_eq!(connects.len(), 1);
        assert_eq!(connects[0].arg("protocol").unwrap().as_str(), Some("tcp"));
        let binds = EVENTS
            .lock()
            .unwrap()
            .iter()
            .filter(|e| e.name() == "net.bind")
            .any(|e| {
                e.arg("address").unwrap().as_socket_addr()
                    == Some("127.0.0.1:0".parse::<SocketAddr>().unwrap())
            });
        assert!(binds);

        // Refused, on tokio's blocking threads: nothing happens.
        let deny = root().join("deny");
        let err = tokio::fs::write(deny.join("t"), b"x").await.unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::PermissionDenied);
        let err = tokio::process::Command::new("touch")
            .arg(deny.join("p"))
            .status()
            .await
            .unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::PermissionDenied);
        assert!(is_empty_dir(&deny));
    });
    if !audit_core::ENABLED {
        return;
    }
    let spawned = EVENTS.lock().unwrap().iter().any(|e| {
        e.name() == "process.spawn"
            && e.arg("program").unwrap().as_path() == Some(Path::new("true"))
    });
    assert!(spawned);
}
