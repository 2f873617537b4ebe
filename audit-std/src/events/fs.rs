//! Names of the `fs.*` events.
//!
//! Raised by [`crate::fs`], [`crate::os::unix::fs`] and
//! [`crate::env::set_current_dir`]. The table in [`crate::fs`]'s documentation
//! lists, for each event, the functions that raise it and the closest CPython
//! audit event.
//!
//! Argument conventions:
//! - `path` is a [`Path`](std::path::Path) value; `fd` is the raw file
//!   descriptor of an open file as a signed integer (the raw handle on
//!   Windows). Events that can be raised either for a path or for an open file
//!   carry both arguments, and exactly one of them is `None`.
//! - Modes are unsigned integers (`0o644`), user and group ids unsigned
//!   integers or `None` for "unchanged".

/// Opening a file.
///
/// Arguments: `(path, read, write, append, truncate, create, create_new,
/// mode, custom_flags)`. The booleans are the *effective* access the open
/// asks for: `write` is true when writing or appending, `create` when creating
/// or creating exclusively (`create_new`). `mode` is the permission bits a
/// created file gets before the umask (`0o666` unless set with
/// `OpenOptionsExt::mode`), `custom_flags` the extra `open(2)` flags (`0`
/// unless set with `OpenOptionsExt::custom_flags`).
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
/// Arguments: `(path, fd, follow_symlinks)`: one of `path` and `fd` is `None`.
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
/// Arguments: `(path, fd, mode, readonly)`: one of `path` and `fd` is `None`;
/// `mode` is the new permission bits on Unix and `None` elsewhere.
pub const SET_PERMISSIONS: &str = "fs.set_permissions";

/// Truncating or extending an open file (`ftruncate`).
///
/// Arguments: `(fd, len)`.
pub const SET_LEN: &str = "fs.set_len";

/// Changing the access and modification times of an open file (`futimens`).
///
/// Arguments: `(fd, times)`: `times` is the [`FileTimes`](std::fs::FileTimes)
/// shown through `Debug` (std gives no accessor for its fields).
pub const SET_TIMES: &str = "fs.set_times";

/// Taking an advisory lock on an open file (`flock`).
///
/// Arguments: `(fd, shared, blocking)`: `shared` for a shared (read) lock,
/// `blocking` false for the `try_lock*` variants.
pub const LOCK: &str = "fs.lock";

/// Releasing an advisory lock on an open file.
///
/// Arguments: `(fd)`.
pub const UNLOCK: &str = "fs.unlock";

/// Changing the owner and group of a file (`chown`, `fchown`, `lchown`).
///
/// Arguments: `(path, fd, uid, gid, follow_symlinks)`: one of `path` and `fd`
/// is `None`; `uid` and `gid` are `None` when left unchanged.
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
