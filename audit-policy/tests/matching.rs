//! Rule matching through `audit_core::testing::capture_with`: names, order,
//! default, and each kind of condition.

mod common;

use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};

use audit_core::{audit, testing, Value};
use audit_policy::{Action, ConditionKind, Policy, Rule};
use common::{allowed, denied};

fn sock(s: &str) -> SocketAddr {
    s.parse().unwrap()
}

fn build(default: Action, rules: impl IntoIterator<Item = Rule>) -> Policy {
    Policy::builder(default).rules(rules).build().unwrap()
}

#[test]
fn event_patterns_are_globs() {
    let p = build(
        Action::Allow,
        [Rule::deny(["fs.*", "net.connect"]).reason("no")],
    );
    denied(&p, "no", || audit!("fs.open", path = Path::new("/tmp/a")));
    denied(&p, "no", || {
        audit!("fs.remove_file", path = Path::new("/tmp/a"))
    });
    denied(&p, "no", || {
        audit!("net.connect", addr = sock("127.0.0.1:1"))
    });
    allowed(&p, || audit!("net.bind", addr = sock("127.0.0.1:1")));
    allowed(&p, || audit!("fsx.open"));
    allowed(&p, || {
        audit!("process.spawn", program = Path::new("/bin/true"))
    });
}

#[test]
fn star_matches_everything_including_dots() {
    let p = build(Action::Allow, [Rule::deny(["*"])]);
    denied(&p, "policy rule #1 (events *)", || audit!("a.b.c"));
    let p = build(Action::Allow, [Rule::deny(["app.*.write"])]);
    denied(&p, "#1", || audit!("app.db.write"));
    allowed(&p, || audit!("app.db.read"));
}

#[test]
fn the_first_matching_rule_wins() {
    let p = build(
        Action::Deny,
        [
            Rule::deny(["fs.open"])
                .path_under(["/etc"])
                .reason("etc is private"),
            Rule::allow(["fs.*"]),
            Rule::deny(["fs.*"]).reason("never reached"),
        ],
    );
    denied(&p, "policy rule #1: etc is private", || {
        audit!("fs.open", path = Path::new("/etc/shadow"))
    });
    allowed(&p, || audit!("fs.open", path = Path::new("/tmp/x")));
    allowed(&p, || audit!("fs.remove_file", path = Path::new("/etc/x")));
}

#[test]
fn the_default_decides_unmatched_events() {
    let deny = build(Action::Deny, [Rule::allow(["app.ok"])]);
    denied(&deny, "policy default (no rule matched)", || {
        audit!("app.other")
    });
    allowed(&deny, || audit!("app.ok"));
    let allow = build(Action::Allow, []);
    allowed(&allow, || audit!("anything.at_all", n = 1u8));
}

#[test]
fn the_error_names_the_event_and_rule() {
    let p = build(
        Action::Allow,
        [
            Rule::allow(["fs.read_dir"]),
            Rule::deny(["net.connect", "net.send_to"])
                .address_not_in(["127.0.0.0/8", "::1/128"])
                .reason("only loopback"),
        ],
    );
    if let Some(result) = common::run(&p, || audit!("net.connect", addr = sock("192.0.2.7:80"))) {
        let err = result.unwrap_err();
        assert_eq!(err.event(), Some("net.connect"));
        assert_eq!(err.reason(), "policy rule #2: only loopback");
        assert_eq!(
            err.to_string(),
            "audit event `net.connect` denied: policy rule #2: only loopback"
        );
        let io: std::io::Error = err.into();
        assert_eq!(io.kind(), std::io::ErrorKind::PermissionDenied);
    }
}

#[test]
fn path_under_and_not_under() {
    let p = build(
        Action::Deny,
        [
            Rule::deny(["fs.*"])
                .path_under(["/srv/data/secret"])
                .reason("secret"),
            Rule::allow(["fs.*"]).path_under(["/srv/data", "/tmp"]),
        ],
    );
    allowed(&p, || {
        audit!("fs.open", path = Path::new("/srv/data/a.txt"), read = true)
    });
    allowed(&p, || audit!("fs.open", path = Path::new("/srv/data")));
    allowed(&p, || audit!("fs.create_dir", path = Path::new("/tmp/x/y")));
    denied(&p, "secret", || {
        audit!("fs.open", path = Path::new("/srv/data/secret/key"))
    });
    // Component-wise: `/srv/database` is not under `/srv/data`.
    denied(&p, "default", || {
        audit!("fs.open", path = Path::new("/srv/database/x"))
    });
    denied(&p, "default", || {
        audit!("fs.open", path = Path::new("/etc/passwd"))
    });
}

#[test]
fn dot_dot_cannot_escape_a_prefix() {
    let p = build(
        Action::Deny,
        [Rule::allow(["fs.*"]).path_under(["/srv/data"])],
    );
    denied(&p, "default", || {
        audit!("fs.open", path = Path::new("/srv/data/../../etc/passwd"))
    });
    denied(&p, "default", || {
        audit!("fs.open", path = Path::new("/srv/data/./../x"))
    });
    allowed(&p, || {
        audit!("fs.open", path = Path::new("/srv/data/sub/../file"))
    });
    allowed(&p, || {
        audit!("fs.open", path = Path::new("/srv/./data/file"))
    });
}

#[test]
fn relative_paths_are_judged_against_the_current_directory() {
    let cwd = std::env::current_dir().unwrap();
    let p = build(
        Action::Deny,
        [Rule::allow(["fs.*"]).path_under([cwd.to_str().unwrap()])],
    );
    allowed(&p, || audit!("fs.open", path = Path::new("Cargo.toml")));
    allowed(&p, || audit!("fs.open", path = Path::new("./tests/x")));
    denied(&p, "default", || {
        audit!("fs.open", path = Path::new("../../.."))
    });
}

#[test]
fn several_paths_are_judged_conservatively() {
    // A deny rule applies if any path is outside...
    let deny = build(
        Action::Allow,
        [Rule::deny(["fs.rename"])
            .path_not_under(["/work"])
            .reason("outside /work")],
    );
    denied(&deny, "outside /work", || {
        audit!(
            "fs.rename",
            from = Path::new("/work/a"),
            to = Path::new("/etc/a")
        )
    });
    denied(&deny, "outside /work", || {
        audit!(
            "fs.rename",
            from = Path::new("/etc/a"),
            to = Path::new("/work/a")
        )
    });
    allowed(&deny, || {
        audit!(
            "fs.rename",
            from = Path::new("/work/a"),
            to = Path::new("/work/b")
        )
    });

    // ...and an allow rule only if every path is inside.
    let allow = build(
        Action::Deny,
        [Rule::allow(["fs.rename"]).path_under(["/work"])],
    );
    denied(&allow, "default", || {
        audit!(
            "fs.rename",
            from = Path::new("/work/a"),
            to = Path::new("/etc/a")
        )
    });
    allowed(&allow, || {
        audit!(
            "fs.rename",
            from = Path::new("/work/a"),
            to = Path::new("/work/b")
        )
    });
}

#[test]
fn a_condition_can_target_one_argument() {
    let p = build(
        Action::Allow,
        [Rule::deny(["fs.rename"])
            .path_not_under(["/work"])
            .arg(ConditionKind::Path, "to")],
    );
    // Only `to` is looked at: moving *into* /work is fine.
    allowed(&p, || {
        audit!(
            "fs.rename",
            from = Path::new("/etc/a"),
            to = Path::new("/work/a")
        )
    });
    denied(&p, "#1", || {
        audit!(
            "fs.rename",
            from = Path::new("/work/a"),
            to = Path::new("/etc/a")
        )
    });
    // A named argument given as a string is read as a path.
    let p = build(
        Action::Allow,
        [Rule::deny(["app.save"])
            .path_under(["/etc"])
            .arg(ConditionKind::Path, "target")],
    );
    denied(&p, "#1", || audit!("app.save", target = "/etc/motd"));
    allowed(&p, || audit!("app.save", target = "/tmp/motd"));
    // An event without that argument does not match.
    allowed(&p, || audit!("app.save", other = "/etc/motd"));
}

#[test]
fn a_path_condition_does_not_match_events_without_paths() {
    let p = build(Action::Allow, [Rule::deny(["*"]).path_not_under(["/work"])]);
    allowed(&p, || audit!("net.connect", addr = sock("127.0.0.1:80")));
    // String arguments are not paths unless named with `arg`.
    allowed(&p, || audit!("app.note", text = "/etc/passwd"));
    let p = build(Action::Deny, [Rule::allow(["*"]).path_under(["/work"])]);
    denied(&p, "default", || {
        audit!("net.connect", addr = sock("127.0.0.1:80"))
    });
}

#[test]
fn paths_inside_lists_and_options_are_seen() {
    let p = build(Action::Allow, [Rule::deny(["app.*"]).path_under(["/etc"])]);
    let paths = [
        Value::Path(Path::new("/tmp/a")),
        Value::Path(Path::new("/etc/b")),
    ];
    denied(&p, "#1", || audit!("app.batch", paths = &paths[..]));
    let some: Option<PathBuf> = Some("/etc/c".into());
    denied(&p, "#1", || audit!("app.maybe", cwd = &some));
    let none: Option<PathBuf> = None;
    allowed(&p, || audit!("app.maybe", cwd = &none));
}

#[test]
fn address_ranges_and_keywords() {
    let p = build(
        Action::Allow,
        [Rule::deny(["net.connect", "net.send_to"])
            .address_not_in(["loopback"])
            .reason("only loopback")],
    );
    allowed(&p, || audit!("net.connect", addr = sock("127.0.0.1:80")));
    allowed(&p, || audit!("net.connect", addr = sock("127.8.9.10:80")));
    allowed(&p, || audit!("net.send_to", addr = sock("[::1]:53")));
    // An IPv4-mapped IPv6 address is the IPv4 address.
    allowed(&p, || {
        audit!("net.connect", addr = sock("[::ffff:127.0.0.1]:80"))
    });
    denied(&p, "only loopback", || {
        audit!("net.connect", addr = sock("[::ffff:192.0.2.1]:80"))
    });
    denied(&p, "only loopback", || {
        audit!("net.connect", addr = sock("192.0.2.1:80"))
    });
    denied(&p, "only loopback", || {
        audit!("net.send_to", addr = sock("[2001:db8::1]:53"))
    });

    let p = build(
        Action::Allow,
        [
            Rule::deny(["net.*"])
                .address_in(["10.0.0.0/8", "192.168.1.1"])
                .reason("internal"),
            Rule::deny(["net.*"])
                .address_in(["private"])
                .reason("private"),
            Rule::deny(["net.*"])
                .address_in(["link_local"])
                .reason("link-local"),
            Rule::deny(["net.bind"])
                .address_in(["unspecified"])
                .reason("all interfaces"),
        ],
    );
    denied(&p, "internal", || {
        audit!("net.connect", addr = sock("10.1.2.3:80"))
    });
    denied(&p, "internal", || {
        audit!("net.connect", addr = sock("192.168.1.1:80"))
    });
    denied(&p, "private", || {
        audit!("net.connect", addr = sock("192.168.1.2:80"))
    });
    denied(&p, "private", || {
        audit!("net.connect", addr = sock("[fd00::1]:80"))
    });
    denied(&p, "link-local", || {
        audit!("net.connect", addr = sock("169.254.0.9:80"))
    });
    denied(&p, "link-local", || {
        audit!("net.connect", addr = sock("[fe80::1]:80"))
    });
    denied(&p, "all interfaces", || {
        audit!("net.bind", addr = sock("0.0.0.0:8080"))
    });
    denied(&p, "all interfaces", || {
        audit!("net.bind", addr = sock("[::]:8080"))
    });
    allowed(&p, || audit!("net.bind", addr = sock("127.0.0.1:8080")));
    allowed(&p, || audit!("net.connect", addr = sock("198.51.100.1:80")));
    // Bare IP arguments count too.
    let ip: IpAddr = "10.9.9.9".parse().unwrap();
    denied(&p, "internal", || audit!("net.ping", ip));
}

#[test]
fn in_and_not_in_combine() {
    let p = build(
        Action::Deny,
        [Rule::allow(["net.connect"])
            .address_in(["10.0.0.0/8"])
            .address_not_in(["10.0.0.0/24"])],
    );
    allowed(&p, || audit!("net.connect", addr = sock("10.1.0.1:80")));
    denied(&p, "default", || {
        audit!("net.connect", addr = sock("10.0.0.1:80"))
    });
    denied(&p, "default", || {
        audit!("net.connect", addr = sock("11.0.0.1:80"))
    });
}

#[test]
fn port_ranges() {
    let p = build(
        Action::Allow,
        [
            Rule::deny(["net.bind"])
                .port_in(["0-1023"])
                .reason("privileged"),
            Rule::deny(["net.connect"])
                .port_not_in(["80", "443", "8000-8999"])
                .reason("web only"),
            Rule::deny(["net.resolve"])
                .port_in(["25"])
                .reason("no smtp"),
        ],
    );
    denied(&p, "privileged", || {
        audit!("net.bind", addr = sock("127.0.0.1:80"))
    });
    allowed(&p, || audit!("net.bind", addr = sock("127.0.0.1:1024")));
    allowed(&p, || audit!("net.connect", addr = sock("127.0.0.1:443")));
    allowed(&p, || audit!("net.connect", addr = sock("127.0.0.1:8999")));
    denied(&p, "web only", || {
        audit!("net.connect", addr = sock("127.0.0.1:9000"))
    });
    // `net.resolve` has no socket address, only an integer `port`.
    denied(&p, "no smtp", || {
        audit!("net.resolve", host = "mail.example", port = 25u16)
    });
    allowed(&p, || {
        audit!("net.resolve", host = "mail.example", port = 587u16)
    });
}

#[test]
fn programs_by_name_or_absolute_path() {
    let p = build(
        Action::Allow,
        [Rule::deny(["process.spawn"])
            .program_not_in(["git", "/usr/bin/ls"])
            .reason("not allowed")],
    );
    let no_args: [Value<'_>; 0] = [];
    let cwd: Option<&Path> = None;
    allowed(&p, || {
        audit!(
            "process.spawn",
            program = Path::new("git"),
            args = &no_args[..],
            cwd
        )
    });
    allowed(&p, || {
        audit!(
            "process.spawn",
            program = Path::new("/usr/local/bin/git"),
            args = &no_args[..],
            cwd
        )
    });
    allowed(&p, || {
        audit!(
            "process.spawn",
            program = Path::new("/usr/bin/ls"),
            args = &no_args[..],
            cwd
        )
    });
    allowed(&p, || {
        audit!(
            "process.spawn",
            program = Path::new("/usr/bin/../bin/ls"),
            args = &no_args[..],
            cwd
        )
    });
    // A bare `ls` is resolved through PATH at spawn time: it is not `/usr/bin/ls`.
    denied(&p, "not allowed", || {
        audit!(
            "process.spawn",
            program = Path::new("ls"),
            args = &no_args[..],
            cwd
        )
    });
    denied(&p, "not allowed", || {
        audit!(
            "process.spawn",
            program = Path::new("/bin/sh"),
            args = &no_args[..],
            cwd
        )
    });
    // The program's arguments are not the program.
    let args = [Value::OsStr("git".as_ref())];
    denied(&p, "not allowed", || {
        audit!(
            "process.spawn",
            program = Path::new("sh"),
            args = &args[..],
            cwd
        )
    });
}

#[test]
fn host_globs() {
    let p = build(
        Action::Allow,
        [Rule::deny(["net.resolve"])
            .host_not_in(["localhost", "*.internal.example"])
            .reason("external host")],
    );
    allowed(&p, || {
        audit!("net.resolve", host = "localhost", port = 80u16)
    });
    allowed(&p, || {
        audit!("net.resolve", host = "db.internal.example", port = 80u16)
    });
    allowed(&p, || {
        audit!("net.resolve", host = "DB.Internal.Example.", port = 80u16)
    });
    denied(&p, "external host", || {
        audit!("net.resolve", host = "example.com", port = 80u16)
    });
    denied(&p, "external host", || {
        audit!("net.resolve", host = "internal.example.evil", port = 80u16)
    });
}

#[test]
fn unreadable_values_favour_denial() {
    // `port` named explicitly but given a string that is not a port.
    let deny = build(
        Action::Allow,
        [Rule::deny(["app.*"])
            .port_in(["22"])
            .arg(ConditionKind::Port, "p")],
    );
    denied(&deny, "#1", || audit!("app.x", p = "not a port"));
    let allow = build(
        Action::Deny,
        [Rule::allow(["app.*"])
            .port_in(["22"])
            .arg(ConditionKind::Port, "p")],
    );
    denied(&allow, "default", || audit!("app.x", p = "not a port"));
    allowed(&allow, || audit!("app.x", p = 22u32));
    denied(&allow, "default", || audit!("app.x", p = 70_000u32));
}

#[test]
fn decide_reports_the_rule() {
    let p = build(
        Action::Deny,
        [Rule::deny(["a"]), Rule::allow(["b"]).reason("fine")],
    );
    let probe = p.clone();
    let (_, events) = testing::capture_with(
        move |event: &audit_core::Event<'_>| {
            let d = probe.decide(event);
            match event.name() {
                "a" => assert_eq!((d.action(), d.rule_index()), (Action::Deny, Some(0))),
                "b" => {
                    assert!(d.is_allowed());
                    assert_eq!(d.rule_index(), Some(1));
                    assert_eq!(d.rule().and_then(|r| r.reason_text()), Some("fine"));
                    assert_eq!(d.explain(), "policy rule #2: fine");
                }
                _ => {
                    assert_eq!((d.action(), d.rule_index()), (Action::Deny, None));
                    assert_eq!(d.explain(), "policy default (no rule matched)");
                }
            }
            Ok(())
        },
        || {
            let _ = audit!("a");
            let _ = audit!("b");
            let _ = audit!("c");
        },
    );
    assert_eq!(events.len(), if audit_core::ENABLED { 3 } else { 0 });
}

#[test]
fn interest_covers_only_what_deny_rules_name_when_the_default_is_allow() {
    let (_, events) = testing::capture(|| {
        let _ = audit!("net.connect", addr = sock("127.0.0.1:1"));
        let _ = audit!("fs.open", path = Path::new("/tmp/a"));
        let _ = audit!("process.spawn", program = Path::new("ls"));
    });
    if !audit_core::ENABLED {
        assert!(events.is_empty());
        return;
    }
    let sites: Vec<_> = events.iter().map(|e| e.callsite()).collect();

    let allow_default = build(
        Action::Allow,
        [
            Rule::allow(["fs.*"]),
            Rule::deny(["net.*"]).address_not_in(["loopback"]),
        ],
    );
    let interest = allow_default.interest();
    assert!(interest.covers(sites[0]), "net.connect may be denied");
    assert!(!interest.covers(sites[1]), "fs.open is always allowed");
    assert!(
        !interest.covers(sites[2]),
        "process.spawn is always allowed"
    );

    let deny_default = build(Action::Deny, [Rule::allow(["fs.*"])]);
    assert!(sites.iter().all(|s| deny_default.interest().covers(s)));
}
