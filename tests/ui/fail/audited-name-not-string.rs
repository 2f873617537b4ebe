use audit_core::audited;

#[audited(42, skip_all)]
fn delete(path: &str) -> std::io::Result<()> {
    let _ = path;
    Ok(())
}

fn main() {}
