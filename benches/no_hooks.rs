//! The zero-hook fast path, side by side with a plain call and with
//! `tracing` without a subscriber. No hook is ever installed in this binary.

mod common;

use std::hint::black_box;
use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion};

fn no_hooks(c: &mut Criterion) {
    assert_eq!(audit_core::hook_count(), 0);
    let path = Path::new(common::PATH);
    let mut g = c.benchmark_group("no_hook");
    g.bench_function("plain_fn", |b| b.iter(|| common::plain(black_box(7), path)));
    g.bench_function("plain_fn_result", |b| {
        b.iter(|| common::plain_result(black_box(7), path).unwrap_or(0))
    });
    g.bench_function("audit_point", |b| {
        b.iter(|| common::audited(black_box(7), path).unwrap_or(0))
    });
    g.bench_function("tracing_no_subscriber", |b| {
        b.iter(|| common::traced(black_box(7), path))
    });
    g.bench_function("audited_attribute", |b| {
        b.iter(|| common::annotated(black_box(7), path).unwrap_or(0))
    });
    g.finish();

    // Real system calls: the audit point must vanish in the noise.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("small.txt");
    std::fs::write(&file, b"hello").unwrap();
    let mut g = c.benchmark_group("no_hook_syscalls");
    common::system_calls(&mut g, &file, common::loopback_server());
    g.finish();
}

criterion_group!(benches, no_hooks);
criterion_main!(benches);
