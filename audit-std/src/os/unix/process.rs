//! Audited mirror of `std::os::unix::process`.
