use audit_core::audited;

#[audited("app.count")]
fn count(path: &str) -> usize {
    path.len()
}

fn main() {
    let _ = count("x");
}
