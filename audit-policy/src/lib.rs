//! Declarative allow/deny policies for audit hooks.
#![deny(missing_docs)]
#![warn(unreachable_pub)]

mod condition;
mod error;
mod policy;
mod rule;
mod toml_format;

pub use condition::ConditionKind;
pub use error::PolicyError;
pub use policy::{Action, Decision, Policy, PolicyBuilder};
pub use rule::Rule;
