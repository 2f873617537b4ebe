//! The write escapes tried against every "writes only under WORK" guard:
//! the shipped policies (`escape_policy_*.rs`) and `audit_std::testing`
//! (`escape_testing.rs`). Each route uses only `audit_std`'s own APIs for
//! the attempt; the scene is set with plain `std`. After each attempt the
//! directory outside WORK must be exactly as it was.
#![allow(dead_code)] // each test file uses a subset

use std::collections::BTreeMap;
use std::io;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, SystemTime};

use audit_std::fs;
use audit_std::os::unix::fs::OpenOptionsExt;

/// Routes that change the current directory must not overlap with others.
pub static SERIAL: Mutex<()> = Mutex::new(());

/// A root holding `work` (where writes are allowed) and `outside` (where
/// nothing may change), with a file and a directory in each. The root is
/// the same for the whole test binary, so a guard can be built once for
/// [`Arena::work_dir`]; each [`Arena::new`] lays both directories anew.
pub struct Arena {
    pub root: PathBuf,
    pub work: PathBuf,
    pub outside: PathBuf,
}

static ROOT: OnceLock<tempfile::TempDir> = OnceLock::new();

impl Arena {
    /// The root, canonical, so the expected paths are what the kernel reports.
    fn root() -> PathBuf {
        let dir = ROOT.get_or_init(|| tempfile::tempdir().unwrap());
        std::fs::canonicalize(dir.path()).unwrap()
    }

    /// WORK, for building a guard before any arena exists.
    pub fn work_dir() -> PathBuf {
        Arena::root().join("work")
    }

    pub fn new() -> Arena {
        let root = Arena::root();
        let work = root.join("work");
        let outside = root.join("outside");
        for d in [&work, &outside] {
            if d.exists() {
                std::fs::remove_dir_all(d).unwrap();
            }
            std::fs::create_dir_all(d.join("sub")).unwrap();
            std::fs::write(d.join("f"), "original").unwrap();
            std::fs::write(d.join("sub/g"), "original").unwrap();
        }
        std::fs::create_dir(work.join("a")).unwrap();
        // Entries a route may leave in the root itself.
        for stray in ["f", "g", "l"] {
            let _ = std::fs::remove_file(root.join(stray));
        }
        Arena {
            root,
            work,
            outside,
        }
    }

    /// Everything observable about `outside`: each entry's type, length,
    /// mode, modification time and contents.
    pub fn outside_state(&self) -> BTreeMap<PathBuf, String> {
        let mut state = BTreeMap::new();
        snapshot(&self.outside, &mut state);
        state
    }
}

fn snapshot(dir: &Path, state: &mut BTreeMap<PathBuf, String>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        let meta = std::fs::symlink_metadata(&path).unwrap();
        let contents = if meta.is_file() {
            String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned()
        } else {
            String::new()
        };
        state.insert(
            path.clone(),
            format!(
                "{:?} len={} mode={:o} mtime={} uid={} gid={} nlink={} {contents:?}",
                meta.file_type(),
                meta.len(),
                meta.mode(),
                meta.mtime_nsec() + meta.mtime() * 1_000_000_000,
                meta.uid(),
                meta.gid(),
                meta.nlink(),
            ),
        );
        if meta.is_dir() {
            snapshot(&path, state);
        }
    }
}

/// One way of trying to change something outside WORK.
pub struct Route {
    pub name: &'static str,
    /// Sets the scene with plain `std` (links, current directory, an entry
    /// OUTSIDE to attack).
    pub setup: fn(&Arena),
    /// The attempt, through `audit_std`: `Ok` means it went through (an
    /// escape even if the snapshot cannot show it); an error is fine as long
    /// as OUTSIDE did not change.
    pub attempt: fn(&Arena) -> io::Result<()>,
}

pub fn nothing(_: &Arena) {}

pub fn link_dir(a: &Arena) {
    // WORK/ld -> OUTSIDE/sub, WORK/lf -> OUTSIDE/f (absolute targets).
    std::os::unix::fs::symlink(a.outside.join("sub"), a.work.join("ld")).unwrap();
    std::os::unix::fs::symlink(a.outside.join("f"), a.work.join("lf")).unwrap();
}

pub fn link_relative(a: &Arena) {
    // WORK/rl -> ../outside, relative to the link's own directory.
    std::os::unix::fs::symlink("../outside", a.work.join("rl")).unwrap();
}

fn open_outside(a: &Arena) -> io::Result<fs::File> {
    // A read outside is allowed: the escape is what follows it.
    fs::File::open(a.outside.join("f"))
}

/// Every route. Each must leave OUTSIDE untouched.
pub fn routes() -> Vec<Route> {
    vec![
        Route {
            name: "write through `..`",
            setup: nothing,
            attempt: |a| fs::write(a.work.join("../outside/f"), "escaped"),
        },
        Route {
            name: "relative path with the current directory outside",
            setup: |a| std::env::set_current_dir(&a.outside).unwrap(),
            attempt: |_| fs::write("f", "escaped"),
        },
        Route {
            name: "symbolic link made relative to another current directory, then written through",
            setup: |a| std::env::set_current_dir(a.work.join("a")).unwrap(),
            attempt: |a| {
                // Judged against the current directory it would be WORK/outside.
                let _ = audit_std::os::unix::fs::symlink("../outside", a.work.join("l"));
                fs::write(a.work.join("l/f"), "escaped")
            },
        },
        Route {
            name: "write into a linked directory",
            setup: link_dir,
            attempt: |a| fs::write(a.work.join("ld/g"), "escaped"),
        },
        Route {
            name: "create a new file in a linked directory",
            setup: link_dir,
            attempt: |a| fs::File::create_new(a.work.join("ld/new")).map(drop),
        },
        Route {
            name: "truncate through a link to a file",
            setup: link_dir,
            attempt: |a| fs::File::create(a.work.join("lf")).map(drop),
        },
        Route {
            name: "append through a relative link",
            setup: link_relative,
            attempt: |a| {
                fs::OpenOptions::new()
                    .append(true)
                    .open(a.work.join("rl/f"))
                    .map(drop)
            },
        },
        Route {
            name: "`..` after a link climbs from the link's target",
            setup: link_dir,
            // WORK/ld/.. is OUTSIDE, not WORK.
            attempt: |a| fs::write(a.work.join("ld/../f"), "escaped"),
        },
        Route {
            name: "remove through a linked directory",
            setup: link_dir,
            attempt: |a| fs::remove_file(a.work.join("ld/g")),
        },
        Route {
            name: "remove a directory tree through a link",
            setup: link_relative,
            attempt: |a| fs::remove_dir_all(a.work.join("rl/sub")),
        },
        Route {
            name: "make a directory through a link",
            setup: link_dir,
            attempt: |a| fs::create_dir(a.work.join("ld/newdir")),
        },
        Route {
            name: "rename a file from outside into WORK",
            setup: nothing,
            attempt: |a| fs::rename(a.outside.join("f"), a.work.join("stolen")),
        },
        Route {
            name: "rename into a linked directory",
            setup: link_dir,
            attempt: |a| fs::rename(a.work.join("f"), a.work.join("ld/g")),
        },
        Route {
            name: "copy onto a file outside",
            setup: nothing,
            attempt: |a| fs::copy(a.work.join("f"), a.outside.join("f")).map(drop),
        },
        Route {
            name: "copy through a link to a file",
            setup: link_dir,
            attempt: |a| fs::copy(a.work.join("f"), a.work.join("lf")).map(drop),
        },
        Route {
            name: "hard link an outside file into WORK, then write it",
            setup: nothing,
            attempt: |a| {
                fs::hard_link(a.outside.join("f"), a.work.join("h"))?;
                fs::write(a.work.join("h"), "escaped")
            },
        },
        Route {
            name: "chmod through a link",
            setup: link_dir,
            attempt: |a| {
                fs::set_permissions(a.work.join("lf"), std::fs::Permissions::from_mode(0o600))
            },
        },
        Route {
            name: "chmod an open outside file by descriptor",
            setup: nothing,
            attempt: |a| open_outside(a)?.set_permissions(std::fs::Permissions::from_mode(0o600)),
        },
        Route {
            name: "truncate an open outside file by descriptor",
            setup: nothing,
            attempt: |a| open_outside(a)?.set_len(0),
        },
        Route {
            name: "set the times of an open outside file",
            setup: nothing,
            attempt: |a| {
                open_outside(a)?.set_modified(SystemTime::UNIX_EPOCH + Duration::from_secs(86_400))
            },
        },
        Route {
            name: "set the times of an open outside file (set_times)",
            setup: nothing,
            attempt: |a| {
                let times = std::fs::FileTimes::new()
                    .set_accessed(SystemTime::UNIX_EPOCH)
                    .set_modified(SystemTime::UNIX_EPOCH);
                open_outside(a)?.set_times(times)
            },
        },
        Route {
            name: "chown an open outside file by descriptor",
            setup: nothing,
            attempt: |a| {
                // To a group the process is in: the kernel allows it.
                let file = open_outside(a)?;
                let gid = unsafe { libc::getegid() };
                // The same group changes nothing the snapshot shows: `Ok`
                // is the proof that the call went through.
                audit_std::os::unix::fs::fchown(&file, None, Some(gid))
            },
        },
        Route {
            name: "read-only open with O_TRUNC in the custom flags",
            setup: nothing,
            attempt: |a| {
                fs::OpenOptions::new()
                    .read(true)
                    .custom_flags(libc::O_TRUNC)
                    .open(a.outside.join("f"))
                    .map(drop)
            },
        },
        Route {
            name: "read-only open with O_CREAT in the custom flags",
            setup: nothing,
            attempt: |a| {
                fs::OpenOptions::new()
                    .read(true)
                    .custom_flags(libc::O_CREAT)
                    .open(a.outside.join("created"))
                    .map(drop)
            },
        },
        Route {
            name: "write open with O_APPEND hidden in the custom flags",
            setup: nothing,
            attempt: |a| {
                use std::io::Write;
                let mut f = fs::OpenOptions::new()
                    .read(true)
                    .custom_flags(libc::O_APPEND | libc::O_RDWR)
                    .open(a.outside.join("f"))?;
                f.write_all(b"escaped")
            },
        },
        Route {
            name: "O_TMPFILE then link it into place",
            setup: nothing,
            attempt: |a| {
                use std::io::Write;
                let mut f = fs::OpenOptions::new()
                    .read(true)
                    .custom_flags(libc::O_TMPFILE | libc::O_RDWR)
                    .open(&a.outside)?;
                f.write_all(b"escaped")
            },
        },
        Route {
            name: "bind a Unix socket at a path outside",
            setup: nothing,
            attempt: |a| {
                audit_std::os::unix::net::UnixListener::bind(a.outside.join("sock")).map(drop)
            },
        },
        Route {
            name: "bind a Unix socket through a linked directory",
            setup: link_dir,
            attempt: |a| {
                audit_std::os::unix::net::UnixListener::bind(a.work.join("ld/sock")).map(drop)
            },
        },
        Route {
            name: "enter a linked directory, then write relative",
            setup: link_dir,
            attempt: |a| {
                audit_std::env::set_current_dir(a.work.join("ld"))?;
                fs::write("g", "escaped")
            },
        },
        Route {
            name: "through the kernel's magic link to the current directory",
            setup: |a| std::env::set_current_dir(&a.outside).unwrap(),
            attempt: |_| fs::write("/proc/self/cwd/f", "escaped"),
        },
    ]
}

/// Writes that must stay allowed, so a guard that refuses everything fails.
pub fn allowed(a: &Arena) -> io::Result<()> {
    fs::write(a.work.join("new.txt"), "ok")?;
    fs::create_dir(a.work.join("d"))?;
    fs::rename(a.work.join("new.txt"), a.work.join("d/new.txt"))?;
    fs::copy(a.outside.join("f"), a.work.join("copied"))?;
    fs::File::open(a.outside.join("f"))?;
    fs::read_to_string(a.outside.join("sub/g"))?;
    // A link inside pointing outside may itself be made and removed.
    audit_std::os::unix::fs::symlink(a.outside.join("f"), a.work.join("mine"))?;
    fs::remove_file(a.work.join("mine"))?;
    fs::File::create(a.work.join("f"))?.set_len(3)?;
    Ok(())
}

/// Runs an attempt with a guard in force and returns its result.
pub type Guard<'a> = &'a dyn Fn(&dyn Fn() -> io::Result<()>) -> io::Result<()>;

/// Tries every route in a fresh arena under `guard` (which runs the attempt
/// with the guard in force) and returns the routes that changed OUTSIDE.
pub fn escapes(guard: Guard<'_>) -> Vec<String> {
    escapes_on(routes(), guard)
}

/// [`escapes`] for the routes `routes` (another library's, such as
/// `audit_tokio`'s).
pub fn escapes_on(routes: Vec<Route>, guard: Guard<'_>) -> Vec<String> {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let home = std::env::current_dir().unwrap();
    let mut escaped = Vec::new();
    for route in routes {
        let arena = Arena::new();
        // After the scene is set: a setup may lay out OUTSIDE too.
        (route.setup)(&arena);
        let before = arena.outside_state();
        let result = guard(&|| (route.attempt)(&arena));
        std::env::set_current_dir(&home).unwrap();
        let after = arena.outside_state();
        if before != after || result.is_ok() {
            escaped.push(format!(
                "{}: {result:?}{}",
                route.name,
                if before != after {
                    ", and OUTSIDE changed"
                } else {
                    ""
                }
            ));
        }
    }
    escaped
}

/// Runs the allowed writes in a fresh arena under `guard`.
pub fn allowed_under(guard: Guard<'_>) -> io::Result<()> {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let arena = Arena::new();
    guard(&|| allowed(&arena))
}

/// The guard of a shipped policy: installs, once per test binary, the
/// policy `text` returns for [`Arena::work_dir`] (compiled out, nothing is
/// installed), then runs the attempt.
pub fn under_policy(
    text: fn(&Path) -> String,
    attempt: &dyn Fn() -> io::Result<()>,
) -> io::Result<()> {
    static INSTALL: std::sync::Once = std::sync::Once::new();
    INSTALL.call_once(|| {
        let policy = audit_policy::Policy::from_toml(&text(&Arena::work_dir())).unwrap();
        if audit_core::ENABLED {
            policy.install().unwrap();
        }
    });
    attempt()
}

/// The two tests every guard must pass, for a guard `fn(attempt) -> result`:
/// no route writes outside the work directory, and the allowed writes and
/// reads still work.
#[allow(unused_macros)] // not every test file runs the `audit_std` suite
macro_rules! escape_suite {
    ($guard:expr) => {
        #[test]
        fn no_route_writes_outside_the_work_directory() {
            if !audit_core::ENABLED {
                return; // nothing is audited, so nothing is guarded
            }
            let escaped = escape_common::escapes(&$guard);
            assert!(escaped.is_empty(), "escaped:\n{}", escaped.join("\n"));
        }

        #[test]
        fn writes_inside_and_reads_outside_stay_allowed() {
            escape_common::allowed_under(&$guard).unwrap();
        }
    };
}
