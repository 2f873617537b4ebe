//! `audit_std::testing`'s "writes only under WORK", enforcing, against
//! every write route of `escape_common`: each must be refused before it
//! changes anything outside, and reported. Also the checks that observe
//! without enforcing: they must report every route.

mod escape_common;

use std::io;

use audit_std::testing::Expect;
use escape_common::{allowed_under, escapes, Arena};

fn enforced(attempt: &dyn Fn() -> io::Result<()>) -> io::Result<()> {
    let expect = Expect::new().writes_only_under(Arena::work_dir()).enforce();
    match expect.check(attempt) {
        Ok(result) => result,
        // Refused and reported: the attempt's own result says how it failed.
        Err(violations) => {
            assert!(!violations.is_empty());
            Err(io::Error::new(
                io::ErrorKind::PermissionDenied,
                violations.to_string(),
            ))
        }
    }
}

#[test]
fn no_route_writes_outside_the_work_directory() {
    if !audit_core::ENABLED {
        return; // nothing is audited, so nothing is judged
    }
    let escaped = escapes(&enforced);
    assert!(escaped.is_empty(), "escaped:\n{}", escaped.join("\n"));
}

#[test]
fn writes_inside_and_reads_outside_stay_allowed() {
    allowed_under(&enforced).unwrap();
}
