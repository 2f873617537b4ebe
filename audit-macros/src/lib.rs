//! The `#[audited]` attribute for `audit-core`. Use it through `audit_core::audited`.
#![deny(missing_docs)]

use proc_macro::TokenStream;

/// Placeholder until the attribute is implemented: emits the item unchanged.
#[proc_macro_attribute]
pub fn audited(_args: TokenStream, item: TokenStream) -> TokenStream {
    item
}
