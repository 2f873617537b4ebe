//! Checks a TOML policy file without installing it: any error with its line
//! and column, or each rule with the events it applies to.
//!
//! ```text
//! cargo run --example policy_check -- FILE
//! ```
//!
//! Exits with 1 when the policy is invalid, 2 on bad usage.

use audit_policy::Policy;

fn main() {
    let Some(file) = std::env::args_os().nth(1) else {
        eprintln!("usage: policy_check FILE");
        std::process::exit(2);
    };
    match Policy::from_file(&file) {
        Ok(policy) => print!("{}: {}", file.to_string_lossy(), policy.check()),
        Err(err) => {
            eprintln!("{err}");
            std::process::exit(1);
        }
    }
}
