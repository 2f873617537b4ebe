//! An audited operation evaluated while an audit point builds its arguments
//! is a real operation: it raises its own event, which hooks see and may
//! veto. Only hooks themselves are exempt (their own audited I/O raises
//! nothing).
//!
//! Its own test binary: it installs a global hook that vetoes removals of
//! files named `protected`. Tests here run in parallel; each works in its own
//! temporary directory and observes its own thread through a capture.

use std::cell::RefCell;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Once;

use audit_core::{add_hook, audit, audited, testing, AuditError, AuditErrorKind, OwnedEvent};

/// Installs the global hook once: it vetoes `fs.remove_file` of any file
/// named `protected`, and on `app.log` writes the file named by its `to`
/// argument through `audit_std` (a hook's own audited I/O).
fn install() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        if !audit_core::ENABLED {
            return;
        }
        add_hook(|event| {
            let path = event
                .arg("path")
                .and_then(|v| v.as_path().map(Path::to_owned));
            if event.name() == "fs.remove_file"
                && path.is_some_and(|p| p.file_name().is_some_and(|n| n == "protected"))
            {
                return Err(AuditError::denied("protected files stay"));
            }
            if event.name() == "app.log" {
                let to = event
                    .arg("to")
                    .and_then(|v| v.as_path().map(Path::to_owned));
                if let Some(to) = to {
                    audit_std::fs::write(to, b"logged")
                        .map_err(|e| AuditError::denied(format!("log failed: {e}")))?;
                }
            }
            Ok(())
        })
        .unwrap();
    });
}

/// The events' names, in order.
fn names(events: &[OwnedEvent]) -> Vec<&'static str> {
    events.iter().map(OwnedEvent::name).collect()
}

fn path_arg(event: &OwnedEvent) -> Option<PathBuf> {
    event.arg("path")?.as_path().map(Path::to_owned)
}

fn bool_arg(event: &OwnedEvent, name: &str) -> Option<bool> {
    event.arg(name)?.as_bool()
}

fn victim(dir: &Path, name: &str) -> PathBuf {
    let path = dir.join(name);
    fs::write(&path, b"x").unwrap();
    path
}

#[test]
fn an_operation_in_an_argument_raises_its_own_event() {
    install();
    let dir = tempfile::tempdir().unwrap();
    let file = victim(dir.path(), "victim");
    let (result, events) =
        testing::capture(|| audit!("app.x", removed = audit_std::fs::remove_file(&file).is_ok()));
    result.unwrap();
    if !audit_core::ENABLED {
        // Compiled out, the arguments are not evaluated.
        assert!(file.exists());
        assert!(events.is_empty());
        return;
    }
    assert!(!file.exists(), "the removal ran");
    assert_eq!(names(&events), ["fs.remove_file", "app.x"]);
    assert_eq!(path_arg(&events[0]).as_deref(), Some(&*file));
    assert_eq!(bool_arg(&events[1], "removed"), Some(true));
}

#[test]
fn an_operation_in_an_argument_can_be_vetoed() {
    install();
    let dir = tempfile::tempdir().unwrap();
    let file = victim(dir.path(), "protected");
    let (result, events) =
        testing::capture(|| audit!("app.x", removed = audit_std::fs::remove_file(&file).is_ok()));
    result.unwrap();
    // Compiled out, the argument is not evaluated; compiled in, the veto
    // stops the removal.
    assert!(file.exists(), "the hook's veto must stop the removal");
    if !audit_core::ENABLED {
        return;
    }
    assert_eq!(names(&events), ["fs.remove_file", "app.x"]);
    assert_eq!(bool_arg(&events[1], "removed"), Some(false));
}

#[test]
fn a_veto_in_a_capture_hook_reaches_an_argument_too() {
    // Same check through a capture's hook rather than the global one.
    let dir = tempfile::tempdir().unwrap();
    let file = victim(dir.path(), "victim");
    let (result, events) = testing::capture_with(
        |event| match event.name() {
            "fs.remove_file" => Err(AuditError::denied("no removals in this test")),
            _ => Ok(()),
        },
        || audit!("app.x", removed = audit_std::fs::remove_file(&file).is_ok()),
    );
    result.unwrap();
    assert!(file.exists(), "vetoed (or, compiled out, not evaluated)");
    if audit_core::ENABLED {
        assert_eq!(names(&events), ["fs.remove_file", "app.x"]);
        assert_eq!(bool_arg(&events[1], "removed"), Some(false));
    }
}

#[audited("app.annotated", skip(file), args(removed = audit_std::fs::remove_file(file).is_ok()))]
fn annotated(file: &Path, n: u32) -> io::Result<u32> {
    Ok(n + 1)
}

thread_local! {
    static TARGET: RefCell<Option<PathBuf>> = const { RefCell::new(None) };
}

fn remove_target() -> bool {
    TARGET.with_borrow(|t| {
        t.as_ref()
            .is_some_and(|p| audit_std::fs::remove_file(p).is_ok())
    })
}

/// No parameter: `#[audited]`'s other expansion (nothing passed through).
#[audited("app.annotated_bare", args(removed = remove_target()))]
fn annotated_bare() -> io::Result<()> {
    Ok(())
}

#[test]
fn audited_fn_arguments_raise_their_own_events() {
    install();
    let dir = tempfile::tempdir().unwrap();
    let allowed = victim(dir.path(), "victim");
    let protected = victim(dir.path(), "protected");

    let (results, events) = testing::capture(|| (annotated(&allowed, 1), annotated(&protected, 2)));
    assert_eq!(results.0.unwrap(), 2);
    assert_eq!(results.1.unwrap(), 3);
    if !audit_core::ENABLED {
        assert!(
            allowed.exists() && protected.exists(),
            "arguments are not evaluated"
        );
        assert!(events.is_empty());
        return;
    }
    assert!(!allowed.exists());
    assert!(protected.exists(), "vetoed inside the argument");
    assert_eq!(
        names(&events),
        [
            "fs.remove_file",
            "app.annotated",
            "fs.remove_file",
            "app.annotated"
        ]
    );
    assert_eq!(path_arg(&events[0]).as_deref(), Some(&*allowed));
    assert_eq!(bool_arg(&events[1], "removed"), Some(true));
    assert_eq!(path_arg(&events[2]).as_deref(), Some(&*protected));
    assert_eq!(bool_arg(&events[3], "removed"), Some(false));

    let bare = victim(dir.path(), "bare");
    TARGET.set(Some(bare.clone()));
    let (result, events) = testing::capture(annotated_bare);
    TARGET.set(None);
    result.unwrap();
    assert!(!bare.exists());
    assert_eq!(names(&events), ["fs.remove_file", "app.annotated_bare"]);
}

#[test]
fn a_hook_s_own_audited_io_still_raises_nothing() {
    install();
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("log");
    let (result, events) = testing::capture(|| audit!("app.log", to = &*log));
    result.unwrap();
    if !audit_core::ENABLED {
        assert!(events.is_empty());
        return;
    }
    assert_eq!(fs::read(&log).unwrap(), b"logged", "the hook wrote its log");
    // The hook's `fs.open`/`fs.write` were not raised: no recursion, and
    // nothing for the capture to record.
    assert_eq!(names(&events), ["app.log"]);
}

#[test]
fn nested_arguments_raise_innermost_first() {
    install();
    let dir = tempfile::tempdir().unwrap();
    let file = victim(dir.path(), "victim");
    let (result, events) = testing::capture(|| {
        audit!(
            "app.outer",
            inner = audit!(
                "app.inner",
                removed = audit_std::fs::remove_file(&file).is_ok()
            )
            .is_ok()
        )
    });
    result.unwrap();
    if audit_core::ENABLED {
        assert_eq!(names(&events), ["fs.remove_file", "app.inner", "app.outer"]);
        assert_eq!(bool_arg(&events[2], "inner"), Some(true));
    }
    assert_eq!(file.exists(), !audit_core::ENABLED);
}

#[test]
fn a_veto_of_the_outer_event_comes_after_the_argument_ran() {
    // The argument is evaluated before the hooks decide on the event it
    // belongs to: a veto of `app.y` cannot undo it, and the removal was
    // audited as such.
    let dir = tempfile::tempdir().unwrap();
    let file = victim(dir.path(), "victim");
    let (result, events) = testing::capture_with(
        |event| match event.name() {
            "app.y" => Err(AuditError::denied("no y")),
            _ => Ok(()),
        },
        || audit!("app.y", removed = audit_std::fs::remove_file(&file).is_ok()),
    );
    if audit_core::ENABLED {
        assert_eq!(result.unwrap_err().kind(), AuditErrorKind::Denied);
        assert_eq!(names(&events), ["fs.remove_file", "app.y"]);
        assert!(!file.exists());
    } else {
        result.unwrap();
        assert!(file.exists());
    }
}

/// Polls `future` to completion on this thread (these futures never wait).
fn block_on<F: std::future::Future>(future: F) -> F::Output {
    let mut future = std::pin::pin!(future);
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    loop {
        if let std::task::Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
    }
}

#[audited("app.async", skip(file), args(removed = audit_std::fs::remove_file(file).is_ok()))]
async fn annotated_async(file: &Path) -> io::Result<()> {
    std::future::ready(()).await;
    Ok(())
}

#[audited("app.impl_future", skip(file), args(removed = audit_std::fs::remove_file(file).is_ok()))]
fn annotated_impl_future(file: &Path) -> impl std::future::Future<Output = io::Result<()>> {
    std::future::ready(Ok(()))
}

#[test]
fn async_audited_fn_arguments_raise_their_own_events() {
    install();
    let dir = tempfile::tempdir().unwrap();
    let (allowed, protected) = (
        victim(dir.path(), "victim"),
        victim(dir.path(), "protected"),
    );
    let (results, events) = testing::capture(|| {
        (
            block_on(annotated_async(&allowed)),
            block_on(annotated_impl_future(&protected)),
        )
    });
    results.0.unwrap();
    results.1.unwrap();
    assert!(
        protected.exists(),
        "vetoed (or, compiled out, not evaluated)"
    );
    if !audit_core::ENABLED {
        assert!(allowed.exists() && events.is_empty());
        return;
    }
    assert!(!allowed.exists());
    assert_eq!(
        names(&events),
        [
            "fs.remove_file",
            "app.async",
            "fs.remove_file",
            "app.impl_future"
        ]
    );
    assert_eq!(bool_arg(&events[1], "removed"), Some(true));
    assert_eq!(bool_arg(&events[3], "removed"), Some(false));
}
