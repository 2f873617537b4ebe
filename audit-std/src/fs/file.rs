//! [`File`]: an open file whose constructors and metadata operations are audited.

use std::fmt;
use std::fs::{FileTimes, Metadata, Permissions, TryLockError};
use std::io::{self, IoSlice, IoSliceMut, Read, Seek, SeekFrom, Write};
use std::path::Path;
use std::time::SystemTime;

use audit_core::audit;

use super::{OpenOptions, Target};
use crate::events;

/// An object providing access to an open file on the filesystem.
///
/// Opening one raises [`events::fs::OPEN`]; so do the operations that change
/// or query the file's metadata (see the table in [`crate::fs`]). Reading,
/// writing, seeking, syncing and cloning the handle raise nothing: they act on
/// a file that was already approved when it was opened (as in CPython).
///
/// Wrapper for [`std::fs::File`]. It converts to and from the `std` type for
/// free (`From` both ways), so it can cross into crates that take a
/// `std::fs::File`.
///
/// ```
/// use audit_std::fs::File;
/// use std::io::{Read, Write};
/// # let dir = tempfile::tempdir()?;
/// # let path = dir.path().join("hello.txt");
///
/// let mut file = File::create(&path)?;
/// file.write_all(b"hello")?;
/// let mut text = String::new();
/// File::open(&path)?.read_to_string(&mut text)?;
/// assert_eq!(text, "hello");
/// # Ok::<(), std::io::Error>(())
/// ```
pub struct File {
    inner: std::fs::File,
}

impl File {
    /// Attempts to open a file in read-only mode.
    ///
    /// Raises [`events::fs::OPEN`] with `(path, read, write, append, truncate,
    /// create, create_new, mode, custom_flags)` before the call, `read` alone
    /// being true.
    ///
    /// Wrapper for [`std::fs::File::open`].
    #[track_caller]
    pub fn open<P: AsRef<Path>>(path: P) -> io::Result<File> {
        OpenOptions::new().read(true).open(path)
    }

    /// Opens a file in write-only mode, creating it if it does not exist and
    /// truncating it if it does.
    ///
    /// Raises [`events::fs::OPEN`] with `write`, `create` and `truncate` true
    /// before the call.
    ///
    /// Wrapper for [`std::fs::File::create`].
    #[track_caller]
    pub fn create<P: AsRef<Path>>(path: P) -> io::Result<File> {
        OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .open(path)
    }

    /// Creates a new file in read-write mode; errors if the file exists.
    ///
    /// Raises [`events::fs::OPEN`] with `read`, `write`, `create` and
    /// `create_new` true before the call.
    ///
    /// Wrapper for [`std::fs::File::create_new`].
    #[track_caller]
    pub fn create_new<P: AsRef<Path>>(path: P) -> io::Result<File> {
        OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .open(path)
    }

    /// Returns a new [`OpenOptions`] object.
    ///
    /// Wrapper for [`std::fs::File::options`].
    #[must_use]
    pub fn options() -> OpenOptions {
        OpenOptions::new()
    }

    /// Attempts to sync all OS-internal file content and metadata to disk.
    ///
    /// No event: syncing makes earlier writes durable, and writes through an
    /// open file are not audited.
    ///
    /// Wrapper for [`std::fs::File::sync_all`].
    pub fn sync_all(&self) -> io::Result<()> {
        self.inner.sync_all()
    }

    /// Like [`sync_all`](Self::sync_all), except that it might not synchronize
    /// file metadata to the filesystem.
    ///
    /// No event (see [`sync_all`](Self::sync_all)).
    ///
    /// Wrapper for [`std::fs::File::sync_data`].
    pub fn sync_data(&self) -> io::Result<()> {
        self.inner.sync_data()
    }

    /// Acquires an exclusive lock on the file, blocking until it can.
    ///
    /// Raises [`events::fs::LOCK`] with `(path, fd, shared = false, blocking = true)`
    /// before the call.
    ///
    /// Wrapper for [`std::fs::File::lock`].
    #[track_caller]
    pub fn lock(&self) -> io::Result<()> {
        audit!(
            events::fs::LOCK,
            path = self.target().path(),
            fd = self.target().fd(),
            shared = false,
            blocking = true
        )?;
        self.inner.lock()
    }

    /// Acquires a shared (non-exclusive) lock on the file, blocking until it can.
    ///
    /// Raises [`events::fs::LOCK`] with `(path, fd, shared = true, blocking = true)`
    /// before the call.
    ///
    /// Wrapper for [`std::fs::File::lock_shared`].
    #[track_caller]
    pub fn lock_shared(&self) -> io::Result<()> {
        audit!(
            events::fs::LOCK,
            path = self.target().path(),
            fd = self.target().fd(),
            shared = true,
            blocking = true
        )?;
        self.inner.lock_shared()
    }

    /// Tries to acquire an exclusive lock on the file, without blocking.
    ///
    /// Raises [`events::fs::LOCK`] with `(path, fd, shared = false,
    /// blocking = false)` before the call; a veto is `TryLockError::Error` holding a
    /// `PermissionDenied` error.
    ///
    /// Wrapper for [`std::fs::File::try_lock`].
    #[track_caller]
    pub fn try_lock(&self) -> Result<(), TryLockError> {
        audit!(
            events::fs::LOCK,
            path = self.target().path(),
            fd = self.target().fd(),
            shared = false,
            blocking = false
        )
        .map_err(|e| TryLockError::Error(e.into()))?;
        self.inner.try_lock()
    }

    /// Tries to acquire a shared lock on the file, without blocking.
    ///
    /// Raises [`events::fs::LOCK`] with `(path, fd, shared = true,
    /// blocking = false)` before the call; a veto is `TryLockError::Error` holding a
    /// `PermissionDenied` error.
    ///
    /// Wrapper for [`std::fs::File::try_lock_shared`].
    #[track_caller]
    pub fn try_lock_shared(&self) -> Result<(), TryLockError> {
        audit!(
            events::fs::LOCK,
            path = self.target().path(),
            fd = self.target().fd(),
            shared = true,
            blocking = false
        )
        .map_err(|e| TryLockError::Error(e.into()))?;
        self.inner.try_lock_shared()
    }

    /// Releases all locks on the file.
    ///
    /// Raises [`events::fs::UNLOCK`] with `(path, fd)` before the call.
    ///
    /// Wrapper for [`std::fs::File::unlock`].
    #[track_caller]
    pub fn unlock(&self) -> io::Result<()> {
        audit!(
            events::fs::UNLOCK,
            path = self.target().path(),
            fd = self.target().fd()
        )?;
        self.inner.unlock()
    }

    /// Truncates or extends the underlying file to `size` bytes.
    ///
    /// Raises [`events::fs::SET_LEN`] with `(path, fd, len)` before the call.
    ///
    /// Wrapper for [`std::fs::File::set_len`].
    #[track_caller]
    pub fn set_len(&self, size: u64) -> io::Result<()> {
        audit!(
            events::fs::SET_LEN,
            path = self.target().path(),
            fd = self.target().fd(),
            len = size
        )?;
        self.inner.set_len(size)
    }

    /// Queries metadata about the underlying file.
    ///
    /// Raises [`events::fs::METADATA`] with `(path, fd, follow_symlinks =
    /// true)` before the call.
    ///
    /// Wrapper for [`std::fs::File::metadata`].
    #[track_caller]
    pub fn metadata(&self) -> io::Result<Metadata> {
        super::audit_metadata(self.target(), true)?;
        self.inner.metadata()
    }

    /// Creates a new `File` instance that shares the same underlying file handle.
    ///
    /// No event: duplicating a descriptor reaches no new file (CPython's
    /// `os.dup` raises nothing either).
    ///
    /// Wrapper for [`std::fs::File::try_clone`].
    pub fn try_clone(&self) -> io::Result<File> {
        self.inner.try_clone().map(File::from_std)
    }

    /// Changes the permissions on the underlying file.
    ///
    /// Raises [`events::fs::SET_PERMISSIONS`] with `(path, fd, mode,
    /// readonly)` before the call.
    ///
    /// Wrapper for [`std::fs::File::set_permissions`].
    #[track_caller]
    pub fn set_permissions(&self, perm: Permissions) -> io::Result<()> {
        super::audit_set_permissions(self.target(), &perm)?;
        self.inner.set_permissions(perm)
    }

    /// Changes the timestamps of the underlying file.
    ///
    /// Raises [`events::fs::SET_TIMES`] with `(path, fd, times)` before the call.
    ///
    /// Wrapper for [`std::fs::File::set_times`].
    #[track_caller]
    pub fn set_times(&self, times: FileTimes) -> io::Result<()> {
        audit!(
            events::fs::SET_TIMES,
            path = self.target().path(),
            fd = self.target().fd(),
            times = audit_core::debug(&times)
        )?;
        self.inner.set_times(times)
    }

    /// Changes the modification time of the underlying file.
    ///
    /// Raises [`events::fs::SET_TIMES`] with `(path, fd, times)` before the call,
    /// as `std` implements it with [`set_times`](Self::set_times).
    ///
    /// Wrapper for [`std::fs::File::set_modified`].
    #[track_caller]
    pub fn set_modified(&self, time: SystemTime) -> io::Result<()> {
        self.set_times(FileTimes::new().set_modified(time))
    }
}

impl File {
    /// This file, as the `path` and `fd` of the events raised on it.
    #[inline]
    fn target(&self) -> Target<'_> {
        Target::File(&self.inner)
    }
}

/// Stands in for [`std::io::IsTerminal`], which is sealed and cannot be
/// implemented outside `std`.
impl File {
    /// Returns `true` if the file refers to a terminal.
    ///
    /// An inherent method, so `file.is_terminal()` compiles after the swap
    /// (a leftover `use std::io::IsTerminal;` then becomes an unused import).
    /// No event: it asks about an open handle.
    ///
    /// Wrapper for [`std::io::IsTerminal::is_terminal`].
    pub fn is_terminal(&self) -> bool {
        std::io::IsTerminal::is_terminal(&self.inner)
    }
}

/// # Not in `std`: escape hatches
///
/// These give access to the `std` file inside. **Calls made through the
/// `std` value are not audited**: `as_std().set_len(0)` truncates without an
/// event. Use them to hand the file to code that needs a `std::fs::File`, or
/// for the `io::copy` fast path (see the [module docs](crate::fs#performance)).
impl File {
    /// Wraps an already open `std` file. Opening it was not audited.
    #[must_use]
    pub fn from_std(file: std::fs::File) -> File {
        File { inner: file }
    }

    /// Unwraps the `std` file; later operations on it are not audited.
    #[must_use]
    pub fn into_std(self) -> std::fs::File {
        self.inner
    }

    /// Borrows the `std` file; operations through it are not audited.
    #[must_use]
    pub fn as_std(&self) -> &std::fs::File {
        &self.inner
    }
}

impl From<std::fs::File> for File {
    /// Wraps an already open `std` file (see [`File::from_std`]).
    fn from(file: std::fs::File) -> File {
        File::from_std(file)
    }
}

impl From<File> for std::fs::File {
    /// Unwraps the `std` file (see [`File::into_std`]).
    fn from(file: File) -> std::fs::File {
        file.inner
    }
}

impl fmt::Debug for File {
    /// Shows what the `std` file would show (on Linux: descriptor, path, access).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.inner, f)
    }
}

/// Forwards every method that `std`'s `File` specialises (`read_to_end` sizes
/// its buffer from the file length, for instance).
macro_rules! forward_read {
    ($($ty:ty => |$s:ident| $inner:expr;)*) => {$(
        impl Read for $ty {
            #[inline]
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                let $s = self;
                $inner.read(buf)
            }
            #[inline]
            fn read_vectored(&mut self, bufs: &mut [IoSliceMut<'_>]) -> io::Result<usize> {
                let $s = self;
                $inner.read_vectored(bufs)
            }
            #[inline]
            fn read_to_end(&mut self, buf: &mut Vec<u8>) -> io::Result<usize> {
                let $s = self;
                $inner.read_to_end(buf)
            }
            #[inline]
            fn read_to_string(&mut self, buf: &mut String) -> io::Result<usize> {
                let $s = self;
                $inner.read_to_string(buf)
            }
            #[inline]
            fn read_exact(&mut self, buf: &mut [u8]) -> io::Result<()> {
                let $s = self;
                $inner.read_exact(buf)
            }
        }

        impl Write for $ty {
            #[inline]
            fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
                let $s = self;
                $inner.write(buf)
            }
            #[inline]
            fn write_vectored(&mut self, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
                let $s = self;
                $inner.write_vectored(bufs)
            }
            #[inline]
            fn flush(&mut self) -> io::Result<()> {
                let $s = self;
                $inner.flush()
            }
            #[inline]
            fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
                let $s = self;
                $inner.write_all(buf)
            }
            #[inline]
            fn write_fmt(&mut self, args: fmt::Arguments<'_>) -> io::Result<()> {
                let $s = self;
                $inner.write_fmt(args)
            }
        }

        impl Seek for $ty {
            #[inline]
            fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
                let $s = self;
                $inner.seek(pos)
            }
            #[inline]
            fn rewind(&mut self) -> io::Result<()> {
                let $s = self;
                $inner.rewind()
            }
            #[inline]
            fn stream_position(&mut self) -> io::Result<u64> {
                let $s = self;
                $inner.stream_position()
            }
            #[inline]
            fn seek_relative(&mut self, offset: i64) -> io::Result<()> {
                let $s = self;
                $inner.seek_relative(offset)
            }
        }
    )*};
}

forward_read! {
    File => |s| s.inner;
    &File => |s| (&s.inner);
}

#[cfg(unix)]
mod unix {
    use std::io;
    use std::os::fd::{AsFd, AsRawFd, BorrowedFd, FromRawFd, IntoRawFd, OwnedFd, RawFd};
    use std::os::unix::fs::FileExt;

    use super::File;

    /// `std`'s own extension trait. Positioned reads and writes act on an open
    /// file, so they raise no event.
    impl FileExt for File {
        #[inline]
        fn read_at(&self, buf: &mut [u8], offset: u64) -> io::Result<usize> {
            self.inner.read_at(buf, offset)
        }
        #[inline]
        fn write_at(&self, buf: &[u8], offset: u64) -> io::Result<usize> {
            self.inner.write_at(buf, offset)
        }
        #[inline]
        fn read_exact_at(&self, buf: &mut [u8], offset: u64) -> io::Result<()> {
            self.inner.read_exact_at(buf, offset)
        }
        #[inline]
        fn write_all_at(&self, buf: &[u8], offset: u64) -> io::Result<()> {
            self.inner.write_all_at(buf, offset)
        }
    }

    impl AsFd for File {
        #[inline]
        fn as_fd(&self) -> BorrowedFd<'_> {
            self.inner.as_fd()
        }
    }

    impl AsRawFd for File {
        #[inline]
        fn as_raw_fd(&self) -> RawFd {
            self.inner.as_raw_fd()
        }
    }

    impl FromRawFd for File {
        /// Adopts an open descriptor. Opening it was not audited.
        #[inline]
        unsafe fn from_raw_fd(fd: RawFd) -> File {
            // SAFETY: the caller upholds `FromRawFd`'s contract (an open,
            // owned descriptor), which is exactly what std's impl requires.
            File::from_std(unsafe { std::fs::File::from_raw_fd(fd) })
        }
    }

    impl IntoRawFd for File {
        #[inline]
        fn into_raw_fd(self) -> RawFd {
            self.inner.into_raw_fd()
        }
    }

    impl From<OwnedFd> for File {
        /// Adopts an open descriptor. Opening it was not audited.
        #[inline]
        fn from(fd: OwnedFd) -> File {
            File::from_std(std::fs::File::from(fd))
        }
    }

    impl From<File> for OwnedFd {
        #[inline]
        fn from(file: File) -> OwnedFd {
            OwnedFd::from(file.inner)
        }
    }
}

#[cfg(windows)]
mod windows {
    use std::os::windows::io::{
        AsHandle, AsRawHandle, BorrowedHandle, FromRawHandle, IntoRawHandle, OwnedHandle, RawHandle,
    };

    use super::File;

    impl AsHandle for File {
        fn as_handle(&self) -> BorrowedHandle<'_> {
            self.inner.as_handle()
        }
    }

    impl AsRawHandle for File {
        fn as_raw_handle(&self) -> RawHandle {
            self.inner.as_raw_handle()
        }
    }

    impl FromRawHandle for File {
        unsafe fn from_raw_handle(handle: RawHandle) -> File {
            // SAFETY: the caller upholds `FromRawHandle`'s contract, which is
            // exactly what std's impl requires.
            File::from_std(unsafe { std::fs::File::from_raw_handle(handle) })
        }
    }

    impl IntoRawHandle for File {
        fn into_raw_handle(self) -> RawHandle {
            self.inner.into_raw_handle()
        }
    }

    impl From<OwnedHandle> for File {
        fn from(handle: OwnedHandle) -> File {
            File::from_std(std::fs::File::from(handle))
        }
    }

    impl From<File> for OwnedHandle {
        fn from(file: File) -> OwnedHandle {
            OwnedHandle::from(file.inner)
        }
    }
}
