use audit_core::{AuditError, Event, Hook};

struct Logger;

impl Hook for Logger {
    fn on_event(&self, _event: &Event<'_>) -> Result<(), AuditError> {
        Ok(())
    }
}

fn main() {
    // Hook types go to `install_hook` (and `testing::capture_with_hook`).
    let _ = audit_core::add_hook(Logger);
    let _ = audit_core::testing::capture_with(Logger, || ());
}
