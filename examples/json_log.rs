//! An audit trail as JSON lines: the `JsonLines` sink writes one JSON object
//! per event (sequence number, time, name, outcome, typed arguments,
//! process, thread, source location: see `audit_sinks::schema`) to a log
//! file that is itself opened and written through `audit_std`. The program
//! then does a little file, network and process work and prints the log.
//!
//! ```text
//! cargo run --example json_log
//! ```
//!
//! The log writer locks the file around each line, and locking is audited
//! (`fs.lock`, `fs.unlock`). Those events are raised inside the hook, where
//! audit points are not dispatched again: the sink does not recurse, and
//! the only `fs.lock` in the log is the one the program takes itself.

use std::io::{self, Read, Write};
use std::sync::atomic::{AtomicUsize, Ordering};

use audit_core::install_hook;
use audit_sinks::JsonLines;
use audit_std::fs;
use audit_std::net::{TcpListener, TcpStream};
use audit_std::process::Command;

/// How many times the log writer locked the file.
static WRITER_LOCKS: AtomicUsize = AtomicUsize::new(0);

/// A log file that holds an advisory lock while it appends a line, as a log
/// shared between processes would.
struct LockedLog(fs::File);

impl Write for LockedLog {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.write(buf)
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.0.lock()?;
        WRITER_LOCKS.fetch_add(1, Ordering::Relaxed);
        let written = self.0.write_all(buf);
        self.0.unlock()?;
        written
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let log_path = dir.path().join("audit.jsonl");
    // Opened before the sink exists, so this open is not in the log.
    let log = fs::File::options()
        .create(true)
        .append(true)
        .open(&log_path)?;
    match install_hook(JsonLines::new(LockedLog(log))) {
        Ok(()) => println!("logging audit events to {}", log_path.display()),
        Err(err) => println!("no audit log: {err}"),
    }

    // Ordinary work, through `audit_std`.
    let data = dir.path().join("data.txt");
    fs::write(&data, "42")?;
    println!("read back: {}", fs::read_to_string(&data)?);

    let listener = TcpListener::bind("127.0.0.1:0")?;
    let addr = listener.local_addr()?;
    let server =
        std::thread::Builder::new()
            .name("server".into())
            .spawn(move || -> io::Result<()> {
                let (mut peer, _) = listener.accept()?;
                peer.write_all(b"pong")
            })?;
    let mut reply = String::new();
    TcpStream::connect(addr)?.read_to_string(&mut reply)?;
    server.join().expect("server thread")?;
    println!("server said: {reply}");

    let out = Command::new("echo").arg("hi").output()?;
    println!("echo said: {}", String::from_utf8_lossy(&out.stdout).trim());

    // The same lock, taken outside a hook, is audited as usual. Closing the
    // file releases it (an `unlock` would be logged while it is held).
    fs::File::open(&log_path)?.lock_shared()?;
    let locks = WRITER_LOCKS.load(Ordering::Relaxed);
    println!("the log writer locked the file {locks} times");

    // Read back with `std`, so that reading the log is not itself logged.
    let text = std::fs::read_to_string(&log_path)?;
    println!("\n{} lines in the log:", text.lines().count());
    for line in text.lines() {
        println!("{line}");
    }
    Ok(())
}
