//! Long-form documentation: how the registry works and what it cannot do.

pub mod internals;
pub mod limitations;
