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
