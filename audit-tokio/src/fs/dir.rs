//! Directories: [`DirBuilder`], and [`ReadDir`] with its [`DirEntry`]s.

use std::collections::VecDeque;
use std::ffi::OsString;
use std::fmt;
use std::future::Future;
use std::io;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;
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
/// Wrapper for [`tokio::fs::ReadDir`], and made the way tokio makes it:
/// `std`'s listing, read in chunks of 32 entries on tokio's blocking pool.
/// It is this crate's own so that the blocking job that opens the listing
/// is this crate's too, and carries the record of the audited event (see
/// [`read_dir`](super::read_dir)).
pub struct ReadDir {
    state: ReadState,
}

/// An entry, or the error that ended the listing.
type Chunk = VecDeque<io::Result<DirEntry>>;

enum ReadState {
    /// Entries read and not yet taken, the listing, and whether it may
    /// have more. `None` once a blocking job failed (the runtime shut down
    /// or the job panicked): the listing is lost, every call fails.
    Idle(Option<(Chunk, std::fs::ReadDir, bool)>),
    /// A chunk is being read on the blocking pool.
    Pending(tokio::task::JoinHandle<(Chunk, std::fs::ReadDir, bool)>),
}

/// Entries read per blocking job, as tokio reads them.
const CHUNK: usize = 32;

/// Reads up to [`CHUNK`] entries into `chunk`; whether the listing may have
/// more (not at its end, and no error read).
fn next_chunk(chunk: &mut Chunk, listing: &mut std::fs::ReadDir) -> bool {
    for _ in 0..CHUNK {
        let Some(entry) = listing.next() else {
            return false;
        };
        let ok = entry.is_ok();
        chunk.push_back(entry.map(DirEntry::from_std));
        if !ok {
            // As tokio does: an error is returned, and reading goes on
            // after it only if asked again.
            break;
        }
    }
    true
}

impl ReadDir {
    pub(crate) fn from_std(listing: std::fs::ReadDir) -> ReadDir {
        ReadDir {
            state: ReadState::Idle(Some((VecDeque::new(), listing, true))),
        }
    }

    /// Returns the next entry in the directory stream. No event.
    ///
    /// Wrapper for [`tokio::fs::ReadDir::next_entry`].
    pub async fn next_entry(&mut self) -> io::Result<Option<DirEntry>> {
        std::future::poll_fn(|cx| self.poll_next_entry(cx)).await
    }

    /// Polls for the next directory entry in the stream. No event.
    ///
    /// Wrapper for [`tokio::fs::ReadDir::poll_next_entry`].
    pub fn poll_next_entry(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<Option<DirEntry>>> {
        loop {
            match &mut self.state {
                ReadState::Idle(data) => {
                    let Some((chunk, _, more)) = data.as_mut() else {
                        // A job failed: the listing is lost.
                        return Poll::Ready(Err(crate::blocking::background_failed()));
                    };
                    if let Some(entry) = chunk.pop_front() {
                        return Poll::Ready(entry.map(Some));
                    }
                    if !*more {
                        return Poll::Ready(Ok(None));
                    }
                    let Some((mut chunk, mut listing, _)) = data.take() else {
                        return Poll::Ready(Err(crate::blocking::background_failed()));
                    };
                    self.state = ReadState::Pending(tokio::task::spawn_blocking(move || {
                        let more = next_chunk(&mut chunk, &mut listing);
                        (chunk, listing, more)
                    }));
                }
                ReadState::Pending(job) => match Pin::new(job).poll(cx) {
                    Poll::Pending => return Poll::Pending,
                    Poll::Ready(Ok(data)) => self.state = ReadState::Idle(Some(data)),
                    Poll::Ready(Err(_)) => {
                        // The listing went with the failed job: this and
                        // every later call fail.
                        self.state = ReadState::Idle(None);
                    }
                },
            }
        }
    }
}

impl fmt::Debug for ReadDir {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReadDir").finish_non_exhaustive()
    }
}

/// An entry of a directory listing.
///
/// Wrapper for [`tokio::fs::DirEntry`], made from `std`'s as tokio makes
/// it: the file type is read with the entry, on the blocking pool.
pub struct DirEntry {
    inner: Arc<std::fs::DirEntry>,
    /// The type, when the listing gave it (`None`: ask on the pool).
    file_type: Option<FileType>,
}

impl DirEntry {
    fn from_std(inner: std::fs::DirEntry) -> DirEntry {
        // Cheap from the listing on most filesystems (`d_type`); `std`
        // falls back to an `lstat`, which is why this runs on the pool.
        let file_type = inner.file_type().ok();
        DirEntry {
            inner: Arc::new(inner),
            file_type,
        }
    }

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
            let carried = already::carry(|| {
                audit!(@caller caller,
                    events::fs::METADATA,
                    path = Some(self.inner.path()),
                    fd = None::<i64>,
                    follow_symlinks = false
                )
            })?;
            let inner = Arc::clone(&self.inner);
            super::blocking(carried, move || inner.metadata()).await
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
        if let Some(file_type) = self.file_type {
            return Ok(file_type);
        }
        let inner = Arc::clone(&self.inner);
        tokio::task::spawn_blocking(move || inner.file_type())
            .await
            .unwrap_or_else(|_| Err(crate::blocking::background_failed()))
    }

    /// Returns the underlying `d_ino` field in the contained `dirent`
    /// structure. No event.
    ///
    /// Wrapper for [`tokio::fs::DirEntry::ino`].
    #[cfg(unix)]
    pub fn ino(&self) -> u64 {
        std::os::unix::fs::DirEntryExt::ino(&*self.inner)
    }

    /// Borrows `std`'s entry, whose `metadata` is **not audited**.
    pub fn as_std(&self) -> &std::fs::DirEntry {
        &self.inner
    }
}

impl fmt::Debug for DirEntry {
    /// Shows what `std`'s `DirEntry` shows.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.inner, f)
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
