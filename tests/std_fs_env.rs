//! `audit_std::env::set_current_dir`. In its own test binary because the
//! current directory is process-wide: changing it must not race with other
//! tests (this file has a single test).

use std::io;

use audit_std::env;

mod std_fs_common;

#[test]
fn set_current_dir_vetoed_stays_put() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().canonicalize().unwrap();
    let start = env::current_dir().unwrap();
    let (r, events) =
        audit_core::testing::capture_with(std_fs_common::deny, || env::set_current_dir(&target));
    if audit_core::ENABLED {
        assert_eq!(r.unwrap_err().kind(), io::ErrorKind::PermissionDenied);
        std_fs_common::assert_event(
            &events,
            "fs.set_current_dir",
            &[("path", std_fs_common::Expect::Path(&target))],
        );
        assert_eq!(env::current_dir().unwrap(), start, "a veto leaves the cwd");
        let (r, events) = audit_core::testing::capture(|| env::set_current_dir(&target));
        r.unwrap();
        assert_eq!(events.len(), 1);
    } else {
        r.unwrap();
        assert!(events.is_empty());
    }
    assert_eq!(env::current_dir().unwrap(), target);
    // The rest of std::env is re-exported: `env::var` etc. still resolve.
    let _ = env::var_os("PATH");
    std::env::set_current_dir(&start).unwrap();
}
