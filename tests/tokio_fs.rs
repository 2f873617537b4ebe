//! `audit_tokio::fs`: every audited operation raises exactly the event
//! `audit_std::fs` raises for the same operation, with the same arguments
//! (compared event for event), on a worker thread of a multi-thread runtime;
//! a veto fails the operation with `PermissionDenied` and no effect on the
//! filesystem. With the `off` feature: no event, and the operation succeeds.

mod tokio_common;

use std::future::Future;
use std::os::unix::fs::{DirBuilderExt as _, OpenOptionsExt as _, PermissionsExt};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use audit_tokio::fs as afs;
use tokio_common::{assert_vetoed, block_on, deny, render_all};

/// Lays out `dir` afresh: `a.txt` ("abc"), `sub/b.txt`, `link` -> `a.txt`.
fn fresh(dir: &Path) {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    std::fs::write(dir.join("a.txt"), "abc").unwrap();
    std::fs::write(dir.join("sub/b.txt"), "b").unwrap();
    std::os::unix::fs::symlink(dir.join("a.txt"), dir.join("link")).unwrap();
}

/// Runs the `audit_std` form on this thread and the `audit_tokio` form on a
/// worker thread, each on a fresh tree at the same paths, and asserts that
/// they raised the same events.
fn parity<Fut>(sync: impl FnOnce(&Path), tokio: impl FnOnce(PathBuf) -> Fut)
where
    Fut: Future<Output = ()> + Send + 'static,
{
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("t");
    fresh(&dir);
    let ((), std_events) = audit_core::testing::capture(|| sync(&dir));
    fresh(&dir);
    let fut = tokio(dir.clone());
    let ((), tokio_events) = block_on(audit_tokio::testing::capture(fut));
    assert_eq!(render_all(&tokio_events), render_all(&std_events));
    assert_eq!(
        !tokio_events.is_empty(),
        audit_core::ENABLED,
        "{tokio_events:?}"
    );
}

macro_rules! parity_test {
    ($name:ident, |$d:ident| $sync:expr, |$t:ident| $tokio:expr) => {
        #[test]
        fn $name() {
            parity(
                |$d: &Path| {
                    $sync;
                },
                |$t: PathBuf| async move {
                    $tokio;
                },
            );
        }
    };
}

parity_test!(
    read,
    |d| audit_std::fs::read(d.join("a.txt")).unwrap(),
    |d| { assert_eq!(afs::read(d.join("a.txt")).await.unwrap(), b"abc") }
);
parity_test!(
    read_to_string,
    |d| audit_std::fs::read_to_string(d.join("a.txt")).unwrap(),
    |d| assert_eq!(afs::read_to_string(d.join("a.txt")).await.unwrap(), "abc")
);
parity_test!(
    write,
    |d| audit_std::fs::write(d.join("w.txt"), "x").unwrap(),
    |d| afs::write(d.join("w.txt"), "x").await.unwrap()
);
parity_test!(
    copy,
    |d| audit_std::fs::copy(d.join("a.txt"), d.join("c.txt")).unwrap(),
    |d| afs::copy(d.join("a.txt"), d.join("c.txt")).await.unwrap()
);
parity_test!(
    rename,
    |d| audit_std::fs::rename(d.join("a.txt"), d.join("r.txt")).unwrap(),
    |d| afs::rename(d.join("a.txt"), d.join("r.txt")).await.unwrap()
);
parity_test!(
    remove_file,
    |d| audit_std::fs::remove_file(d.join("a.txt")).unwrap(),
    |d| afs::remove_file(d.join("a.txt")).await.unwrap()
);
parity_test!(
    remove_dir,
    |d| {
        std::fs::remove_file(d.join("sub/b.txt")).unwrap();
        audit_std::fs::remove_dir(d.join("sub")).unwrap()
    },
    |d| {
        std::fs::remove_file(d.join("sub/b.txt")).unwrap();
        afs::remove_dir(d.join("sub")).await.unwrap()
    }
);
parity_test!(
    remove_dir_all,
    |d| audit_std::fs::remove_dir_all(d.join("sub")).unwrap(),
    |d| afs::remove_dir_all(d.join("sub")).await.unwrap()
);
parity_test!(
    create_dir,
    |d| audit_std::fs::create_dir(d.join("n")).unwrap(),
    |d| afs::create_dir(d.join("n")).await.unwrap()
);
parity_test!(
    create_dir_all,
    |d| audit_std::fs::create_dir_all(d.join("n/m")).unwrap(),
    |d| afs::create_dir_all(d.join("n/m")).await.unwrap()
);
parity_test!(
    dir_builder_recursive_mode,
    |d| audit_std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(d.join("n/m"))
        .unwrap(),
    |d| afs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(d.join("n/m"))
        .await
        .unwrap()
);
parity_test!(
    read_dir_then_entry_metadata,
    |d| {
        for entry in audit_std::fs::read_dir(d.join("sub")).unwrap() {
            entry.unwrap().metadata().unwrap();
        }
    },
    |d| {
        let mut entries = afs::read_dir(d.join("sub")).await.unwrap();
        while let Some(entry) = entries.next_entry().await.unwrap() {
            entry.metadata().await.unwrap();
            entry.file_type().await.unwrap();
        }
    }
);
parity_test!(
    metadata,
    |d| audit_std::fs::metadata(d.join("link")).unwrap(),
    |d| afs::metadata(d.join("link")).await.unwrap()
);
parity_test!(
    symlink_metadata,
    |d| audit_std::fs::symlink_metadata(d.join("link")).unwrap(),
    |d| afs::symlink_metadata(d.join("link")).await.unwrap()
);
parity_test!(
    try_exists_is_std_exists,
    |d| assert!(audit_std::fs::exists(d.join("a.txt")).unwrap()),
    |d| assert!(afs::try_exists(d.join("a.txt")).await.unwrap())
);
parity_test!(
    canonicalize,
    |d| audit_std::fs::canonicalize(d.join("link")).unwrap(),
    |d| afs::canonicalize(d.join("link")).await.unwrap()
);
parity_test!(
    read_link,
    |d| audit_std::fs::read_link(d.join("link")).unwrap(),
    |d| afs::read_link(d.join("link")).await.unwrap()
);
parity_test!(
    hard_link,
    |d| audit_std::fs::hard_link(d.join("a.txt"), d.join("h")).unwrap(),
    |d| afs::hard_link(d.join("a.txt"), d.join("h")).await.unwrap()
);
parity_test!(
    symlink_relative_target,
    |d| audit_std::os::unix::fs::symlink("a.txt", d.join("s")).unwrap(),
    |d| afs::symlink("a.txt", d.join("s")).await.unwrap()
);
parity_test!(
    set_permissions,
    |d| audit_std::fs::set_permissions(d.join("a.txt"), std::fs::Permissions::from_mode(0o600))
        .unwrap(),
    |d| afs::set_permissions(d.join("a.txt"), std::fs::Permissions::from_mode(0o600))
        .await
        .unwrap()
);
parity_test!(
    file_open,
    |d| audit_std::fs::File::open(d.join("a.txt")).unwrap(),
    |d| afs::File::open(d.join("a.txt")).await.unwrap()
);
parity_test!(
    file_create,
    |d| audit_std::fs::File::create(d.join("f")).unwrap(),
    |d| afs::File::create(d.join("f")).await.unwrap()
);
parity_test!(
    file_create_new,
    |d| audit_std::fs::File::create_new(d.join("f")).unwrap(),
    |d| afs::File::create_new(d.join("f")).await.unwrap()
);
parity_test!(
    open_options_append_reports_write,
    |d| audit_std::fs::OpenOptions::new()
        .append(true)
        .open(d.join("a.txt"))
        .unwrap(),
    |d| afs::OpenOptions::new()
        .append(true)
        .open(d.join("a.txt"))
        .await
        .unwrap()
);
parity_test!(
    open_options_mode_and_flags,
    |d| audit_std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .custom_flags(libc::O_NOFOLLOW)
        .open(d.join("m"))
        .unwrap(),
    |d| afs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .custom_flags(libc::O_NOFOLLOW)
        .open(d.join("m"))
        .await
        .unwrap()
);
parity_test!(
    file_set_len_metadata_permissions_modified,
    |d| {
        // The open is captured as well: both sides raise it first.
        let f = audit_std::fs::OpenOptions::new()
            .write(true)
            .open(d.join("a.txt"))
            .unwrap();
        f.set_len(1).unwrap();
        f.metadata().unwrap();
        f.set_permissions(std::fs::Permissions::from_mode(0o640))
            .unwrap();
        f.set_modified(SystemTime::UNIX_EPOCH + Duration::from_secs(7))
            .unwrap();
        f.sync_all().unwrap();
        f.try_clone().unwrap();
    },
    |d| {
        let f = afs::OpenOptions::new()
            .write(true)
            .open(d.join("a.txt"))
            .await
            .unwrap();
        f.set_len(1).await.unwrap();
        f.metadata().await.unwrap();
        f.set_permissions(std::fs::Permissions::from_mode(0o640))
            .await
            .unwrap();
        f.set_modified(SystemTime::UNIX_EPOCH + Duration::from_secs(7))
            .await
            .unwrap();
        f.sync_all().await.unwrap();
        f.try_clone().await.unwrap();
    }
);

/// Runs `op` on a worker thread under a capture that refuses everything,
/// and checks the refusal; with `off`, the operation runs.
fn vetoed<T, Fut>(op: impl FnOnce() -> Fut) -> bool
where
    Fut: Future<Output = std::io::Result<T>> + Send + 'static,
    T: std::fmt::Debug + Send + 'static,
{
    let fut = op();
    let (result, events) = block_on(async move {
        let (result, events) = audit_tokio::testing::capture_with(deny, fut).await;
        (result.map(|_| ()), events)
    });
    if audit_core::ENABLED {
        assert_vetoed(&result);
        assert_eq!(events.len(), 1, "{events:?}");
        true
    } else {
        result.expect("compiled out: the operation runs");
        assert!(events.is_empty());
        false
    }
}

#[test]
fn vetoed_writes_leave_no_trace() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().to_path_buf();
    fresh(&d);
    let p = |name: &str| d.join(name);

    // Fresh for each step: compiled out, each operation really runs.
    fresh(&d);
    if vetoed(|| afs::write(p("w.txt"), "x")) {
        assert!(!p("w.txt").exists(), "fs::write created the file");
    }
    // Fresh for each step: compiled out, each operation really runs.
    fresh(&d);
    if vetoed(|| afs::File::create(p("c.txt"))) {
        assert!(!p("c.txt").exists());
    }
    // Fresh for each step: compiled out, each operation really runs.
    fresh(&d);
    if vetoed(|| afs::File::create_new(p("n.txt"))) {
        assert!(!p("n.txt").exists());
    }
    fresh(&d);
    let truncating = {
        let mut o = afs::OpenOptions::new();
        o.write(true).truncate(true);
        o
    };
    let path = p("a.txt");
    // Fresh for each step: compiled out, each operation really runs.
    fresh(&d);
    if vetoed(move || async move { truncating.open(path).await }) {
        assert_eq!(std::fs::read(p("a.txt")).unwrap(), b"abc", "truncated");
    }
    // Fresh for each step: compiled out, each operation really runs.
    fresh(&d);
    if vetoed(|| afs::create_dir(p("nd"))) {
        assert!(!p("nd").exists());
    }
    // Fresh for each step: compiled out, each operation really runs.
    fresh(&d);
    if vetoed(|| afs::create_dir_all(p("x/y"))) {
        assert!(!p("x").exists(), "an ancestor was created");
    }
    // Fresh for each step: compiled out, each operation really runs.
    fresh(&d);
    if vetoed(|| afs::copy(p("a.txt"), p("copy.txt"))) {
        assert!(!p("copy.txt").exists());
    }
    // Fresh for each step: compiled out, each operation really runs.
    fresh(&d);
    if vetoed(|| afs::hard_link(p("a.txt"), p("hl"))) {
        assert!(!p("hl").exists());
    }
    // Fresh for each step: compiled out, each operation really runs.
    fresh(&d);
    if vetoed(|| afs::symlink(p("a.txt"), p("sl"))) {
        assert!(std::fs::symlink_metadata(p("sl")).is_err());
    }
    // Fresh for each step: compiled out, each operation really runs.
    fresh(&d);
    if vetoed(|| afs::rename(p("sub"), p("moved"))) {
        assert!(p("sub/b.txt").exists() && !p("moved").exists());
    }
    // Fresh for each step: compiled out, each operation really runs.
    fresh(&d);
    if vetoed(|| afs::remove_dir_all(p("sub"))) {
        assert!(p("sub/b.txt").exists());
    }
    // Fresh for each step: compiled out, each operation really runs.
    fresh(&d);
    if vetoed(|| afs::remove_file(p("sub/b.txt"))) {
        assert!(p("sub/b.txt").exists());
    }
    // Fresh for each step: compiled out, each operation really runs.
    fresh(&d);
    if vetoed(|| afs::set_permissions(p("a.txt"), std::fs::Permissions::from_mode(0o600))) {
        let mode = std::fs::metadata(p("a.txt")).unwrap().permissions().mode();
        assert_ne!(mode & 0o777, 0o600);
    }
}

#[test]
fn vetoed_changes_to_an_open_file_leave_it_unchanged() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().to_path_buf();
    fresh(&d);
    let path = d.join("a.txt");
    let file = std::sync::Arc::new(afs::File::from_std(
        std::fs::OpenOptions::new().write(true).open(&path).unwrap(),
    ));
    let f = file.clone();
    if vetoed(move || async move { f.set_len(0).await }) {
        assert_eq!(std::fs::metadata(&path).unwrap().len(), 3, "truncated");
    }
    let f = file.clone();
    if vetoed(move || async move {
        f.set_permissions(std::fs::Permissions::from_mode(0o600))
            .await
    }) {
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_ne!(mode & 0o777, 0o600);
    }
    let f = file.clone();
    let before = std::fs::metadata(&path).unwrap().modified().unwrap();
    if vetoed(move || async move { f.set_modified(SystemTime::UNIX_EPOCH).await }) {
        assert_eq!(
            std::fs::metadata(&path).unwrap().modified().unwrap(),
            before
        );
    }
}

#[test]
fn async_read_write_seek_delegate_and_raise_nothing() {
    use tokio::io::{AsyncReadExt, AsyncSeekExt, AsyncWriteExt};
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("rw.txt");
    let (contents, events) = block_on(audit_tokio::testing::capture(async move {
        let mut f = afs::File::options()
            .read(true)
            .write(true)
            .create(true)
            .open(&path)
            .await?;
        f.write_all(b"hello world").await?;
        f.flush().await?;
        f.seek(std::io::SeekFrom::Start(6)).await?;
        let mut s = String::new();
        f.read_to_string(&mut s).await?;
        Ok::<_, std::io::Error>(s)
    }));
    assert_eq!(contents.unwrap(), "world");
    // Only the open.
    let names: Vec<_> = events.iter().map(|e| e.name()).collect();
    let expected: &[&str] = if audit_core::ENABLED {
        &["fs.open"]
    } else {
        &[]
    };
    assert_eq!(names, expected);
}

#[test]
fn a_panicking_hook_fails_closed_on_a_worker_thread() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("p.txt");
    let p = path.clone();
    let (result, _) = block_on(audit_tokio::testing::capture_with(
        |_: &audit_core::Event<'_>| -> Result<(), audit_core::AuditError> { panic!("hook bug") },
        async move { afs::write(&p, "x").await },
    ));
    if audit_core::ENABLED {
        assert_vetoed(&result);
        assert!(!path.exists(), "a panicking hook let the write through");
    }
}

#[test]
fn nothing_is_raised_or_done_until_the_future_is_polled() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("never.txt");
    let ((), events) = audit_core::testing::capture(|| {
        let never_polled = afs::write(&path, "x");
        drop(never_polled);
    });
    assert!(events.is_empty(), "{events:?}");
    assert!(!path.exists());
}
