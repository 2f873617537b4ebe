use audit_core::audited;
use std::io;

struct Point {
    x: i32,
    y: i32,
}

#[audited("app.patterns")]
fn patterns(mut n: u32, (a, b): (u8, u8), Point { x, y }: Point, _: u64, r#type: &str) -> io::Result<u32> {
    n += u32::from(a) + u32::from(b) + (x + y) as u32 + r#type.len() as u32;
    Ok(n)
}

fn main() {
    assert_eq!(patterns(1, (1, 1), Point { x: 1, y: 1 }, 0, "ab").unwrap(), 7);
}
