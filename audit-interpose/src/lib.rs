//! Audit events for the C library calls **any** crate makes, on Linux.
//!
//! `audit_std` raises events only for code written against it. In a real
//! program most files are opened, connections made and processes started
//! inside dependencies (an HTTP client, a configuration loader, tokio) that
//! call `std` or `libc` directly. This crate defines the C library's entry
//! points in the binary itself (symbol interposition), so those calls reach
//! it first: it raises **the same events, with the same arguments, as
//! `audit_std`** for the same operation, and refuses a vetoed call before the
//! C library's own function runs.
//!
//! ```no_run
//! // First thing in main: every later open, connect, spawn... raises an event.
//! audit_interpose::enable();
//! audit_core::add_hook(|event| {
//!     eprintln!("audit: {event}");
//!     Ok(())
//! })
//! .unwrap();
//! // A dependency that knows nothing of auditing:
//! let _ = std::fs::read_to_string("/etc/hostname"); // raises fs.open
//! ```
//!
//! # What is interposed, and which event each raises
//!
//! | C function | event | notes |
//! |---|---|---|
//! | `open`, `open64`, `openat`, `openat64`, `__open_2`, `__open64_2`, `__openat_2`, `__openat64_2`, `creat`, `creat64` | `fs.open` | effective flags, as [`audit_std::events::raise_open`] reports them; `O_CLOEXEC` is not reported in `custom_flags` (std sets it on every open) |
//! | `unlink`, `unlinkat` | `fs.remove_file` (`fs.remove_dir` with `AT_REMOVEDIR`) | |
//! | `rmdir` | `fs.remove_dir` | |
//! | `opendir` | `fs.read_dir` | (`std::fs::read_dir` calls it) |
//! | `mkdir`, `mkdirat` | `fs.create_dir` | `recursive = false`: one event per directory made |
//! | `rename`, `renameat`, `renameat2` | `fs.rename` | |
//! | `link`, `linkat` | `fs.hard_link` | |
//! | `symlink`, `symlinkat` | `fs.symlink` | the target as given |
//! | `chmod`, `fchmodat` | `fs.set_permissions` | `fd = None` |
//! | `chown`, `lchown`, `fchownat` | `fs.chown` | `fd = None`; `-1` ids are `None` |
//! | `truncate`, `truncate64` | `fs.set_len` | `fd = None` |
//! | `fchmod`, `fchown`, `ftruncate`, `ftruncate64` | `fs.set_permissions`, `fs.chown`, `fs.set_len` | `fd` the descriptor, `path` the open file's path as [`audit_std::events::open_file_path`] finds it, or `None` when unknown |
//! | `chdir`, `chroot` | `fs.set_current_dir`, `fs.chroot` | |
//! | `connect`, `bind`, `sendto` (with an address) | `net.connect`, `net.bind`, `net.send_to`; `net.unix_*` for Unix sockets | IPv4 and IPv6 (`protocol` from the socket's type: `tcp`, `udp`, else `other`) and Unix sockets; other families raise nothing |
//! | `getaddrinfo` | `net.resolve` | `port` is the numeric service, else `0` (std passes none) |
//! | `posix_spawn`, `posix_spawnp` | `process.spawn` | see below |
//! | `execve`, `execv`, `execvp`, `execvpe` | `process.exec` | see below |
//! | `kill` (signal other than 0) | `process.kill` | a negative pid (a process group, or every process) is an `Int` |
//!
//! Paths are as the caller gave them. A path relative to a directory
//! descriptor (`openat(dirfd, "x")`) is reported as that directory's name
//! joined with it (read from `/proc/self/fd`), or as `/proc/self/fd/N/x`
//! when the name cannot be read: the same file either way.
//!
//! For `process.spawn` and `process.exec`, `program` is the path or file
//! name as given, `args` the arguments after `argv[0]`, `cwd` is `None` (a
//! directory change made by the spawn's file actions, or by the child, is
//! not visible here), and the environment is reported as `env = []`,
//! `env_clear = false` when the child inherits this process's environment,
//! and otherwise as `env_clear = true` with `env` the **whole** environment
//! the child gets, as `[key, value]` pairs.
//!
//! A veto makes the function fail before the C library's own runs: `-1`
//! with `errno = EACCES` (`EPERM` for `kill`), `EAI_SYSTEM` with
//! `errno = EACCES` for `getaddrinfo`, and the error number `EACCES` as the
//! return value of `posix_spawn` and `posix_spawnp`. A hook that panics
//! refuses too (fails closed).
//!
//! # Nothing counted twice
//!
//! A call that an audit point already raised its event for (an
//! `audit_std::fs::File::open`, whose `std` call then reaches `open64`)
//! raises nothing more at the entry point: `audit_core` keeps, per thread,
//! the last event an audit point raised and the hooks allowed (the
//! *record*), and the entry point's next event is skipped if it is the same
//! (name and every argument, compared as text). Exceptions, where the C
//! library sees less than the audit point did: `net.resolve` compares only
//! `host` (std asks without a port) and `process.*` only `program` and
//! `args` (the working directory and environment changes are not visible
//! below). For `fs.open`, both layers report the same `mode`: the one given
//! when the open can create a file (`O_CREAT`, `O_TMPFILE`), else `0o666`
//! (see `audit_std::events::fs::OPEN`).
//!
//! The record holds 8 KiB of text: the event's name, then each argument
//! (name and `Debug` value). Of a longer event it keeps the name and the
//! arguments that fit whole, in order. So an `fs.open` of any path up to
//! `PATH_MAX` (4,096) bytes, an `fs.rename` of two paths of up to about
//! 4,000 bytes each (a byte that is not printable UTF-8, `"` or `\`
//! counts for up to four, as `Debug` escapes it), and a `process.spawn`
//! whose program and arguments fit (however large its environment, which
//! comes after them and is not compared) are counted once; an event
//! compared on an argument that did not fit is raised again at the entry
//! point.
//!
//! The record follows the operation to the thread that performs it:
//!
//! - **On the same thread**: `audit_std`, `audit_tokio::process` (tokio
//!   starts `std`'s command on the calling thread) and the sockets of
//!   `audit_tokio::net`.
//! - **On tokio's blocking pool**: the `audit_tokio::fs` functions (all of
//!   them, `read_dir` included), `File::open`, `File::create`,
//!   `File::create_new`, `OpenOptions::open`, `DirBuilder::create`,
//!   `DirEntry::metadata` and `File::set_permissions` (this one through a
//!   duplicate of the file's descriptor, which its record names), and the
//!   name lookups of `audit_tokio::net`
//!   (`lookup_host`, and a `connect`, `bind` or `send_to` given a host
//!   name), run their `std` call in a blocking job of their own (as tokio
//!   does) that takes the record along: it is that thread's for the job,
//!   and cleared when the job ends, used or not.
//! - **In the child of `fork`**, for a command `std` starts with `fork` and
//!   `exec` (one with `pre_exec`, `uid`, `gid`, `groups`, or a program
//!   looked up in an environment that sets `PATH`): the child is a copy of
//!   the thread that raised `process.spawn`, record included, and its exec
//!   is not sent to be judged again when its program and arguments are the
//!   record's (compared in the child without allocating or locking; up to
//!   128 arguments, a longer command is judged again). An exec made in
//!   `pre_exec` that is not the command's is judged on its own and leaves
//!   the record for the command's exec.
//!
//! A record answers for **one call, on one thread**, and cannot pass for a
//! later, different one:
//!
//! - it is used up by the next entry point the thread reaches, whatever it
//!   is and whether or not it matches (a refused event leaves none);
//! - except that `std`'s `open("/dev/null")` for a command's null standard
//!   streams, between the command's `process.spawn` and its start, raises
//!   its own event and leaves the command's record for the start (and, if
//!   that open fails, the command will not start: the record goes);
//! - and that in the child of `fork`, where only the exec family is
//!   compared, an exec the record does not match leaves it: it is used up
//!   by the first exec of the command's program and arguments;
//! - the parent's copy is forgotten at every `fork` (the child holds its
//!   own), and `audit_std`'s `Command` forgets it once `std` returns, so a
//!   command that failed before starting (no descriptor left for a pipe)
//!   leaves nothing behind;
//! - on tokio's blocking pool, the record is cleared at the end of the job
//!   that carried it.
//!
//! So a record left by an operation that never reached the C library
//! (`std` refused the flags before any call) can only answer for the very
//! next entry point of the same thread, and only if that call is the same
//! event. One case is weaker: an `audit_tokio::process::Command` that
//! fails before starting for want of a descriptor for a pipe keeps its
//! record, so that thread's next entry point, if it starts the same program
//! with the same arguments (whatever its environment), raises nothing.
//! `tests/interpose_tokio_once.rs`, `tests/interpose_once_more.rs`,
//! `tests/interpose_fork_once.rs` and `tests/interpose_spawn_failed.rs`
//! try each of these.
//!
//! Still **counted twice** (two events, never none):
//!
//! - `audit_tokio::fs::File::set_len`: tokio's `File` performs it
//!   (`ftruncate`) in a blocking job of its own, after the writes in
//!   flight, which only that job can wait for; no record can go there.
//!   (`File::metadata`, `set_times`, `set_modified` and `sync_*` reach no
//!   interposed function.) Likewise `File::set_permissions` when no
//!   descriptor is left to duplicate.
//! - an event whose compared arguments do not fit in the record (above): a
//!   path of more than about 8,000 bytes of `Debug` text (more than
//!   `PATH_MAX`, or fewer bytes with many escaped), two paths of more
//!   than about 8,000 together, a program and arguments of more than
//!   about 8,000;
//! - an exec in the child of `fork` of the command's own program and
//!   arguments made twice (a first attempt in `pre_exec` that failed): the
//!   first used the record up.
//!
//! Where one audited operation makes several calls (`fs::copy`,
//! `create_dir_all`, `remove_dir_all`), each call raises its own, different
//! event (`fs.open`, `fs.create_dir`, `fs.remove_file`...) after the audit
//! point's one.
//!
//! # Fork safety, early and late calls
//!
//! - **In the child of `fork`**, until it calls `exec`, only
//!   async-signal-safe work is allowed. A `pthread_atfork` child handler sets
//!   one flag, and from then on every entry point forwards at once: no hook,
//!   no lock, no allocation. (The parent handler only forgets the forking
//!   thread's record, see above.) So file and socket calls made by a forked child
//!   are never audited.
//! - **An exec in the child of `fork`** (how `std` starts a `Command` it
//!   cannot start with `posix_spawn`: one with `pre_exec`, `uid`, `gid`,
//!   `groups`, or a program name looked up in an environment that sets
//!   `PATH`, as `duct` makes every command) is still judged: if a hook wants
//!   `process.spawn` (one atomic load), the child sends the program, its
//!   arguments and environment to a thread [`enable`] started in the parent,
//!   using only system calls, and waits for the answer (unless it is the
//!   command an audit point just raised `process.spawn` for: see above).
//!   That thread raises `process.spawn` (`cwd = None`) with the parent's
//!   hooks; a refusal makes
//!   the exec fail with `EACCES` in the child, so the program never runs.
//!   If the parent is gone, or the request cannot be sent (more than 1,023
//!   arguments and variables, or over 1 MiB), the exec is refused.
//! - **A `vfork` or `clone` child** runs no atfork handler: the exec family
//!   compares `getpid()` with the process that enabled interposition and
//!   forwards unaudited in such a child.
//! - **Before [`enable`]**, and before `main`, every entry point forwards
//!   (the real functions are looked up by a constructor that runs before
//!   `main`, and again by `enable`, so no later call needs `dlsym`).
//! - **From threads the C library starts, during thread-local destruction
//!   and at exit**, the checks use only constant-initialised thread-locals
//!   without destructors; when even those are gone, the call forwards.
//! - **Re-entrance**: the hooks' own I/O reaches the entry points too. A
//!   thread already inside a check, or running hooks, forwards without an
//!   event (the rule `audit_core` applies to audit points reached inside a
//!   hook).
//!
//! # What it cannot see
//!
//! This is still an audit facility, not a sandbox. It sees calls that go
//! through the dynamic C library's exported functions: from code linked
//! into this executable, and from shared libraries, whether linked by name
//! or loaded later with `dlopen` (the entry points are in the executable's
//! dynamic symbol table, which the dynamic linker searches first;
//! `tests/interpose_c_library.rs` and `tests/interpose_dlopen.rs` show both
//! with zlib). It does not see:
//!
//! - **raw system calls**: `libc::syscall(SYS_openat, ...)`, `rustix` with
//!   its `linux_raw` back end, `std`'s own direct system calls (`statx`,
//!   `copy_file_range`, `pidfd` spawning through `clone3`);
//! - **inline assembly** `syscall` instructions;
//! - **io_uring** operations (submitted through shared memory, not calls);
//! - **statically linked C code with its own C library** (musl targets, a
//!   vendored static libc), and calls the C library makes internally
//!   (`getaddrinfo` reading `/etc/hosts`, `posix_spawn`'s own `execve`,
//!   the process `system` and `popen` start, `opendir`'s own `open`);
//! - **the child of `fork`, `vfork` or `clone`**: its file, socket and
//!   name calls (no hook may run there), and the exec of a `vfork` or
//!   `clone` child; an exec after `fork` is judged in the parent (above);
//! - **functions not interposed**: reads and writes on open descriptors,
//!   `sendmsg` (a datagram's address there raises no `net.send_to`),
//!   `accept`/`accept4` (no `net.accept`), `stat`/`statx` (no
//!   `fs.metadata`), `readlink`, `realpath`, `fchdir`, `futimens`, `flock`,
//!   `exit` and `abort` (no `process.exit`/`process.abort`).
//!
//! # Features and platforms
//!
//! - With `audit_core`'s `off` feature, [`enable`] does nothing and returns
//!   `false`, and no entry point is linked into the binary: nothing is
//!   interposed.
//! - On targets other than Linux this crate is empty but for an [`enable`]
//!   that does nothing and returns `false`.
#![deny(missing_docs)]
#![warn(unreachable_pub)]

#[cfg(audit_interpose_shim)]
mod linux;

/// Turns interposition on: from now on, the C library calls listed in the
/// [crate documentation](crate) raise their events. Call it first thing in
/// `main`, before other threads start. Calling it again does nothing more.
///
/// Returns whether interposition is on: `false` on targets other than
/// Linux, with `audit_core`'s `off` feature, or if the fork handler could
/// not be registered (out of memory).
///
/// This call is also what links the entry points into the binary: a program
/// that never calls it interposes nothing.
pub fn enable() -> bool {
    #[cfg(audit_interpose_shim)]
    {
        linux::enable()
    }
    #[cfg(not(audit_interpose_shim))]
    {
        false
    }
}

/// Whether the entry points that `std` uses for files, sockets and
/// processes are this crate's definitions in this binary (Linux, not
/// `off`): for a start-up check that the linker kept them.
///
/// ```
/// if audit_interpose::enable() {
///     assert!(audit_interpose::is_linked());
/// }
/// ```
pub fn is_linked() -> bool {
    #[cfg(audit_interpose_shim)]
    {
        linux::is_linked()
    }
    #[cfg(not(audit_interpose_shim))]
    {
        false
    }
}
