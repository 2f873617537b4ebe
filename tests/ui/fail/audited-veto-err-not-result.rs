use audit_core::audited;

type Count = usize;

#[audited("app.count", on_veto = err)]
fn count(path: &str) -> Count {
    path.len()
}

fn main() {
    let _ = count("x");
}
