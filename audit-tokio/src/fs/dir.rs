//! Directories: [`DirBuilder`], and [`ReadDir`] with its [`DirEntry`]s.

use std::ffi::OsString;
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::task::{Context, Poll};

use audit_core::__private::already;
use audit_core::audit;
use audit_std::events;

use super::{FileType, Metadata};

/// Reads the entries in a directory, from [`read_dir`](super::read_dir).
///
/// The listing was audited when it was opened (`fs.read_dir`); taking
/// entries raises nothing.
///
/// Wrapper for [`tokio::fs::ReadDir`].
pub struct ReadDir {
    inner: tokio::fs::ReadDir,
}

impl ReadDir {
    pub(crate) fn from_tokio(inner: tokio::fs::ReadDir) -> ReadDir {
        ReadDir { inner }
    }

    /// Returns the next entry in the directory stream. No event.
    ///
    /// Wrapper for [`tokio::fs::ReadDir::next_entry`].
    pub async fn next_entry(&mut self) -> io::Result<Option<DirEntry>> {
        Ok(self
            .inner
            .next_entry()
            .await?
            .map(|inner| DirEntry { inner }))
    }

    /// Polls for the next directory entry in the stream. No event.
    ///
    /// Wrapper for [`tokio::fs::ReadDir::poll_next_entry`].
    pub fn poll_next_entry(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<Option<DirEntry>>> {
        self.inner
            .poll_next_entry(cx)
            .map_ok(|entry| entry.map(|inner| DirEntry { inner }))
    }
}

impl fmt::Debug for ReadDir {
    /// Shows what tokio's `ReadDir` would show.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.inner, f)
    }
}

/// An entry of a directory listing.
///
/// Wrapper for [`tokio::fs::DirEntry`].
pub struct DirEntry {
    inner: tokio::fs::DirEntry,
}

impl DirEntry {
    /// Returns the full path to the file that this entry represents.
    ///
    /// Wrapper for [`tokio::fs::DirEntry::path`].
    #[must_use]
    pub fn path(&self) -> PathBuf {
        self.inner.path()
    }

    /// Returns the bare file name of this directory entry.
    ///
    /// Wrapper for [`tokio::fs::DirEntry::file_name`].
    #[must_use]
    pub fn file_name(&self) -> OsString {
        self.inner.file_name()
    }

    /// Returns the metadata for the file that this entry points at, without
    /// following symbolic links.
    ///
    /// Raises [`events::fs::METADATA`] with `(path, fd = None, follow_symlinks
    /// = false)` first, as `audit_std::fs::DirEntry::metadata` does.
    ///
    /// Wrapper for [`tokio::fs::DirEntry::metadata`].
    #[track_caller]
    pub fn metadata<'__a0>(
        &'__a0 self,
    ) -> impl std::future::Future<Output = io::Result<Metadata>> + crate::Captures<'__a0> {
        let caller = std::panic::Location::caller();
        async move {
            audit!(@caller caller,
                events::fs::METADATA,
                path = Some(self.inner.path()),
                fd = None::<i64>,
                follow_symlinks = false
            )?;
            self.inner.metadata().await
        }
    }

    /// Returns the file type for the file that this entry points at.
    ///
    /// No event: the type comes with the listing on most filesystems (on the
    /// few that do not report it, `std` falls back to an `lstat` that is not
    /// audited), as in `audit_std`.
    ///
    /// Wrapper for [`tokio::fs::DirEntry::file_type`].
    pub async fn file_type(&self) -> io::Result<FileType> {
        self.inner.file_type().await
    }

    /// Returns the underlying `d_ino` field in the contained `dirent`
    /// structure. No event.
    ///
    /// Wrapper for [`tokio::fs::DirEntry::ino`].
    #[cfg(unix)]
    pub fn ino(&self) -> u64 {
        self.inner.ino()
    }

    /// Borrows tokio's entry, whose `metadata` is **not audited**.
    pub fn as_tokio(&self) -> &tokio::fs::DirEntry {
        &self.inner
    }
}

impl fmt::Debug for DirEntry {
    /// Shows what tokio's `DirEntry` would show.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.inner, f)
    }
}

/// A builder for creating directories in various manners.
///
/// Creating raises [`events::fs::CREATE_DIR`] with `(path, recursive, mode)`.
///
/// Wrapper for [`tokio::fs::DirBuilder`]. It keeps a copy of its settings,
/// so the event can report them.
#[derive(Debug)]
pub struct DirBuilder {
    inner: tokio::fs::DirBuilder,
    recursive: bool,
    mode: u32,
}

/// The permission bits new directories get (before the umask).
pub(crate) const DEFAULT_DIR_MODE: u32 = 0o777;

/// Raises `fs.create_dir`: the single audit point for every directory creation.
#[inline]
pub(crate) fn audit_create_dir(
    caller: &'static std::panic::Location<'static>,
    path: &Path,
    recursive: bool,
    mode: u32,
) -> io::Result<()> {
    audit!(@caller caller, events::fs::CREATE_DIR, path, recursive, mode)?;
    Ok(())
}

impl DirBuilder {
    /// Creates a new set of options with default mode/security settings for
    /// all platforms and also non-recursive.
    ///
    /// Wrapper for [`tokio::fs::DirBuilder::new`].
    #[must_use]
    pub fn new() -> Self {
        DirBuilder {
            inner: tokio::fs::DirBuilder::new(),
            recursive: false,
            mode: DEFAULT_DIR_MODE,
        }
    }

    /// Indicates whether to create directories recursively (including all
    /// parent directories).
    ///
    /// Wrapper for [`tokio::fs::DirBuilder::recursive`].
    pub fn recursive(&mut self, recursive: bool) -> &mut Self {
        self.inner.recursive(recursive);
        self.recursive = recursive;
        self
    }

    /// Creates the specified directory with the configured options.
    ///
    /// Raises [`events::fs::CREATE_DIR`] with `(path, recursive, mode)` first.
    ///
    /// Wrapper for [`tokio::fs::DirBuilder::create`].
    #[track_caller]
    pub fn create<'__a0>(
        &'__a0 self,
        path: impl AsRef<Path>,
    ) -> impl std::future::Future<Output = io::Result<()>> + crate::Captures<'__a0> {
        let caller = std::panic::Location::caller();
        async move {
            let path = path.as_ref();
            let carried =
                already::carry(|| audit_create_dir(caller, path, self.recursive, self.mode))?;
            // `std`'s builder with the same settings, as tokio's makes.
            let mut builder = std::fs::DirBuilder::new();
            builder.recursive(self.recursive);
            #[cfg(unix)]
            std::os::unix::fs::DirBuilderExt::mode(&mut builder, self.mode);
            let path = path.to_owned();
            super::blocking(carried, move || builder.create(path)).await
        }
    }

    /// Sets the mode to create new directories with; reported as the `mode`
    /// argument of `fs.create_dir`.
    ///
    /// Wrapper for [`tokio::fs::DirBuilder::mode`].
    #[cfg(unix)]
    pub fn mode(&mut self, mode: u32) -> &mut Self {
        self.inner.mode(mode);
        self.mode = mode;
        self
    }
}

impl Default for DirBuilder {
    /// Same as [`DirBuilder::new`].
    fn default() -> Self {
        Self::new()
    }
}
