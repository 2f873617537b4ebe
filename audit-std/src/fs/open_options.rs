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
/// truncate, create, create_new, mode, custom_flags)` before the call. The
/// booleans are the effective access, with `custom_flags` folded in
/// (`custom_flags(O_CREAT)` reports `create`); [`events::fs::OPEN`] has the
/// mapping.
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

/// The options an open was given, as a builder (`std`'s or another
/// library's `OpenOptions`) received them: what [`raise_open`] reads to
/// report the open's *effective* access in `fs.open`.
///
/// For wrappers of other libraries' files (audit-tokio's) to raise exactly
/// the event `audit_std` raises.
///
/// ```
/// use audit_std::events::{raise_open, OpenFlags};
///
/// let flags = OpenFlags { read: true, custom_flags: 0, ..OpenFlags::NEW };
/// raise_open("/etc/hostname".as_ref(), &flags)?; // Err when a hook refuses it
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OpenFlags {
    /// `read(true)`.
    pub read: bool,
    /// `write(true)`.
    pub write: bool,
    /// `append(true)`.
    pub append: bool,
    /// `truncate(true)`.
    pub truncate: bool,
    /// `create(true)`.
    pub create: bool,
    /// `create_new(true)`.
    pub create_new: bool,
    /// The permission bits of a created file, before the umask
    /// (`OpenOptionsExt::mode`; `0o666` by default).
    pub mode: u32,
    /// Extra `open(2)` flags (`OpenOptionsExt::custom_flags`; `0` by default).
    pub custom_flags: i32,
}

impl OpenFlags {
    /// What `OpenOptions::new()` starts from: nothing set, mode `0o666`.
    pub const NEW: OpenFlags = OpenFlags {
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
    pub const READ: OpenFlags = OpenFlags {
        read: true,
        ..OpenFlags::NEW
    };

    /// The flags of `File::create` and `fs::write`.
    pub const CREATE: OpenFlags = OpenFlags {
        write: true,
        create: true,
        truncate: true,
        ..OpenFlags::NEW
    };

    /// The flags of `File::create_new`.
    pub const CREATE_NEW: OpenFlags = OpenFlags {
        read: true,
        write: true,
        create_new: true,
        ..OpenFlags::NEW
    };
}

/// What an open does, as the booleans of `fs.open` report it: derived from
/// the flags `open(2)` receives, not only from the builder methods that were
/// called. [`crate::events::fs::OPEN`] documents the mapping.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Effective {
    pub(crate) read: bool,
    pub(crate) write: bool,
    pub(crate) append: bool,
    pub(crate) truncate: bool,
    pub(crate) create: bool,
    pub(crate) create_new: bool,
}

impl OpenFlags {
    /// The effective access of an open with these flags.
    ///
    /// Only called from the arguments of `audit!`, so it runs when some hook
    /// will see the event, never on the no-hook path.
    #[inline]
    pub(crate) fn effective(&self) -> Effective {
        #[cfg(unix)]
        {
            match self.builder_only() {
                Some(index) => BUILDER_ONLY[index].0,
                None => effective_unix(self),
            }
        }
        #[cfg(not(unix))]
        {
            // No custom flags exist here: the builder says it all.
            let write = self.write || self.append;
            Effective {
                read: self.read,
                write: write || self.truncate || self.create || self.create_new,
                append: self.append,
                truncate: self.truncate,
                create: self.create || self.create_new,
                create_new: self.create_new,
            }
        }
    }

    /// The `mode` argument of `fs.open`: [`mode`](OpenFlags::mode) when the
    /// flags word has `O_CREAT` or all the bits of `O_TMPFILE` (the opens
    /// that can create a file, and the only ones to which the C library
    /// passes a mode), else `0o666` whatever was set. So the event reports
    /// the same `mode` for the same open whether it is raised from the
    /// builder or from the flags word the C library receives.
    #[inline]
    pub(crate) fn reported_mode(&self) -> u32 {
        #[cfg(unix)]
        let may_create = match self.builder_only() {
            Some(index) => BUILDER_ONLY[index].1,
            None => may_create(self),
        };
        #[cfg(not(unix))]
        let may_create = self.create || self.create_new;
        if may_create {
            self.mode
        } else {
            OpenFlags::NEW.mode
        }
    }
}

/// Whether the flags word `os` has every bit of `bits` (and `bits` is not
/// empty).
#[cfg(unix)]
const fn has(os: libc::c_int, bits: libc::c_int) -> bool {
    (bits != 0) & (os & bits == bits)
}

/// Whether an open with `flags` can create a file: the flags word has
/// `O_CREAT` or all the bits of `O_TMPFILE`.
#[cfg(unix)]
const fn may_create(flags: &OpenFlags) -> bool {
    let os = os_flags(flags);
    #[cfg(any(target_os = "linux", target_os = "android"))]
    let tmpfile = os & libc::O_TMPFILE == libc::O_TMPFILE;
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    let tmpfile = false;
    os & libc::O_CREAT != 0 || tmpfile
}

/// [`effective_unix`] and [`may_create`] of every combination of the six
/// builder booleans with no custom flags (the common case), at compile
/// time: an open's event then reads them from here instead of computing
/// them, indexed by [`OpenFlags::builder_only`].
#[cfg(unix)]
const BUILDER_ONLY: [(Effective, bool); 64] = {
    // Every entry is overwritten below; index 0 is these flags.
    let new = &OpenFlags::NEW;
    let mut table = [(effective_unix(new), may_create(new)); 64];
    let mut index = 0;
    while index < 64 {
        let flags = OpenFlags {
            read: index & 1 != 0,
            write: index & 1 << 1 != 0,
            append: index & 1 << 2 != 0,
            truncate: index & 1 << 3 != 0,
            create: index & 1 << 4 != 0,
            create_new: index & 1 << 5 != 0,
            ..OpenFlags::NEW
        };
        table[index] = (effective_unix(&flags), may_create(&flags));
        index += 1;
    }
    table
};

#[cfg(unix)]
impl OpenFlags {
    /// The index of these flags in [`BUILDER_ONLY`], when the custom flags
    /// add nothing to what `std` passes (`None` otherwise).
    #[inline]
    fn builder_only(&self) -> Option<usize> {
        if self.custom_flags & !libc::O_ACCMODE != 0 {
            return None;
        }
        Some(
            usize::from(self.read)
                | usize::from(self.write) << 1
                | usize::from(self.append) << 2
                | usize::from(self.truncate) << 3
                | usize::from(self.create) << 4
                | usize::from(self.create_new) << 5,
        )
    }
}

/// The flags word `std` passes to `open(2)` for `flags`, without the access
/// mode (and `O_CLOEXEC`, which `std` adds to every open).
#[cfg(unix)]
#[inline]
const fn os_flags(flags: &OpenFlags) -> libc::c_int {
    use libc::{O_APPEND, O_CREAT, O_EXCL, O_TRUNC};
    let mut os = 0;
    if flags.append {
        os |= O_APPEND;
    }
    os |= match (flags.create, flags.truncate, flags.create_new) {
        (_, _, true) => O_CREAT | O_EXCL,
        (true, true, false) => O_CREAT | O_TRUNC,
        (true, false, false) => O_CREAT,
        (false, true, false) => O_TRUNC,
        (false, false, false) => 0,
    };
    os | (flags.custom_flags & !libc::O_ACCMODE)
}

/// The flags word `std` passes to `open(2)`, rebuilt the way `std` builds it
/// (`library/std/src/sys/fs/unix.rs`, `File::open_c`): the access mode from
/// `read`/`write`/`append`, the creation mode from `create`/`truncate`/
/// `create_new`, and `custom_flags` with its access-mode bits (`O_ACCMODE`)
/// cleared, then read back into booleans.
///
/// Where `std` refuses the builder's combination before calling the kernel
/// (no access mode at all; create or truncate without write or append), the
/// booleans still say what was asked for: the open fails with no effect.
#[cfg(unix)]
#[inline]
const fn effective_unix(flags: &OpenFlags) -> Effective {
    use libc::{O_APPEND, O_CREAT, O_EXCL, O_TRUNC};

    // `std` keeps only these from the builder: the access mode (read, write,
    // append) and one creation mode, where `create_new` wins over `create`
    // and `truncate` (it opens with O_CREAT | O_EXCL alone). It clears the
    // access-mode bits of the custom flags, so `custom_flags(O_RDWR)` grants
    // no write access. (On musl, O_ACCMODE also holds O_PATH, which `std`
    // therefore never passes.)
    let os = os_flags(flags);

    // Whether the descriptor itself can write: only the builder sets the
    // access mode.
    let writable = flags.write | flags.append;

    // O_TMPFILE always makes a new (unnamed) file in the directory `path`.
    // Any of its own bits counts, even without the O_DIRECTORY the kernel
    // requires: unknown is judged as a creation.
    #[cfg(any(target_os = "linux", target_os = "android"))]
    let tmpfile = os & (libc::O_TMPFILE & !libc::O_DIRECTORY) != 0;
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    let tmpfile = false;

    // With O_PATH, Linux keeps only O_DIRECTORY, O_NOFOLLOW and O_CLOEXEC
    // (`open(2)`): the descriptor names the file but can neither read nor
    // write it, and O_CREAT, O_TRUNC, O_APPEND are ignored. O_TMPFILE is
    // checked first: it is the one flag old kernels let past O_PATH.
    #[cfg(any(target_os = "linux", target_os = "android"))]
    let path_only = has(os, libc::O_PATH) & !tmpfile;
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    let path_only = false;
    // Without branches (`&` and `|` on booleans): `audit!` evaluates this
    // once per argument, and straight-line code lets the optimiser keep a
    // single copy.
    let keep = !path_only;

    // O_APPEND only matters on a descriptor that can write.
    let append = writable & has(os, O_APPEND);
    let truncate = has(os, O_TRUNC);
    let create = has(os, O_CREAT) | tmpfile;
    let create_new = has(os, O_CREAT | O_EXCL) | tmpfile;
    Effective {
        read: flags.read & keep,
        write: (writable | truncate | create) & keep,
        append: append & keep,
        truncate: truncate & keep,
        create: create & keep,
        create_new: create_new & keep,
    }
}

/// Raises `fs.open` for opening `path` with `flags`, reporting the open's
/// effective access ([`crate::events::fs::OPEN`] documents how each flag
/// counts): the single audit point for every way of opening a file, in
/// `audit_std` and in wrappers of other libraries' files. A refusal is an
/// [`io::Error`] of kind `PermissionDenied`.
#[inline]
#[track_caller]
pub fn raise_open(path: &Path, flags: &OpenFlags) -> io::Result<()> {
    raise_open_from(std::panic::Location::caller(), path, flags)
}

/// [`raise_open`] for the code at `caller`: for a wrapper whose audit point
/// runs where `#[track_caller]` cannot reach (in a future, when it is first
/// polled), which takes its caller's location when it is called.
#[inline]
pub fn raise_open_from(
    caller: &'static std::panic::Location<'static>,
    path: &Path,
    flags: &OpenFlags,
) -> io::Result<()> {
    // `effective()` is called once per argument: it is a few bit operations
    // the optimiser merges, and an argument expression is the only place
    // that runs only when a hook will see the event.
    audit!(
        @caller caller,
        events::fs::OPEN,
        path,
        read = flags.effective().read,
        write = flags.effective().write,
        append = flags.effective().append,
        truncate = flags.effective().truncate,
        create = flags.effective().create,
        create_new = flags.effective().create_new,
        mode = flags.reported_mode(),
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
    #[track_caller]
    pub fn open<P: AsRef<Path>>(&self, path: P) -> io::Result<File> {
        let path = path.as_ref();
        raise_open(path, &self.flags)?;
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
    /// keeps working. The mode and flags are reported by the `fs.open` event,
    /// whose booleans fold the custom flags in (`O_CREAT`, `O_TRUNC`,
    /// `O_APPEND`, `O_EXCL`, `O_TMPFILE`, `O_PATH`: see
    /// [`events::fs::OPEN`](crate::events::fs::OPEN)).
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

/// # Not in `std`: conversions to [`std::fs::OpenOptions`]
///
/// There is no conversion **from** `std`'s options: they do not say what an
/// open with them would do, so `fs.open` could not report its effective
/// access. Build with this type and convert at the end.
impl OpenOptions {
    /// Borrows the `std` options, for an API that takes them. Opening a file
    /// through them is not audited.
    #[must_use]
    pub fn as_std(&self) -> &std::fs::OpenOptions {
        &self.inner
    }

    /// Unwraps the `std` options, with the same settings. **Opening files
    /// with them is not audited.**
    #[must_use]
    pub fn into_std(self) -> std::fs::OpenOptions {
        self.inner
    }
}

impl From<OpenOptions> for std::fs::OpenOptions {
    /// Same as [`OpenOptions::into_std`].
    fn from(options: OpenOptions) -> std::fs::OpenOptions {
        options.into_std()
    }
}

#[cfg(test)]
mod tests {
    use super::OpenFlags;

    fn with(mode: u32, flags: OpenFlags) -> u32 {
        OpenFlags { mode, ..flags }.reported_mode()
    }

    /// `mode` is the given mode exactly when the C library would be passed
    /// one (`O_CREAT`, or all of `O_TMPFILE`'s bits), else `0o666`: the
    /// value `audit-interpose` reports for the same open.
    #[test]
    fn the_mode_is_reported_only_for_opens_that_can_create() {
        assert_eq!(with(0o600, OpenFlags::READ), 0o666);
        let truncate = OpenFlags {
            write: true,
            truncate: true,
            ..OpenFlags::NEW
        };
        assert_eq!(with(0o600, truncate), 0o666);
        assert_eq!(with(0o600, OpenFlags::CREATE), 0o600);
        assert_eq!(with(0o600, OpenFlags::CREATE_NEW), 0o600);
        // Create without write: std refuses it before the call; the mode
        // asked for is still reported.
        let create = OpenFlags {
            read: true,
            create: true,
            ..OpenFlags::NEW
        };
        assert_eq!(with(0o640, create), 0o640);
        #[cfg(unix)]
        {
            let custom = |custom_flags| OpenFlags {
                read: true,
                custom_flags,
                ..OpenFlags::NEW
            };
            assert_eq!(with(0o600, custom(libc::O_CREAT)), 0o600);
            // O_PATH makes the kernel ignore O_CREAT, but the C library
            // still receives the mode.
            #[cfg(any(target_os = "linux", target_os = "android"))]
            {
                assert_eq!(with(0o600, custom(libc::O_PATH | libc::O_CREAT)), 0o600);
                assert_eq!(with(0o600, custom(libc::O_TMPFILE)), 0o600);
                // Only O_TMPFILE's own bit: no mode is passed (the kernel
                // refuses the open).
                let bit = libc::O_TMPFILE & !libc::O_DIRECTORY;
                assert_eq!(with(0o600, custom(bit)), 0o666);
                assert_eq!(with(0o600, custom(libc::O_DIRECTORY)), 0o666);
            }
        }
    }

    /// The table the common case reads gives what the flags word gives, for
    /// every combination of the builder's booleans, and custom flags that
    /// only set access-mode bits (which `std` clears) still use it.
    #[cfg(unix)]
    #[test]
    fn the_builder_only_table_agrees_with_the_flags_word() {
        let bool_at = |index: usize, n: usize| index & (1 << n) != 0;
        for index in 0..64 {
            for custom_flags in [0, libc::O_RDWR, libc::O_WRONLY] {
                let flags = OpenFlags {
                    read: bool_at(index, 0),
                    write: bool_at(index, 1),
                    append: bool_at(index, 2),
                    truncate: bool_at(index, 3),
                    create: bool_at(index, 4),
                    create_new: bool_at(index, 5),
                    mode: 0o600,
                    custom_flags,
                };
                assert_eq!(flags.builder_only(), Some(index), "{flags:?}");
                assert_eq!(
                    flags.effective(),
                    super::effective_unix(&flags),
                    "{flags:?}"
                );
                let mode = if super::may_create(&flags) {
                    0o600
                } else {
                    0o666
                };
                assert_eq!(flags.reported_mode(), mode, "{flags:?}");
            }
        }
        let custom = OpenFlags {
            custom_flags: libc::O_CREAT,
            ..OpenFlags::READ
        };
        assert_eq!(custom.builder_only(), None);
        assert!(custom.effective().create);
    }
}
