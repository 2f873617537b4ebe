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

/// A prefix spelled one way (its own canonical path) is judged by a
/// shorter route than one with several spellings: every way out of it
/// through a link, `..` or an odd spelling must still be refused.
#[test]
fn a_canonical_prefix_lets_no_link_or_spelling_out() {
    let (_dir, root) = scene();
    let real = root.join("real");
    std::fs::write(root.join("out/t"), "t").unwrap();
    std::os::unix::fs::symlink("../out/t", real.join("leak")).unwrap();
    std::os::unix::fs::symlink("../out/new", real.join("dangling")).unwrap();
    std::fs::create_dir(real.join("sub")).unwrap();
    std::os::unix::fs::symlink("../../out", real.join("sub/up")).unwrap();
    let policy = writes_only_under(&real);
    let r = real.display();
    under(&policy, || {
        // A link as the last component, to a file and to no file yet.
        refused(fs::write(real.join("leak"), "x"));
        refused(fs::write(real.join("dangling"), "x"));
        refused(fs::OpenOptions::new().append(true).open(real.join("leak")));
        // A link deeper below the prefix, and the prefix's own link.
        refused(fs::write(real.join("sub/up/a"), "a"));
        refused(fs::write(real.join("exit/b"), "b"));
        // Spellings that leave the prefix or only look like it.
        refused(fs::write(format!("{r}/../out/c"), "c"));
        refused(fs::write(format!("{r}/sub/../../out/d"), "d"));
        refused(fs::write(format!("{r}x"), "e"));
        refused(fs::write(format!("{r}//sub/up/f"), "f"));
        refused(fs::write(format!("{r}/./leak"), "g"));
        // Inside, plainly: allowed.
        fs::write(real.join("inside"), "i").unwrap();
        fs::write(real.join("sub/inside"), "i").unwrap();
        fs::write(format!("{r}//sub/./inside2"), "i").unwrap();
    });
    assert!(real.join("inside").exists() && real.join("sub/inside2").exists());
    if ENABLED {
        assert_eq!(std::fs::read(root.join("out/t")).unwrap(), b"t");
        for gone in ["out/new", "out/a", "out/b", "out/c", "out/d", "out/f"] {
            assert!(!root.join(gone).exists(), "{gone}");
        }
        assert!(!Path::new(&format!("{r}x")).exists());
    }
}
