//! Names of the `fs.*` events.
//!
//! Raised by [`crate::fs`], [`crate::os::unix::fs`] and
//! [`crate::env::set_current_dir`]. The table in [`crate::fs`]'s documentation
//! lists, for each event, the functions that raise it and the closest CPython
//! audit event.
//!
//! # Argument conventions
//!
//! - `path` is a [`Path`](std::path::Path) value; modes are unsigned integers
//!   (`0o644`), user and group ids unsigned integers or `None` for
//!   "unchanged".
//! - **Events on an open file** ([`METADATA`], [`SET_PERMISSIONS`],
//!   [`SET_LEN`], [`SET_TIMES`], [`LOCK`], [`UNLOCK`], [`CHOWN`]) all start
//!   with `(path, fd, ...)`:
//!   - raised for a path (`fs::metadata`, `fs::set_permissions`, `chown`,
//!     `lchown`): `path` is the path as the caller gave it, `fd` is `None`;
//!   - raised for an open file (`File::metadata`, `File::set_permissions`,
//!     `File::set_len`, `File::set_times`, `File::set_modified`, the
//!     `File::lock` family, `File::unlock`, `fchown`): `fd` is the raw
//!     descriptor as a signed integer (the raw handle on Windows), and
//!     `path` is **the file's own path**, absolute and canonical, as the
//!     kernel names the descriptor at the moment of the event (on Linux and
//!     Android, the link `/proc/thread-self/fd/N`, kept only if that name's
//!     `lstat` gives the device and inode the descriptor's `fstat` does),
//!     whichever name or link the file was opened by.
//!   - **`path` is `None` when the open file's path cannot be known**: on
//!     other platforms; when `/proc` is not mounted; for a descriptor that
//!     is not a named file (pipe, socket, `O_TMPFILE` or `memfd` file); for
//!     a deleted file (and a file whose name ends in ` (deleted)`); when the
//!     name no longer reaches that file (replaced since it was opened,
//!     outside the root after a `chroot`). **A consumer must treat
//!     `path = None` with `fd` present as "unknown file", never as "no
//!     file"**: a deny rule on paths applies to it, an allow rule does not
//!     (so a "writes only under DIR" rule refuses it). `audit_policy` and
//!     [`crate::testing`] judge it so.
//!   - The path is looked up only when some hook will see the event (it is
//!     an argument of `audit!`, whose arguments are evaluated only then):
//!     with no hook, an event on an open file costs what any other does.
//!   - The lookup is not atomic with the operation: a file renamed by
//!     another thread between the event and the call is reported under its
//!     earlier name. It is the same file (the descriptor cannot change
//!     files), only its name moved.

/// Opening a file.
///
/// Arguments: `(path, read, write, append, truncate, create, create_new,
/// mode, custom_flags)`.
///
/// The six booleans are the **effective** access: what the open will do,
/// read back from the flags word `std` passes to `open(2)`, not only from
/// the builder methods called. `std` builds that word from the access mode
/// (`read`, `write`, `append`), one creation mode (`create_new` gives
/// `O_CREAT | O_EXCL` and drops `truncate`; else `create` gives `O_CREAT`
/// and `truncate` `O_TRUNC`), and `custom_flags` **with its access-mode bits
/// (`O_ACCMODE`) cleared** (`std::sys::fs::unix::File::open_c`). So:
///
/// | argument | true when |
/// |---|---|
/// | `read` | `read(true)`: the descriptor can read |
/// | `write` | the open changes the file system: the descriptor can write (`write(true)` or `append(true)`), **or** `truncate`, **or** `create` below. A read-only open with `O_CREAT` or `O_TRUNC` reports `write = true`: it creates or empties the file |
/// | `append` | `O_APPEND` (from `append(true)` or `custom_flags`) on a descriptor that can write (on a read-only descriptor it changes nothing) |
/// | `truncate` | `O_TRUNC` reaches the kernel (`truncate(true)` without `create_new`, or `custom_flags`), whatever the access mode: Linux truncates on a read-only open too |
/// | `create` | `O_CREAT` (from `create`, `create_new` or `custom_flags`), or `O_TMPFILE` |
/// | `create_new` | both `O_CREAT` and `O_EXCL` (however each was set), or `O_TMPFILE` |
///
/// - `custom_flags` is the value given to `OpenOptionsExt::custom_flags`
///   (`0` unless set), unmasked: its access-mode bits are ignored by `std`,
///   so `custom_flags(O_RDWR)` on a read-only open grants no write and
///   reports `write = false`.
/// - `O_TMPFILE` (Linux): `path` is a directory, in which the open creates
///   a new unnamed file: `write`, `create` and `create_new` are true. Any of
///   its bits counts, even without the `O_DIRECTORY` the kernel requires.
/// - `O_PATH` (Linux, Android): the descriptor names the file without
///   reading or writing it, and the kernel ignores every other flag but
///   `O_DIRECTORY`, `O_NOFOLLOW` and `O_CLOEXEC`: all six booleans are false.
///   It is still an `fs.open` (a path rule still sees `path`). With
///   `O_TMPFILE` as well, `O_TMPFILE` wins (old kernels honoured it).
/// - `O_NOFOLLOW` is reported only in `custom_flags`; `path` is judged as
///   followed (`events::TABLE`). That is never looser: with `O_NOFOLLOW` a
///   final symbolic link makes the open fail (`ELOOP`), or, with `O_PATH`,
///   gives a descriptor to the link itself that can neither read nor write.
/// - Other flags (`O_DIRECTORY`, `O_NONBLOCK`, `O_SYNC`, `O_NOATIME`,
///   `O_EXLOCK` on BSD and macOS, ...) are reported only in `custom_flags`.
/// - Where `std` refuses the builder's combination before the system call
///   (no access mode; `create` or `truncate` without `write` or `append`),
///   the booleans still say what was asked, and the open fails with no
///   effect.
/// - `mode` is the permission bits a file created by this open gets,
///   before the umask (`0o666` unless set with `OpenOptionsExt::mode`),
///   when the flags word has `O_CREAT` or all the bits of `O_TMPFILE`
///   (however set; `O_PATH` changes nothing here). Any other open cannot
///   create a file, the C library passes it no mode, and `mode` is `0o666`
///   whatever was set: an open without `create` but with `.mode(0o600)`
///   reports `0o666`, as the same open seen at the C library
///   (`audit-interpose`) does.
///
/// A hook asking "does this open change the file system?" should test all
/// of `write`, `append`, `truncate`, `create` and `create_new`
/// ([`OPEN_WRITE_FLAGS`](crate::events::OPEN_WRITE_FLAGS), or
/// [`EventInfo::classes_of`](crate::events::EventInfo::classes_of)); `write`
/// alone already covers the others.
pub const OPEN: &str = "fs.open";

/// Copying a file's contents and permissions to another path.
///
/// Arguments: `(from, to)`.
pub const COPY: &str = "fs.copy";

/// Renaming or moving a file or directory, replacing `to` if it exists.
///
/// Arguments: `(from, to)`.
pub const RENAME: &str = "fs.rename";

/// Removing a file (or a symbolic link).
///
/// Arguments: `(path)`.
pub const REMOVE_FILE: &str = "fs.remove_file";

/// Removing an empty directory.
///
/// Arguments: `(path)`.
pub const REMOVE_DIR: &str = "fs.remove_dir";

/// Removing a directory and everything under it. Raised once, for the root.
///
/// Arguments: `(path)`.
pub const REMOVE_DIR_ALL: &str = "fs.remove_dir_all";

/// Creating a directory; with `recursive`, also its missing ancestors (one
/// event for the whole chain, naming the deepest directory).
///
/// Arguments: `(path, recursive, mode)`. `mode` is the permission bits before
/// the umask (`0o777` unless set with `DirBuilderExt::mode`).
pub const CREATE_DIR: &str = "fs.create_dir";

/// Listing a directory.
///
/// Arguments: `(path)`.
pub const READ_DIR: &str = "fs.read_dir";

/// Querying metadata (`stat`, `lstat`, `fstat`), including existence checks.
///
/// Arguments: `(path, fd, follow_symlinks)`: for a path, `fd` is `None`; for
/// an open file, `path` is the file's path or `None` when unknown (see
/// [the conventions](self#argument-conventions)).
pub const METADATA: &str = "fs.metadata";

/// Resolving a path to its canonical, absolute form (follows every symbolic link).
///
/// Arguments: `(path)`.
pub const CANONICALIZE: &str = "fs.canonicalize";

/// Reading the target of a symbolic link.
///
/// Arguments: `(path)`.
pub const READ_LINK: &str = "fs.read_link";

/// Creating a hard link `link` to the file `original`.
///
/// Arguments: `(original, link)`.
pub const HARD_LINK: &str = "fs.hard_link";

/// Creating a symbolic link `link` whose target is `original`.
///
/// Arguments: `(original, link)`. `original` is recorded as given: a relative
/// target is relative to `link`'s directory, not to the current directory.
pub const SYMLINK: &str = "fs.symlink";

/// Changing permissions (`chmod`, `fchmod`).
///
/// Arguments: `(path, fd, mode, readonly)`: for a path, `fd` is `None`; for
/// an open file, `path` is the file's path or `None` when unknown (see
/// [the conventions](self#argument-conventions)); `mode` is the new
/// permission bits on Unix and `None` elsewhere.
pub const SET_PERMISSIONS: &str = "fs.set_permissions";

/// Truncating or extending an open file (`ftruncate`).
///
/// Arguments: `(path, fd, len)`: `path` is the open file's path, or `None`
/// when unknown (see [the conventions](self#argument-conventions)).
pub const SET_LEN: &str = "fs.set_len";

/// Changing the access and modification times of an open file (`futimens`).
///
/// Arguments: `(path, fd, times)`: `path` is the open file's path, or `None`
/// when unknown (see [the conventions](self#argument-conventions)); `times`
/// is the [`FileTimes`](std::fs::FileTimes) shown through `Debug` (std gives
/// no accessor for its fields).
pub const SET_TIMES: &str = "fs.set_times";

/// Taking an advisory lock on an open file (`flock`).
///
/// Arguments: `(path, fd, shared, blocking)`: `path` is the open file's
/// path, or `None` when unknown (see
/// [the conventions](self#argument-conventions)); `shared` for a shared
/// (read) lock, `blocking` false for the `try_lock*` variants.
pub const LOCK: &str = "fs.lock";

/// Releasing an advisory lock on an open file.
///
/// Arguments: `(path, fd)`: `path` is the open file's path, or `None` when
/// unknown (see [the conventions](self#argument-conventions)).
pub const UNLOCK: &str = "fs.unlock";

/// Changing the owner and group of a file (`chown`, `fchown`, `lchown`).
///
/// Arguments: `(path, fd, uid, gid, follow_symlinks)`: for a path (`chown`,
/// `lchown`), `fd` is `None`; for an open file (`fchown`), `path` is the
/// file's path or `None` when unknown (see
/// [the conventions](self#argument-conventions)); `uid` and `gid` are `None`
/// when left unchanged.
pub const CHOWN: &str = "fs.chown";

/// Changing the root directory of the process (`chroot`).
///
/// Arguments: `(path)`.
pub const CHROOT: &str = "fs.chroot";

/// Changing the current working directory of the process (`chdir`).
///
/// Arguments: `(path)`.
pub const SET_CURRENT_DIR: &str = "fs.set_current_dir";

/// Every `fs.*` event, in the order of the table in [`crate::fs`]'s
/// documentation.
///
/// For code that treats the family as a whole: a policy that lists what it
/// covers, a test that checks each event was raised.
///
/// ```
/// use audit_std::events::fs;
///
/// assert!(fs::ALL.contains(&fs::OPEN));
/// assert!(fs::ALL.iter().all(|name| name.starts_with("fs.")));
/// ```
pub const ALL: &[&str] = &[
    OPEN,
    COPY,
    RENAME,
    REMOVE_FILE,
    REMOVE_DIR,
    REMOVE_DIR_ALL,
    CREATE_DIR,
    READ_DIR,
    METADATA,
    CANONICALIZE,
    READ_LINK,
    HARD_LINK,
    SYMLINK,
    SET_PERMISSIONS,
    SET_LEN,
    SET_TIMES,
    LOCK,
    UNLOCK,
    CHOWN,
    CHROOT,
    SET_CURRENT_DIR,
];
