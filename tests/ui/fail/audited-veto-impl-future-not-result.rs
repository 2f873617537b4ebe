use audit_core::audited;
use std::future::Future;

#[audited("app.fetch")]
fn fetch(n: u32) -> impl Future<Output = u32> {
    std::future::ready(n)
}

fn main() {
    let _ = fetch(1);
}
