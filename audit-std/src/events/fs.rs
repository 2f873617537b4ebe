//! Names of the `fs.*` events.
