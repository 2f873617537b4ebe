use audit_core::audited;

#[audited("app.store")]
fn store<T: Clone>(key: &str, value: T) -> std::io::Result<T> {
    let _ = key;
    Ok(value)
}

fn main() {
    let _ = store("k", 1u8);
}
