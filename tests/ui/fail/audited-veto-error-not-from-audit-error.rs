use audit_core::audited;

#[audited("app.parse")]
fn parse(text: &str) -> Result<u32, String> {
    text.parse().map_err(|_| String::from("not a number"))
}

fn main() {
    let _ = parse("1");
}
