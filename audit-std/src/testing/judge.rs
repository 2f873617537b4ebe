//! Deciding, at the moment an event is raised, whether it breaks an
//! expectation. Everything here runs inside the capture's hook, so the
//! current directory and open file descriptors are those of the operation.

use std::net::IpAddr;
use std::path::{Path, PathBuf};

use audit_core::path::{absolute, lexical};
use audit_core::{Event, Value};

use super::{Network, Rule};
use crate::events;

/// A directory that writes may go under, in the two spellings a path can
/// reach it by without the check following symbolic links: as given (made
/// absolute, `.` and `..` resolved lexically) and canonical (every symbolic
/// link resolved, when the directory exists).
#[derive(Clone, Debug)]
pub(super) struct Root {
    pub(super) given: PathBuf,
    canonical: Option<PathBuf>,
}

impl Root {
    pub(super) fn new(dir: &Path) -> Root {
        let given = absolute(dir).unwrap_or_else(|| lexical(dir));
        // `std::fs`, not the audited wrapper: the helper itself raises nothing.
        let canonical = std::fs::canonicalize(&given).ok().filter(|c| *c != given);
        Root { given, canonical }
    }

    fn covers(&self, path: &Path) -> bool {
        // `Path::starts_with` is component-wise: `/tmp/a` does not cover `/tmp/ab`.
        path.starts_with(&self.given)
            || self.canonical.as_ref().is_some_and(|c| path.starts_with(c))
    }
}

/// The expectations of one check, compiled.
#[derive(Clone, Debug)]
pub(super) struct Judge {
    pub(super) network: Option<Network>,
    pub(super) roots: Option<Vec<Root>>,
    pub(super) no_spawn: bool,
}

impl Judge {
    /// The rule `event` breaks and why, or `None` if it breaks none.
    pub(super) fn judge(&self, event: &Event<'_>) -> Option<(Rule, String)> {
        let name = event.name();
        if let Some(network) = self.network {
            if name.starts_with("net.") {
                if let Some(why) = network_violation(network, event) {
                    return Some((Rule::Network, why));
                }
            }
        }
        if let Some(roots) = &self.roots {
            if let Some(why) = write_violation(roots, event) {
                return Some((Rule::Write, why));
            }
        }
        if self.no_spawn && (name == events::process::SPAWN || name == events::process::EXEC) {
            let program = event.arg("program").unwrap_or(Value::None);
            return Some((Rule::Spawn, format!("starts the program `{program}`")));
        }
        None
    }
}

fn is_loopback(ip: IpAddr) -> bool {
    // `::ffff:127.0.0.1` is loopback too.
    ip.to_canonical().is_loopback()
}

/// Why a `net.*` event is not allowed under `network`, or `None`.
fn network_violation(network: Network, event: &Event<'_>) -> Option<String> {
    if network == Network::None {
        return Some("network access".into());
    }
    let address = |arg: &str| event.arg(arg).and_then(|v| v.as_socket_addr());
    let not_loopback = |what: &str, arg: &str| match address(arg) {
        Some(a) if is_loopback(a.ip()) => None,
        Some(a) => Some(format!("{what} {a}, which is not a loopback address")),
        None => Some(format!("{what} an unknown address")),
    };
    match event.name() {
        events::net::CONNECT => not_loopback("connects to", "address"),
        events::net::BIND => not_loopback("binds to", "address"),
        events::net::SEND_TO => not_loopback("sends to", "address"),
        events::net::ACCEPT => not_loopback("accepts a connection from", "peer"),
        events::net::RESOLVE => {
            let host = event.arg("host").and_then(|v| v.as_str()).unwrap_or("");
            let host = host.strip_suffix('.').unwrap_or(host);
            if host.eq_ignore_ascii_case("localhost") {
                None
            } else {
                Some(format!(
                    "looks up the host name `{host}` (only `localhost` is allowed)"
                ))
            }
        }
        // Unix-domain sockets never leave the machine.
        events::net::UNIX_CONNECT
        | events::net::UNIX_BIND
        | events::net::UNIX_ACCEPT
        | events::net::UNIX_SEND_TO => None,
        // Multicast, and any event this check does not know, leave the loopback interface.
        _ => Some("network access beyond loopback".into()),
    }
}

/// What an event may modify: a path, or an open file known by descriptor.
enum Target<'a> {
    Path(&'a Path),
    Fd(i64),
}

/// The targets of `event` if it can modify the filesystem (empty otherwise).
fn write_targets<'a>(event: &Event<'a>) -> Vec<Target<'a>> {
    let path = |arg: &str| event.arg(arg).and_then(|v| v.as_path()).map(Target::Path);
    let path_or_fd =
        || path("path").or_else(|| event.arg("fd").and_then(|v| v.as_i64()).map(Target::Fd));
    let flag = |arg: &str| event.arg(arg).and_then(|v| v.as_bool()) == Some(true);
    let found = match event.name() {
        events::fs::OPEN => {
            // `fs.open` reports the effective access: `write` covers append,
            // `create` covers create_new; truncate alone still asks to modify.
            if ["write", "append", "truncate", "create", "create_new"]
                .iter()
                .any(|f| flag(f))
            {
                vec![path("path")]
            } else {
                vec![]
            }
        }
        events::fs::RENAME => vec![path("from"), path("to")],
        events::fs::COPY => vec![path("to")],
        events::fs::HARD_LINK | events::fs::SYMLINK => vec![path("link")],
        events::fs::REMOVE_FILE
        | events::fs::REMOVE_DIR
        | events::fs::REMOVE_DIR_ALL
        | events::fs::CREATE_DIR => vec![path("path")],
        events::fs::SET_PERMISSIONS | events::fs::CHOWN => vec![path_or_fd()],
        events::fs::SET_LEN | events::fs::SET_TIMES => {
            vec![event.arg("fd").and_then(|v| v.as_i64()).map(Target::Fd)]
        }
        // Binding a Unix-domain socket to a path creates the socket file.
        events::net::UNIX_BIND => vec![path("path")],
        _ => vec![],
    };
    found.into_iter().flatten().collect()
}

/// Why `event` writes outside every root, or `None`.
fn write_violation(roots: &[Root], event: &Event<'_>) -> Option<String> {
    let mut outside = Vec::new();
    for target in write_targets(event) {
        match target {
            Target::Path(path) => match absolute(path) {
                Some(abs) if roots.iter().any(|r| r.covers(&abs)) => {}
                Some(abs) => outside.push(format!("`{}`", abs.display())),
                None => outside.push(format!(
                    "`{}` (relative, and the current directory is unknown)",
                    path.display()
                )),
            },
            Target::Fd(fd) => match fd_path(fd) {
                Some(abs) if roots.iter().any(|r| r.covers(&abs)) => {}
                Some(abs) => outside.push(format!("`{}` (open file {fd})", abs.display())),
                None => outside.push(format!(
                    "open file {fd}, whose path cannot be found on this platform"
                )),
            },
        }
    }
    if outside.is_empty() {
        return None;
    }
    let outside = outside.join(" and ");
    if roots.is_empty() {
        return Some(format!("writes {outside} (no writes are allowed)"));
    }
    let dirs: Vec<String> = roots
        .iter()
        .map(|r| format!("`{}`", r.given.display()))
        .collect();
    Some(format!("writes {outside}, outside {}", dirs.join(" and ")))
}

/// The path of the open file `fd`, read while it is still open.
#[cfg(any(target_os = "linux", target_os = "android"))]
fn fd_path(fd: i64) -> Option<PathBuf> {
    let link = std::fs::read_link(format!("/proc/self/fd/{fd}")).ok()?;
    // The kernel gives an absolute, canonical path for files; anything else
    // (`pipe:[123]`, `anon_inode:...`) is not a file that a root can cover.
    link.is_absolute().then_some(link)
}

/// The path of the open file `fd`: unknown on this platform.
#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn fd_path(_fd: i64) -> Option<PathBuf> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roots_cover_component_wise() {
        let root = Root {
            given: PathBuf::from("/work/dir"),
            canonical: None,
        };
        assert!(root.covers(Path::new("/work/dir")));
        assert!(root.covers(Path::new("/work/dir/a/b")));
        assert!(!root.covers(Path::new("/work/directory")));
        assert!(!root.covers(Path::new("/work")));
    }
}
