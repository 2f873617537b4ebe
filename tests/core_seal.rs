//! `seal()` is permanent for the process, so it gets a test binary of its own.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use audit_core::{add_hook, audit, seal, AuditErrorKind};

#[test]
fn sealing_stops_new_hooks_and_keeps_existing_ones() {
    if !audit_core::ENABLED {
        seal();
        assert_eq!(
            add_hook(|_| Ok(())).unwrap_err().kind(),
            AuditErrorKind::CompiledOut
        );
        return;
    }
    let seen = Arc::new(AtomicUsize::new(0));
    let s = Arc::clone(&seen);
    add_hook(move |e| {
        if e.name() == "seal.event" {
            s.fetch_add(1, Ordering::SeqCst);
        }
        Ok(())
    })
    .unwrap();
    assert!(!audit_core::is_sealed());
    seal();
    seal(); // idempotent
    assert!(audit_core::is_sealed());

    let err = add_hook(|_| Ok(())).unwrap_err();
    assert_eq!(err.kind(), AuditErrorKind::Sealed);
    assert!(err.to_string().contains("sealed"), "{err}");
    assert_eq!(audit_core::hook_count(), 1);

    audit!("seal.event").unwrap();
    assert_eq!(
        seen.load(Ordering::SeqCst),
        1,
        "existing hooks keep working"
    );
}
