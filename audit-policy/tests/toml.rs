//! Loading policies from TOML: good files behave, bad files name the line.

mod common;

use std::net::SocketAddr;
use std::path::Path;

use audit_core::audit;
use audit_policy::{Action, Policy};
use common::{allowed, denied};

const GOOD: &str = r#"
# A complete policy.
default = "allow"

[[rule]]
action = "deny"
events = ["net.connect", "net.send_to"]
address = { not_in = ["127.0.0.0/8", "::1/128"] }
reason = "only loopback"

[[rule]]
action = "deny"
events = ["net.bind"]
reason = "no privileged ports"

[rule.port]
in = [22, "0-1023"]

[[rule]]
action = "allow"
events = ["fs.*", "app.write"]
path = { under = ["/work"] }

[[rule]]
action = "deny"
events = ["app.write", "fs.remove_file", "fs.rename", "fs.create_dir"]
reason = "writes only under /work"

[[rule]]
action = "deny"
events = ["process.spawn"]
program = { not_in = ["git", "/usr/bin/ls"] }

[[rule]]
action = "deny"
events = ["net.resolve"]
host = { not_in = ["localhost"], arg = "host" }
"#;

fn sock(s: &str) -> SocketAddr {
    s.parse().unwrap()
}

#[test]
fn a_complete_policy_loads_and_behaves() {
    let p = Policy::from_toml(GOOD).unwrap();
    assert_eq!(p.default_action(), Action::Allow);
    assert_eq!(p.rules().len(), 6);
    let first = p.rules().next().unwrap();
    assert_eq!(first.action(), Action::Deny);
    assert_eq!(first.events(), ["net.connect", "net.send_to"]);
    assert_eq!(first.reason_text(), Some("only loopback"));

    denied(&p, "policy rule #1: only loopback", || {
        audit!("net.connect", addr = sock("192.0.2.1:443"))
    });
    allowed(&p, || audit!("net.connect", addr = sock("127.0.0.1:443")));
    allowed(&p, || audit!("net.send_to", addr = sock("[::1]:53")));
    denied(&p, "policy rule #2: no privileged ports", || {
        audit!("net.bind", addr = sock("127.0.0.1:22"))
    });
    allowed(&p, || audit!("net.bind", addr = sock("127.0.0.1:8080")));
    allowed(&p, || {
        audit!("app.write", path = Path::new("/work/out.txt"))
    });
    denied(&p, "policy rule #4: writes only under /work", || {
        audit!("app.write", path = Path::new("/home/me/.bashrc"))
    });
    allowed(&p, || {
        audit!("fs.open", path = Path::new("/etc/hosts"), read = true)
    });
    denied(&p, "policy rule #5 (events process.spawn)", || {
        audit!("process.spawn", program = Path::new("curl"))
    });
    allowed(&p, || audit!("process.spawn", program = Path::new("git")));
    denied(&p, "#6", || {
        audit!("net.resolve", host = "example.com", port = 80u16)
    });
    allowed(&p, || {
        audit!("net.resolve", host = "localhost", port = 80u16)
    });
}

#[test]
fn an_empty_rule_list_is_the_default_alone() {
    let p = Policy::from_toml("default = \"deny\"\n").unwrap();
    assert_eq!(p.rules().len(), 0);
    denied(&p, "policy default", || audit!("anything"));
}

/// Parses `text`, expecting an error at `line` whose message contains `needle`.
#[track_caller]
fn bad(text: &str, line: usize, needle: &str) {
    let err = Policy::from_toml(text).expect_err("the policy should be rejected");
    let shown = err.to_string();
    assert_eq!(err.line(), Some(line), "wrong line in: {shown}");
    assert!(err.column().is_some(), "no column in: {shown}");
    assert!(
        shown.contains(&format!("at line {line}, column")),
        "{shown}"
    );
    assert!(
        shown.contains(needle),
        "{shown:?} does not mention {needle:?}"
    );
}

const HEAD: &str = "default = \"allow\"\n\n[[rule]]\naction = \"deny\"\n";

#[test]
fn bad_toml_syntax() {
    bad("default = allow\n", 1, "");
    bad(&format!("{HEAD}events = [\"a\"\n"), 5, "");
    bad(
        &format!("{HEAD}events = [\"a\"]\nevents = [\"b\"]\n"),
        6,
        "duplicate key",
    );
}

#[test]
fn unknown_and_missing_keys() {
    bad(
        "default = \"allow\"\nstrict = true\n",
        2,
        "unknown field `strict`",
    );
    bad(
        &format!("{HEAD}events = [\"a\"]\nadress = {{ in = [\"loopback\"] }}\n"),
        6,
        "unknown field `adress`",
    );
    bad(
        &format!("{HEAD}events = [\"a\"]\npath = {{ inside = [\"/x\"] }}\n"),
        6,
        "unknown field `inside`",
    );
    bad(
        &format!("{HEAD}events = [\"a\"]\naddress = {{ under = [\"/x\"] }}\n"),
        6,
        "unknown field `under`",
    );
    bad(
        "[[rule]]\naction = \"deny\"\nevents = [\"a\"]\n",
        1,
        "missing field `default`",
    );
    bad(
        "default = \"allow\"\n[[rule]]\nevents = [\"a\"]\n",
        2,
        "missing field `action`",
    );
    bad(
        "default = \"allow\"\n[[rule]]\naction = \"deny\"\n",
        2,
        "missing field `events`",
    );
}

#[test]
fn unknown_actions() {
    bad(
        "default = \"permit\"\n",
        1,
        "unknown variant `permit`, expected `allow` or `deny`",
    );
    bad(
        "default = \"allow\"\n[[rule]]\naction = \"Deny\"\nevents = [\"a\"]\n",
        3,
        "unknown variant `Deny`",
    );
}

#[test]
fn bad_patterns_and_ranges() {
    bad(
        &format!("{HEAD}events = [\"net.[\"]\n"),
        5,
        "invalid event pattern `net.[`",
    );
    bad(
        &format!("{HEAD}events = [\"\"]\n"),
        5,
        "empty event pattern",
    );
    bad(
        &format!("{HEAD}events = []\n"),
        3,
        "at least one event pattern",
    );
    bad(
        &format!("{HEAD}events = [\"a\"]\naddress = {{ in = [\"10.0.0/8\"] }}\n"),
        6,
        "invalid CIDR range `10.0.0/8`",
    );
    bad(
        &format!("{HEAD}events = [\"a\"]\naddress = {{ in = [\"10.0.0.0/33\"] }}\n"),
        6,
        "invalid CIDR range",
    );
    bad(
        &format!("{HEAD}events = [\"a\"]\naddress = {{ in = [\"localhost\"] }}\n"),
        6,
        "invalid address `localhost`",
    );
    bad(
        &format!("{HEAD}events = [\"a\"]\nport = {{ in = [\"9-1\"] }}\n"),
        6,
        "9 is greater than 1",
    );
    bad(
        &format!("{HEAD}events = [\"a\"]\nport = {{ in = [70000] }}\n"),
        6,
        "invalid port range `70000`",
    );
    bad(
        &format!("{HEAD}events = [\"a\"]\nport = {{ in = [-1] }}\n"),
        6,
        "invalid port range `-1`",
    );
    bad(
        &format!("{HEAD}events = [\"a\"]\npath = {{ under = [\"relative/dir\"] }}\n"),
        6,
        "must be absolute",
    );
    bad(
        &format!("{HEAD}events = [\"a\"]\nprogram = {{ in = [\"bin/tool\"] }}\n"),
        6,
        "bare name",
    );
    bad(
        &format!("{HEAD}events = [\"a\"]\nhost = {{ in = [\"*.[a\"] }}\n"),
        6,
        "invalid host pattern",
    );
}

#[test]
fn conditions_need_a_list() {
    bad(
        &format!("{HEAD}events = [\"a\"]\nport = {{ arg = \"p\" }}\n"),
        3,
        "needs `in` or `not_in`",
    );
    bad(
        &format!("{HEAD}events = [\"a\"]\npath = {{ arg = \"p\" }}\n"),
        3,
        "needs `under` or `not_under`",
    );
}

#[test]
fn errors_in_later_rules_point_at_them() {
    let text = format!("{GOOD}\n[[rule]]\naction = \"deny\"\nevents = [\"x\"]\naddress = {{ not_in = [\"nope\"] }}\n");
    let line = text.lines().count();
    bad(&text, line, "invalid address `nope`");
}

#[test]
fn wrong_types() {
    bad(&format!("{HEAD}events = \"net.*\"\n"), 5, "");
    bad(&format!("{HEAD}events = [\"a\"]\nreason = 3\n"), 6, "");
}

#[test]
fn truncated_files_never_panic() {
    // Every prefix of a valid file: each parses or fails, none panics.
    for end in (0..=GOOD.len()).filter(|&i| GOOD.is_char_boundary(i)) {
        if let Err(err) = Policy::from_toml(&GOOD[..end]) {
            assert!(!err.message().is_empty());
        }
    }
}

#[test]
fn files_are_named_in_errors() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.toml");
    std::fs::write(&good, GOOD).unwrap();
    assert_eq!(Policy::from_file(&good).unwrap().rules().len(), 6);

    let broken = dir.path().join("broken.toml");
    std::fs::write(
        &broken,
        "default = \"allow\"\n\n[[rule]]\naction = \"maybe\"\nevents = [\"a\"]\n",
    )
    .unwrap();
    let err = Policy::from_file(&broken).unwrap_err();
    assert_eq!(err.file(), Some(broken.as_path()));
    assert_eq!(err.line(), Some(4));
    assert_eq!(
        err.to_string(),
        format!(
            "invalid policy `{}` at line 4, column 10: unknown variant `maybe`, expected `allow` or `deny`",
            broken.display()
        )
    );

    let missing = dir.path().join("missing.toml");
    let err = Policy::from_file(&missing).unwrap_err();
    assert_eq!(err.file(), Some(missing.as_path()));
    assert_eq!(err.line(), None);
    assert!(
        err.to_string().contains("cannot read the policy file"),
        "{err}"
    );
    let source = std::error::Error::source(&err).expect("the I/O error is the source");
    assert!(source.downcast_ref::<std::io::Error>().is_some());
}

#[test]
fn builder_errors_name_the_rule() {
    use audit_policy::Rule;
    let err = Policy::builder(Action::Allow)
        .rule(Rule::allow(["fs.*"]))
        .rule(Rule::deny(["net.*"]).port_in(["http"]))
        .build()
        .unwrap_err();
    assert_eq!(err.rule(), Some(2));
    assert_eq!(err.line(), None);
    assert!(
        err.to_string()
            .starts_with("invalid policy in rule #2: invalid port range `http`"),
        "{err}"
    );
    let err = Policy::builder(Action::Allow)
        .rule(Rule::deny(Vec::<String>::new()))
        .build()
        .unwrap_err();
    assert_eq!(err.rule(), Some(1));
}

#[test]
fn patterns_that_match_no_event_are_errors_with_a_suggestion() {
    if !audit_core::ENABLED {
        return; // the program's own events are unknown then: not checked
    }
    bad(
        "default = \"allow\"\n[[rule]]\naction = \"deny\"\nevents = [\"fs.copy\", \"fs.opne\"]\n",
        4,
        "event pattern `fs.opne` matches no event this program can raise: did you mean `fs.open`?",
    );
    bad(
        "default = \"allow\"\n[[rule]]\naction = \"deny\"\nevents = [\"netz.*\"]\n",
        4,
        "event pattern `netz.*` matches no event this program can raise",
    );
    bad(
        "default = \"allow\"\n[[rule]]\naction = \"deny\"\nevents = [\"@wirte\"]\n",
        4,
        "unknown event class `@wirte`: did you mean `@write`?",
    );
    // The column is the pattern's.
    let err = Policy::from_toml(
        "default = \"allow\"\n[[rule]]\naction = \"deny\"\nevents = [\"fs.copy\", \"fs.opne\"]\n",
    )
    .unwrap_err();
    assert_eq!((err.line(), err.column()), (Some(4), Some(22)), "{err}");
    // Shared policies may opt out, in TOML and in code.
    let shared = "default = \"allow\"\nunknown_events = \"allow\"\n[[rule]]\naction = \"deny\"\nevents = [\"billing.refund\"]\n";
    assert_eq!(Policy::from_toml(shared).unwrap().rules().len(), 1);
    let err = Policy::builder(Action::Allow)
        .rule(audit_policy::Rule::deny(["billing.refund"]))
        .build()
        .unwrap_err();
    assert_eq!(err.rule(), Some(1));
    Policy::builder(Action::Allow)
        .rule(audit_policy::Rule::deny(["billing.refund"]))
        .allow_unknown_events()
        .build()
        .unwrap();
    // The program's own audit points are known.
    fn refund() -> Result<(), audit_core::AuditError> {
        audit_core::audit!("billing.refund_issued")
    }
    let _ = refund;
    Policy::from_toml(
        "default = \"allow\"\n[[rule]]\naction = \"deny\"\nevents = [\"billing.*\"]\n",
    )
    .unwrap();
}

#[test]
fn check_lists_each_rule_with_the_events_it_applies_to() {
    let policy = Policy::from_toml(
        "default = \"deny\"\n[[rule]]\naction = \"allow\"\nevents = [\"@write\", \"net.bind\"]\npath = { under = ['/srv/work'] }\nreason = \"work dir\"\n",
    )
    .unwrap();
    let report = policy.check();
    assert!(
        report.starts_with("1 rule; default deny (events no rule matches)\n"),
        "{report}"
    );
    assert!(
        report.contains("#1 allow @write, net.bind where path under [/srv/work] (\"work dir\")\n"),
        "{report}"
    );
    assert!(
        report.contains("applies to: fs.chown, fs.copy,"),
        "{report}"
    );
    assert!(report.contains("net.bind, net.unix_bind"), "{report}");
    assert!(!report.contains("fs.read_dir"), "{report}");
}
