//! What can this binary audit? Every audit point linked into a program is
//! registered at link time, so `audit_core::catalogue()` answers without
//! running anything: event name, argument names, and where the audit point
//! is. This program links a few `audit_std` operations (they run only with
//! `--run`) and prints its catalogue, grouped by event: what a security
//! reviewer would ask of a binary.
//!
//! The catalogue holds the audit points of the code that the linker kept,
//! which can be more than the program calls: a debug build keeps all of
//! `audit_std`, an optimised build with link-time optimisation far less.
//!
//! ```text
//! cargo run --example catalogue            # the table
//! cargo run --example catalogue -- --run   # also perform the operations
//! ```

use std::collections::BTreeMap;
use std::io::Read;

use audit_core::Callsite;
use audit_std::{fs, net, process};

/// The operations this program can perform. Linking them is what puts their
/// audit points in the catalogue; they only run with `--run`.
fn work() -> std::io::Result<()> {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("data.txt");
    fs::write(&path, "data")?;
    let mut text = String::new();
    fs::File::open(&path)?.read_to_string(&mut text)?;
    fs::remove_file(&path)?;
    let listener = net::TcpListener::bind("127.0.0.1:0")?;
    net::TcpStream::connect(listener.local_addr()?)?;
    listener.accept()?;
    process::Command::new("true").status()?;
    Ok(())
}

fn main() -> std::io::Result<()> {
    if !audit_core::ENABLED {
        println!("auditing is compiled out: this binary has no audit points");
    }
    // One entry per event name: its argument names and every place it is raised.
    let mut events: BTreeMap<&str, Vec<&Callsite>> = BTreeMap::new();
    for site in audit_core::catalogue() {
        events.entry(site.name()).or_default().push(site);
    }
    println!(
        "{} audit points, {} distinct events",
        audit_core::catalogue().len(),
        events.len()
    );
    for (name, sites) in &events {
        println!("{name}({})", sites[0].arg_names().join(", "));
        // By file, then by line as a number (`:88` before `:103`).
        let mut places = sites.clone();
        places.sort_by_key(|s| (s.file(), s.line(), s.module_path()));
        for s in places {
            println!("    {}:{} in {}", s.file(), s.line(), s.module_path());
        }
    }
    if std::env::args().any(|a| a == "--run") {
        work()?;
        println!("ran the operations");
    }
    Ok(())
}
