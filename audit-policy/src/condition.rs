//! Argument conditions: what each kind matches, and how it finds its values in an event.

use std::ffi::OsString;
use std::net::{IpAddr, SocketAddr};
use std::path::{Component, Path, PathBuf};

use audit_core::path::{absolute, lexical, resolve};
use audit_core::{Event, Value};
use audit_std::events::{Access, Classes, EventInfo, FileRef};
use ipnet::IpNet;

use crate::glob::Glob;
use crate::rule::Scope;
use crate::Action;

/// The kinds of argument condition a rule can carry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ConditionKind {
    /// `path`: filesystem paths, matched by prefix (`under`, `not_under`).
    Path,
    /// `address`: IP addresses and the IP of socket addresses, matched by CIDR range or keyword.
    Address,
    /// `port`: the port of socket addresses (and an integer `port` argument), matched by range.
    Port,
    /// `program`: the program of a process spawn, matched by name or absolute path.
    Program,
    /// `host`: a host name to resolve, matched by glob.
    Host,
}

impl ConditionKind {
    /// The key of this condition in a TOML rule (`path`, `address`, ...).
    pub fn key(self) -> &'static str {
        match self {
            ConditionKind::Path => "path",
            ConditionKind::Address => "address",
            ConditionKind::Port => "port",
            ConditionKind::Program => "program",
            ConditionKind::Host => "host",
        }
    }

    pub(crate) const ALL: [ConditionKind; 5] = [
        ConditionKind::Path,
        ConditionKind::Address,
        ConditionKind::Port,
        ConditionKind::Program,
        ConditionKind::Host,
    ];
}

/// One value a condition looks at, or `None` when the argument's value
/// cannot be interpreted (which counts against the rule's action).
type Subject<S> = Option<S>;

/// A parsed list entry of some condition kind.
pub(crate) trait Item: Sized {
    type Subject: ?Sized;
    fn parse(text: &str) -> Result<Self, String>;
    fn matches(&self, subject: &Self::Subject) -> bool;
}

/// A compiled condition of one kind.
#[derive(Clone, Debug)]
pub(crate) struct Cond<T> {
    include: Vec<T>,
    exclude: Vec<T>,
    arg: Option<String>,
}

impl<T: Item> Cond<T> {
    pub(crate) fn new(include: Vec<T>, exclude: Vec<T>, arg: Option<String>) -> Self {
        Cond {
            include,
            exclude,
            arg,
        }
    }

    fn verdict(&self, subject: &T::Subject) -> bool {
        (self.include.is_empty() || self.include.iter().any(|i| i.matches(subject)))
            && !self.exclude.iter().any(|i| i.matches(subject))
    }
}

/// A compiled condition of any kind.
#[derive(Clone, Debug)]
pub(crate) enum Condition {
    Path(Cond<PathPrefix>),
    Address(Cond<AddressRange>),
    Port(Cond<PortRange>),
    Program(Cond<ProgramSpec>),
    Host(Cond<HostPattern>),
}

/// Combines the verdicts of every value a condition found in an event.
///
/// The quantifier follows the rule's action so that several values (the
/// `from` and `to` of a rename) are judged conservatively: a deny rule
/// applies if *any* value meets the condition, an allow rule only if *every*
/// value does. Either way the condition fails when the event carries no
/// value of its kind.
struct Tally {
    deny: bool,
    seen: bool,
    any: bool,
    all: bool,
}

impl Tally {
    fn new(action: Action) -> Self {
        Tally {
            deny: action == Action::Deny,
            seen: false,
            any: false,
            all: true,
        }
    }

    fn add(&mut self, verdict: Option<bool>) {
        // An uninterpretable value satisfies a deny rule and fails an allow rule.
        let v = verdict.unwrap_or(self.deny);
        self.seen = true;
        self.any |= v;
        self.all &= v;
    }

    fn result(&self) -> bool {
        self.seen && if self.deny { self.any } else { self.all }
    }
}

impl Condition {
    pub(crate) fn holds(
        &self,
        event: &Event<'_>,
        info: Option<&EventInfo>,
        action: Action,
        scope: Scope,
    ) -> bool {
        let mut tally = Tally::new(action);
        match self {
            Condition::Path(c) => {
                // Events of the table name their files (and open files) in
                // known arguments, each judged as written and as reached;
                // the second form only when the first does not decide.
                if let Some(info) = info {
                    let classes = match scope {
                        // Matched through `@write`: it writes.
                        Scope::Only(Access::Write) => info.classes | Classes::WRITE,
                        _ => info.classes_of(event),
                    };
                    let wanted = c.arg.as_deref();
                    if wanted.is_none() || info.paths.iter().any(|p| Some(p.name) == wanted) {
                        for file in info.files_as(event, classes) {
                            let in_scope =
                                scope == Scope::AllFiles || scope == Scope::Only(file.access());
                            if !in_scope || wanted.is_some_and(|w| w != file.arg()) {
                                continue;
                            }
                            tally.add(Some(c.file_verdict(&file, tally.deny)));
                        }
                        return tally.result();
                    }
                }
                visit(event, c.arg.as_deref(), None, &mut |v, named| {
                    if let Some(forms) = path_subject(v, named) {
                        for form in forms {
                            tally.add(form.map(|p| c.verdict(p.as_path())));
                        }
                    }
                })
            }
            Condition::Address(c) => {
                // A connection or datagram to an unspecified address goes to
                // this host: judged as both the address and loopback.
                let destination =
                    info.is_some_and(|i| i.classes.intersects(Classes::CONNECT | Classes::SEND));
                visit(event, c.arg.as_deref(), None, &mut |v, named| {
                    if let Some(s) = address_subject(v, named) {
                        let Some(ip) = s else {
                            tally.add(None);
                            return;
                        };
                        let to = Address { ip, destination };
                        tally.add(Some(c.verdict(&to)));
                        if to.destination && ip.is_unspecified() {
                            let here = Address {
                                ip: match ip {
                                    IpAddr::V4(_) => IpAddr::from([127, 0, 0, 1]),
                                    IpAddr::V6(_) => IpAddr::from(std::net::Ipv6Addr::LOCALHOST),
                                },
                                destination: true,
                            };
                            tally.add(Some(c.verdict(&here)));
                        }
                    }
                })
            }
            Condition::Port(c) => visit(event, c.arg.as_deref(), Some("port"), &mut |v, named| {
                if let Some(s) = port_subject(v, named) {
                    tally.add(s.map(|p| c.verdict(&p)));
                }
            }),
            Condition::Program(c) => {
                let arg = c.arg.as_deref().unwrap_or("program");
                // A relative program with a directory part (`./run`) is
                // found from the command's own working directory.
                let cwd = match event.arg("cwd") {
                    None | Some(Value::None) => Some(None),
                    Some(v) => v.as_os_str().and_then(|d| absolute(Path::new(d))).map(Some),
                };
                visit(event, Some(arg), None, &mut |v, _| {
                    tally.add(program_subject(v, cwd.as_ref()).map(|p| c.verdict(&p)));
                })
            }
            Condition::Host(c) => {
                let arg = c.arg.as_deref().unwrap_or("host");
                visit(event, Some(arg), None, &mut |v, _| {
                    if let Some(s) = host_subject(v) {
                        tally.add(s.map(|h| c.verdict(&h)));
                    }
                })
            }
        }
        tally.result()
    }
}

/// Calls `f` with each value a condition should look at: every argument (or
/// only the one called `arg`), with list elements visited one by one. The
/// flag tells whether the argument was named explicitly (by `arg`, or by
/// `also_named` for an argument picked by name on top of all the others), in
/// which case string-like values are interpreted rather than skipped.
fn visit(
    event: &Event<'_>,
    arg: Option<&str>,
    also_named: Option<&str>,
    f: &mut dyn FnMut(Value<'_>, bool),
) {
    fn walk(value: Value<'_>, named: bool, f: &mut dyn FnMut(Value<'_>, bool)) {
        match value {
            Value::List(items) => items.iter().for_each(|item| walk(*item, named, f)),
            Value::None => {}
            other => f(other, named),
        }
    }
    for (name, value) in event.args() {
        match arg {
            Some(wanted) if name != wanted => {}
            Some(_) => walk(value, true, f),
            None => walk(value, also_named == Some(name), f),
        }
    }
}

// ----- subjects: `None` = not of this kind (skipped), `Some(None)` = unreadable.

/// A path in its two forms: as written, and as the kernel reaches it.
fn path_subject(value: Value<'_>, named: bool) -> Option<[Subject<PathBuf>; 2]> {
    let path = match value {
        Value::Path(p) => p,
        Value::OsStr(s) if named => Path::new(s),
        Value::Str(s) if named => Path::new(s),
        _ if named => return Some([None, None]),
        _ => return None,
    };
    Some([absolute(path), resolve(path, true)])
}

fn address_subject(value: Value<'_>, named: bool) -> Option<Subject<IpAddr>> {
    match value {
        Value::SocketAddr(a) => Some(Some(a.ip().to_canonical())),
        Value::Ip(ip) => Some(Some(ip.to_canonical())),
        Value::Str(s) if named => Some(
            s.parse::<IpAddr>()
                .or_else(|_| s.parse::<SocketAddr>().map(|a| a.ip()))
                .ok()
                .map(|ip| ip.to_canonical()),
        ),
        _ if named => Some(None),
        _ => None,
    }
}

fn port_subject(value: Value<'_>, named: bool) -> Option<Subject<u16>> {
    match value {
        Value::SocketAddr(a) => Some(Some(a.port())),
        _ if !named => None,
        Value::Int(_) | Value::Uint(_) => Some(value.as_u64().and_then(|p| u16::try_from(p).ok())),
        Value::Str(s) => Some(s.parse().ok()),
        _ => Some(None),
    }
}

/// The program as the spawn will find it: a bare name stays a name (found
/// through `PATH`), anything else is made absolute against `cwd` (the
/// command's working directory, `Some(None)` for the current one; `None`
/// when that cannot be known).
fn program_subject(value: Value<'_>, cwd: Option<&Option<PathBuf>>) -> Subject<PathBuf> {
    let program = Path::new(value.as_os_str()?);
    if program.is_absolute() || program.components().count() < 2 {
        return Some(lexical(program));
    }
    match cwd? {
        Some(dir) => Some(lexical(&dir.join(program))),
        None => absolute(program),
    }
}

fn host_subject(value: Value<'_>) -> Option<Subject<String>> {
    let host = match value {
        Value::Str(s) => s.to_owned(),
        Value::OsStr(s) => match s.to_str() {
            Some(s) => s.to_owned(),
            None => return Some(None),
        },
        _ => return Some(None),
    };
    // `example.com.` (fully qualified) is the same host as `example.com`.
    Some(Some(
        host.strip_suffix('.').unwrap_or(&host).to_ascii_lowercase(),
    ))
}

/// A `flags` condition: boolean arguments of which at least one (`any`) or
/// none (`none`) must be true.
#[derive(Clone, Debug)]
pub(crate) struct Flags {
    any: Vec<String>,
    none: Vec<String>,
}

impl Flags {
    pub(crate) fn new(any: Vec<String>, none: Vec<String>) -> Self {
        Flags { any, none }
    }

    pub(crate) fn hold(&self, event: &Event<'_>, action: Action) -> bool {
        let deny = action == Action::Deny;
        // `Some(b)`: the flag's value, absent and `None` counting as false;
        // `None`: present but not a boolean, so it cannot be judged.
        let flag = |name: &str| match event.arg(name) {
            None | Some(Value::None) => Some(false),
            Some(Value::Bool(b)) => Some(b),
            Some(_) => None,
        };
        // An unjudgeable flag is taken whichever way makes a deny rule match
        // and an allow rule not match.
        let any_ok = self.any.is_empty() || self.any.iter().any(|n| flag(n).unwrap_or(deny));
        let none_ok = self.none.iter().all(|n| !flag(n).unwrap_or(!deny));
        any_ok && none_ok
    }
}

// ----- items

/// A path prefix: matches the prefix itself and everything under it.
#[derive(Clone, Debug)]
pub(crate) struct PathPrefix {
    /// As written, `.` and `..` resolved.
    lexical: PathBuf,
    /// With its own symbolic links resolved, when it exists and differs
    /// (`/tmp/work` on a system where `/tmp` is a link): the file a path
    /// under the prefix reaches lies under this one.
    canonical: Option<PathBuf>,
}

impl PathPrefix {
    /// The spellings of the prefix.
    fn spellings(&self) -> impl Iterator<Item = &Path> {
        std::iter::once(self.lexical.as_path()).chain(self.canonical.as_deref())
    }

    /// Whether the file `file` reaches is under the prefix, knowing the
    /// path as written (`written`). When `written` lies under a spelling of
    /// the prefix, only the components after it are looked at for links;
    /// otherwise the file is resolved in full (once, kept in `reached`).
    fn covers_reached<'e>(
        &self,
        file: &FileRef<'e>,
        written: &Path,
        reached: &mut Option<Option<std::borrow::Cow<'e, Path>>>,
    ) -> bool {
        for spelling in self.spellings() {
            if under(written, spelling) && file.no_link_below(spelling) {
                return true;
            }
        }
        let reached = reached.get_or_insert_with(|| file.reached());
        reached.as_deref().is_some_and(|r| self.matches(r))
    }
}

impl Item for PathPrefix {
    type Subject = Path;
    fn parse(text: &str) -> Result<Self, String> {
        let path = Path::new(text);
        if text.is_empty() {
            return Err("empty path prefix".into());
        }
        if !path.is_absolute() {
            return Err(format!("path prefix `{text}` must be absolute"));
        }
        let lexical = lexical(path);
        // `std`, not the audited wrapper: loading a policy raises nothing.
        let canonical = std::fs::canonicalize(&lexical)
            .ok()
            .filter(|c| *c != lexical);
        Ok(PathPrefix { lexical, canonical })
    }
    fn matches(&self, subject: &Path) -> bool {
        // Component-wise: `/srv/data` does not cover `/srv/database`.
        self.spellings().any(|prefix| under(subject, prefix))
    }
}

impl Cond<PathPrefix> {
    /// The verdict on the file `file` reaches, given the verdict on its path
    /// as written (`written`, which is known).
    fn reached_verdict(&self, file: &FileRef<'_>, written: &Path) -> bool {
        let mut reached = None;
        (self.include.is_empty()
            || self
                .include
                .iter()
                .any(|p| p.covers_reached(file, written, &mut reached)))
            && !self
                .exclude
                .iter()
                .any(|p| p.covers_reached(file, written, &mut reached))
    }

    /// Both forms of `file`, conservatively for `deny`: a deny rule's
    /// condition holds if either form meets it (or is unknown), an allow
    /// rule's only if both do. The second form is looked at only when the
    /// first does not decide.
    fn file_verdict(&self, file: &FileRef<'_>, deny: bool) -> bool {
        let Some(written) = file.written() else {
            return deny;
        };
        let first = self.verdict(&written);
        if first == deny {
            return first;
        }
        self.reached_verdict(file, &written)
    }
}

/// Whether `path` is `prefix` or lies under it. Both are absolute without
/// `.`, `..` or doubled separators (prefixes are made so when parsed, and
/// the forms of a path are), so comparing bytes is comparing components.
#[cfg(unix)]
fn under(path: &Path, prefix: &Path) -> bool {
    let (path, prefix) = (
        path.as_os_str().as_encoded_bytes(),
        prefix.as_os_str().as_encoded_bytes(),
    );
    prefix == b"/"
        || (path.starts_with(prefix) && matches!(path.get(prefix.len()), None | Some(b'/')))
}

#[cfg(not(unix))]
fn under(path: &Path, prefix: &Path) -> bool {
    path.starts_with(prefix)
}

/// An IP range: a CIDR network, a single address, or a keyword.
#[derive(Clone, Debug)]
pub(crate) enum AddressRange {
    Net(IpNet),
    Loopback,
    Private,
    LinkLocal,
    Unspecified,
}

/// An IP address to judge, and whether it is where a connection or datagram
/// goes (where an unspecified address means this host).
pub(crate) struct Address {
    ip: IpAddr,
    destination: bool,
}

impl Item for AddressRange {
    type Subject = Address;
    fn parse(text: &str) -> Result<Self, String> {
        Ok(match text {
            "loopback" => AddressRange::Loopback,
            "private" => AddressRange::Private,
            "link_local" => AddressRange::LinkLocal,
            "unspecified" => AddressRange::Unspecified,
            _ if text.contains('/') => AddressRange::Net(text.parse::<IpNet>().map_err(|e| {
                format!("invalid CIDR range `{text}`: {e}")
            })?),
            _ => AddressRange::Net(IpNet::from(text.parse::<IpAddr>().map_err(|_| {
                format!(
                    "invalid address `{text}`: expected a CIDR range (`10.0.0.0/8`), an IP address, \
                     or one of `loopback`, `private`, `link_local`, `unspecified`"
                )
            })?)),
        })
    }
    fn matches(&self, address: &Address) -> bool {
        let ip = &address.ip;
        match self {
            AddressRange::Net(net) => net.contains(ip),
            AddressRange::Loopback => {
                ip.is_loopback() || (address.destination && ip.is_unspecified())
            }
            AddressRange::Unspecified => ip.is_unspecified(),
            AddressRange::Private => match ip {
                IpAddr::V4(v4) => v4.is_private(),
                // Unique local addresses, fc00::/7.
                IpAddr::V6(v6) => (v6.segments()[0] & 0xfe00) == 0xfc00,
            },
            AddressRange::LinkLocal => match ip {
                IpAddr::V4(v4) => v4.is_link_local(),
                // fe80::/10.
                IpAddr::V6(v6) => (v6.segments()[0] & 0xffc0) == 0xfe80,
            },
        }
    }
}

/// An inclusive port range.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct PortRange(u16, u16);

impl Item for PortRange {
    type Subject = u16;
    fn parse(text: &str) -> Result<Self, String> {
        let bad = || {
            format!("invalid port range `{text}`: expected a port (`443`) or `low-high` (`8000-8999`) within 0-65535")
        };
        let (lo, hi) = match text.split_once('-') {
            Some((lo, hi)) => (lo.trim(), hi.trim()),
            None => (text.trim(), text.trim()),
        };
        let lo: u16 = lo.parse().map_err(|_| bad())?;
        let hi: u16 = hi.parse().map_err(|_| bad())?;
        if lo > hi {
            return Err(format!(
                "invalid port range `{text}`: {lo} is greater than {hi}"
            ));
        }
        Ok(PortRange(lo, hi))
    }
    fn matches(&self, port: &u16) -> bool {
        (self.0..=self.1).contains(port)
    }
}

/// A program: a bare name (matched against the file name of whatever is
/// spawned) or an absolute path (matched against the whole path).
#[derive(Clone, Debug)]
pub(crate) enum ProgramSpec {
    Name(OsString),
    Path(PathBuf),
}

impl Item for ProgramSpec {
    type Subject = PathBuf;
    fn parse(text: &str) -> Result<Self, String> {
        let path = Path::new(text);
        if text.is_empty() {
            return Err("empty program name".into());
        }
        let mut components = path.components();
        match (components.next(), components.next()) {
            (Some(Component::Normal(name)), None) => Ok(ProgramSpec::Name(name.to_os_string())),
            _ if path.is_absolute() => Ok(ProgramSpec::Path(lexical(path))),
            _ => Err(format!(
                "program `{text}` must be a bare name (`git`) or an absolute path (`/usr/bin/git`)"
            )),
        }
    }
    fn matches(&self, program: &PathBuf) -> bool {
        match self {
            ProgramSpec::Name(name) => program.file_name() == Some(name.as_os_str()),
            ProgramSpec::Path(path) => {
                // A bare program (`git`, found through PATH) never equals an absolute path.
                program.components().count() > 1 && absolute(program).is_some_and(|p| p == *path)
            }
        }
    }
}

/// A host-name glob (`*.example.com`), matched case-insensitively.
#[derive(Clone, Debug)]
pub(crate) struct HostPattern(Glob);

impl Item for HostPattern {
    type Subject = String;
    fn parse(text: &str) -> Result<Self, String> {
        if text.is_empty() {
            return Err("empty host pattern".into());
        }
        Ok(HostPattern(Glob::new(
            text.strip_suffix('.').unwrap_or(text),
            "host pattern",
            true,
        )?))
    }
    fn matches(&self, host: &String) -> bool {
        self.0.is_match(host)
    }
}
