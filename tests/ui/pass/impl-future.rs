use audit_core::audited;
use std::future::Future;
use std::io;

async fn lookup(name: String) -> io::Result<usize> {
    Ok(name.len())
}

#[audited("app.lookup")]
fn start_lookup(name: &str) -> impl Future<Output = io::Result<usize>> + Send + 'static {
    if name.is_empty() {
        return lookup(String::from("default"));
    }
    lookup(name.to_owned())
}

#[audited("app.tick", on_veto = panic)]
fn tick(n: u32) -> impl Future<Output = u32> {
    std::future::ready(n)
}

fn main() {
    let _ = start_lookup("a");
    let _ = tick(1);
}
