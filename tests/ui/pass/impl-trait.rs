use audit_core::audited;
use std::io;
use std::path::Path;

#[audited("app.open", skip(path), args(path = path.as_ref()))]
fn open(path: impl AsRef<Path>) -> io::Result<impl Iterator<Item = u8>> {
    Ok(path.as_ref().as_os_str().len().to_le_bytes().into_iter())
}

#[audited("app.evens", on_veto = panic)]
fn evens(limit: u32) -> impl Iterator<Item = u32> {
    (0..limit).filter(|n| n % 2 == 0)
}

fn main() {
    assert_eq!(open("abc").unwrap().next(), Some(3));
    assert_eq!(evens(5).count(), 3);
}
