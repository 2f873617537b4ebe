use audit_core::audited;

#[audited("app.login", skip(password), skip(token))]
fn login(user: &str, password: &str, token: &str) -> std::io::Result<()> {
    let _ = (user, password, token);
    Ok(())
}

fn main() {}
