//! The one table of every event this crate raises: its classes, the files it
//! names and how the kernel reaches them, and its CPython counterpart.
//!
//! Policies (`@write`), `crate::testing`'s expectations and the README's
//! event table are all checked against, or computed from, this table.

use audit_core::Event;

use super::{fs, net, process, Classes};

/// What an event does with a file it names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Access {
    /// Reads its contents.
    Read,
    /// Changes it: contents, name, links, permissions, owner, times, length.
    Write,
    /// Reads or changes its contents as the event's flags say: `fs.open`,
    /// whose effective access is in `write`, `append`, `truncate`, `create`
    /// and `create_new`.
    ByFlags,
    /// Names it without reading or changing its contents: `stat`, a
    /// directory listing, a socket path to connect to, a directory to enter.
    Other,
    /// The text of a symbolic link's target: not touched when the link is
    /// made, and relative to the link's own directory (named by the event's
    /// `link` argument), not to the current directory.
    LinkTarget,
}

/// What an event argument holds, as a policy condition reads it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ArgKind {
    /// A filesystem path ([`Value::Path`](audit_core::Value::Path)).
    Path,
    /// The raw descriptor of an open file.
    Fd,
    /// A boolean flag.
    Bool,
    /// An unsigned integer (a mode, a length, an id).
    Uint,
    /// A signed integer (flags, an exit code).
    Int,
    /// A socket address: an IP address and a port.
    SocketAddr,
    /// An IP address.
    Ip,
    /// A port number.
    Port,
    /// A host name to resolve.
    Host,
    /// The program a process runs.
    Program,
    /// Text.
    Str,
    /// Bytes (an abstract socket name).
    Bytes,
    /// A list of values.
    List,
    /// Anything else, shown through `Debug`.
    Other,
}

impl EventInfo {
    /// The kind of the argument called `name`, if the event has one.
    pub fn arg_kind(&self, name: &str) -> Option<ArgKind> {
        self.args.iter().find(|(n, _)| *n == name).map(|(_, k)| *k)
    }
}

/// Whether the kernel follows a symbolic link in the last component.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Follow {
    /// It does (`open`, `chmod`, `stat`).
    Always,
    /// It acts on the link itself (`unlink`, `rename`, `lstat`, `mkdir`).
    Never,
    /// As the boolean argument of this name says; a missing or unreadable
    /// value counts as following.
    ByArg(&'static str),
}

/// A path argument of an event.
#[derive(Clone, Copy, Debug)]
pub struct PathArg {
    /// The argument's name.
    pub name: &'static str,
    /// What the event does with the file.
    pub access: Access,
    /// Whether a link in the last component is followed.
    pub follow: Follow,
}

/// One row of [`TABLE`].
#[derive(Clone, Copy, Debug)]
pub struct EventInfo {
    /// The event's name (`fs.open`).
    pub name: &'static str,
    /// Its arguments, in order, with what each holds.
    pub args: &'static [(&'static str, ArgKind)],
    /// What the event does. [`EventInfo::classes_of`] refines this for one
    /// event (an `fs.open` that writes).
    pub classes: Classes,
    /// The arguments that name files.
    pub paths: &'static [PathArg],
    /// The argument holding the open file's descriptor, for events that may
    /// act on an open file rather than a path: when the path argument is
    /// `None`, the file is the descriptor's.
    pub fd: Option<&'static str>,
    /// The closest CPython audit event, as the README's table shows it
    /// (Markdown).
    pub cpython: &'static str,
}

/// The booleans of `fs.open` that mean it changes the file (the same names
/// as `opens_for_writing` matches).
pub const OPEN_WRITE_FLAGS: &[&str] = &["write", "append", "truncate", "create", "create_new"];

impl EventInfo {
    /// The classes of this occurrence of the event: [`classes`](Self::classes),
    /// plus [`Classes::WRITE`] for an `fs.open` whose effective flags write,
    /// create or truncate (or cannot be read, which counts as writing).
    ///
    /// ```
    /// use audit_core::{audit, testing, Event};
    /// use audit_std::events::{self, Classes};
    ///
    /// let check = |event: &Event<'_>| {
    ///     let info = events::info(event.name()).unwrap();
    ///     assert!(info.classes_of(event).contains(Classes::WRITE));
    ///     Ok(())
    /// };
    /// testing::capture_with(check, || audit!("fs.open", path = "/tmp/x", write = false, truncate = true))
    ///     .0
    ///     .unwrap();
    /// ```
    pub fn classes_of(&self, event: &Event<'_>) -> Classes {
        if !self.writes_by_flags() {
            return self.classes;
        }
        let mut classes = self.classes;
        if opens_for_writing(event) {
            classes |= Classes::WRITE;
        }
        classes
    }

    /// Every class some occurrence of the event can have: what a rule on a
    /// class must watch the event's audit points for.
    pub fn possible_classes(&self) -> Classes {
        if self.writes_by_flags() {
            self.classes | Classes::WRITE
        } else {
            self.classes
        }
    }

    fn writes_by_flags(&self) -> bool {
        self.paths.iter().any(|p| p.access == Access::ByFlags)
    }
}

/// Whether an `fs.open`'s effective flags change the file. A flag that is
/// present but not a boolean counts as set: unknown is judged as a write.
pub(crate) fn opens_for_writing(event: &Event<'_>) -> bool {
    // One pass, the cheap test first: this runs for every `fs.open` that a
    // policy with a class pattern sees, and most of its values are `false`.
    event.args().any(|(name, value)| {
        !matches!(
            value,
            audit_core::Value::None | audit_core::Value::Bool(false)
        ) && matches!(
            name,
            "write" | "append" | "truncate" | "create" | "create_new"
        )
    })
}

/// The row of `name`, or `None` for an event this crate does not raise.
///
/// ```
/// use audit_std::events::{self, Classes};
///
/// assert!(events::info("fs.chown").unwrap().classes.contains(Classes::WRITE));
/// assert!(events::info("app.login").is_none());
/// ```
pub fn info(name: &str) -> Option<&'static EventInfo> {
    TABLE.iter().find(|info| info.name == name)
}

const fn arg(name: &'static str, access: Access, follow: Follow) -> PathArg {
    PathArg {
        name,
        access,
        follow,
    }
}

const fn row(
    name: &'static str,
    args: &'static [(&'static str, ArgKind)],
    classes: Classes,
    paths: &'static [PathArg],
    cpython: &'static str,
) -> EventInfo {
    EventInfo {
        name,
        args,
        classes,
        paths,
        fd: None,
        cpython,
    }
}

/// An event that acts on a path or on an open file (`fd`).
const fn fd_row(
    name: &'static str,
    args: &'static [(&'static str, ArgKind)],
    classes: Classes,
    paths: &'static [PathArg],
    cpython: &'static str,
) -> EventInfo {
    EventInfo {
        fd: Some("fd"),
        ..row(name, args, classes, paths, cpython)
    }
}

use Access::{ByFlags, LinkTarget, Read, Write};
use ArgKind::{Bool, Bytes, Fd, Host, Int, Ip, List, Path, Port, Program, SocketAddr, Str, Uint};
use Follow::{Always, ByArg, Never};

const W: Classes = Classes::WRITE;

/// Every event `audit_std` raises (and `audit.add_hook`, which `audit_core`
/// raises), in the order of the README's table.
pub const TABLE: &[EventInfo] = &[
    row(
        fs::OPEN,
        &[
            ("path", Path),
            ("read", Bool),
            ("write", Bool),
            ("append", Bool),
            ("truncate", Bool),
            ("create", Bool),
            ("create_new", Bool),
            ("mode", Uint),
            ("custom_flags", Int),
        ],
        Classes::READ,
        &[arg("path", ByFlags, Always)],
        "`open`",
    ),
    row(
        fs::COPY,
        &[("from", Path), ("to", Path)],
        Classes::READ.union(W),
        &[arg("from", Read, Always), arg("to", Write, Always)],
        "`shutil.copyfile`",
    ),
    row(
        fs::RENAME,
        &[("from", Path), ("to", Path)],
        W,
        &[arg("from", Write, Never), arg("to", Write, Never)],
        "`os.rename`",
    ),
    row(
        fs::REMOVE_FILE,
        &[("path", Path)],
        W,
        &[arg("path", Write, Never)],
        "`os.remove`",
    ),
    row(
        fs::REMOVE_DIR,
        &[("path", Path)],
        W,
        &[arg("path", Write, Never)],
        "`os.rmdir`",
    ),
    row(
        fs::REMOVE_DIR_ALL,
        &[("path", Path)],
        W,
        &[arg("path", Write, Never)],
        "`shutil.rmtree`",
    ),
    row(
        fs::CREATE_DIR,
        &[("path", Path), ("recursive", Bool), ("mode", Uint)],
        W,
        &[arg("path", Write, Never)],
        "`os.mkdir`",
    ),
    row(
        fs::READ_DIR,
        &[("path", Path)],
        Classes::METADATA,
        &[arg("path", Access::Other, Always)],
        "`os.listdir` / `os.scandir`",
    ),
    fd_row(
        fs::METADATA,
        &[("path", Path), ("fd", Fd), ("follow_symlinks", Bool)],
        Classes::METADATA,
        &[arg("path", Access::Other, ByArg("follow_symlinks"))],
        "none (`os.stat` raises nothing)",
    ),
    row(
        fs::CANONICALIZE,
        &[("path", Path)],
        Classes::METADATA,
        &[arg("path", Access::Other, Always)],
        "none (`os.path.realpath` raises nothing)",
    ),
    row(
        fs::READ_LINK,
        &[("path", Path)],
        Classes::METADATA,
        &[arg("path", Access::Other, Never)],
        "none (`os.readlink` raises nothing)",
    ),
    // A hard link makes the original's file writable through the new name,
    // so both count as written.
    row(
        fs::HARD_LINK,
        &[("original", Path), ("link", Path)],
        W,
        &[arg("original", Write, Never), arg("link", Write, Never)],
        "`os.link`",
    ),
    row(
        fs::SYMLINK,
        &[("original", Path), ("link", Path)],
        W,
        &[
            arg("original", LinkTarget, Always),
            arg("link", Write, Never),
        ],
        "`os.symlink`",
    ),
    fd_row(
        fs::SET_PERMISSIONS,
        &[
            ("path", Path),
            ("fd", Fd),
            ("mode", Uint),
            ("readonly", Bool),
        ],
        W,
        &[arg("path", Write, Always)],
        "`os.chmod`",
    ),
    fd_row(
        fs::SET_LEN,
        &[("path", Path), ("fd", Fd), ("len", Uint)],
        W,
        &[arg("path", Write, Always)],
        "`os.truncate`",
    ),
    fd_row(
        fs::SET_TIMES,
        &[("path", Path), ("fd", Fd), ("times", ArgKind::Other)],
        W,
        &[arg("path", Write, Always)],
        "`os.utime`",
    ),
    fd_row(
        fs::LOCK,
        &[
            ("path", Path),
            ("fd", Fd),
            ("shared", Bool),
            ("blocking", Bool),
        ],
        Classes::LOCK,
        &[arg("path", Access::Other, Always)],
        "`fcntl.flock`",
    ),
    fd_row(
        fs::UNLOCK,
        &[("path", Path), ("fd", Fd)],
        Classes::LOCK,
        &[arg("path", Access::Other, Always)],
        "`fcntl.flock`",
    ),
    fd_row(
        fs::CHOWN,
        &[
            ("path", Path),
            ("fd", Fd),
            ("uid", Uint),
            ("gid", Uint),
            ("follow_symlinks", Bool),
        ],
        W,
        &[arg("path", Write, ByArg("follow_symlinks"))],
        "`os.chown`",
    ),
    row(
        fs::CHROOT,
        &[("path", Path)],
        Classes::CHDIR,
        &[arg("path", Access::Other, Always)],
        "none",
    ),
    row(
        fs::SET_CURRENT_DIR,
        &[("path", Path)],
        Classes::CHDIR,
        &[arg("path", Access::Other, Always)],
        "`os.chdir`",
    ),
    row(
        process::SPAWN,
        &[
            ("program", Program),
            ("args", List),
            ("cwd", Path),
            ("env", List),
            ("env_clear", Bool),
        ],
        Classes::EXEC,
        &[],
        "`subprocess.Popen`, `os.posix_spawn`",
    ),
    row(
        process::EXEC,
        &[
            ("program", Program),
            ("args", List),
            ("cwd", Path),
            ("env", List),
            ("env_clear", Bool),
        ],
        Classes::EXEC,
        &[],
        "`os.exec`",
    ),
    row(
        process::KILL,
        &[("pid", Uint)],
        Classes::SIGNAL,
        &[],
        "`os.kill`",
    ),
    row(
        process::EXIT,
        &[("code", Int)],
        Classes::EXIT,
        &[],
        "none (`sys.exit` raises nothing)",
    ),
    row(
        process::ABORT,
        &[],
        Classes::EXIT,
        &[],
        "none (`os.abort` raises nothing)",
    ),
    row(
        net::RESOLVE,
        &[("host", Host), ("port", Port)],
        Classes::RESOLVE,
        &[],
        "`socket.getaddrinfo`",
    ),
    row(
        net::CONNECT,
        &[("address", SocketAddr), ("protocol", Str)],
        Classes::CONNECT,
        &[],
        "`socket.connect`",
    ),
    row(
        net::BIND,
        &[("address", SocketAddr), ("protocol", Str)],
        Classes::BIND,
        &[],
        "`socket.bind`",
    ),
    row(
        net::ACCEPT,
        &[("peer", SocketAddr), ("local", SocketAddr)],
        Classes::ACCEPT,
        &[],
        "none (`socket.__new__`, without the peer)",
    ),
    row(
        net::SEND_TO,
        &[("address", SocketAddr)],
        Classes::SEND,
        &[],
        "`socket.sendto`",
    ),
    row(
        net::JOIN_MULTICAST,
        &[("group", Ip), ("interface", ArgKind::Other)],
        Classes::MULTICAST,
        &[],
        "none (`setsockopt` is not audited)",
    ),
    row(
        net::UNIX_CONNECT,
        &[("path", Path), ("abstract_name", Bytes)],
        Classes::CONNECT,
        &[arg("path", Access::Other, Always)],
        "`socket.connect` (`AF_UNIX`)",
    ),
    // Binding creates the socket file.
    row(
        net::UNIX_BIND,
        &[("path", Path), ("abstract_name", Bytes)],
        Classes::BIND.union(W),
        &[arg("path", Write, Never)],
        "`socket.bind` (`AF_UNIX`)",
    ),
    row(
        net::UNIX_ACCEPT,
        &[("peer", Path), ("local", Path)],
        Classes::ACCEPT,
        &[],
        "none",
    ),
    row(
        net::UNIX_SEND_TO,
        &[("path", Path), ("abstract_name", Bytes)],
        Classes::SEND,
        &[arg("path", Access::Other, Always)],
        "`socket.sendto` (`AF_UNIX`)",
    ),
    row(
        audit_core::ADD_HOOK_EVENT,
        &[("hook", Str)],
        Classes::HOOK,
        &[],
        "`sys.addaudithook`",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;
    use audit_core::{audit, testing};

    /// `opens_for_writing` spells the flags out for speed: each flag of
    /// [`OPEN_WRITE_FLAGS`], and only those, makes an open a write.
    #[test]
    fn opens_for_writing_reads_exactly_the_write_flags() {
        if !audit_core::ENABLED {
            return;
        }
        let judged = |flags: [bool; 6]| {
            let seen = std::sync::Arc::new(std::sync::Mutex::new(None));
            let out = seen.clone();
            let hook = move |event: &Event<'_>| {
                *out.lock().unwrap() = Some(opens_for_writing(event));
                Ok(())
            };
            let [read, write, append, truncate, create, create_new] = flags;
            testing::capture_with(hook, || {
                audit!(
                    "fs.open",
                    path = "/x",
                    read,
                    write,
                    append,
                    truncate,
                    create,
                    create_new
                )
            })
            .0
            .unwrap();
            let verdict = seen.lock().unwrap().unwrap();
            verdict
        };
        let names = [
            "read",
            "write",
            "append",
            "truncate",
            "create",
            "create_new",
        ];
        for (i, name) in names.iter().enumerate() {
            let mut flags = [false; 6];
            flags[i] = true;
            assert_eq!(judged(flags), OPEN_WRITE_FLAGS.contains(name), "{name}");
        }
        assert!(!judged([false; 6]));
    }
}
