//! Names of the `process.*` events.
//!
//! The table in [`crate::process`] lists who raises each event and the
//! closest CPython audit event.

/// A child process is about to be started.
///
/// Arguments `(program, args, cwd, env, env_clear)`:
///
/// - `program`: [`Value::Path`](audit_core::Value::Path), the program as
///   given to [`Command::new`](crate::process::Command::new) (not resolved
///   against `PATH`).
/// - `args`: [`Value::List`](audit_core::Value::List) of
///   [`Value::OsStr`](audit_core::Value::OsStr), the arguments after the
///   program, as [`Command::get_args`](crate::process::Command::get_args)
///   returns them.
/// - `cwd`: [`Value::Path`](audit_core::Value::Path) of the working directory
///   set with `current_dir`, or [`Value::None`](audit_core::Value::None) when
///   the child inherits the parent's.
/// - `env`: [`Value::List`](audit_core::Value::List) of the explicit
///   environment changes, in the order of
///   [`Command::get_envs`](crate::process::Command::get_envs): each element is
///   a two-element list `[key, value]`, where `key` is a
///   [`Value::OsStr`](audit_core::Value::OsStr) and `value` is a
///   [`Value::OsStr`](audit_core::Value::OsStr) for a variable that is set or
///   [`Value::None`](audit_core::Value::None) for one that is removed.
/// - `env_clear`: [`Value::Bool`](audit_core::Value::Bool), whether
///   `env_clear` was called (the child then inherits nothing but `env`), or
///   [`Value::None`](audit_core::Value::None) when unknown, for a command
///   converted with [`Command::from_std`](crate::process::Command::from_std).
///
/// Raised by [`Command::spawn`](crate::process::Command::spawn),
/// [`Command::output`](crate::process::Command::output) and
/// [`Command::status`](crate::process::Command::status). A veto starts
/// nothing.
pub const SPAWN: &str = "process.spawn";

/// The current process is about to be replaced by another program (Unix).
///
/// Arguments `(program, args, cwd, env, env_clear)`, as for [`SPAWN`].
///
/// Raised by `Command::exec` (`audit_std::os::unix::process::CommandExt`).
/// A veto returns the error without replacing the process.
pub const EXEC: &str = "process.exec";

/// A child process is about to be killed.
///
/// Arguments `(pid)`: [`Value::Uint`](audit_core::Value::Uint), the child's
/// process id. On Unix the signal is `SIGKILL`.
///
/// Raised by [`Child::kill`](crate::process::Child::kill). A veto sends
/// nothing.
pub const KILL: &str = "process.kill";

/// The current process is about to exit.
///
/// Arguments `(code)`: [`Value::Int`](audit_core::Value::Int), the exit code.
///
/// Raised by [`exit`](crate::process::exit). Observe-only: the exit happens
/// whatever the hooks return.
pub const EXIT: &str = "process.exit";

/// The current process is about to abort.
///
/// No arguments.
///
/// Raised by [`abort`](crate::process::abort). Observe-only: the abort
/// happens whatever the hooks return.
pub const ABORT: &str = "process.abort";

/// Every `process.*` event, in the order of the table in [`crate::process`]'s
/// documentation.
///
/// For code that treats the family as a whole: a policy that lists what it
/// covers, a test that checks each event was raised.
///
/// ```
/// use audit_std::events::process;
///
/// assert!(process::ALL.contains(&process::SPAWN));
/// assert!(process::ALL.iter().all(|name| name.starts_with("process.")));
/// ```
pub const ALL: &[&str] = &[SPAWN, EXEC, KILL, EXIT, ABORT];
