//! The catalogue of events raised by this crate: one constant per event,
//! and one [`TABLE`] saying what each does.
//!
//! Each module's documentation has the table of its events, their arguments
//! and the closest CPython audit event; [`TABLE`] has their [`Classes`], the
//! files they name and how the kernel reaches them.

mod class;
pub mod fs;
pub mod net;
mod operand;
pub mod process;
mod table;

pub use crate::fs::open_options::{raise_open, OpenFlags};
pub use crate::process::command::raise_spawn_from;
pub use class::Classes;
pub use operand::{FileRef, Operand};
pub use table::{info, Access, ArgKind, EventInfo, Follow, PathArg, OPEN_WRITE_FLAGS, TABLE};

/// The path of the open file `file`, as events on an open file report it
/// (`fs.set_len`, `fs.set_permissions`, ...): the kernel's name for it,
/// checked to reach this very file, or `None` when it cannot be known (not
/// Linux or Android, no `/proc`, a pipe or socket, a deleted or replaced
/// file). For wrappers of other libraries' files (audit-tokio's) to raise
/// the same events.
///
/// ```
/// # #[cfg(any(target_os = "linux", target_os = "android"))] {
/// let dir = tempfile::tempdir()?;
/// let path = std::fs::canonicalize(dir.path())?.join("a.txt");
/// let file = std::fs::File::create(&path)?;
/// assert_eq!(audit_std::events::open_file_path(&file), Some(path));
/// # }
/// # Ok::<(), std::io::Error>(())
/// ```
#[cfg(unix)]
pub fn open_file_path<F: std::os::fd::AsFd + ?Sized>(file: &F) -> Option<std::path::PathBuf> {
    crate::fs::open_file_path(file)
}

/// The `fd` argument of events on an open file: the raw descriptor (Unix)
/// or handle (Windows) of `file`, `-1` where there is neither. For wrappers
/// of other libraries' files (audit-tokio's) to report it as `audit_std`
/// does.
///
/// ```
/// # #[cfg(unix)] {
/// use std::os::fd::AsRawFd;
///
/// let file = std::fs::File::open("Cargo.toml")?;
/// assert_eq!(audit_std::events::raw_handle(&file), i64::from(file.as_raw_fd()));
/// # }
/// # Ok::<(), std::io::Error>(())
/// ```
#[cfg(unix)]
#[inline]
pub fn raw_handle<F: std::os::fd::AsRawFd + ?Sized>(file: &F) -> i64 {
    i64::from(file.as_raw_fd())
}

/// See the Unix version.
#[cfg(windows)]
#[inline]
pub fn raw_handle<F: std::os::windows::io::AsRawHandle + ?Sized>(file: &F) -> i64 {
    file.as_raw_handle() as usize as i64
}

/// See the Unix version.
#[cfg(not(any(unix, windows)))]
#[inline]
pub fn raw_handle<F: ?Sized>(_file: &F) -> i64 {
    -1
}

/// The `mode` argument of `fs.set_permissions`: the permission bits of
/// `perm`, `None` where the platform has none. For wrappers of other
/// libraries' files (audit-tokio's) to report it as `audit_std` does.
///
/// ```
/// let perm = std::fs::metadata("Cargo.toml")?.permissions();
/// # #[cfg(unix)]
/// assert!(audit_std::events::permissions_mode(&perm).is_some());
/// # Ok::<(), std::io::Error>(())
/// ```
#[inline]
pub fn permissions_mode(perm: &std::fs::Permissions) -> Option<u32> {
    #[cfg(unix)]
    {
        Some(std::os::unix::fs::PermissionsExt::mode(perm))
    }
    #[cfg(not(unix))]
    {
        let _ = perm;
        None
    }
}
