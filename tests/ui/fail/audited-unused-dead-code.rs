#![deny(dead_code)]

use audit_core::audited;

#[audited("app.never_called")]
fn never_called(path: &str) -> std::io::Result<()> {
    let _ = path;
    Ok(())
}

fn main() {}
