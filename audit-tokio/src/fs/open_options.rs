//! [`OpenOptions`]: the audited builder behind every file open.

use std::io;
use std::path::Path;

use audit_core::__private::already;

use super::File;

/// Options and flags which can be used to configure how a file is opened.
///
/// Opening raises [`audit_std::events::fs::OPEN`] with `(path, read, write, append,
/// truncate, create, create_new, mode, custom_flags)` before tokio is asked
/// to open the file; the booleans are the *effective* access, as
/// `audit_std` reports them (`append` implies `write`, `create_new` implies
/// `create`).
///
/// Wrapper for [`tokio::fs::OpenOptions`]. It keeps a copy of the flags it
/// was given, so the event can report them.
///
/// ```
/// use audit_tokio::fs::OpenOptions;
/// # tokio::runtime::Builder::new_current_thread().enable_all().build()?.block_on(async {
/// # let dir = tempfile::tempdir()?;
/// let file = OpenOptions::new().write(true).create(true).open(dir.path().join("log.txt")).await?;
/// # drop(file);
/// # Ok::<(), std::io::Error>(())
/// # })?;
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct OpenOptions {
    inner: tokio::fs::OpenOptions,
    flags: OpenFlags,
}

pub(crate) use audit_std::events::OpenFlags;
/// Raises `fs.open` exactly as `audit_std` does: one rule for what an open
/// with these flags really does (custom flags folded in).
pub(crate) use audit_std::fs::raise_open_from as audit_open;

impl OpenOptions {
    /// Creates a blank new set of options ready for configuration.
    ///
    /// Wrapper for [`tokio::fs::OpenOptions::new`].
    #[must_use]
    pub fn new() -> OpenOptions {
        OpenOptions {
            inner: tokio::fs::OpenOptions::new(),
            flags: OpenFlags::NEW,
        }
    }

    /// Sets the option for read access.
    ///
    /// Wrapper for [`tokio::fs::OpenOptions::read`].
    pub fn read(&mut self, read: bool) -> &mut OpenOptions {
        self.inner.read(read);
        self.flags.read = read;
        self
    }

    /// Sets the option for write access.
    ///
    /// Wrapper for [`tokio::fs::OpenOptions::write`].
    pub fn write(&mut self, write: bool) -> &mut OpenOptions {
        self.inner.write(write);
        self.flags.write = write;
        self
    }

    /// Sets the option for the append mode.
    ///
    /// Wrapper for [`tokio::fs::OpenOptions::append`].
    pub fn append(&mut self, append: bool) -> &mut OpenOptions {
        self.inner.append(append);
        self.flags.append = append;
        self
    }

    /// Sets the option for truncating a previous file.
    ///
    /// Wrapper for [`tokio::fs::OpenOptions::truncate`].
    pub fn truncate(&mut self, truncate: bool) -> &mut OpenOptions {
        self.inner.truncate(truncate);
        self.flags.truncate = truncate;
        self
    }

    /// Sets the option for creating a new file, or opening it if it exists.
    ///
    /// Wrapper for [`tokio::fs::OpenOptions::create`].
    pub fn create(&mut self, create: bool) -> &mut OpenOptions {
        self.inner.create(create);
        self.flags.create = create;
        self
    }

    /// Sets the option to always create a new file, failing if it exists.
    ///
    /// Wrapper for [`tokio::fs::OpenOptions::create_new`].
    pub fn create_new(&mut self, create_new: bool) -> &mut OpenOptions {
        self.inner.create_new(create_new);
        self.flags.create_new = create_new;
        self
    }

    /// Opens a file at `path` with the options specified by `self`.
    ///
    /// Raises [`audit_std::events::fs::OPEN`] with `(path, read, write, append, truncate,
    /// create, create_new, mode, custom_flags)` before the open is handed to a
    /// blocking thread.
    ///
    /// Wrapper for [`tokio::fs::OpenOptions::open`].
    #[track_caller]
    pub fn open<'__a0>(
        &'__a0 self,
        path: impl AsRef<Path>,
    ) -> impl std::future::Future<Output = io::Result<File>> + crate::Captures<'__a0> {
        let caller = std::panic::Location::caller();
        async move {
            let path = path.as_ref();
            let carried = already::carry(|| audit_open(caller, path, &self.flags))?;
            #[cfg(unix)]
            {
                let options = self.to_std();
                let path = path.to_owned();
                super::blocking(carried, move || options.open(path))
                    .await
                    .map(File::from_std)
            }
            #[cfg(not(unix))]
            {
                // No lower layer here: nothing to carry.
                drop(carried);
                self.inner.open(path).await.map(File::from_tokio)
            }
        }
    }
}

/// Unix-specific options, inherent methods as in tokio.
#[cfg(unix)]
impl OpenOptions {
    /// `std`'s options with the same settings as tokio's `inner` (every
    /// setter sets both): what tokio's `open` would run on its blocking
    /// pool.
    fn to_std(&self) -> std::fs::OpenOptions {
        use std::os::unix::fs::OpenOptionsExt;
        let f = &self.flags;
        let mut options = std::fs::OpenOptions::new();
        options
            .read(f.read)
            .write(f.write)
            .append(f.append)
            .truncate(f.truncate)
            .create(f.create)
            .create_new(f.create_new)
            .mode(f.mode)
            .custom_flags(f.custom_flags);
        options
    }

    /// Sets the mode bits that a new file will be created with; reported as
    /// the `mode` argument of `fs.open`.
    ///
    /// Wrapper for [`tokio::fs::OpenOptions::mode`].
    pub fn mode(&mut self, mode: u32) -> &mut OpenOptions {
        self.inner.mode(mode);
        self.flags.mode = mode;
        self
    }

    /// Passes custom flags to the `flags` argument of `open`; reported as the
    /// `custom_flags` argument of `fs.open`.
    ///
    /// Wrapper for [`tokio::fs::OpenOptions::custom_flags`].
    pub fn custom_flags(&mut self, flags: i32) -> &mut OpenOptions {
        self.inner.custom_flags(flags);
        self.flags.custom_flags = flags;
        self
    }
}

impl Default for OpenOptions {
    /// Same as [`OpenOptions::new`].
    fn default() -> Self {
        Self::new()
    }
}
