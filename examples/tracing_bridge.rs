//! Audit events in a `tracing` pipeline: the `TracingBridge` hook turns each
//! audit event into a tracing event with target `audit` and one field per
//! argument, so it reaches whatever subscriber the program already has (here
//! `tracing_subscriber::fmt`, printing to stdout) next to the program's own
//! diagnostics, inside the same spans.
//!
//! ```text
//! cargo run --example tracing_bridge
//! ```

use std::io::{Read, Write};

use audit_core::install_hook;
use audit_sinks::TracingBridge;
use audit_std::fs;
use audit_std::net::{TcpListener, TcpStream};
use audit_std::process::Command;
use tracing::{info, info_span};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt()
        .with_writer(std::io::stdout)
        .without_time()
        .with_ansi(false)
        .init();
    if let Err(err) = install_hook(TracingBridge::new()) {
        info!("audit events will not be traced: {err}");
    }

    let dir = tempfile::tempdir()?;
    {
        // Audit events raised inside a span are attributed to it, like any
        // other tracing event.
        let _request = info_span!("request", id = 7).entered();
        info!("writing a file");
        fs::write(dir.path().join("notes.txt"), "hello")?;
    }

    info!("talking to ourselves over loopback");
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let addr = listener.local_addr()?;
    let server = std::thread::spawn(move || -> std::io::Result<()> {
        let (mut peer, _) = listener.accept()?;
        peer.write_all(b"pong")
    });
    let mut reply = String::new();
    TcpStream::connect(addr)?.read_to_string(&mut reply)?;
    server.join().expect("server thread")?;
    info!(%reply, "the server answered");

    info!("running a child process");
    let out = Command::new("echo").arg("hi").output()?;
    info!(stdout = %String::from_utf8_lossy(&out.stdout).trim(), "the child answered");
    Ok(())
}
