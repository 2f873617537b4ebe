//! A fixed workload for instruction counting (`scripts/instructions.sh`):
//! `N` calls of a small function, plain or with an audit point, with or
//! without a no-op hook. Instruction counts under callgrind are exact and
//! repeatable, unlike timings on a shared machine.
//!
//! ```text
//! cargo run --release --example instructions -- <plain|audited|audited-hook> <N>
//! ```

use std::hint::black_box;
use std::path::Path;

use audit_core::{audit, AuditError};

#[inline(never)]
fn plain(x: u64, path: &Path) -> Result<u64, AuditError> {
    black_box(path);
    Ok(black_box(x).wrapping_add(1))
}

#[inline(never)]
fn audited(x: u64, path: &Path) -> Result<u64, AuditError> {
    audit!("bench.op", x, path)?;
    black_box(path);
    Ok(black_box(x).wrapping_add(1))
}

fn main() {
    let mut args = std::env::args().skip(1);
    let mode = args.next().unwrap_or_else(|| "audited".into());
    let n: u64 = args
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1_000_000);
    let f: fn(u64, &Path) -> Result<u64, AuditError> = match mode.as_str() {
        "plain" => plain,
        "audited" => audited,
        "audited-hook" => {
            audit_core::add_hook(|event| {
                black_box(event);
                Ok(())
            })
            .expect("auditing is compiled in");
            audited
        }
        other => {
            eprintln!("unknown mode {other:?}: expected plain, audited or audited-hook");
            std::process::exit(2);
        }
    };
    let path = Path::new("/srv/app/data.bin");
    let mut sum = 0u64;
    for i in 0..n {
        sum = sum.wrapping_add(f(black_box(i), path).unwrap_or(0));
    }
    println!("{mode}: {n} calls, checksum {sum}");
}
