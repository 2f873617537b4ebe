use audit_core::audited;

struct Credentials {
    user: String,
}

#[audited("app.login")]
fn login(host: &str, credentials: &Credentials) -> std::io::Result<()> {
    let _ = (host, &credentials.user);
    Ok(())
}

fn main() {
    let _ = login("db", &Credentials { user: "ann".into() });
}
