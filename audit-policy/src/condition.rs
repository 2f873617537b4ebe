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
use crate::sites::Layout;
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
    Path(PathCond),
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
                            if !scope.covers(file.access())
                                || wanted.is_some_and(|w| w != file.arg())
                            {
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

impl Condition {
    /// [`holds`](Self::holds) for an event of a known audit point whose
    /// arguments are where `layout` says and whose classes are `classes`:
    /// the same verdict, or `None` when this way cannot give it (a condition
    /// other than a path's, a path that is not absolute and normal, a
    /// symbolic link on the way, ...), and the caller asks
    /// [`holds`](Self::holds).
    #[inline]
    pub(crate) fn holds_at(
        &self,
        event: &Event<'_>,
        layout: &Layout,
        classes: Classes,
        action: Action,
        scope: Scope,
    ) -> Option<bool> {
        match self {
            Condition::Path(c) if c.arg.is_none() => {
                c.holds_at(event, layout, classes, action, scope)
            }
            _ => None,
        }
    }
}

/// A path condition, with its prefixes' spellings laid out for the fast
/// way.
#[derive(Clone, Debug)]
pub(crate) struct PathCond {
    cond: Cond<PathPrefix>,
    /// Every spelling of every prefix, the `include` ones first, in order;
    /// `None` when there are more than the masks below hold (then the
    /// condition always goes the slow way).
    spellings: Option<Box<[Spelling]>>,
    /// Bit `p` set: prefix `p` (counting `include` then `exclude`) is an
    /// `include` one.
    include: u64,
    /// The condition's only spelling, when it has one prefix spelled one
    /// way (`not_under = ["/srv/work"]` with `/srv/work` its own canonical
    /// form): judged by [`Single::verdict_at`] without the masks' loops.
    single: Option<Single>,
}

/// The only spelling of a [`PathCond`] with a single prefix spelled one way.
#[derive(Clone, Debug)]
pub(crate) struct Single {
    bytes: Box<[u8]>,
    /// Whether the prefix is an `include` (`under`) one.
    include: bool,
    /// See [`Spelling::plain`].
    plain: bool,
}

/// One spelling of a prefix of a [`PathCond`].
#[derive(Clone, Debug)]
struct Spelling {
    bytes: Box<[u8]>,
    /// The prefix it spells, counting `include` then `exclude`.
    prefix: u32,
    /// Whether it is plain and longer than `/` (see [`PathPrefix::plain`]).
    plain: bool,
}

impl std::ops::Deref for PathCond {
    type Target = Cond<PathPrefix>;
    fn deref(&self) -> &Cond<PathPrefix> {
        &self.cond
    }
}

impl PathCond {
    pub(crate) fn new(cond: Cond<PathPrefix>) -> PathCond {
        let prefixes = cond.include.iter().chain(&cond.exclude);
        let spellings: Vec<Spelling> = prefixes
            .enumerate()
            .flat_map(|(p, prefix)| {
                prefix.spelling_bytes().map(move |bytes| Spelling {
                    bytes: bytes.into(),
                    prefix: p as u32,
                    plain: prefix.plain,
                })
            })
            .collect();
        let fits = spellings.len() <= 64 && cond.include.len() + cond.exclude.len() <= 64;
        let include = match cond.include.len() {
            64.. => u64::MAX,
            n => (1u64 << n) - 1,
        };
        let single = match &spellings[..] {
            [only] if cond.include.len() + cond.exclude.len() == 1 => Some(Single {
                bytes: only.bytes.clone(),
                include: !cond.include.is_empty(),
                plain: only.plain,
            }),
            _ => None,
        };
        PathCond {
            spellings: fits.then(|| spellings.into_boxed_slice()),
            include,
            single,
            cond,
        }
    }

    /// The path condition's fast way; see [`Condition::holds_at`]. It makes
    /// the same choices as [`Condition::holds`] with
    /// [`EventInfo::files_as`] and [`Cond::file_verdict`], on the event's
    /// own bytes.
    #[inline(always)]
    fn holds_at(
        &self,
        event: &Event<'_>,
        layout: &Layout,
        classes: Classes,
        action: Action,
        scope: Scope,
    ) -> Option<bool> {
        let deny = action == Action::Deny;
        let writes = classes.contains(Classes::WRITE);
        if let [slot] = &*layout.paths {
            return self.one_file_verdict(event, slot, writes, deny, scope);
        }
        let spellings = self.spellings.as_deref()?;
        let mut tally = Tally::new(action);
        for slot in layout.paths.iter() {
            if let Some(verdict) = self.slot_verdict(spellings, event, slot, writes, deny, scope)? {
                tally.add(Some(verdict));
            }
        }
        Some(tally.result())
    }

    /// [`holds_at`](Self::holds_at) for an audit point with one file, at
    /// `slot` (`fs.open`): a tally of one verdict is that verdict, and no
    /// file to judge fails the condition.
    #[inline(always)]
    fn one_file_verdict(
        &self,
        event: &Event<'_>,
        slot: &crate::sites::PathSlot,
        writes: bool,
        deny: bool,
        scope: Scope,
    ) -> Option<bool> {
        let spellings = self.spellings.as_deref()?;
        Some(
            self.slot_verdict(spellings, event, slot, writes, deny, scope)?
                .unwrap_or(false),
        )
    }

    /// The condition's only spelling, when it reads the event's files where
    /// the table says (no `arg`) and has one prefix spelled one way: the
    /// shape a [`Shortcut`](crate::shortcut::Shortcut) decides.
    pub(crate) fn single_on_files(&self) -> Option<&Single> {
        self.single.as_ref().filter(|_| self.arg.is_none())
    }

    /// The verdict on the file of `slot` for [`holds_at`](Self::holds_at):
    /// `Some(None)` when there is none to judge (no file, or not in
    /// `scope`), `None` when this way cannot tell.
    #[inline(always)]
    fn slot_verdict(
        &self,
        spellings: &[Spelling],
        event: &Event<'_>,
        slot: &crate::sites::PathSlot,
        writes: bool,
        deny: bool,
        scope: Scope,
    ) -> Option<Option<bool>> {
        let Some((path, access)) = slot.file(event, writes)? else {
            return Some(None);
        };
        if !scope.covers(access) {
            return Some(None);
        }
        let follow = slot.follow.follows(event);
        let verdict = match &self.single {
            Some(single) => single.verdict_at(path, follow, deny)?,
            None => self.file_verdict_at(spellings, path, follow, deny)?,
        };
        Some(Some(verdict))
    }

    /// [`Cond::file_verdict`] for a path given as bytes: `None` when it is
    /// not plain (see `fast_path::is_plain_absolute`) or a symbolic link is
    /// on its way. Kept out of line: its loops' set-up would otherwise be
    /// paid by every event, also those a [`Single`] judges.
    #[inline(never)]
    fn file_verdict_at(
        &self,
        spellings: &[Spelling],
        path: &[u8],
        follow: bool,
        deny: bool,
    ) -> Option<bool> {
        // The path as written, against every spelling at once: bit `k` of
        // `under` for spelling `k`, bit `p` of `covered` for prefix `p`.
        // `head` is the length of a plain spelling the path starts with
        // (those bytes need no second look).
        let (mut under, mut covered, mut head) = (0u64, 0u64, 0);
        for (k, spelling) in spellings.iter().enumerate() {
            if under_bytes(path, &spelling.bytes) {
                under |= 1 << k;
                covered |= 1 << spelling.prefix;
                if spelling.plain {
                    head = head.max(spelling.bytes.len());
                }
            }
        }
        let last_separator = fast_path::plain_absolute_after(path, head)?;
        let written =
            (self.include == 0 || covered & self.include != 0) && covered & !self.include == 0;
        if written == deny {
            return Some(written);
        }
        // As reached: a prefix covers the file when the path lies under one
        // of its spellings with no link below it; otherwise the file
        // reached is the one written when no component is a link (and is
        // resolved, the slow way, when one is).
        let mut plain = None;
        let mut covers = |p: u32| -> Option<bool> {
            for (k, spelling) in spellings.iter().enumerate() {
                if spelling.prefix == p
                    && under & (1 << k) != 0
                    && !fast_path::has_link_after(
                        path,
                        spelling.bytes.len(),
                        follow,
                        last_separator,
                    )?
                {
                    return Some(true);
                }
            }
            let no_link = match plain {
                Some(known) => known,
                None => *plain.insert(!fast_path::has_link_after(path, 0, follow, last_separator)?),
            };
            no_link.then_some(covered & (1 << p) != 0)
        };
        let (include, all) = (
            self.cond.include.len() as u32,
            (self.cond.include.len() + self.cond.exclude.len()) as u32,
        );
        let mut included = include == 0;
        for p in 0..include {
            if covers(p)? {
                included = true;
                break;
            }
        }
        if !included {
            return Some(false);
        }
        for p in include..all {
            if covers(p)? {
                return Some(false);
            }
        }
        Some(true)
    }
}

impl Single {
    /// [`PathCond::file_verdict_at`] for a condition whose only prefix has
    /// this one spelling: the same steps, with the masks' loops unrolled to
    /// a single spelling (bit 0 of `under` and of `covered` is `under`).
    #[inline(always)]
    pub(crate) fn verdict_at(&self, path: &[u8], follow: bool, deny: bool) -> Option<bool> {
        let under = under_bytes(path, &self.bytes);
        let head = if under && self.plain {
            self.bytes.len()
        } else {
            0
        };
        let last_separator = fast_path::plain_absolute_after(path, head)?;
        // As written: inside for `under`, outside for `not_under`.
        let written = under == self.include;
        if written == deny {
            return Some(written);
        }
        // As reached: the prefix covers the file when the path lies under
        // it with no link below it; otherwise when no component at all is
        // a link and the path lies under it (a link anywhere: the slow way).
        let covers = if under
            && !fast_path::has_link_after(path, self.bytes.len(), follow, last_separator)?
        {
            true
        } else if fast_path::has_link_after(path, 0, follow, last_separator)? {
            return None;
        } else {
            under
        };
        Some(covers == self.include)
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
    /// Its spellings: as written, `.` and `..` resolved; then, when it
    /// exists and differs, with its own symbolic links resolved (`/tmp/work`
    /// on a system where `/tmp` is a link), since the file a path under the
    /// prefix reaches lies under that one.
    spellings: Box<[PathBuf]>,
    /// Whether every spelling is plain (absolute, normal, no NUL byte) and
    /// longer than `/`: a path that starts with one needs no second look at
    /// those bytes.
    plain: bool,
}

impl PathPrefix {
    /// The spellings of the prefix.
    fn spellings(&self) -> impl Iterator<Item = &Path> {
        self.spellings.iter().map(PathBuf::as_path)
    }

    /// The spellings of the prefix, as bytes.
    #[inline]
    fn spelling_bytes(&self) -> impl Iterator<Item = &[u8]> {
        self.spellings
            .iter()
            .map(|s| s.as_os_str().as_encoded_bytes())
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
        let spellings: Box<[PathBuf]> = std::iter::once(lexical).chain(canonical).collect();
        let plain = spellings.iter().all(|p| {
            let bytes = p.as_os_str().as_encoded_bytes();
            bytes.len() > 1 && fast_path::is_plain_absolute(bytes)
        });
        Ok(PathPrefix { spellings, plain })
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
    under_bytes(
        path.as_os_str().as_encoded_bytes(),
        prefix.as_os_str().as_encoded_bytes(),
    )
}

/// [`under`] on the paths' bytes.
#[inline]
fn under_bytes(path: &[u8], prefix: &[u8]) -> bool {
    prefix == b"/"
        || (path
            .get(..prefix.len())
            .is_some_and(|head| same_bytes(head, prefix))
            && matches!(path.get(prefix.len()), None | Some(b'/')))
}

/// `a == b` for two slices of the same length, eight bytes at a time (the
/// last word overlapping the one before), inline: a prefix is a few words
/// long, shorter than the set-up of a call to `memcmp`.
#[inline]
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    let word = |s: &[u8], at: usize| -> u64 {
        s.get(at..at + 8)
            .and_then(|w| w.try_into().ok())
            .map_or(0, u64::from_ne_bytes)
    };
    let len = a.len();
    if len != b.len() {
        return false;
    }
    if len < 8 {
        return a == b;
    }
    let mut at = 0;
    while at + 8 < len {
        if word(a, at) != word(b, at) {
            return false;
        }
        at += 8;
    }
    word(a, len - 8) == word(b, len - 8)
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

/// The byte-level work of the fast way ([`Condition::holds_at`]): checking
/// that a path is already in the form a rule compares, and looking for
/// symbolic links on it, without allocating.
mod fast_path {
    /// Whether `path` is absolute, with no `.` or `..` component, no doubled
    /// separator (a trailing one is allowed) and no NUL byte: a path whose
    /// bytes can be compared with a prefix's and handed to the system as
    /// they are. Exactly the paths `audit_std` borrows as their own written
    /// form, less those with a NUL (which the system would cut short).
    #[cfg(unix)]
    pub(super) fn is_plain_absolute(path: &[u8]) -> bool {
        path.first() == Some(&b'/') && plain_from(path, 0).is_some()
    }

    /// Whether the bytes of `path` from `start` (a separator, or the end)
    /// hold no NUL, and no separator followed by another, `.` or `..`: if
    /// so, `Some` of the position of the last separator from `start` on
    /// (`start` when there is none).
    #[cfg(unix)]
    #[inline(always)]
    fn plain_from(path: &[u8], start: usize) -> Option<usize> {
        let rest = path.get(start..)?;
        let mut last = start;
        // Eight bytes at a time: only the separators and NUL bytes need a
        // closer look, and most bytes of a path are neither.
        let mut chunks = rest.chunks_exact(8);
        let mut base = start;
        for chunk in &mut chunks {
            let word = u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8]));
            if zero_bytes(word) != 0 {
                return None;
            }
            let mut slashes = zero_bytes(word ^ SLASHES);
            while slashes != 0 {
                last = base + (slashes.trailing_zeros() / 8) as usize;
                if !plain_after(path, last) {
                    return None;
                }
                slashes &= slashes - 1;
            }
            base += 8;
        }
        for (i, &b) in chunks.remainder().iter().enumerate() {
            match b {
                0 => return None,
                b'/' => {
                    last = base + i;
                    if !plain_after(path, last) {
                        return None;
                    }
                }
                _ => {}
            }
        }
        Some(last)
    }

    /// [`is_plain_absolute`] for a path whose first `head` bytes are known
    /// to be a plain path (a prefix it starts with, followed in `path` by a
    /// separator or nothing): only the rest is looked at. `Some` of a
    /// position no separator of the path lies after, when it is plain.
    #[inline]
    pub(super) fn plain_absolute_after(path: &[u8], head: usize) -> Option<usize> {
        #[cfg(unix)]
        {
            if head == 0 && path.first() != Some(&b'/') {
                return None;
            }
            plain_from(path, head)
        }
        #[cfg(not(unix))]
        {
            let _ = (path, head);
            None
        }
    }

    /// `/` in every byte.
    #[cfg(unix)]
    const SLASHES: u64 = u64::from_ne_bytes([b'/'; 8]);

    /// The high bit of each byte of `word` that is zero, and no other bit.
    #[cfg(unix)]
    #[inline]
    fn zero_bytes(word: u64) -> u64 {
        const LOW7: u64 = u64::from_ne_bytes([0x7f; 8]);
        // Adding 0x7f to the low seven bits sets the high bit of a byte
        // unless they are all zero; no carry leaves a byte.
        !(((word & LOW7).wrapping_add(LOW7)) | word | LOW7)
    }

    /// Whether what follows the separator at `at` starts a plain component:
    /// not another separator (a trailing one is fine), `.` or `..`.
    #[cfg(unix)]
    #[inline]
    fn plain_after(path: &[u8], at: usize) -> bool {
        let end = |i: usize| matches!(path.get(i), None | Some(b'/'));
        match path.get(at + 1) {
            None => true,
            Some(b'/') => false,
            Some(b'.') => !(end(at + 2) || (path.get(at + 2) == Some(&b'.') && end(at + 3))),
            Some(_) => true,
        }
    }

    #[cfg(not(unix))]
    pub(super) fn is_plain_absolute(_: &[u8]) -> bool {
        false
    }

    /// Whether a component of `path` (plain absolute, see
    /// [`is_plain_absolute`]) that ends after byte `skip` and exists is a
    /// symbolic link; the last component only when `follow`, and not when
    /// the path ends with a separator. The walk stops at the first component
    /// that does not exist (nothing after it does). `None` when it cannot
    /// tell.
    #[cfg(unix)]
    #[inline(always)]
    pub(super) fn has_link_after(
        path: &[u8],
        skip: usize,
        follow: bool,
        last_separator: usize,
    ) -> Option<bool> {
        let trailing = path.len() > 1 && path.ends_with(b"/");
        if last_separator <= skip {
            // No directory to walk (a file directly in the prefix's
            // directory): only the last component, when it is followed.
            return Some(follow && !trailing && last_is_link(path)?);
        }
        // A copy of the path, to end each prefix with a NUL in place; a
        // path too long for it is left to the slow way.
        if path.len() >= MAX {
            return None;
        }
        let mut buf = [std::mem::MaybeUninit::<u8>::uninit(); MAX];
        // SAFETY: `path` is shorter than `buf`, and they do not overlap.
        unsafe {
            std::ptr::copy_nonoverlapping(path.as_ptr(), buf.as_mut_ptr().cast::<u8>(), path.len())
        };
        // Whether the prefix ending at `end` is a link: `Some(true)` or
        // `Some(false)`, or `None` when it does not exist (or cannot be
        // looked at, which `lstat` would report the same way). With
        // `exists` false, an entry that is not there counts as no link
        // (the last component: either way the answer is no).
        let mut probe = |end: usize, exists: bool| -> Option<bool> {
            let saved = buf[end];
            buf[end] = std::mem::MaybeUninit::new(0);
            // SAFETY: `buf` holds a NUL byte, just written.
            let n = unsafe { readlink_one_byte(&buf) };
            buf[end] = saved;
            if n >= 0 {
                Some(true)
            } else if !exists
                || std::io::Error::last_os_error().kind() == std::io::ErrorKind::InvalidInput
            {
                Some(false)
            } else {
                None
            }
        };
        let mut end = skip + 1;
        // No separator lies after `last_separator`: no walk when it is not
        // after `skip` (a file directly in the prefix's directory).
        while let Some(at) = (last_separator >= end)
            .then_some(path)
            .and_then(|path| path.get(end..))
            .and_then(|rest| rest.iter().position(|&b| b == b'/'))
        {
            match probe(end + at, true) {
                Some(true) => return Some(true),
                Some(false) => {}
                None => return Some(false),
            }
            end += at + 1;
        }
        Some(follow && !trailing && probe(path.len(), false) == Some(true))
    }

    /// The longest path the fast way copies to end it with a NUL.
    #[cfg(unix)]
    const MAX: usize = 512;

    /// Whether `path` (plain absolute, see [`is_plain_absolute`]) is itself
    /// a symbolic link: an entry that is not there, or cannot be looked at,
    /// is none (the open that follows sees the same). `None` for a path too
    /// long to copy.
    #[cfg(unix)]
    #[inline(always)]
    fn last_is_link(path: &[u8]) -> Option<bool> {
        if path.len() >= MAX {
            return None;
        }
        let mut buf = [std::mem::MaybeUninit::<u8>::uninit(); MAX];
        // SAFETY: `path` is shorter than `buf`, and they do not overlap.
        unsafe {
            std::ptr::copy_nonoverlapping(path.as_ptr(), buf.as_mut_ptr().cast::<u8>(), path.len())
        };
        buf[path.len()] = std::mem::MaybeUninit::new(0);
        // SAFETY: `buf` holds a NUL byte, just written.
        Some(unsafe { readlink_one_byte(&buf) } >= 0)
    }

    /// `readlink` of the path in `buf` up to its first NUL, asking for one
    /// byte of the target: a length (not negative) for a link, `-1` for
    /// anything else (`EINVAL` for an entry that exists and is not a link).
    /// It tells a link from an entry without filling a `stat`.
    ///
    /// # Safety
    ///
    /// `buf` must hold a NUL byte after the path, and the path before it
    /// none (the paths here are plain: see `is_plain_absolute`).
    #[cfg(unix)]
    #[inline(always)]
    unsafe fn readlink_one_byte(buf: &[std::mem::MaybeUninit<u8>]) -> isize {
        let mut byte = 0u8;
        // SAFETY: the caller's promise makes `buf` a C string; `byte` has
        // room for the one byte asked for.
        unsafe { readlink(buf.as_ptr().cast(), (&mut byte as *mut u8).cast(), 1) }
    }

    #[cfg(unix)]
    extern "C" {
        /// POSIX `readlink(2)`, from the C library `std` links with.
        fn readlink(
            path: *const std::ffi::c_char,
            buf: *mut std::ffi::c_char,
            size: usize,
        ) -> isize;
    }

    #[cfg(not(unix))]
    pub(super) fn has_link_after(_: &[u8], _: usize, _: bool, _: usize) -> Option<bool> {
        None
    }
}

#[cfg(all(test, unix))]
mod tests {
    //! The fast way ([`Condition::holds_at`]) must give the slow way's
    //! verdict whenever it gives one, on every shape of path: these tests
    //! run both on the same events and fail on any disagreement, and check
    //! that the fast way does decide the plain cases (so that it is tested
    //! at all).

    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    use std::path::{Path, PathBuf};
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Arc, Mutex};

    use audit_core::{audit, testing, Event};
    use audit_std::events;

    use super::fast_path::is_plain_absolute;
    use crate::rule::Rule;
    use crate::shortcut::Shortcut;
    use crate::sites::Layout;
    use crate::{Action, Policy};

    /// The definition `is_plain_absolute` implements: absolute, no `.` or
    /// `..` component, no empty component but a last one, no NUL.
    fn plain_by_definition(path: &[u8]) -> bool {
        let mut parts = path.split(|&b| b == b'/');
        if path.is_empty() || parts.next() != Some(b"") || path.contains(&0) {
            return false;
        }
        let parts: Vec<&[u8]> = parts.collect();
        parts.iter().enumerate().all(|(i, part)| match *part {
            b"" => i + 1 == parts.len(),
            b"." | b".." => false,
            _ => true,
        })
    }

    #[test]
    fn plain_paths_are_exactly_the_defined_ones() {
        // Every path of up to 10 bytes over these four (the word-at-a-time
        // scan starts at 8 bytes, so both ways and their seam are covered).
        let alphabet = [b'/', b'.', b'a', 0];
        let mut checked = 0;
        for len in 0..=10u32 {
            for mut n in 0..4usize.pow(len) {
                let mut path = Vec::with_capacity(len as usize);
                for _ in 0..len {
                    path.push(alphabet[n % 4]);
                    n /= 4;
                }
                assert_eq!(
                    is_plain_absolute(&path),
                    plain_by_definition(&path),
                    "{:?}",
                    String::from_utf8_lossy(&path)
                );
                checked += 1;
            }
        }
        assert!(checked > 1_000_000);
        // Longer, with non-UTF-8 bytes and the special bytes at every
        // position of a word.
        let base = b"/srv/\xffdata/sub-directory/file.name".to_vec();
        for at in 1..base.len() {
            for insert in [&b"/"[..], b"/.", b"/..", b"\0", b"./", b"../"] {
                let mut path = base.clone();
                path.splice(at..at, insert.iter().copied());
                assert_eq!(
                    is_plain_absolute(&path),
                    plain_by_definition(&path),
                    "{:?}",
                    String::from_utf8_lossy(&path)
                );
            }
        }
    }

    #[test]
    fn prefixes_are_compared_exactly_at_every_length() {
        // `same_bytes` reads words, the last one overlapping: a difference
        // at any position of a prefix of any length (around the word size
        // and its multiples) must be seen.
        for len in 1..=33usize {
            let prefix: Vec<u8> = (0..len).map(|i| b'a' + (i % 26) as u8).collect();
            let mut path = prefix.clone();
            path.extend_from_slice(b"/f");
            assert!(super::same_bytes(&prefix, &path[..len]));
            assert!(super::under_bytes(&path, &prefix));
            assert!(super::under_bytes(&prefix, &prefix));
            for at in 0..len {
                let mut other = path.clone();
                other[at] ^= 0x01;
                assert!(!super::same_bytes(&prefix, &other[..len]), "{len} {at}");
                assert!(!super::under_bytes(&other, &prefix), "{len} {at}");
            }
            // Longer in the same component, and shorter.
            let mut longer = prefix.clone();
            longer.push(b'x');
            assert!(!super::under_bytes(&longer, &prefix));
            assert!(!super::under_bytes(&prefix[..len - 1], &prefix));
        }
    }

    /// A root with `w/` (the work directory) holding `f`, `d/`,
    /// `ln -> ../o/t`, `dl -> ../o`, `d/up -> ../..`, `self -> .`, and `o/`.
    fn scene() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let root = std::fs::canonicalize(dir.path()).unwrap();
        for d in ["w", "w/d", "o"] {
            std::fs::create_dir(root.join(d)).unwrap();
        }
        std::fs::write(root.join("w/f"), "f").unwrap();
        std::fs::write(root.join("o/t"), "t").unwrap();
        for (target, link) in [
            ("../o/t", "w/ln"),
            ("../o", "w/dl"),
            ("../..", "w/d/up"),
            (".", "w/self"),
            ("w", "alias"),
        ] {
            std::os::unix::fs::symlink(target, root.join(link)).unwrap();
        }
        (dir, root)
    }

    /// The paths to judge, as bytes: every shape the fast way must either
    /// judge right or leave to the slow way.
    fn paths(root: &Path) -> Vec<Vec<u8>> {
        let r = root.as_os_str().as_bytes();
        let mut out: Vec<Vec<u8>> = [
            "/w/f",
            "/w//f",
            "/w/./f",
            "/w/d/../f",
            "/w/../o/t",
            "/w/f/",
            "/w/d/",
            "/w",
            "/w/",
            "/wx",
            "/wx/f",
            "/w/ln",
            "/w/dl/x",
            "/w/dl/t",
            "/w/d/up/o/t",
            "/w/d/up/w/f",
            "/w/self/f",
            "/w/missing/x",
            "/w/missing/../../o/t",
            "/alias/f",
            "/alias/ln",
            "/o/t",
            "/o/new",
            "/o",
            "/w/\u{e9}t\u{e9}",
        ]
        .iter()
        .map(|p| [r, p.as_bytes()].concat())
        .collect();
        out.push([r, b"/w/\xff\xfe"].concat());
        out.push([r, b"/w/a\0b"].concat());
        out.push([r, b"/w/", &[b'x'; 600][..]].concat());
        out.extend(
            ["/", "/tmp", "relative", "./w/f", "", "../x", "//"]
                .iter()
                .map(|p| p.as_bytes().to_vec()),
        );
        out
    }

    fn rules(root: &Path) -> Vec<Rule> {
        let w = root.join("w").to_str().unwrap().to_owned();
        let o = root.join("o").to_str().unwrap().to_owned();
        let alias = root.join("alias").to_str().unwrap().to_owned();
        vec![
            Rule::deny(["@write"]).path_not_under([w.clone()]),
            Rule::deny(["fs.open"]).path_not_under([w.clone()]),
            Rule::deny(["@write"]).path_under([o.clone()]),
            Rule::deny(["@write"]).path_not_under([alias.clone()]),
            Rule::allow(["@write"]).path_under([w.clone()]),
            Rule::allow(["fs.*"]).path_under([alias]),
            Rule::allow(["@write"])
                .path_under([root.to_str().unwrap()])
                .path_not_under([o.clone()]),
            Rule::deny(["@write", "@read"])
                .path_under([w.clone(), o.clone()])
                .path_not_under([format!("{w}/d")]),
            Rule::deny(["@write"]).path_under(["/"]),
            Rule::allow(["@read"]).path_not_under([w]),
        ]
    }

    /// Raises, with `check` as the only hook, the events the fast ways are
    /// held to for `path`: an `fs.open` that writes and one that reads, an
    /// `fs.rename` each way with `other` (two files), and one-file events
    /// of other shapes: a link not followed (`fs.remove_file`), a file
    /// named by path and by descriptor (`fs.set_permissions`), one known
    /// only by its descriptor, and a directory listed (neither read nor
    /// written).
    fn raise_each<F>(path: &Path, other: &Path, check: &Arc<F>)
    where
        F: Fn(&Event<'_>) -> Result<(), audit_core::AuditError> + Send + Sync + 'static,
    {
        let raise = |event: &dyn Fn() -> Result<(), audit_core::AuditError>| {
            let hook = check.clone();
            let (result, _) = testing::capture_with(move |e: &Event<'_>| hook(e), event);
            result.unwrap();
        };
        for write in [true, false] {
            let read = !write;
            raise(&|| {
                audit!(
                    "fs.open",
                    path,
                    read,
                    write,
                    create = false,
                    truncate = write
                )
            });
        }
        for (from, to) in [(path, other), (other, path)] {
            raise(&|| audit!("fs.rename", from, to));
        }
        let (mode, readonly, fd, unknown) = (0o644u32, false, 3i64, None::<&Path>);
        raise(&|| audit!("fs.remove_file", path));
        raise(&|| audit!("fs.set_permissions", path, fd, mode, readonly));
        raise(&|| audit!("fs.set_permissions", path = unknown, fd, mode, readonly));
        raise(&|| audit!("fs.read_dir", path));
    }

    /// Judges `path` by both ways for every rule, on an `fs.open` that
    /// writes and one that reads, and on an `fs.rename` each way (two
    /// paths), and by the [`Shortcut`] of each rule it can take; returns how
    /// many verdicts the fast way gave, and how many the shortcut gave.
    fn agree(root: &Path, path: &[u8], other: &Path) -> (usize, usize) {
        let compiled: Arc<Vec<_>> =
            Arc::new(rules(root).iter().map(|r| r.compile().unwrap()).collect());
        let path = Path::new(OsStr::from_bytes(path));
        let decided = Arc::new(AtomicUsize::new(0));
        let shortcut_decided = Arc::new(AtomicUsize::new(0));
        let wrong = Arc::new(Mutex::new(Vec::<String>::new()));
        let check = {
            let (decided, shortcut_decided, wrong) =
                (decided.clone(), shortcut_decided.clone(), wrong.clone());
            move |event: &Event<'_>| {
                let info = events::info(event.name()).unwrap();
                let layout = Layout::new(event.callsite(), info).expect("a layout");
                let classes = layout.classes_of(info, event);
                let mut wrong = wrong.lock().unwrap();
                if classes != info.classes_of(event) {
                    wrong.push(format!("classes of {event:?}"));
                }
                for (i, rule) in compiled.iter().enumerate() {
                    // The shortcut on the whole rule, where it takes the
                    // rule's shape, against the general way's verdict.
                    let by_name = rule.events.matches_name(event.name());
                    let candidate = (i as u32, by_name);
                    if let Some(shortcut) = Shortcut::new(&compiled, candidate, info, &layout) {
                        let slow = rule
                            .events
                            .matches(event)
                            .is_some_and(|scope| rule.holds(event, Some(info), scope));
                        if let Some(fast) = shortcut.holds(event) {
                            shortcut_decided.fetch_add(1, Ordering::Relaxed);
                            if fast != slow {
                                wrong.push(format!(
                                    "shortcut of rule #{} on {event:?}: {fast}, general way {slow}",
                                    i + 1
                                ));
                            }
                        }
                    }
                    let Some(scope) = rule.events.matches(event) else {
                        continue;
                    };
                    let action = rule.rule.action;
                    for c in &rule.conditions {
                        let slow = c.holds(event, Some(info), action, scope);
                        if let Some(fast) = c.holds_at(event, &layout, classes, action, scope) {
                            decided.fetch_add(1, Ordering::Relaxed);
                            if fast != slow {
                                wrong.push(format!(
                                    "rule #{} on {event:?}: fast {fast}, slow {slow}",
                                    i + 1
                                ));
                            }
                        }
                    }
                }
                Ok(())
            }
        };
        raise_each(path, other, &Arc::new(check));
        let wrong = wrong.lock().unwrap();
        assert!(
            wrong.is_empty(),
            "the fast way disagrees:\n{}",
            wrong.join("\n")
        );
        (
            decided.load(Ordering::Relaxed),
            shortcut_decided.load(Ordering::Relaxed),
        )
    }

    #[test]
    fn single_spelling_prefixes_are_the_ones_of_the_short_way() {
        // So that `the_fast_way_agrees_with_the_slow_way` checks both ways
        // of judging a path: `w` and `o` are canonical (one spelling),
        // `alias` is a link (two), and two prefixes are never single.
        let (_dir, root) = scene();
        let single: Vec<bool> = rules(&root)
            .iter()
            .map(|rule| {
                let compiled = rule.compile().unwrap();
                match &compiled.conditions[..] {
                    [super::Condition::Path(c)] => c.single.is_some(),
                    _ => panic!("one path condition"),
                }
            })
            .collect();
        assert_eq!(
            single,
            [true, true, true, false, true, false, false, false, true, true]
        );
    }

    #[test]
    fn the_fast_way_agrees_with_the_slow_way() {
        if !audit_core::ENABLED {
            return;
        }
        let (_dir, root) = scene();
        let inside = root.join("w/f");
        let outside = root.join("o/t");
        for path in paths(&root) {
            for other in [&inside, &outside] {
                agree(&root, &path, other);
            }
        }
    }

    /// A whole policy decides every event alike with and without its
    /// shortcuts: policies whose audit points have one candidate, several
    /// (each with a shortcut), and some without a shortcut, under both
    /// defaults.
    #[test]
    fn a_policy_decides_alike_with_and_without_its_shortcuts() {
        if !audit_core::ENABLED {
            return;
        }
        let (_dir, root) = scene();
        let all = rules(&root);
        // The rules a shortcut can take (one prefix spelled one way).
        let single: Vec<Rule> = [0, 1, 2, 4, 8, 9].iter().map(|&i| all[i].clone()).collect();
        let policies = [
            Policy::builder(Action::Allow).rules(single.clone()),
            Policy::builder(Action::Deny).rules(single[..3].to_vec()),
            Policy::builder(Action::Allow).rule(single[0].clone()),
            Policy::builder(Action::Deny).rules(single.iter().rev().cloned()),
            Policy::builder(Action::Allow).rules(all.clone()),
        ]
        .map(|builder| Arc::new(builder.build().unwrap()));
        let inside = root.join("w/f");
        let (compared, by_shortcuts) =
            (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        let wrong = Arc::new(Mutex::new(Vec::<String>::new()));
        let check = {
            let plain: Vec<Policy> = policies
                .iter()
                .map(|p| (**p).clone().without_shortcuts())
                .collect();
            let (policies, compared, by_shortcuts, wrong) = (
                policies.clone(),
                compared.clone(),
                by_shortcuts.clone(),
                wrong.clone(),
            );
            Arc::new(move |event: &Event<'_>| {
                for (i, (policy, plain)) in policies.iter().zip(&plain).enumerate() {
                    let (fast, slow) = (policy.decide(event), plain.decide(event));
                    compared.fetch_add(1, Ordering::Relaxed);
                    if policy.has_shortcuts_for(event) {
                        by_shortcuts.fetch_add(1, Ordering::Relaxed);
                    }
                    if (fast.action(), fast.rule_index()) != (slow.action(), slow.rule_index()) {
                        wrong.lock().unwrap().push(format!(
                            "policy {i} on {event:?}: {:?} by {:?}, without shortcuts {:?} by {:?}",
                            fast.action(),
                            fast.rule_index(),
                            slow.action(),
                            slow.rule_index()
                        ));
                    }
                }
                Ok(())
            })
        };
        for path in paths(&root) {
            raise_each(Path::new(OsStr::from_bytes(&path)), &inside, &check);
        }
        let wrong = wrong.lock().unwrap();
        assert!(
            wrong.is_empty(),
            "the shortcuts disagree:\n{}",
            wrong.join("\n")
        );
        // Most decisions went through shortcuts (so that they are tested):
        // every one-file event of the first four policies.
        let (compared, by_shortcuts) = (
            compared.load(Ordering::Relaxed),
            by_shortcuts.load(Ordering::Relaxed),
        );
        assert!(by_shortcuts * 2 > compared, "{by_shortcuts} of {compared}");
    }

    #[test]
    fn the_fast_way_decides_plain_paths() {
        if !audit_core::ENABLED {
            return;
        }
        let (_dir, root) = scene();
        let inside = root.join("w/f");
        // Plain paths without links on the way: every rule is decided
        // (4 events, each rule's single path condition, less the rules an
        // event does not match), never left to the slow way. The shortcut
        // takes the rules with one prefix spelled one way (6 of 10) on the
        // events with one file (not the renames) and decides each, but the
        // four that match the file known only by its descriptor: 32.
        for plain in ["/w/f", "/w/missing/x", "/o/t", "/w/d/"] {
            let path = [root.as_os_str().as_bytes(), plain.as_bytes()].concat();
            let (decided, shortcut_decided) = agree(&root, &path, &inside);
            assert!(decided >= 20, "{plain}");
            assert_eq!(shortcut_decided, 32, "{plain}");
        }
    }
}
