//! Functions shared by the benchmark binaries: the same small operation,
//! plain, behind an audit point, and behind a `tracing` event with the same
//! number of fields.

#![allow(dead_code)] // each bench binary uses a subset

use std::hint::black_box;
use std::path::Path;

use audit_core::{audit, AuditError};

/// The baseline: a call that cannot be inlined away.
#[inline(never)]
pub fn plain(x: u64, path: &Path) -> u64 {
    black_box(path);
    black_box(x).wrapping_add(1)
}

/// The baseline with the audited functions' signature: the same call and
/// the same `Result` to unwrap, without the audit point.
#[inline(never)]
pub fn plain_result(x: u64, path: &Path) -> Result<u64, AuditError> {
    Ok(plain_body(x, path))
}

/// The same function with an audit point of two arguments.
#[inline(never)]
pub fn audited(x: u64, path: &Path) -> Result<u64, AuditError> {
    audit!("bench.op", x, path)?;
    Ok(plain_body(x, path))
}

/// An audit point no hook is interested in (`fs.*`, when hooks want `net.*`).
#[inline(never)]
pub fn audited_fs(x: u64, path: &Path) -> Result<u64, AuditError> {
    audit!("fs.bench", x, path)?;
    Ok(plain_body(x, path))
}

/// The same function with a `tracing` event of two fields.
#[inline(never)]
pub fn traced(x: u64, path: &Path) -> u64 {
    tracing::info!(x, path = %path.display());
    plain_body(x, path)
}

#[inline(always)]
fn plain_body(x: u64, path: &Path) -> u64 {
    black_box(path);
    black_box(x).wrapping_add(1)
}

mod noop_subscriber;
#[allow(unused_imports)] // not every bench binary uses it
pub use noop_subscriber::NoopSubscriber;

/// A hook that looks at the event and allows it.
pub fn noop_hook(event: &audit_core::Event<'_>) -> Result<(), AuditError> {
    black_box(event);
    Ok(())
}

pub const PATH: &str = "/srv/app/data.bin";

/// The same function as [`audited`], annotated with `#[audited]`.
#[inline(never)]
#[audit_core::audited("bench.annotated")]
pub fn annotated(x: u64, path: &Path) -> Result<u64, AuditError> {
    Ok(plain_body(x, path))
}

/// Real system calls, `std` and `audit_std` side by side: `File::open` and
/// `fs::metadata` of `file`, and a loopback `TcpStream::connect` to `server`
/// (from [`loopback_server`]).
pub fn system_calls(
    g: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    file: &Path,
    server: std::net::SocketAddr,
) {
    g.bench_function("std_file_open", |b| {
        b.iter(|| std::fs::File::open(file).unwrap())
    });
    g.bench_function("audit_std_file_open", |b| {
        b.iter(|| audit_std::fs::File::open(file).unwrap())
    });
    g.bench_function("std_metadata", |b| {
        b.iter(|| std::fs::metadata(file).unwrap())
    });
    g.bench_function("audit_std_metadata", |b| {
        b.iter(|| audit_std::fs::metadata(file).unwrap())
    });
    g.bench_function("std_tcp_connect", |b| {
        b.iter(|| connected(std::net::TcpStream::connect(server)))
    });
    g.bench_function("audit_std_tcp_connect", |b| {
        b.iter(|| connected(audit_std::net::TcpStream::connect(server)))
    });
}

/// Starts a loopback listener that accepts and resets connections on a thread
/// of its own, for the `TcpStream::connect` benches; returns its address.
///
/// The server closes each connection with an RST (`SO_LINGER` of zero), so
/// that no side keeps it in TIME_WAIT: tens of thousands of connections in
/// TIME_WAIT make the kernel's search for a free local port, and so every
/// `connect`, slow and erratic.
pub fn loopback_server() -> std::net::SocketAddr {
    use std::os::fd::AsRawFd;

    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let linger = libc::linger {
                l_onoff: 1,
                l_linger: 0,
            };
            // SAFETY: a valid socket descriptor, and a pointer to a `linger`
            // of the size passed.
            unsafe {
                libc::setsockopt(
                    stream.as_raw_fd(),
                    libc::SOL_SOCKET,
                    libc::SO_LINGER,
                    std::ptr::from_ref(&linger).cast(),
                    std::mem::size_of::<libc::linger>() as libc::socklen_t,
                );
            }
        }
    });
    addr
}

/// Checks the result of a `connect` to [`loopback_server`], then waits for
/// the server to reset the connection, so that connections never pile up in
/// the accept queue (a full queue drops SYNs, and a retried SYN costs a
/// second). A reset is a success too: it may come before `connect` returns.
pub fn connected<S: std::io::Read>(result: std::io::Result<S>) {
    let reset =
        |e: std::io::Error| assert_eq!(e.kind(), std::io::ErrorKind::ConnectionReset, "{e}");
    match result {
        Ok(mut stream) => match stream.read(&mut [0u8; 1]) {
            Ok(n) => assert_eq!(n, 0),
            Err(e) => reset(e),
        },
        Err(e) => reset(e),
    }
}
