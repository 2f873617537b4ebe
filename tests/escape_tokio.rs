//! The write escapes of `escape_common`, tried through `audit_tokio`'s own
//! APIs on a real tokio runtime, against the policy of `examples/policy.rs`
//! (`examples/policy.toml`, "writes only inside the work directory") as
//! shipped. `audit_tokio` hands each operation to tokio's blocking pool
//! after raising its event, so a refusal must come before the hand-off and
//! leave OUTSIDE as it was. Its own binary: the policy is a global hook.

mod escape_common;

use std::future::Future;
use std::io;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::sync::OnceLock;
use std::time::{Duration, SystemTime};

use audit_tokio::fs;
use escape_common::{link_dir, link_relative, nothing, Arena, Route};
use tokio::io::AsyncWriteExt;

/// The example's policy file, as shipped, for the work directory `work`.
fn shipped_policy(work: &Path) -> String {
    include_str!("../examples/policy.toml").replace("{work}", work.to_str().unwrap())
}

fn guarded(attempt: &dyn Fn() -> io::Result<()>) -> io::Result<()> {
    escape_common::under_policy(shipped_policy, attempt)
}

/// Runs `attempt` to completion on a multi-thread runtime (tokio's blocking
/// pool does the file work), keeping only whether it went through.
fn run<T>(attempt: impl Future<Output = io::Result<T>>) -> io::Result<()> {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME
        .get_or_init(|| {
            tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .unwrap()
        })
        .block_on(attempt)
        .map(drop)
}

async fn open_outside(a: &Arena) -> io::Result<fs::File> {
    // A read outside is allowed: the escape is what follows it.
    fs::File::open(a.outside.join("f")).await
}

/// Every write route, through `audit_tokio`.
fn tokio_routes() -> Vec<Route> {
    vec![
        Route {
            name: "write through `..`",
            setup: nothing,
            attempt: |a| run(fs::write(a.work.join("../outside/f"), "escaped")),
        },
        Route {
            name: "relative path with the current directory outside",
            setup: |a| std::env::set_current_dir(&a.outside).unwrap(),
            attempt: |_| run(fs::write("f", "escaped")),
        },
        Route {
            name: "write into a linked directory",
            setup: link_dir,
            attempt: |a| run(fs::write(a.work.join("ld/g"), "escaped")),
        },
        Route {
            name: "create a new file in a linked directory",
            setup: link_dir,
            attempt: |a| run(fs::File::create_new(a.work.join("ld/new"))),
        },
        Route {
            name: "truncate through a link to a file",
            setup: link_dir,
            attempt: |a| run(fs::File::create(a.work.join("lf"))),
        },
        Route {
            name: "append through a relative link",
            setup: link_relative,
            attempt: |a| {
                run(fs::OpenOptions::new()
                    .append(true)
                    .open(a.work.join("rl/f")))
            },
        },
        Route {
            name: "`..` after a link climbs from the link's target",
            setup: link_dir,
            attempt: |a| run(fs::write(a.work.join("ld/../f"), "escaped")),
        },
        Route {
            name: "remove through a linked directory",
            setup: link_dir,
            attempt: |a| run(fs::remove_file(a.work.join("ld/g"))),
        },
        Route {
            name: "remove a directory tree through a link",
            setup: link_relative,
            attempt: |a| run(fs::remove_dir_all(a.work.join("rl/sub"))),
        },
        Route {
            name: "remove an empty directory outside",
            setup: |a| std::fs::create_dir(a.outside.join("empty")).unwrap(),
            attempt: |a| run(fs::remove_dir(a.outside.join("empty"))),
        },
        Route {
            name: "make a directory through a link",
            setup: link_dir,
            attempt: |a| run(fs::create_dir(a.work.join("ld/newdir"))),
        },
        Route {
            name: "make directories outside, recursively",
            setup: nothing,
            attempt: |a| run(fs::create_dir_all(a.outside.join("x/y"))),
        },
        Route {
            name: "make a directory outside with a builder and a mode",
            setup: nothing,
            attempt: |a| {
                run(fs::DirBuilder::new()
                    .mode(0o700)
                    .create(a.outside.join("d")))
            },
        },
        Route {
            name: "rename a file from outside into WORK",
            setup: nothing,
            attempt: |a| run(fs::rename(a.outside.join("f"), a.work.join("stolen"))),
        },
        Route {
            name: "rename into a linked directory",
            setup: link_dir,
            attempt: |a| run(fs::rename(a.work.join("f"), a.work.join("ld/g"))),
        },
        Route {
            name: "copy onto a file outside",
            setup: nothing,
            attempt: |a| run(fs::copy(a.work.join("f"), a.outside.join("f"))),
        },
        Route {
            name: "copy through a link to a file",
            setup: link_dir,
            attempt: |a| run(fs::copy(a.work.join("f"), a.work.join("lf"))),
        },
        Route {
            name: "hard link an outside file into WORK, then write it",
            setup: nothing,
            attempt: |a| {
                run(async {
                    fs::hard_link(a.outside.join("f"), a.work.join("h")).await?;
                    fs::write(a.work.join("h"), "escaped").await
                })
            },
        },
        Route {
            name: "symbolic link made in WORK to OUTSIDE, then written through",
            setup: nothing,
            attempt: |a| {
                run(async {
                    // Making the link is allowed; writing through it is not.
                    let _ = fs::symlink(&a.outside, a.work.join("l")).await;
                    fs::write(a.work.join("l/f"), "escaped").await
                })
            },
        },
        Route {
            name: "chmod through a link",
            setup: link_dir,
            attempt: |a| {
                run(fs::set_permissions(
                    a.work.join("lf"),
                    std::fs::Permissions::from_mode(0o600),
                ))
            },
        },
        Route {
            name: "chmod an open outside file by descriptor",
            setup: nothing,
            attempt: |a| {
                run(async {
                    let file = open_outside(a).await?;
                    file.set_permissions(std::fs::Permissions::from_mode(0o600))
                        .await
                })
            },
        },
        Route {
            name: "truncate an open outside file by descriptor",
            setup: nothing,
            attempt: |a| run(async { open_outside(a).await?.set_len(0).await }),
        },
        Route {
            name: "set the times of an open outside file",
            setup: nothing,
            attempt: |a| {
                run(async {
                    let file = open_outside(a).await?;
                    let when = SystemTime::UNIX_EPOCH + Duration::from_secs(86_400);
                    file.set_modified(when).await
                })
            },
        },
        Route {
            name: "read-only open with O_TRUNC in the custom flags",
            setup: nothing,
            attempt: |a| {
                run(fs::OpenOptions::new()
                    .read(true)
                    .custom_flags(libc::O_TRUNC)
                    .open(a.outside.join("f")))
            },
        },
        Route {
            name: "read-only open with O_CREAT in the custom flags",
            setup: nothing,
            attempt: |a| {
                run(fs::OpenOptions::new()
                    .read(true)
                    .custom_flags(libc::O_CREAT)
                    .open(a.outside.join("created")))
            },
        },
        Route {
            name: "write open with O_APPEND hidden in the custom flags",
            setup: nothing,
            attempt: |a| {
                run(async {
                    let mut file = fs::OpenOptions::new()
                        .read(true)
                        .custom_flags(libc::O_APPEND | libc::O_RDWR)
                        .open(a.outside.join("f"))
                        .await?;
                    file.write_all(b"escaped").await?;
                    file.flush().await
                })
            },
        },
        Route {
            name: "O_TMPFILE in the directory outside",
            setup: nothing,
            attempt: |a| {
                run(fs::OpenOptions::new()
                    .read(true)
                    .custom_flags(libc::O_TMPFILE | libc::O_RDWR)
                    .open(&a.outside))
            },
        },
        Route {
            name: "bind a Unix socket at a path outside",
            setup: nothing,
            attempt: |a| {
                run(async { audit_tokio::net::UnixListener::bind(a.outside.join("sock")) })
            },
        },
        Route {
            name: "bind a Unix socket through a linked directory",
            setup: link_dir,
            attempt: |a| {
                run(async { audit_tokio::net::UnixListener::bind(a.work.join("ld/sock")) })
            },
        },
        Route {
            name: "bind a Unix socket at an address built outside",
            setup: nothing,
            attempt: |a| {
                run(async {
                    let addr = std::os::unix::net::SocketAddr::from_pathname(a.outside.join("s"))?;
                    audit_tokio::net::UnixListener::bind_addr(&addr.into())
                })
            },
        },
        Route {
            name: "bind a Unix datagram socket at a path outside",
            setup: nothing,
            attempt: |a| {
                run(async { audit_tokio::net::UnixDatagram::bind(a.outside.join("dgram")) })
            },
        },
        Route {
            name: "through the kernel's magic link to the current directory",
            setup: |a| std::env::set_current_dir(&a.outside).unwrap(),
            attempt: |_| run(fs::write("/proc/self/cwd/f", "escaped")),
        },
    ]
}

/// Writes that must stay allowed through `audit_tokio`, so a policy that
/// refuses everything fails.
async fn allowed(a: &Arena) -> io::Result<()> {
    fs::write(a.work.join("new.txt"), "ok").await?;
    fs::create_dir(a.work.join("d")).await?;
    fs::rename(a.work.join("new.txt"), a.work.join("d/new.txt")).await?;
    fs::copy(a.outside.join("f"), a.work.join("copied")).await?;
    fs::File::open(a.outside.join("f")).await?;
    fs::read_to_string(a.outside.join("sub/g")).await?;
    fs::symlink(a.outside.join("f"), a.work.join("mine")).await?;
    fs::remove_file(a.work.join("mine")).await?;
    fs::File::create(a.work.join("f")).await?.set_len(3).await?;
    Ok(())
}

#[test]
fn no_tokio_route_writes_outside_the_work_directory() {
    if !audit_core::ENABLED {
        return; // nothing is audited, so nothing is guarded
    }
    let escaped = escape_common::escapes_on(tokio_routes(), &guarded);
    assert!(escaped.is_empty(), "escaped:\n{}", escaped.join("\n"));
}

#[test]
fn tokio_writes_inside_and_reads_outside_stay_allowed() {
    let _serial = escape_common::SERIAL
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    let arena = Arena::new();
    guarded(&|| run(allowed(&arena))).unwrap();
}
