//! Audited drop-in for `std::process`.
