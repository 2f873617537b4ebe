use audit_core::audited;

#[audited]
fn delete(path: &str) -> std::io::Result<()> {
    let _ = path;
    Ok(())
}

fn main() {}
