//! A fixed workload for counting what a policy costs per event
//! (`scripts/policy-instructions.sh`): `N` opens of one file in a work
//! directory through `audit_std`, with no hook, with a no-op hook, or with
//! the policy of `examples/policy.toml` installed. The open for writing
//! matches the policy's `@write` rule (and is allowed: the file is inside
//! the work directory); the open for reading matches no rule's pattern.
//!
//! ```text
//! cargo run --release --example policy_cost -- <hook> <open> <N>
//! hook: none | noop | policy        open: write | read
//! ```

use std::hint::black_box;

use audit_policy::Policy;
use audit_std::fs::OpenOptions;

fn main() {
    let mut args = std::env::args().skip(1);
    let hook = args.next().unwrap_or_else(|| "policy".into());
    let open = args.next().unwrap_or_else(|| "write".into());
    let n: u64 = args.next().and_then(|n| n.parse().ok()).unwrap_or(10_000);

    let work = tempfile::tempdir().expect("a temporary directory");
    let work = std::fs::canonicalize(work.path()).expect("its canonical path");
    let file = work.join("data.bin");
    std::fs::write(&file, "x").expect("the file to open");

    match hook.as_str() {
        "none" => {}
        "noop" => audit_core::add_hook(|event| {
            black_box(event);
            Ok(())
        })
        .expect("auditing is compiled in"),
        "policy" => {
            let text = include_str!("policy.toml").replace("{work}", work.to_str().unwrap());
            Policy::from_toml(&text)
                .expect("the example policy parses")
                .install()
                .expect("auditing is compiled in");
        }
        other => {
            eprintln!("unknown hook {other:?}: expected none, noop or policy");
            std::process::exit(2);
        }
    }
    let mut options = OpenOptions::new();
    match open.as_str() {
        "write" => options.write(true),
        "read" => options.read(true),
        other => {
            eprintln!("unknown open {other:?}: expected write or read");
            std::process::exit(2);
        }
    };
    for _ in 0..n {
        black_box(options.open(&file).expect("allowed"));
    }
    println!("{hook} {open}: {n} opens");
}
