//! Names of the `net.*` events.
