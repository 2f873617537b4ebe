use audit_core::audited;

#[audited("app.touch")]
fn touch(path: &str) {
    let _ = path;
}

fn main() {
    touch("x");
}
