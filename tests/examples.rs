//! Runs the examples, so they cannot rot. `cargo test` builds them beside the
//! test binaries.

use std::path::PathBuf;
use std::process::Command;

fn example(name: &str) -> PathBuf {
    let deps = std::env::current_exe().unwrap();
    deps.parent()
        .unwrap()
        .parent()
        .unwrap()
        .join("examples")
        .join(name)
}

#[test]
fn quickstart_shows_events_and_refusals() {
    let out = Command::new(example("quickstart"))
        .output()
        .expect("the example is built by `cargo test`");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "quickstart failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("child said: hi from a child"), "{stdout}");
    assert!(stdout.contains("echoed: \"ping\""), "{stdout}");
    if audit_core::ENABLED {
        for line in [
            "write under secrets/: REFUSED (secrets/ is read-only)",
            "secrets/key exists afterwards: false",
            "spawn `sh`: REFUSED (only `echo` may be spawned)",
            "connect to 127.0.0.1:25: REFUSED (no mail, and loopback only)",
            "add a hook after seal(): REFUSED",
            "audit: fs.open(path=",
            "audit: process.spawn(program=echo",
            "audit: net.connect(address=127.0.0.1:",
        ] {
            assert!(stdout.contains(line), "missing {line:?} in:\n{stdout}");
        }
    } else {
        assert!(stdout.contains("auditing is compiled out"), "{stdout}");
        assert!(!stdout.contains("audit: "), "{stdout}");
        assert!(
            stdout.contains("secrets/key exists afterwards: true"),
            "{stdout}"
        );
    }
}

#[test]
fn instructions_workload_runs() {
    for mode in ["plain", "audited"] {
        let out = Command::new(example("instructions"))
            .args([mode, "1000"])
            .output()
            .unwrap();
        assert!(out.status.success());
        assert_eq!(
            String::from_utf8_lossy(&out.stdout).trim(),
            format!("{mode}: 1000 calls, checksum 500500")
        );
    }
}
