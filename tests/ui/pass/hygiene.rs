//! The expansion names everything by absolute path: user items that shadow
//! prelude names, and modules without the prelude, do not break it.
#![allow(dead_code)]

use audit_core::audited;

struct Option;
struct Some;
enum Result {
    Ok,
    Err,
}
mod core {}
mod linkme {}
const __AUDIT_CALLSITE: u8 = 0;

fn value() {}
fn dispatch() {}

#[audited("app.shadowed")]
fn shadowed(n: u8) -> ::std::io::Result<u8> {
    Ok(n + __AUDIT_CALLSITE)
}

mod bare {
    #![no_implicit_prelude]

    #[::audit_core::audited("app.bare", args(flag = true))]
    pub(crate) fn bare(n: u8) -> ::std::io::Result<u8> {
        ::std::result::Result::Ok(n)
    }
}

fn main() {
    let _ = (Option, Some, Result::Ok, Result::Err, value(), dispatch());
    assert_eq!(shadowed(1).unwrap(), 1);
    assert_eq!(bare::bare(2).unwrap(), 2);
}
