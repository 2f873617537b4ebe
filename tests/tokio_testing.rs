//! `audit_tokio::testing`: a capture follows its future across worker
//! threads and sees nothing from other tasks; spawned tasks are followed only
//! through `testing::spawn`/`follow`/`spawn_blocking`; checks and assertions.

mod tokio_common;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

use audit_core::{audit, AuditError, Event, OwnedEvent};
use audit_std::testing::{Expect, Rule};
use audit_tokio::{fs, testing};
use tokio_common::{assert_vetoed, block_on, deny};

fn names(events: &[OwnedEvent]) -> Vec<&'static str> {
    events.iter().map(OwnedEvent::name).collect()
}

fn steps(events: &[OwnedEvent]) -> Vec<u64> {
    events
        .iter()
        .filter_map(|e| e.arg("step").and_then(|v| v.as_u64()))
        .collect()
}

/// Pending once, then ready: a point where the future may change threads.
struct YieldOnce(bool);

impl Future for YieldOnce {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0 {
            Poll::Ready(())
        } else {
            self.0 = true;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }
}

#[test]
fn a_capture_follows_its_future_from_thread_to_thread_and_nothing_else() {
    let fut = testing::capture(async {
        audit!("test.step", step = 1u64).unwrap();
        YieldOnce(false).await;
        audit!("test.step", step = 2u64).unwrap();
        YieldOnce(false).await;
        audit!("test.step", step = 3u64).unwrap();
    });
    let mut fut = Box::pin(fut);
    let mut cx = Context::from_waker(Waker::noop());
    // First poll here; the event between the polls is not the future's.
    assert!(fut.as_mut().poll(&mut cx).is_pending());
    let ((), outside) = audit_core::testing::capture(|| audit!("test.step", step = 99u64).unwrap());
    // Second poll on another thread, third back here.
    let mut fut = std::thread::spawn(move || {
        let mut cx = Context::from_waker(Waker::noop());
        assert!(fut.as_mut().poll(&mut cx).is_pending());
        audit!("test.step", step = 98u64).unwrap();
        fut
    })
    .join()
    .unwrap();
    let Poll::Ready(((), events)) = fut.as_mut().poll(&mut cx) else {
        panic!("not done")
    };
    if audit_core::ENABLED {
        assert_eq!(steps(&events), [1, 2, 3]);
        assert_eq!(steps(&outside), [99]);
    } else {
        assert!(events.is_empty());
    }
}

#[test]
fn concurrent_tasks_on_a_multi_thread_runtime_each_see_only_their_own_events() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().to_path_buf();
    let results = block_on(async move {
        let mut tasks = Vec::new();
        for task in 0..8u64 {
            let dir = root.join(format!("t{task}"));
            tasks.push(tokio::spawn(testing::capture(async move {
                fs::create_dir(&dir).await.unwrap();
                for i in 0..20u64 {
                    fs::write(dir.join(format!("{i}")), "x").await.unwrap();
                    audit!("test.step", step = task * 1000 + i).unwrap();
                    tokio::task::yield_now().await;
                }
                std::thread::current().id()
            })));
        }
        let mut out = Vec::new();
        for task in tasks {
            out.push(task.await.unwrap());
        }
        out
    });
    for (task, (_thread, events)) in results.iter().enumerate() {
        let task = task as u64;
        if !audit_core::ENABLED {
            assert!(events.is_empty());
            continue;
        }
        assert_eq!(events.len(), 1 + 20 * 2, "task {task}: {events:?}");
        let own = tmp.path().join(format!("t{task}"));
        for event in events {
            if let Some(path) = event.arg("path").and_then(|v| v.as_path()) {
                assert!(path.starts_with(&own), "task {task} saw {event:?}");
            }
        }
        let expected: Vec<u64> = (0..20).map(|i| task * 1000 + i).collect();
        assert_eq!(steps(events), expected);
    }
}

#[test]
fn spawned_tasks_are_followed_only_when_asked() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b, c) = (
        tmp.path().join("followed"),
        tmp.path().join("plain"),
        tmp.path().join("blocking"),
    );
    let ((), events) = block_on(testing::capture(async move {
        testing::spawn(fs::write(a, "1")).await.unwrap().unwrap();
        tokio::spawn(fs::write(b, "2")).await.unwrap().unwrap();
        testing::spawn_blocking(move || audit_std::fs::write(c, "3"))
            .await
            .unwrap()
            .unwrap();
    }));
    if audit_core::ENABLED {
        let paths: Vec<_> = events
            .iter()
            .map(|e| {
                e.arg("path")
                    .unwrap()
                    .as_path()
                    .unwrap()
                    .file_name()
                    .unwrap()
                    .to_owned()
            })
            .collect();
        assert_eq!(paths, ["followed", "blocking"]);
    } else {
        assert!(events.is_empty());
    }
}

#[test]
fn a_veto_applies_to_followed_tasks_and_ends_with_the_capture() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("late.txt");
    let p = path.clone();
    let (late, (result, events)) = block_on(async move {
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let mut late = None;
        let captured = testing::capture_with(deny, async {
            let vetoed = testing::spawn(fs::write(p.clone(), "x")).await.unwrap();
            // A followed task that outlives the capture.
            late = Some(testing::spawn(async move {
                rx.await.unwrap();
                fs::write(p, "after").await
            }));
            vetoed
        })
        .await;
        tx.send(()).unwrap();
        (late.unwrap().await.unwrap(), captured)
    });
    if audit_core::ENABLED {
        assert_vetoed(&result);
        assert_eq!(names(&events), ["fs.open"]);
    }
    // After the capture ended, its hook no longer applies.
    late.unwrap();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "after");
}

#[test]
fn captures_nest() {
    let (inner, outer) = block_on(testing::capture(async {
        let ((), inner) = testing::capture(async {
            audit!("test.step", step = 1u64).unwrap();
        })
        .await;
        audit!("test.step", step = 2u64).unwrap();
        inner
    }));
    if audit_core::ENABLED {
        assert_eq!(steps(&inner), [1]);
        assert_eq!(steps(&outer), [1, 2]);
    }
}

#[test]
fn check_reports_and_enforce_refuses() {
    let inside = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    let (ok, stray) = (
        inside.path().join("ok.txt"),
        outside.path().join("stray.txt"),
    );
    let expect = Expect::new()
        .writes_only_under(inside.path())
        .no_spawn()
        .enforce();
    let (o, s) = (ok.clone(), stray.clone());
    let result = block_on(async move {
        testing::check(&expect, async move {
            fs::write(&o, "fine").await.unwrap();
            // In a followed task: judged too.
            testing::spawn(fs::write(s, "no")).await.unwrap()
        })
        .await
    });
    assert!(ok.exists());
    if audit_core::ENABLED {
        let violations = result.unwrap_err();
        assert_eq!(violations.len(), 1);
        assert_eq!(violations[0].rule(), Rule::Write);
        assert!(violations[0].was_vetoed());
        assert!(!stray.exists(), "the write outside was refused");
    } else {
        result.unwrap().unwrap();
    }
}

#[test]
fn async_assertions() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("a.txt");
    let dir = tmp.path().to_path_buf();
    block_on(async move {
        testing::assert_writes_only_under(&dir, fs::write(&path, "a"))
            .await
            .unwrap();
        testing::assert_no_network(fs::read(&path)).await.unwrap();
        testing::assert_no_spawn(async {}).await;
        let listener = testing::assert_no_network_except_loopback(
            audit_tokio::net::TcpListener::bind("127.0.0.1:0"),
        )
        .await
        .unwrap();
        // A panic is the failure report.
        let addr = listener.local_addr().unwrap();
        let failed = tokio::spawn(testing::assert_no_network(
            audit_tokio::net::TcpStream::connect(addr),
        ))
        .await;
        assert_eq!(
            failed.is_err(),
            audit_core::ENABLED,
            "assert_no_network passed a connection"
        );
    });
}

#[test]
fn a_hook_type_can_veto() {
    struct OnlyReads;
    impl audit_core::Hook for OnlyReads {
        fn on_event(&self, event: &Event<'_>) -> Result<(), AuditError> {
            match event.arg("write").and_then(|v| v.as_bool()) {
                Some(true) => Err(AuditError::denied("read-only")),
                _ => Ok(()),
            }
        }
    }
    let tmp = tempfile::tempdir().unwrap();
    let path = Arc::new(tmp.path().join("r.txt"));
    let p = path.clone();
    let (result, _) = block_on(testing::capture_with_hook(OnlyReads, async move {
        fs::write(&*p, "x").await
    }));
    if audit_core::ENABLED {
        assert_vetoed(&result);
        assert!(!path.exists());
    }
}
