//! Audited drop-ins for `std::env` functions that act on the filesystem.
