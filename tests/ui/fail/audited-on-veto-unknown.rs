use audit_core::audited;

#[audited("app.touch", on_veto = ignore)]
fn touch(path: &str) {
    let _ = path;
}

fn main() {
    touch("x");
}
