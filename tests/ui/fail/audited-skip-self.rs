use audit_core::audited;

struct Session;

impl Session {
    #[audited("app.logout", skip(self))]
    fn logout(&self, reason: &str) -> std::io::Result<()> {
        let _ = reason;
        Ok(())
    }
}

fn main() {
    let _ = Session.logout("bye");
}
