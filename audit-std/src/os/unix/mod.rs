//! Unix extensions, mirroring `std::os::unix`.

pub mod fs;
pub mod net;
pub mod prelude;
pub mod process;
