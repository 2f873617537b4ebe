//! What the `off` feature of `audit-core` does: it compiles auditing out of
//! the whole program. `add_hook` then fails with `CompiledOut`, no event is
//! raised, no argument of an audit point is evaluated, and `audit_std`
//! behaves exactly like `std`. Run it both ways to compare:
//!
//! ```text
//! cargo run --example compiled_out --features audit-core/off
//! cargo run --example compiled_out
//! ```
//!
//! Code that must build both ways (a library's tests, a program whose users
//! may switch auditing off) uses one of two idioms, both shown below:
//! install hooks only `if audit_core::ENABLED`, or accept
//! `AuditErrorKind::CompiledOut` from `add_hook`/`install_hook` and no other
//! error. A bare `install_hook(..)?` would make the program exit at start-up
//! when compiled out, since `off` refuses hooks instead of ignoring them.

use std::io::{Read, Write};
use std::sync::Mutex;

use audit_core::{add_hook, audit, AuditErrorKind};
use audit_std::fs;
use audit_std::net::{TcpListener, TcpStream};
use audit_std::process::Command;

/// The names of the events the hook saw.
static SEEN: Mutex<Vec<&'static str>> = Mutex::new(Vec::new());

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("audit_core::ENABLED = {}", audit_core::ENABLED);
    if audit_core::ENABLED {
        println!("auditing is compiled in; run with `--features audit-core/off` to compile it out");
    }
    // Idiom 1: install only when auditing is compiled in. (Named, so that
    // `audit.add_hook` reports `hook="allow-all"` rather than a closure type.)
    if audit_core::ENABLED {
        audit_core::install_hook(audit_core::named("allow-all", |_| Ok(())))?;
    }

    // Idiom 2: accept `CompiledOut`, and only that: any other error (a
    // sealed registry, a veto) still stops the program.
    let installed = add_hook(|event| {
        SEEN.lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(event.name());
        Ok(())
    });
    match installed {
        Ok(()) => println!("add_hook: installed"),
        Err(err) if err.kind() == AuditErrorKind::CompiledOut => {
            println!("add_hook: {:?}: {err}", err.kind())
        }
        Err(err) => return Err(err.into()),
    }

    // The same operations through `audit_std` and through `std`.
    let dir = tempfile::tempdir()?;
    let (ours, theirs) = (dir.path().join("ours.txt"), dir.path().join("theirs.txt"));
    fs::write(&ours, "same bytes")?;
    std::fs::write(&theirs, "same bytes")?;
    let same = fs::read(&ours)? == std::fs::read(&theirs)?;
    println!("files: same result as std: {same}");

    let echo = Command::new("echo").arg("hi").output()?;
    let std_echo = std::process::Command::new("echo").arg("hi").output()?;
    println!(
        "process: same result as std: {}",
        echo.stdout == std_echo.stdout && echo.status.success() == std_echo.status.success()
    );

    let listener = TcpListener::bind("127.0.0.1:0")?;
    let addr = listener.local_addr()?;
    let server = std::thread::spawn(move || -> std::io::Result<()> {
        let (mut peer, _) = listener.accept()?;
        peer.write_all(b"pong")
    });
    let mut reply = String::new();
    TcpStream::connect(addr)?.read_to_string(&mut reply)?;
    server.join().expect("server thread")?;
    println!("network: loopback reply: {reply}");

    // An audit point's arguments are evaluated only when a hook will see
    // the event; compiled out, never.
    let mut evaluated = false;
    audit!(
        "app.checkpoint",
        step = {
            evaluated = true;
            1u32
        }
    )?;
    println!("audit! arguments evaluated: {evaluated}");

    let seen = SEEN.lock().unwrap_or_else(|e| e.into_inner()).clone();
    println!("events seen by the hook: {}", seen.len());
    if !seen.is_empty() {
        println!("  {}", seen.join(", "));
    }
    Ok(())
}
