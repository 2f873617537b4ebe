//! Audited mirror of `std::os::unix::net`.
