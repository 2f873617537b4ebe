//! Audited mirror of [`std::os::unix::prelude`]: every Unix extension trait
//! and the descriptor types, for a glob import.
//!
//! Swap `use std::os::unix::prelude::*;` for
//! `use audit_std::os::unix::prelude::*;`. The items are `std`'s own, except
//! [`CommandExt`], which is [`audit_std`'s](crate::os::unix::process::CommandExt):
//! `std`'s is sealed, so it cannot be implemented for
//! [`audit_std::process::Command`](crate::process::Command), whose
//! [`exec`](CommandExt::exec) raises `process.exec`.
//!
//! `std`'s `CommandExt` is imported too, without a name, so that a
//! `std::process::Command` that the program also holds (from another crate)
//! keeps its Unix methods after the swap, as it had them with `std`'s
//! prelude; those calls are `std`'s and are not audited.
//!
//! ```
//! use audit_std::os::unix::prelude::*;
//! use audit_std::{fs, process};
//!
//! let dir = tempfile::tempdir()?;
//! let file = fs::File::create(dir.path().join("a.txt"))?; // fs.open
//! assert!(file.as_raw_fd() >= 0); // AsRawFd
//! assert_eq!(file.metadata()?.permissions().mode() & 0o170000, 0o100000); // PermissionsExt: a regular file
//! let status = process::Command::new("/bin/sh").args(["-c", "exit 3"]).process_group(0).status()?; // CommandExt
//! assert_eq!(status.into_raw(), 3 << 8); // ExitStatusExt
//! # Ok::<(), std::io::Error>(())
//! ```

pub use crate::os::unix::fs::{
    DirEntryExt, FileExt, FileTypeExt, MetadataExt, OpenOptionsExt, PermissionsExt,
};
pub use crate::os::unix::process::{CommandExt, ExitStatusExt};
pub use std::os::fd::{AsFd, AsRawFd, BorrowedFd, FromRawFd, IntoRawFd, OwnedFd, RawFd};
pub use std::os::unix::ffi::{OsStrExt, OsStringExt};
pub use std::os::unix::thread::JoinHandleExt;

// The methods of `std`'s `CommandExt`, for `std::process::Command` values
// (see the module docs); a name would clash with ours.
pub use std::os::unix::process::CommandExt as _;
