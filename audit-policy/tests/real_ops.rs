//! Policies deciding real operations made through `audit_std`: real files in
//! temporary directories, real loopback sockets, real child processes. Each
//! policy runs as a scoped hook (`capture_with_hook`), so no global hook is
//! installed and the tests run in parallel.
//!
//! With auditing enabled, a refused operation fails with `PermissionDenied`
//! carrying the policy's reason, and has no effect. With the `off` feature
//! nothing is refused: the tests check that the operations then happen, and
//! never attempt one that would leave the machine (a non-loopback address is
//! only ever tried when the policy is there to refuse it).

use std::io::{self, ErrorKind, Read, Write};
use std::net::{Ipv4Addr, SocketAddr};
use std::path::Path;
use std::time::{Duration, Instant};

use audit_core::{audit_error, testing::capture_with_hook, ENABLED};
use audit_policy::{Action, ConditionKind, Policy, PolicyError, Rule};
use audit_std::fs;
use audit_std::net::{TcpListener, TcpStream, UdpSocket};
use audit_std::process::Command;

/// The flags of an `fs.open` that may modify the file.
const WRITE_FLAGS: [&str; 5] = ["write", "append", "truncate", "create", "create_new"];

/// Runs `f` with `policy` deciding every event raised on this thread.
fn under<R>(policy: &Policy, f: impl FnOnce() -> R) -> R {
    capture_with_hook(policy.clone(), f).0
}

/// The policy's reason if `result` is a veto, `None` if it is not one.
fn veto_reason<T>(result: &io::Result<T>) -> Option<String> {
    match result {
        Err(e) => audit_error(e).map(|a| a.reason().to_owned()),
        Ok(_) => None,
    }
}

/// Asserts that `result` was refused by the policy with `reason` when
/// auditing is enabled, and was not refused by any policy when it is off.
#[track_caller]
fn refused_iff_enabled<T: std::fmt::Debug>(result: &io::Result<T>, reason: &str) {
    if ENABLED {
        let err = result.as_ref().expect_err("the policy should refuse this");
        assert_eq!(err.kind(), ErrorKind::PermissionDenied);
        assert_eq!(veto_reason(result).as_deref(), Some(reason), "{err}");
    } else {
        assert!(
            veto_reason(result).is_none(),
            "compiled out, nothing is vetoed"
        );
    }
}

// ----- network: loopback only

fn loopback_only_toml() -> String {
    r#"
default = "allow"

[[rule]]
action = "deny"
events = ["net.connect", "net.send_to", "net.bind"]
address = { not_in = ["loopback"] }
reason = "only loopback"

[[rule]]
action = "deny"
events = ["net.resolve"]
host = { not_in = ["localhost"] }
reason = "no name lookups"
"#
    .to_owned()
}

fn loopback_only_built() -> Policy {
    Policy::builder(Action::Allow)
        .rule(
            Rule::deny(["net.connect", "net.send_to", "net.bind"])
                .address_not_in(["loopback"])
                .reason("only loopback"),
        )
        .rule(
            Rule::deny(["net.resolve"])
                .host_not_in(["localhost"])
                .reason("no name lookups"),
        )
        .build()
        .unwrap()
}

/// A loopback round trip through the policy: bind, connect, accept, echo.
fn loopback_round_trip() -> io::Result<Vec<u8>> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
    let mut client = TcpStream::connect(listener.local_addr()?)?;
    client.write_all(b"ping")?;
    let (mut server, peer) = listener.accept()?;
    assert!(peer.ip().is_loopback());
    let mut got = [0u8; 4];
    server.set_read_timeout(Some(Duration::from_secs(5)))?;
    server.read_exact(&mut got)?;
    Ok(got.to_vec())
}

#[test]
fn loopback_traffic_is_allowed() {
    for policy in [
        Policy::from_toml(&loopback_only_toml()).unwrap(),
        loopback_only_built(),
    ] {
        assert_eq!(under(&policy, loopback_round_trip).unwrap(), b"ping");
        // UDP, with an explicit loopback destination.
        let sent = under(&policy, || -> io::Result<usize> {
            let a = UdpSocket::bind("127.0.0.1:0")?;
            let b = UdpSocket::bind("127.0.0.1:0")?;
            a.send_to(b"x", b.local_addr()?)
        });
        assert_eq!(sent.unwrap(), 1);
        // `localhost` may be looked up, and connected to.
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
        let port = listener.local_addr().unwrap().port();
        let stream = under(&policy, || TcpStream::connect(("localhost", port)));
        assert!(stream.unwrap().peer_addr().unwrap().ip().is_loopback());
    }
}

#[test]
fn other_addresses_are_refused_before_any_connection() {
    if !ENABLED {
        return; // with nothing to refuse it, the connection would really be attempted
    }
    let policy = loopback_only_built();
    let remote: SocketAddr = "192.0.2.1:9".parse().unwrap();
    let started = Instant::now();
    let result = under(&policy, || {
        TcpStream::connect_timeout(&remote, Duration::from_secs(10))
    });
    // A veto, not a timeout or a network error: the hook answered first.
    refused_iff_enabled(&result, "policy rule #1: only loopback");
    assert!(started.elapsed() < Duration::from_secs(5));

    let udp = under(&policy, || UdpSocket::bind("0.0.0.0:0"));
    refused_iff_enabled(&udp, "policy rule #1: only loopback");

    let lookup = under(&policy, || TcpStream::connect("audit-hooks.invalid:80"));
    refused_iff_enabled(&lookup, "policy rule #2: no name lookups");
}

// ----- filesystem: writes only under one directory

fn writes_only_under(dir: &Path) -> Policy {
    let dir = dir.to_str().unwrap().to_owned();
    Policy::builder(Action::Allow)
        .rule(
            Rule::deny(["fs.open"])
                .flags_any(WRITE_FLAGS)
                .path_not_under([dir.clone()])
                .reason("writes only under the work directory"),
        )
        .rule(
            // Only the destination of a copy is written.
            Rule::deny(["fs.copy"])
                .path_not_under([dir.clone()])
                .arg(ConditionKind::Path, "to")
                .reason("writes only under the work directory"),
        )
        .rule(
            Rule::deny([
                "fs.create_dir",
                "fs.remove_*",
                "fs.rename",
                "fs.hard_link",
                "fs.symlink",
                "fs.set_permissions",
            ])
            .path_not_under([dir])
            .reason("writes only under the work directory"),
        )
        .build()
        .unwrap()
}

const OUTSIDE: &str = "policy rule #1: writes only under the work directory";

#[test]
fn writes_inside_succeed_and_reads_anywhere_are_allowed() {
    let work = tempfile::tempdir().unwrap();
    let other = tempfile::tempdir().unwrap();
    std::fs::write(other.path().join("input.txt"), "input").unwrap();
    let policy = writes_only_under(work.path());
    let w = work.path();
    let result = under(&policy, || -> io::Result<String> {
        fs::create_dir_all(w.join("out"))?;
        fs::write(w.join("out/a.txt"), "a")?;
        fs::OpenOptions::new()
            .append(true)
            .open(w.join("out/a.txt"))?
            .write_all(b"b")?;
        fs::rename(w.join("out/a.txt"), w.join("out/b.txt"))?;
        // Reading outside, listing outside, and copying from outside in.
        let input = fs::read_to_string(other.path().join("input.txt"))?;
        assert_eq!(fs::read_dir(other.path())?.count(), 1);
        fs::copy(other.path().join("input.txt"), w.join("copy.txt"))?;
        Ok(input + &fs::read_to_string(w.join("out/b.txt"))?)
    });
    assert_eq!(result.unwrap(), "inputab");
    assert_eq!(
        std::fs::read_to_string(w.join("copy.txt")).unwrap(),
        "input"
    );
}

#[test]
fn writes_outside_are_refused_and_leave_nothing() {
    let work = tempfile::tempdir().unwrap();
    let other = tempfile::tempdir().unwrap();
    let policy = writes_only_under(work.path());
    let o = other.path();
    std::fs::write(work.path().join("mine.txt"), "mine").unwrap();
    std::fs::write(o.join("theirs.txt"), "theirs").unwrap();

    let created = under(&policy, || fs::write(o.join("new.txt"), "x"));
    refused_iff_enabled(&created, OUTSIDE);
    assert_eq!(o.join("new.txt").exists(), !ENABLED);

    // Opening an existing file for writing, even without creating or truncating.
    let opened = under(&policy, || {
        fs::OpenOptions::new()
            .write(true)
            .open(o.join("theirs.txt"))
    });
    refused_iff_enabled(&opened, OUTSIDE);

    let truncated = under(&policy, || fs::File::create(o.join("theirs.txt")));
    refused_iff_enabled(&truncated, OUTSIDE);
    if ENABLED {
        assert_eq!(
            std::fs::read_to_string(o.join("theirs.txt")).unwrap(),
            "theirs"
        );
    }

    let dir = under(&policy, || fs::create_dir(o.join("d")));
    refused_iff_enabled(&dir, "policy rule #3: writes only under the work directory");
    assert_eq!(o.join("d").exists(), !ENABLED);

    // A rename is judged on both paths: moving a file out is a write outside.
    let moved = under(&policy, || {
        fs::rename(work.path().join("mine.txt"), o.join("mine.txt"))
    });
    refused_iff_enabled(
        &moved,
        "policy rule #3: writes only under the work directory",
    );
    assert_eq!(work.path().join("mine.txt").exists(), ENABLED);

    // A copy out is refused on its destination.
    let copied = under(&policy, || {
        fs::copy(o.join("theirs.txt"), o.join("copy.txt"))
    });
    refused_iff_enabled(
        &copied,
        "policy rule #2: writes only under the work directory",
    );
    assert_eq!(o.join("copy.txt").exists(), !ENABLED);

    // `..` does not escape: the path is resolved lexically first.
    let escape = work
        .path()
        .join("..")
        .join(o.file_name().unwrap())
        .join("escape.txt");
    let escaped = under(&policy, || fs::write(&escape, "x"));
    refused_iff_enabled(&escaped, OUTSIDE);
    assert_eq!(o.join("escape.txt").exists(), !ENABLED);

    // Reading the file that could not be written is still fine.
    let read = under(&policy, || fs::read_to_string(o.join("theirs.txt")));
    assert!(read.is_ok());
}

// ----- processes: an allow-list

fn spawn_allow_list_toml() -> &'static str {
    r#"
default = "allow"

[[rule]]
action = "deny"
events = ["process.spawn", "process.exec"]
program = { not_in = ["echo"] }
reason = "program not on the allow-list"
"#
}

#[test]
fn only_listed_programs_run() {
    let tmp = tempfile::tempdir().unwrap();
    let marker = tmp.path().join("marker");
    for policy in [
        Policy::from_toml(spawn_allow_list_toml()).unwrap(),
        Policy::builder(Action::Allow)
            .rule(
                Rule::deny(["process.spawn", "process.exec"])
                    .program_not_in(["echo"])
                    .reason("program not on the allow-list"),
            )
            .build()
            .unwrap(),
    ] {
        let out = under(&policy, || Command::new("echo").arg("allowed").output());
        assert_eq!(out.unwrap().stdout, b"allowed\n");

        // A bare name matches the program's file name, wherever it lives.
        if Path::new("/bin/echo").exists() {
            let out = under(&policy, || Command::new("/bin/echo").arg("abs").output());
            assert_eq!(out.unwrap().stdout, b"abs\n");
        }

        let shell = under(&policy, || {
            Command::new("sh")
                .arg("-c")
                .arg(format!("touch '{}'", marker.display()))
                .status()
        });
        refused_iff_enabled(&shell, "policy rule #1: program not on the allow-list");
        assert_eq!(
            marker.exists(),
            !ENABLED,
            "the shell ran only if nothing refused it"
        );
        let _ = std::fs::remove_file(&marker);
    }
}

// ----- ordering and the default

#[test]
fn the_first_matching_rule_wins_on_real_files() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    std::fs::create_dir(d.join("public")).unwrap();
    std::fs::write(d.join("public/p.txt"), "p").unwrap();
    std::fs::write(d.join("secret.txt"), "s").unwrap();
    let dir = d.to_str().unwrap().to_owned();
    let public = d.join("public").to_str().unwrap().to_owned();

    let narrow_first = Policy::builder(Action::Allow)
        .rule(Rule::allow(["fs.open"]).path_under([public.clone()]))
        .rule(
            Rule::deny(["fs.*"])
                .path_under([dir.clone()])
                .reason("private"),
        )
        .build()
        .unwrap();
    let read = under(&narrow_first, || fs::read_to_string(d.join("public/p.txt")));
    assert_eq!(read.unwrap(), "p");
    let secret = under(&narrow_first, || fs::read_to_string(d.join("secret.txt")));
    refused_iff_enabled(&secret, "policy rule #2: private");

    // The same rules the other way round: the broad deny now comes first.
    let broad_first = Policy::builder(Action::Allow)
        .rule(Rule::deny(["fs.*"]).path_under([dir]).reason("private"))
        .rule(Rule::allow(["fs.open"]).path_under([public]))
        .build()
        .unwrap();
    let read = under(&broad_first, || fs::read_to_string(d.join("public/p.txt")));
    refused_iff_enabled(&read, "policy rule #1: private");
}

#[test]
fn the_default_decides_what_no_rule_matches() {
    let tmp = tempfile::tempdir().unwrap();
    let other = tempfile::tempdir().unwrap();
    std::fs::write(other.path().join("x"), "x").unwrap();
    let dir = tmp.path().to_str().unwrap().to_owned();

    let deny_by_default = Policy::builder(Action::Deny)
        .rule(Rule::allow(["fs.*"]).path_under([dir.clone()]))
        .build()
        .unwrap();
    let inside = under(&deny_by_default, || fs::write(tmp.path().join("in"), "in"));
    inside.unwrap();
    let outside = under(&deny_by_default, || fs::read(other.path().join("x")));
    refused_iff_enabled(&outside, "policy default (no rule matched)");
    // Events of other kinds fall to the default too.
    let spawned = under(&deny_by_default, || Command::new("true").status());
    refused_iff_enabled(&spawned, "policy default (no rule matched)");

    let allow_by_default = Policy::builder(Action::Allow)
        .rule(Rule::deny(["fs.*"]).path_under([dir]))
        .build()
        .unwrap();
    let read = under(&allow_by_default, || fs::read(other.path().join("x")));
    assert_eq!(read.unwrap(), b"x");
    let status = under(&allow_by_default, || Command::new("true").status());
    assert!(status.unwrap().success());
}

// ----- ports

#[test]
fn port_ranges_decide_loopback_connections() {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
    let addr = listener.local_addr().unwrap();
    let port = addr.port();

    // No privileged ports: the listener's (ephemeral) port is fine, port 1 is not.
    let unprivileged = Policy::from_toml(
        r#"
default = "allow"
[[rule]]
action = "deny"
events = ["net.connect"]
port = { in = ["0-1023"] }
reason = "no privileged ports"
"#,
    )
    .unwrap();
    assert!(port > 1024, "an ephemeral port");
    assert!(under(&unprivileged, || TcpStream::connect(addr)).is_ok());
    let low: SocketAddr = (Ipv4Addr::LOCALHOST, 1).into();
    let result = under(&unprivileged, || TcpStream::connect(low));
    if ENABLED {
        refused_iff_enabled(&result, "policy rule #1: no privileged ports");
    } else {
        // Compiled out the attempt is real: nothing listens on port 1.
        assert!(veto_reason(&result).is_none());
    }

    // Ranges are inclusive at both ends.
    for (range, refused) in [
        (format!("{port}-{port}"), true),
        (format!("{}-{}", port - 1, port), true),
        (format!("{port}-65535"), true),
        (format!("{}-{}", port + 1, 65535), false),
        (format!("1024-{}", port - 1), false),
    ] {
        let policy = Policy::builder(Action::Allow)
            .rule(
                Rule::deny(["net.connect"])
                    .port_in([range.as_str()])
                    .reason("range"),
            )
            .build()
            .unwrap();
        let result = under(&policy, || TcpStream::connect(addr));
        if refused {
            refused_iff_enabled(&result, "policy rule #1: range");
        } else {
            assert!(result.is_ok(), "{range}: {result:?}");
        }
    }
}

// ----- the same policy in TOML and in code

#[test]
fn toml_and_builder_policies_decide_alike() {
    let work = tempfile::tempdir().unwrap();
    let other = tempfile::tempdir().unwrap();
    let w = work.path().to_str().unwrap();
    let toml = format!(
        r#"
default = "allow"

[[rule]]
action = "deny"
events = ["net.connect", "net.send_to", "net.bind"]
address = {{ not_in = ["loopback"] }}
reason = "only loopback"

[[rule]]
action = "deny"
events = ["fs.open"]
flags = {{ any = ["write", "append", "truncate", "create", "create_new"] }}
path = {{ not_under = ["{w}"] }}
reason = "writes only under the work directory"

[[rule]]
action = "deny"
events = ["fs.create_dir", "fs.remove_*", "fs.rename"]
path = {{ not_under = ["{w}"] }}
reason = "writes only under the work directory"

[[rule]]
action = "deny"
events = ["process.spawn"]
program = {{ not_in = ["echo"] }}
reason = "program not on the allow-list"
"#
    );
    let from_toml = Policy::from_toml(&toml).unwrap();
    let built = Policy::builder(Action::Allow)
        .rule(
            Rule::deny(["net.connect", "net.send_to", "net.bind"])
                .address_not_in(["loopback"])
                .reason("only loopback"),
        )
        .rule(
            Rule::deny(["fs.open"])
                .flags_any(WRITE_FLAGS)
                .path_not_under([w])
                .reason("writes only under the work directory"),
        )
        .rule(
            Rule::deny(["fs.create_dir", "fs.remove_*", "fs.rename"])
                .path_not_under([w])
                .reason("writes only under the work directory"),
        )
        .rule(
            Rule::deny(["process.spawn"])
                .program_not_in(["echo"])
                .reason("program not on the allow-list"),
        )
        .build()
        .unwrap();

    // The same real operations under each policy; each outcome is `Ok` or
    // the veto's reason (or another error's kind).
    let run = |policy: &Policy, round: &str| -> Vec<Result<(), String>> {
        let o = other.path();
        let ops: Vec<Box<dyn Fn() -> io::Result<()> + '_>> = vec![
            Box::new(|| loopback_round_trip().map(drop)),
            Box::new(|| fs::write(work.path().join(format!("in-{round}")), "x")),
            Box::new(|| fs::write(o.join(format!("out-{round}")), "x")),
            Box::new(|| fs::read(work.path().join(format!("in-{round}"))).map(drop)),
            Box::new(|| fs::create_dir(o.join(format!("dir-{round}")))),
            Box::new(|| fs::remove_file(work.path().join(format!("in-{round}")))),
            Box::new(|| Command::new("echo").output().map(drop)),
            Box::new(|| Command::new("true").status().map(drop)),
        ];
        ops.iter()
            .map(|op| {
                under(policy, op).map_err(|e| match audit_error(&e) {
                    Some(a) => a.reason().to_owned(),
                    None => format!("{:?}", e.kind()),
                })
            })
            .collect()
    };
    let a = run(&from_toml, "toml");
    let b = run(&built, "built");
    assert_eq!(a, b);
    let refused: Vec<usize> = (0..a.len()).filter(|&i| a[i].is_err()).collect();
    if ENABLED {
        assert_eq!(refused, [2, 4, 7], "{a:?}");
        assert_eq!(
            a[2],
            Err("policy rule #2: writes only under the work directory".into())
        );
        assert_eq!(
            a[7],
            Err("policy rule #4: program not on the allow-list".into())
        );
    } else {
        assert!(refused.is_empty(), "{a:?}");
    }
}

// ----- the `flags` condition

#[test]
fn flags_tell_reads_from_writes() {
    let tmp = tempfile::tempdir().unwrap();
    let f = tmp.path().join("f.txt");
    std::fs::write(&f, "content").unwrap();
    let read_only = Policy::builder(Action::Allow)
        .rule(
            Rule::deny(["fs.open"])
                .flags_any(WRITE_FLAGS)
                .reason("read-only"),
        )
        .build()
        .unwrap();
    assert_eq!(
        under(&read_only, || fs::read_to_string(&f)).unwrap(),
        "content"
    );
    let append = under(&read_only, || fs::OpenOptions::new().append(true).open(&f));
    refused_iff_enabled(&append, "policy rule #1: read-only");
    let create_new = under(&read_only, || fs::File::create_new(tmp.path().join("n")));
    refused_iff_enabled(&create_new, "policy rule #1: read-only");

    // `none`: an allow rule for opens that neither write nor create.
    let only_reads = Policy::builder(Action::Deny)
        .rule(Rule::allow(["fs.open"]).flags_none(["write", "create", "truncate"]))
        .build()
        .unwrap();
    assert!(under(&only_reads, || fs::read(&f)).is_ok());
    let write = under(&only_reads, || fs::write(&f, "changed"));
    refused_iff_enabled(&write, "policy default (no rule matched)");
    assert_eq!(
        std::fs::read_to_string(&f).unwrap(),
        if ENABLED { "content" } else { "changed" }
    );
}

#[test]
fn flags_from_toml_and_their_errors() {
    let p = Policy::from_toml(
        r#"
default = "allow"
[[rule]]
action = "deny"
events = ["fs.open"]
[rule.flags]
any = ["write"]
none = ["read"]
"#,
    )
    .unwrap();
    assert_eq!(p.rules().len(), 1);

    let err = |text: &str| -> PolicyError { Policy::from_toml(text).unwrap_err() };
    let e = err(r#"default = "allow"
[[rule]]
action = "deny"
events = ["fs.open"]
flags = { any = [""] }
"#);
    assert_eq!(e.line(), Some(5));
    assert!(
        e.to_string().contains("empty argument name in `flags`"),
        "{e}"
    );

    let e = err(r#"default = "allow"
[[rule]]
action = "deny"
events = ["fs.open"]
flags = { all = ["write"] }
"#);
    assert_eq!(e.line(), Some(5));
    assert!(e.to_string().contains("unknown field `all`"), "{e}");

    let e = err(r#"default = "allow"
[[rule]]
action = "deny"
events = ["fs.open"]
flags = {}
"#);
    assert!(
        e.to_string()
            .contains("`flags` condition needs `any` or `none`"),
        "{e}"
    );

    let e = Policy::builder(Action::Allow)
        .rule(Rule::deny(["fs.open"]).flags_any(["has space"]))
        .build()
        .unwrap_err();
    assert_eq!(e.rule(), Some(1));
    assert!(
        e.to_string().contains("invalid argument name `has space`"),
        "{e}"
    );
}
