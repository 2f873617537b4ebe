//! What do my dependencies do? A small program whose dependencies read and
//! write files (`tempfile`, `walkdir`), start a process (`duct`) and connect
//! on loopback (std, called from this program), run with audit-interpose on
//! and one hook that records each event under **the crate that made the
//! call**.
//!
//! The crate is found from the stack, and only inside the hook: a program
//! that installs no such hook pays nothing for it. The stack's first frame
//! that belongs to neither the standard library nor the audit crates names
//! the caller.
//!
//! ```text
//! cargo run -p audit-interpose --example what_do_my_dependencies_do
//! ```

use std::backtrace::Backtrace;
use std::collections::BTreeMap;
use std::io::Read;
use std::sync::Mutex;

/// Crates that carry a call without making it.
const CARRIERS: &[&str] = &[
    "std",
    "core",
    "alloc",
    "audit_core",
    "audit_std",
    "audit_interpose",
    "backtrace",
];

static BY_CRATE: Mutex<BTreeMap<String, Vec<String>>> = Mutex::new(BTreeMap::new());

/// The crate of a demangled symbol (`<walkdir::IntoIter as ...>::next`,
/// `tempfile::file::imp::create_named`), if it has a path.
fn crate_of(symbol: &str) -> Option<&str> {
    let symbol = symbol
        .trim_start_matches(['<', '&'])
        .trim_start_matches("dyn ");
    let end = symbol.find("::")?;
    Some(&symbol[..end])
}

/// The first crate on the current stack, below the hook and the audit
/// machinery, that is not a carrier.
fn calling_crate() -> String {
    let trace = Backtrace::force_capture().to_string();
    // Frame lines are "N: symbol"; location lines start with "at ".
    let symbols: Vec<&str> = trace
        .lines()
        .filter_map(|line| line.trim().split_once(": ").map(|(_, symbol)| symbol))
        .collect();
    // The frames above the dispatcher are this hook's own: start below the
    // last audit_core frame.
    let start = symbols
        .iter()
        .rposition(|s| crate_of(s) == Some("audit_core"))
        .map_or(0, |i| i + 1);
    symbols[start..]
        .iter()
        .filter_map(|s| crate_of(s))
        .find(|name| !CARRIERS.contains(name))
        .unwrap_or("(unknown)")
        .to_string()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    if !audit_interpose::enable() {
        eprintln!("audit-interpose is off in this build (not Linux, or audit-core's `off`)");
        return Ok(());
    }
    audit_core::add_hook(|event| {
        let who = calling_crate();
        BY_CRATE
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(who)
            .or_default()
            .push(event.to_string());
        Ok(())
    })?;

    // The "dependencies" at work.
    let dir = tempfile::tempdir()?;
    let mut note = tempfile::NamedTempFile::new_in(dir.path())?;
    std::io::Write::write_all(&mut note, b"hello")?;
    std::fs::create_dir(dir.path().join("sub"))?;
    let entries = walkdir::WalkDir::new(dir.path()).into_iter().count();
    let echoed = duct::cmd!("/bin/echo", "from a child").read()?;
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    let mut stream = std::net::TcpStream::connect(listener.local_addr()?)?;
    drop(listener.accept()?);
    let mut rest = Vec::new();
    let _ = stream.read_to_end(&mut rest);
    drop(note);
    drop(dir);

    println!("({entries} entries walked, child said {echoed:?})\n");
    for (krate, events) in BY_CRATE.lock().unwrap().iter() {
        println!("{krate}:");
        for event in events {
            // Whole environments make long lines: the start says enough.
            let shown: String = event.chars().take(150).collect();
            let more = if shown.len() < event.len() {
                " ..."
            } else {
                ""
            };
            println!("    {shown}{more}");
        }
    }
    Ok(())
}
