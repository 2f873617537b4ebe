//! [`Command`]: the audited process builder.

use std::ffi::OsStr;
use std::fmt;
use std::io;
use std::path::Path;
use std::process;

use audit_core::{audit, AuditError, Value};

use super::{Child, CommandArgs, CommandEnvs, ExitStatus, Output, Stdio};
use crate::events;

/// A process builder, providing fine-grained control over how a new process
/// should be spawned.
///
/// Same builder API as `std`'s; [`spawn`](Command::spawn),
/// [`output`](Command::output) and [`status`](Command::status) raise
/// [`events::process::SPAWN`] first, and a veto starts nothing.
///
/// There is deliberately no `Deref` to [`std::process::Command`]: through it,
/// `std`'s methods (and `std`'s `CommandExt::exec`) would run unaudited. The
/// "not in `std`" methods [`from_std`](Command::from_std),
/// [`as_std`](Command::as_std) and [`into_std`](Command::into_std) convert
/// explicitly.
///
/// ```
/// use audit_std::process::Command;
///
/// let output = Command::new("/bin/sh").args(["-c", "echo $GREETING"]).env("GREETING", "hi").output()?;
/// assert_eq!(output.stdout, b"hi\n");
/// # Ok::<(), std::io::Error>(())
/// ```
///
/// Wrapper for [`std::process::Command`].
pub struct Command {
    inner: process::Command,
    /// Whether `env_clear` was called; `None` when unknown (converted from
    /// `std`, whose `get_env_clear` is not stable).
    env_clear: Option<bool>,
}

impl Command {
    /// Constructs a new `Command` for launching the program at path `program`.
    ///
    /// Nothing is audited until the command is started.
    ///
    /// Wrapper for [`std::process::Command::new`].
    pub fn new<S: AsRef<OsStr>>(program: S) -> Command {
        Command {
            inner: process::Command::new(program),
            env_clear: Some(false),
        }
    }

    /// Adds an argument to pass to the program.
    ///
    /// Wrapper for [`std::process::Command::arg`].
    pub fn arg<S: AsRef<OsStr>>(&mut self, arg: S) -> &mut Command {
        self.inner.arg(arg);
        self
    }

    /// Adds multiple arguments to pass to the program.
    ///
    /// Wrapper for [`std::process::Command::args`].
    pub fn args<I, S>(&mut self, args: I) -> &mut Command
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.inner.args(args);
        self
    }

    /// Inserts or updates an explicit environment variable mapping.
    ///
    /// Wrapper for [`std::process::Command::env`].
    pub fn env<K, V>(&mut self, key: K, val: V) -> &mut Command
    where
        K: AsRef<OsStr>,
        V: AsRef<OsStr>,
    {
        self.inner.env(key, val);
        self
    }

    /// Inserts or updates multiple explicit environment variable mappings.
    ///
    /// Wrapper for [`std::process::Command::envs`].
    pub fn envs<I, K, V>(&mut self, vars: I) -> &mut Command
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<OsStr>,
        V: AsRef<OsStr>,
    {
        self.inner.envs(vars);
        self
    }

    /// Removes an explicitly set environment variable and prevents inheriting
    /// it from a parent process.
    ///
    /// Wrapper for [`std::process::Command::env_remove`].
    pub fn env_remove<K: AsRef<OsStr>>(&mut self, key: K) -> &mut Command {
        self.inner.env_remove(key);
        self
    }

    /// Clears all explicitly set environment variables and prevents
    /// inheriting any parent process environment variables.
    ///
    /// Wrapper for [`std::process::Command::env_clear`].
    pub fn env_clear(&mut self) -> &mut Command {
        self.inner.env_clear();
        self.env_clear = Some(true);
        self
    }

    /// Sets the working directory for the child process.
    ///
    /// Wrapper for [`std::process::Command::current_dir`].
    pub fn current_dir<P: AsRef<Path>>(&mut self, dir: P) -> &mut Command {
        self.inner.current_dir(dir);
        self
    }

    /// Configuration for the child process's standard input (stdin) handle.
    ///
    /// Wrapper for [`std::process::Command::stdin`].
    pub fn stdin<T: Into<Stdio>>(&mut self, cfg: T) -> &mut Command {
        self.inner.stdin(cfg);
        self
    }

    /// Configuration for the child process's standard output (stdout) handle.
    ///
    /// Wrapper for [`std::process::Command::stdout`].
    pub fn stdout<T: Into<Stdio>>(&mut self, cfg: T) -> &mut Command {
        self.inner.stdout(cfg);
        self
    }

    /// Configuration for the child process's standard error (stderr) handle.
    ///
    /// Wrapper for [`std::process::Command::stderr`].
    pub fn stderr<T: Into<Stdio>>(&mut self, cfg: T) -> &mut Command {
        self.inner.stderr(cfg);
        self
    }

    /// Executes the command as a child process, returning a handle to it.
    ///
    /// Raises [`events::process::SPAWN`] with
    /// `(program, args, cwd, env, env_clear)` before the call; a veto starts
    /// nothing.
    ///
    /// Wrapper for [`std::process::Command::spawn`].
    #[track_caller]
    pub fn spawn(&mut self) -> io::Result<Child> {
        self.audit_spawn()?;
        let result = self.inner.spawn();
        spawn_done();
        result.map(Child::from_std)
    }

    /// Executes the command as a child process, waiting for it to finish and
    /// collecting all of its output.
    ///
    /// Raises [`events::process::SPAWN`] with
    /// `(program, args, cwd, env, env_clear)` before the call; a veto starts
    /// nothing.
    ///
    /// Wrapper for [`std::process::Command::output`].
    #[track_caller]
    pub fn output(&mut self) -> io::Result<Output> {
        self.audit_spawn()?;
        let result = self.inner.output();
        spawn_done();
        result
    }

    /// Executes a command as a child process, waiting for it to finish and
    /// collecting its status.
    ///
    /// Raises [`events::process::SPAWN`] with
    /// `(program, args, cwd, env, env_clear)` before the call; a veto starts
    /// nothing.
    ///
    /// Wrapper for [`std::process::Command::status`].
    #[track_caller]
    pub fn status(&mut self) -> io::Result<ExitStatus> {
        self.audit_spawn()?;
        let result = self.inner.status();
        spawn_done();
        result
    }

    /// Returns the path to the program that was given to [`Command::new`].
    ///
    /// Wrapper for [`std::process::Command::get_program`].
    pub fn get_program(&self) -> &OsStr {
        self.inner.get_program()
    }

    /// Returns an iterator of the arguments that will be passed to the program.
    ///
    /// Wrapper for [`std::process::Command::get_args`].
    pub fn get_args(&self) -> CommandArgs<'_> {
        self.inner.get_args()
    }

    /// Returns an iterator of the environment variables explicitly set or
    /// removed for the child process.
    ///
    /// Wrapper for [`std::process::Command::get_envs`].
    pub fn get_envs(&self) -> CommandEnvs<'_> {
        self.inner.get_envs()
    }

    /// Returns the working directory for the child process, if one was set.
    ///
    /// Wrapper for [`std::process::Command::get_current_dir`].
    pub fn get_current_dir(&self) -> Option<&Path> {
        self.inner.get_current_dir()
    }

    /// The one `process.spawn` audit point, shared by `spawn`, `output` and `status`.
    #[track_caller]
    fn audit_spawn(&self) -> Result<(), AuditError> {
        raise_spawn_from(std::panic::Location::caller(), &self.inner, self.env_clear)
    }

    /// The `process.exec` audit point.
    #[cfg(unix)]
    #[track_caller]
    fn audit_exec(&self) -> Result<(), AuditError> {
        audit!(
            events::process::EXEC,
            program = Path::new(self.inner.get_program()),
            args = arg_values(&self.inner),
            cwd = self.inner.get_current_dir(),
            env = EnvChanges::of(&self.inner).values(),
            env_clear = self.env_clear,
        )
    }
}

/// Not in `std`: conversions from and to [`std::process::Command`].
///
/// A command started through the `std` type (after [`into_std`](Self::into_std))
/// raises no event: these are escape hatches, to be used knowingly.
impl Command {
    /// Wraps a `std` command, so that starting it is audited.
    ///
    /// `std` does not say (in stable Rust) whether `env_clear` was called on
    /// it, so the `env_clear` argument of this command's events is
    /// [`Value::None`] (unknown) unless [`env_clear`](Self::env_clear) is
    /// called again on the wrapper.
    pub fn from_std(inner: process::Command) -> Command {
        Command {
            inner,
            env_clear: None,
        }
    }

    /// Borrows the `std` command, to read its configuration. Starting
    /// processes needs `&mut`, so nothing unaudited can be started through it.
    pub fn as_std(&self) -> &process::Command {
        &self.inner
    }

    /// Unwraps the `std` command. **Starting it is not audited.**
    pub fn into_std(self) -> process::Command {
        self.inner
    }
}

impl From<process::Command> for Command {
    /// Same as [`Command::from_std`].
    fn from(inner: process::Command) -> Command {
        Command::from_std(inner)
    }
}

impl From<Command> for process::Command {
    /// Same as [`Command::into_std`]: **starting the result is not audited.**
    fn from(command: Command) -> process::Command {
        command.into_std()
    }
}

impl fmt::Debug for Command {
    /// Formats exactly as `std`'s `Command` does (the program and its
    /// arguments, quoted, with the working directory and environment changes).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.inner, f)
    }
}

/// After `std` started the command, or failed to: a lower layer that
/// interposes the C library (audit-interpose) no longer needs this thread's
/// record of its `process.spawn`. It was used by `posix_spawn`, or went
/// with the forked child; but when `std` failed before either (it could not
/// open `/dev/null`, make a pipe), it would still be here, and could pass
/// for this thread's next spawn of the same program. One relaxed load
/// without such a layer.
#[inline]
fn spawn_done() {
    audit_core::__private::already::forget();
}

/// Raises `process.spawn` for starting `command`, with `(program, args, cwd,
/// env, env_clear)` read from it ([`crate::events::process::SPAWN`] documents
/// each): the single audit point for every way of starting a process, in
/// `audit_std` and in wrappers of other libraries' commands. `env_clear` is
/// whether `env_clear` was called on it, `None` when unknown (`std` does not
/// say). `caller` is the code the event is attributed to: pass
/// [`Location::caller()`](std::panic::Location::caller) from a
/// `#[track_caller]` function.
///
/// ```
/// let command = std::process::Command::new("true");
/// audit_std::events::raise_spawn_from(std::panic::Location::caller(), &command, Some(false))?;
/// # Ok::<(), audit_core::AuditError>(())
/// ```
pub fn raise_spawn_from(
    caller: &'static std::panic::Location<'static>,
    command: &process::Command,
    env_clear: Option<bool>,
) -> Result<(), AuditError> {
    // The argument expressions only run when a hook will see the event,
    // so the lists below are never built on the fast path.
    audit!(
        @caller caller,
        events::process::SPAWN,
        program = Path::new(command.get_program()),
        args = arg_values(command),
        cwd = command.get_current_dir(),
        env = EnvChanges::of(command).values(),
        env_clear = env_clear,
    )
}

/// The arguments after the program, as typed values.
fn arg_values(cmd: &process::Command) -> Vec<Value<'_>> {
    cmd.get_args().map(Value::OsStr).collect()
}

/// Environment changes as `[key, value-or-none]` pairs. The pairs are stored
/// here so that [`values`](Self::values) can lend a list of lists; both live
/// as temporaries until the event has been delivered.
struct EnvChanges<'a> {
    pairs: Vec<[Value<'a>; 2]>,
}

impl<'a> EnvChanges<'a> {
    fn of(cmd: &'a process::Command) -> Self {
        let pairs = cmd
            .get_envs()
            .map(|(key, value)| [Value::OsStr(key), value.map_or(Value::None, Value::OsStr)])
            .collect();
        EnvChanges { pairs }
    }

    fn values(&self) -> Vec<Value<'_>> {
        self.pairs.iter().map(|pair| Value::List(pair)).collect()
    }
}

/// Not in `std` as inherent methods: `std` offers these through its sealed
/// `std::os::unix::process::CommandExt`, which cannot be implemented for this
/// type. They are also available through
/// [`audit_std::os::unix::process::CommandExt`](crate::os::unix::process::CommandExt).
#[cfg(unix)]
impl Command {
    /// Sets the child process's user ID.
    ///
    /// Wrapper for [`std::os::unix::process::CommandExt::uid`].
    pub fn uid(&mut self, id: u32) -> &mut Command {
        std::os::unix::process::CommandExt::uid(&mut self.inner, id);
        self
    }

    /// Similar to [`uid`](Self::uid), but sets the group ID of the child process.
    ///
    /// Wrapper for [`std::os::unix::process::CommandExt::gid`].
    pub fn gid(&mut self, id: u32) -> &mut Command {
        std::os::unix::process::CommandExt::gid(&mut self.inner, id);
        self
    }

    /// Schedules a closure to be run just before the `exec` function is invoked.
    ///
    /// # Safety
    ///
    /// The closure runs in the child after `fork`, where only
    /// async-signal-safe operations are sound: see `std`'s documentation of
    /// this method for the full contract, which is unchanged.
    ///
    /// Wrapper for [`std::os::unix::process::CommandExt::pre_exec`].
    pub unsafe fn pre_exec<F>(&mut self, f: F) -> &mut Command
    where
        F: FnMut() -> io::Result<()> + Send + Sync + 'static,
    {
        // SAFETY: the caller upholds `pre_exec`'s contract, which we forward unchanged.
        unsafe { std::os::unix::process::CommandExt::pre_exec(&mut self.inner, f) };
        self
    }

    /// Schedules a closure to be run just before the `exec` function is invoked.
    ///
    /// # Safety
    ///
    /// As for [`pre_exec`](Self::pre_exec).
    ///
    /// Wrapper for [`std::os::unix::process::CommandExt::before_exec`].
    #[deprecated(since = "0.1.0", note = "should be unsafe, use `pre_exec` instead")]
    pub unsafe fn before_exec<F>(&mut self, f: F) -> &mut Command
    where
        F: FnMut() -> io::Result<()> + Send + Sync + 'static,
    {
        // SAFETY: the caller upholds `pre_exec`'s contract, which we forward unchanged.
        unsafe { self.pre_exec(f) }
    }

    /// Performs all the required setup by this `Command`, followed by calling
    /// the `execvp` syscall: on success this function does not return.
    ///
    /// Raises [`events::process::EXEC`] with
    /// `(program, args, cwd, env, env_clear)` before the call; on a veto the
    /// error is returned and the process is not replaced, nor changed in any
    /// way. (Once the event is allowed, a failing `exec` may leave this
    /// process's working directory changed, as with `std`.)
    ///
    /// Wrapper for [`std::os::unix::process::CommandExt::exec`].
    #[track_caller]
    pub fn exec(&mut self) -> io::Error {
        if let Err(refused) = self.audit_exec() {
            return refused.into();
        }
        std::os::unix::process::CommandExt::exec(&mut self.inner)
    }

    /// Sets the executable argument: the first element of the child's `argv`,
    /// which is the program path by default.
    ///
    /// Events still report the program actually executed (the path given to
    /// [`Command::new`]), not this name.
    ///
    /// Wrapper for [`std::os::unix::process::CommandExt::arg0`].
    pub fn arg0<S: AsRef<OsStr>>(&mut self, arg: S) -> &mut Command {
        std::os::unix::process::CommandExt::arg0(&mut self.inner, arg);
        self
    }

    /// Sets the process group ID (PGID) of the child process.
    ///
    /// Wrapper for [`std::os::unix::process::CommandExt::process_group`].
    pub fn process_group(&mut self, pgroup: i32) -> &mut Command {
        std::os::unix::process::CommandExt::process_group(&mut self.inner, pgroup);
        self
    }
}

#[cfg(unix)]
mod unix {
    use std::ffi::OsStr;
    use std::io;

    use super::Command;
    use crate::os::unix::process::{sealed, CommandExt};

    impl sealed::Sealed for Command {}

    // Each method calls the inherent method of the same name (inherent
    // methods take precedence in path resolution, so none of these recurse).
    impl CommandExt for Command {
        fn uid(&mut self, id: u32) -> &mut Command {
            Command::uid(self, id)
        }

        fn gid(&mut self, id: u32) -> &mut Command {
            Command::gid(self, id)
        }

        unsafe fn pre_exec<F>(&mut self, f: F) -> &mut Command
        where
            F: FnMut() -> io::Result<()> + Send + Sync + 'static,
        {
            // SAFETY: the caller upholds `pre_exec`'s contract, which we forward unchanged.
            unsafe { Command::pre_exec(self, f) }
        }

        #[track_caller]
        fn exec(&mut self) -> io::Error {
            Command::exec(self)
        }

        fn arg0<S: AsRef<OsStr>>(&mut self, arg: S) -> &mut Command {
            Command::arg0(self, arg)
        }

        fn process_group(&mut self, pgroup: i32) -> &mut Command {
            Command::process_group(self, pgroup)
        }
    }
}
