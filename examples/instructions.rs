//! A fixed workload for instruction counting (`scripts/instructions.sh`):
//! `N` calls of a small function, plain or with an audit point, with or
//! without a no-op hook, or with a `tracing` event, with or without a no-op
//! subscriber; and the same audit point in a function that calls out (and
//! so has a stack frame anyway). Instruction counts under callgrind are exact and
//! repeatable, unlike timings on a shared machine.
//!
//! ```text
//! cargo run --release --example instructions -- <mode> <N>
//! mode: plain | audited | annotated | audited-hook | annotated-hook | audited-16-hooks
//!       | plain-call | audited-call | annotated-call | std-metadata | audit-std-metadata
//!       | traced | traced-subscriber
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

/// The same function as `audited`, with `#[audited]`.
#[inline(never)]
#[audit_core::audited("bench.annotated")]
fn annotated(x: u64, path: &Path) -> Result<u64, AuditError> {
    black_box(path);
    Ok(black_box(x).wrapping_add(1))
}

/// Something opaque to call, as every `audit_std` wrapper calls into `std`.
#[inline(never)]
fn sink(x: u64, path: &Path) -> u64 {
    black_box(path);
    black_box(x).wrapping_add(1)
}

/// A function that calls out twice, so it has a frame of its own anyway.
#[inline(never)]
fn plain_call(x: u64, path: &Path) -> Result<u64, AuditError> {
    let y = sink(x, path);
    Ok(sink(y, path))
}

#[inline(never)]
fn audited_call(x: u64, path: &Path) -> Result<u64, AuditError> {
    audit!("bench.call", x, path)?;
    let y = sink(x, path);
    Ok(sink(y, path))
}

#[inline(never)]
#[audit_core::audited("bench.annotated_call")]
fn annotated_call(x: u64, path: &Path) -> Result<u64, AuditError> {
    let y = sink(x, path);
    Ok(sink(y, path))
}

/// A real system call, `stat` of `path`, through std.
#[inline(never)]
fn std_metadata(x: u64, path: &Path) -> Result<u64, AuditError> {
    Ok(std::fs::metadata(path).map_or(x, |m| x.wrapping_add(m.len())))
}

/// The same through `audit_std`.
#[inline(never)]
fn audit_std_metadata(x: u64, path: &Path) -> Result<u64, AuditError> {
    Ok(audit_std::fs::metadata(path).map_or(x, |m| x.wrapping_add(m.len())))
}

#[inline(never)]
fn traced(x: u64, path: &Path) -> Result<u64, AuditError> {
    tracing::info!(x, path = %path.display());
    black_box(path);
    Ok(black_box(x).wrapping_add(1))
}

#[path = "../benches/common/noop_subscriber.rs"]
mod noop_subscriber;
use noop_subscriber::NoopSubscriber;

type Workload = fn(u64, &Path) -> Result<u64, AuditError>;

/// Installs `hooks` no-op hooks, then hands `f` back.
fn with_noop_hooks(hooks: usize, f: Workload) -> Workload {
    for _ in 0..hooks {
        audit_core::add_hook(|event| {
            black_box(event);
            Ok(())
        })
        .expect("auditing is compiled in");
    }
    f
}

fn main() {
    let mut args = std::env::args().skip(1);
    let mode = args.next().unwrap_or_else(|| "audited".into());
    let n: u64 = args
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1_000_000);
    let f: Workload = match mode.as_str() {
        "plain" => plain,
        "audited" => audited,
        "annotated" => annotated,
        "audited-hook" => with_noop_hooks(1, audited),
        "annotated-hook" => with_noop_hooks(1, annotated),
        "audited-16-hooks" => with_noop_hooks(16, audited),
        "plain-call" => plain_call,
        "audited-call" => audited_call,
        "annotated-call" => annotated_call,
        "std-metadata" => std_metadata,
        "audit-std-metadata" => audit_std_metadata,
        "traced" => traced,
        "traced-subscriber" => {
            tracing::subscriber::set_global_default(NoopSubscriber)
                .expect("no other subscriber is set");
            traced
        }
        other => {
            eprintln!(
                "unknown mode {other:?}: expected plain, audited, annotated, audited-hook, annotated-hook, \
                 audited-16-hooks, plain-call, audited-call, annotated-call, std-metadata, \
                 audit-std-metadata, traced or traced-subscriber"
            );
            std::process::exit(2);
        }
    };
    // The system-call cases `stat` this program itself, which exists.
    let exe = std::env::current_exe().expect("the program's own path");
    let path = if mode.ends_with("metadata") {
        exe.as_path()
    } else {
        Path::new("/srv/app/data.bin")
    };
    let mut sum = 0u64;
    for i in 0..n {
        sum = sum.wrapping_add(f(black_box(i), path).unwrap_or(0));
    }
    println!("{mode}: {n} calls, checksum {sum}");
}
