//! A fixed workload for counting what a log costs per event
//! (`scripts/sink-instructions.sh`): `N` times the same event, an open of
//! `/srv/data/report-2026.csv` for writing, logged by one of:
//!
//! - `none`: the audit point with no hook (the baseline);
//! - `json`: [`JsonLines`] writing to `io::sink()`;
//! - `nonblocking`: [`NonBlocking`] writing to `io::sink()` (the queue
//!   holds every event, so the audited thread never waits);
//! - `tracing-json`: `tracing-subscriber`'s JSON layer writing to
//!   `io::sink()`, fed an equivalent `tracing` event;
//! - `tracing-nonblocking`: the same through `tracing-appender`'s
//!   non-blocking writer (lossy off, so it keeps every line).
//!
//! Under callgrind with `--separate-threads=yes`, the first thread's count
//! is what the audited thread pays.
//!
//! ```text
//! cargo run --release --example sink_instructions -- <mode> <N>
//! ```

use std::hint::black_box;
use std::io;
use std::path::Path;

use audit_core::install_hook;
use audit_sinks::{JsonLines, NonBlocking, WhenFull};

#[path = "support/sink_event.rs"]
mod sink_event;
use sink_event::{open, traced};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let mode = args.next().unwrap_or_else(|| "none".into());
    let n: u64 = args.next().map(|s| s.parse()).transpose()?.unwrap_or(1000);
    let path = Path::new("/srv/data/report-2026.csv");
    let mut guards = Vec::new();
    let mut tracing_guard = None;
    match mode.as_str() {
        "none" => {}
        "json" => install_hook(JsonLines::new(io::sink()).flush_each_line(false))?,
        "nonblocking" => {
            let (sink, guard) = NonBlocking::builder(io::sink())
                .capacity(usize::try_from(n)?.max(1))
                .when_full(WhenFull::Block)
                .spawn()?;
            install_hook(sink)?;
            guards.push(guard);
        }
        "tracing-json" => {
            tracing_subscriber::fmt()
                .json()
                .with_writer(io::sink)
                .with_thread_ids(true)
                .with_thread_names(true)
                .with_file(true)
                .with_line_number(true)
                .init();
        }
        "tracing-nonblocking" => {
            let (writer, guard) = tracing_appender::non_blocking::NonBlockingBuilder::default()
                .lossy(false)
                .buffered_lines_limit(usize::try_from(n)?.max(1))
                .finish(io::sink());
            tracing_subscriber::fmt()
                .json()
                .with_writer(writer)
                .with_thread_ids(true)
                .with_thread_names(true)
                .with_file(true)
                .with_line_number(true)
                .init();
            tracing_guard = Some(guard);
        }
        other => return Err(format!("unknown mode {other}").into()),
    }
    let tracing = mode.starts_with("tracing");
    for i in 0..n {
        if tracing {
            traced(black_box(path), i);
        } else {
            open(black_box(path), i)?;
        }
    }
    for guard in guards {
        guard.shutdown();
    }
    drop(tracing_guard);
    Ok(())
}
