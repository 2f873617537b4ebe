//! Global hook semantics: order, vetoes, `audit.add_hook`, threads,
//! re-entrancy, panics and interest.
//!
//! Hooks cannot be removed, so this file is its own test binary: the hooks it
//! installs must not leak into other tests. Tests here run in parallel, so
//! each one uses event names of its own and its hooks ignore everything else.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier, Mutex};
use std::thread;

use audit_core::{
    add_hook, add_hook_with_interest, audit, AuditError, AuditErrorKind, Event, Interest,
};

/// Appends `tag` to `log` for events named `name`, and vetoes when `veto`.
fn recorder(
    log: &Arc<Mutex<Vec<&'static str>>>,
    name: &'static str,
    tag: &'static str,
    veto: bool,
) -> impl Fn(&Event<'_>) -> Result<(), AuditError> + Send + Sync + 'static {
    let log = Arc::clone(log);
    move |e| {
        if e.name() != name {
            return Ok(());
        }
        log.lock().unwrap().push(tag);
        if veto {
            Err(AuditError::denied(tag))
        } else {
            Ok(())
        }
    }
}

#[test]
fn off_feature_refuses_hooks() {
    if audit_core::ENABLED {
        return;
    }
    let err = add_hook(|_| Ok(())).unwrap_err();
    assert_eq!(err.kind(), AuditErrorKind::CompiledOut);
    assert!(err.to_string().contains("compiled out"), "{err}");
    assert_eq!(audit_core::hook_count(), 0);
}

#[test]
fn hooks_run_in_order_and_the_first_error_stops_dispatch() {
    if !audit_core::ENABLED {
        return;
    }
    let log = Arc::new(Mutex::new(Vec::new()));
    add_hook(recorder(&log, "order.event", "first", false)).unwrap();
    add_hook(recorder(&log, "order.event", "second", true)).unwrap();
    add_hook(recorder(&log, "order.event", "third", false)).unwrap();

    let err = audit!("order.event").unwrap_err();
    assert_eq!(err.reason(), "second");
    assert_eq!(err.event(), Some("order.event"));
    assert_eq!(
        *log.lock().unwrap(),
        ["first", "second"],
        "third must not run"
    );
}

#[test]
fn adding_a_hook_is_audited_and_can_be_vetoed() {
    if !audit_core::ENABLED {
        return;
    }
    struct Gatekeeper;
    struct Rejected;
    impl audit_core::Hook for Rejected {
        fn on_event(&self, e: &Event<'_>) -> Result<(), AuditError> {
            assert_ne!(e.name(), "gate.probe", "a vetoed hook must never run");
            Ok(())
        }
    }
    impl audit_core::Hook for Gatekeeper {
        fn on_event(&self, e: &Event<'_>) -> Result<(), AuditError> {
            let hook = e.arg("hook").and_then(|v| v.as_str()).unwrap_or("");
            if e.name() == audit_core::ADD_HOOK_EVENT && hook.ends_with("Rejected") {
                return Err(AuditError::denied("no Rejected hooks"));
            }
            Ok(())
        }
    }
    audit_core::install_hook(Gatekeeper).unwrap();
    let before = audit_core::hook_count();
    let err = audit_core::install_hook(Rejected).unwrap_err();
    assert_eq!(err.event(), Some(audit_core::ADD_HOOK_EVENT));
    assert_eq!(err.reason(), "no Rejected hooks");
    assert!(
        audit_core::hook_count() <= before + 1,
        "other tests may add hooks meanwhile"
    );
    audit!("gate.probe").unwrap();
}

#[test]
fn a_new_hook_does_not_see_its_own_addition() {
    if !audit_core::ENABLED {
        return;
    }
    let seen = Arc::new(AtomicUsize::new(0));
    let s = Arc::clone(&seen);
    add_hook(move |e| {
        if e.name() == audit_core::ADD_HOOK_EVENT
            && e.arg("hook")
                .and_then(|v| v.as_str())
                .is_some_and(|h| h.contains("a_new_hook_does_not_see_its_own_addition"))
        {
            s.fetch_add(1, Ordering::SeqCst);
        }
        Ok(())
    })
    .unwrap();
    assert_eq!(seen.load(Ordering::SeqCst), 0);
    // It does see the next addition (whose closure type is named after this test too).
    add_hook(|_| Ok(())).unwrap();
    assert_eq!(seen.load(Ordering::SeqCst), 1);
}

#[test]
fn events_from_other_threads_reach_hooks_added_before() {
    if !audit_core::ENABLED {
        return;
    }
    let count = Arc::new(AtomicUsize::new(0));
    let c = Arc::clone(&count);
    add_hook(move |e| {
        if e.name() == "threads.event" {
            c.fetch_add(1, Ordering::SeqCst);
        }
        Ok(())
    })
    .unwrap();
    let handles: Vec<_> = (0..4)
        .map(|_| thread::spawn(|| (0..100).for_each(|_| audit!("threads.event").unwrap())))
        .collect();
    handles.into_iter().for_each(|h| h.join().unwrap());
    assert_eq!(count.load(Ordering::SeqCst), 400);
}

#[test]
fn a_hook_added_while_others_dispatch_sees_every_later_event() {
    if !audit_core::ENABLED {
        return;
    }
    // Two threads raise events in a loop while this thread adds a hook. Each
    // raiser notes how many events it raised after it learned that
    // `add_hook` had returned; the hook must have seen at least that many.
    let added = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let after = Arc::new(AtomicUsize::new(0));
    let seen = Arc::new(AtomicUsize::new(0));
    let start = Arc::new(Barrier::new(3));
    let raisers: Vec<_> = (0..2)
        .map(|_| {
            let (added, after, start) =
                (Arc::clone(&added), Arc::clone(&after), Arc::clone(&start));
            thread::spawn(move || {
                start.wait();
                for _ in 0..20_000 {
                    let was_added = added.load(Ordering::SeqCst);
                    audit!("race.event").unwrap();
                    if was_added {
                        after.fetch_add(1, Ordering::SeqCst);
                    }
                }
            })
        })
        .collect();
    start.wait();
    let s = Arc::clone(&seen);
    add_hook(move |e| {
        if e.name() == "race.event" {
            s.fetch_add(1, Ordering::SeqCst);
        }
        Ok(())
    })
    .unwrap();
    added.store(true, Ordering::SeqCst);
    raisers.into_iter().for_each(|h| h.join().unwrap());
    assert!(
        seen.load(Ordering::SeqCst) >= after.load(Ordering::SeqCst),
        "seen {} < raised after add_hook returned {}",
        seen.load(Ordering::SeqCst),
        after.load(Ordering::SeqCst)
    );
}

#[test]
fn audit_points_inside_a_hook_do_not_call_hooks_again() {
    if !audit_core::ENABLED {
        return;
    }
    let outer = Arc::new(AtomicUsize::new(0));
    let inner = Arc::new(AtomicUsize::new(0));
    let (o, i) = (Arc::clone(&outer), Arc::clone(&inner));
    add_hook(move |e| {
        match e.name() {
            "reentry.outer" => {
                o.fetch_add(1, Ordering::SeqCst);
                // A logging hook doing audited work: must not recurse, and
                // must not be vetoed by anyone.
                audit!("reentry.inner").expect("inner audit points succeed silently");
                assert!(add_hook(|_| Ok(())).is_err_and(|e| e.kind() == AuditErrorKind::InsideHook));
            }
            "reentry.inner" => {
                i.fetch_add(1, Ordering::SeqCst);
            }
            _ => {}
        }
        Ok(())
    })
    .unwrap();
    audit!("reentry.outer").unwrap();
    assert_eq!(outer.load(Ordering::SeqCst), 1);
    assert_eq!(inner.load(Ordering::SeqCst), 0);
    // Outside a hook the inner event is dispatched normally.
    audit!("reentry.inner").unwrap();
    assert_eq!(inner.load(Ordering::SeqCst), 1);
}

#[test]
fn a_panicking_hook_fails_closed_without_poisoning_the_registry() {
    if !audit_core::ENABLED {
        return;
    }
    let after = Arc::new(AtomicUsize::new(0));
    add_hook(|e| {
        if e.name() == "panic.event" {
            panic!("hook is broken");
        }
        Ok(())
    })
    .unwrap();
    let a = Arc::clone(&after);
    add_hook(move |e| {
        if e.name() == "panic.event" {
            a.fetch_add(1, Ordering::SeqCst);
        }
        Ok(())
    })
    .unwrap();
    let err = audit!("panic.event").unwrap_err();
    assert_eq!(err.kind(), AuditErrorKind::HookPanicked);
    assert!(err.reason().contains("hook is broken"), "{err}");
    assert_eq!(after.load(Ordering::SeqCst), 0, "later hooks do not run");
    // The registry still works: other events dispatch, hooks can be added.
    audit!("panic.other").unwrap();
    add_hook(|_| Ok(())).unwrap();
    assert!(audit!("panic.event").is_err(), "still fails closed");
}

#[test]
fn interest_filters_what_a_hook_sees_and_is_recomputed_when_hooks_change() {
    if !audit_core::ENABLED {
        return;
    }
    let net = Arc::new(AtomicUsize::new(0));
    let n = Arc::clone(&net);
    add_hook_with_interest(Interest::prefixes(["interest.net."]), move |e| {
        assert!(e.name().starts_with("interest.net."), "got {}", e.name());
        n.fetch_add(1, Ordering::SeqCst);
        Ok(())
    })
    .unwrap();
    fn fs_point() -> Result<(), AuditError> {
        audit!("interest.fs.open")
    }
    for _ in 0..3 {
        fs_point().unwrap();
        audit!("interest.net.connect").unwrap();
    }
    assert_eq!(net.load(Ordering::SeqCst), 3);

    // A later hook that wants the fs callsite must see it, even though the
    // callsite may have cached "nobody is interested".
    let fs = Arc::new(AtomicUsize::new(0));
    let f = Arc::clone(&fs);
    add_hook_with_interest(
        Interest::predicate(|site| site.name() == "interest.fs.open"),
        move |_| {
            f.fetch_add(1, Ordering::SeqCst);
            Ok(())
        },
    )
    .unwrap();
    fs_point().unwrap();
    assert_eq!(fs.load(Ordering::SeqCst), 1);
}

#[test]
fn hooks_with_different_interests_run_in_the_order_added() {
    if !audit_core::ENABLED {
        return;
    }
    let log = Arc::new(Mutex::new(Vec::new()));
    let tagged = |tag: &'static str| {
        let log = Arc::clone(&log);
        move |e: &Event<'_>| {
            log.lock().unwrap().push((e.name(), tag));
            Ok(())
        }
    };
    add_hook_with_interest(Interest::prefixes(["mixed."]), tagged("a")).unwrap();
    add_hook_with_interest(Interest::prefixes(["mixed.net."]), tagged("b")).unwrap();
    add_hook_with_interest(Interest::prefixes(["mixed."]), tagged("c")).unwrap();
    add_hook_with_interest(
        Interest::predicate(|site| site.name() == "mixed.fs.open"),
        tagged("d"),
    )
    .unwrap();

    audit!("mixed.fs.open").unwrap();
    audit!("mixed.net.connect").unwrap();
    audit!("mixed.other").unwrap();
    assert_eq!(
        *log.lock().unwrap(),
        [
            ("mixed.fs.open", "a"),
            ("mixed.fs.open", "c"),
            ("mixed.fs.open", "d"),
            ("mixed.net.connect", "a"),
            ("mixed.net.connect", "b"),
            ("mixed.net.connect", "c"),
            ("mixed.other", "a"),
            ("mixed.other", "c"),
        ]
    );
}
