//! Dispatch with hooks installed: 1, 4 and 16 no-op hooks, against `tracing`
//! with an enabled no-op subscriber; two threads at once against one; and an
//! audit point that the only hook is not interested in; real system calls
//! (`File::open`, `fs::metadata`, loopback `TcpStream::connect`) with one hook.
//!
//! Hooks cannot be removed, so the cases run in order of growing registry,
//! in one binary of their own.

mod common;

use std::hint::black_box;
use std::path::Path;
use std::sync::Barrier;
use std::time::{Duration, Instant};

use audit_core::{add_hook, add_hook_with_interest, Interest};
use criterion::{criterion_group, criterion_main, Criterion};

fn hooks(c: &mut Criterion) {
    let path = Path::new(common::PATH);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("small.txt");
    std::fs::write(&file, b"hello").unwrap();
    tracing::subscriber::set_global_default(common::NoopSubscriber).unwrap();
    let server = common::loopback_server();

    // Interest: the only hook wants `net.*`; the `fs.*` point stays cheap.
    let mut g = c.benchmark_group("interest");
    g.bench_function("fs_point_no_hook", |b| {
        b.iter(|| common::audited_fs(black_box(7), path).unwrap_or(0))
    });
    add_hook_with_interest(Interest::prefixes(["net."]), common::noop_hook).unwrap();
    g.bench_function("fs_point_net_hook_only", |b| {
        b.iter(|| common::audited_fs(black_box(7), path).unwrap_or(0))
    });
    g.bench_function("plain_fn", |b| b.iter(|| common::plain(black_box(7), path)));
    g.finish();

    let mut installed = 0;
    for hooks in [1, 4, 16] {
        while installed < hooks {
            add_hook(common::noop_hook).unwrap();
            installed += 1;
        }
        let mut g = c.benchmark_group(format!("{hooks}_hooks"));
        g.bench_function("plain_fn", |b| b.iter(|| common::plain(black_box(7), path)));
        g.bench_function("audit_point", |b| {
            b.iter(|| common::audited(black_box(7), path).unwrap_or(0))
        });
        if hooks == 1 {
            g.bench_function("audited_attribute", |b| {
                b.iter(|| common::annotated(black_box(7), path).unwrap_or(0))
            });
            common::system_calls(&mut g, &file, server);
            g.bench_function("tracing_noop_subscriber", |b| {
                b.iter(|| common::traced(black_box(7), path))
            });
            g.bench_function("audit_point_two_threads", |b| {
                b.iter_custom(|iters| on_threads(2, iters, path, audited))
            });
            g.bench_function("audit_point_one_thread", |b| {
                b.iter_custom(|iters| on_threads(1, iters, path, audited))
            });
            // The control: what two threads cost on this machine with no
            // dispatch at all (shared cores, scheduling).
            g.bench_function("plain_fn_two_threads", |b| {
                b.iter_custom(|iters| on_threads(2, iters, path, plain))
            });
            g.bench_function("plain_fn_one_thread", |b| {
                b.iter_custom(|iters| on_threads(1, iters, path, plain))
            });
        }
        g.finish();
    }
}

fn audited(path: &Path) -> u64 {
    common::audited(black_box(7), path).unwrap_or(0)
}

fn plain(path: &Path) -> u64 {
    common::plain(black_box(7), path)
}

/// Time per iteration when `threads` threads each run `iters` calls of `op`
/// at once: the slowest thread's time.
fn on_threads(threads: usize, iters: u64, path: &Path, op: fn(&Path) -> u64) -> Duration {
    let barrier = Barrier::new(threads);
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    barrier.wait();
                    let start = Instant::now();
                    for _ in 0..iters {
                        black_box(op(path));
                    }
                    start.elapsed()
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap())
            .max()
            .unwrap()
    })
}

criterion_group!(benches, hooks);
criterion_main!(benches);
