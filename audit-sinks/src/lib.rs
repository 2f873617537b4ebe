//! Ready-made audit hooks.
#![deny(missing_docs)]
