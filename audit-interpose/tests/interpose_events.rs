//! `std` and `libc` calls (no audit point anywhere) raise `audit_std`'s
//! events once interposition is on, with `audit_std`'s arguments; a veto
//! stops them before the C library runs; an `audit_std` call raises its
//! event once, not twice.
//!
//! Every test observes through `audit_core::testing::capture`, which sees
//! only the current thread's events, so the tests can share this binary.
//! No global hook is installed here.
#![cfg(target_os = "linux")]

use std::ffi::CString;
use std::io::ErrorKind;
use std::net::{TcpListener, TcpStream, UdpSocket};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::Command;

use audit_core::testing::{capture, capture_with};
use audit_core::{AuditError, OwnedEvent};

fn setup() -> tempfile::TempDir {
    assert!(audit_interpose::enable() == audit_core::ENABLED);
    tempfile::tempdir().unwrap()
}

/// The events named `name`.
fn named<'a>(events: &'a [OwnedEvent], name: &str) -> Vec<&'a OwnedEvent> {
    events.iter().filter(|e| e.name() == name).collect()
}

fn path_arg<'a>(event: &'a OwnedEvent, arg: &str) -> Option<&'a Path> {
    event.arg(arg).and_then(|v| v.as_path())
}

fn bool_arg(event: &OwnedEvent, arg: &str) -> bool {
    event.arg(arg).and_then(|v| v.as_bool()).unwrap()
}

/// The one event named `name` about `path` (first path argument).
fn one_about<'a>(events: &'a [OwnedEvent], name: &str, path: &Path) -> &'a OwnedEvent {
    let found: Vec<_> = named(events, name)
        .into_iter()
        .filter(|e| e.args().any(|(_, v)| v.as_path() == Some(path)))
        .collect();
    assert_eq!(found.len(), 1, "{name} about {path:?}: {events:?}");
    found[0]
}

fn refuse_under(dir: PathBuf) -> impl Fn(&audit_core::Event<'_>) -> Result<(), AuditError> {
    move |event| {
        let under = event
            .args()
            .any(|(_, v)| v.as_path().is_some_and(|p| p.starts_with(&dir)));
        if under {
            Err(AuditError::denied("test veto"))
        } else {
            Ok(())
        }
    }
}

#[test]
fn std_reaches_the_interposed_symbols() {
    let _dir = setup();
    assert_eq!(audit_interpose::is_linked(), audit_core::ENABLED);
    // The binary itself defines them (`nm` lists them as text), and with
    // `off` it defines none: nothing is interposed.
    let exe = std::env::current_exe().unwrap();
    let out = Command::new("nm").arg("--defined-only").arg(&exe).output();
    let Ok(out) = out else {
        eprintln!("nm not found: the symbol table was not checked");
        return;
    };
    let text = String::from_utf8_lossy(&out.stdout);
    for name in ["open64", "openat64", "connect", "posix_spawnp", "unlink"] {
        let defined = text.lines().any(|l| l.ends_with(&format!(" T {name}")));
        assert_eq!(defined, audit_core::ENABLED, "{name} in {exe:?}");
    }
}

#[test]
fn file_open_reports_effective_flags() {
    let dir = setup();
    let path = dir.path().join("a.txt");
    std::fs::write(&path, b"x").unwrap();
    let (_, events) = capture(|| std::fs::File::open(&path).unwrap());
    if !audit_core::ENABLED {
        assert!(events.is_empty());
        return;
    }
    let open = one_about(&events, "fs.open", &path);
    assert!(bool_arg(open, "read"));
    for flag in ["write", "append", "truncate", "create", "create_new"] {
        assert!(!bool_arg(open, flag), "{flag}");
    }
    assert_eq!(open.arg("custom_flags").unwrap().as_i64(), Some(0));
    assert_eq!(open.arg("mode").unwrap().as_u64(), Some(0o666));

    let new = dir.path().join("new.txt");
    let (_, events) = capture(|| {
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .custom_flags(libc::O_NOFOLLOW)
            .open(&new)
            .unwrap()
    });
    let open = one_about(&events, "fs.open", &new);
    assert!(bool_arg(open, "write") && bool_arg(open, "create") && bool_arg(open, "create_new"));
    assert!(!bool_arg(open, "read") && !bool_arg(open, "truncate"));
    assert_eq!(open.arg("mode").unwrap().as_u64(), Some(0o600));
    assert_eq!(
        open.arg("custom_flags").unwrap().as_i64(),
        Some(libc::O_NOFOLLOW as i64)
    );

    // A read-only open that truncates changes the file: `write` says so.
    let c = CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
    let (fd, events) =
        capture(|| unsafe { libc::open(c.as_ptr(), libc::O_RDONLY | libc::O_TRUNC) });
    assert!(fd >= 0);
    unsafe { libc::close(fd) };
    let open = one_about(&events, "fs.open", &path);
    assert!(bool_arg(open, "write") && bool_arg(open, "truncate"));
}

#[test]
fn openat_reports_the_directory_joined() {
    let dir = setup();
    if !audit_core::ENABLED {
        return;
    }
    let real = std::fs::canonicalize(dir.path()).unwrap();
    std::fs::write(real.join("inner"), b"x").unwrap();
    let d = std::fs::File::open(&real).unwrap();
    let name = CString::new("inner").unwrap();
    let (fd, events) = capture(|| unsafe {
        libc::openat(
            std::os::fd::AsRawFd::as_raw_fd(&d),
            name.as_ptr(),
            libc::O_RDONLY | libc::O_CLOEXEC,
        )
    });
    assert!(fd >= 0);
    unsafe { libc::close(fd) };
    one_about(&events, "fs.open", &real.join("inner"));
}

#[test]
fn path_operations_raise_their_events() {
    let dir = setup();
    if !audit_core::ENABLED {
        return;
    }
    let a = dir.path().join("a");
    let b = dir.path().join("b");
    let sub = dir.path().join("sub");
    let link = dir.path().join("link");
    let sym = dir.path().join("sym");
    std::fs::write(&a, b"x").unwrap();
    let (_, events) = capture(|| {
        std::fs::rename(&a, &b).unwrap();
        std::fs::create_dir(&sub).unwrap();
        std::fs::hard_link(&b, &link).unwrap();
        std::os::unix::fs::symlink("b", &sym).unwrap();
        std::fs::set_permissions(&b, std::fs::Permissions::from_mode(0o444)).unwrap();
        std::fs::remove_file(&link).unwrap();
        std::fs::remove_dir(&sub).unwrap();
    });
    let rename = one_about(&events, "fs.rename", &a);
    assert_eq!(path_arg(rename, "to"), Some(b.as_path()));
    let mkdir = one_about(&events, "fs.create_dir", &sub);
    assert_eq!(mkdir.arg("mode").unwrap().as_u64(), Some(0o777));
    assert_eq!(mkdir.arg("recursive").unwrap().as_bool(), Some(false));
    let hard = one_about(&events, "fs.hard_link", &link);
    assert_eq!(path_arg(hard, "original"), Some(b.as_path()));
    let symlink = one_about(&events, "fs.symlink", &sym);
    assert_eq!(path_arg(symlink, "original"), Some(Path::new("b")));
    let chmod = one_about(&events, "fs.set_permissions", &b);
    assert_eq!(chmod.arg("mode").unwrap().as_u64(), Some(0o444));
    assert_eq!(chmod.arg("readonly").unwrap().as_bool(), Some(true));
    assert!(chmod.arg("fd").unwrap().is_none());
    one_about(&events, "fs.remove_file", &link);
    one_about(&events, "fs.remove_dir", &sub);
}

#[test]
fn a_veto_stops_the_call_before_the_c_library() {
    let dir = setup();
    if !audit_core::ENABLED {
        return;
    }
    let root = dir.path().to_path_buf();
    let kept = root.join("kept");
    std::fs::write(&kept, b"keep").unwrap();
    let created = root.join("created");
    let (results, _) = capture_with(refuse_under(root.clone()), || {
        (
            std::fs::write(&created, b"x"),
            std::fs::remove_file(&kept),
            std::fs::rename(&kept, root.join("moved")),
            std::fs::create_dir(root.join("d")),
            std::fs::OpenOptions::new()
                .write(true)
                .truncate(true)
                .open(&kept),
        )
    });
    for (what, err) in [
        ("write", results.0.err()),
        ("remove", results.1.err()),
        ("rename", results.2.err()),
        ("mkdir", results.3.err()),
        ("truncate", results.4.err()),
    ] {
        let err = err.unwrap_or_else(|| panic!("{what} not refused"));
        assert_eq!(err.kind(), ErrorKind::PermissionDenied, "{what}");
        assert_eq!(err.raw_os_error(), Some(libc::EACCES), "{what}");
    }
    // No effect on the file system.
    assert!(!created.exists());
    assert_eq!(std::fs::read(&kept).unwrap(), b"keep");
    assert!(!root.join("moved").exists() && !root.join("d").exists());
}

#[test]
fn an_audit_std_call_is_counted_once() {
    let dir = setup();
    if !audit_core::ENABLED {
        return;
    }
    let path = dir.path().join("once");
    let (_, events) = capture(|| {
        audit_std::fs::write(&path, b"x").unwrap();
        audit_std::fs::File::open(&path).unwrap();
        audit_std::fs::remove_file(&path).unwrap();
    });
    assert_eq!(named(&events, "fs.open").len(), 2, "{events:?}");
    assert_eq!(named(&events, "fs.remove_file").len(), 1, "{events:?}");
    // ... while the same calls through std raise one each too.
    let (_, events) = capture(|| {
        std::fs::write(&path, b"x").unwrap();
        std::fs::File::open(&path).unwrap();
        std::fs::remove_file(&path).unwrap();
    });
    assert_eq!(named(&events, "fs.open").len(), 2, "{events:?}");
    assert_eq!(named(&events, "fs.remove_file").len(), 1, "{events:?}");

    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let (_, events) = capture(|| audit_std::net::TcpStream::connect(addr).unwrap());
    assert_eq!(named(&events, "net.connect").len(), 1, "{events:?}");

    // The C library sees less than these audit points (no port for the
    // lookup; no working directory or environment changes for the spawn):
    // still once.
    let (_, events) = capture(|| {
        audit_std::net::ToSocketAddrs::to_socket_addrs(&("localhost", 80)).map(|a| a.count())
    });
    assert_eq!(named(&events, "net.resolve").len(), 1, "{events:?}");
    let (_, events) = capture(|| {
        audit_std::process::Command::new("true")
            .arg("once")
            .env("AUDIT_INTERPOSE_TEST", "1")
            .status()
            .unwrap()
    });
    assert_eq!(named(&events, "process.spawn").len(), 1, "{events:?}");
}

#[test]
fn a_record_is_not_a_pass_for_another_call() {
    let dir = setup();
    if !audit_core::ENABLED {
        return;
    }
    // An audited open refused by std before any system call (create
    // without write) leaves its record; a raw open of the same path with
    // other flags must still raise its own event.
    let path = dir.path().join("p");
    std::fs::write(&path, b"x").unwrap();
    let c = CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
    let (fd, events) = capture(|| {
        let refused = audit_std::fs::OpenOptions::new()
            .read(true)
            .create(true)
            .open(&path);
        assert!(refused.is_err());
        unsafe { libc::open(c.as_ptr(), libc::O_WRONLY | libc::O_TRUNC | libc::O_CLOEXEC) }
    });
    assert!(fd >= 0);
    unsafe { libc::close(fd) };
    let opens = named(&events, "fs.open");
    assert_eq!(opens.len(), 2, "{events:?}");
    assert!(bool_arg(opens[1], "truncate"));
}

#[test]
fn sockets_raise_net_events() {
    let _dir = setup();
    if !audit_core::ENABLED {
        return;
    }
    let (listener, events) = capture(|| TcpListener::bind("127.0.0.1:0").unwrap());
    let addr = listener.local_addr().unwrap();
    let bind = &named(&events, "net.bind")[0];
    assert_eq!(
        bind.arg("address").unwrap().as_socket_addr(),
        Some("127.0.0.1:0".parse().unwrap())
    );
    assert_eq!(bind.arg("protocol").unwrap().as_str(), Some("tcp"));

    let (_, events) = capture(|| TcpStream::connect(addr).unwrap());
    let connect = &named(&events, "net.connect")[0];
    assert_eq!(connect.arg("address").unwrap().as_socket_addr(), Some(addr));
    listener.accept().unwrap();

    let udp = UdpSocket::bind("[::1]:0").unwrap();
    let target = udp.local_addr().unwrap();
    let (_, events) = capture(|| udp.send_to(b"hi", target).unwrap());
    let send = &named(&events, "net.send_to")[0];
    assert_eq!(send.arg("address").unwrap().as_socket_addr(), Some(target));

    // A vetoed connect never reaches the listener.
    listener.set_nonblocking(true).unwrap();
    let (result, _) = capture_with(
        |event: &audit_core::Event<'_>| {
            if event.name() == "net.connect" {
                Err(AuditError::denied("no"))
            } else {
                Ok(())
            }
        },
        || TcpStream::connect(addr),
    );
    assert_eq!(result.unwrap_err().kind(), ErrorKind::PermissionDenied);
    assert_eq!(listener.accept().unwrap_err().kind(), ErrorKind::WouldBlock);
}

#[test]
fn unix_sockets_raise_unix_events() {
    let dir = setup();
    if !audit_core::ENABLED {
        return;
    }
    let path = dir.path().join("sock");
    let (_listener, events) = capture(|| std::os::unix::net::UnixListener::bind(&path).unwrap());
    one_about(&events, "net.unix_bind", &path);
    let (_, events) = capture(|| std::os::unix::net::UnixStream::connect(&path).unwrap());
    one_about(&events, "net.unix_connect", &path);
}

#[test]
fn name_lookups_raise_net_resolve() {
    let _dir = setup();
    if !audit_core::ENABLED {
        return;
    }
    use std::net::ToSocketAddrs;
    let (_, events) = capture(|| ("localhost", 80).to_socket_addrs().map(|a| a.count()));
    let resolve = &named(&events, "net.resolve")[0];
    assert_eq!(resolve.arg("host").unwrap().as_str(), Some("localhost"));
    let (result, _) = capture_with(
        |event: &audit_core::Event<'_>| {
            if event.name() == "net.resolve" {
                Err(AuditError::denied("no"))
            } else {
                Ok(())
            }
        },
        || ("localhost", 80).to_socket_addrs().map(|a| a.count()),
    );
    assert!(result.is_err());
}

#[test]
fn spawning_raises_process_spawn_and_a_veto_starts_nothing() {
    let dir = setup();
    if !audit_core::ENABLED {
        return;
    }
    let (status, events) = capture(|| Command::new("true").arg("x").status().unwrap());
    assert!(status.success());
    let spawn = &named(&events, "process.spawn")[0];
    assert_eq!(path_arg(spawn, "program"), Some(Path::new("true")));
    let args = spawn.arg("args").unwrap().as_list().unwrap();
    assert_eq!(args.len(), 1);
    assert_eq!(args[0].as_os_str().unwrap(), "x");
    assert_eq!(spawn.arg("env_clear").unwrap().as_bool(), Some(false));

    // An environment of its own: reported whole, as cleared. (A path, not
    // a name: std looks a name up in the new environment's PATH itself,
    // with fork and exec, where nothing is seen.)
    let (_, events) = capture(|| {
        Command::new("/bin/sh")
            .args(["-c", "true"])
            .env_clear()
            .env("ONLY", "1")
            .status()
            .unwrap()
    });
    let spawn = &named(&events, "process.spawn")[0];
    assert_eq!(spawn.arg("env_clear").unwrap().as_bool(), Some(true));
    let env = spawn.arg("env").unwrap().as_list().unwrap();
    assert_eq!(env.len(), 1);
    assert_eq!(env[0].as_list().unwrap()[0].as_os_str().unwrap(), "ONLY");

    let marker = dir.path().join("marker");
    let (result, _) = capture_with(
        |event: &audit_core::Event<'_>| {
            if event.name().starts_with("process.") {
                Err(AuditError::denied("no"))
            } else {
                Ok(())
            }
        },
        || Command::new("touch").arg(&marker).status(),
    );
    assert_eq!(result.unwrap_err().kind(), ErrorKind::PermissionDenied);
    assert!(!marker.exists());
}

#[test]
fn kill_raises_process_kill() {
    let _dir = setup();
    if !audit_core::ENABLED {
        return;
    }
    let mut child = Command::new("sleep").arg("30").spawn().unwrap();
    let pid = child.id();
    let (result, _) = capture_with(
        |event: &audit_core::Event<'_>| {
            if event.name() == "process.kill" {
                Err(AuditError::denied("no"))
            } else {
                Ok(())
            }
        },
        || child.kill(),
    );
    assert!(result.is_err());
    assert!(
        child.try_wait().unwrap().is_none(),
        "the child must still run"
    );
    let (_, events) = capture(|| child.kill().unwrap());
    let kill = &named(&events, "process.kill")[0];
    assert_eq!(kill.arg("pid").unwrap().as_u64(), Some(u64::from(pid)));
    child.wait().unwrap();
}

/// What it cannot see, tested: a raw system call.
#[test]
fn raw_syscalls_are_not_seen() {
    let dir = setup();
    if !audit_core::ENABLED {
        return;
    }
    let path = dir.path().join("raw");
    let c = CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
    let (fd, events) = capture(|| unsafe {
        libc::syscall(
            libc::SYS_openat,
            libc::AT_FDCWD,
            c.as_ptr(),
            libc::O_WRONLY | libc::O_CREAT | libc::O_CLOEXEC,
            0o600,
        )
    });
    assert!(fd >= 0 && path.exists());
    unsafe { libc::close(fd as i32) };
    assert!(named(&events, "fs.open").is_empty(), "{events:?}");
}

#[test]
fn operations_on_open_files_name_the_file() {
    let dir = setup();
    if !audit_core::ENABLED {
        return;
    }
    let real = std::fs::canonicalize(dir.path()).unwrap();
    let path = real.join("len");
    std::fs::write(&path, b"12345").unwrap();
    let file = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
    let fd = std::os::fd::AsRawFd::as_raw_fd(&file);
    let (_, events) = capture(|| {
        file.set_len(2).unwrap();
        file.set_permissions(std::fs::Permissions::from_mode(0o600))
            .unwrap();
    });
    let len = one_about(&events, "fs.set_len", &path);
    assert_eq!(len.arg("fd").unwrap().as_i64(), Some(i64::from(fd)));
    assert_eq!(len.arg("len").unwrap().as_u64(), Some(2));
    let perm = one_about(&events, "fs.set_permissions", &path);
    assert_eq!(perm.arg("mode").unwrap().as_u64(), Some(0o600));

    // audit_std's own event, then the entry point: once.
    let audited = audit_std::fs::File::from(file);
    let (_, events) = capture(|| audited.set_len(1).unwrap());
    assert_eq!(named(&events, "fs.set_len").len(), 1, "{events:?}");

    // Refused: the length stays.
    let file = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
    let (result, _) = capture_with(refuse_under(real.clone()), || file.set_len(0));
    assert_eq!(result.unwrap_err().raw_os_error(), Some(libc::EACCES));
    assert_eq!(std::fs::metadata(&path).unwrap().len(), 1);

    // chdir to where the process already is: an event, no change.
    let cwd = std::env::current_dir().unwrap();
    let (_, events) = capture(|| std::env::set_current_dir(&cwd).unwrap());
    one_about(&events, "fs.set_current_dir", &cwd);
}
