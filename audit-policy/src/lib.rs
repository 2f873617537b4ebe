//! Declarative allow/deny policies for audit hooks.
#![deny(missing_docs)]
