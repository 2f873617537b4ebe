use audit_core::audited;

const DELETE: &str = "app.delete";

#[audited(DELETE)]
fn delete(path: &str) -> std::io::Result<()> {
    let _ = path;
    Ok(())
}

fn main() {}
