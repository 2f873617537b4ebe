use audit_core::audited;

#[audited("app.upload", args(data = data.len()))]
fn upload(data: &[u8]) -> std::io::Result<()> {
    let _ = data;
    Ok(())
}

fn main() {}
