//! A hook whose interest panics while it is being added leaves the registry
//! exactly as it was: `add_hook*` returns `HookPanicked`, the hook is never
//! called, and a security hook added afterwards vetoes at every callsite,
//! those the panicking predicate had already answered for included.
//!
//! Its own test binary (hooks are global and permanent), with one test, so
//! that the steps run in order.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use audit_core::{
    add_hook, add_hook_with_interest, audit, catalogue, hook_count, install_hook, AuditError,
    AuditErrorKind, Event, Hook, Interest,
};

/// The callsites the test probes.
const PROBES: [&str; 4] = ["app.probe.a", "app.probe.b", "app.probe.c", "app.probe.d"];

/// Raises the `i`th probe: four distinct audit points.
fn probe(i: usize) -> Result<(), AuditError> {
    match i {
        0 => audit!("app.probe.a", i),
        1 => audit!("app.probe.b", i),
        2 => audit!("app.probe.c", i),
        _ => audit!("app.probe.d", i),
    }
}

/// Counts the events it is called with; panics in `interest` after saying
/// yes to `yes_before_panic` probe callsites.
struct Rigged {
    calls: Arc<AtomicUsize>,
    yes_before_panic: usize,
}

impl Hook for Rigged {
    fn on_event(&self, _event: &Event<'_>) -> Result<(), AuditError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }

    fn interest(&self) -> Interest {
        if self.yes_before_panic == 0 {
            panic!("interest() itself fails");
        }
        let limit = self.yes_before_panic;
        let seen = AtomicUsize::new(0);
        Interest::predicate(move |site| {
            if !site.name().starts_with("app.probe.") {
                return false;
            }
            if seen.fetch_add(1, Ordering::SeqCst) == limit {
                panic!(
                    "{}",
                    String::from("predicate fails at callsite ") + site.name()
                );
            }
            true
        })
    }
}

fn assert_panicked(result: std::thread::Result<Result<(), AuditError>>, needle: &str) {
    let err = match result {
        Ok(Err(err)) => err,
        Ok(Ok(())) => panic!("a hook whose interest panics was added"),
        Err(_) => panic!("the interest's panic escaped add_hook"),
    };
    assert_eq!(err.kind(), AuditErrorKind::HookPanicked, "{err}");
    assert_eq!(err.event(), Some(audit_core::ADD_HOOK_EVENT));
    assert!(err.reason().contains(needle), "{err}");
}

#[test]
fn a_panicking_interest_changes_nothing() {
    if !audit_core::ENABLED {
        let r = add_hook_with_interest(Interest::predicate(|_| panic!("never asked")), |_| Ok(()));
        assert_eq!(r.unwrap_err().kind(), AuditErrorKind::CompiledOut);
        return;
    }
    let probes = catalogue()
        .filter(|s| s.name().starts_with("app.probe."))
        .count();
    assert_eq!(probes, PROBES.len());

    // A hook added before: it must keep seeing every probe.
    let before = Arc::new(AtomicUsize::new(0));
    let b = Arc::clone(&before);
    add_hook_with_interest(Interest::prefixes(["app.probe."]), move |_| {
        b.fetch_add(1, Ordering::SeqCst);
        Ok(())
    })
    .unwrap();
    assert_eq!(hook_count(), 1);

    // A closure hook whose predicate says yes to three probes, then panics.
    let rigged_calls = Arc::new(AtomicUsize::new(0));
    let visited = Arc::new(Mutex::new(Vec::new()));
    let v = Arc::clone(&visited);
    let calls = Arc::clone(&rigged_calls);
    let result = catch_unwind(AssertUnwindSafe(|| {
        add_hook_with_interest(
            Interest::predicate(move |site| {
                if !site.name().starts_with("app.probe.") {
                    return false;
                }
                let mut v = v.lock().unwrap();
                v.push(site.name());
                if v.len() == PROBES.len() {
                    drop(v);
                    panic!("predicate fails half-way");
                }
                true
            }),
            move |_| {
                calls.fetch_add(1, Ordering::SeqCst);
                Ok(())
            },
        )
    }));
    assert_panicked(result, "predicate fails half-way");
    assert_eq!(visited.lock().unwrap().len(), PROBES.len());

    // The same through `install_hook`: a predicate that panics after one
    // yes, and an `interest()` that panics itself.
    for yes_before_panic in [1, 3, 0] {
        let hook = Rigged {
            calls: Arc::clone(&rigged_calls),
            yes_before_panic,
        };
        let needle = if yes_before_panic == 0 {
            "interest() itself fails"
        } else {
            "predicate fails at callsite app.probe."
        };
        assert_panicked(
            catch_unwind(AssertUnwindSafe(|| install_hook(hook))),
            needle,
        );
    }
    assert_eq!(hook_count(), 1, "no hook was added");

    // Sets are keyed by the positions of their hooks: a half-installed hook
    // would now stand in for the next one at the callsites it reached.
    let vetoes = Arc::new(AtomicUsize::new(0));
    let n = Arc::clone(&vetoes);
    add_hook_with_interest(Interest::prefixes(["app.probe."]), move |_| {
        n.fetch_add(1, Ordering::SeqCst);
        Err(AuditError::denied("security hook"))
    })
    .unwrap();
    assert_eq!(hook_count(), 2);

    for (i, name) in PROBES.into_iter().enumerate() {
        let err = probe(i).expect_err("the security hook must veto every probe");
        assert_eq!(err.kind(), AuditErrorKind::Denied);
        assert_eq!(err.reason(), "security hook");
        assert_eq!(err.event(), Some(name));
    }
    assert_eq!(vetoes.load(Ordering::SeqCst), PROBES.len());
    assert_eq!(before.load(Ordering::SeqCst), PROBES.len());
    assert_eq!(
        rigged_calls.load(Ordering::SeqCst),
        0,
        "a refused hook never runs"
    );

    // And hooks added later still work everywhere.
    let after = Arc::new(AtomicUsize::new(0));
    let a = Arc::clone(&after);
    add_hook(move |e| {
        if e.name() == "app.after" {
            a.fetch_add(1, Ordering::SeqCst);
        }
        Ok(())
    })
    .unwrap();
    audit!("app.after").unwrap();
    assert_eq!(after.load(Ordering::SeqCst), 1);
    assert!(probe(0).is_err());
}
