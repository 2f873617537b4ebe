//! What the example policy (`examples/policy.toml`) costs a real
//! `audit_std::fs::OpenOptions::open` for writing inside its work directory
//! (an open its `@write` rule must judge, and allows), against the same
//! open with no hook and with one no-op hook; and an open for reading,
//! which no rule's pattern matches. Side by side in one run, so the ratios
//! hold on a noisy machine.
//!
//! Hooks cannot be removed, so the cases run in order of growing registry,
//! in one binary of their own: no hook, then the policy. (The no-op hook
//! case is in `benches/hooks.rs`.)

use std::hint::black_box;

use audit_policy::Policy;
use audit_std::fs::OpenOptions;
use criterion::{criterion_group, criterion_main, Criterion};

fn policy(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let work = std::fs::canonicalize(dir.path()).unwrap();
    let file = work.join("data.bin");
    std::fs::write(&file, b"x").unwrap();
    let mut write = OpenOptions::new();
    write.write(true);
    let mut read = OpenOptions::new();
    read.read(true);

    let mut g = c.benchmark_group("open");
    g.bench_function("write_no_hook", |b| {
        b.iter(|| black_box(write.open(&file).unwrap()))
    });
    g.bench_function("read_no_hook", |b| {
        b.iter(|| black_box(read.open(&file).unwrap()))
    });
    let text = include_str!("../examples/policy.toml").replace("{work}", work.to_str().unwrap());
    if Policy::from_toml(&text).unwrap().install().is_ok() {
        g.bench_function("write_policy", |b| {
            b.iter(|| black_box(write.open(&file).unwrap()))
        });
        g.bench_function("read_policy", |b| {
            b.iter(|| black_box(read.open(&file).unwrap()))
        });
    }
    g.finish();
}

criterion_group!(benches, policy);
criterion_main!(benches);
