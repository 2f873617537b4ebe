//! Audited drop-in for `std::net`.
