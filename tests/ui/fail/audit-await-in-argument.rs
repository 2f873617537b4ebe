// An argument is evaluated inside the dispatch, while the thread counts as
// running a hook: it must not suspend there.
async fn fetch() -> u32 {
    1
}

async fn handler() -> Result<(), audit_core::AuditError> {
    audit_core::audit!("app.fetch", n = fetch().await)?;
    Ok(())
}

fn main() {
    let _ = handler();
}
