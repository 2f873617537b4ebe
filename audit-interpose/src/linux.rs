//! The Rust half of the entry points: turns each C library call into the
//! event `audit_std` raises for the same operation, and says whether a hook
//! refused it. Called only from `shim.c`, only while interposition is on and
//! outside a forked child.

use std::borrow::Cow;
use std::cell::Cell;
use std::ffi::{c_char, c_int, c_uint, CStr, OsStr};
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};
use std::os::unix::ffi::OsStrExt;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use audit_core::__private::already;
use audit_core::{audit, AuditError, Value};
use audit_std::events::{self, OpenFlags};

/// Whether any hook (or test capture) will see the event `$name`: one load
/// of a callsite of this crate's own for it, and one branch, as at any
/// audit point. Checked first, so that with no hook an entry point does
/// nothing more (no string length, no thread-local). The callsite is a real
/// one, with the event's argument names: the catalogue lists this crate
/// among the places that raise the event.
macro_rules! wanted {
    ($name:expr, [$($arg:literal),* $(,)?]) => {{
        #[audit_core::__private::linkme::distributed_slice(audit_core::__private::CALLSITES)]
        #[linkme(crate = audit_core::__private::linkme)]
        static PROBE: audit_core::Callsite = audit_core::Callsite::new(
            $name,
            &[$($arg),*],
            module_path!(),
            file!(),
            line!(),
        );
        audit_core::__private::is_active(&PROBE)
    }};
}

extern "C" {
    fn audit_interpose_shim_enable() -> c_int;
    fn audit_interpose_shim_set_broker(fd: c_int);
    fn audit_interpose_shim_address(which: c_int) -> *const ();
    static environ: *const *const c_char;
}

/// Turns the C entry points on; see [`crate::enable`].
pub(crate) fn enable() -> bool {
    already::set_lower_layer();
    static BROKER: std::sync::Once = std::sync::Once::new();
    BROKER.call_once(start_broker);
    // SAFETY: the shim's enable only resolves symbols, registers an atfork
    // handler and stores to atomics; it is safe to call any number of times.
    unsafe { audit_interpose_shim_enable() == 1 }
}

/// Starts the thread that judges the execs of forked children (see
/// `ask_broker` in shim.c). Without it, such an exec is refused whenever a
/// hook wants `process.spawn` (fail closed).
fn start_broker() {
    let mut pair = [0; 2];
    // SAFETY: `pair` has room for the two descriptors.
    let made = unsafe {
        libc::socketpair(
            libc::AF_UNIX,
            libc::SOCK_SEQPACKET | libc::SOCK_CLOEXEC,
            0,
            pair.as_mut_ptr(),
        )
    };
    if made != 0 {
        return;
    }
    let [ours, theirs] = pair;
    let started = std::thread::Builder::new()
        .name("audit-interpose-exec".into())
        .spawn(move || broker(ours));
    match started {
        // SAFETY: stores a descriptor this process keeps open for good.
        Ok(_) => unsafe { audit_interpose_shim_set_broker(theirs) },
        Err(_) => {
            // SAFETY: both descriptors are ours and unused.
            unsafe {
                libc::close(ours);
                libc::close(theirs);
            }
        }
    }
}

/// Receives the requests of forked children, each with the socket to
/// answer on, and answers each with 0 or an errno value.
fn broker(fd: c_int) {
    // Room for large environments; a request that does not fit is refused.
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let mut control = [0u64; 8];
        let mut iov = libc::iovec {
            iov_base: buf.as_mut_ptr().cast(),
            iov_len: buf.len(),
        };
        // SAFETY: a zeroed msghdr is a valid empty one.
        let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
        msg.msg_iov = &mut iov;
        msg.msg_iovlen = 1;
        msg.msg_control = control.as_mut_ptr().cast();
        msg.msg_controllen = std::mem::size_of_val(&control) as _;
        // SAFETY: every buffer the header names is valid for its length.
        let got = unsafe { libc::recvmsg(fd, &mut msg, libc::MSG_CMSG_CLOEXEC) };
        if got < 0 {
            if std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted {
                continue;
            }
            return;
        }
        if got == 0 {
            return;
        }
        // SAFETY: the control buffer was filled by recvmsg above.
        let reply = unsafe {
            let c = libc::CMSG_FIRSTHDR(&msg);
            if c.is_null() || (*c).cmsg_type != libc::SCM_RIGHTS {
                continue;
            }
            libc::CMSG_DATA(c).cast::<c_int>().read_unaligned()
        };
        let verdict = if msg.msg_flags & (libc::MSG_TRUNC | libc::MSG_CTRUNC) != 0 {
            libc::EACCES
        } else {
            judge_forked_exec(&buf[..got as usize])
        };
        // SAFETY: `reply` is the descriptor just received; it is closed once.
        unsafe {
            libc::send(
                reply,
                (&verdict as *const c_int).cast(),
                std::mem::size_of::<c_int>(),
                libc::MSG_NOSIGNAL,
            );
            libc::close(reply);
        }
    }
}

/// Raises `process.spawn` for one forked child's exec request: a header
/// (kind, number of arguments with `argv[0]`, number of environment
/// entries), then NUL-terminated strings: the program, the arguments, the
/// environment. A malformed request is refused.
fn judge_forked_exec(request: &[u8]) -> c_int {
    let Some((header, rest)) = request.split_at_checked(12) else {
        return libc::EACCES;
    };
    let word = |i: usize| {
        u32::from_ne_bytes([header[i], header[i + 1], header[i + 2], header[i + 3]]) as usize
    };
    let (argc, envc) = (word(4), word(8));
    let mut strings = rest.split(|b| *b == 0);
    let Some(program) = strings.next() else {
        return libc::EACCES;
    };
    let argv: Vec<&[u8]> = strings.by_ref().take(argc).collect();
    let envp: Vec<&[u8]> = strings.by_ref().take(envc).collect();
    if argv.len() != argc || envp.len() != envc {
        return libc::EACCES;
    }
    // The child's environment is the parent's when nothing was changed.
    let mut own: Vec<Vec<u8>> = std::env::vars_os()
        .map(|(k, v)| [k.as_bytes(), b"=", v.as_bytes()].concat())
        .collect();
    let mut theirs = envp.clone();
    own.sort();
    theirs.sort();
    let inherits = own.len() == theirs.len() && own.iter().zip(&theirs).all(|(a, b)| a == b);
    guarded(2, libc::EACCES, || {
        let args: Vec<Value<'_>> = argv
            .iter()
            .skip(1)
            .map(|a| Value::OsStr(OsStr::from_bytes(a)))
            .collect();
        let pairs: Vec<[Value<'_>; 2]> = if inherits {
            Vec::new()
        } else {
            envp.iter()
                .map(|entry| match entry.iter().position(|b| *b == b'=') {
                    Some(eq) => [
                        Value::OsStr(OsStr::from_bytes(&entry[..eq])),
                        Value::OsStr(OsStr::from_bytes(&entry[eq + 1..])),
                    ],
                    None => [Value::OsStr(OsStr::from_bytes(entry)), Value::None],
                })
                .collect()
        };
        let env: Vec<Value<'_>> = pairs.iter().map(|pair| Value::List(pair)).collect();
        audit!(
            events::process::SPAWN,
            program = Path::new(OsStr::from_bytes(program)),
            args = &args[..],
            cwd = None::<&Path>,
            env = &env[..],
            env_clear = !inherits
        )
    })
}

/// Whether a hook wants `process.spawn`: one atomic load, safe in the
/// child of fork.
///
/// `0` too when the thread that forked was running hooks or one of these
/// checks (the child has a copy of its thread-locals): a hook's own
/// commands go unaudited, as its other operations do, and asking the
/// broker could wait on the very hook that is waiting for this child.
#[no_mangle]
extern "C" fn audit_interpose_exec_wanted() -> c_int {
    if BUSY.try_with(|busy| busy.get()).unwrap_or(true) || already::inside_hook() {
        return 0;
    }
    c_int::from(wanted!(
        events::process::SPAWN,
        ["program", "args", "cwd", "env", "env_clear"]
    ))
}

/// `process.spawn` with the arguments every audit point gives it: for the
/// comparison in a forked child, which can raise nothing. Not in the
/// catalogue (nothing raises through it); [`audit_interpose_exec_wanted`]'s
/// probe is.
static SPAWN_IN_CHILD: audit_core::Callsite = audit_core::Callsite::new(
    events::process::SPAWN,
    &["program", "args", "cwd", "env", "env_clear"],
    module_path!(),
    file!(),
    line!(),
);

/// Arguments compared in a forked child at most: a longer command is asked
/// about (counted twice, never missed). Bounded so that the comparison
/// needs no allocation.
const CHILD_ARGS: usize = 128;

/// In the child of `fork`, before its exec: whether the thread that forked
/// had just raised `process.spawn` for this very program and these
/// arguments (its record, which the child holds a copy of; `audit_std`'s
/// `Command::spawn` raises it before `std` forks). The exec is then not
/// sent to the broker: the hooks judged it once, in the parent.
///
/// Async-signal-safe: the values live on this stack, the record in a
/// constant-initialised thread-local; formatting into a comparison neither
/// allocates nor locks. The record is used up by the exec it matches, so it
/// answers for one exec at most; an exec it does not match (another
/// program started from `pre_exec`, judged on its own) leaves it for the
/// command's own exec, if that one comes.
#[no_mangle]
extern "C" fn audit_interpose_exec_audited(
    path: *const c_char,
    argv: *const *const c_char,
) -> c_int {
    if path.is_null() {
        return 0;
    }
    // SAFETY: the exec family's contract: a NUL-terminated string.
    let program = Path::new(OsStr::from_bytes(
        unsafe { CStr::from_ptr(path) }.to_bytes(),
    ));
    let mut args = [Value::None; CHILD_ARGS];
    let mut count = 0;
    if !argv.is_null() {
        // argv[0] is the program's name, not an argument.
        let mut i = 1;
        loop {
            // SAFETY: a NULL-terminated array of NUL-terminated strings, read
            // up to the NULL (or to the first CHILD_ARGS + 1).
            let item = unsafe { *argv.add(i) };
            if item.is_null() {
                break;
            }
            if count == CHILD_ARGS {
                // Too long to compare here: ask the broker.
                return 0;
            }
            args[count] = Value::OsStr(OsStr::from_bytes(
                // SAFETY: as above.
                unsafe { CStr::from_ptr(item) }.to_bytes(),
            ));
            count += 1;
            i += 1;
        }
    }
    let values = [Value::Path(program), Value::List(&args[..count])];
    c_int::from(already::take_if_same_else_keep(&SPAWN_IN_CHILD, &values, 2))
}

/// In the parent, after every `fork` (a `pthread_atfork` handler): the
/// forking thread's record belongs to the child, which holds a copy and
/// performs the operation; here it could only pass for a later call.
#[no_mangle]
extern "C" fn audit_interpose_forked_parent() {
    already::forget();
}

/// After `open("/dev/null")` failed on this thread (see `open_result` in
/// shim.c): a `process.spawn` record that open left in place belongs to a
/// command that will not start, so it is forgotten.
#[no_mangle]
extern "C" fn audit_interpose_dev_null_failed() {
    if already::last_is(events::process::SPAWN) {
        already::forget();
    }
}

/// The addresses of some entry points as this binary defines them.
pub(crate) fn shim_address(which: c_int) -> *const () {
    // SAFETY: returns the address of a function, or null; reads nothing.
    unsafe { audit_interpose_shim_address(which) }
}

thread_local! {
    /// This thread is already inside one of the checks below: whatever the
    /// check itself (or a hook it runs) calls goes straight through.
    /// Const-initialised with no destructor, so usable from any thread at
    /// any time, thread-local destruction included.
    static BUSY: Cell<bool> = const { Cell::new(false) };
}

// Operation codes shared with shim.c.
const OP_UNLINK: c_int = 1;
const OP_RMDIR: c_int = 2;
const OP_MKDIR: c_int = 3;
const OP_CHMOD: c_int = 4;
const OP_TRUNCATE: c_int = 5;
const OP_READ_DIR: c_int = 6;
const OP_CHDIR: c_int = 7;
const OP_CHROOT: c_int = 8;
const OP_FCHMOD: c_int = 30;
const OP_FCHOWN: c_int = 31;
const OP_FTRUNCATE: c_int = 32;
const OP_RENAME: c_int = 10;
const OP_LINK: c_int = 11;
const OP_SYMLINK: c_int = 12;
const OP_CONNECT: c_int = 20;
const OP_BIND: c_int = 21;
const OP_SENDTO: c_int = 22;

/// Compare every argument with the audit point's event.
const ALL_ARGS: usize = usize::MAX;

/// Runs one check: not re-entered, never unwinding into C, failing closed.
/// `compared` is how many leading arguments must equal those of the event
/// an audit point just raised on this thread for the call to count as
/// already audited.
fn guarded(
    compared: usize,
    refusal: c_int,
    check: impl FnOnce() -> Result<(), AuditError>,
) -> c_int {
    guarded_as(Some(compared), refusal, check)
}

/// [`guarded`], or with `compared = None`: the event is raised in full and
/// the thread's record is left for a later call (see
/// [`already::as_lower_layer_passing`]).
fn guarded_as(
    compared: Option<usize>,
    refusal: c_int,
    check: impl FnOnce() -> Result<(), AuditError>,
) -> c_int {
    match BUSY.try_with(|busy| busy.replace(true)) {
        Ok(false) => {}
        // Re-entered, or thread-locals are gone: forward unaudited (the
        // same rule as audit points reached inside a hook).
        Ok(true) | Err(_) => return 0,
    }
    let result = catch_unwind(AssertUnwindSafe(|| match compared {
        Some(compared) => already::as_lower_layer(compared, check),
        None => already::as_lower_layer_passing(check),
    }));
    let _ = BUSY.try_with(|busy| busy.set(false));
    match result {
        Ok(Ok(())) => 0,
        // A refusal, or a panic while building the event: fail closed.
        Ok(Err(_)) | Err(_) => refusal,
    }
}

/// The C string at `ptr` as a path; `None` for a null pointer (the call then
/// fails with `EFAULT` on its own).
///
/// # Safety
/// `ptr` is null or points to a NUL-terminated string that outlives `'a`.
unsafe fn c_path<'a>(ptr: *const c_char) -> Option<&'a Path> {
    if ptr.is_null() {
        return None;
    }
    // SAFETY: per this function's contract.
    let bytes = unsafe { CStr::from_ptr(ptr) }.to_bytes();
    Some(Path::new(OsStr::from_bytes(bytes)))
}

/// The file a path relative to `dirfd` reaches: the directory's name (from
/// `/proc/self/fd`) joined with `path`; `/proc/self/fd/N/path` when the
/// name cannot be read (the same file, by another name).
fn at_path(dirfd: c_int, path: &Path) -> Cow<'_, Path> {
    if dirfd == libc::AT_FDCWD || path.is_absolute() || dirfd < 0 {
        return Cow::Borrowed(path);
    }
    let link = PathBuf::from(format!("/proc/self/fd/{dirfd}"));
    match std::fs::read_link(&link) {
        Ok(dir) if dir.is_absolute() => Cow::Owned(if path.as_os_str().is_empty() {
            dir
        } else {
            dir.join(path)
        }),
        _ => Cow::Owned(link.join(path)),
    }
}

/// The builder flags `std` would have used for the flags word `flags`, so
/// that `fs.open` reports the same effective access as `audit_std` does.
fn open_flags(flags: c_int, mode: c_uint) -> OpenFlags {
    let access = flags & libc::O_ACCMODE;
    let creat = flags & libc::O_CREAT != 0;
    let excl = flags & libc::O_EXCL != 0;
    OpenFlags {
        read: access == libc::O_RDONLY || access == libc::O_RDWR,
        write: access == libc::O_WRONLY || access == libc::O_RDWR,
        append: flags & libc::O_APPEND != 0,
        truncate: flags & libc::O_TRUNC != 0,
        create: creat && !excl,
        create_new: creat && excl,
        // Without O_CREAT or O_TMPFILE no mode is passed (the shim reads
        // none, and this is meaningless): `fs.open` reports `0o666` for an
        // open that cannot create whatever it was given, here as in
        // `audit_std` (`OpenFlags::reported_mode`, from these same flags).
        mode,
        // What `OpenOptionsExt::custom_flags` would have held: everything
        // but the bits the builder sets, and O_CLOEXEC, which std adds to
        // every open.
        custom_flags: flags
            & !(libc::O_ACCMODE
                | libc::O_APPEND
                | libc::O_TRUNC
                | libc::O_CREAT
                | if creat { libc::O_EXCL } else { 0 }
                | libc::O_CLOEXEC),
    }
}

#[no_mangle]
extern "C" fn audit_interpose_check_open(
    dirfd: c_int,
    path: *const c_char,
    flags: c_int,
    mode: c_uint,
) -> c_int {
    let wanted = wanted!(
        events::fs::OPEN,
        [
            "path",
            "read",
            "write",
            "append",
            "truncate",
            "create",
            "create_new",
            "mode",
            "custom_flags"
        ]
    );
    if !wanted {
        return 0;
    }
    // SAFETY: the C library's contract for every open function.
    let Some(path) = (unsafe { c_path(path) }) else {
        return 0;
    };
    // `std` opens /dev/null for a command's null standard streams after
    // `process.spawn` was raised and before it forks or spawns: that open
    // raises its own event but leaves the spawn's record for the spawn.
    let compared = if path == Path::new("/dev/null") && already::last_is(events::process::SPAWN) {
        None
    } else {
        Some(ALL_ARGS)
    };
    guarded_as(compared, libc::EACCES, || {
        let path = at_path(dirfd, path);
        events::raise_open(&path, &open_flags(flags, mode))
            .map_err(|_| AuditError::denied("refused"))
    })
}

#[no_mangle]
extern "C" fn audit_interpose_check_path(
    op: c_int,
    dirfd: c_int,
    path: *const c_char,
    arg: u64,
) -> c_int {
    let wanted = match op {
        OP_UNLINK => wanted!(events::fs::REMOVE_FILE, ["path"]),
        OP_RMDIR => wanted!(events::fs::REMOVE_DIR, ["path"]),
        OP_READ_DIR => wanted!(events::fs::READ_DIR, ["path"]),
        OP_CHDIR => wanted!(events::fs::SET_CURRENT_DIR, ["path"]),
        OP_CHROOT => wanted!(events::fs::CHROOT, ["path"]),
        OP_MKDIR => wanted!(events::fs::CREATE_DIR, ["path", "recursive", "mode"]),
        OP_CHMOD => wanted!(
            events::fs::SET_PERMISSIONS,
            ["path", "fd", "mode", "readonly"]
        ),
        OP_TRUNCATE => wanted!(events::fs::SET_LEN, ["path", "fd", "len"]),
        _ => false,
    };
    if !wanted {
        return 0;
    }
    // SAFETY: the C library's contract for every path function.
    let Some(path) = (unsafe { c_path(path) }) else {
        return 0;
    };
    guarded(ALL_ARGS, libc::EACCES, || {
        let path = &*at_path(dirfd, path);
        match op {
            OP_UNLINK => audit!(events::fs::REMOVE_FILE, path),
            OP_RMDIR => audit!(events::fs::REMOVE_DIR, path),
            OP_READ_DIR => audit!(events::fs::READ_DIR, path),
            OP_CHDIR => audit!(events::fs::SET_CURRENT_DIR, path),
            OP_CHROOT => audit!(events::fs::CHROOT, path),
            OP_MKDIR => audit!(
                events::fs::CREATE_DIR,
                path,
                recursive = false,
                mode = arg as u32
            ),
            OP_CHMOD => audit!(
                events::fs::SET_PERMISSIONS,
                path = Some(path),
                fd = None::<i32>,
                mode = Some(arg as u32),
                // std's `Permissions::readonly`: no write bit at all.
                readonly = arg & 0o222 == 0
            ),
            OP_TRUNCATE => audit!(
                events::fs::SET_LEN,
                path = Some(path),
                fd = None::<i32>,
                len = arg
            ),
            _ => Ok(()),
        }
    })
}

#[no_mangle]
extern "C" fn audit_interpose_check_two(
    op: c_int,
    dirfd1: c_int,
    first: *const c_char,
    dirfd2: c_int,
    second: *const c_char,
) -> c_int {
    let wanted = match op {
        OP_RENAME => wanted!(events::fs::RENAME, ["from", "to"]),
        OP_LINK => wanted!(events::fs::HARD_LINK, ["original", "link"]),
        OP_SYMLINK => wanted!(events::fs::SYMLINK, ["original", "link"]),
        _ => false,
    };
    if !wanted {
        return 0;
    }
    // SAFETY: the C library's contract for rename, link and symlink.
    let (Some(first), Some(second)) = (unsafe { c_path(first) }, unsafe { c_path(second) }) else {
        return 0;
    };
    guarded(ALL_ARGS, libc::EACCES, || {
        // A symbolic link's target is text, recorded as given.
        let from = if op == OP_SYMLINK {
            Cow::Borrowed(first)
        } else {
            at_path(dirfd1, first)
        };
        let to = at_path(dirfd2, second);
        let (from, to) = (&*from, &*to);
        match op {
            OP_RENAME => audit!(events::fs::RENAME, from, to),
            OP_LINK => audit!(events::fs::HARD_LINK, original = from, link = to),
            OP_SYMLINK => audit!(events::fs::SYMLINK, original = from, link = to),
            _ => Ok(()),
        }
    })
}

#[no_mangle]
extern "C" fn audit_interpose_check_chown(
    dirfd: c_int,
    path: *const c_char,
    uid: i64,
    gid: i64,
    follow: c_int,
) -> c_int {
    if !wanted!(
        events::fs::CHOWN,
        ["path", "fd", "uid", "gid", "follow_symlinks"]
    ) {
        return 0;
    }
    // SAFETY: the C library's contract for the chown family.
    let Some(path) = (unsafe { c_path(path) }) else {
        return 0;
    };
    guarded(ALL_ARGS, libc::EACCES, || {
        let path = &*at_path(dirfd, path);
        audit!(
            events::fs::CHOWN,
            path = Some(path),
            fd = None::<i32>,
            uid = u32::try_from(uid).ok(),
            gid = u32::try_from(gid).ok(),
            follow_symlinks = follow != 0
        )
    })
}

#[no_mangle]
extern "C" fn audit_interpose_check_fd(op: c_int, fd: c_int, a: i64, b: i64) -> c_int {
    let wanted = match op {
        OP_FCHMOD => wanted!(
            events::fs::SET_PERMISSIONS,
            ["path", "fd", "mode", "readonly"]
        ),
        OP_FCHOWN => wanted!(
            events::fs::CHOWN,
            ["path", "fd", "uid", "gid", "follow_symlinks"]
        ),
        OP_FTRUNCATE => wanted!(events::fs::SET_LEN, ["path", "fd", "len"]),
        _ => false,
    };
    // A negative descriptor fails with EBADF on its own, and cannot be
    // borrowed.
    if !wanted || fd < 0 {
        return 0;
    }
    guarded(ALL_ARGS, libc::EACCES, || {
        // SAFETY: `fd` is not negative and is only read (fstat, readlink of
        // its /proc name) while the caller's call is in progress.
        let file = unsafe { std::os::fd::BorrowedFd::borrow_raw(fd) };
        // The open file's path, checked to name this very file, as
        // `audit_std` reports it: `None` when it cannot be known.
        let path = events::open_file_path(&file);
        let path = path.as_deref();
        match op {
            OP_FCHMOD => audit!(
                events::fs::SET_PERMISSIONS,
                path,
                fd,
                mode = Some(a as u32),
                readonly = a & 0o222 == 0
            ),
            OP_FCHOWN => audit!(
                events::fs::CHOWN,
                path,
                fd,
                uid = u32::try_from(a).ok(),
                gid = u32::try_from(b).ok(),
                follow_symlinks = true
            ),
            OP_FTRUNCATE => audit!(events::fs::SET_LEN, path, fd, len = a as u64),
            _ => Ok(()),
        }
    })
}

/// A socket address the C library was handed.
enum Address<'a> {
    Ip(SocketAddr),
    /// A Unix socket: a path, an abstract name, or neither (unnamed).
    Unix(Option<&'a Path>, Option<&'a [u8]>),
}

/// Reads `addr`; `None` for families that have no event (netlink, packet,
/// ...) or a length too short for the family.
///
/// # Safety
/// `addr` points to `len` readable bytes.
unsafe fn read_address<'a>(
    addr: *const libc::sockaddr,
    len: libc::socklen_t,
) -> Option<Address<'a>> {
    let len = len as usize;
    if len < std::mem::size_of::<libc::sa_family_t>() {
        return None;
    }
    // SAFETY: at least the family is readable; the reads below check the
    // length first and use unaligned reads (the caller's buffer may be any
    // byte buffer).
    let family = unsafe { std::ptr::addr_of!((*addr).sa_family).read_unaligned() };
    match c_int::from(family) {
        libc::AF_INET if len >= std::mem::size_of::<libc::sockaddr_in>() => {
            let a = unsafe { addr.cast::<libc::sockaddr_in>().read_unaligned() };
            let ip = Ipv4Addr::from(u32::from_be(a.sin_addr.s_addr));
            Some(Address::Ip(SocketAddr::V4(SocketAddrV4::new(
                ip,
                u16::from_be(a.sin_port),
            ))))
        }
        libc::AF_INET6 if len >= std::mem::size_of::<libc::sockaddr_in6>() => {
            let a = unsafe { addr.cast::<libc::sockaddr_in6>().read_unaligned() };
            Some(Address::Ip(SocketAddr::V6(SocketAddrV6::new(
                Ipv6Addr::from(a.sin6_addr.s6_addr),
                u16::from_be(a.sin6_port),
                a.sin6_flowinfo,
                a.sin6_scope_id,
            ))))
        }
        libc::AF_UNIX => {
            let offset = std::mem::offset_of!(libc::sockaddr_un, sun_path);
            let max = std::mem::size_of::<libc::sockaddr_un>();
            let end = len.min(max);
            if end <= offset {
                return Some(Address::Unix(None, None));
            }
            // SAFETY: bytes offset..end lie inside the caller's `len` bytes.
            let name =
                unsafe { std::slice::from_raw_parts(addr.cast::<u8>().add(offset), end - offset) };
            match name.split_first() {
                Some((0, abstract_name)) => Some(Address::Unix(None, Some(abstract_name))),
                _ => {
                    let path = name.split(|b| *b == 0).next().unwrap_or(&[]);
                    Some(Address::Unix(
                        Some(Path::new(OsStr::from_bytes(path))),
                        None,
                    ))
                }
            }
        }
        _ => None,
    }
}

/// The `protocol` argument of `net.*` events for the socket `fd`.
fn protocol(fd: c_int) -> &'static str {
    let mut kind: c_int = 0;
    let mut len = std::mem::size_of::<c_int>() as libc::socklen_t;
    // SAFETY: `kind` and `len` are valid for writes of their sizes.
    let ok = unsafe {
        libc::getsockopt(
            fd,
            libc::SOL_SOCKET,
            libc::SO_TYPE,
            (&mut kind as *mut c_int).cast(),
            &mut len,
        )
    } == 0;
    match kind {
        libc::SOCK_STREAM if ok => "tcp",
        libc::SOCK_DGRAM if ok => "udp",
        _ => "other",
    }
}

#[no_mangle]
extern "C" fn audit_interpose_check_sockaddr(
    op: c_int,
    fd: c_int,
    addr: *const libc::sockaddr,
    len: libc::socklen_t,
) -> c_int {
    // Any of the family's events: the address's family is known only below.
    let wanted = match op {
        OP_CONNECT => {
            wanted!(events::net::CONNECT, ["address", "protocol"])
                || wanted!(events::net::UNIX_CONNECT, ["path", "abstract_name"])
        }
        OP_BIND => {
            wanted!(events::net::BIND, ["address", "protocol"])
                || wanted!(events::net::UNIX_BIND, ["path", "abstract_name"])
        }
        OP_SENDTO => {
            wanted!(events::net::SEND_TO, ["address"])
                || wanted!(events::net::UNIX_SEND_TO, ["path", "abstract_name"])
        }
        _ => false,
    };
    if !wanted {
        return 0;
    }
    // SAFETY: the C library's contract for connect, bind and sendto.
    let Some(address) = (unsafe { read_address(addr, len) }) else {
        return 0;
    };
    guarded(ALL_ARGS, libc::EACCES, || match (op, address) {
        (OP_CONNECT, Address::Ip(address)) => {
            audit!(events::net::CONNECT, address, protocol = protocol(fd))
        }
        (OP_BIND, Address::Ip(address)) => {
            audit!(events::net::BIND, address, protocol = protocol(fd))
        }
        (OP_SENDTO, Address::Ip(address)) => audit!(events::net::SEND_TO, address),
        (OP_CONNECT, Address::Unix(path, abstract_name)) => {
            audit!(events::net::UNIX_CONNECT, path, abstract_name)
        }
        (OP_BIND, Address::Unix(path, abstract_name)) => {
            audit!(events::net::UNIX_BIND, path, abstract_name)
        }
        (OP_SENDTO, Address::Unix(path, abstract_name)) => {
            audit!(events::net::UNIX_SEND_TO, path, abstract_name)
        }
        _ => Ok(()),
    })
}

#[no_mangle]
extern "C" fn audit_interpose_check_resolve(node: *const c_char, service: *const c_char) -> c_int {
    if node.is_null() || !wanted!(events::net::RESOLVE, ["host", "port"]) {
        return 0;
    }
    // SAFETY: getaddrinfo's contract: NUL-terminated strings or null.
    let node = unsafe { CStr::from_ptr(node) };
    let service = (!service.is_null()).then(|| unsafe { CStr::from_ptr(service) });
    // Only the host is compared with an audit point's `net.resolve`: std
    // asks getaddrinfo without a service and sets the port itself.
    guarded(1, libc::EACCES, || {
        let host = String::from_utf8_lossy(node.to_bytes());
        let port = service
            .and_then(|s| s.to_str().ok())
            .and_then(|s| s.parse::<u16>().ok())
            .unwrap_or(0);
        audit!(events::net::RESOLVE, host = &*host, port)
    })
}

/// The strings of a NULL-terminated `char *[]`, after the first `skip`.
///
/// # Safety
/// `list` is null or a NULL-terminated array of NUL-terminated strings.
unsafe fn c_list<'a>(list: *const *const c_char, skip: usize) -> Vec<&'a OsStr> {
    let mut out = Vec::new();
    if list.is_null() {
        return out;
    }
    let mut i = 0;
    loop {
        // SAFETY: per this function's contract, up to the NULL.
        let item = unsafe { *list.add(i) };
        if item.is_null() {
            return out;
        }
        if i >= skip {
            out.push(OsStr::from_bytes(
                unsafe { CStr::from_ptr(item) }.to_bytes(),
            ));
        }
        i += 1;
    }
}

#[no_mangle]
extern "C" fn audit_interpose_check_exec(
    spawn: c_int,
    path: *const c_char,
    argv: *const *const c_char,
    envp: *const *const c_char,
) -> c_int {
    let wanted = if spawn != 0 {
        wanted!(
            events::process::SPAWN,
            ["program", "args", "cwd", "env", "env_clear"]
        )
    } else {
        wanted!(
            events::process::EXEC,
            ["program", "args", "cwd", "env", "env_clear"]
        )
    };
    if !wanted {
        return 0;
    }
    // SAFETY: the exec and posix_spawn contracts.
    let Some(program) = (unsafe { c_path(path) }) else {
        return 0;
    };
    // The program and its arguments are compared with an audit point's
    // event: the working directory and environment changes `audit_std`
    // reports are not visible here.
    guarded(2, libc::EACCES, || {
        // SAFETY: as above.
        let args: Vec<Value<'_>> = unsafe { c_list(argv, 1) }
            .into_iter()
            .map(Value::OsStr)
            .collect();
        // SAFETY: reading the process's own environment pointer.
        let inherits = envp == unsafe { environ };
        // An environment of its own: the child gets exactly `envp`, which
        // is reported as cleared and then set.
        let pairs: Vec<[Value<'_>; 2]> = if inherits {
            Vec::new()
        } else {
            // SAFETY: as above.
            unsafe { c_list(envp, 0) }
                .into_iter()
                .map(|entry| {
                    let bytes = entry.as_bytes();
                    match bytes.iter().position(|b| *b == b'=') {
                        Some(eq) => [
                            Value::OsStr(OsStr::from_bytes(&bytes[..eq])),
                            Value::OsStr(OsStr::from_bytes(&bytes[eq + 1..])),
                        ],
                        None => [Value::OsStr(entry), Value::None],
                    }
                })
                .collect()
        };
        let env: Vec<Value<'_>> = pairs.iter().map(|pair| Value::List(pair)).collect();
        if spawn != 0 {
            audit!(
                events::process::SPAWN,
                program,
                args = &args[..],
                cwd = None::<&Path>,
                env = &env[..],
                env_clear = !inherits
            )
        } else {
            audit!(
                events::process::EXEC,
                program,
                args = &args[..],
                cwd = None::<&Path>,
                env = &env[..],
                env_clear = !inherits
            )
        }
    })
}

#[no_mangle]
extern "C" fn audit_interpose_check_kill(pid: i64, _signal: c_int) -> c_int {
    if !wanted!(events::process::KILL, ["pid"]) {
        return 0;
    }
    guarded(ALL_ARGS, libc::EPERM, || match u32::try_from(pid) {
        Ok(pid) => audit!(events::process::KILL, pid),
        // A process group (negative) or every process (-1): reported as a
        // signed integer, so no rule about one child's pid matches it.
        Err(_) => audit!(events::process::KILL, pid),
    })
}

/// Whether the entry points a Rust call reaches are the shim's: the address
/// the `libc` crate's declarations resolve to in this binary (the same
/// symbols `std` calls) against the shim's own.
pub(crate) fn is_linked() -> bool {
    #[allow(deprecated)]
    let reached: [*const (); 4] = [
        libc::open64 as *const (),
        libc::openat64 as *const (),
        libc::connect as *const (),
        libc::posix_spawnp as *const (),
    ];
    reached
        .iter()
        .enumerate()
        .all(|(which, reached)| shim_address(which as c_int) == *reached)
}
