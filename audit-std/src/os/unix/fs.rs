//! Audited mirror of `std::os::unix::fs`.
