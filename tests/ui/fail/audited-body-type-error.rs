use audit_core::audited;

#[audited("app.size")]
fn size(path: &str) -> std::io::Result<u64> {
    let len: u64 = path.len();
    Ok(len)
}

fn main() {
    let _ = size("x");
}
