//! [`Child`]: a running or exited child process, with an audited `kill`.

use std::fmt;
use std::io;
use std::process;

use audit_core::audit;

use super::{ChildStderr, ChildStdin, ChildStdout, ExitStatus, Output};
use crate::events;

/// Representation of a running or exited child process.
///
/// Returned by [`Command::spawn`](super::Command::spawn). Same public fields
/// and methods as `std`'s; [`kill`](Child::kill) raises
/// [`events::process::KILL`] first, and a veto sends no signal. Waiting is not
/// audited.
///
/// The pipe handles are `std`'s own types, so they convert into
/// [`Stdio`](super::Stdio) to feed another command, as with `std`.
///
/// Wrapper for [`std::process::Child`].
pub struct Child {
    /// The handle for writing to the child's standard input (stdin), if it
    /// has been captured. Dropping it (or [`Option::take`]-ing and dropping
    /// it) closes the pipe, as with `std`.
    pub stdin: Option<ChildStdin>,
    /// The handle for reading from the child's standard output (stdout), if
    /// it has been captured.
    pub stdout: Option<ChildStdout>,
    /// The handle for reading from the child's standard error (stderr), if it
    /// has been captured.
    pub stderr: Option<ChildStderr>,
    /// The `std` child, whose own handle fields are always `None`: they live
    /// in the public fields above and are put back before any `std` method
    /// that uses them.
    inner: process::Child,
}

impl Child {
    /// Forces the child process to exit. If the child has already exited,
    /// `Ok(())` is returned.
    ///
    /// Raises [`events::process::KILL`] with `(pid)` before the call; a veto
    /// sends no signal.
    ///
    /// Wrapper for [`std::process::Child::kill`].
    #[track_caller]
    pub fn kill(&mut self) -> io::Result<()> {
        audit!(events::process::KILL, pid = self.inner.id())?;
        self.inner.kill()
    }

    /// Returns the OS-assigned process identifier associated with this child.
    ///
    /// Wrapper for [`std::process::Child::id`].
    pub fn id(&self) -> u32 {
        self.inner.id()
    }

    /// Waits for the child to exit completely, returning the status that it
    /// exited with. The stdin handle, if any, is closed first, as with `std`,
    /// so that a child reading its input to the end does not wait forever.
    ///
    /// Wrapper for [`std::process::Child::wait`].
    pub fn wait(&mut self) -> io::Result<ExitStatus> {
        drop(self.stdin.take());
        self.inner.wait()
    }

    /// Attempts to collect the exit status of the child if it has already exited.
    ///
    /// Wrapper for [`std::process::Child::try_wait`].
    pub fn try_wait(&mut self) -> io::Result<Option<ExitStatus>> {
        self.inner.try_wait()
    }

    /// Simultaneously waits for the child to exit and collects all remaining
    /// output on the stdout/stderr handles, returning an [`Output`] instance.
    ///
    /// Wrapper for [`std::process::Child::wait_with_output`].
    pub fn wait_with_output(self) -> io::Result<Output> {
        // std reads both pipes concurrently (avoiding a deadlock on a full
        // pipe) and closes stdin first: give it the handles back to do so.
        self.into_std().wait_with_output()
    }
}

/// Not in `std`: conversions from and to [`std::process::Child`].
impl Child {
    /// Wraps a `std` child, so that killing it is audited. Its pipe handles
    /// move to the public fields of the wrapper.
    pub fn from_std(mut inner: process::Child) -> Child {
        Child {
            stdin: inner.stdin.take(),
            stdout: inner.stdout.take(),
            stderr: inner.stderr.take(),
            inner,
        }
    }

    /// Borrows the `std` child, to read its [`id`](process::Child::id).
    /// Killing and waiting need `&mut`, so nothing unaudited can be done
    /// through it. Its pipe handles are `None`: they are this wrapper's
    /// public fields.
    #[must_use]
    pub fn as_std(&self) -> &process::Child {
        &self.inner
    }

    /// Unwraps the `std` child, with the pipe handles still held by this
    /// wrapper. **Killing it is not audited.**
    pub fn into_std(self) -> process::Child {
        let Child {
            stdin,
            stdout,
            stderr,
            mut inner,
        } = self;
        inner.stdin = stdin;
        inner.stdout = stdout;
        inner.stderr = stderr;
        inner
    }
}

impl From<process::Child> for Child {
    /// Same as [`Child::from_std`].
    fn from(inner: process::Child) -> Child {
        Child::from_std(inner)
    }
}

impl From<Child> for process::Child {
    /// Same as [`Child::into_std`]: **killing the result is not audited.**
    fn from(child: Child) -> process::Child {
        child.into_std()
    }
}

impl fmt::Debug for Child {
    /// Formats as `std`'s `Child` does: the three handles, and nothing of the
    /// process itself.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Child")
            .field("stdin", &self.stdin)
            .field("stdout", &self.stdout)
            .field("stderr", &self.stderr)
            .finish_non_exhaustive()
    }
}
