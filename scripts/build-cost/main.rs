//! The program scripts/build-cost.sh builds: a small command-line tool that
//! copies a file, lists a directory and runs a child, written against plain
//! `std` or, with the probe's features, against the audit crates. The
//! policy is the same loaded from TOML (`policy`) or built in code
//! (`policy-code` alone, audit-policy without its `toml` feature).

#[cfg(feature = "std")]
use audit_std::{fs, process::Command};
#[cfg(not(feature = "std"))]
use std::{fs, process::Command};

fn install() {
    #[cfg(feature = "policy")]
    audit_policy::Policy::from_toml(
        r#"
        default = "allow"
        [[rule]]
        action = "deny"
        events = ["net.connect"]
        address = { not_in = ["loopback"] }
        "#,
    )
    .expect("valid policy")
    .install()
    .expect("policy installed");
    #[cfg(all(feature = "policy-code", not(feature = "policy")))]
    {
        use audit_policy::{Action, Policy, Rule};
        Policy::builder(Action::Allow)
            .rule(Rule::deny(["net.connect"]).address_not_in(["loopback"]))
            .build()
            .expect("valid policy")
            .install()
            .expect("policy installed");
    }
    #[cfg(feature = "json")]
    audit_core::install_hook(audit_sinks::JsonLines::new(std::io::stderr())).expect("sink");
    #[cfg(feature = "tracing")]
    audit_core::install_hook(audit_sinks::TracingBridge::new()).expect("bridge");
}

fn main() -> std::io::Result<()> {
    install();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (from, to) = match args.as_slice() {
        [from, to] => (from, to),
        _ => {
            eprintln!("usage: probe FROM TO");
            std::process::exit(2);
        }
    };
    fs::copy(from, to)?;
    for entry in fs::read_dir(".")? {
        println!("{}", entry?.path().display());
    }
    let status = Command::new("true").status()?;
    println!("{status}");
    Ok(())
}
