//! A policy installed with `install_reloadable`, replaced from its file at
//! run time: the new rules apply at once, a file that does not parse or a
//! hook that refuses the reload leaves the old policy in force, and reloads
//! keep working after `seal`. One test, in order, since the hooks and the
//! seal are global; its own binary.

use std::io::ErrorKind;
use std::path::Path;

use audit_core::{AuditError, ENABLED};
use audit_policy::{Policy, ReloadError, RELOAD_EVENT};
use audit_std::fs;

fn deny_writes_under(dir: &Path) -> String {
    format!(
        "default = \"allow\"\n[[rule]]\naction = \"deny\"\nevents = [\"@write\"]\npath = {{ under = ['{}'] }}\nreason = \"frozen\"\n",
        dir.display()
    )
}

fn refused(path: &Path) -> bool {
    matches!(fs::write(path, "x"), Err(e) if e.kind() == ErrorKind::PermissionDenied)
}

#[test]
fn reloads_swap_the_rules_or_keep_the_old_ones() {
    let tmp = tempfile::tempdir().unwrap();
    let root = std::fs::canonicalize(tmp.path()).unwrap();
    let (a, b) = (root.join("a"), root.join("b"));
    std::fs::create_dir(&a).unwrap();
    std::fs::create_dir(&b).unwrap();
    let file = root.join("policy.toml");
    std::fs::write(&file, deny_writes_under(&a)).unwrap();

    let handle = match Policy::install_reloadable(&file) {
        Ok(handle) => handle,
        Err(ReloadError::Refused(err)) if !ENABLED => {
            assert_eq!(err.kind(), audit_core::AuditErrorKind::CompiledOut);
            return;
        }
        Err(err) => panic!("{err}"),
    };
    assert!(refused(&a.join("1")));
    assert!(!refused(&b.join("1")));

    // New rules from the file, at once.
    std::fs::write(&file, deny_writes_under(&b)).unwrap();
    handle.reload().unwrap();
    assert!(!refused(&a.join("2")));
    assert!(refused(&b.join("2")));
    assert_eq!(handle.current().rules().len(), 1);

    // A file that does not parse: an error naming the line, the old rules stay.
    std::fs::write(&file, "default = \"allow\"\n[[rule]]\naction = \"nope\"\n").unwrap();
    match handle.reload() {
        Err(ReloadError::Invalid(err)) => assert_eq!(err.line(), Some(3), "{err}"),
        other => panic!("{other:?}"),
    }
    assert!(refused(&b.join("3")));

    // Decisions racing with reloads see the old policy or the new one,
    // never neither: both refuse writes under `b`.
    std::fs::write(&file, deny_writes_under(&b)).unwrap();
    std::thread::scope(|scope| {
        let reloader = scope.spawn(|| {
            for _ in 0..200 {
                handle.reload().unwrap();
            }
        });
        for i in 0..200 {
            assert!(
                refused(&b.join(format!("race-{i}"))),
                "write {i} went through"
            );
        }
        reloader.join().unwrap();
    });

    // A hook may refuse a reload (it sees the file, the rule count, and the
    // code that asked for it).
    std::fs::write(&file, deny_writes_under(&a)).unwrap();
    audit_core::add_hook(|event| {
        if event.name() == RELOAD_EVENT
            && event.arg("rules").and_then(|v| v.as_u64()) == Some(1)
            && std::env::var_os("REFUSE_RELOADS").is_some()
            && event.caller().is_some_and(|c| c.file() == file!())
        {
            return Err(AuditError::denied("reloads are frozen"));
        }
        Ok(())
    })
    .unwrap();
    // Only now: the hook is global, and is told through the environment.
    std::env::set_var("REFUSE_RELOADS", "1");
    match handle.reload() {
        Err(ReloadError::Refused(err)) => assert_eq!(err.reason(), "reloads are frozen"),
        other => panic!("{other:?}"),
    }
    assert!(refused(&b.join("4")) && !refused(&a.join("4")));
    std::env::remove_var("REFUSE_RELOADS");

    // After seal: no new hook, but the opted-in handle still reloads.
    audit_core::seal();
    assert!(matches!(
        Policy::install_reloadable(&file),
        Err(ReloadError::Refused(_))
    ));
    handle.reload().unwrap();
    assert!(refused(&a.join("5")) && !refused(&b.join("5")));
}
