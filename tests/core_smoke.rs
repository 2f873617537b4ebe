use audit_core::{audit, testing};

fn generic<T: std::fmt::Debug>(t: T) -> Result<(), audit_core::AuditError> {
    audit!("smoke.generic", t = audit_core::debug(&t))
}

#[test]
fn smoke() {
    let (r, ev) = testing::capture(|| {
        let x = 5u32;
        audit!("smoke.one", x, y = "s")?;
        generic(1)?;
        generic("a")
    });
    r.unwrap();
    println!("{ev:?}");
    let names: Vec<_> = audit_core::catalogue().map(|c| c.name()).collect();
    println!("{names:?}");
    assert!(names.contains(&"smoke.one"));
}
