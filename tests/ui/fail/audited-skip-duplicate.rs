use audit_core::audited;

#[audited("app.login", skip(password, user, password))]
fn login(user: &str, password: &str) -> std::io::Result<()> {
    let _ = (user, password);
    Ok(())
}

fn main() {}
