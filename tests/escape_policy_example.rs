//! The policy of `examples/policy.rs` (`examples/policy.toml`), exactly as shipped ("writes only
//! inside the work directory"), against every write route of
//! `escape_common`. Its own binary: the policy is a global hook.

mod escape_common;

use std::io;
use std::sync::Once;

use audit_policy::Policy;
use escape_common::{allowed_under, escapes, Arena};

/// The example's policy file, as shipped.
fn shipped_policy() -> &'static str {
    include_str!("../examples/policy.toml")
}

fn guarded(attempt: &dyn Fn() -> io::Result<()>) -> io::Result<()> {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let work = Arena::work_dir();
        let text = shipped_policy().replace("{work}", work.to_str().unwrap());
        Policy::from_toml(&text).unwrap().install().unwrap();
    });
    attempt()
}

#[test]
fn no_route_writes_outside_the_work_directory() {
    if !audit_core::ENABLED {
        return; // nothing is audited, so nothing is guarded
    }
    let escaped = escapes(&guarded);
    assert!(escaped.is_empty(), "escaped:\n{}", escaped.join("\n"));
}

#[test]
fn writes_inside_and_reads_outside_stay_allowed() {
    if !audit_core::ENABLED {
        return;
    }
    allowed_under(&guarded).unwrap();
}
