//! The catalogue of events raised by this crate: one constant per event.
//!
//! Each module's documentation has the table of its events, their arguments
//! and the closest CPython audit event.

pub mod fs;
pub mod net;
pub mod process;
