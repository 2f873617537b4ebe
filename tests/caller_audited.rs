//! Caller attribution of `audit!` and `#[audited]`: `audit!` names its own
//! line, or its function's caller when that function is `#[track_caller]`,
//! or what `@caller` gives; `#[audited]` functions are made
//! `#[track_caller]` (not `async fn`, nor a foreign ABI). With the `off`
//! feature: no event at all.

use std::panic::Location;

use audit_core::testing::capture;
use audit_core::{audit, audited, AuditError, OwnedEvent};

/// The one event's caller, as `(file, line)`; `None` with `off`.
fn caller_of(events: &[OwnedEvent]) -> Option<(&'static str, u32)> {
    if !audit_core::ENABLED {
        assert!(events.is_empty(), "{events:?}");
        return None;
    }
    assert_eq!(events.len(), 1, "{events:?}");
    let at = events[0].caller().expect("a caller");
    Some((at.file(), at.line()))
}

const PLAIN_LINE: u32 = line!() + 2;
fn plain() -> Result<(), AuditError> {
    audit!("app.plain")
}

#[track_caller]
fn tracked() -> Result<(), AuditError> {
    audit!("app.tracked", n = 1u8)
}

#[test]
fn audit_names_its_own_line_or_its_tracked_callers() {
    let (_, events) = capture(plain);
    assert_eq!(
        caller_of(&events),
        Some((file!(), PLAIN_LINE)).filter(|_| audit_core::ENABLED)
    );

    // Passed as a function value, `tracked` is called through `FnOnce`: the
    // caller is the standard library's shim, as Rust defines it.
    let (_, events) = capture(tracked);
    if audit_core::ENABLED {
        let krate = events[0].caller_crate().unwrap();
        assert_eq!(krate.source(), audit_core::CrateSource::Toolchain);
        assert_eq!(krate.name(), Some("core"));
    }

    let (line, (_, events)) = (line!(), capture(|| tracked()));
    assert_eq!(
        caller_of(&events),
        Some((file!(), line)).filter(|_| audit_core::ENABLED)
    );
}

#[test]
fn at_caller_overrides_the_location() {
    #[track_caller]
    fn each(items: &[u8]) -> Result<(), AuditError> {
        let caller = Location::caller();
        items
            .iter()
            .try_for_each(|item| audit!(@caller caller, "app.item", item = *item))
    }
    let (line, (result, events)) = (line!(), capture(|| each(&[1, 2])));
    result.unwrap();
    if audit_core::ENABLED {
        assert_eq!(events.len(), 2);
        for e in &events {
            let at = e.caller().unwrap();
            assert_eq!((at.file(), at.line()), (file!(), line));
        }
    } else {
        assert!(events.is_empty());
    }
    // Any static location will do, and the arguments still work.
    let here = Location::caller();
    let (_, events) = capture(|| audit!(@caller here, "app.at", x = 3u8,));
    if audit_core::ENABLED {
        assert_eq!(events[0].caller(), Some(here));
        assert_eq!(events[0].arg("x").and_then(|v| v.as_u64()), Some(3));
    }
}

#[audited("app.delete")]
fn delete(path: &str) -> std::io::Result<()> {
    let _ = path;
    Ok(())
}

struct Store;

impl Store {
    #[audited("app.store.put")]
    fn put(&self, key: &str) -> std::io::Result<()> {
        let _ = key;
        Ok(())
    }
}

/// Already `#[track_caller]`: kept, not doubled.
#[track_caller]
#[audited("app.already")]
fn already() -> std::io::Result<()> {
    Ok(())
}

mod helper {
    pub const LINE: u32 = line!() + 2;
    pub fn delete_via_helper() -> std::io::Result<()> {
        super::delete("via-helper")
    }
}

#[test]
fn audited_functions_name_their_caller() {
    let (line, (result, events)) = (line!(), capture(|| delete("a")));
    result.unwrap();
    assert_eq!(
        caller_of(&events),
        Some((file!(), line)).filter(|_| audit_core::ENABLED)
    );

    let (line, (result, events)) = (line!(), capture(|| Store.put("k")));
    result.unwrap();
    assert_eq!(
        caller_of(&events),
        Some((file!(), line)).filter(|_| audit_core::ENABLED)
    );

    let (line, (result, events)) = (line!(), capture(|| already()));
    result.unwrap();
    assert_eq!(
        caller_of(&events),
        Some((file!(), line)).filter(|_| audit_core::ENABLED)
    );

    let (result, events) = capture(helper::delete_via_helper);
    result.unwrap();
    assert_eq!(
        caller_of(&events),
        Some((file!(), helper::LINE)).filter(|_| audit_core::ENABLED)
    );
}

#[audited("app.fetch")]
fn fetch(n: u32) -> impl std::future::Future<Output = std::io::Result<u32>> {
    async move { Ok(n) }
}

const ASYNC_LINE: u32 = line!() + 1;
#[audited("app.async_fetch")]
async fn async_fetch(n: u32) -> std::io::Result<u32> {
    Ok(n)
}

fn poll_now<F: std::future::Future>(fut: F) -> F::Output {
    let mut fut = std::pin::pin!(fut);
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    match fut.as_mut().poll(&mut cx) {
        std::task::Poll::Ready(out) => out,
        std::task::Poll::Pending => panic!("not ready"),
    }
}

#[test]
fn a_future_returning_fn_names_its_caller_an_async_fn_names_itself() {
    let (line, (result, events)) = (line!(), capture(|| poll_now(fetch(7))));
    assert_eq!(result.unwrap(), 7);
    assert_eq!(
        caller_of(&events),
        Some((file!(), line)).filter(|_| audit_core::ENABLED)
    );

    // Rust does not track callers through `async fn`: the event names the
    // function itself (its attribute), documented as such.
    let (result, events) = capture(|| poll_now(async_fetch(8)));
    assert_eq!(result.unwrap(), 8);
    assert_eq!(
        caller_of(&events),
        Some((file!(), ASYNC_LINE)).filter(|_| audit_core::ENABLED)
    );
}

#[test]
fn the_caller_crate_of_a_root_package_test_is_the_workspace() {
    let (_, events) = capture(|| delete("c"));
    if audit_core::ENABLED {
        let krate = events[0].caller_crate().unwrap();
        assert_eq!(krate.source(), audit_core::CrateSource::Workspace);
        assert_eq!(krate.name(), None);
        // And the owned copy keeps the caller.
        assert_eq!(events[0].clone().caller(), events[0].caller());
    }
}

#[audited("app.must", on_veto = panic)]
fn must(n: u8) -> u8 {
    n
}

fn deny(_: &audit_core::Event<'_>) -> Result<(), AuditError> {
    Err(AuditError::denied("no"))
}

#[test]
fn a_veto_that_panics_is_reported_at_the_caller() {
    use std::sync::Mutex;
    static SEEN: Mutex<Option<(String, u32)>> = Mutex::new(None);
    // Only this binary's vetoed panic is expected; others pass through.
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| match info.location() {
        Some(at) if info.to_string().contains("app.must") => {
            *SEEN.lock().unwrap() = Some((at.file().to_owned(), at.line()));
        }
        _ => previous(info),
    }));
    // The call and `line!()` on one line: not reformatted.
    #[rustfmt::skip]
    let (line, (result, events)) = (line!(), audit_core::testing::capture_with(deny, || std::panic::catch_unwind(|| must(1))));
    let _ = std::panic::take_hook();
    if audit_core::ENABLED {
        assert!(result.is_err(), "the veto panics");
        assert_eq!(caller_of(&events), Some((file!(), line)));
        let seen = SEEN.lock().unwrap().clone();
        assert_eq!(seen, Some((file!().to_owned(), line)));
    } else {
        assert_eq!(result.ok(), Some(1));
        assert!(events.is_empty());
    }
}
