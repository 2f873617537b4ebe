use audit_core::audited;

#[audited("app.login", skip_all, skip(password))]
fn login(user: &str, password: &str) -> std::io::Result<()> {
    let _ = (user, password);
    Ok(())
}

fn main() {}
