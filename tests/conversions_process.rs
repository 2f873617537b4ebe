//! Conversions between `audit_std::process::{Command, Child}` and `std`'s:
//! `From` both ways, `from_std`, `as_std`, `into_std`. Starting a wrapped
//! `std` command and killing a wrapped `std` child are audited; starting or
//! killing through the `std` side is not, as documented. Real child
//! processes (`echo`, and `cat` waiting on its standard input).
#![cfg(unix)]

use std::io::{Read, Write};
use std::process::Stdio;

use audit_core::testing::{capture, capture_with};
use audit_core::{AuditError, OwnedEvent};
use audit_std::events;

fn assert_events(events: &[OwnedEvent], expected: &[&str]) {
    let names: Vec<&str> = events.iter().map(|e| e.name()).collect();
    if audit_core::ENABLED {
        assert_eq!(names, expected);
    } else {
        assert!(names.is_empty(), "{names:?}");
    }
}

#[test]
fn command_from_std_audits_starting_and_the_std_side_does_not() {
    let mut std_command = std::process::Command::new("echo");
    std_command.arg("hi");

    let mut command = audit_std::process::Command::from(std_command);
    assert_eq!(command.as_std().get_program(), "echo");
    assert_eq!(command.as_std().get_args().collect::<Vec<_>>(), ["hi"]);
    let (output, events) = capture(|| command.output());
    assert_eq!(output.unwrap().stdout, b"hi\n");
    assert_events(&events, &[events::process::SPAWN]);
    if audit_core::ENABLED {
        assert_eq!(
            events[0].arg("program").unwrap().as_os_str(),
            Some("echo".as_ref())
        );
        // std does not say whether env_clear was called: unknown.
        assert!(events[0].arg("env_clear").unwrap().is_none());
    }
    let (refused, _) = capture_with(|_| Err(AuditError::denied("no")), || command.status());
    if audit_core::ENABLED {
        assert_eq!(
            refused.unwrap_err().kind(),
            std::io::ErrorKind::PermissionDenied
        );
    } else {
        assert!(refused.unwrap().success());
    }

    let mut std_command = std::process::Command::from(command);
    let (output, events) = capture(|| std_command.output());
    assert_eq!(output.unwrap().stdout, b"hi\n");
    assert_events(&events, &[]);

    let command = audit_std::process::Command::from_std(std_command);
    assert_eq!(command.into_std().get_program(), "echo");
}

#[test]
fn child_from_std_audits_kill_and_keeps_its_pipes() {
    let std_child = std::process::Command::new("cat")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let id = std_child.id();

    let mut child = audit_std::process::Child::from(std_child);
    assert_eq!(child.id(), id);
    assert_eq!(child.as_std().id(), id);
    // The pipes moved to the wrapper's fields.
    assert!(child.as_std().stdin.is_none());
    let mut stdin = child.stdin.take().expect("stdin moved to the wrapper");
    stdin.write_all(b"echoed").unwrap();
    drop(stdin);
    let mut out = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut out)
        .unwrap();
    assert_eq!(out, "echoed");
    assert!(child.wait().unwrap().success());

    let std_child = std::process::Command::new("cat")
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    let mut child = audit_std::process::Child::from_std(std_child);
    let (refused, _) = capture_with(|_| Err(AuditError::denied("no")), || child.kill());
    if audit_core::ENABLED {
        assert_eq!(
            refused.unwrap_err().kind(),
            std::io::ErrorKind::PermissionDenied
        );
        assert_eq!(child.try_wait().unwrap(), None, "refused before the signal");
    } else {
        refused.unwrap();
    }
    let (killed, events) = capture(|| child.kill());
    // Compiled out, the refused kill above already killed it: both are fine.
    killed.unwrap();
    assert_events(&events, &[events::process::KILL]);
    assert!(!child.wait().unwrap().success());
}

#[test]
fn child_into_std_hands_back_the_pipes_and_is_not_audited() {
    let (child, events) = capture(|| {
        audit_std::process::Command::new("cat")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
    });
    assert_events(&events, &[events::process::SPAWN]);
    let child = child.unwrap();
    let id = child.id();

    let std_child = std::process::Child::from(child);
    assert_eq!(std_child.id(), id);
    assert!(std_child.stdin.is_some() && std_child.stdout.is_some());

    // Round trip: the pipes go to the wrapper's fields and back.
    let child = audit_std::process::Child::from_std(std_child);
    assert!(child.stdin.is_some() && child.as_std().stdin.is_none());
    let mut std_child = child.into_std();
    assert!(std_child.stdin.is_some(), "into_std gives the pipes back");
    assert_eq!(std_child.id(), id);

    let (killed, events) = capture(|| std_child.kill());
    killed.unwrap();
    assert_events(&events, &[]);
    assert!(!std_child.wait().unwrap().success());
}
