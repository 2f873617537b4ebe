//! Directories: [`ReadDir`] and [`DirEntry`] (listing), [`DirBuilder`] (creating).

use std::ffi::OsString;
use std::fmt;
use std::fs::{FileType, Metadata};
use std::io;
use std::path::{Path, PathBuf};

use audit_core::audit;

use crate::events;

/// Iterator over the entries in a directory, returned by [`read_dir`](super::read_dir).
///
/// Listing was audited once, by [`read_dir`](super::read_dir)
/// ([`events::fs::READ_DIR`]); iterating raises nothing.
///
/// Wrapper for [`std::fs::ReadDir`].
pub struct ReadDir {
    inner: std::fs::ReadDir,
}

/// # Not in `std`: conversions from and to [`std::fs::ReadDir`]
///
/// Listing was audited when the directory was opened (`fs.read_dir`); the
/// entries a `std` iterator yields are `std`'s, whose `metadata()` is not
/// audited.
impl ReadDir {
    /// Wraps a `std` iterator, so that its entries are this crate's. Raises
    /// nothing: opening the directory was `std`'s business.
    #[must_use]
    pub fn from_std(inner: std::fs::ReadDir) -> ReadDir {
        ReadDir { inner }
    }

    /// Unwraps the `std` iterator. **Its entries' `metadata()` is not
    /// audited.**
    #[must_use]
    pub fn into_std(self) -> std::fs::ReadDir {
        self.inner
    }
}

impl From<std::fs::ReadDir> for ReadDir {
    /// Same as [`ReadDir::from_std`].
    fn from(inner: std::fs::ReadDir) -> ReadDir {
        ReadDir::from_std(inner)
    }
}

impl From<ReadDir> for std::fs::ReadDir {
    /// Same as [`ReadDir::into_std`].
    fn from(dir: ReadDir) -> std::fs::ReadDir {
        dir.into_std()
    }
}

impl Iterator for ReadDir {
    type Item = io::Result<DirEntry>;

    fn next(&mut self) -> Option<io::Result<DirEntry>> {
        self.inner
            .next()
            .map(|entry| entry.map(|inner| DirEntry { inner }))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inner.size_hint()
    }
}

impl fmt::Debug for ReadDir {
    /// Shows what the `std` iterator would show.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.inner, f)
    }
}

/// An entry of a directory listing, yielded by [`ReadDir`].
///
/// Its name, path and (usually) file type come with the listing and raise no
/// event; [`metadata`](Self::metadata) queries the filesystem and raises
/// [`events::fs::METADATA`].
///
/// Wrapper for [`std::fs::DirEntry`].
pub struct DirEntry {
    inner: std::fs::DirEntry,
}

impl DirEntry {
    /// Returns the full path to the file that this entry represents.
    ///
    /// Wrapper for [`std::fs::DirEntry::path`].
    #[must_use]
    pub fn path(&self) -> PathBuf {
        self.inner.path()
    }

    /// Returns the metadata for the file that this entry points at, without
    /// following symbolic links.
    ///
    /// Raises [`events::fs::METADATA`] with `(path, fd = None, follow_symlinks
    /// = false)` before the call.
    ///
    /// Wrapper for [`std::fs::DirEntry::metadata`].
    #[track_caller]
    pub fn metadata(&self) -> io::Result<Metadata> {
        audit!(
            events::fs::METADATA,
            path = Some(self.inner.path()),
            fd = None::<i64>,
            follow_symlinks = false
        )?;
        self.inner.metadata()
    }

    /// Returns the file type for the file that this entry points at.
    ///
    /// No event: the type comes with the listing on most filesystems (on the
    /// few that do not report it, `std` falls back to an `lstat` that is not
    /// audited).
    ///
    /// Wrapper for [`std::fs::DirEntry::file_type`].
    pub fn file_type(&self) -> io::Result<FileType> {
        self.inner.file_type()
    }

    /// Returns the file name of this entry, without any leading path component.
    ///
    /// Wrapper for [`std::fs::DirEntry::file_name`].
    #[must_use]
    pub fn file_name(&self) -> OsString {
        self.inner.file_name()
    }
}

/// # Not in `std`: conversions from and to [`std::fs::DirEntry`]
impl DirEntry {
    /// Wraps a `std` entry, so that its `metadata()` is audited. Raises
    /// nothing.
    #[must_use]
    pub fn from_std(inner: std::fs::DirEntry) -> DirEntry {
        DirEntry { inner }
    }

    /// Borrows the `std` entry; its `metadata()` is not audited.
    #[must_use]
    pub fn as_std(&self) -> &std::fs::DirEntry {
        &self.inner
    }

    /// Unwraps the `std` entry. **Its `metadata()` is not audited.**
    #[must_use]
    pub fn into_std(self) -> std::fs::DirEntry {
        self.inner
    }
}

impl From<std::fs::DirEntry> for DirEntry {
    /// Same as [`DirEntry::from_std`].
    fn from(inner: std::fs::DirEntry) -> DirEntry {
        DirEntry::from_std(inner)
    }
}

impl From<DirEntry> for std::fs::DirEntry {
    /// Same as [`DirEntry::into_std`].
    fn from(entry: DirEntry) -> std::fs::DirEntry {
        entry.into_std()
    }
}

impl fmt::Debug for DirEntry {
    /// Shows what the `std` entry would show (`DirEntry("/the/path")`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.inner, f)
    }
}

/// A builder used to create directories in various manners.
///
/// Creating raises [`events::fs::CREATE_DIR`] with `(path, recursive, mode)`.
///
/// Wrapper for [`std::fs::DirBuilder`]. It keeps a copy of its settings, so
/// the event can report them.
pub struct DirBuilder {
    inner: std::fs::DirBuilder,
    recursive: bool,
    mode: u32,
}

/// The permission bits `std` gives new directories (before the umask).
pub(crate) const DEFAULT_DIR_MODE: u32 = 0o777;

/// Raises `fs.create_dir`: the single audit point for every directory creation.
#[inline]
#[track_caller]
pub(crate) fn audit_create_dir(path: &Path, recursive: bool, mode: u32) -> io::Result<()> {
    audit!(events::fs::CREATE_DIR, path, recursive, mode)?;
    Ok(())
}

impl DirBuilder {
    /// Creates a new set of options with default mode/security settings for
    /// all platforms and also non-recursive.
    ///
    /// Wrapper for [`std::fs::DirBuilder::new`].
    #[allow(clippy::new_without_default)] // std has no `Default` either
    #[must_use]
    pub fn new() -> DirBuilder {
        DirBuilder {
            inner: std::fs::DirBuilder::new(),
            recursive: false,
            mode: DEFAULT_DIR_MODE,
        }
    }

    /// Indicates that directories should be created recursively, creating all
    /// parent directories.
    ///
    /// Wrapper for [`std::fs::DirBuilder::recursive`].
    pub fn recursive(&mut self, recursive: bool) -> &mut Self {
        self.inner.recursive(recursive);
        self.recursive = recursive;
        self
    }

    /// Creates the specified directory with the options configured in this builder.
    ///
    /// Raises [`events::fs::CREATE_DIR`] with `(path, recursive, mode)` before
    /// the call.
    ///
    /// Wrapper for [`std::fs::DirBuilder::create`].
    #[track_caller]
    pub fn create<P: AsRef<Path>>(&self, path: P) -> io::Result<()> {
        let path = path.as_ref();
        audit_create_dir(path, self.recursive, self.mode)?;
        self.inner.create(path)
    }
}

impl fmt::Debug for DirBuilder {
    /// Shows what the `std` builder would show.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.inner, f)
    }
}

#[cfg(unix)]
mod unix {
    use std::os::unix::fs::{DirBuilderExt, DirEntryExt};

    use super::{DirBuilder, DirEntry};

    /// `std`'s own extension trait; the mode is reported by `fs.create_dir`.
    impl DirBuilderExt for DirBuilder {
        fn mode(&mut self, mode: u32) -> &mut Self {
            self.inner.mode(mode);
            self.mode = mode;
            self
        }
    }

    /// `std`'s own extension trait; the inode number comes with the listing.
    impl DirEntryExt for DirEntry {
        fn ino(&self) -> u64 {
            self.inner.ino()
        }
    }
}

/// # Not in `std`: conversions to [`std::fs::DirBuilder`]
///
/// There is no conversion **from** `std`'s builder: it does not say whether
/// it is recursive or which mode it gives, so `fs.create_dir` could not
/// report them. Build with this type and convert at the end.
impl DirBuilder {
    /// Borrows the `std` builder, for an API that takes one. Creating a
    /// directory through it is not audited.
    #[must_use]
    pub fn as_std(&self) -> &std::fs::DirBuilder {
        &self.inner
    }

    /// Unwraps the `std` builder, with the same settings. **Creating
    /// directories with it is not audited.**
    #[must_use]
    pub fn into_std(self) -> std::fs::DirBuilder {
        self.inner
    }
}

impl From<DirBuilder> for std::fs::DirBuilder {
    /// Same as [`DirBuilder::into_std`].
    fn from(builder: DirBuilder) -> std::fs::DirBuilder {
        builder.into_std()
    }
}
