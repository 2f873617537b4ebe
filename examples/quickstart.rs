//! The whole idea in one run: a logging hook and a policy hook, ordinary
//! fs, process and net code written against `audit_std` instead of `std`,
//! every event printed as it happens, and refused operations failing with
//! their reason before they touch the system.
//!
//! ```text
//! cargo run --example quickstart
//! ```

use std::io::{Read, Write};
use std::path::PathBuf;

use audit_core::{add_hook, audit_error, install_hook, named, AuditError};
use audit_std::events::{self, Access};
use audit_std::fs;
use audit_std::net::{TcpListener, TcpStream};
use audit_std::process::Command;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    if !audit_core::ENABLED {
        println!("auditing is compiled out (feature `off`): running without hooks");
    }
    let workdir = std::env::temp_dir().join(format!("audit-quickstart-{}", std::process::id()));
    let forbidden = workdir.join("secrets");
    // Set-up, before any hook exists (so it is not audited).
    std::fs::create_dir_all(&forbidden)?;
    std::fs::write(forbidden.join("readme"), "reading is fine")?;

    // 1. A logging hook: sees every event, vetoes nothing. Named, so that
    //    `audit.add_hook` (the event its own installation raises) says which.
    let logged = install_hook(named("stdout log", |event| {
        println!("  audit: {event}");
        Ok(())
    }));
    // 2. A policy hook: refuses any change to a file under `secrets/`,
    //    connections to anything but loopback or to the mail port, and
    //    spawning anything but `echo`. The event table says which files an
    //    event changes (an open only when its flags write), and each file is
    //    judged as written and where its symbolic links lead.
    let guarded = forbidden.clone();
    let policy = install_hook(named("quickstart policy", move |event| {
        let name = event.name();
        if let Some(info) = events::info(name) {
            let changes_secrets = info.files(event).any(|file| {
                file.access() == Access::Write && file.any_form(|path| path.starts_with(&guarded))
            });
            if changes_secrets {
                return Err(AuditError::denied("secrets/ is read-only"));
            }
        }
        if name == "net.connect" {
            if let Some(addr) = event.arg("address").and_then(|v| v.as_socket_addr()) {
                if !addr.ip().is_loopback() || addr.port() == 25 {
                    return Err(AuditError::denied("no mail, and loopback only"));
                }
            }
        }
        if name == "process.spawn" {
            let program = event
                .arg("program")
                .and_then(|v| v.as_path().map(PathBuf::from));
            if program.as_deref() != Some("echo".as_ref()) {
                return Err(AuditError::denied("only `echo` may be spawned"));
            }
        }
        Ok(())
    }));
    for result in [logged, policy] {
        if let Err(err) = result {
            println!("hook not installed: {err}");
        }
    }
    audit_core::seal();

    println!("\n== files");
    fs::write(workdir.join("notes.txt"), "hello")?;
    println!(
        "  read back: {:?}",
        fs::read_to_string(workdir.join("notes.txt"))?
    );
    report(
        "write under secrets/",
        fs::write(forbidden.join("key"), "hunter2"),
    );
    println!(
        "  secrets/key exists afterwards: {}",
        forbidden.join("key").exists()
    );
    report("read under secrets/", fs::read(forbidden.join("readme")));

    println!("\n== processes");
    let out = Command::new("echo").arg("hi from a child").output()?;
    println!(
        "  child said: {}",
        String::from_utf8_lossy(&out.stdout).trim()
    );
    report(
        "spawn `sh`",
        Command::new("sh").arg("-c").arg("echo pwned").output(),
    );

    println!("\n== network (loopback only)");
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let addr = listener.local_addr()?;
    let server = std::thread::spawn(move || -> std::io::Result<()> {
        let (mut peer, _) = listener.accept()?;
        let mut buf = [0; 4];
        peer.read_exact(&mut buf)?;
        peer.write_all(&buf)
    });
    let mut client = TcpStream::connect(addr)?;
    client.write_all(b"ping")?;
    let mut echo = [0; 4];
    client.read_exact(&mut echo)?;
    println!("  echoed: {:?}", String::from_utf8_lossy(&echo));
    server.join().expect("server thread")?;
    // Refused by the policy before any packet is sent.
    report(
        "connect to 127.0.0.1:25",
        TcpStream::connect("127.0.0.1:25"),
    );

    println!("\n== hooks are permanent");
    report(
        "add a hook after seal()",
        add_hook(|_| Ok(())).map_err(Into::into),
    );

    fs::remove_dir_all(&workdir)?;
    Ok(())
}

/// Prints how an operation ended, telling audit refusals from other errors.
fn report<T>(what: &str, result: std::io::Result<T>) {
    match result {
        Ok(_) => println!("  {what}: allowed"),
        Err(err) => match audit_error(&err) {
            Some(refusal) => println!("  {what}: REFUSED ({})", refusal.reason()),
            None => println!("  {what}: failed: {err}"),
        },
    }
}
