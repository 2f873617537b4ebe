//! `audit_std::testing`: each helper passes on allowed real operations and
//! fails, with a readable list of the offending events, on forbidden ones.
//! Real files in temporary directories, real loopback sockets, real children.
//!
//! Forbidden operations that must not really happen (a non-loopback address,
//! a write into the working directory, a shell) are only attempted when
//! auditing is enabled, under `Expect::enforce`, which refuses them before
//! any effect. With the `off` feature the helpers observe nothing and pass:
//! those tests check that instead, with harmless operations only.

use std::cell::Cell;
use std::io::{self, ErrorKind, Write};
use std::net::{Ipv4Addr, SocketAddr};
use std::panic::{self, AssertUnwindSafe};
use std::path::PathBuf;
use std::time::Duration;

use audit_core::{audit_error, testing::capture, ENABLED};
use audit_std::fs;
use audit_std::net::{TcpListener, TcpStream, UdpSocket};
use audit_std::process::Command;
use audit_std::testing::{
    assert_no_network, assert_no_network_except_loopback, assert_no_spawn,
    assert_writes_only_under, Expect, Rule, Violations,
};

/// The panic message of `f`, which must panic when auditing is enabled and
/// must not (returning normally) when it is compiled out.
#[track_caller]
fn panic_message(f: impl FnOnce()) -> Option<String> {
    let outcome = panic::catch_unwind(AssertUnwindSafe(f));
    match (ENABLED, outcome) {
        (true, Err(payload)) => Some(
            payload
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
                .expect("a string panic message"),
        ),
        (true, Ok(())) => panic!("the helper should have panicked"),
        (false, Err(_)) => panic!("compiled out, the helper must not panic"),
        (false, Ok(())) => None,
    }
}

#[track_caller]
fn assert_contains(text: &str, parts: &[&str]) {
    for part in parts {
        assert!(text.contains(part), "{part:?} missing from:\n{text}");
    }
}

/// A real loopback round trip: bind, connect, accept, exchange a byte.
fn loopback_round_trip() -> io::Result<SocketAddr> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
    let addr = listener.local_addr()?;
    let mut client = TcpStream::connect(addr)?;
    client.write_all(b"x")?;
    let (_server, peer) = listener.accept()?;
    Ok(peer)
}

// ----- network

#[test]
fn no_network_passes_on_filesystem_work() {
    let tmp = tempfile::tempdir().unwrap();
    let text = assert_no_network(|| {
        fs::write(tmp.path().join("a"), "offline").unwrap();
        fs::read_to_string(tmp.path().join("a")).unwrap()
    });
    assert_eq!(text, "offline");
}

#[test]
fn no_network_fails_on_a_loopback_listener_and_lists_it() {
    let mut bound = None;
    let message = panic_message(|| {
        let listener = assert_no_network(|| TcpListener::bind("127.0.0.1:0").unwrap());
        bound = Some(listener.local_addr().unwrap());
    });
    if let Some(message) = message {
        assert_contains(
            &message,
            &[
                "1 forbidden operation on this thread:",
                "1. [network] net.bind(address=127.0.0.1:0, protocol=\"tcp\"): network access",
            ],
        );
    } else {
        assert!(bound.unwrap().ip().is_loopback(), "the closure ran");
    }
}

#[test]
fn no_network_lists_every_event_in_order() {
    let result = Expect::new().no_network().check(loopback_round_trip);
    if !ENABLED {
        assert!(result.unwrap().unwrap().ip().is_loopback());
        return;
    }
    let violations = result.unwrap_err();
    let names: Vec<&str> = violations.iter().map(|v| v.event().name()).collect();
    assert_eq!(names, ["net.bind", "net.connect", "net.accept"]);
    assert!(violations.iter().all(|v| v.rule() == Rule::Network));
    assert!(violations.iter().all(|v| !v.was_vetoed()));
    let text = violations.to_string();
    assert_contains(
        &text,
        &[
            "3 forbidden operations on this thread:",
            "\n  1. [network] net.bind(",
            "\n  2. [network] net.connect(address=127.0.0.1:",
            "\n  3. [network] net.accept(peer=127.0.0.1:",
        ],
    );
}

#[test]
fn loopback_only_allows_a_real_loopback_round_trip() {
    let peer = assert_no_network_except_loopback(loopback_round_trip).unwrap();
    assert!(peer.ip().is_loopback());

    // `localhost` is looked up (allowed) and each address it gives is loopback.
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
    let port = listener.local_addr().unwrap().port();
    let stream = assert_no_network_except_loopback(|| TcpStream::connect(("localhost", port)));
    assert!(stream.unwrap().peer_addr().unwrap().ip().is_loopback());

    // UDP on loopback, with an explicit destination.
    assert_no_network_except_loopback(|| -> io::Result<()> {
        let a = UdpSocket::bind("127.0.0.1:0")?;
        let b = UdpSocket::bind("127.0.0.1:0")?;
        a.send_to(b"ping", b.local_addr()?)?;
        Ok(())
    })
    .unwrap();
}

#[test]
fn loopback_only_refuses_other_addresses_before_connecting() {
    if !ENABLED {
        // Compiled out, the connection would really be attempted: only check
        // that the helper passes on loopback work and returns its result.
        let peer = Expect::new()
            .no_network_except_loopback()
            .enforce()
            .check(loopback_round_trip)
            .unwrap();
        assert!(peer.unwrap().ip().is_loopback());
        return;
    }
    let seen = Cell::new(None);
    let remote: SocketAddr = "192.0.2.1:9".parse().unwrap();
    let result = Expect::new()
        .no_network_except_loopback()
        .enforce()
        .check(|| {
            let err = TcpStream::connect_timeout(&remote, Duration::from_millis(50)).unwrap_err();
            seen.set(Some((err.kind(), audit_error(&err).is_some())));
        });
    assert_eq!(
        seen.get(),
        Some((ErrorKind::PermissionDenied, true)),
        "refused by the helper, not by the network"
    );
    let violations = result.unwrap_err();
    assert_eq!(violations.len(), 1);
    let v = &violations.as_slice()[0];
    assert!(v.was_vetoed());
    assert_eq!(
        v.to_string(),
        "[network] net.connect(address=192.0.2.1:9, protocol=\"tcp\"): connects to 192.0.2.1:9, \
         which is not a loopback address (refused)"
    );
}

#[test]
fn loopback_only_refuses_name_lookups_other_than_localhost() {
    if !ENABLED {
        return; // would really resolve the name
    }
    let result = Expect::new()
        .no_network_except_loopback()
        .enforce()
        .check(|| TcpStream::connect("audit-hooks.invalid:80").map(drop));
    let violations = result.unwrap_err();
    assert_contains(
        &violations.to_string(),
        &[
            "net.resolve(host=\"audit-hooks.invalid\", port=80)",
            "looks up the host name `audit-hooks.invalid` (only `localhost` is allowed)",
        ],
    );
}

#[test]
fn loopback_only_panics_on_a_wildcard_bind() {
    if !ENABLED {
        return; // binding 0.0.0.0 would really listen on every interface
    }
    let message = panic_message(|| {
        let r = Expect::new()
            .no_network_except_loopback()
            .enforce()
            .run(|| UdpSocket::bind("0.0.0.0:0"));
        let err = r.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::PermissionDenied);
    })
    .unwrap();
    assert_contains(
        &message,
        &["net.bind(address=0.0.0.0:0, protocol=\"udp\"): binds to 0.0.0.0:0, which is not a loopback address (refused)"],
    );
}

#[cfg(unix)]
#[test]
fn unix_sockets_are_local_but_still_network_for_the_strict_check() {
    use audit_std::os::unix::net::UnixListener;
    let tmp = tempfile::tempdir().unwrap();
    let sock = tmp.path().join("s.sock");
    let listener = assert_no_network_except_loopback(|| UnixListener::bind(&sock));
    assert!(listener.is_ok() && sock.exists());

    let other = tmp.path().join("t.sock");
    let result = Expect::new()
        .no_network()
        .check(|| UnixListener::bind(&other));
    if ENABLED {
        let text = result.unwrap_err().to_string();
        assert_contains(&text, &["[network] net.unix_bind(path="]);
    } else {
        assert!(result.unwrap().is_ok());
    }
}

// ----- writes

#[test]
fn writes_inside_the_directory_pass() {
    let tmp = tempfile::tempdir().unwrap();
    let other = tempfile::tempdir().unwrap();
    fs::write(other.path().join("input.txt"), "data").unwrap();
    let d = tmp.path();
    let copied = assert_writes_only_under(d, || -> io::Result<String> {
        fs::create_dir_all(d.join("a/b"))?;
        fs::write(d.join("a/b/f.txt"), "1")?;
        fs::rename(d.join("a/b/f.txt"), d.join("a/g.txt"))?;
        // Reading outside is not a write; copying from outside to inside is fine.
        let input = fs::read_to_string(other.path().join("input.txt"))?;
        fs::copy(other.path().join("input.txt"), d.join("copy.txt"))?;
        let file = fs::OpenOptions::new()
            .append(true)
            .open(d.join("copy.txt"))?;
        // Operations on an open file are judged by the file's path.
        file.set_len(2)?;
        file.set_permissions(std::fs::metadata(d.join("copy.txt"))?.permissions())?;
        fs::remove_file(d.join("a/g.txt"))?;
        fs::remove_dir_all(d.join("a"))?;
        assert_eq!(input, "data");
        fs::read_to_string(d.join("copy.txt"))
    })
    .unwrap();
    assert_eq!(copied, "da");
}

#[test]
fn a_write_outside_is_reported_with_its_path() {
    let tmp = tempfile::tempdir().unwrap();
    let other = tempfile::tempdir().unwrap();
    let stray = other.path().join("stray.txt");
    let message = panic_message(|| {
        assert_writes_only_under(tmp.path(), || fs::write(&stray, "oops").unwrap());
    });
    // Observation only: the write happened in both modes.
    assert_eq!(std::fs::read_to_string(&stray).unwrap(), "oops");
    if let Some(message) = message {
        assert_contains(
            &message,
            &[
                "1 forbidden operation on this thread:",
                "[write] fs.open(",
                &format!("path=\"{}\"", stray.display()),
                "write=true",
                &format!(
                    ": writes `{}`, outside `{}`",
                    stray.display(),
                    tmp.path().display()
                ),
            ],
        );
    }
}

#[test]
fn every_kind_of_write_outside_is_caught() {
    let tmp = tempfile::tempdir().unwrap();
    let other = tempfile::tempdir().unwrap();
    let (i, o) = (tmp.path(), other.path());
    std::fs::write(i.join("in.txt"), "in").unwrap();
    std::fs::write(o.join("out.txt"), "out").unwrap();
    let result = Expect::new()
        .writes_only_under(i)
        .check(|| -> io::Result<()> {
            fs::create_dir(o.join("dir"))?; // create_dir
            fs::remove_dir(o.join("dir"))?; // remove_dir
            fs::copy(i.join("in.txt"), o.join("copy.txt"))?; // copy destination
            fs::rename(i.join("in.txt"), o.join("moved.txt"))?; // rename to outside
            fs::rename(o.join("moved.txt"), i.join("back.txt"))?; // rename from outside
            fs::hard_link(i.join("back.txt"), o.join("hard"))?; // link name
            fs::remove_file(o.join("hard"))?; // remove_file
            fs::OpenOptions::new().write(true).open(o.join("out.txt"))?; // open for writing, no create
            let file = fs::File::open(o.join("out.txt"))?; // read-only: fine
            file.set_permissions(file.metadata()?.permissions())?; // fchmod, judged by fd
            fs::set_permissions(o.join("out.txt"), file.metadata()?.permissions())?;
            Ok(())
        });
    if !ENABLED {
        result
            .expect("compiled out, nothing is observed")
            .expect("the operations succeed");
        return;
    }
    let violations = result.unwrap_err();
    let got: Vec<(&str, &str)> = violations
        .iter()
        .map(|v| (v.event().name(), v.detail()))
        .collect();
    let names: Vec<&str> = got.iter().map(|(n, _)| *n).collect();
    assert_eq!(
        names,
        [
            "fs.create_dir",
            "fs.remove_dir",
            "fs.copy",
            "fs.rename",
            "fs.rename",
            "fs.hard_link",
            "fs.remove_file",
            "fs.open",
            "fs.set_permissions",
            "fs.set_permissions",
        ]
    );
    assert!(violations.iter().all(|v| v.rule() == Rule::Write));
    // The open file is judged by the path of its descriptor where the
    // platform tells it, and counts as outside where it does not.
    let fd_detail = got[8].1;
    if cfg!(any(target_os = "linux", target_os = "android")) {
        assert!(fd_detail.contains("out.txt`"), "{fd_detail}");
    } else {
        assert!(fd_detail.contains("cannot be known"), "{fd_detail}");
    }
    // Both ends of a rename are judged.
    assert!(got[3].1.contains("moved.txt"), "{}", got[3].1);
    assert!(got[4].1.contains("moved.txt"), "{}", got[4].1);
}

#[test]
fn dot_dot_is_resolved_lexically() {
    let tmp = tempfile::tempdir().unwrap();
    let other = tempfile::tempdir().unwrap();
    std::fs::create_dir(tmp.path().join("sub")).unwrap();
    // `tmp/sub/..` is `tmp`: inside.
    assert_writes_only_under(tmp.path(), || {
        fs::write(tmp.path().join("sub/../x.txt"), "x").unwrap()
    });
    // `tmp/../<other>/y.txt` starts with `tmp` as written, but is outside.
    let name = other.path().file_name().unwrap();
    let escape = tmp.path().join("..").join(name).join("y.txt");
    let result = Expect::new()
        .writes_only_under(tmp.path())
        .check(|| fs::write(&escape, "y").unwrap());
    if ENABLED {
        let text = result.unwrap_err().to_string();
        let resolved = tmp.path().parent().unwrap().join(name).join("y.txt");
        assert_contains(
            &text,
            &[&format!("writes `{}`, outside", resolved.display())],
        );
    } else {
        result.unwrap();
    }
    assert!(other.path().join("y.txt").exists());
}

#[test]
fn relative_paths_are_resolved_against_the_current_directory() {
    if !ENABLED {
        return; // the write into the working directory would really happen
    }
    let tmp = tempfile::tempdir().unwrap();
    let name = format!("audit-std-testing-{}.txt", std::process::id());
    let result = Expect::new()
        .writes_only_under(tmp.path())
        .enforce()
        .check(|| fs::write(&name, "x"));
    let absolute = std::env::current_dir().unwrap().join(&name);
    assert!(!absolute.exists(), "refused before any effect");
    let violations = result.unwrap_err();
    assert!(violations.as_slice()[0].was_vetoed());
    assert_contains(
        &violations.to_string(),
        &[&format!("writes `{}`", absolute.display()), "(refused)"],
    );
}

#[cfg(unix)]
#[test]
fn symbolic_links_are_followed_and_the_canonical_directory_counts() {
    let tmp = tempfile::tempdir().unwrap();
    let other = tempfile::tempdir().unwrap();
    // A link inside `tmp` pointing outside: the write lands outside, so it
    // is outside, whatever its path says.
    std::os::unix::fs::symlink(other.path(), tmp.path().join("link")).unwrap();
    let result = Expect::new()
        .writes_only_under(tmp.path())
        .enforce()
        .check(|| fs::write(tmp.path().join("link/through.txt"), "x"));
    if ENABLED {
        let violations = result.unwrap_err();
        let reached = std::fs::canonicalize(other.path())
            .unwrap()
            .join("through.txt");
        assert_contains(
            &violations.to_string(),
            &[&format!("(which reaches `{}`)", reached.display())],
        );
        assert!(!other.path().join("through.txt").exists(), "refused");
    }

    // The directory given through a link: writes by either spelling pass.
    let alias = other.path().join("alias");
    std::os::unix::fs::symlink(tmp.path(), &alias).unwrap();
    assert_writes_only_under(&alias, || {
        fs::write(alias.join("a.txt"), "a").unwrap();
        let canonical = std::fs::canonicalize(tmp.path()).unwrap();
        fs::write(canonical.join("b.txt"), "b").unwrap();
    });
    assert!(tmp.path().join("a.txt").exists() && tmp.path().join("b.txt").exists());
}

#[test]
fn several_directories_and_no_writes() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    Expect::new()
        .writes_only_under(a.path())
        .writes_only_under(b.path())
        .run(|| {
            fs::write(a.path().join("1"), "1").unwrap();
            fs::write(b.path().join("2"), "2").unwrap();
        });

    // `no_writes`: reads pass, any write fails.
    let expect = Expect::new().no_writes();
    assert_eq!(
        expect
            .check(|| fs::read_to_string(a.path().join("1")).unwrap())
            .unwrap(),
        "1"
    );
    let result = expect.check(|| fs::remove_file(b.path().join("2")).unwrap());
    if ENABLED {
        assert_contains(
            &result.unwrap_err().to_string(),
            &["[write] fs.remove_file(", "(no writes are allowed)"],
        );
    } else {
        result.unwrap();
    }
}

#[test]
fn enforce_refuses_the_write_before_it_happens() {
    let tmp = tempfile::tempdir().unwrap();
    let other = tempfile::tempdir().unwrap();
    let target = other.path().join("never.txt");
    let outcome = Cell::new(None);
    let result = Expect::new()
        .writes_only_under(tmp.path())
        .enforce()
        .check(|| {
            outcome.set(Some(fs::write(&target, "x").map_err(|e| e.kind())));
            fs::write(tmp.path().join("fine.txt"), "y").unwrap();
        });
    assert!(
        tmp.path().join("fine.txt").exists(),
        "allowed writes go ahead"
    );
    if ENABLED {
        assert_eq!(outcome.get(), Some(Err(ErrorKind::PermissionDenied)));
        assert!(!target.exists());
        let violations = result.unwrap_err();
        assert_eq!(violations.len(), 1);
        assert!(violations.as_slice()[0].was_vetoed());
    } else {
        assert_eq!(outcome.get(), Some(Ok(())));
        assert!(target.exists());
        result.unwrap();
    }
}

// ----- spawn

#[test]
fn no_spawn_passes_without_children_and_fails_on_a_real_child() {
    let tmp = tempfile::tempdir().unwrap();
    assert_no_spawn(|| fs::write(tmp.path().join("a"), "a").unwrap());

    let ran = Cell::new(false);
    let message = panic_message(|| {
        let out = assert_no_spawn(|| Command::new("echo").arg("hello").output().unwrap());
        ran.set(out.stdout == b"hello\n");
    });
    if let Some(message) = message {
        assert_contains(
            &message,
            &[
                "[spawn] process.spawn(program=\"echo\", args=[\"hello\"]",
                "starts the program `echo`",
            ],
        );
    } else {
        assert!(
            ran.get(),
            "compiled out, the child ran and its output came back"
        );
    }
}

#[test]
fn enforced_no_spawn_starts_nothing() {
    if !ENABLED {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let marker = tmp.path().join("marker");
    let result = Expect::new().no_spawn().enforce().check(|| {
        Command::new("sh")
            .arg("-c")
            .arg(format!("touch '{}'", marker.display()))
            .status()
    });
    assert!(!marker.exists(), "the shell never ran");
    assert_eq!(result.unwrap_err().as_slice()[0].rule(), Rule::Spawn);
}

// ----- the builder and the report

#[test]
fn combined_expectations_report_each_rule() {
    let tmp = tempfile::tempdir().unwrap();
    let other = tempfile::tempdir().unwrap();
    let result = Expect::new()
        .no_network()
        .no_spawn()
        .writes_only_under(tmp.path())
        .check(|| {
            fs::write(tmp.path().join("ok"), "ok").unwrap();
            fs::write(other.path().join("bad"), "bad").unwrap();
            let _ = Command::new("true").status().unwrap();
            let _ = TcpListener::bind("127.0.0.1:0").unwrap();
            42
        });
    if !ENABLED {
        assert_eq!(result.unwrap(), 42);
        return;
    }
    let violations = result.unwrap_err();
    let rules: Vec<Rule> = violations.iter().map(|v| v.rule()).collect();
    assert_eq!(rules, [Rule::Write, Rule::Spawn, Rule::Network]);
    // `Violations` is an error: it travels through `?` and `Box<dyn Error>`.
    let boxed: Box<dyn std::error::Error> = Box::new(violations.clone());
    assert_eq!(boxed.to_string(), violations.to_string());
    let owned: Vec<_> = violations.into_iter().map(|v| v.rule()).collect();
    assert_eq!(owned.len(), 3);
}

#[test]
fn an_empty_expectation_passes_everything() {
    let r = Expect::default().check(loopback_round_trip);
    assert!(r.unwrap().is_ok());
}

#[test]
fn only_the_current_thread_is_observed() {
    // Documented limitation: work handed to another thread is not seen.
    let tmp = tempfile::tempdir().unwrap();
    let other = tempfile::tempdir().unwrap();
    let path: PathBuf = other.path().join("from-thread");
    assert_writes_only_under(tmp.path(), || {
        let p = path.clone();
        std::thread::spawn(move || fs::write(p, "x").unwrap())
            .join()
            .unwrap();
    });
    assert!(path.exists());
}

#[test]
fn the_helpers_nest_inside_a_capture() {
    let tmp = tempfile::tempdir().unwrap();
    let (_, events) = capture(|| {
        assert_writes_only_under(tmp.path(), || fs::write(tmp.path().join("n"), "n").unwrap())
    });
    assert_eq!(events.iter().any(|e| e.name() == "fs.open"), ENABLED);
}

#[test]
fn violations_is_a_std_error() {
    fn takes_error<E: std::error::Error + Send + Sync + 'static>(_: &E) {}
    let tmp = tempfile::tempdir().unwrap();
    let result: Result<(), Violations> = Expect::new()
        .no_writes()
        .check(|| fs::write(tmp.path().join("x"), "x").unwrap());
    if ENABLED {
        let v = result.unwrap_err();
        takes_error(&v);
        assert!(!v.is_empty() && v.len() == 1);
    } else {
        result.unwrap();
    }
}
