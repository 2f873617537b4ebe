use audit_core::{audited, testing};
use std::io;
use std::path::Path;

/// Doc comments are kept.
#[audited("app.write_config")]
#[inline]
pub fn write_config(path: &Path, data: &[u8]) -> io::Result<()> {
    let _ = (path, data);
    Ok(())
}

#[audited("app.any_error")]
fn any_error(n: u8) -> Result<u8, audit_core::AuditError> {
    Ok(n)
}

fn main() {
    let (result, events) = testing::capture(|| write_config(Path::new("/tmp/x"), b"x"));
    result.unwrap();
    assert_eq!(events.len(), usize::from(audit_core::ENABLED));
    any_error(1).unwrap();
}
