//! The workload behind the `audit_tokio` instruction counts in
//! BENCHMARKS.md: N times `File::open` or a loopback `TcpStream::connect`,
//! through tokio or through `audit_tokio`, on a current-thread runtime, with
//! no hook installed (or one no-op hook with `one_hook` as third argument).
//!
//! ```text
//! valgrind --tool=callgrind --callgrind-out-file=/dev/null \
//!     target/release/examples/tokio_instructions audit_open 1000
//! ```
//!
//! Run it with N and 2N and divide the difference by N: the instructions of
//! one call, every thread counted (the blocking pool's too), without the
//! start-up.

use std::io::Read;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let mode = args.next().unwrap_or_default();
    let n: usize = args.next().unwrap_or_default().parse().unwrap_or(1000);
    if args.next().as_deref() == Some("one_hook") {
        audit_core::add_hook(|_| Ok(()))?;
    }
    let dir = tempfile::tempdir()?;
    let file = dir.path().join("small.txt");
    std::fs::write(&file, b"hello")?;
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    let addr = listener.local_addr()?;
    // Accepts and closes each connection; the client waits for the close,
    // so connections never pile up.
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut stream = stream;
            let _ = stream.read(&mut [0u8; 1]);
        }
    });
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        for _ in 0..n {
            match mode.as_str() {
                "tokio_open" => drop(tokio::fs::File::open(&file).await?),
                "audit_open" => drop(audit_tokio::fs::File::open(&file).await?),
                "tokio_connect" => drop(tokio::net::TcpStream::connect(addr).await?),
                "audit_connect" => drop(audit_tokio::net::TcpStream::connect(addr).await?),
                other => return Err(format!("unknown mode {other:?}").into()),
            }
        }
        Ok::<(), Box<dyn std::error::Error>>(())
    })?;
    println!("{mode}: {n}");
    Ok(())
}
