//! Runs the two size probes (`examples/size_probe_std.rs` and
//! `examples/size_probe_audited.rs`, one shared body), so the programs whose
//! `.text` sizes `scripts/text-size.sh` compares are known to work and to do
//! the same thing. `cargo test` builds them beside the test binaries.
//!
//! No hook is installed in the probes, so their output is the same with
//! auditing on or compiled out; what differs between the modes is checked by
//! the script, on release builds.

use std::path::PathBuf;
use std::process::Command;

/// What the shared body prints, in order, whichever `fs`/`net`/`process` it
/// was built against.
const EXPECTED: &str = "\
read 23 bytes, 2 lines
upper: \"FIRST LINE\"
metadata: file=true len=23
entries: a.txt,sub
removed: true
child: success=true stdout=\"child says hello\"
tcp: server got \"ping\", client got \"pong\"
udp: got \"datagram\" from the first socket: true
";

fn example(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("the test knows its own path");
    exe.parent()
        .and_then(|deps| deps.parent())
        .expect("test binaries live in <target>/<profile>/deps")
        .join("examples")
        .join(name)
}

fn run(name: &str) -> String {
    let out = Command::new(example(name))
        .output()
        .unwrap_or_else(|e| panic!("{name} should be built by `cargo test`: {e}"));
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{name} failed ({}):\n{stdout}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

#[test]
fn std_probe_does_the_whole_workload() {
    assert_eq!(run("size_probe_std"), EXPECTED);
}

#[test]
fn audited_probe_does_the_same() {
    assert_eq!(run("size_probe_audited"), EXPECTED);
}

#[test]
fn the_probes_are_one_source_but_for_the_imports() {
    // The size comparison is only fair if nothing but the import differs.
    let strip = |source: &str, import: &str| -> String {
        assert!(source.contains(import), "expected {import:?}");
        source
            .lines()
            .filter(|line| !line.starts_with("//!") && *line != import)
            .collect::<Vec<_>>()
            .join("\n")
    };
    let std_probe = strip(
        include_str!("../examples/size_probe_std.rs"),
        "use std::{fs, net, process};",
    );
    let audited_probe = strip(
        include_str!("../examples/size_probe_audited.rs"),
        "use audit_std::{fs, net, process};",
    );
    assert_eq!(std_probe, audited_probe);
    assert!(std_probe.contains("include!(\"size_probe/body.rs\");"));
    // And the body names no `std::` version of what the import swaps.
    let body = include_str!("../examples/size_probe/body.rs");
    for module in ["fs", "net", "process"] {
        assert!(
            !body.contains(&format!("std::{module}::")),
            "the body must use the imported `{module}`"
        );
    }
}
