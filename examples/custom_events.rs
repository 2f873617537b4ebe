//! Audit points in application code: `#[audited]` on the program's own
//! functions (with the `skip`, `args` and `on_veto` options) and a direct
//! `audit!` with a custom event. A hook logs them and vetoes one. Before
//! running anything, the program lists its own audit points from
//! `audit_core::catalogue()`: a binary knows what it can audit.
//!
//! ```text
//! cargo run --example custom_events
//! ```

use std::io;
use std::path::Path;

use audit_core::{add_hook_with_interest, audit, audited, AuditError, Interest};

/// Exports rows to a file. The rows themselves are not recorded, only how
/// many there are; a veto comes back as the `io::Error` the function returns.
#[audited("app.export", skip(rows), args(count = rows.len()))]
fn export(path: &Path, rows: &[&str]) -> io::Result<()> {
    audit_std::fs::write(path, rows.join("\n"))
}

/// Grants a role to a user; a veto returns the `AuditError` itself.
#[audited("app.grant_role")]
fn grant_role(user: &str, role: &str) -> Result<(), AuditError> {
    println!("  (granting {role} to {user})");
    Ok(())
}

/// Does not return a `Result`, so it must say what a veto does.
#[audited("app.clear_cache", on_veto = panic)]
fn clear_cache(entries: usize) {
    println!("  (cleared {entries} cache entries)");
}

/// Checks a password; the event is raised by hand, with a value computed
/// for the occasion and the secret left out.
fn log_in(user: &str, password: &str) -> Result<bool, AuditError> {
    audit!("app.login", user, method = "password")?;
    Ok(password == "correct horse")
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    if !audit_core::ENABLED {
        println!("auditing is compiled out (feature `off`): no audit points, no hooks");
    }
    println!("audit points of this program, found at link time:");
    let mut sites: Vec<_> = audit_core::catalogue()
        .filter(|site| site.module_path().starts_with(module_path!()))
        .collect();
    sites.sort_by_key(|site| site.line());
    for site in &sites {
        let args = site.arg_names().join(", ");
        println!(
            "  {}({args}) at {}:{}",
            site.name(),
            site.file(),
            site.line()
        );
    }
    println!(
        "  {} of {} audit points in the binary",
        sites.len(),
        audit_core::catalogue().len()
    );

    let installed = add_hook_with_interest(Interest::prefixes(["app."]), |event| {
        println!("  audit: {event}");
        if event.name() == "app.grant_role"
            && event.arg("role").and_then(|v| v.as_str()) == Some("admin")
        {
            return Err(AuditError::denied("admin is granted by two people"));
        }
        Ok(())
    });
    if let Err(err) = installed {
        println!("hook not installed: {err}");
    }

    println!("\nrunning:");
    let dir = tempfile::tempdir()?;
    let report = dir.path().join("report.csv");
    export(&report, &["a,1", "b,2", "c,3"])?;
    println!(
        "  export: {}",
        if report.exists() {
            "written"
        } else {
            "missing"
        }
    );
    grant_role("alice", "viewer")?;
    match grant_role("mallory", "admin") {
        Ok(()) => println!("  grant admin to mallory: ALLOWED"),
        Err(err) => println!("  grant admin to mallory: REFUSED ({})", err.reason()),
    }
    clear_cache(3);
    println!("  log in: {}", log_in("alice", "correct horse")?);
    Ok(())
}
