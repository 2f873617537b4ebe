//! Running audit points under a policy through a scoped capture.
#![allow(dead_code)]

use audit_core::{testing, AuditError, AuditErrorKind};
use audit_policy::Policy;

/// Runs `f` (which raises events) with `policy` vetoing them on this thread.
///
/// Returns `None` when auditing is compiled out, after checking that nothing
/// was raised and nothing refused; otherwise the result of `f`.
pub fn run(
    policy: &Policy,
    f: impl FnOnce() -> Result<(), AuditError>,
) -> Option<Result<(), AuditError>> {
    let (result, events) = testing::capture_with_hook(policy.clone(), f);
    if !audit_core::ENABLED {
        assert!(
            result.is_ok(),
            "compiled out, nothing is refused: {result:?}"
        );
        assert!(events.is_empty());
        return None;
    }
    assert!(!events.is_empty(), "the event reached the policy");
    Some(result)
}

/// Asserts that `policy` refuses the event `f` raises, with a reason
/// containing `reason` (when auditing is enabled).
#[track_caller]
pub fn denied(policy: &Policy, reason: &str, f: impl FnOnce() -> Result<(), AuditError>) {
    if let Some(result) = run(policy, f) {
        let err = result.expect_err("the policy should deny this event");
        assert_eq!(err.kind(), AuditErrorKind::Denied);
        assert!(
            err.reason().contains(reason),
            "reason {:?} lacks {reason:?}",
            err.reason()
        );
    }
}

/// Asserts that `policy` allows the event `f` raises.
#[track_caller]
pub fn allowed(policy: &Policy, f: impl FnOnce() -> Result<(), AuditError>) {
    if let Some(Err(err)) = run(policy, f) {
        panic!("the policy should allow this event, but: {err}");
    }
}
