//! Support for the expansion of `#[audited]`.
