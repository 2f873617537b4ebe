use audit_core::audited;
use std::panic::Location;

#[audited("app.where", on_veto = panic)]
#[track_caller]
fn here() -> &'static Location<'static> {
    Location::caller()
}

fn main() {
    let line = line!() + 1;
    let location = here();
    assert_eq!(location.line(), line);
}
