//! [`File`]: an open file whose opening, and every later change to its
//! metadata, is audited.

use std::fmt;
use std::io;
use std::path::Path;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::SystemTime;

use audit_core::__private::already;
use audit_core::audit;
use audit_std::events;
use tokio::io::{AsyncRead, AsyncSeek, AsyncWrite, ReadBuf};

use super::open_options::{audit_open, OpenFlags};
use super::{
    audit_set_permissions, blocking, file_path, permissions_mode, raw_handle, OpenOptions,
};
use super::{FileTimes, Metadata, Permissions};

/// `fs.set_permissions` as [`File::set_permissions`] raises it, for the
/// record its blocking job carries (the descriptor being the job's
/// duplicate). Never raised through.
#[cfg(unix)]
static SET_PERMISSIONS_ON_DUP: audit_core::Callsite = audit_core::Callsite::new(
    events::fs::SET_PERMISSIONS,
    &["path", "fd", "mode", "readonly"],
    module_path!(),
    file!(),
    line!(),
);

/// A reference to an open file on the filesystem.
///
/// Opening raises [`events::fs::OPEN`]; changing the file's length,
/// permissions or times raises the matching `fs.*` event. Reading, writing,
/// seeking and syncing raise nothing (as in `audit_std` and CPython): they
/// are delegated to tokio's [`AsyncRead`], [`AsyncWrite`] and [`AsyncSeek`].
///
/// ```
/// use audit_tokio::fs::File;
/// use tokio::io::{AsyncReadExt, AsyncWriteExt};
/// # tokio::runtime::Builder::new_current_thread().enable_all().build()?.block_on(async {
/// # let dir = tempfile::tempdir()?;
/// let path = dir.path().join("foo.txt");
/// let mut file = File::create(&path).await?;
/// file.write_all(b"hello, world!").await?;
/// file.flush().await?;
/// let mut contents = String::new();
/// File::open(&path).await?.read_to_string(&mut contents).await?;
/// assert_eq!(contents, "hello, world!");
/// # Ok::<(), std::io::Error>(())
/// # })?;
/// # Ok::<(), std::io::Error>(())
/// ```
///
/// Wrapper for [`tokio::fs::File`].
pub struct File {
    inner: tokio::fs::File,
}

impl File {
    /// Attempts to open a file in read-only mode.
    ///
    /// Raises [`events::fs::OPEN`] with `read` alone true first.
    ///
    /// Wrapper for [`tokio::fs::File::open`].
    #[track_caller]
    pub fn open(path: impl AsRef<Path>) -> impl std::future::Future<Output = io::Result<File>> {
        let caller = std::panic::Location::caller();
        async move {
            let path = path.as_ref();
            let carried = already::carry(|| audit_open(caller, path, &OpenFlags::READ))?;
            let path = path.to_owned();
            blocking(carried, move || std::fs::File::open(path))
                .await
                .map(File::from_std)
        }
    }

    /// Opens a file in write-only mode, creating it or truncating it.
    ///
    /// Raises [`events::fs::OPEN`] with `write`, `create` and `truncate` true
    /// first.
    ///
    /// Wrapper for [`tokio::fs::File::create`].
    #[track_caller]
    pub fn create(path: impl AsRef<Path>) -> impl std::future::Future<Output = io::Result<File>> {
        let caller = std::panic::Location::caller();
        async move {
            let path = path.as_ref();
            let carried = already::carry(|| audit_open(caller, path, &OpenFlags::CREATE))?;
            let path = path.to_owned();
            blocking(carried, move || std::fs::File::create(path))
                .await
                .map(File::from_std)
        }
    }

    /// Opens a file in read-write mode, failing if it already exists.
    ///
    /// Raises [`events::fs::OPEN`] with `read`, `write`, `create` and
    /// `create_new` true first.
    ///
    /// Wrapper for [`tokio::fs::File::create_new`].
    #[track_caller]
    pub fn create_new<P: AsRef<Path>>(
        path: P,
    ) -> impl std::future::Future<Output = io::Result<File>> {
        let caller = std::panic::Location::caller();
        async move {
            let path = path.as_ref();
            let carried = already::carry(|| audit_open(caller, path, &OpenFlags::CREATE_NEW))?;
            let path = path.to_owned();
            blocking(carried, move || std::fs::File::create_new(path))
                .await
                .map(File::from_std)
        }
    }

    /// Returns a new [`OpenOptions`] object.
    ///
    /// Wrapper for [`tokio::fs::File::options`].
    #[must_use]
    pub fn options() -> OpenOptions {
        OpenOptions::new()
    }

    /// Attempts to sync all OS-internal metadata to disk. No event.
    ///
    /// Wrapper for [`tokio::fs::File::sync_all`].
    pub async fn sync_all(&self) -> io::Result<()> {
        self.inner.sync_all().await
    }

    /// Syncs the file's content, without necessarily its metadata. No event.
    ///
    /// Wrapper for [`tokio::fs::File::sync_data`].
    pub async fn sync_data(&self) -> io::Result<()> {
        self.inner.sync_data().await
    }

    /// Truncates or extends the underlying file.
    ///
    /// Raises [`events::fs::SET_LEN`] with `(path, fd, len)` first, `path`
    /// being the file's (see [`audit_std::events::open_file_path`]).
    ///
    /// Wrapper for [`tokio::fs::File::set_len`].
    #[track_caller]
    pub fn set_len<'__a0>(
        &'__a0 self,
        size: u64,
    ) -> impl std::future::Future<Output = io::Result<()>> + crate::Captures<'__a0> {
        let caller = std::panic::Location::caller();
        async move {
            audit!(@caller caller,
                events::fs::SET_LEN,
                path = file_path(&self.inner),
                fd = raw_handle(&self.inner),
                len = size
            )?;
            self.inner.set_len(size).await
        }
    }

    /// Queries metadata about the underlying file.
    ///
    /// Raises [`events::fs::METADATA`] with `(path, fd, follow_symlinks =
    /// true)` first, `path` being the file's.
    ///
    /// Wrapper for [`tokio::fs::File::metadata`].
    #[track_caller]
    pub fn metadata<'__a0>(
        &'__a0 self,
    ) -> impl std::future::Future<Output = io::Result<Metadata>> + crate::Captures<'__a0> {
        let caller = std::panic::Location::caller();
        async move {
            audit!(@caller caller,
                events::fs::METADATA,
                path = file_path(&self.inner),
                fd = Some(raw_handle(&self.inner)),
                follow_symlinks = true
            )?;
            self.inner.metadata().await
        }
    }

    /// Creates a new `File` instance that shares the same underlying file
    /// handle. No event: duplicating a descriptor reaches no new file.
    ///
    /// Wrapper for [`tokio::fs::File::try_clone`].
    pub async fn try_clone(&self) -> io::Result<File> {
        self.inner.try_clone().await.map(File::from_tokio)
    }

    /// Changes the permissions on the underlying file.
    ///
    /// Raises [`events::fs::SET_PERMISSIONS`] with `(path, fd, mode,
    /// readonly)` first, `path` being the file's.
    ///
    /// When the event's record is to be carried (`audit-interpose` is on
    /// and a hook allowed it), the change is made on a duplicate of the
    /// descriptor in a blocking job of this crate's (the same open file:
    /// the same effect as tokio's), so that it is not raised again below.
    ///
    /// Wrapper for [`tokio::fs::File::set_permissions`].
    #[track_caller]
    pub fn set_permissions<'__a0>(
        &'__a0 self,
        perm: Permissions,
    ) -> impl std::future::Future<Output = io::Result<()>> + crate::Captures<'__a0> {
        let caller = std::panic::Location::caller();
        async move {
            let path = file_path(&self.inner);
            let carried = already::carry(|| {
                audit_set_permissions(
                    caller,
                    path.as_deref(),
                    Some(raw_handle(&self.inner)),
                    &perm,
                )
            })?;
            #[cfg(unix)]
            if carried.carries() {
                // tokio's `File` would change them in a blocking job of its
                // own, which no record reaches (and `audit-interpose` would
                // raise the event again): this crate's job does it, through
                // a duplicate of the descriptor (the same open file, kept
                // open by the job even if this future is dropped), and
                // carries the event as the C library will see it there.
                if let Ok(dup) = std::os::fd::AsFd::as_fd(&self.inner).try_clone_to_owned() {
                    use audit_core::Recordable;
                    let dup_fd = i64::from(std::os::fd::AsRawFd::as_raw_fd(&dup));
                    let carried = carried.instead(
                        &SET_PERMISSIONS_ON_DUP,
                        &[
                            path.as_deref().record(),
                            Some(dup_fd).record(),
                            permissions_mode(&perm).record(),
                            perm.readonly().record(),
                        ],
                    );
                    let file = std::fs::File::from(dup);
                    return blocking(carried, move || file.set_permissions(perm)).await;
                }
                // No descriptor left to duplicate: tokio's way (counted
                // twice, never missed).
            }
            drop(carried);
            self.inner.set_permissions(perm).await
        }
    }

    /// Changes the timestamps of the underlying file.
    ///
    /// Raises [`events::fs::SET_TIMES`] with `(path, fd, times)` first. `times` is
    /// tokio's [`FileTimes`] shown through `Debug` (tokio gives no accessor
    /// for its fields), so its text differs from `audit_std`'s, which shows
    /// `std`'s.
    ///
    /// Wrapper for [`tokio::fs::File::set_times`].
    #[track_caller]
    pub fn set_times<'__a0>(
        &'__a0 self,
        times: FileTimes,
    ) -> impl std::future::Future<Output = io::Result<()>> + crate::Captures<'__a0> {
        let caller = std::panic::Location::caller();
        async move {
            audit!(@caller caller,
                events::fs::SET_TIMES,
                path = file_path(&self.inner),
                fd = raw_handle(&self.inner),
                times = audit_core::debug(&times)
            )?;
            self.inner.set_times(times).await
        }
    }

    /// Changes the modification time of the underlying file.
    ///
    /// Raises [`events::fs::SET_TIMES`] with `(path, fd, times)` first, `times`
    /// being `std`'s `FileTimes` with only the modification time set, exactly
    /// as `audit_std::fs::File::set_modified` reports it.
    ///
    /// Wrapper for [`tokio::fs::File::set_modified`].
    #[track_caller]
    pub fn set_modified<'__a0>(
        &'__a0 self,
        time: SystemTime,
    ) -> impl std::future::Future<Output = io::Result<()>> + crate::Captures<'__a0> {
        let caller = std::panic::Location::caller();
        async move {
            audit!(@caller caller,
                events::fs::SET_TIMES,
                path = file_path(&self.inner),
                fd = raw_handle(&self.inner),
                times = audit_core::debug(&std::fs::FileTimes::new().set_modified(time))
            )?;
            self.inner.set_modified(time).await
        }
    }

    /// Sets the buffer size used by reads and writes. No event.
    ///
    /// Wrapper for [`tokio::fs::File::set_max_buf_size`].
    pub fn set_max_buf_size(&mut self, max_buf_size: usize) {
        self.inner.set_max_buf_size(max_buf_size);
    }

    /// Gets the buffer size used by reads and writes.
    ///
    /// Wrapper for [`tokio::fs::File::max_buf_size`].
    pub fn max_buf_size(&self) -> usize {
        self.inner.max_buf_size()
    }
}

/// Conversions: escape hatches, **not audited**.
///
/// A file adopted with [`from_std`](File::from_std) or
/// [`from_tokio`](File::from_tokio) was opened without an event; a file
/// handed out as `std`'s or tokio's has unaudited methods (`set_len`,
/// `set_permissions`, ...). Use them knowingly.
impl File {
    /// Converts a [`std::fs::File`] to an audited [`File`]. No event.
    ///
    /// Wrapper for [`tokio::fs::File::from_std`].
    pub fn from_std(std: std::fs::File) -> File {
        File::from_tokio(tokio::fs::File::from_std(std))
    }

    /// Destructures into a [`std::fs::File`], waiting for in-flight
    /// operations. Operations on the result are **not audited**.
    ///
    /// Wrapper for [`tokio::fs::File::into_std`].
    pub async fn into_std(self) -> std::fs::File {
        self.inner.into_std().await
    }

    /// Tries to destructure into a [`std::fs::File`] immediately, giving the
    /// file back when an operation is in flight. Operations on the result are
    /// **not audited**.
    ///
    /// Wrapper for [`tokio::fs::File::try_into_std`].
    #[allow(clippy::result_large_err)] // tokio's signature
    pub fn try_into_std(self) -> Result<std::fs::File, Self> {
        self.inner.try_into_std().map_err(File::from_tokio)
    }

    /// Wraps a tokio file. No event.
    pub fn from_tokio(inner: tokio::fs::File) -> File {
        File { inner }
    }

    /// Unwraps into tokio's file, whose methods are **not audited**.
    pub fn into_tokio(self) -> tokio::fs::File {
        self.inner
    }

    /// Borrows tokio's file, whose methods are **not audited**.
    pub fn as_tokio(&self) -> &tokio::fs::File {
        &self.inner
    }
}

impl From<std::fs::File> for File {
    /// Same as [`File::from_std`]: not audited.
    fn from(std: std::fs::File) -> File {
        File::from_std(std)
    }
}

impl From<tokio::fs::File> for File {
    /// Same as [`File::from_tokio`]: not audited.
    fn from(inner: tokio::fs::File) -> File {
        File::from_tokio(inner)
    }
}

impl From<File> for tokio::fs::File {
    /// Same as [`File::into_tokio`]: the result is **not audited**.
    fn from(file: File) -> tokio::fs::File {
        file.inner
    }
}

impl fmt::Debug for File {
    /// Shows what tokio's `File` would show.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.inner, f)
    }
}

impl AsyncRead for File {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl AsyncSeek for File {
    fn start_seek(mut self: Pin<&mut Self>, position: io::SeekFrom) -> io::Result<()> {
        Pin::new(&mut self.inner).start_seek(position)
    }

    fn poll_complete(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<u64>> {
        Pin::new(&mut self.inner).poll_complete(cx)
    }
}

impl AsyncWrite for File {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(unix)]
mod unix {
    use std::os::fd::{AsFd, AsRawFd, BorrowedFd, FromRawFd, OwnedFd, RawFd};

    use super::File;

    impl AsRawFd for File {
        fn as_raw_fd(&self) -> RawFd {
            self.inner.as_raw_fd()
        }
    }

    impl AsFd for File {
        fn as_fd(&self) -> BorrowedFd<'_> {
            self.inner.as_fd()
        }
    }

    impl FromRawFd for File {
        /// Adopts a descriptor: not audited (nothing is opened).
        unsafe fn from_raw_fd(fd: RawFd) -> Self {
            // SAFETY: the caller upholds `FromRawFd`'s contract (an open,
            // owned file descriptor), which is exactly what tokio's impl
            // requires.
            File::from_tokio(unsafe { tokio::fs::File::from_raw_fd(fd) })
        }
    }

    impl From<OwnedFd> for File {
        /// Adopts a descriptor: not audited (nothing is opened).
        fn from(fd: OwnedFd) -> Self {
            File::from_tokio(tokio::fs::File::from(fd))
        }
    }
}
