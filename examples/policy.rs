//! A declarative policy loaded from TOML: network only on loopback, writes
//! only inside one work directory, and only `echo` and `true` may be spawned.
//! Real operations run through `audit_std` and each one prints whether it was
//! ALLOWED or REFUSED, with the policy's reason.
//!
//! ```text
//! cargo run --example policy [OUTSIDE_DIR]
//! cargo run --example policy --features audit-core/off   # the same, with auditing compiled out
//! ```
//!
//! The work directory is a fresh temporary directory. OUTSIDE_DIR, the place
//! the program must not write to, defaults to another one; pass your own to
//! look at it afterwards: a refused write leaves nothing there.

use std::io::{Read, Write};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use audit_core::audit_error;
use audit_policy::Policy;
use audit_std::fs;
use audit_std::net::{TcpListener, TcpStream};
use audit_std::process::Command;

/// The policy, `examples/policy.toml`; `{work}` is replaced by the work
/// directory.
const POLICY: &str = include_str!("policy.toml");

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let work = tempfile::tempdir()?;
    let scratch;
    let outside = match std::env::args_os().nth(1) {
        Some(dir) => PathBuf::from(dir),
        None => {
            scratch = tempfile::tempdir()?;
            scratch.path().to_path_buf()
        }
    };
    // Set-up with plain `std`, before any hook exists: a file to read.
    std::fs::write(outside.join("readme.txt"), "read me")?;

    // A TOML literal string ('...') takes the path as it is, without escapes.
    let work_path = work.path().to_str().filter(|p| !p.contains(['\'', '\n']));
    let work_path = work_path.ok_or("the temporary directory's path cannot be put in TOML")?;
    let policy = Policy::from_toml(&POLICY.replace("{work}", work_path))?;
    println!(
        "policy: {} rules, default {}",
        policy.rules().len(),
        policy.default_action()
    );

    let in_force = match policy.install() {
        Ok(()) => true,
        Err(err) => {
            println!("policy not installed: {err}");
            false
        }
    };
    audit_core::seal();

    println!("\n== network");
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let addr = listener.local_addr()?;
    println!("  bind 127.0.0.1: ALLOWED");
    let server = std::thread::spawn(move || -> std::io::Result<()> {
        let (mut peer, _) = listener.accept()?;
        peer.write_all(b"pong")
    });
    let mut reply = String::new();
    report(
        "connect to 127.0.0.1",
        TcpStream::connect(addr).and_then(|mut s| s.read_to_string(&mut reply)),
    );
    server.join().expect("server thread")?;
    println!("  server said: {reply}");
    // 192.0.2.1 is reserved for documentation (TEST-NET-1). Only try it when
    // the policy is in force, so that nothing leaves the machine.
    let remote: SocketAddr = "192.0.2.1:80".parse()?;
    if in_force {
        let attempt = TcpStream::connect_timeout(&remote, Duration::from_secs(1));
        report("connect to 192.0.2.1", attempt);
    } else {
        println!("  connect to 192.0.2.1: skipped (no policy to stop it)");
    }

    println!("\n== files");
    let inside = work.path().join("notes.txt");
    report("write inside the work dir", fs::write(&inside, "hello"));
    report(
        "read outside the work dir",
        fs::read_to_string(outside.join("readme.txt")),
    );
    let stolen = outside.join("stolen.txt");
    report("write outside the work dir", fs::write(&stolen, "data"));
    let subdir = outside.join("new-dir");
    report("create a dir outside", fs::create_dir(&subdir));
    for path in [&inside, &stolen, &subdir] {
        println!("  {} exists: {}", path.display(), path.exists());
    }

    println!("\n== processes");
    let echo = Command::new("echo").arg("hi").output();
    if let Ok(out) = &echo {
        println!(
            "  echo said: {}",
            String::from_utf8_lossy(&out.stdout).trim()
        );
    }
    report("spawn echo", echo);
    report("spawn sh", Command::new("sh").args(["-c", "true"]).status());
    Ok(())
}

/// Prints how an operation ended, telling audit refusals from other errors.
fn report<T>(what: &str, result: std::io::Result<T>) {
    match result {
        Ok(_) => println!("  {what}: ALLOWED"),
        Err(err) => match audit_error(&err) {
            Some(refusal) => println!("  {what}: REFUSED ({})", refusal.reason()),
            None => println!("  {what}: failed: {err}"),
        },
    }
}
