//! audit_tokio against plain tokio: `File::open` and loopback
//! `TcpStream::connect`, first with no hook installed, then with one no-op
//! hook. Each iteration is one `block_on` of the operation on a
//! current-thread runtime (the same for both sides), so the runtime's own
//! cost (for `File::open`, a blocking-pool round trip) is in both figures.
//!
//! Hooks cannot be removed: the no-hook cases run first, in this binary of
//! their own.

mod common;

use std::net::SocketAddr;
use std::path::Path;

use criterion::measurement::WallTime;
use criterion::{criterion_group, criterion_main, BenchmarkGroup, Criterion};
use tokio::io::AsyncReadExt;
use tokio::runtime::Runtime;

/// Waits for the server's reset, as `common::connected` does for std.
async fn connected<S: tokio::io::AsyncRead + Unpin>(result: std::io::Result<S>) {
    let reset =
        |e: std::io::Error| assert_eq!(e.kind(), std::io::ErrorKind::ConnectionReset, "{e}");
    match result {
        Ok(mut stream) => match stream.read(&mut [0u8; 1]).await {
            Ok(n) => assert_eq!(n, 0),
            Err(e) => reset(e),
        },
        Err(e) => reset(e),
    }
}

fn cases(g: &mut BenchmarkGroup<'_, WallTime>, rt: &Runtime, file: &Path, server: SocketAddr) {
    g.bench_function("tokio_file_open", |b| {
        b.iter(|| rt.block_on(tokio::fs::File::open(file)).unwrap())
    });
    g.bench_function("audit_tokio_file_open", |b| {
        b.iter(|| rt.block_on(audit_tokio::fs::File::open(file)).unwrap())
    });
    g.bench_function("tokio_tcp_connect", |b| {
        b.iter(|| {
            rt.block_on(async { connected(tokio::net::TcpStream::connect(server).await).await })
        })
    });
    g.bench_function("audit_tokio_tcp_connect", |b| {
        b.iter(|| {
            rt.block_on(async {
                connected(audit_tokio::net::TcpStream::connect(server).await).await
            })
        })
    });
}

fn tokio_wrappers(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("small.txt");
    std::fs::write(&file, b"hello").unwrap();
    let server = common::loopback_server();

    let mut g = c.benchmark_group("tokio_no_hook");
    cases(&mut g, &rt, &file, server);
    g.finish();

    if audit_core::add_hook(common::noop_hook).is_ok() {
        let mut g = c.benchmark_group("tokio_one_hook");
        cases(&mut g, &rt, &file, server);
        g.finish();
    }
}

criterion_group!(benches, tokio_wrappers);
criterion_main!(benches);
