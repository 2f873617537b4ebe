//! The policy of `examples/policy.rs` (`examples/policy.toml`), exactly as shipped ("writes only
//! inside the work directory"), against every write route of
//! `escape_common`. Its own binary: the policy is a global hook.

#[macro_use]
mod escape_common;

use std::io;
use std::path::Path;

/// The example's policy file, as shipped, for the work directory `work`.
fn shipped_policy(work: &Path) -> String {
    include_str!("../examples/policy.toml").replace("{work}", work.to_str().unwrap())
}

fn guarded(attempt: &dyn Fn() -> io::Result<()>) -> io::Result<()> {
    escape_common::under_policy(shipped_policy, attempt)
}

escape_suite!(guarded);
