//! Platform-specific extensions, mirroring `std::os`.

#[cfg(unix)]
pub mod unix;
