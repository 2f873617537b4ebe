//! Audited drop-in for [`std::fs`].
//!
//! Swap `use std::fs;` for `use audit_std::fs;` (and `std::fs::File` for
//! `audit_std::fs::File`, and so on): the program compiles and behaves the
//! same, except that every operation that reaches the filesystem first raises
//! an `fs.*` event, and a vetoed operation fails with an [`io::Error`] of kind
//! [`PermissionDenied`](io::ErrorKind::PermissionDenied) **before any effect
//! on the filesystem**. [`audit_core::audit_error`] tells a veto from the
//! operating system's own refusal.
//!
//! ```
//! use audit_std::fs;
//! use std::io::Write;
//!
//! # let tmp = tempfile::tempdir()?;
//! let dir = tmp.path().join("project");
//! fs::create_dir_all(&dir)?;
//! let mut file = fs::File::create(dir.join("notes.txt"))?;
//! writeln!(file, "hello")?;
//! assert_eq!(fs::read_to_string(dir.join("notes.txt"))?, "hello\n");
//! fs::remove_dir_all(&dir)?;
//! # Ok::<(), std::io::Error>(())
//! ```
//!
//! Signatures are `std`'s (`P: AsRef<Path>`). [`File`], [`OpenOptions`],
//! [`DirBuilder`], [`ReadDir`] and [`DirEntry`] are new types without `Deref`
//! to the `std` type (a `Deref` would let every `std` method, present and
//! future, run unaudited); [`Metadata`], [`Permissions`], [`FileType`],
//! [`FileTimes`] and [`TryLockError`] are plain data and are `std`'s own types.
//! The unsealed `std::os::unix::fs` extension traits (`OpenOptionsExt`,
//! `FileExt`, `DirBuilderExt`, `DirEntryExt`) are implemented for our types,
//! so `use std::os::unix::fs::OpenOptionsExt;` keeps compiling; see also
//! [`crate::os::unix::fs`].
//!
//! # Events
//!
//! One event per operation that reaches the filesystem, raised with typed
//! arguments before the call; the constants are in [`crate::events::fs`].
//! Reading, writing, seeking, syncing and duplicating an already open [`File`]
//! raise nothing (as in CPython), nor does iterating a [`ReadDir`].
//!
//! | event | arguments | raised by | closest CPython event |
//! |---|---|---|---|
//! | `fs.open` | `path, read, write, append, truncate, create, create_new, mode, custom_flags` | [`File::open`], [`File::create`], [`File::create_new`], [`OpenOptions::open`], [`read`], [`read_to_string`], [`write`](write()) | `open` |
//! | `fs.copy` | `from, to` | [`copy`] | `shutil.copyfile` |
//! | `fs.rename` | `from, to` | [`rename`] | `os.rename` |
//! | `fs.remove_file` | `path` | [`remove_file`] | `os.remove` |
//! | `fs.remove_dir` | `path` | [`remove_dir`] | `os.rmdir` |
//! | `fs.remove_dir_all` | `path` | [`remove_dir_all`] | `shutil.rmtree` |
//! | `fs.create_dir` | `path, recursive, mode` | [`create_dir`], [`create_dir_all`], [`DirBuilder::create`] | `os.mkdir` |
//! | `fs.read_dir` | `path` | [`read_dir`] | `os.listdir` / `os.scandir` |
//! | `fs.metadata` | `path, fd, follow_symlinks` | [`metadata`], [`symlink_metadata`], [`exists`], [`File::metadata`], [`DirEntry::metadata`] | none (`os.stat` raises nothing) |
//! | `fs.canonicalize` | `path` | [`canonicalize`] | none (`os.path.realpath` raises nothing) |
//! | `fs.read_link` | `path` | [`read_link`] | none (`os.readlink` raises nothing) |
//! | `fs.hard_link` | `original, link` | [`hard_link`] | `os.link` |
//! | `fs.symlink` | `original, link` | [`soft_link`], [`os::unix::fs::symlink`](crate::os::unix::fs::symlink) | `os.symlink` |
//! | `fs.set_permissions` | `path, fd, mode, readonly` | [`set_permissions`], [`File::set_permissions`] | `os.chmod` |
//! | `fs.set_len` | `path, fd, len` | [`File::set_len`] | `os.truncate` |
//! | `fs.set_times` | `path, fd, times` | [`File::set_times`], [`File::set_modified`] | `os.utime` |
//! | `fs.lock` | `path, fd, shared, blocking` | [`File::lock`], [`File::lock_shared`], [`File::try_lock`], [`File::try_lock_shared`] | `fcntl.flock` |
//! | `fs.unlock` | `path, fd` | [`File::unlock`] | `fcntl.flock` |
//! | `fs.chown` | `path, fd, uid, gid, follow_symlinks` | [`os::unix::fs::chown`](crate::os::unix::fs::chown), [`fchown`](crate::os::unix::fs::fchown), [`lchown`](crate::os::unix::fs::lchown) | `os.chown` |
//! | `fs.chroot` | `path` | [`os::unix::fs::chroot`](crate::os::unix::fs::chroot) | none |
//! | `fs.set_current_dir` | `path` | [`env::set_current_dir`](crate::env::set_current_dir) | `os.chdir` |
//!
//! `path`, `from`, `to`, `original` and `link` are paths as the caller gave
//! them (not canonicalized). An event on an open file carries `fd`, its raw
//! descriptor, and `path`, the file's own canonical path as the kernel names
//! it, or `None` when that cannot be known, which a hook must treat as an
//! unknown file (see [`events::fs`](crate::events::fs#argument-conventions));
//! raised for a path, the same event has `fd = None`.
//!
//! `fs.open`'s booleans are the effective access, with
//! `OpenOptionsExt::custom_flags` folded in: `custom_flags(O_TRUNC)` on a
//! read-only open reports `truncate` and `write` (see
//! [`events::fs::OPEN`]).
//!
//! ## Compound operations
//!
//! Each call raises exactly one event, raised before anything happens, so a
//! veto never leaves half an operation behind.
//!
//! - [`read`], [`read_to_string`] and [`write`](write()) are, in `std`, an open followed
//!   by reads or writes; they raise `fs.open` with the flags `std` opens with
//!   (read-only; write + create + truncate). A policy on `fs.open` therefore
//!   covers every way this module opens a file, except [`copy`]'s (next
//!   item).
//! - [`copy`] raises `fs.copy` with both paths (not two `fs.open`s): `std`
//!   also copies the permissions and may clone or splice the data in the
//!   kernel, so it is one operation, like CPython's `shutil.copyfile`. A
//!   policy guarding writes must look at `fs.copy`'s `to`.
//! - [`create_dir_all`] and a recursive [`DirBuilder`] raise one
//!   `fs.create_dir` with `recursive = true` for the deepest directory; its
//!   missing ancestors are created too. (CPython's `os.makedirs` raises
//!   `os.mkdir` per directory; doing so here would mean re-implementing
//!   `std`'s walk.)
//! - [`remove_dir_all`] raises one `fs.remove_dir_all` for the root, like
//!   CPython's `shutil.rmtree`, not one event per removed entry.
//! - [`exists`] is a metadata query and raises `fs.metadata`.
//!
//! # Bypasses
//!
//! This is an audit facility, not a sandbox. What it does not see:
//!
//! - **`std` called directly.** `std::fs`, and also the filesystem methods of
//!   [`Path`]: `Path::exists`, `try_exists`, `is_file`, `is_dir`,
//!   `is_symlink`, `metadata`, `symlink_metadata`, `read_dir`,
//!   `canonicalize` and `read_link` call `std::fs` without an event. Use the
//!   free functions of this module instead (`fs::exists(p)`,
//!   `fs::metadata(p)?.is_dir()`, ...).
//! - **`std::env::set_current_dir`** is outside `std::fs`; use
//!   [`crate::env::set_current_dir`], which raises `fs.set_current_dir`.
//! - **The escape hatches**: [`File::as_std`], [`File::into_std`],
//!   `From<File> for std::fs::File`, `From<File> for OwnedFd`,
//!   `IntoRawFd`, and [`DirEntry::as_std`] hand out the `std` value, whose
//!   methods are not audited. Conversely [`File::from_std`], `From<OwnedFd>`
//!   and `FromRawFd` adopt a file whose opening was not audited.
//! - [`DirEntry::file_type`] raises nothing: the type comes with the listing,
//!   except on filesystems that do not report it, where `std` falls back to
//!   an unaudited `lstat`.
//! - Other crates (`tempfile`, `walkdir`, `libc`, ...) use `std` or the
//!   operating system directly.
//!
//! A clippy configuration (`clippy.toml` at the workspace root) catches the
//! stray uses in your own code:
//!
//! ```toml
//! disallowed-types = [
//!     { path = "std::fs::File", reason = "use audit_std::fs::File (audited)" },
//!     { path = "std::fs::OpenOptions", reason = "use audit_std::fs::OpenOptions (audited)" },
//!     { path = "std::fs::DirBuilder", reason = "use audit_std::fs::DirBuilder (audited)" },
//!     { path = "std::fs::ReadDir", reason = "use audit_std::fs::ReadDir (audited)" },
//!     { path = "std::fs::DirEntry", reason = "use audit_std::fs::DirEntry (audited)" },
//! ]
//! disallowed-methods = [
//!     { path = "std::fs::read", reason = "use audit_std::fs::read" },
//!     { path = "std::fs::read_to_string", reason = "use audit_std::fs::read_to_string" },
//!     { path = "std::fs::write", reason = "use audit_std::fs::write" },
//!     { path = "std::fs::copy", reason = "use audit_std::fs::copy" },
//!     { path = "std::fs::rename", reason = "use audit_std::fs::rename" },
//!     { path = "std::fs::remove_file", reason = "use audit_std::fs::remove_file" },
//!     { path = "std::fs::remove_dir", reason = "use audit_std::fs::remove_dir" },
//!     { path = "std::fs::remove_dir_all", reason = "use audit_std::fs::remove_dir_all" },
//!     { path = "std::fs::create_dir", reason = "use audit_std::fs::create_dir" },
//!     { path = "std::fs::create_dir_all", reason = "use audit_std::fs::create_dir_all" },
//!     { path = "std::fs::read_dir", reason = "use audit_std::fs::read_dir" },
//!     { path = "std::fs::metadata", reason = "use audit_std::fs::metadata" },
//!     { path = "std::fs::symlink_metadata", reason = "use audit_std::fs::symlink_metadata" },
//!     { path = "std::fs::exists", reason = "use audit_std::fs::exists" },
//!     { path = "std::fs::canonicalize", reason = "use audit_std::fs::canonicalize" },
//!     { path = "std::fs::read_link", reason = "use audit_std::fs::read_link" },
//!     { path = "std::fs::hard_link", reason = "use audit_std::fs::hard_link" },
//!     { path = "std::fs::soft_link", reason = "use audit_std::os::unix::fs::symlink" },
//!     { path = "std::fs::set_permissions", reason = "use audit_std::fs::set_permissions" },
//!     { path = "std::os::unix::fs::symlink", reason = "use audit_std::os::unix::fs::symlink" },
//!     { path = "std::os::unix::fs::chown", reason = "use audit_std::os::unix::fs::chown" },
//!     { path = "std::os::unix::fs::fchown", reason = "use audit_std::os::unix::fs::fchown" },
//!     { path = "std::os::unix::fs::lchown", reason = "use audit_std::os::unix::fs::lchown" },
//!     { path = "std::os::unix::fs::chroot", reason = "use audit_std::os::unix::fs::chroot" },
//!     { path = "std::env::set_current_dir", reason = "use audit_std::env::set_current_dir" },
//!     { path = "std::path::Path::exists", reason = "unaudited; use audit_std::fs::exists" },
//!     { path = "std::path::Path::try_exists", reason = "unaudited; use audit_std::fs::exists" },
//!     { path = "std::path::Path::is_file", reason = "unaudited; use audit_std::fs::metadata" },
//!     { path = "std::path::Path::is_dir", reason = "unaudited; use audit_std::fs::metadata" },
//!     { path = "std::path::Path::is_symlink", reason = "unaudited; use audit_std::fs::symlink_metadata" },
//!     { path = "std::path::Path::metadata", reason = "unaudited; use audit_std::fs::metadata" },
//!     { path = "std::path::Path::symlink_metadata", reason = "unaudited; use audit_std::fs::symlink_metadata" },
//!     { path = "std::path::Path::read_dir", reason = "unaudited; use audit_std::fs::read_dir" },
//!     { path = "std::path::Path::canonicalize", reason = "unaudited; use audit_std::fs::canonicalize" },
//!     { path = "std::path::Path::read_link", reason = "unaudited; use audit_std::fs::read_link" },
//!     { path = "audit_std::fs::File::as_std", reason = "unaudited escape hatch" },
//!     { path = "audit_std::fs::File::into_std", reason = "unaudited escape hatch" },
//! ]
//! ```
//!
//! (`disallowed-types` on `std::fs::File` also flags the `From` conversions'
//! targets in your code; allow it locally where a `std::fs::File` must be
//! handed to another crate.)
//!
//! # Not possible
//!
//! - `Read`, `Write` and `Seek` for `Arc<File>` (which `std` has for its own
//!   `File`): the orphan rule forbids implementing a foreign trait for a
//!   foreign type. Use `&*arc`, since `&File` implements all three.
//! - `std::io::IsTerminal` is sealed: [`File`] has an inherent
//!   [`is_terminal`](File::is_terminal) method instead.
//! - `From<File> for std::process::Stdio` lives in [`crate::process`], which
//!   builds on `std::fs::File::from(file)`.
//! - Unstable `std` items (`File::open_buffered`, `fs::set_times`, `fs::Dir`,
//!   `DirEntryExt2`, `mkfifo`, ...) are not mirrored until they are stable.
//!
//! # Performance
//!
//! With no hook installed, each wrapper adds one atomic load and a branch to
//! the `std` call; with `audit-core`'s `off` feature, nothing (the flags kept
//! by [`OpenOptions`] and [`DirBuilder`] are a few plain stores).
//!
//! One exception: [`std::io::copy`] between two `std` files uses the kernel
//! (`copy_file_range`, `sendfile`, `splice`) through a specialisation for
//! `std`'s own types, and falls back to a user-space buffer loop for ours.
//! Measured on Linux/ext4 with a 64 MiB file: `io::copy` between two of our
//! files makes 8 KiB `read`/`write` pairs (8192 of each) and takes about twice
//! as long as between `std` files, which make two `copy_file_range` calls.
//! Reads and writes on open files are not audited anyway, so copying through
//! the `std` views loses nothing and gets the kernel path back:
//!
//! ```
//! use audit_std::fs::File;
//! # let dir = tempfile::tempdir()?;
//! # let (a, b) = (dir.path().join("a"), dir.path().join("b"));
//! # std::fs::write(&a, b"data")?;
//! let src = File::open(&a)?;
//! let dst = File::create(&b)?;
//! // Kernel-side copy: `&std::fs::File` gets std's fast path.
//! std::io::copy(&mut src.as_std(), &mut dst.as_std())?;
//! # assert_eq!(std::fs::read(&b)?, b"data");
//! # Ok::<(), std::io::Error>(())
//! ```

use std::borrow::Cow;
use std::io;
use std::path::{Path, PathBuf};

use audit_core::audit;

use crate::events;

mod dir;
mod file;
pub(crate) mod open_options;

pub use dir::{DirBuilder, DirEntry, ReadDir};
pub use file::File;
pub use open_options::OpenOptions;
// For audit-tokio, whose futures raise `fs.open` when first polled: the
// companion of `events::raise_open` that takes the caller explicitly.
#[doc(hidden)]
pub use open_options::raise_open_from;
pub use std::fs::{FileTimes, FileType, Metadata, Permissions, TryLockError};

use dir::{audit_create_dir, DEFAULT_DIR_MODE};
use open_options::{raise_open, OpenFlags};

pub(crate) use crate::events::{permissions_mode, raw_handle};

/// What an `fs.*` event that exists for paths and for open files acts on.
///
/// Its [`path`](Target::path) and [`fd`](Target::fd) are the event's `path`
/// and `fd` arguments. They are only called from the arguments of `audit!`,
/// which are evaluated when some hook will see the event: with no hook, the
/// descriptor's path is never looked up.
#[derive(Clone, Copy)]
pub(crate) enum Target<'a> {
    /// A path, as the caller gave it.
    Path(&'a Path),
    /// An open file.
    File(&'a std::fs::File),
    /// An open file given as a descriptor (`fchown`).
    #[cfg(unix)]
    Fd(std::os::fd::BorrowedFd<'a>),
}

impl Target<'_> {
    /// The `path` argument: the path given, or the open file's own path, or
    /// `None` when the open file's path cannot be known (see
    /// [`open_file_path`]).
    pub(crate) fn path(&self) -> Option<Cow<'_, Path>> {
        match *self {
            Target::Path(path) => Some(Cow::Borrowed(path)),
            Target::File(file) => open_file_path(file).map(Cow::Owned),
            #[cfg(unix)]
            Target::Fd(fd) => open_file_path(&fd).map(Cow::Owned),
        }
    }

    /// The `fd` argument: `None` for a path.
    pub(crate) fn fd(&self) -> Option<i64> {
        match *self {
            Target::Path(_) => None,
            Target::File(file) => Some(raw_handle(file)),
            #[cfg(unix)]
            Target::Fd(fd) => Some(i64::from(std::os::fd::AsRawFd::as_raw_fd(&fd))),
        }
    }
}

/// The path of the open file `file`, as the kernel names it, or `None`
/// when it cannot be known.
///
/// Read from `/proc/thread-self/fd/N` (the calling thread's own descriptor
/// table, which `unshare(CLONE_FILES)` can set apart from the process's;
/// `/proc/self/fd/N` on kernels before 3.17). Unknown: `/proc` is not
/// mounted; the descriptor is not a file with a name (`pipe:[..]`,
/// `socket:[..]`, `anon_inode:..`: the link text is not absolute); the file
/// was deleted (the text ends in ` (deleted)`, which a file may also be
/// named: refused too); or the name does not reach this very file (replaced
/// since it was opened, outside the root after a `chroot`, in another mount
/// namespace): the name's `lstat` must give the device and inode that
/// `fstat` gives for the descriptor.
///
/// Uses `std`'s own functions, which raise nothing.
#[cfg(any(target_os = "linux", target_os = "android"))]
pub(crate) fn open_file_path<F: std::os::fd::AsFd + ?Sized>(file: &F) -> Option<PathBuf> {
    use std::os::fd::AsRawFd;

    let fd = file.as_fd().as_raw_fd();
    let path = std::fs::read_link(format!("/proc/thread-self/fd/{fd}"))
        .or_else(|_| std::fs::read_link(format!("/proc/self/fd/{fd}")))
        .ok()?;
    names_the_file(fd, path)
}

/// `path` if it is the name of the file open on `fd`: absolute, not a
/// deleted file's text, and reaching the same device and inode.
#[cfg(any(target_os = "linux", target_os = "android"))]
fn names_the_file(fd: std::os::fd::RawFd, path: PathBuf) -> Option<PathBuf> {
    use std::os::unix::fs::MetadataExt;

    let text = path.as_os_str().as_encoded_bytes();
    if !text.starts_with(b"/") || text.ends_with(b" (deleted)") {
        return None;
    }
    let mut open = std::mem::MaybeUninit::<libc::stat>::uninit();
    // SAFETY: `fd` is a descriptor the caller borrows for this call, and
    // `open` is a valid place for `fstat` to write a `struct stat`.
    if unsafe { libc::fstat(fd, open.as_mut_ptr()) } != 0 {
        return None;
    }
    // SAFETY: `fstat` succeeded, so it initialised `open`.
    let open = unsafe { open.assume_init() };
    let named = std::fs::symlink_metadata(&path).ok()?;
    #[allow(clippy::unnecessary_cast)] // the field types differ by target
    let same = open.st_dev as u64 == named.dev() && open.st_ino as u64 == named.ino();
    same.then_some(path)
}

/// The path of the open file `file`: this platform does not tell it.
#[cfg(not(any(target_os = "linux", target_os = "android")))]
pub(crate) fn open_file_path<F: ?Sized>(_file: &F) -> Option<PathBuf> {
    None
}

/// Raises `fs.metadata` for a path or an open file.
#[inline]
#[track_caller]
pub(crate) fn audit_metadata(target: Target<'_>, follow_symlinks: bool) -> io::Result<()> {
    audit!(
        events::fs::METADATA,
        path = target.path(),
        fd = target.fd(),
        follow_symlinks
    )?;
    Ok(())
}

/// Raises `fs.set_permissions` for a path or an open file.
#[inline]
#[track_caller]
pub(crate) fn audit_set_permissions(target: Target<'_>, perm: &Permissions) -> io::Result<()> {
    audit!(
        events::fs::SET_PERMISSIONS,
        path = target.path(),
        fd = target.fd(),
        mode = permissions_mode(perm),
        readonly = perm.readonly()
    )?;
    Ok(())
}

/// Reads the entire contents of a file into a bytes vector.
///
/// Raises [`events::fs::OPEN`] with `read` alone true before the call (see
/// "Compound operations" above).
///
/// Wrapper for [`std::fs::read`].
#[track_caller]
pub fn read<P: AsRef<Path>>(path: P) -> io::Result<Vec<u8>> {
    let path = path.as_ref();
    raise_open(path, &OpenFlags::READ)?;
    std::fs::read(path)
}

/// Reads the entire contents of a file into a string.
///
/// Raises [`events::fs::OPEN`] with `read` alone true before the call.
///
/// Wrapper for [`std::fs::read_to_string`].
#[track_caller]
pub fn read_to_string<P: AsRef<Path>>(path: P) -> io::Result<String> {
    let path = path.as_ref();
    raise_open(path, &OpenFlags::READ)?;
    std::fs::read_to_string(path)
}

/// Writes a slice as the entire contents of a file, creating or truncating it.
///
/// Raises [`events::fs::OPEN`] with `write`, `create` and `truncate` true
/// before the call.
///
/// Wrapper for [`std::fs::write`].
#[track_caller]
pub fn write<P: AsRef<Path>, C: AsRef<[u8]>>(path: P, contents: C) -> io::Result<()> {
    let path = path.as_ref();
    raise_open(path, &OpenFlags::CREATE)?;
    std::fs::write(path, contents)
}

/// Copies the contents of one file to another, and its permission bits.
///
/// Raises [`events::fs::COPY`] with `(from, to)` before the call.
///
/// Wrapper for [`std::fs::copy`].
#[track_caller]
pub fn copy<P: AsRef<Path>, Q: AsRef<Path>>(from: P, to: Q) -> io::Result<u64> {
    let (from, to) = (from.as_ref(), to.as_ref());
    audit!(events::fs::COPY, from, to)?;
    std::fs::copy(from, to)
}

/// Renames a file or directory to a new name, replacing the original file if
/// `to` already exists.
///
/// Raises [`events::fs::RENAME`] with `(from, to)` before the call.
///
/// Wrapper for [`std::fs::rename`].
#[track_caller]
pub fn rename<P: AsRef<Path>, Q: AsRef<Path>>(from: P, to: Q) -> io::Result<()> {
    let (from, to) = (from.as_ref(), to.as_ref());
    audit!(events::fs::RENAME, from, to)?;
    std::fs::rename(from, to)
}

/// Removes a file from the filesystem.
///
/// Raises [`events::fs::REMOVE_FILE`] with `(path)` before the call.
///
/// Wrapper for [`std::fs::remove_file`].
#[track_caller]
pub fn remove_file<P: AsRef<Path>>(path: P) -> io::Result<()> {
    let path = path.as_ref();
    audit!(events::fs::REMOVE_FILE, path)?;
    std::fs::remove_file(path)
}

/// Removes an empty directory.
///
/// Raises [`events::fs::REMOVE_DIR`] with `(path)` before the call.
///
/// Wrapper for [`std::fs::remove_dir`].
#[track_caller]
pub fn remove_dir<P: AsRef<Path>>(path: P) -> io::Result<()> {
    let path = path.as_ref();
    audit!(events::fs::REMOVE_DIR, path)?;
    std::fs::remove_dir(path)
}

/// Removes a directory at this path, after removing all its contents.
///
/// Raises [`events::fs::REMOVE_DIR_ALL`] with `(path)` once, before the call.
///
/// Wrapper for [`std::fs::remove_dir_all`].
#[track_caller]
pub fn remove_dir_all<P: AsRef<Path>>(path: P) -> io::Result<()> {
    let path = path.as_ref();
    audit!(events::fs::REMOVE_DIR_ALL, path)?;
    std::fs::remove_dir_all(path)
}

/// Creates a new, empty directory at the provided path.
///
/// Raises [`events::fs::CREATE_DIR`] with `(path, recursive = false, mode =
/// 0o777)` before the call.
///
/// Wrapper for [`std::fs::create_dir`].
#[track_caller]
pub fn create_dir<P: AsRef<Path>>(path: P) -> io::Result<()> {
    let path = path.as_ref();
    audit_create_dir(path, false, DEFAULT_DIR_MODE)?;
    std::fs::create_dir(path)
}

/// Recursively creates a directory and all of its parent components if they
/// are missing.
///
/// Raises [`events::fs::CREATE_DIR`] with `(path, recursive = true, mode =
/// 0o777)` once, before the call.
///
/// Wrapper for [`std::fs::create_dir_all`].
#[track_caller]
pub fn create_dir_all<P: AsRef<Path>>(path: P) -> io::Result<()> {
    let path = path.as_ref();
    audit_create_dir(path, true, DEFAULT_DIR_MODE)?;
    std::fs::create_dir_all(path)
}

/// Returns an iterator over the entries within a directory.
///
/// Raises [`events::fs::READ_DIR`] with `(path)` before the call; iterating
/// raises nothing.
///
/// Wrapper for [`std::fs::read_dir`].
#[track_caller]
pub fn read_dir<P: AsRef<Path>>(path: P) -> io::Result<ReadDir> {
    let path = path.as_ref();
    audit!(events::fs::READ_DIR, path)?;
    std::fs::read_dir(path).map(ReadDir::from_std)
}

/// Queries the filesystem for metadata about a path, following symbolic links.
///
/// Raises [`events::fs::METADATA`] with `(path, fd = None, follow_symlinks =
/// true)` before the call.
///
/// Wrapper for [`std::fs::metadata`].
#[track_caller]
pub fn metadata<P: AsRef<Path>>(path: P) -> io::Result<Metadata> {
    let path = path.as_ref();
    // The path is known: no `Target` to carry through the fast path.
    audit!(
        events::fs::METADATA,
        path,
        fd = None::<i64>,
        follow_symlinks = true
    )?;
    std::fs::metadata(path)
}

/// Queries the metadata about a file without following symbolic links.
///
/// Raises [`events::fs::METADATA`] with `(path, fd = None, follow_symlinks =
/// false)` before the call.
///
/// Wrapper for [`std::fs::symlink_metadata`].
#[track_caller]
pub fn symlink_metadata<P: AsRef<Path>>(path: P) -> io::Result<Metadata> {
    let path = path.as_ref();
    audit_metadata(Target::Path(path), false)?;
    std::fs::symlink_metadata(path)
}

/// Returns `Ok(true)` if the path points at an existing entity.
///
/// Raises [`events::fs::METADATA`] with `(path, fd = None, follow_symlinks =
/// true)` before the call; a veto is an `Err`, never `Ok(false)`.
///
/// Wrapper for [`std::fs::exists`].
#[track_caller]
pub fn exists<P: AsRef<Path>>(path: P) -> io::Result<bool> {
    let path = path.as_ref();
    audit_metadata(Target::Path(path), true)?;
    std::fs::exists(path)
}

/// Returns the canonical, absolute form of a path with all intermediate
/// components normalized and symbolic links resolved.
///
/// Raises [`events::fs::CANONICALIZE`] with `(path)` before the call.
///
/// Wrapper for [`std::fs::canonicalize`].
#[track_caller]
pub fn canonicalize<P: AsRef<Path>>(path: P) -> io::Result<PathBuf> {
    let path = path.as_ref();
    audit!(events::fs::CANONICALIZE, path)?;
    std::fs::canonicalize(path)
}

/// Reads a symbolic link, returning the file that the link points to.
///
/// Raises [`events::fs::READ_LINK`] with `(path)` before the call.
///
/// Wrapper for [`std::fs::read_link`].
#[track_caller]
pub fn read_link<P: AsRef<Path>>(path: P) -> io::Result<PathBuf> {
    let path = path.as_ref();
    audit!(events::fs::READ_LINK, path)?;
    std::fs::read_link(path)
}

/// Creates a new hard link on the filesystem.
///
/// Raises [`events::fs::HARD_LINK`] with `(original, link)` before the call.
///
/// Wrapper for [`std::fs::hard_link`].
#[track_caller]
pub fn hard_link<P: AsRef<Path>, Q: AsRef<Path>>(original: P, link: Q) -> io::Result<()> {
    let (original, link) = (original.as_ref(), link.as_ref());
    audit!(events::fs::HARD_LINK, original, link)?;
    std::fs::hard_link(original, link)
}

/// Creates a new symbolic link on the filesystem.
///
/// Raises [`events::fs::SYMLINK`] with `(original, link)` before the call.
///
/// Wrapper for [`std::fs::soft_link`].
#[deprecated(
    since = "1.1.0",
    note = "replaced with std::os::unix::fs::symlink and std::os::windows::fs::{symlink_file, symlink_dir}"
)]
#[track_caller]
pub fn soft_link<P: AsRef<Path>, Q: AsRef<Path>>(original: P, link: Q) -> io::Result<()> {
    let (original, link) = (original.as_ref(), link.as_ref());
    audit_symlink(original, link)?;
    #[allow(deprecated)]
    std::fs::soft_link(original, link)
}

/// Raises `fs.symlink`: shared by [`soft_link`] and the Unix `symlink`.
#[inline]
#[track_caller]
pub(crate) fn audit_symlink(original: &Path, link: &Path) -> io::Result<()> {
    audit!(events::fs::SYMLINK, original, link)?;
    Ok(())
}

/// Changes the permissions found on a file or a directory.
///
/// Raises [`events::fs::SET_PERMISSIONS`] with `(path, fd = None, mode,
/// readonly)` before the call.
///
/// Wrapper for [`std::fs::set_permissions`].
#[track_caller]
pub fn set_permissions<P: AsRef<Path>>(path: P, perm: Permissions) -> io::Result<()> {
    let path = path.as_ref();
    audit_set_permissions(Target::Path(path), &perm)?;
    std::fs::set_permissions(path, perm)
}

#[cfg(all(test, any(target_os = "linux", target_os = "android")))]
mod tests {
    use std::os::fd::AsRawFd;
    use std::path::PathBuf;

    #[test]
    fn a_name_must_reach_the_descriptors_own_file() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        std::fs::write(&a, "a").unwrap();
        std::fs::write(&b, "b").unwrap();
        let (a, b) = (a.canonicalize().unwrap(), b.canonicalize().unwrap());
        let file = std::fs::File::open(&a).unwrap();
        assert_eq!(super::open_file_path(&file), Some(a.clone()));
        assert_eq!(
            super::names_the_file(file.as_raw_fd(), a.clone()),
            Some(a.clone())
        );
        // Absolute and live, but another file (as after a `chroot`, or a
        // name replaced between the two looks): unknown.
        assert_eq!(super::names_the_file(file.as_raw_fd(), b), None);
        assert_eq!(
            super::names_the_file(file.as_raw_fd(), a.join("missing")),
            None
        );
        assert_eq!(
            super::names_the_file(file.as_raw_fd(), PathBuf::from("a")),
            None
        );
        // The same file through a symbolic link: refused, the name must be
        // the file's own.
        let link = dir.path().canonicalize().unwrap().join("link");
        std::os::unix::fs::symlink(&a, &link).unwrap();
        assert_eq!(super::names_the_file(file.as_raw_fd(), link), None);
    }
}
