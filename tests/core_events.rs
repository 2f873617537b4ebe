//! The event model: names, typed arguments, laziness, formatting and errors.
//! Observed through `testing::capture`, so no global hook is installed here.

use std::cell::Cell;
use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::time::Duration;

use audit_core::{audit, audit_error, testing, AuditError, AuditErrorKind, OwnedValue, Value};

#[test]
fn delivers_name_and_typed_arguments() {
    let path = PathBuf::from("/srv/data/report.csv");
    let addr: SocketAddr = "127.0.0.1:8080".parse().unwrap();
    let (result, events) = testing::capture(|| {
        audit!(
            "test.typed",
            path,
            addr,
            count = 3u32,
            delta = -7i64,
            ok = true,
            name = "alice",
            body = b"hi".as_slice(),
            timeout = Duration::from_millis(5),
            missing = None::<&str>,
            ip = Ipv4Addr::LOCALHOST,
        )
    });
    assert!(result.is_ok());
    if !audit_core::ENABLED {
        assert!(events.is_empty());
        return;
    }
    assert_eq!(events.len(), 1);
    let e = &events[0];
    assert_eq!(e.name(), "test.typed");
    let names: Vec<_> = e.args().map(|(n, _)| n).collect();
    assert_eq!(
        names,
        ["path", "addr", "count", "delta", "ok", "name", "body", "timeout", "missing", "ip"]
    );
    assert_eq!(e.arg("path").unwrap().as_path(), Some(path.as_path()));
    assert_eq!(e.arg("addr").unwrap().as_socket_addr(), Some(addr));
    assert_eq!(e.arg("addr").unwrap().as_ip(), Some(addr.ip()));
    assert_eq!(e.arg("count").unwrap().as_u64(), Some(3));
    assert_eq!(e.arg("delta").unwrap().as_i64(), Some(-7));
    assert_eq!(e.arg("delta").unwrap().as_u64(), None);
    assert_eq!(e.arg("ok").unwrap().as_bool(), Some(true));
    assert_eq!(e.arg("name").unwrap().as_str(), Some("alice"));
    assert_eq!(e.arg("body").unwrap().as_bytes(), Some(&b"hi"[..]));
    assert_eq!(
        e.arg("timeout").unwrap().as_duration(),
        Some(Duration::from_millis(5))
    );
    assert!(e.arg("missing").unwrap().is_none());
    assert_eq!(
        e.arg("ip").unwrap().as_ip(),
        Some(Ipv4Addr::LOCALHOST.into())
    );
    assert!(e.arg("nope").is_none());
    assert_eq!(e.callsite().file(), file!());
    assert_eq!(e.callsite().module_path(), module_path!());
}

#[test]
fn arguments_are_evaluated_only_when_observed() {
    let evaluated = Cell::new(0);
    let touch = || {
        evaluated.set(evaluated.get() + 1);
        1u8
    };
    // Not observed by this thread's capture: another thread's capture or a
    // hook elsewhere could still make the point active, so only assert the
    // observed case strictly, and the unobserved case in `registry_empty.rs`.
    let (_, events) = testing::capture(|| audit!("test.lazy", v = touch()));
    if audit_core::ENABLED {
        assert_eq!(evaluated.get(), 1);
        assert_eq!(events.len(), 1);
    } else {
        assert_eq!(evaluated.get(), 0, "compiled out: nothing is evaluated");
        assert!(events.is_empty());
    }
}

#[test]
fn capture_veto_stops_the_operation_and_names_the_event() {
    let ran = Cell::new(false);
    let op = || -> io::Result<()> {
        audit!("test.veto", target = "x")?;
        ran.set(true);
        Ok(())
    };
    let (result, events) = testing::capture_with(
        |e: &audit_core::Event<'_>| {
            if e.name() == "test.veto" {
                Err(AuditError::denied("not in tests"))
            } else {
                Ok(())
            }
        },
        op,
    );
    if !audit_core::ENABLED {
        assert!(result.is_ok() && ran.get() && events.is_empty());
        return;
    }
    let err = result.unwrap_err();
    assert!(!ran.get(), "the body must not run after a veto");
    assert_eq!(err.kind(), io::ErrorKind::PermissionDenied);
    let audit = audit_error(&err).expect("the AuditError is kept inside the io::Error");
    assert_eq!(audit.kind(), AuditErrorKind::Denied);
    assert_eq!(audit.event(), Some("test.veto"));
    assert_eq!(audit.reason(), "not in tests");
    assert_eq!(
        err.to_string(),
        "audit event `test.veto` denied: not in tests"
    );
    // A vetoed event is still recorded by the capture.
    assert_eq!(events.len(), 1);
}

#[test]
fn captures_nest_and_see_only_their_scope() {
    let (_, outer) = testing::capture(|| {
        audit!("test.nest.before").unwrap();
        let (_, inner) = testing::capture(|| audit!("test.nest.inner").unwrap());
        audit!("test.nest.after").unwrap();
        inner
    });
    let names: Vec<_> = outer.iter().map(|e| e.name()).collect();
    if audit_core::ENABLED {
        assert_eq!(
            names,
            ["test.nest.before", "test.nest.inner", "test.nest.after"]
        );
    } else {
        assert!(names.is_empty());
    }
}

#[test]
fn captures_are_per_thread() {
    let (_, events) = testing::capture(|| {
        std::thread::spawn(|| audit!("test.other_thread").unwrap())
            .join()
            .unwrap();
        audit!("test.this_thread").unwrap();
    });
    let names: Vec<_> = events.iter().map(|e| e.name()).collect();
    if audit_core::ENABLED {
        assert_eq!(names, ["test.this_thread"]);
    } else {
        assert!(names.is_empty());
    }
}

#[test]
fn capture_survives_a_panicking_closure() {
    let caught = std::panic::catch_unwind(|| testing::capture(|| panic!("boom")));
    assert!(caught.is_err());
    // The thread is left clean: a new capture works and sees only its own events.
    let (_, events) = testing::capture(|| audit!("test.after_panic").unwrap());
    assert_eq!(events.len(), usize::from(audit_core::ENABLED));
}

#[test]
fn a_panicking_capture_hook_fails_closed() {
    let (result, _) = testing::capture_with(
        |_: &audit_core::Event<'_>| -> Result<(), AuditError> { panic!("hook bug") },
        || audit!("test.panicky"),
    );
    if audit_core::ENABLED {
        let err = result.unwrap_err();
        assert_eq!(err.kind(), AuditErrorKind::HookPanicked);
        assert!(err.reason().contains("hook bug"), "{err}");
        assert_eq!(err.event(), Some("test.panicky"));
    } else {
        assert!(result.is_ok());
    }
}

#[test]
fn a_capture_hook_may_raise_events_itself() {
    // The capture's hook runs inside the dispatch: its own audit point is
    // skipped (re-entrancy), and must not trip over the capture's state.
    let (result, events) = testing::capture_with(
        |e: &audit_core::Event<'_>| {
            audit!("test.from_capture_hook", seen = e.name())?;
            Ok(())
        },
        || audit!("test.outer"),
    );
    assert!(result.is_ok());
    let names: Vec<_> = events.iter().map(|e| e.name()).collect();
    if audit_core::ENABLED {
        assert_eq!(names, ["test.outer"]);
    } else {
        assert!(names.is_empty());
    }
}

#[test]
fn a_panicking_argument_leaves_the_thread_clean() {
    fn explode() -> u8 {
        panic!("argument bug")
    }
    let caught = std::panic::catch_unwind(|| {
        testing::capture(|| {
            let _ = audit!("test.bad_argument", v = explode());
        })
    });
    // Compiled out, the argument is never evaluated.
    assert_eq!(caught.is_err(), audit_core::ENABLED);
    // The thread is not left "inside a hook": the next event is seen.
    let (_, events) = testing::capture(|| audit!("test.after_bad_argument").unwrap());
    assert_eq!(events.len(), usize::from(audit_core::ENABLED));
}

#[test]
fn events_format_readably() {
    let (_, events) = testing::capture(|| {
        audit!(
            "test.fmt",
            path = Path::new("/tmp/a b"),
            n = 2u8,
            list = [Value::Str("x"), Value::Int(1)].as_slice()
        )
        .unwrap()
    });
    if !audit_core::ENABLED {
        return;
    }
    let e = &events[0];
    assert_eq!(
        format!("{e:?}"),
        r#"test.fmt { path: "/tmp/a b", n: 2, list: ["x", 1] }"#
    );
    assert_eq!(
        e.to_string(),
        r#"test.fmt(path="/tmp/a b", n=2, list=["x", 1])"#
    );
    assert_eq!(
        e.arg("list").unwrap(),
        &OwnedValue::List(vec![OwnedValue::Str("x".into()), OwnedValue::Int(1)])
    );
}

#[test]
fn values_display_and_debug() {
    assert_eq!(Value::Bytes(b"a\n\xff").to_string(), "a\\n\\xff");
    assert_eq!(format!("{:?}", Value::Bytes(b"ab")), "b\"ab\"");
    let long = vec![b'x'; 100];
    assert!(Value::Bytes(&long).to_string().ends_with("... (100 bytes)"));
    assert_eq!(Value::None.to_string(), "none");
    let dbg = audit_core::debug(vec![1, 2]);
    assert_eq!(audit_core::Recordable::record(&dbg).to_string(), "[1, 2]");
    let disp = audit_core::display(1.5);
    assert_eq!(audit_core::Recordable::record(&disp).to_string(), "1.5");
    assert_eq!(Value::Int(5).to_owned_value(), OwnedValue::Int(5));
}

#[test]
fn errors_display_and_convert() {
    let err = AuditError::denied("because");
    assert_eq!(err.to_string(), "audit event denied: because");
    let io_err: io::Error = err.clone().into();
    assert_eq!(io_err.kind(), io::ErrorKind::PermissionDenied);
    assert_eq!(audit_error(&io_err), Some(&err));
    assert!(audit_error(&io::Error::other("x")).is_none());
    let boxed: Box<dyn std::error::Error + Send + Sync> = Box::new(err);
    assert!(boxed.source().is_none());
}

#[test]
fn the_catalogue_lists_audit_points_without_running_them() {
    fn never_called() -> Result<(), AuditError> {
        audit!("test.catalogued", x = 1u8)
    }
    let _ = never_called;
    let site = audit_core::catalogue().find(|s| s.name() == "test.catalogued");
    if audit_core::ENABLED {
        let site = site.expect("linked callsites are listed");
        assert_eq!(site.arg_names(), ["x"]);
        assert_eq!(site.module_path(), module_path!());
        assert!(site.line() > 0);
        // audit-core's own audit point is there too.
        assert!(audit_core::catalogue().any(|s| s.name() == audit_core::ADD_HOOK_EVENT));
    } else {
        assert!(site.is_none());
        assert_eq!(audit_core::catalogue().len(), 0);
    }
}

#[test]
fn names_may_be_constants() {
    const NAME: &str = "test.const_name";
    let (_, events) = testing::capture(|| audit!(NAME, a = 1u8,).unwrap());
    if audit_core::ENABLED {
        assert_eq!(events[0].name(), NAME);
    }
}
