//! Every way a TOML policy can be wrong, with the exact message and place
//! each is reported at: the format's error messages are part of its
//! interface (people fix their files from them), so a change to any of
//! them shows here.
//!
//! Each case is a whole policy text and either `ok N rules` or the error
//! exactly as `Display` writes it.

use audit_policy::Policy;

/// What `from_toml` makes of `text`, in the form the tables below use; also
/// checks that `line()`/`column()` agree with the message.
fn outcome(text: &str) -> String {
    match Policy::from_toml(text) {
        Ok(policy) => format!("ok {} rules", policy.rules().len()),
        Err(err) => {
            let shown = err.to_string();
            match (err.line(), err.column()) {
                (Some(line), Some(column)) => assert!(
                    shown.starts_with(&format!("invalid policy at line {line}, column {column}: ")),
                    "{shown}"
                ),
                other => panic!("no position {other:?} for {shown}"),
            }
            shown
        }
    }
}

#[test]
fn every_case_is_reported_as_before() {
    let mut wrong = Vec::new();
    for (text, expected) in CASES {
        let got = outcome(text);
        if got != *expected {
            wrong.push(format!("{text:?}\n  expected {expected}\n       got {got}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// Patterns that name no event are errors only when the program's events
/// are known (auditing compiled in).
#[test]
fn unknown_event_patterns_depend_on_the_mode() {
    for (text, on, off) in EVENT_CASES {
        let expected = if audit_core::ENABLED { on } else { off };
        assert_eq!(outcome(text), *expected, "{text:?}");
    }
}

/// The first problem in the text is the one reported, whatever the keys'
/// alphabetical order (the parsed tables are sorted by key).
#[test]
fn the_first_problem_in_the_file_wins() {
    assert_eq!(
        outcome("zeta = 1\nalpha = 2\ndefault = \"allow\"\n"),
        "invalid policy at line 1, column 1: unknown field `zeta`, expected one of `default`, `unknown_events`, `mode`, `rule`"
    );
    assert_eq!(
        outcome("default = \"allow\"\n[[rule]]\nmode = 1\naction = \"maybe\"\nevents = [\"fs.open\"]\n"),
        "invalid policy at line 3, column 8: invalid type: integer `1`, expected `enforce` or `report`"
    );
    assert_eq!(
        outcome("default = \"allow\"\n[[rule]]\nevents = [\"fs.open\"]\npath = { not_under = [\"rel\"], under = [\"also\"] }\naction = \"deny\"\n"),
        "invalid policy at line 4, column 22: path prefix `rel` must be absolute"
    );
}

/// Hostile shapes: deep nesting, huge integers, many rules; each is an
/// error or a policy, never a crash.
#[test]
fn hostile_documents_are_errors_not_crashes() {
    let deep = format!(
        "default = \"allow\"\n[[rule]]\naction = \"deny\"\nevents = {}{}\n",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    assert!(Policy::from_toml(&deep).is_err());
    let deep_table = format!("default = \"allow\"\nx = {}\n", "{ a = ".repeat(50_000));
    assert!(Policy::from_toml(&deep_table).is_err());
    let mut many = String::from("default = \"deny\"\n");
    for _ in 0..2000 {
        many.push_str("[[rule]]\naction = \"allow\"\nevents = [\"fs.open\"]\n");
    }
    assert_eq!(outcome(&many), "ok 2000 rules");
    // Names from the file are escaped in messages (a terminal may show them).
    assert_eq!(
        outcome("default = \"allow\"\n\"\\u001b[2J\\n\" = 1\n"),
        "invalid policy at line 2, column 1: unknown field `\\u{1b}[2J\\n`, expected one of `default`, `unknown_events`, `mode`, `rule`"
    );
    assert_eq!(
        outcome("default = \"\\u001b]0;x\\u0007\"\n"),
        "invalid policy at line 1, column 11: unknown variant `\\u{1b}]0;x\\u{7}`, expected `allow` or `deny`"
    );
    // An integer wider than any machine type is text to the check.
    assert_eq!(
        outcome("default = \"allow\"\n[[rule]]\naction = \"deny\"\nevents = [\"net.bind\"]\nport = { in = [0x7fffffffffffffffffffffffffffffffffffffff] }\n"),
        "invalid policy at line 5, column 15: invalid port range `0x7fffffffffffffffffffffffffffffffffffffff`: expected a port (`443`) or `low-high` (`8000-8999`) within 0-65535"
    );
}

const CASES: &[(&str, &str)] = &[
    ("",
     "invalid policy at line 1, column 1: missing field `default`"),
    ("default = allow\n",
     "invalid policy at line 1, column 11: string values must be quoted, expected literal string"),
    ("default = \"allow\"\nstrict = true\n",
     "invalid policy at line 2, column 1: unknown field `strict`, expected one of `default`, `unknown_events`, `mode`, `rule`"),
    ("[[rule]]\naction = \"deny\"\nevents = [\"a\"]\n",
     "invalid policy at line 1, column 1: missing field `default`"),
    ("default = \"allow\"\n[[rule]]\nevents = [\"a\"]\n",
     "invalid policy at line 2, column 1: missing field `action`"),
    ("default = \"allow\"\n[[rule]]\naction = \"deny\"\n",
     "invalid policy at line 2, column 1: missing field `events`"),
    ("default = \"permit\"\n",
     "invalid policy at line 1, column 11: unknown variant `permit`, expected `allow` or `deny`"),
    ("default = 1\n",
     "invalid policy at line 1, column 11: invalid type: integer `1`, expected `allow` or `deny`"),
    ("default = true\n",
     "invalid policy at line 1, column 11: invalid type: boolean `true`, expected `allow` or `deny`"),
    ("default = 1.5\n",
     "invalid policy at line 1, column 11: invalid type: floating point `1.5`, expected `allow` or `deny`"),
    ("default = 1979-05-27\n",
     "invalid policy at line 1, column 11: invalid type: datetime, expected `allow` or `deny`"),
    ("default = [\"allow\"]\n",
     "invalid policy at line 1, column 11: invalid type: sequence, expected `allow` or `deny`"),
    ("default = { a = 1 }\n",
     "invalid policy at line 1, column 11: invalid type: map, expected `allow` or `deny`"),
    ("default = \"allow\"\nmode = \"report\"\n",
     "ok 0 rules"),
    ("default = \"allow\"\nmode = \"Report\"\n",
     "invalid policy at line 2, column 8: unknown variant `Report`, expected `enforce` or `report`"),
    ("default = \"allow\"\nmode = 2\n",
     "invalid policy at line 2, column 8: invalid type: integer `2`, expected `enforce` or `report`"),
    ("default = \"allow\"\nunknown_events = \"allow\"\n",
     "ok 0 rules"),
    ("default = \"allow\"\nunknown_events = \"warn\"\n",
     "invalid policy at line 2, column 18: unknown variant `warn`, expected `error` or `allow`"),
    ("default = \"allow\"\nunknown_events = false\n",
     "invalid policy at line 2, column 18: invalid type: boolean `false`, expected `error` or `allow`"),
    ("default = \"allow\"\nrule = 3\n",
     "invalid policy at line 2, column 8: invalid type: integer `3`, expected a sequence"),
    ("default = \"allow\"\nrule = []\n",
     "ok 0 rules"),
    ("default = \"allow\"\nrule = [3]\n",
     "invalid policy at line 2, column 9: invalid type: integer `3`, expected a table"),
    ("default = \"allow\"\nrule = [\"x\"]\n",
     "invalid policy at line 2, column 9: invalid type: string \"x\", expected a table"),
    ("default = \"allow\"\n[rule]\naction = \"deny\"\nevents = [\"fs.open\"]\n",
     "invalid policy at line 2, column 1: invalid type: map, expected a sequence"),
    ("default = \"allow\"\nrule = [{ action = \"deny\", events = [\"fs.open\"] }]\n",
     "ok 1 rules"),
    ("default = \"allow\"\nrule = [{ action = \"deny\", events = [\"fs.open\"], bogus = 1 }]\n",
     "invalid policy at line 2, column 50: unknown field `bogus`, expected one of `action`, `events`, `reason`, `mode`, `path`, `address`, `port`, `program`, `host`, `flags`"),
    ("default = \"allow\"\nrule = [{ action = \"deny\" }]\n",
     "invalid policy at line 2, column 9: missing field `events`"),
    ("default = \"allow\"\n[[rule]]\n",
     "invalid policy at line 2, column 1: missing field `action`"),
    ("default = \"allow\"\n[[rule]]\n[[rule]]\naction = \"deny\"\nevents = [\"fs.open\"]\n",
     "invalid policy at line 2, column 1: missing field `action`"),
    ("default = \"allow\"\n[[rule]]\naction = \"deny\"\nevents = [\"fs.open\"]\n[[rule]]\naction = \"allow\"\n",
     "invalid policy at line 5, column 1: missing field `events`"),
    ("default = \"allow\"\n[[rule]]\naction = \"deny\"\nevents = [\"@wirte\"]\n",
     "invalid policy at line 4, column 10: unknown event class `@wirte`: did you mean `@write`?"),
    ("default = \"allow\"\nunknown_events = \"allow\"\n[[rule]]\naction = \"deny\"\nevents = [\"billing.x\"]\n",
     "ok 1 rules"),
    ("default = \"allow\"\n[[rule]]\naction = \"deny\"\nevents = [\"fs.open\"]\n[rule.path]\nunder = [\"/x\"]\n[rule.path.deep]\n",
     "invalid policy at line 7, column 12: unknown field `deep`, expected one of `under`, `not_under`, `arg`"),
    ("default = \"allow\"\n[[rule]]\naction = \"deny\"\nevents = [\"fs.open\"]\npath.under = [\"/x\"]\n",
     "ok 1 rules"),
    ("default = \"allow\"\nrule.action = \"deny\"\n",
     "invalid policy at line 2, column 1: invalid type: map, expected a sequence"),
    ("default = \"allow\"\n[[rule]]\naction.x = \"deny\"\nevents = [\"fs.open\"]\n",
     "invalid policy at line 3, column 1: invalid type: map, expected `allow` or `deny`"),
    ("default = \"allow\"\n[[rule]]\naction = \"deny\"\nevents = [\"fs.open\"]\n[[rule.path]]\nunder = [\"/x\"]\n",
     "invalid policy at line 5, column 1: invalid type: sequence, expected a table"),
    ("default = \"allow\"\n\"default\" = \"deny\"\n",
     "invalid policy at line 2, column 1: duplicate key"),
    ("default = \"allow\" # c\n[[rule]] # c\naction = 'deny'\nevents = [\n  \"fs.open\", # c\n  \"net.[\",\n]\n",
     "invalid policy at line 4, column 10: invalid event pattern `net.[`: `[` is not supported (only `*` and `?` are wildcards)"),
    ("\u{feff}default = \"allow\"\n",
     "ok 0 rules"),
    ("default = \"ééallow\"\n",
     "invalid policy at line 1, column 11: unknown variant `ééallow`, expected `allow` or `deny`"),
    ("x = \"é\"\ndefault = \"allow\"\n",
     "invalid policy at line 1, column 1: unknown field `x`, expected one of `default`, `unknown_events`, `mode`, `rule`"),
    ("default = \"allow\"\n[[rule]]\naction = \"deny\"\nevents = [\"fs.open\"]\npath = { under = [\"/éé\"], not_under = [\"rél\"] }\n",
     "invalid policy at line 5, column 39: path prefix `rél` must be absolute"),
    ("default = \"allow\"\n\n[[rule]]\naction = \"deny\"\nevents = \"net.*\"\n",
     "invalid policy at line 5, column 10: invalid type: string \"net.*\", expected a sequence"),
    ("default = \"allow\"\n\n[[rule]]\naction = \"deny\"\nevents = []\n",
     "invalid policy at line 3, column 1: `events` must name at least one event pattern"),
    ("default = \"allow\"\n\n[[rule]]\naction = \"deny\"\nevents = [true]\n",
     "invalid policy at line 5, column 11: invalid type: boolean `true`, expected a string"),
    ("default = \"allow\"\n\n[[rule]]\naction = \"deny\"\nevents = [[\"fs.open\"]]\n",
     "invalid policy at line 5, column 11: invalid type: sequence, expected a string"),
    ("default = \"allow\"\n\n[[rule]]\naction = \"deny\"\nevents = [\"\"]\n",
     "invalid policy at line 5, column 10: empty event pattern"),
    ("default = \"allow\"\n\n[[rule]]\naction = \"deny\"\nevents = [\"net.[\"]\n",
     "invalid policy at line 5, column 10: invalid event pattern `net.[`: `[` is not supported (only `*` and `?` are wildcards)"),
    ("default = \"allow\"\n\n[[rule]]\naction = \"deny\"\nevents = [\"a\"]\nevents = [\"b\"]\n",
     "invalid policy at line 6, column 1: duplicate key"),
    ("default = \"allow\"\n\n[[rule]]\naction = \"deny\"\nevents = [\"a\"\n",
     "invalid policy at line 5, column 14: unclosed array, expected `]`"),
    ("default = \"allow\"\n\n[[rule]]\naction = \"deny\"\nevents = { x = 1 }\n",
     "invalid policy at line 5, column 10: invalid type: map, expected a sequence"),
    ("default = \"allow\"\n\n[[rule]]\naction = \"deny\"\nevents = [\"fs.open\"]\nreason = 3\n",
     "invalid policy at line 6, column 10: invalid type: integer `3`, expected a string"),
    ("default = \"allow\"\n\n[[rule]]\naction = \"deny\"\nevents = [\"fs.open\"]\nreason = \"x\"\nreason = \"y\"\n",
     "invalid policy at line 7, column 1: duplicate key"),
    ("default = \"allow\"\n\n[[rule]]\naction = \"deny\"\nevents = [\"fs.open\"]\nmode = \"report\"\n",
     "ok 1 rules"),
    ("default = \"allow\"\n\n[[rule]]\naction = \"deny\"\nevents = [\"fs.open\"]\nmode = \"maybe\"\n",
     "invalid policy at line 6, column 8: unknown variant `maybe`, expected `enforce` or `report`"),
    ("default = \"allow\"\n\n[[rule]]\naction = \"deny\"\nevents = [\"fs.open\"]\nmode = 1\n",
     "invalid policy at line 6, column 8: invalid type: integer `1`, expected `enforce` or `report`"),
    ("default = \"allow\"\n\n[[rule]]\naction = \"deny\"\nevents = [\"fs.open\"]\nadress = { in = [\"loopback\"] }\n",
     "invalid policy at line 6, column 1: unknown field `adress`, expected one of `action`, `events`, `reason`, `mode`, `path`, `address`, `port`, `program`, `host`, `flags`"),
    ("default = \"allow\"\n\n[[rule]]\naction = \"deny\"\nevents = [\"fs.open\"]\npath = { inside = [\"/x\"] }\n",
     "invalid policy at line 6, column 10: unknown field `inside`, expected one of `under`, `not_under`, `arg`"),
    ("default = \"allow\"\n\n[[rule]]\naction = \"deny\"\nevents = [\"fs.open\"]\npath = \"/x\"\n",
     "invalid policy at line 6, column 8: invalid type: string \"/x\", expected a table"),
    ("default = \"allow\"\n\n[[rule]]\naction = \"deny\"\nevents = [\"fs.open\"]\npath = [\"/x\"]\n",
     "invalid policy at line 6, column 8: invalid type: sequence, expected a table"),
    ("default = \"allow\"\n\n[[rule]]\naction = \"deny\"\nevents = [\"fs.open\"]\npath = { under = \"/x\" }\n",
     "invalid policy at line 6, column 18: invalid type: string \"/x\", expected a sequence"),
    ("default = \"allow\"\n\n[[rule]]\naction = \"deny\"\nevents = [\"fs.open\"]\npath = { under = [\"/x\"], arg = 1 }\n",
     "invalid policy at line 6, column 32: invalid type: integer `1`, expected a string"),
    ("default = \"allow\"\n\n[[rule]]\naction = \"deny\"\nevents = [\"fs.open\"]\npath = { under = [\"/x\"], arg = \"nope\" }\n",
     "invalid policy at line 3, column 1: the `path` condition never applies: none of this rule's events (fs.open) has an argument `nope`"),
    ("default = \"allow\"\n\n[[rule]]\naction = \"deny\"\nevents = [\"fs.open\"]\npath = { under = [\"relative/dir\"] }\n",
     "invalid policy at line 6, column 18: path prefix `relative/dir` must be absolute"),
    ("default = \"allow\"\n\n[[rule]]\naction = \"deny\"\nevents = [\"fs.open\"]\npath = { under = [1] }\n",
     "invalid policy at line 6, column 18: path prefix `1` must be absolute"),
    ("default = \"allow\"\n\n[[rule]]\naction = \"deny\"\nevents = [\"fs.open\"]\npath = { under = [\"/ok\", \"rel\"] }\n",
     "invalid policy at line 6, column 18: path prefix `rel` must be absolute"),
    ("default = \"allow\"\n\n[[rule]]\naction = \"deny\"\nevents = [\"fs.open\"]\npath = { not_under = [\"/a\"], under = [\"/b\"] }\n",
     "ok 1 rules"),
    ("default = \"allow\"\n\n[[rule]]\naction = \"deny\"\nevents = [\"fs.open\"]\npath = { arg = \"path\" }\n",
     "invalid policy at line 3, column 1: `path` condition needs `under` or `not_under`, not only `arg`"),
    ("default = \"allow\"\n\n[[rule]]\naction = \"deny\"\nevents = [\"fs.open\"]\npath = { }\n",
     "ok 1 rules"),
    ("default = \"allow\"\n\n[[rule]]\naction = \"deny\"\nevents = [\"fs.open\"]\npath = { in = [\"/x\"] }\n",
     "invalid policy at line 6, column 10: unknown field `in`, expected one of `under`, `not_under`, `arg`"),
    ("default = \"allow\"\n\n[[rule]]\naction = \"deny\"\nevents = [\"fs.open\"]\naddress = { under = [\"/x\"] }\n",
     "invalid policy at line 6, column 13: unknown field `under`, expected one of `in`, `not_in`, `arg`"),
    ("default = \"allow\"\n\n[[rule]]\naction = \"deny\"\nevents = [\"fs.open\"]\naddress = { in = [\"10.0.0/8\"] }\n",
     "invalid policy at line 6, column 18: invalid CIDR range `10.0.0/8`: invalid IP address syntax"),
    ("default = \"allow\"\n\n[[rule]]\naction = \"deny\"\nevents = [\"fs.open\"]\naddress = { in = [\"10.0.0.0/33\"] }\n",
     "invalid policy at line 6, column 18: invalid CIDR range `10.0.0.0/33`: invalid IP address syntax"),
    ("default = \"allow\"\n\n[[rule]]\naction = \"deny\"\nevents = [\"fs.open\"]\naddress = { in = [\"localhost\"] }\n",
     "invalid policy at line 6, column 18: invalid address `localhost`: expected a CIDR range (`10.0.0.0/8`), an IP address, or one of `loopback`, `private`, `link_local`, `unspecified`"),
    ("default = \"allow\"\n\n[[rule]]\naction = \"deny\"\nevents = [\"fs.open\"]\naddress = { in = [10] }\n",
     "invalid policy at line 6, column 18: invalid address `10`: expected a CIDR range (`10.0.0.0/8`), an IP address, or one of `loopback`, `private`, `link_local`, `unspecified`"),
    ("default = \"allow\"\n\n[[rule]]\naction = \"deny\"\nevents = [\"fs.open\"]\naddress = { not_in = [\"loopback\"], arg = \"addr\" }\n",
     "invalid policy at line 3, column 1: the `address` condition never applies: none of this rule's events (fs.open) has an argument `addr`"),
    ("default = \"allow\"\n\n[[rule]]\naction = \"deny\"\nevents = [\"fs.open\"]\nport = { in = [\"9-1\"] }\n",
     "invalid policy at line 6, column 15: invalid port range `9-1`: 9 is greater than 1"),
    ("default = \"allow\"\n\n[[rule]]\naction = \"deny\"\nevents = [\"fs.open\"]\nport = { in = [70000] }\n",
     "invalid policy at line 6, column 15: invalid port range `70000`: expected a port (`443`) or `low-high` (`8000-8999`) within 0-65535"),
    ("default = \"allow\"\n\n[[rule]]\naction = \"deny\"\nevents = [\"fs.open\"]\nport = { in = [-1] }\n",
     "invalid policy at line 6, column 15: invalid port range `-1`: expected a port (`443`) or `low-high` (`8000-8999`) within 0-65535"),
    ("default = \"allow\"\n\n[[rule]]\naction = \"deny\"\nevents = [\"fs.open\"]\nport = { in = [1.5] }\n",
     "invalid policy at line 6, column 16: invalid type: floating point `1.5`, expected a string"),
    ("default = \"allow\"\n\n[[rule]]\naction = \"deny\"\nevents = [\"fs.open\"]\nport = { in = [true] }\n",
     "invalid policy at line 6, column 16: invalid type: boolean `true`, expected a string"),
    ("default = \"allow\"\n\n[[rule]]\naction = \"deny\"\nevents = [\"fs.open\"]\nport = { in = [0x16] }\n",
     "invalid policy at line 3, column 1: the `port` condition never applies: none of this rule's events (fs.open) has a port value; events that do: net.accept, net.bind, net.connect, net.resolve, net.send_to"),
    ("default = \"allow\"\n\n[[rule]]\naction = \"deny\"\nevents = [\"fs.open\"]\nport = { in = [0o26, 0b1] }\n",
     "invalid policy at line 3, column 1: the `port` condition never applies: none of this rule's events (fs.open) has a port value; events that do: net.accept, net.bind, net.connect, net.resolve, net.send_to"),
    ("default = \"allow\"\n\n[[rule]]\naction = \"deny\"\nevents = [\"fs.open\"]\nport = { in = [+22] }\n",
     "invalid policy at line 3, column 1: the `port` condition never applies: none of this rule's events (fs.open) has a port value; events that do: net.accept, net.bind, net.connect, net.resolve, net.send_to"),
    ("default = \"allow\"\n\n[[rule]]\naction = \"deny\"\nevents = [\"fs.open\"]\nport = { in = [1_000] }\n",
     "invalid policy at line 3, column 1: the `port` condition never applies: none of this rule's events (fs.open) has a port value; events that do: net.accept, net.bind, net.connect, net.resolve, net.send_to"),
    ("default = \"allow\"\n\n[[rule]]\naction = \"deny\"\nevents = [\"fs.open\"]\nport = { in = [99999999999999999999] }\n",
     "invalid policy at line 6, column 15: invalid port range `99999999999999999999`: expected a port (`443`) or `low-high` (`8000-8999`) within 0-65535"),
    ("default = \"allow\"\n\n[[rule]]\naction = \"deny\"\nevents = [\"fs.open\"]\nport = { in = [-9223372036854775808] }\n",
     "invalid policy at line 6, column 15: invalid port range `-9223372036854775808`: expected a port (`443`) or `low-high` (`8000-8999`) within 0-65535"),
    ("default = \"allow\"\n\n[[rule]]\naction = \"deny\"\nevents = [\"fs.open\"]\nport = { in = [18446744073709551615] }\n",
     "invalid policy at line 6, column 15: invalid port range `18446744073709551615`: expected a port (`443`) or `low-high` (`8000-8999`) within 0-65535"),
    ("default = \"allow\"\n\n[[rule]]\naction = \"deny\"\nevents = [\"fs.open\"]\nport = { in = [\"http\"] }\n",
     "invalid policy at line 6, column 15: invalid port range `http`: expected a port (`443`) or `low-high` (`8000-8999`) within 0-65535"),
    ("default = \"allow\"\n\n[[rule]]\naction = \"deny\"\nevents = [\"fs.open\"]\nport = { arg = \"p\" }\n",
     "invalid policy at line 3, column 1: `port` condition needs `in` or `not_in`, not only `arg`"),
    ("default = \"allow\"\n\n[[rule]]\naction = \"deny\"\nevents = [\"fs.open\"]\nport = { in = [22], not_in = [23] }\n",
     "invalid policy at line 3, column 1: the `port` condition never applies: none of this rule's events (fs.open) has a port value; events that do: net.accept, net.bind, net.connect, net.resolve, net.send_to"),
    ("default = \"allow\"\n\n[[rule]]\naction = \"deny\"\nevents = [\"fs.open\"]\nprogram = { in = [\"bin/tool\"] }\n",
     "invalid policy at line 6, column 18: program `bin/tool` must be a bare name (`git`) or an absolute path (`/usr/bin/git`)"),
    ("default = \"allow\"\n\n[[rule]]\naction = \"deny\"\nevents = [\"fs.open\"]\nprogram = { in = [\"git\"] }\n",
     "invalid policy at line 3, column 1: the `program` condition never applies: none of this rule's events (fs.open) has a program value; events that do: process.exec, process.spawn"),
    ("default = \"allow\"\n\n[[rule]]\naction = \"deny\"\nevents = [\"fs.open\"]\nhost = { in = [\"*.[a\"] }\n",
     "invalid policy at line 6, column 15: invalid host pattern `*.[a`: `[` is not supported (only `*` and `?` are wildcards)"),
    ("default = \"allow\"\n\n[[rule]]\naction = \"deny\"\nevents = [\"fs.open\"]\nhost = { not_in = [\"localhost\"], arg = \"host\" }\n",
     "invalid policy at line 3, column 1: the `host` condition never applies: none of this rule's events (fs.open) has an argument `host`; events that do: net.resolve"),
    ("default = \"allow\"\n\n[[rule]]\naction = \"deny\"\nevents = [\"fs.open\"]\nflags = { any = [\"write\"] }\n",
     "ok 1 rules"),
    ("default = \"allow\"\n\n[[rule]]\naction = \"deny\"\nevents = [\"fs.open\"]\nflags = { none = [\"write\"] }\n",
     "ok 1 rules"),
    ("default = \"allow\"\n\n[[rule]]\naction = \"deny\"\nevents = [\"fs.open\"]\nflags = { }\n",
     "invalid policy at line 3, column 1: `flags` condition needs `any` or `none`"),
    ("default = \"allow\"\n\n[[rule]]\naction = \"deny\"\nevents = [\"fs.open\"]\nflags = { any = [] }\n",
     "invalid policy at line 3, column 1: `flags` condition needs `any` or `none`"),
    ("default = \"allow\"\n\n[[rule]]\naction = \"deny\"\nevents = [\"fs.open\"]\nflags = { any = [1] }\n",
     "invalid policy at line 3, column 1: `flags` names `1`, a boolean argument none of this rule's events (fs.open) has"),
    ("default = \"allow\"\n\n[[rule]]\naction = \"deny\"\nevents = [\"fs.open\"]\nflags = { any = [\"\"] }\n",
     "invalid policy at line 6, column 17: empty argument name in `flags`"),
    ("default = \"allow\"\n\n[[rule]]\naction = \"deny\"\nevents = [\"fs.open\"]\nflags = { any = [\"Bad Name\"] }\n",
     "invalid policy at line 6, column 17: invalid argument name `Bad Name` in `flags`"),
    ("default = \"allow\"\n\n[[rule]]\naction = \"deny\"\nevents = [\"fs.open\"]\nflags = { all = [\"write\"] }\n",
     "invalid policy at line 6, column 11: unknown field `all`, expected `any` or `none`"),
    ("default = \"allow\"\n\n[[rule]]\naction = \"deny\"\nevents = [\"fs.open\"]\nflags = [\"write\"]\n",
     "invalid policy at line 6, column 9: invalid type: sequence, expected a table"),
    ("default = \"allow\"\n\n[[rule]]\naction = \"deny\"\nevents = [\"fs.open\"]\n[rule.port]\nin = [22, \"0-1023\"]\n",
     "invalid policy at line 3, column 1: the `port` condition never applies: none of this rule's events (fs.open) has a port value; events that do: net.accept, net.bind, net.connect, net.resolve, net.send_to"),
    ("default = \"allow\"\n\n[[rule]]\naction = \"deny\"\nevents = [\"fs.open\"]\n[rule.port]\nin = [22, \"x\"]\n",
     "invalid policy at line 7, column 6: invalid port range `x`: expected a port (`443`) or `low-high` (`8000-8999`) within 0-65535"),
    ("default = \"allow\"\n\n[[rule]]\naction = \"deny\"\nevents = [\"fs.open\"]\n[rule.port]\nbogus = 1\n",
     "invalid policy at line 7, column 1: unknown field `bogus`, expected one of `in`, `not_in`, `arg`"),
    ("default = \"allow\"\n\n[[rule]]\naction = \"deny\"\nevents = [\"fs.open\"]\n[rule.flags]\n",
     "invalid policy at line 3, column 1: `flags` condition needs `any` or `none`"),
];

const EVENT_CASES: &[(&str, &str, &str)] = &[
    ("default = \"allow\"\nrule = [{ action = \"deny\", events = [\"fs.opne\"] }]\n",
     "invalid policy at line 2, column 38: event pattern `fs.opne` matches no event this program can raise: did you mean `fs.open`?",
     "ok 1 rules"),
    ("default = \"allow\"\n[[rule]]\naction = \"deny\"\nevents = [\"fs.open\", \"fs.opne\"]\n",
     "invalid policy at line 4, column 22: event pattern `fs.opne` matches no event this program can raise: did you mean `fs.open`?",
     "ok 1 rules"),
    ("default = \"allow\"\n[[rule]]\naction = \"deny\"\nevents = [\"fs.open\", 'netz.*']\n",
     "invalid policy at line 4, column 22: event pattern `netz.*` matches no event this program can raise (set `unknown_events = \"allow\"` if the policy is shared with programs that do)",
     "ok 1 rules"),
    ("default = \"allow\"\n\n[[rule]]\naction = \"deny\"\nevents = [1]\n",
     "invalid policy at line 5, column 11: event pattern `1` matches no event this program can raise (set `unknown_events = \"allow\"` if the policy is shared with programs that do)",
     "ok 1 rules"),
];
