use audit_core::audited;

#[audited("app.delete", skip_everything)]
fn delete(path: &str) -> std::io::Result<()> {
    let _ = path;
    Ok(())
}

fn main() {}
