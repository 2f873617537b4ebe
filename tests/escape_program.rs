//! A program allow-list (`program = { not_in = ["/usr/bin/true"] }`)
//! against the ways of naming another program through `audit_std`'s own
//! `Command`: a relative program resolved against the command's own
//! working directory, a bare name found through a `PATH` the command sets,
//! `..` in an absolute path. Each attempt must be refused before the child
//! starts (its marker file never appears); `audit_tokio`'s `Command` is held
//! to the same list. Its own binary: the policy is a global hook.

use std::io;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, Once};

use audit_policy::Policy;
use audit_std::process::Command;

/// Tests that change the current directory run one at a time.
static SERIAL: Mutex<()> = Mutex::new(());

const TRUE: &str = "/usr/bin/true";

fn install() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let policy = Policy::from_toml(&format!(
            r#"
            default = "allow"
            [[rule]]
            action = "deny"
            events = ["@exec"]
            program = {{ not_in = ["{TRUE}"] }}
            reason = "only {TRUE}"
            "#
        ))
        .unwrap();
        policy.install().unwrap();
    });
}

/// A directory holding an executable `true` that leaves `marker` when run.
fn evil_dir() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = std::fs::canonicalize(dir.path()).unwrap();
    let evil = root.join("evil");
    std::fs::create_dir(&evil).unwrap();
    let marker = root.join("marker");
    let script = evil.join("true");
    std::fs::write(
        &script,
        format!("#!/bin/sh\ntouch '{}'\n", marker.display()),
    )
    .unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    (dir, root, marker)
}

fn assert_refused(result: io::Result<std::process::ExitStatus>, marker: &Path, what: &str) {
    assert!(!marker.exists(), "{what}: the other program ran");
    let err = result.expect_err(what);
    assert_eq!(err.kind(), io::ErrorKind::PermissionDenied, "{what}: {err}");
}

#[test]
fn relative_program_is_found_from_the_commands_own_directory() {
    if !audit_core::ENABLED || !Path::new(TRUE).exists() {
        return;
    }
    install();
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let home = std::env::current_dir().unwrap();
    let (_dir, root, marker) = evil_dir();

    // The process is in /usr/bin, but the child starts in `evil`.
    std::env::set_current_dir("/usr/bin").unwrap();
    let attempt = Command::new("./true")
        .current_dir(root.join("evil"))
        .status();
    // The same program without a directory of its own is /usr/bin/true.
    let allowed = Command::new("./true").status();
    std::env::set_current_dir(&home).unwrap();
    assert_refused(attempt, &marker, "./true in evil");
    assert!(allowed.unwrap().success());

    // A relative working directory is relative to the process's.
    std::env::set_current_dir(&root).unwrap();
    let attempt = Command::new("./true").current_dir("evil").status();
    std::env::set_current_dir(&home).unwrap();
    assert_refused(attempt, &marker, "./true in a relative evil");
}

#[test]
fn other_spellings_of_another_program_are_refused() {
    if !audit_core::ENABLED || !Path::new(TRUE).exists() {
        return;
    }
    install();
    let (_dir, root, marker) = evil_dir();
    let evil = root.join("evil");

    // A bare name goes through PATH, which the command itself may set.
    let attempt = Command::new("true").env("PATH", &evil).status();
    assert_refused(attempt, &marker, "bare name with PATH=evil");

    // `..` out of the allowed path.
    let climb = format!("/usr/bin/../..{}/true", evil.display());
    assert_refused(Command::new(&climb).status(), &marker, "/usr/bin/../..");

    // A link to the other program, named by its own path.
    let link = root.join("true");
    std::os::unix::fs::symlink(evil.join("true"), &link).unwrap();
    assert_refused(Command::new(&link).status(), &marker, "a link to evil/true");

    // The allowed program itself still runs.
    assert!(Command::new(TRUE).status().unwrap().success());
}

#[test]
fn tokio_commands_are_held_to_the_same_allow_list() {
    if !audit_core::ENABLED || !Path::new(TRUE).exists() {
        return;
    }
    install();
    let (_dir, root, marker) = evil_dir();
    let evil = root.join("evil");
    let link = root.join("true");
    std::os::unix::fs::symlink(evil.join("true"), &link).unwrap();
    let climb = format!("/usr/bin/../..{}/true", evil.display());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        use audit_tokio::process::Command;
        let attempt = Command::new("./true").current_dir(&evil).status().await;
        assert_refused(attempt, &marker, "tokio: ./true in evil");
        let attempt = Command::new("true").env("PATH", &evil).status().await;
        assert_refused(attempt, &marker, "tokio: bare name with PATH=evil");
        let attempt = Command::new(&climb).status().await;
        assert_refused(attempt, &marker, "tokio: /usr/bin/../..");
        let attempt = Command::new(&link).status().await;
        assert_refused(attempt, &marker, "tokio: a link to evil/true");
        let attempt = Command::new(&link).spawn().map(drop);
        assert!(!marker.exists(), "tokio: spawn of a link to evil/true ran");
        assert_eq!(attempt.unwrap_err().kind(), io::ErrorKind::PermissionDenied);
        let allowed = Command::new(TRUE).status().await.unwrap();
        assert!(allowed.success());
    });
}
