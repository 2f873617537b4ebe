//! Deciding, at the moment an event is raised, whether it breaks an
//! expectation. Everything here runs inside the capture's hook, so the
//! current directory and open file descriptors are those of the operation.

use std::net::IpAddr;
use std::path::{Path, PathBuf};

use audit_core::path::{absolute, lexical};
use audit_core::{Event, Value};

use super::{Network, Rule};
use crate::events::{self, Access, Classes, Operand};

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

/// Whether a connection or datagram to `ip` stays on this host: a loopback
/// address (`::ffff:127.0.0.1` too), or an unspecified one (`0.0.0.0`, `::`),
/// which the kernel routes to this host when it is a destination.
fn reaches_this_host(ip: IpAddr) -> bool {
    let ip = ip.to_canonical();
    ip.is_loopback() || ip.is_unspecified()
}

/// Why a `net.*` event is not allowed under `network`, or `None`.
fn network_violation(network: Network, event: &Event<'_>) -> Option<String> {
    if network == Network::None {
        return Some("network access".into());
    }
    let address = |arg: &str| event.arg(arg).and_then(|v| v.as_socket_addr());
    // As a destination an unspecified address means this host; as a local
    // address to bind, it means every interface, which is not loopback.
    let not_loopback = |what: &str, arg: &str| match address(arg) {
        Some(a) if a.ip().to_canonical().is_loopback() => None,
        Some(a) => Some(format!("{what} {a}, which is not a loopback address")),
        None => Some(format!("{what} an unknown address")),
    };
    let not_here = |what: &str, arg: &str| match address(arg) {
        Some(a) if reaches_this_host(a.ip()) => None,
        Some(a) => Some(format!("{what} {a}, which is not a loopback address")),
        None => Some(format!("{what} an unknown address")),
    };
    match event.name() {
        events::net::CONNECT => not_here("connects to", "address"),
        events::net::BIND => not_loopback("binds to", "address"),
        events::net::SEND_TO => not_here("sends to", "address"),
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

/// Why `event` writes outside every root, or `None`.
///
/// Each file the event changes is judged in both of its forms (the path as
/// written and the file the kernel will reach through symbolic links): it is
/// inside only if both are under a root. A form that cannot be known counts
/// as outside.
fn write_violation(roots: &[Root], event: &Event<'_>) -> Option<String> {
    let info = events::info(event.name())?;
    if !info.classes_of(event).contains(Classes::WRITE) {
        return None;
    }
    let inside = |path: &Path| roots.iter().any(|r| r.covers(path));
    let outside: Vec<String> = info
        .files(event)
        .filter(|file| file.access() == Access::Write && !file.all_forms(inside))
        .map(|file| describe(&file.to_operand()))
        .collect();
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

/// A file in a report: its path as written, and where the kernel would
/// have reached when that differs.
fn describe(file: &Operand) -> String {
    match (&file.written, &file.reached) {
        (Some(w), Some(r)) if w == r => format!("`{}`", w.display()),
        (Some(w), Some(r)) => format!("`{}` (which reaches `{}`)", w.display(), r.display()),
        (Some(w), None) => format!("`{}` (where it leads cannot be known)", w.display()),
        (None, _) => format!("the `{}` file, whose path cannot be known", file.arg),
    }
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
