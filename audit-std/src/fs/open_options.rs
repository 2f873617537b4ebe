//! [`OpenOptions`]: the audited builder behind every file open.

use std::fmt;
use std::io;
use std::path::Path;

use audit_core::audit;

use super::File;
use crate::events;

/// Options and flags which can be used to configure how a file is opened.
///
/// Opening raises [`events::fs::OPEN`] with `(path, read, write, append,
/// truncate, create, create_new, mode, custom_flags)` before the call.
///
/// Wrapper for [`std::fs::OpenOptions`]. It keeps a copy of the flags it was
/// given, so the event can report them.
///
/// ```
/// use audit_std::fs::OpenOptions;
/// # let dir = tempfile::tempdir()?;
/// let file = OpenOptions::new().write(true).create(true).open(dir.path().join("log.txt"))?;
/// # drop(file);
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Clone)]
pub struct OpenOptions {
    inner: std::fs::OpenOptions,
    flags: OpenFlags,
}

/// The flags an [`OpenOptions`] was given, as the `fs.open` event reports them.
#[derive(Clone, Copy)]
pub(crate) struct OpenFlags {
    pub(crate) read: bool,
    pub(crate) write: bool,
    pub(crate) append: bool,
    pub(crate) truncate: bool,
    pub(crate) create: bool,
    pub(crate) create_new: bool,
    pub(crate) mode: u32,
    pub(crate) custom_flags: i32,
}

impl OpenFlags {
    /// What `std::fs::OpenOptions::new()` starts from.
    pub(crate) const NEW: OpenFlags = OpenFlags {
        read: false,
        write: false,
        append: false,
        truncate: false,
        create: false,
        create_new: false,
        mode: 0o666,
        custom_flags: 0,
    };

    /// The flags of `File::open` and `fs::read`.
    pub(crate) const READ: OpenFlags = OpenFlags {
        read: true,
        ..OpenFlags::NEW
    };

    /// The flags of `File::create` and `fs::write`.
    pub(crate) const CREATE: OpenFlags = OpenFlags {
        write: true,
        create: true,
        truncate: true,
        ..OpenFlags::NEW
    };
}

/// Raises `fs.open`: the single audit point for every way of opening a file.
#[inline]
pub(crate) fn audit_open(path: &Path, flags: &OpenFlags) -> io::Result<()> {
    audit!(
        events::fs::OPEN,
        path,
        read = flags.read,
        // Effective access: append implies write, create_new implies create.
        write = flags.write || flags.append,
        append = flags.append,
        truncate = flags.truncate,
        create = flags.create || flags.create_new,
        create_new = flags.create_new,
        mode = flags.mode,
        custom_flags = flags.custom_flags,
    )?;
    Ok(())
}

impl OpenOptions {
    /// Creates a blank new set of options ready for configuration.
    ///
    /// Wrapper for [`std::fs::OpenOptions::new`].
    #[allow(clippy::new_without_default)] // std has no `Default` either
    #[must_use]
    pub fn new() -> Self {
        OpenOptions {
            inner: std::fs::OpenOptions::new(),
            flags: OpenFlags::NEW,
        }
    }

    /// Sets the option for read access.
    ///
    /// Wrapper for [`std::fs::OpenOptions::read`].
    pub fn read(&mut self, read: bool) -> &mut Self {
        self.inner.read(read);
        self.flags.read = read;
        self
    }

    /// Sets the option for write access.
    ///
    /// Wrapper for [`std::fs::OpenOptions::write`].
    pub fn write(&mut self, write: bool) -> &mut Self {
        self.inner.write(write);
        self.flags.write = write;
        self
    }

    /// Sets the option for the append mode.
    ///
    /// Wrapper for [`std::fs::OpenOptions::append`].
    pub fn append(&mut self, append: bool) -> &mut Self {
        self.inner.append(append);
        self.flags.append = append;
        self
    }

    /// Sets the option for truncating a previous file.
    ///
    /// Wrapper for [`std::fs::OpenOptions::truncate`].
    pub fn truncate(&mut self, truncate: bool) -> &mut Self {
        self.inner.truncate(truncate);
        self.flags.truncate = truncate;
        self
    }

    /// Sets the option to create a new file, or open it if it already exists.
    ///
    /// Wrapper for [`std::fs::OpenOptions::create`].
    pub fn create(&mut self, create: bool) -> &mut Self {
        self.inner.create(create);
        self.flags.create = create;
        self
    }

    /// Sets the option to create a new file, failing if it already exists.
    ///
    /// Wrapper for [`std::fs::OpenOptions::create_new`].
    pub fn create_new(&mut self, create_new: bool) -> &mut Self {
        self.inner.create_new(create_new);
        self.flags.create_new = create_new;
        self
    }

    /// Opens a file at `path` with the options specified by `self`.
    ///
    /// Raises [`events::fs::OPEN`] with `(path, read, write, append, truncate,
    /// create, create_new, mode, custom_flags)` before the call.
    ///
    /// Wrapper for [`std::fs::OpenOptions::open`].
    pub fn open<P: AsRef<Path>>(&self, path: P) -> io::Result<File> {
        let path = path.as_ref();
        audit_open(path, &self.flags)?;
        self.inner.open(path).map(File::from_std)
    }
}

impl fmt::Debug for OpenOptions {
    /// Shows what the `std` options would show.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.inner, f)
    }
}

#[cfg(unix)]
mod unix {
    use std::os::unix::fs::OpenOptionsExt;

    use super::OpenOptions;

    /// `std`'s own extension trait, so `use std::os::unix::fs::OpenOptionsExt;`
    /// keeps working. The mode and flags are reported by the `fs.open` event.
    impl OpenOptionsExt for OpenOptions {
        fn mode(&mut self, mode: u32) -> &mut Self {
            self.inner.mode(mode);
            self.flags.mode = mode;
            self
        }

        fn custom_flags(&mut self, flags: i32) -> &mut Self {
            self.inner.custom_flags(flags);
            self.flags.custom_flags = flags;
            self
        }
    }
}
