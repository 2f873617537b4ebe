//! Runs `examples/what_do_my_dependencies_do`, so it cannot rot: each
//! dependency's events are listed under its own name.
//!
//! `cargo test --test interpose_example` does not build examples, so the
//! test asks Cargo to build it first, with this test's features.
#![cfg(target_os = "linux")]

use std::path::PathBuf;
use std::process::Command;

fn build_example(name: &str) -> PathBuf {
    let mut cargo = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    cargo.args([
        "build",
        "--message-format=json",
        "--example",
        name,
        "--manifest-path",
    ]);
    cargo.arg(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml"));
    if !audit_core::ENABLED {
        cargo.args(["--features", "audit-core/off"]);
    }
    let out = cargo.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    // The artifact line of the example names its executable.
    let line = stdout
        .lines()
        .find(|l| l.contains("\"executable\":\"") && l.contains(name))
        .expect("no executable reported");
    let start = line.find("\"executable\":\"").unwrap() + "\"executable\":\"".len();
    let end = start + line[start..].find('"').unwrap();
    PathBuf::from(&line[start..end])
}

#[test]
fn what_do_my_dependencies_do_groups_by_crate() {
    let exe = build_example("what_do_my_dependencies_do");
    let out = Command::new(exe).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    if !audit_core::ENABLED {
        assert!(!stdout.contains("fs.open"), "{stdout}");
        return;
    }
    // The section of crate `name`: its lines up to the next section.
    let section = |name: &str| -> String {
        let mut lines = stdout.lines().skip_while(|l| *l != format!("{name}:"));
        lines
            .next()
            .unwrap_or_else(|| panic!("no {name} section in:\n{stdout}"));
        lines
            .take_while(|l| l.starts_with("    "))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let tempfile = section("tempfile");
    assert!(
        tempfile.contains("fs.open(") && tempfile.contains("create_new=true"),
        "{tempfile}"
    );
    assert!(tempfile.contains("fs.remove_dir("), "{tempfile}");
    assert!(section("walkdir").contains("fs.read_dir("));
    assert!(section("shared_child").contains("process.spawn(program=\"/bin/echo\""));
    let own = section("what_do_my_dependencies_do");
    assert!(own.contains("net.connect(address=127.0.0.1:"), "{own}");
}
