//! `audit_std::testing`'s "writes only under WORK", enforcing, against
//! every write route of `escape_common`: each must be refused before it
//! changes anything outside, and reported. Also the checks that observe
//! without enforcing: they must report every route.

#[macro_use]
mod escape_common;

use std::io;

use audit_std::testing::Expect;
use escape_common::Arena;

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

escape_suite!(enforced);
