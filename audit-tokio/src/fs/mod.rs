//! Audited drop-in for [`tokio::fs`].
//!
//! Swap `use tokio::fs;` for `use audit_tokio::fs;`: the program compiles and
//! behaves the same, except that every operation that reaches the filesystem
//! first raises the same `fs.*` event as [`audit_std::fs`], with the same
//! arguments, on the task that awaits it and **before** tokio hands the work
//! to a blocking thread. A vetoed operation fails with an [`io::Error`] of
//! kind [`PermissionDenied`](io::ErrorKind::PermissionDenied) and reaches no
//! blocking thread and no file.
//!
//! ```
//! use audit_tokio::fs;
//! use tokio::io::AsyncWriteExt;
//!
//! # tokio::runtime::Builder::new_current_thread().enable_all().build()?.block_on(async {
//! # let tmp = tempfile::tempdir()?;
//! let dir = tmp.path().join("project");
//! fs::create_dir_all(&dir).await?;
//! let mut file = fs::File::create(dir.join("notes.txt")).await?;
//! file.write_all(b"hello\n").await?;
//! file.flush().await?;
//! assert_eq!(fs::read_to_string(dir.join("notes.txt")).await?, "hello\n");
//! fs::remove_dir_all(&dir).await?;
//! # Ok::<(), std::io::Error>(())
//! # })?;
//! # Ok::<(), std::io::Error>(())
//! ```
//!
//! The operation then runs as `tokio::fs` runs it: the `std::fs` call, in a
//! job on tokio's blocking pool (`spawn_blocking`; the same
//! "background task failed" error when the pool cannot run it). The free
//! functions, [`File::open`], [`File::create`], [`File::create_new`],
//! [`OpenOptions::open`], [`DirBuilder::create`] and
//! [`DirEntry::metadata`] submit that job themselves, and it carries the
//! fact that the event was raised: with `audit-interpose` on, the C library
//! call it makes does not raise the event a second time. [`ReadDir`] is
//! this module's own for that reason (the job that opens the listing is
//! [`read_dir`]'s). [`File::set_permissions`] runs in a job of its own too,
//! on a duplicate of the file's descriptor, when there is a record to carry
//! (else as tokio does). The other methods of an open [`File`] are
//! performed by tokio's `File`, whose jobs carry nothing: [`File::set_len`]
//! is raised here and again by `audit-interpose` (`ftruncate`; tokio's job
//! first waits for the writes in flight, which only it can); the others
//! reach no interposed function.
//!
//! Signatures are tokio's (`impl AsRef<Path>`). [`File`], [`OpenOptions`],
//! [`DirBuilder`], [`ReadDir`] and [`DirEntry`] are new types without `Deref`
//! to tokio's (a `Deref` would let every tokio method, present and future,
//! run unaudited); `Metadata`, `Permissions`, `FileType` and `FileTimes` are
//! plain data and are `std`'s own types, as in tokio; `FileTimes` is tokio's.
//!
//! # Events
//!
//! | event | arguments | raised by |
//! |---|---|---|
//! | `fs.open` | `path, read, write, append, truncate, create, create_new, mode, custom_flags` | [`File::open`], [`File::create`], [`File::create_new`], [`OpenOptions::open`], [`read`], [`read_to_string`], [`write`](write()) |
//! | `fs.copy` | `from, to` | [`copy`] |
//! | `fs.rename` | `from, to` | [`rename`] |
//! | `fs.remove_file` | `path` | [`remove_file`] |
//! | `fs.remove_dir` | `path` | [`remove_dir`] |
//! | `fs.remove_dir_all` | `path` | [`remove_dir_all`] |
//! | `fs.create_dir` | `path, recursive, mode` | [`create_dir`], [`create_dir_all`], [`DirBuilder::create`] |
//! | `fs.read_dir` | `path` | [`read_dir`] |
//! | `fs.metadata` | `path, fd, follow_symlinks` | [`metadata`], [`symlink_metadata`], [`try_exists`], [`File::metadata`], [`DirEntry::metadata`] |
//! | `fs.canonicalize` | `path` | [`canonicalize`] |
//! | `fs.read_link` | `path` | [`read_link`] |
//! | `fs.hard_link` | `original, link` | [`hard_link`] |
//! | `fs.symlink` | `original, link` | [`symlink`] (Unix) |
//! | `fs.set_permissions` | `path, fd, mode, readonly` | [`set_permissions`], [`File::set_permissions`] |
//! | `fs.set_len` | `fd, len` | [`File::set_len`] |
//! | `fs.set_times` | `fd, times` | [`File::set_times`], [`File::set_modified`] |
//!
//! The compound operations raise one event each, as in [`audit_std::fs`]:
//! [`read`], [`read_to_string`] and [`write`](write()) raise `fs.open` with
//! the flags tokio opens with; [`copy`] raises `fs.copy`; [`create_dir_all`]
//! raises one `fs.create_dir` with `recursive = true`; [`remove_dir_all`] one
//! `fs.remove_dir_all`. Reading, writing, seeking and syncing an open
//! [`File`] raise nothing, nor does iterating a [`ReadDir`] or
//! [`DirEntry::file_type`].
//!
//! # Not mirrored
//!
//! - `From<std::fs::OpenOptions> for OpenOptions`: `std` does not say which
//!   flags a `std::fs::OpenOptions` holds, so the `fs.open` event could not
//!   report them; build the options with this module's [`OpenOptions`].
//! - The escape hatches ([`File::from_std`], [`File::into_std`],
//!   [`File::try_into_std`], [`File::as_tokio`], [`File::into_tokio`], `From`
//!   both ways with tokio's and `std`'s `File`, `FromRawFd`) hand over or adopt
//!   a file without an event; operations on the value handed out are not
//!   audited.
//! - Windows-only `OpenOptions` methods and `symlink_dir`/`symlink_file`.

use std::io;
use std::path::{Path, PathBuf};

use audit_core::__private::already;
use audit_core::audit;
use audit_std::events;

use crate::blocking::blocking;

mod dir;
mod file;
mod open_options;

pub use dir::{DirBuilder, DirEntry, ReadDir};
pub use file::File;
pub use open_options::OpenOptions;
pub use std::fs::{FileType, Metadata, Permissions};
pub use tokio::fs::FileTimes;

use dir::{audit_create_dir, DEFAULT_DIR_MODE};
use open_options::{audit_open, OpenFlags};

/// The path of the open file, as `audit_std` reports it on events about an
/// open file: `None` when it cannot be known.
pub(crate) fn file_path(file: &tokio::fs::File) -> Option<std::path::PathBuf> {
    #[cfg(unix)]
    {
        audit_std::events::open_file_path(file)
    }
    #[cfg(not(unix))]
    {
        let _ = file;
        None
    }
}

pub(crate) use audit_std::events::{permissions_mode, raw_handle};

/// Raises `fs.metadata` for a path or an open file.
#[inline]
pub(crate) fn audit_metadata(
    caller: &'static std::panic::Location<'static>,
    path: Option<&Path>,
    fd: Option<i64>,
    follow_symlinks: bool,
) -> io::Result<()> {
    audit!(@caller caller, events::fs::METADATA, path, fd, follow_symlinks)?;
    Ok(())
}

/// Raises `fs.set_permissions` for a path or an open file.
#[inline]
pub(crate) fn audit_set_permissions(
    caller: &'static std::panic::Location<'static>,
    path: Option<&Path>,
    fd: Option<i64>,
    perm: &Permissions,
) -> io::Result<()> {
    audit!(@caller caller,
        events::fs::SET_PERMISSIONS,
        path,
        fd,
        mode = permissions_mode(perm),
        readonly = perm.readonly()
    )?;
    Ok(())
}

/// Reads the entire contents of a file into a bytes vector.
///
/// Raises [`events::fs::OPEN`] with `read` alone true before the read is
/// handed to a blocking thread.
///
/// Wrapper for [`tokio::fs::read`].
#[track_caller]
pub fn read(path: impl AsRef<Path>) -> impl std::future::Future<Output = io::Result<Vec<u8>>> {
    let caller = std::panic::Location::caller();
    async move {
        let path = path.as_ref();
        let carried = already::carry(|| audit_open(caller, path, &OpenFlags::READ))?;
        let path = path.to_owned();
        blocking(carried, move || std::fs::read(path)).await
    }
}

/// Reads the entire contents of a file into a string.
///
/// Raises [`events::fs::OPEN`] with `read` alone true first.
///
/// Wrapper for [`tokio::fs::read_to_string`].
#[track_caller]
pub fn read_to_string(
    path: impl AsRef<Path>,
) -> impl std::future::Future<Output = io::Result<String>> {
    let caller = std::panic::Location::caller();
    async move {
        let path = path.as_ref();
        let carried = already::carry(|| audit_open(caller, path, &OpenFlags::READ))?;
        let path = path.to_owned();
        blocking(carried, move || std::fs::read_to_string(path)).await
    }
}

/// Creates a future that will open a file for writing and write the entire
/// contents of `contents` to it.
///
/// Raises [`events::fs::OPEN`] with `write`, `create` and `truncate` true
/// first.
///
/// Wrapper for [`tokio::fs::write`].
#[track_caller]
pub fn write(
    path: impl AsRef<Path>,
    contents: impl AsRef<[u8]>,
) -> impl std::future::Future<Output = io::Result<()>> {
    let caller = std::panic::Location::caller();
    async move {
        let path = path.as_ref();
        let carried = already::carry(|| audit_open(caller, path, &OpenFlags::CREATE))?;
        let (path, contents) = (path.to_owned(), contents.as_ref().to_owned());
        blocking(carried, move || std::fs::write(path, contents)).await
    }
}

/// Copies the contents of one file to another, and its permission bits.
///
/// Raises [`events::fs::COPY`] with `(from, to)` first.
///
/// Wrapper for [`tokio::fs::copy`].
#[track_caller]
pub fn copy(
    from: impl AsRef<Path>,
    to: impl AsRef<Path>,
) -> impl std::future::Future<Output = Result<u64, io::Error>> {
    let caller = std::panic::Location::caller();
    async move {
        let (from, to) = (from.as_ref(), to.as_ref());
        let carried = already::carry(|| audit!(@caller caller, events::fs::COPY, from, to))?;
        let (from, to) = (from.to_owned(), to.to_owned());
        blocking(carried, move || std::fs::copy(from, to)).await
    }
}

/// Renames a file or directory to a new name, replacing the original file if
/// `to` already exists.
///
/// Raises [`events::fs::RENAME`] with `(from, to)` first.
///
/// Wrapper for [`tokio::fs::rename`].
#[track_caller]
pub fn rename(
    from: impl AsRef<Path>,
    to: impl AsRef<Path>,
) -> impl std::future::Future<Output = io::Result<()>> {
    let caller = std::panic::Location::caller();
    async move {
        let (from, to) = (from.as_ref(), to.as_ref());
        let carried = already::carry(|| audit!(@caller caller, events::fs::RENAME, from, to))?;
        let (from, to) = (from.to_owned(), to.to_owned());
        blocking(carried, move || std::fs::rename(from, to)).await
    }
}

/// Removes a file from the filesystem.
///
/// Raises [`events::fs::REMOVE_FILE`] with `(path)` first.
///
/// Wrapper for [`tokio::fs::remove_file`].
#[track_caller]
pub fn remove_file(path: impl AsRef<Path>) -> impl std::future::Future<Output = io::Result<()>> {
    let caller = std::panic::Location::caller();
    async move {
        let path = path.as_ref();
        let carried = already::carry(|| audit!(@caller caller, events::fs::REMOVE_FILE, path))?;
        let path = path.to_owned();
        blocking(carried, move || std::fs::remove_file(path)).await
    }
}

/// Removes an existing, empty directory.
///
/// Raises [`events::fs::REMOVE_DIR`] with `(path)` first.
///
/// Wrapper for [`tokio::fs::remove_dir`].
#[track_caller]
pub fn remove_dir(path: impl AsRef<Path>) -> impl std::future::Future<Output = io::Result<()>> {
    let caller = std::panic::Location::caller();
    async move {
        let path = path.as_ref();
        let carried = already::carry(|| audit!(@caller caller, events::fs::REMOVE_DIR, path))?;
        let path = path.to_owned();
        blocking(carried, move || std::fs::remove_dir(path)).await
    }
}

/// Removes a directory at this path, after removing all its contents.
///
/// Raises [`events::fs::REMOVE_DIR_ALL`] with `(path)` once, first.
///
/// Wrapper for [`tokio::fs::remove_dir_all`].
#[track_caller]
pub fn remove_dir_all(path: impl AsRef<Path>) -> impl std::future::Future<Output = io::Result<()>> {
    let caller = std::panic::Location::caller();
    async move {
        let path = path.as_ref();
        let carried = already::carry(|| audit!(@caller caller, events::fs::REMOVE_DIR_ALL, path))?;
        let path = path.to_owned();
        blocking(carried, move || std::fs::remove_dir_all(path)).await
    }
}

/// Creates a new, empty directory at the provided path.
///
/// Raises [`events::fs::CREATE_DIR`] with `(path, recursive = false, mode =
/// 0o777)` first.
///
/// Wrapper for [`tokio::fs::create_dir`].
#[track_caller]
pub fn create_dir(path: impl AsRef<Path>) -> impl std::future::Future<Output = io::Result<()>> {
    let caller = std::panic::Location::caller();
    async move {
        let path = path.as_ref();
        let carried = already::carry(|| audit_create_dir(caller, path, false, DEFAULT_DIR_MODE))?;
        let path = path.to_owned();
        blocking(carried, move || std::fs::create_dir(path)).await
    }
}

/// Recursively creates a directory and all of its parent components if they
/// are missing.
///
/// Raises [`events::fs::CREATE_DIR`] with `(path, recursive = true, mode =
/// 0o777)` once, first.
///
/// Wrapper for [`tokio::fs::create_dir_all`].
#[track_caller]
pub fn create_dir_all(path: impl AsRef<Path>) -> impl std::future::Future<Output = io::Result<()>> {
    let caller = std::panic::Location::caller();
    async move {
        let path = path.as_ref();
        let carried = already::carry(|| audit_create_dir(caller, path, true, DEFAULT_DIR_MODE))?;
        let path = path.to_owned();
        blocking(carried, move || std::fs::create_dir_all(path)).await
    }
}

/// Returns a stream over the entries within a directory.
///
/// Raises [`events::fs::READ_DIR`] with `(path)` first; iterating raises
/// nothing.
///
/// Wrapper for [`tokio::fs::read_dir`].
#[track_caller]
pub fn read_dir(path: impl AsRef<Path>) -> impl std::future::Future<Output = io::Result<ReadDir>> {
    let caller = std::panic::Location::caller();
    async move {
        let path = path.as_ref();
        let carried = already::carry(|| audit!(@caller caller, events::fs::READ_DIR, path))?;
        let path = path.to_owned();
        blocking(carried, move || std::fs::read_dir(path))
            .await
            .map(ReadDir::from_std)
    }
}

/// Given a path, queries the file system to get information about a file,
/// directory, etc., following symbolic links.
///
/// Raises [`events::fs::METADATA`] with `(path, fd = None, follow_symlinks =
/// true)` first.
///
/// Wrapper for [`tokio::fs::metadata`].
#[track_caller]
pub fn metadata(path: impl AsRef<Path>) -> impl std::future::Future<Output = io::Result<Metadata>> {
    let caller = std::panic::Location::caller();
    async move {
        let path = path.as_ref();
        let carried = already::carry(|| audit_metadata(caller, Some(path), None, true))?;
        let path = path.to_owned();
        blocking(carried, move || std::fs::metadata(path)).await
    }
}

/// Queries the file system metadata for a path, without following symbolic
/// links.
///
/// Raises [`events::fs::METADATA`] with `(path, fd = None, follow_symlinks =
/// false)` first.
///
/// Wrapper for [`tokio::fs::symlink_metadata`].
#[track_caller]
pub fn symlink_metadata(
    path: impl AsRef<Path>,
) -> impl std::future::Future<Output = io::Result<Metadata>> {
    let caller = std::panic::Location::caller();
    async move {
        let path = path.as_ref();
        let carried = already::carry(|| audit_metadata(caller, Some(path), None, false))?;
        let path = path.to_owned();
        blocking(carried, move || std::fs::symlink_metadata(path)).await
    }
}

/// Returns `Ok(true)` if the path points at an existing entity.
///
/// Raises [`events::fs::METADATA`] with `(path, fd = None, follow_symlinks =
/// true)` first (as `audit_std::fs::exists` does); a veto is an `Err`, never
/// `Ok(false)`.
///
/// Wrapper for [`tokio::fs::try_exists`].
#[track_caller]
pub fn try_exists(path: impl AsRef<Path>) -> impl std::future::Future<Output = io::Result<bool>> {
    let caller = std::panic::Location::caller();
    async move {
        let path = path.as_ref();
        let carried = already::carry(|| audit_metadata(caller, Some(path), None, true))?;
        let path = path.to_owned();
        blocking(carried, move || path.try_exists()).await
    }
}

/// Returns the canonical, absolute form of a path with all intermediate
/// components normalized and symbolic links resolved.
///
/// Raises [`events::fs::CANONICALIZE`] with `(path)` first.
///
/// Wrapper for [`tokio::fs::canonicalize`].
#[track_caller]
pub fn canonicalize(
    path: impl AsRef<Path>,
) -> impl std::future::Future<Output = io::Result<PathBuf>> {
    let caller = std::panic::Location::caller();
    async move {
        let path = path.as_ref();
        let carried = already::carry(|| audit!(@caller caller, events::fs::CANONICALIZE, path))?;
        let path = path.to_owned();
        blocking(carried, move || std::fs::canonicalize(path)).await
    }
}

/// Reads a symbolic link, returning the file that the link points to.
///
/// Raises [`events::fs::READ_LINK`] with `(path)` first.
///
/// Wrapper for [`tokio::fs::read_link`].
#[track_caller]
pub fn read_link(path: impl AsRef<Path>) -> impl std::future::Future<Output = io::Result<PathBuf>> {
    let caller = std::panic::Location::caller();
    async move {
        let path = path.as_ref();
        let carried = already::carry(|| audit!(@caller caller, events::fs::READ_LINK, path))?;
        let path = path.to_owned();
        blocking(carried, move || std::fs::read_link(path)).await
    }
}

/// Creates a new hard link on the filesystem.
///
/// Raises [`events::fs::HARD_LINK`] with `(original, link)` first.
///
/// Wrapper for [`tokio::fs::hard_link`].
#[track_caller]
pub fn hard_link(
    original: impl AsRef<Path>,
    link: impl AsRef<Path>,
) -> impl std::future::Future<Output = io::Result<()>> {
    let caller = std::panic::Location::caller();
    async move {
        let (original, link) = (original.as_ref(), link.as_ref());
        let carried =
            already::carry(|| audit!(@caller caller, events::fs::HARD_LINK, original, link))?;
        let (original, link) = (original.to_owned(), link.to_owned());
        blocking(carried, move || std::fs::hard_link(original, link)).await
    }
}

/// Creates a new symbolic link on the filesystem.
///
/// Raises [`events::fs::SYMLINK`] with `(original, link)` first. `original`
/// is recorded as given: a relative target is relative to `link`'s directory.
///
/// Wrapper for [`tokio::fs::symlink`].
#[cfg(unix)]
#[track_caller]
pub fn symlink(
    original: impl AsRef<Path>,
    link: impl AsRef<Path>,
) -> impl std::future::Future<Output = io::Result<()>> {
    let caller = std::panic::Location::caller();
    async move {
        let (original, link) = (original.as_ref(), link.as_ref());
        let carried =
            already::carry(|| audit!(@caller caller, events::fs::SYMLINK, original, link))?;
        let (original, link) = (original.to_owned(), link.to_owned());
        blocking(carried, move || std::os::unix::fs::symlink(original, link)).await
    }
}

/// Changes the permissions found on a file or a directory.
///
/// Raises [`events::fs::SET_PERMISSIONS`] with `(path, fd = None, mode,
/// readonly)` first.
///
/// Wrapper for [`tokio::fs::set_permissions`].
#[track_caller]
pub fn set_permissions(
    path: impl AsRef<Path>,
    perm: Permissions,
) -> impl std::future::Future<Output = io::Result<()>> {
    let caller = std::panic::Location::caller();
    async move {
        let path = path.as_ref();
        let carried = already::carry(|| audit_set_permissions(caller, Some(path), None, &perm))?;
        let path = path.to_owned();
        blocking(carried, move || std::fs::set_permissions(path, perm)).await
    }
}
