//! The catalogue of events raised by this crate: one constant per event,
//! and one [`TABLE`] saying what each does.
//!
//! Each module's documentation has the table of its events, their arguments
//! and the closest CPython audit event; [`TABLE`] has their [`Classes`], the
//! files they name and how the kernel reaches them.

mod class;
pub mod fs;
pub mod net;
mod operand;
pub mod process;
mod table;

pub use class::Classes;
pub use operand::{FileRef, Operand};
pub use table::{info, Access, EventInfo, Follow, PathArg, OPEN_WRITE_FLAGS, TABLE};
