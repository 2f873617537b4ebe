use audit_core::audited;
use std::io;

fn current_user() -> String {
    "ann".into()
}

#[audited("app.upload", skip(data), args(len = data.len(), user = current_user()))]
fn upload(host: &str, data: &[u8]) -> io::Result<()> {
    let _ = (host, data);
    Ok(())
}

#[audited("app.login", skip_all, on_veto = panic)]
fn login(user: &str, password: &str) -> bool {
    !user.is_empty() && !password.is_empty()
}

/// A `Result` under another name.
type Outcome<T> = Result<T, io::Error>;

#[audited("app.outcome", on_veto = err,)]
fn outcome(n: u32) -> Outcome<u32> {
    Ok(n)
}

fn main() {
    upload("h", b"abc").unwrap();
    assert!(login("ann", "pw"));
    outcome(1).unwrap();
}
