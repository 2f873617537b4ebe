//! Audited mirror of `std::os::unix::process`.
//!
//! Swap `use std::os::unix::process::CommandExt;` for
//! `use audit_std::os::unix::process::CommandExt;`. `std`'s `CommandExt` is
//! sealed, so it cannot be implemented for [`audit_std::process::Command`](crate::process::Command);
//! this module's [`CommandExt`] has the same stable methods, and
//! [`exec`](CommandExt::exec) raises `process.exec` (see the event table in
//! [`crate::process`]).
//!
//! The same methods are also inherent methods of `Command` on Unix, so code
//! that forgets to swap the import still compiles and is still audited. The
//! flip side: since inherent methods win, method calls never go through the
//! trait, and rustc reports an import of this `CommandExt` that is only used
//! for method calls as unused. Remove the import, or keep it with
//! `#[allow(unused_imports)]` when the same code is also built against `std`.
//!
//! [`ExitStatusExt`] and [`parent_id`] are `std`'s own, re-exported: an exit
//! status is `std`'s type, and reading it reaches no new resource.
//!
//! ```
//! use audit_std::os::unix::process::{CommandExt, ExitStatusExt};
//! use audit_std::process::Command;
//!
//! let status = Command::new("/bin/sh").args(["-c", "kill -9 $$"]).process_group(0).status()?;
//! assert_eq!(status.signal(), Some(9));
//! // Through the trait, as generic code would call it:
//! let err = CommandExt::exec(Command::new("/nonexistent/program").arg0("renamed"));
//! assert_eq!(err.kind(), std::io::ErrorKind::NotFound);
//! # Ok::<(), std::io::Error>(())
//! ```

use std::ffi::OsStr;
use std::io;

use crate::process::Command;

pub use std::os::unix::process::{parent_id, ExitStatusExt};

pub(crate) mod sealed {
    /// Keeps [`CommandExt`](super::CommandExt) implemented by this crate's
    /// `Command` only, as `std` does for its own trait: methods can then be
    /// added without breaking anyone.
    pub trait Sealed {}
}

/// Unix-specific extensions to [`audit_std::process::Command`](crate::process::Command).
///
/// Mirror of [`std::os::unix::process::CommandExt`] (stable methods only).
/// This trait is sealed: it cannot be implemented outside this crate.
pub trait CommandExt: sealed::Sealed {
    /// Sets the child process's user ID.
    ///
    /// Mirror of [`std::os::unix::process::CommandExt::uid`].
    fn uid(&mut self, id: u32) -> &mut Command;

    /// Similar to [`uid`](Self::uid), but sets the group ID of the child process.
    ///
    /// Mirror of [`std::os::unix::process::CommandExt::gid`].
    fn gid(&mut self, id: u32) -> &mut Command;

    /// Schedules a closure to be run just before the `exec` function is invoked.
    ///
    /// # Safety
    ///
    /// The closure runs in the child after `fork`, where only
    /// async-signal-safe operations are sound: see `std`'s documentation of
    /// this method for the full contract, which is unchanged.
    ///
    /// Mirror of [`std::os::unix::process::CommandExt::pre_exec`].
    unsafe fn pre_exec<F>(&mut self, f: F) -> &mut Command
    where
        F: FnMut() -> io::Result<()> + Send + Sync + 'static;

    /// Schedules a closure to be run just before the `exec` function is invoked.
    ///
    /// # Safety
    ///
    /// As for [`pre_exec`](Self::pre_exec).
    ///
    /// Mirror of [`std::os::unix::process::CommandExt::before_exec`].
    #[deprecated(since = "0.1.0", note = "should be unsafe, use `pre_exec` instead")]
    unsafe fn before_exec<F>(&mut self, f: F) -> &mut Command
    where
        F: FnMut() -> io::Result<()> + Send + Sync + 'static,
    {
        // SAFETY: the caller upholds `pre_exec`'s contract, which we forward unchanged.
        unsafe { self.pre_exec(f) }
    }

    /// Replaces the current process with the command's program; returns only
    /// on failure.
    ///
    /// Raises [`events::process::EXEC`](crate::events::process::EXEC) with
    /// `(program, args, cwd, env, env_clear)` before the call; on a veto the
    /// error is returned and the process is not replaced.
    ///
    /// Mirror of [`std::os::unix::process::CommandExt::exec`].
    fn exec(&mut self) -> io::Error;

    /// Sets the executable argument (the child's `argv[0]`).
    ///
    /// Mirror of [`std::os::unix::process::CommandExt::arg0`].
    fn arg0<S>(&mut self, arg: S) -> &mut Command
    where
        S: AsRef<OsStr>;

    /// Sets the process group ID (PGID) of the child process.
    ///
    /// Mirror of [`std::os::unix::process::CommandExt::process_group`].
    fn process_group(&mut self, pgroup: i32) -> &mut Command;
}
