//! Naming hooks: the `hook` argument of `audit.add_hook` is the hook's
//! `Hook::name`, by default its type name, and `audit_core::named` /
//! `Named::new` give a closure or a hook type a name of its own without
//! changing anything else about it. Its own test binary: it installs global
//! hooks, which stay for the life of the process.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, Once};

use audit_core::{
    audit, install_hook, named, AuditError, AuditErrorKind, Event, Hook, Interest, Named, Outcome,
    ADD_HOOK_EVENT,
};

/// Every `audit.add_hook` event seen, in one line each (its `Display`).
static ADDED: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// Every `audit.add_hook` event seen: the name, and where its caller is.
static INSTALLERS: Mutex<Vec<(String, &'static str, u32)>> = Mutex::new(Vec::new());

/// Installs, once, the hook that records `audit.add_hook` events.
fn record_additions() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        install_hook(named("add-hook-recorder", |event: &Event<'_>| {
            if event.name() == ADD_HOOK_EVENT {
                ADDED.lock().unwrap().push(event.to_string());
                let name = event.arg("hook").and_then(|v| v.as_str()).unwrap_or("?");
                let caller = event.caller().expect("an install has a caller");
                INSTALLERS
                    .lock()
                    .unwrap()
                    .push((name.to_owned(), caller.file(), caller.line()));
            }
            Ok(())
        }))
        .unwrap();
    });
}

fn added() -> Vec<String> {
    ADDED.lock().unwrap().clone()
}

#[test]
fn a_named_closure_is_reported_by_its_name() {
    let hook = named("json-log", |_: &Event<'_>| Ok(()));
    assert_eq!(hook.name(), "json-log");
    if !audit_core::ENABLED {
        let err = install_hook(hook).unwrap_err();
        assert_eq!(err.kind(), AuditErrorKind::CompiledOut);
        return;
    }
    record_additions();
    install_hook(hook).unwrap();
    assert!(
        added().contains(&r#"audit.add_hook(hook="json-log")"#.to_owned()),
        "{:?}",
        added()
    );
}

#[test]
fn an_unnamed_closure_is_reported_by_its_type_name() {
    let hook = |_: &Event<'_>| Ok(());
    assert!(
        Hook::name(&hook).contains("{{closure}}"),
        "{}",
        Hook::name(&hook)
    );
    if !audit_core::ENABLED {
        return;
    }
    record_additions();
    audit_core::add_hook(hook).unwrap();
    assert!(
        added()
            .iter()
            .any(|line| line
                .contains("an_unnamed_closure_is_reported_by_its_type_name::{{closure}}")),
        "{:?}",
        added()
    );
}

/// A hook type that counts its events, sees only `names.*`, and observes
/// outcomes: everything `Named` must pass through.
struct Counting {
    events: Arc<AtomicUsize>,
    outcomes: Arc<AtomicUsize>,
}

impl Hook for Counting {
    fn on_event(&self, event: &Event<'_>) -> Result<(), AuditError> {
        self.events.fetch_add(1, Ordering::SeqCst);
        if event.name() == "names.refused" {
            return Err(AuditError::denied("refused by the named hook"));
        }
        Ok(())
    }
    fn interest(&self) -> Interest {
        Interest::prefixes(["names."])
    }
    fn observes_outcome(&self) -> bool {
        true
    }
    fn on_outcome(&self, _: &Event<'_>, _: &Outcome<'_>) -> Result<(), AuditError> {
        self.outcomes.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }
}

#[test]
fn named_keeps_the_hook_s_events_interest_and_outcomes() {
    let events = Arc::new(AtomicUsize::new(0));
    let outcomes = Arc::new(AtomicUsize::new(0));
    let hook = Named::new(
        "counting",
        Counting {
            events: Arc::clone(&events),
            outcomes: Arc::clone(&outcomes),
        },
    );
    assert_eq!(hook.name(), "counting");
    assert!(hook.observes_outcome());
    assert!(format!("{hook:?}").contains("\"counting\""));
    if !audit_core::ENABLED {
        return;
    }
    record_additions();
    install_hook(hook).unwrap();
    assert!(added().contains(&r#"audit.add_hook(hook="counting")"#.to_owned()));

    audit!("names.seen").unwrap();
    audit!("other.not_seen").unwrap(); // outside the interest
    let err = audit!("names.refused").unwrap_err();
    assert_eq!(err.reason(), "refused by the named hook");
    assert_eq!(events.load(Ordering::SeqCst), 2);
    assert_eq!(outcomes.load(Ordering::SeqCst), 2);
}

#[test]
fn a_name_cannot_break_the_one_line_display() {
    if !audit_core::ENABLED {
        return;
    }
    record_additions();
    install_hook(named(
        String::from("x\")\naudit.add_hook(hook=\"trusted"),
        |_: &Event<'_>| Ok(()),
    ))
    .unwrap();
    let lines = added();
    let line = lines
        .iter()
        .find(|l| l.contains("trusted"))
        .expect("recorded");
    assert_eq!(
        line,
        r#"audit.add_hook(hook="x\")\naudit.add_hook(hook=\"trusted")"#
    );
    assert!(!line.contains('\n'));
}

/// A hook whose `name` panics.
struct PanickyName;

impl Hook for PanickyName {
    fn on_event(&self, _: &Event<'_>) -> Result<(), AuditError> {
        Ok(())
    }
    fn name(&self) -> &str {
        panic!("no name today")
    }
}

#[test]
fn a_panicking_name_keeps_the_hook_out() {
    if !audit_core::ENABLED {
        return;
    }
    let err = install_hook(PanickyName).unwrap_err();
    assert_eq!(err.kind(), AuditErrorKind::HookPanicked);
    assert!(err.reason().contains("no name today"), "{err}");
    assert!(err.reason().contains("`name`"), "{err}");
}

/// Installs `name` for its caller: the attribution passes through.
#[track_caller]
fn install_for_caller(name: &'static str) {
    install_hook(named(name, |_: &Event<'_>| Ok(()))).unwrap();
}

/// Installs `name` itself: the attribution stops here.
fn install_here(name: &'static str) -> u32 {
    let line = line!() + 1;
    install_hook(named(name, |_: &Event<'_>| Ok(()))).unwrap();
    line
}

#[test]
fn the_installer_is_the_code_the_compiler_says_whatever_the_name() {
    if !audit_core::ENABLED {
        return;
    }
    record_additions();
    // A name anyone may choose...
    let line = line!() + 1;
    install_hook(named("audit_policy::Policy", |_: &Event<'_>| Ok(()))).unwrap();
    // ...and the caller nobody can: this file and line.
    let through = line!() + 1;
    install_for_caller("installed-for-its-caller");
    let here = install_here("installed-by-a-helper");
    let installers = INSTALLERS.lock().unwrap().clone();
    let find = |name: &str| {
        let found: Vec<_> = installers.iter().filter(|(n, ..)| n == name).collect();
        assert_eq!(found.len(), 1, "{installers:?}");
        (found[0].1, found[0].2)
    };
    assert_eq!(find("audit_policy::Policy"), (file!(), line));
    assert_eq!(find("installed-for-its-caller"), (file!(), through));
    assert_eq!(find("installed-by-a-helper"), (file!(), here));
}
