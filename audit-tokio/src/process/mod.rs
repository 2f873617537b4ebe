//! Audited drop-in for [`tokio::process`].
//!
//! Swap `use tokio::process::Command;` for `use audit_tokio::process::Command;`:
//! starting a child ([`Command::spawn`], [`Command::output`],
//! [`Command::status`]) first raises the same [`events::process::SPAWN`] as
//! `audit_std::process`, with the same `(program, args, cwd, env,
//! env_clear)`, and a veto starts nothing; killing a child
//! ([`Child::kill`], [`Child::start_kill`]) raises
//! [`events::process::KILL`] with `(pid)`, and a veto sends no signal.
//!
//! ```
//! use audit_tokio::process::Command;
//!
//! # tokio::runtime::Builder::new_current_thread().enable_all().build()?.block_on(async {
//! let output = Command::new("/bin/sh").args(["-c", "echo $GREETING"]).env("GREETING", "hi").output().await?;
//! assert_eq!(output.stdout, b"hi\n");
//! # Ok::<(), std::io::Error>(())
//! # })?;
//! # Ok::<(), std::io::Error>(())
//! ```
//!
//! | event | arguments | raised by |
//! |---|---|---|
//! | `process.spawn` | `program, args, cwd, env, env_clear` | [`Command::spawn`], [`Command::output`], [`Command::status`] |
//! | `process.kill` | `pid` | [`Child::kill`], [`Child::start_kill`] |
//!
//! Like tokio, [`Command::output`] and [`Command::status`] start the child
//! when they are **called**, not when their future is first polled; the
//! event is raised at that moment too, on the calling thread. Waiting,
//! reading the pipes and dropping a child (even with
//! [`kill_on_drop`](Command::kill_on_drop)) are not audited: `kill_on_drop`
//! is a decision made, and visible, when the command is built.
//!
//! The escape hatches [`Command::as_std_mut`], [`Command::into_std`],
//! [`Command::into_tokio`] and [`Child::into_tokio`] hand out values whose
//! `spawn`/`kill` are **not audited**. `pre_exec` is not mirrored: it runs
//! arbitrary code in the child before `exec`, which no event could describe;
//! use [`Command::as_std_mut`] knowingly.

use std::ffi::OsStr;
use std::fmt;
use std::future::Future;
use std::io;
use std::path::Path;

use audit_core::{audit, AuditError};
use audit_std::events;

pub use std::process::{ExitStatus, Output, Stdio};
pub use tokio::process::{ChildStderr, ChildStdin, ChildStdout};

/// A process builder, providing fine-grained control over how a new process
/// should be spawned.
///
/// Same builder API as tokio's; [`spawn`](Command::spawn),
/// [`output`](Command::output) and [`status`](Command::status) raise
/// [`events::process::SPAWN`] first, and a veto starts nothing.
///
/// Wrapper for [`tokio::process::Command`].
pub struct Command {
    inner: tokio::process::Command,
    /// Whether `env_clear` was called; `None` when unknown (converted from
    /// `std`, or handed out through `as_std_mut`).
    env_clear: Option<bool>,
}

impl Command {
    /// Constructs a new `Command` for launching the program at path `program`.
    /// Nothing is audited until the command is started.
    ///
    /// Wrapper for [`tokio::process::Command::new`].
    pub fn new<S: AsRef<OsStr>>(program: S) -> Command {
        Command {
            inner: tokio::process::Command::new(program),
            env_clear: Some(false),
        }
    }

    /// Adds an argument to pass to the program.
    ///
    /// Wrapper for [`tokio::process::Command::arg`].
    pub fn arg<S: AsRef<OsStr>>(&mut self, arg: S) -> &mut Command {
        self.inner.arg(arg);
        self
    }

    /// Adds multiple arguments to pass to the program.
    ///
    /// Wrapper for [`tokio::process::Command::args`].
    pub fn args<I, S>(&mut self, args: I) -> &mut Command
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.inner.args(args);
        self
    }

    /// Inserts or updates an environment variable mapping.
    ///
    /// Wrapper for [`tokio::process::Command::env`].
    pub fn env<K, V>(&mut self, key: K, val: V) -> &mut Command
    where
        K: AsRef<OsStr>,
        V: AsRef<OsStr>,
    {
        self.inner.env(key, val);
        self
    }

    /// Adds or updates multiple environment variable mappings.
    ///
    /// Wrapper for [`tokio::process::Command::envs`].
    pub fn envs<I, K, V>(&mut self, vars: I) -> &mut Command
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<OsStr>,
        V: AsRef<OsStr>,
    {
        self.inner.envs(vars);
        self
    }

    /// Removes an environment variable mapping.
    ///
    /// Wrapper for [`tokio::process::Command::env_remove`].
    pub fn env_remove<K: AsRef<OsStr>>(&mut self, key: K) -> &mut Command {
        self.inner.env_remove(key);
        self
    }

    /// Clears the entire environment map for the child process.
    ///
    /// Wrapper for [`tokio::process::Command::env_clear`].
    pub fn env_clear(&mut self) -> &mut Command {
        self.inner.env_clear();
        self.env_clear = Some(true);
        self
    }

    /// Sets the working directory for the child process.
    ///
    /// Wrapper for [`tokio::process::Command::current_dir`].
    pub fn current_dir<P: AsRef<Path>>(&mut self, dir: P) -> &mut Command {
        self.inner.current_dir(dir);
        self
    }

    /// Sets configuration for the child process's standard input handle.
    ///
    /// Wrapper for [`tokio::process::Command::stdin`].
    pub fn stdin<T: Into<Stdio>>(&mut self, cfg: T) -> &mut Command {
        self.inner.stdin(cfg);
        self
    }

    /// Sets configuration for the child process's standard output handle.
    ///
    /// Wrapper for [`tokio::process::Command::stdout`].
    pub fn stdout<T: Into<Stdio>>(&mut self, cfg: T) -> &mut Command {
        self.inner.stdout(cfg);
        self
    }

    /// Sets configuration for the child process's standard error handle.
    ///
    /// Wrapper for [`tokio::process::Command::stderr`].
    pub fn stderr<T: Into<Stdio>>(&mut self, cfg: T) -> &mut Command {
        self.inner.stderr(cfg);
        self
    }

    /// Controls whether a `kill` operation should be invoked on a spawned
    /// child process when its corresponding `Child` handle is dropped. The
    /// kill on drop is not audited (see the [module documentation](self)).
    ///
    /// Wrapper for [`tokio::process::Command::kill_on_drop`].
    pub fn kill_on_drop(&mut self, kill_on_drop: bool) -> &mut Command {
        self.inner.kill_on_drop(kill_on_drop);
        self
    }

    /// Returns the `kill_on_drop` setting.
    ///
    /// Wrapper for [`tokio::process::Command::get_kill_on_drop`].
    pub fn get_kill_on_drop(&self) -> bool {
        self.inner.get_kill_on_drop()
    }

    /// Sets the child process's user ID.
    ///
    /// Wrapper for [`tokio::process::Command::uid`].
    #[cfg(unix)]
    pub fn uid(&mut self, id: u32) -> &mut Command {
        self.inner.uid(id);
        self
    }

    /// Sets the child process's group ID.
    ///
    /// Wrapper for [`tokio::process::Command::gid`].
    #[cfg(unix)]
    pub fn gid(&mut self, id: u32) -> &mut Command {
        self.inner.gid(id);
        self
    }

    /// Sets the first process argument, `argv[0]`.
    ///
    /// Wrapper for [`tokio::process::Command::arg0`].
    #[cfg(unix)]
    pub fn arg0<S>(&mut self, arg: S) -> &mut Command
    where
        S: AsRef<OsStr>,
    {
        self.inner.arg0(arg);
        self
    }

    /// Sets the process group ID of the child process.
    ///
    /// Wrapper for [`tokio::process::Command::process_group`].
    #[cfg(unix)]
    pub fn process_group(&mut self, pgroup: i32) -> &mut Command {
        self.inner.process_group(pgroup);
        self
    }

    /// Executes the command as a child process, returning a handle to it.
    ///
    /// Raises [`events::process::SPAWN`] with `(program, args, cwd, env,
    /// env_clear)` first; a veto starts nothing.
    ///
    /// Wrapper for [`tokio::process::Command::spawn`].
    #[track_caller]
    pub fn spawn(&mut self) -> io::Result<Child> {
        let caller = std::panic::Location::caller();
        self.audit_spawn(caller)?;
        let child = self.inner.spawn();
        spawn_done();
        child.map(Child::from_tokio)
    }

    /// Executes the command as a child process, waiting for it to finish and
    /// collecting its exit status.
    ///
    /// Raises [`events::process::SPAWN`] when called (tokio starts the child
    /// at that moment, before the future is polled); a veto starts nothing
    /// and the future resolves to the veto.
    ///
    /// Wrapper for [`tokio::process::Command::status`].
    #[track_caller]
    pub fn status(&mut self) -> impl Future<Output = io::Result<ExitStatus>> {
        let caller = std::panic::Location::caller();
        // tokio starts the child here, not when the future is polled.
        let started = self.audit_spawn(caller).map(|()| self.inner.status());
        spawn_done();
        async move { started?.await }
    }

    /// Executes the command as a child process, waiting for it to finish and
    /// collecting all of its output.
    ///
    /// Raises [`events::process::SPAWN`] when called, as
    /// [`status`](Command::status) does.
    ///
    /// Wrapper for [`tokio::process::Command::output`].
    #[track_caller]
    pub fn output(&mut self) -> impl Future<Output = io::Result<Output>> {
        let caller = std::panic::Location::caller();
        // tokio starts the child here, not when the future is polled.
        let started = self.audit_spawn(caller).map(|()| self.inner.output());
        spawn_done();
        async move { started?.await }
    }

    /// Returns the path to the program.
    ///
    /// Wrapper for [`std::process::Command::get_program`].
    pub fn get_program(&self) -> &OsStr {
        self.inner.as_std().get_program()
    }

    /// Returns an iterator of the arguments that will be passed to the
    /// program.
    ///
    /// Wrapper for [`std::process::Command::get_args`].
    pub fn get_args(&self) -> std::process::CommandArgs<'_> {
        self.inner.as_std().get_args()
    }

    /// Returns an iterator of the environment variables explicitly set or
    /// removed for the child.
    ///
    /// Wrapper for [`std::process::Command::get_envs`].
    pub fn get_envs(&self) -> std::process::CommandEnvs<'_> {
        self.inner.as_std().get_envs()
    }

    /// Returns the working directory for the child process.
    ///
    /// Wrapper for [`std::process::Command::get_current_dir`].
    pub fn get_current_dir(&self) -> Option<&Path> {
        self.inner.as_std().get_current_dir()
    }

    /// Borrows the `std` command this wraps (read-only; no escape).
    ///
    /// Wrapper for [`tokio::process::Command::as_std`].
    pub fn as_std(&self) -> &std::process::Command {
        self.inner.as_std()
    }

    /// The one `process.spawn` audit point, `audit_std`'s own.
    fn audit_spawn(
        &self,
        caller: &'static std::panic::Location<'static>,
    ) -> Result<(), AuditError> {
        events::raise_spawn_from(caller, self.inner.as_std(), self.env_clear)
    }
}

/// After tokio started the command, or failed to: a lower layer that
/// interposes the C library (audit-interpose) must not keep this thread's
/// record of the `process.spawn`, or it could pass for the thread's next
/// spawn of the same program (as in `audit_std`).
#[inline]
fn spawn_done() {
    audit_core::__private::already::forget();
}

/// Escape hatches: **not audited**.
impl Command {
    /// Borrows the `std` command mutably. Whatever is changed through it is
    /// reported by the next `process.spawn` (the event reads the command
    /// itself), except `env_clear`, which `std` does not expose: from this
    /// call on, the event's `env_clear` is `None` (unknown) unless
    /// [`env_clear`](Command::env_clear) is called on the wrapper again.
    /// Spawning through the `std` command is **not audited**.
    ///
    /// Wrapper for [`tokio::process::Command::as_std_mut`].
    pub fn as_std_mut(&mut self) -> &mut std::process::Command {
        self.env_clear = None;
        self.inner.as_std_mut()
    }

    /// Turns into the `std` command, whose `spawn` is **not audited**.
    ///
    /// Wrapper for [`tokio::process::Command::into_std`].
    pub fn into_std(self) -> std::process::Command {
        self.inner.into_std()
    }

    /// Turns into tokio's command, whose `spawn` is **not audited**.
    pub fn into_tokio(self) -> tokio::process::Command {
        self.inner
    }
}

impl From<std::process::Command> for Command {
    /// Wraps a `std` command, so that starting it is audited. `std` does not
    /// say whether `env_clear` was called on it, so the event's `env_clear`
    /// is `None` (unknown) unless [`Command::env_clear`] is called again.
    fn from(std: std::process::Command) -> Command {
        Command {
            inner: tokio::process::Command::from(std),
            env_clear: None,
        }
    }
}

impl From<tokio::process::Command> for Command {
    /// Wraps tokio's command, so that starting it is audited. As for a `std`
    /// command, the event's `env_clear` is `None` (unknown) unless
    /// [`Command::env_clear`] is called again.
    fn from(inner: tokio::process::Command) -> Command {
        Command {
            inner,
            env_clear: None,
        }
    }
}

impl From<tokio::process::Child> for Child {
    /// Wraps tokio's child (started without an event), so that killing it is
    /// audited. Its pipe handles move to the public fields.
    fn from(inner: tokio::process::Child) -> Child {
        Child::from_tokio(inner)
    }
}

impl fmt::Debug for Command {
    /// Formats as tokio's `Command` does.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.inner, f)
    }
}

/// Representation of a child process spawned onto an event loop.
///
/// Same public fields and methods as tokio's; [`kill`](Child::kill) and
/// [`start_kill`](Child::start_kill) raise [`events::process::KILL`] first,
/// and a veto sends no signal. Waiting is not audited.
///
/// Wrapper for [`tokio::process::Child`].
pub struct Child {
    /// The handle for writing to the child's standard input, if captured.
    pub stdin: Option<ChildStdin>,
    /// The handle for reading from the child's standard output, if captured.
    pub stdout: Option<ChildStdout>,
    /// The handle for reading from the child's standard error, if captured.
    pub stderr: Option<ChildStderr>,
    /// tokio's child, whose own handle fields are always `None`: they live in
    /// the public fields above and are put back before any tokio method that
    /// uses them.
    inner: tokio::process::Child,
}

impl Child {
    /// Wraps tokio's child: its pipe handles move to the public fields.
    fn from_tokio(mut inner: tokio::process::Child) -> Child {
        Child {
            stdin: inner.stdin.take(),
            stdout: inner.stdout.take(),
            stderr: inner.stderr.take(),
            inner,
        }
    }

    /// Returns the OS-assigned process identifier, or `None` once the child
    /// has been polled to completion.
    ///
    /// Wrapper for [`tokio::process::Child::id`].
    pub fn id(&self) -> Option<u32> {
        self.inner.id()
    }

    /// Raises `process.kill` for a child that can still be signalled. Once
    /// it has been reaped (no pid), tokio sends nothing and returns an
    /// error, so there is nothing to audit.
    fn audit_kill(&self, caller: &'static std::panic::Location<'static>) -> io::Result<()> {
        if let Some(pid) = self.inner.id() {
            audit!(@caller caller, events::process::KILL, pid)?;
        }
        Ok(())
    }

    /// Attempts to force the child to exit, without waiting for it.
    ///
    /// Raises [`events::process::KILL`] with `(pid)` first; a veto sends no
    /// signal.
    ///
    /// Wrapper for [`tokio::process::Child::start_kill`].
    #[track_caller]
    pub fn start_kill(&mut self) -> io::Result<()> {
        let caller = std::panic::Location::caller();
        self.audit_kill(caller)?;
        self.inner.start_kill()
    }

    /// Forces the child to exit and waits for it.
    ///
    /// Raises [`events::process::KILL`] with `(pid)` first; a veto sends no
    /// signal and waits for nothing.
    ///
    /// Wrapper for [`tokio::process::Child::kill`].
    #[track_caller]
    pub fn kill<'__a0>(
        &'__a0 mut self,
    ) -> impl std::future::Future<Output = io::Result<()>> + crate::Captures<'__a0> {
        let caller = std::panic::Location::caller();
        async move {
            self.audit_kill(caller)?;
            // tokio's `kill` closes stdin while waiting: do it on our field.
            self.inner.start_kill()?;
            self.wait().await?;
            Ok(())
        }
    }

    /// Waits for the child to exit completely, closing its stdin first (as
    /// tokio does). No event.
    ///
    /// Wrapper for [`tokio::process::Child::wait`].
    pub async fn wait(&mut self) -> io::Result<ExitStatus> {
        drop(self.stdin.take());
        self.inner.wait().await
    }

    /// Attempts to collect the exit status of the child if it has already
    /// exited. No event.
    ///
    /// Wrapper for [`tokio::process::Child::try_wait`].
    pub fn try_wait(&mut self) -> io::Result<Option<ExitStatus>> {
        self.inner.try_wait()
    }

    /// Waits for the child to exit and collects its remaining output. No
    /// event.
    ///
    /// Wrapper for [`tokio::process::Child::wait_with_output`].
    pub async fn wait_with_output(self) -> io::Result<Output> {
        // tokio reads both pipes concurrently and closes stdin first: give it
        // the handles back to do so.
        self.into_tokio().wait_with_output().await
    }

    /// Unwraps into tokio's child, with the pipe handles put back. Killing it
    /// is **not audited**.
    pub fn into_tokio(self) -> tokio::process::Child {
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

impl fmt::Debug for Child {
    /// The three handles, and tokio's child.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Child")
            .field("stdin", &self.stdin)
            .field("stdout", &self.stdout)
            .field("stderr", &self.stderr)
            .field("inner", &self.inner)
            .finish()
    }
}
