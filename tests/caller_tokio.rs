//! Caller attribution through `audit_tokio`: the wrappers are
//! `#[track_caller]` functions that return a future, so the event (raised
//! when the future is first polled, possibly on another worker thread) names
//! the line that called the wrapper, not a line inside `audit_tokio` nor the
//! `.await`. With the `off` feature: no event at all.

mod tokio_common;

use audit_core::OwnedEvent;
use audit_tokio::fs as afs;
use tokio_common::block_on;

/// `(name, file, line)` of each event's caller.
fn callers(events: &[OwnedEvent]) -> Vec<(&'static str, &'static str, u32)> {
    events
        .iter()
        .map(|e| {
            let at = e.caller().unwrap_or_else(|| panic!("{e} has no caller"));
            (e.name(), at.file(), at.line())
        })
        .collect()
}

fn assert_from_here(events: &[OwnedEvent], expected: &[(&'static str, u32)]) {
    if !audit_core::ENABLED {
        assert!(events.is_empty(), "{events:?}");
        return;
    }
    let want: Vec<_> = expected
        .iter()
        .map(|&(name, line)| (name, file!(), line))
        .collect();
    assert_eq!(callers(events), want);
}

// One call per line, on the line that records it: not reformatted.
#[rustfmt::skip]
#[test]
fn fs_wrappers_name_the_line_that_called_them_not_the_await() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().to_path_buf();
    let (lines, events) = block_on(async move {
        let mut lines = Vec::new();
        let ((), events) = audit_tokio::testing::capture(async {
            let a = d.join("a.txt");
            lines.push(("fs.open", line!())); afs::write(&a, "abc").await.unwrap();
            // Created here, awaited two lines later: the call is the caller.
            lines.push(("fs.open", line!())); let pending = afs::read(&a);
            tokio::task::yield_now().await;
            pending.await.unwrap();
            lines.push(("fs.open", line!())); let f = afs::File::open(&a).await.unwrap();
            lines.push(("fs.metadata", line!())); f.metadata().await.unwrap();
            lines.push(("fs.open", line!())); afs::OpenOptions::new().write(true).open(&a).await.unwrap();
            lines.push(("fs.metadata", line!())); afs::metadata(&a).await.unwrap();
            lines.push(("fs.create_dir", line!())); afs::create_dir_all(d.join("x/y")).await.unwrap();
            lines.push(("fs.copy", line!())); afs::copy(&a, d.join("b.txt")).await.unwrap();
            lines.push(("fs.remove_file", line!())); afs::remove_file(d.join("b.txt")).await.unwrap();
        })
        .await;
        (lines, events)
    });
    assert_from_here(&events, &lines);
}

#[rustfmt::skip]
#[test]
fn net_and_process_wrappers_name_their_caller() {
    let (lines, events) = block_on(async move {
        let mut lines = Vec::new();
        let ((), events) = audit_tokio::testing::capture(async {
            lines.push(("net.bind", line!())); let listener = audit_tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            lines.push(("net.connect", line!())); let _c = audit_tokio::net::TcpStream::connect(addr).await.unwrap();
            lines.push(("net.accept", line!())); let _ = listener.accept().await.unwrap();
            lines.push(("process.spawn", line!())); let _ = audit_tokio::process::Command::new("true").status().await.unwrap();
        })
        .await;
        (lines, events)
    });
    assert_from_here(&events, &lines);
}

/// A future never polled raises nothing, even though its caller was taken.
#[test]
fn an_unpolled_future_raises_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let a = tmp.path().join("never.txt");
    let ((), events) = audit_core::testing::capture(|| drop(afs::write(&a, "x")));
    assert!(events.is_empty(), "{events:?}");
    assert!(!a.exists());
}
