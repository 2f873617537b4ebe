//! Audited drop-in for `std::fs`.
