//! Events per second through a real file, side by side in one run:
//! audit-sinks' `JsonLines` and `NonBlocking` against `tracing-subscriber`'s
//! JSON layer writing the file directly and through `tracing-appender`'s
//! non-blocking writer, on an equivalent event (an open for writing: path,
//! three flags, a mode and a counter), with 1 and 2 threads raising events.
//!
//! Every sink is scoped (a capture for the audit sinks, a default
//! subscriber for tracing), so the cases share one binary without a global
//! hook. Each measured batch ends with the log flushed, so a non-blocking
//! writer cannot win by leaving its queue full.

use std::fs::File;
use std::hint::black_box;
use std::path::Path;
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use audit_core::{testing, AuditError, Event, Hook, Outcome};
use audit_sinks::{JsonLines, NonBlocking, WhenFull};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

#[path = "../examples/support/sink_event.rs"]
mod sink_event;
use sink_event::{open, traced};

/// A shared sink as a capture's hook.
struct Shared<H>(Arc<H>);

impl<H: Hook> Hook for Shared<H> {
    fn on_event(&self, event: &Event<'_>) -> Result<(), AuditError> {
        self.0.on_event(event)
    }
    fn observes_outcome(&self) -> bool {
        true
    }
    fn on_outcome(&self, event: &Event<'_>, outcome: &Outcome<'_>) -> Result<(), AuditError> {
        self.0.on_outcome(event, outcome)
    }
}

/// Runs `per_thread(iters / threads)` on `threads` threads and times it all.
fn on_threads(threads: u64, iters: u64, per_thread: impl Fn(u64) + Sync) -> Duration {
    let start = Instant::now();
    thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| per_thread(iters / threads));
        }
    });
    start.elapsed()
}

fn tracing_subscriber_for<W>(writer: W) -> impl tracing::Subscriber + Send + Sync
where
    W: for<'w> tracing_subscriber::fmt::MakeWriter<'w> + Send + Sync + 'static,
{
    tracing_subscriber::fmt()
        .json()
        .with_writer(writer)
        .with_thread_ids(true)
        .with_thread_names(true)
        .with_file(true)
        .with_line_number(true)
        .finish()
}

fn sinks(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let path = Path::new("/srv/data/report-2026.csv");
    for threads in [1u64, 2] {
        let mut g = c.benchmark_group(format!("file_{threads}_thread"));
        g.throughput(Throughput::Elements(1));
        g.bench_function("json_lines", |b| {
            let file = File::create(dir.path().join("sync.jsonl")).unwrap();
            let sink = Arc::new(JsonLines::new(file).flush_each_line(false));
            b.iter_custom(|iters| {
                on_threads(threads, iters, |n| {
                    testing::capture_with_hook(Shared(Arc::clone(&sink)), || {
                        for i in 0..n {
                            let _ = black_box(open(black_box(path), i));
                        }
                    });
                })
            })
        });
        g.bench_function("non_blocking", |b| {
            let file = File::create(dir.path().join("async.jsonl")).unwrap();
            let (sink, guard) = NonBlocking::builder(file)
                .when_full(WhenFull::Block)
                .flush_each_batch(false)
                .spawn()
                .unwrap();
            let sink = Arc::new(sink);
            b.iter_custom(|iters| {
                let start = Instant::now();
                on_threads(threads, iters, |n| {
                    testing::capture_with_hook(Shared(Arc::clone(&sink)), || {
                        for i in 0..n {
                            let _ = black_box(open(black_box(path), i));
                        }
                    });
                });
                guard.flush();
                start.elapsed()
            });
        });
        g.bench_function("tracing_json", |b| {
            let file = Arc::new(File::create(dir.path().join("tracing.jsonl")).unwrap());
            let subscriber = Arc::new(tracing_subscriber_for(move || Arc::clone(&file)));
            b.iter_custom(|iters| {
                on_threads(threads, iters, |n| {
                    let dispatch = tracing::Dispatch::from(Arc::clone(&subscriber));
                    tracing::dispatcher::with_default(&dispatch, || {
                        for i in 0..n {
                            traced(black_box(path), i);
                        }
                    });
                })
            })
        });
        g.bench_function("tracing_json_appender", |b| {
            let file = File::create(dir.path().join("appender.jsonl")).unwrap();
            b.iter_custom(|iters| {
                // A new appender per batch: dropping its guard is the only
                // way to wait for it to write everything.
                let (writer, guard) = tracing_appender::non_blocking::NonBlockingBuilder::default()
                    .lossy(false)
                    .finish(file.try_clone().unwrap());
                let subscriber = Arc::new(tracing_subscriber_for(writer));
                let start = Instant::now();
                on_threads(threads, iters, |n| {
                    let dispatch = tracing::Dispatch::from(Arc::clone(&subscriber));
                    tracing::dispatcher::with_default(&dispatch, || {
                        for i in 0..n {
                            traced(black_box(path), i);
                        }
                    });
                });
                drop(subscriber);
                drop(guard);
                start.elapsed()
            })
        });
        g.finish();
    }
}

criterion_group!(benches, sinks);
criterion_main!(benches);
