//! Names of the `process.*` events.
