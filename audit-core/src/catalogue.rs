//! The catalogue: every audit point linked into the program, known without running it.

use crate::Callsite;

/// Every audit point linked into this program: each `audit!` invocation and
/// each `#[audited]` function, in this crate and in every dependency.
///
/// Callsites are collected at link time, so the list is complete before any
/// of them runs: a reviewer can ask what a binary is able to audit. The order
/// is unspecified. With the `off` feature the catalogue is empty, since audit
/// points compile to nothing.
///
/// ```
/// fn rotate_keys() -> Result<(), audit_core::AuditError> {
///     audit_core::audit!("app.rotate_keys")
/// }
/// # let _ = rotate_keys;
/// if audit_core::ENABLED {
///     assert!(audit_core::catalogue().any(|site| site.name() == "app.rotate_keys"));
/// }
/// ```
pub fn catalogue() -> impl ExactSizeIterator<Item = &'static Callsite> {
    crate::__private::CALLSITES.iter()
}
