use audit_core::audited;

#[audited("app.limit", on_veto = panic)]
const fn limit(n: u32) -> u32 {
    n * 2
}

fn main() {
    let _ = limit(2);
}
