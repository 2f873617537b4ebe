//! Path conditions judge the path as written and the file it reaches
//! through symbolic links, on real files: a prefix given through a link, a
//! link below the prefix that leads out, a link elsewhere that leads in,
//! `@write` judging only the files written. Each policy runs as a scoped
//! hook (`capture_with_hook`), so the tests run in parallel.

#![cfg(unix)]

use std::io::{self, ErrorKind};
use std::path::{Path, PathBuf};

use audit_core::{testing::capture_with_hook, ENABLED};
use audit_policy::Policy;
use audit_std::fs;

fn under<R>(policy: &Policy, f: impl FnOnce() -> R) -> R {
    capture_with_hook(policy.clone(), f).0
}

#[track_caller]
fn refused<T: std::fmt::Debug>(result: io::Result<T>) {
    if ENABLED {
        let err = result.expect_err("the policy should refuse this");
        assert_eq!(err.kind(), ErrorKind::PermissionDenied, "{err}");
    }
}

/// A root with `real/` (where writes are allowed), `alias -> real`, `out/`,
/// `real/exit -> ../out` and `out/entry -> ../real`.
fn scene() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = std::fs::canonicalize(dir.path()).unwrap();
    std::fs::create_dir(root.join("real")).unwrap();
    std::fs::create_dir(root.join("out")).unwrap();
    std::os::unix::fs::symlink("real", root.join("alias")).unwrap();
    std::os::unix::fs::symlink("../out", root.join("real/exit")).unwrap();
    std::os::unix::fs::symlink("../real", root.join("out/entry")).unwrap();
    (dir, root)
}

fn writes_only_under(dir: &Path) -> Policy {
    Policy::from_toml(&format!(
        r#"
        default = "allow"
        [[rule]]
        action = "deny"
        events = ["@write"]
        path = {{ not_under = ['{}'] }}
        "#,
        dir.display()
    ))
    .unwrap()
}

#[test]
fn a_prefix_given_through_a_link_covers_the_files_it_leads_to() {
    let (_dir, root) = scene();
    let policy = writes_only_under(&root.join("alias"));
    under(&policy, || {
        fs::write(root.join("alias/a"), "a").unwrap();
        fs::write(root.join("real/b"), "b").unwrap();
        // `entry` is outside as written, but the kernel lands in `real`;
        // a deny rule applies when either form is outside.
        refused(fs::write(root.join("out/entry/c"), "c"));
        refused(fs::write(root.join("alias/exit/d"), "d"));
        refused(fs::write(root.join("real/exit/e"), "e"));
    });
    assert!(root.join("real/a").exists() && root.join("real/b").exists());
    if ENABLED {
        for gone in ["real/c", "out/d", "out/e"] {
            assert!(!root.join(gone).exists(), "{gone}");
        }
    }
}

#[test]
fn deny_rules_see_the_file_behind_a_link() {
    let (_dir, root) = scene();
    // Protect `real`: neither its own path nor a link into it may be written.
    let policy = Policy::from_toml(&format!(
        r#"
        default = "allow"
        [[rule]]
        action = "deny"
        events = ["@write"]
        path = {{ under = ['{}'] }}
        "#,
        root.join("real").display()
    ))
    .unwrap();
    under(&policy, || {
        refused(fs::write(root.join("real/x"), "x"));
        refused(fs::write(root.join("alias/x"), "x"));
        refused(fs::write(root.join("out/entry/x"), "x"));
        // A relative symbolic link's target is read against its directory.
        refused(
            audit_std::os::unix::fs::symlink("../real", root.join("out/second"))
                .and_then(|()| fs::write(root.join("out/second/y"), "y")),
        );
        fs::write(root.join("out/z"), "z").unwrap();
    });
    if ENABLED {
        assert!(!root.join("real/x").exists() && !root.join("real/y").exists());
    }
}

#[test]
fn write_rules_judge_only_the_files_written() {
    let (_dir, root) = scene();
    std::fs::write(root.join("out/source"), "s").unwrap();
    let policy = writes_only_under(&root.join("real"));
    under(&policy, || {
        // The source of a copy is read, not written.
        fs::copy(root.join("out/source"), root.join("real/copy")).unwrap();
        refused(fs::copy(root.join("real/copy"), root.join("out/copy")));
        // Reading outside is no write.
        fs::read(root.join("out/source")).unwrap();
    });
}
