//! Rules: an action, event-name patterns and argument conditions.

use std::fmt;

use audit_core::Event;
use audit_std::events::{self, Access, Classes, EventInfo};

use crate::condition::{
    AddressRange, Cond, Condition, ConditionKind, Flags, HostPattern, Item, PathCond, PathPrefix,
    PortRange, ProgramSpec,
};
use crate::glob::Glob;
use crate::sites::Layout;
use crate::Action;

/// One rule of a [`Policy`](crate::Policy): an action, the events it applies
/// to (glob patterns over event names) and optional argument conditions.
///
/// A rule *matches* an event when the event's name matches one of its
/// patterns and every condition holds. Conditions are checked when the
/// policy is built ([`PolicyBuilder::build`](crate::PolicyBuilder::build)),
/// so the methods here never fail.
///
/// ```
/// use audit_policy::{ConditionKind, Rule};
///
/// let rules = [
///     Rule::deny(["net.connect", "net.send_to"])
///         .address_not_in(["loopback"])
///         .reason("only loopback"),
///     Rule::allow(["fs.*"]).path_under(["/srv/app/data"]),
///     Rule::deny(["fs.rename"]).path_not_under(["/srv/app"]).arg(ConditionKind::Path, "to"),
///     Rule::allow(["process.spawn"]).program_in(["git", "/usr/bin/ls"]),
///     Rule::deny(["net.bind"]).port_in(["0-1023"]),
///     Rule::allow(["net.resolve"]).host_in(["localhost", "*.internal.example"]),
/// ];
/// # let _ = rules;
/// ```
#[derive(Clone, Debug)]
pub struct Rule {
    pub(crate) action: Action,
    pub(crate) events: Vec<String>,
    pub(crate) reason: Option<String>,
    /// Reports its denials instead of enforcing them.
    pub(crate) report: bool,
    pub(crate) conditions: [CondSpec; 5],
    pub(crate) flags: FlagSpec,
}

/// The text of a `flags` condition: names of boolean arguments.
#[derive(Clone, Debug, Default)]
pub(crate) struct FlagSpec {
    pub(crate) any: Vec<String>,
    pub(crate) none: Vec<String>,
}

/// The text of one condition, before it is parsed.
#[derive(Clone, Debug, Default)]
pub(crate) struct CondSpec {
    pub(crate) include: Vec<String>,
    pub(crate) exclude: Vec<String>,
    pub(crate) arg: Option<String>,
}

impl fmt::Display for Rule {
    /// One line, as a reviewer reads it:
    /// `deny @write where path not_under [/srv/work] ("writes stay in /srv/work")`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mode = if self.report { " (report only)" } else { "" };
        write!(f, "{}{mode} {}", self.action, self.events.join(", "))?;
        let mut first = true;
        let mut clause = |f: &mut fmt::Formatter<'_>, text: String| {
            let lead = if first { " where" } else { " and" };
            first = false;
            write!(f, "{lead} {text}")
        };
        for (kind, spec) in ConditionKind::ALL.into_iter().zip(&self.conditions) {
            let (inc, exc) = match kind {
                ConditionKind::Path => ("under", "not_under"),
                _ => ("in", "not_in"),
            };
            let of = spec
                .arg
                .as_ref()
                .map(|a| format!(" (argument `{a}`)"))
                .unwrap_or_default();
            for (word, list) in [(inc, &spec.include), (exc, &spec.exclude)] {
                if !list.is_empty() {
                    clause(
                        f,
                        format!("{}{of} {word} [{}]", kind.key(), list.join(", ")),
                    )?;
                }
            }
        }
        for (word, list) in [("any", &self.flags.any), ("none", &self.flags.none)] {
            if !list.is_empty() {
                clause(f, format!("flags {word} of [{}]", list.join(", ")))?;
            }
        }
        if let Some(reason) = &self.reason {
            write!(f, " ({reason:?})")?;
        }
        Ok(())
    }
}

fn strings<I, S>(items: I) -> impl Iterator<Item = String>
where
    I: IntoIterator<Item = S>,
    S: Into<String>,
{
    items.into_iter().map(Into::into)
}

fn index(kind: ConditionKind) -> usize {
    match kind {
        ConditionKind::Path => 0,
        ConditionKind::Address => 1,
        ConditionKind::Port => 2,
        ConditionKind::Program => 3,
        ConditionKind::Host => 4,
    }
}

impl Rule {
    /// A rule with `action` for events whose name matches one of `events`
    /// (glob patterns: `fs.*`, `net.connect`, `*`).
    pub fn new<I, S>(action: Action, events: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Rule {
            action,
            events: strings(events).collect(),
            reason: None,
            report: false,
            conditions: Default::default(),
            flags: FlagSpec::default(),
        }
    }

    /// An `allow` rule for `events`.
    pub fn allow<I, S>(events: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Rule::new(Action::Allow, events)
    }

    /// A `deny` rule for `events`.
    pub fn deny<I, S>(events: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Rule::new(Action::Deny, events)
    }

    /// The explanation given in the [`AuditError`](audit_core::AuditError) when this rule denies an event.
    pub fn reason(mut self, reason: impl Into<String>) -> Self {
        self.reason = Some(reason.into());
        self
    }

    /// Puts the rule in report mode: when it would deny an event, the event
    /// is allowed and the would-be denial is [noted](audit_core::note) for
    /// the hooks that record outcomes (`mode = "report"` in TOML). How a new
    /// rule is rolled out: watch what it would refuse, then enforce it.
    pub fn report_only(mut self) -> Self {
        self.report = true;
        self
    }

    /// Whether the rule only reports its denials.
    pub fn is_report_only(&self) -> bool {
        self.report
    }

    fn include<I, S>(mut self, kind: ConditionKind, items: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.conditions[index(kind)].include.extend(strings(items));
        self
    }

    fn exclude<I, S>(mut self, kind: ConditionKind, items: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.conditions[index(kind)].exclude.extend(strings(items));
        self
    }

    /// Paths must be equal to or under one of `prefixes` (absolute paths).
    pub fn path_under<I: IntoIterator<Item = S>, S: Into<String>>(self, prefixes: I) -> Self {
        self.include(ConditionKind::Path, prefixes)
    }

    /// Paths must not be equal to or under any of `prefixes` (absolute paths).
    pub fn path_not_under<I: IntoIterator<Item = S>, S: Into<String>>(self, prefixes: I) -> Self {
        self.exclude(ConditionKind::Path, prefixes)
    }

    /// Addresses must be in one of `ranges` (CIDR ranges, addresses, or the
    /// keywords `loopback`, `private`, `link_local`, `unspecified`).
    pub fn address_in<I: IntoIterator<Item = S>, S: Into<String>>(self, ranges: I) -> Self {
        self.include(ConditionKind::Address, ranges)
    }

    /// Addresses must not be in any of `ranges`.
    pub fn address_not_in<I: IntoIterator<Item = S>, S: Into<String>>(self, ranges: I) -> Self {
        self.exclude(ConditionKind::Address, ranges)
    }

    /// Ports must be in one of `ranges` (`"443"`, `"8000-8999"`).
    pub fn port_in<I: IntoIterator<Item = S>, S: Into<String>>(self, ranges: I) -> Self {
        self.include(ConditionKind::Port, ranges)
    }

    /// Ports must not be in any of `ranges`.
    pub fn port_not_in<I: IntoIterator<Item = S>, S: Into<String>>(self, ranges: I) -> Self {
        self.exclude(ConditionKind::Port, ranges)
    }

    /// The program must be one of `programs` (bare names or absolute paths).
    pub fn program_in<I: IntoIterator<Item = S>, S: Into<String>>(self, programs: I) -> Self {
        self.include(ConditionKind::Program, programs)
    }

    /// The program must not be any of `programs`.
    pub fn program_not_in<I: IntoIterator<Item = S>, S: Into<String>>(self, programs: I) -> Self {
        self.exclude(ConditionKind::Program, programs)
    }

    /// The host name must match one of `patterns` (globs, case-insensitive).
    pub fn host_in<I: IntoIterator<Item = S>, S: Into<String>>(self, patterns: I) -> Self {
        self.include(ConditionKind::Host, patterns)
    }

    /// The host name must match none of `patterns`.
    pub fn host_not_in<I: IntoIterator<Item = S>, S: Into<String>>(self, patterns: I) -> Self {
        self.exclude(ConditionKind::Host, patterns)
    }

    /// At least one of the boolean arguments `names` must be true.
    ///
    /// This tells apart events that share a name but not an effect: an
    /// `fs.open` that may modify the file (`write`, `append`, `truncate`,
    /// `create`, `create_new`) from one that only reads.
    ///
    /// ```
    /// use audit_policy::Rule;
    ///
    /// let no_writes_outside = Rule::deny(["fs.open"])
    ///     .flags_any(["write", "append", "truncate", "create", "create_new"])
    ///     .path_not_under(["/srv/app/work"]);
    /// # let _ = no_writes_outside;
    /// ```
    ///
    /// An argument that the event does not have, or that is `None`, counts
    /// as false; one that is present but not a boolean cannot be judged,
    /// which counts in favour of a deny rule and against an allow rule.
    pub fn flags_any<I: IntoIterator<Item = S>, S: Into<String>>(mut self, names: I) -> Self {
        self.flags.any.extend(strings(names));
        self
    }

    /// None of the boolean arguments `names` may be true (see
    /// [`flags_any`](Self::flags_any) for absent and non-boolean arguments).
    pub fn flags_none<I: IntoIterator<Item = S>, S: Into<String>>(mut self, names: I) -> Self {
        self.flags.none.extend(strings(names));
        self
    }

    /// Applies the condition of `kind` to the argument called `name` only,
    /// instead of its default arguments (see the crate docs).
    pub fn arg(mut self, kind: ConditionKind, name: impl Into<String>) -> Self {
        self.conditions[index(kind)].arg = Some(name.into());
        self
    }

    /// The rule's action.
    pub fn action(&self) -> Action {
        self.action
    }

    /// The rule's event-name patterns.
    pub fn events(&self) -> &[String] {
        &self.events
    }

    /// The rule's reason, if it has one.
    pub fn reason_text(&self) -> Option<&str> {
        self.reason.as_deref()
    }

    /// Parses every pattern and condition.
    pub(crate) fn compile(&self) -> Result<CompiledRule, String> {
        if self.events.is_empty() {
            return Err("`events` must name at least one event pattern".into());
        }
        let events = EventPatterns::new(&self.events)?;
        let mut conditions = Vec::new();
        for (kind, spec) in ConditionKind::ALL.into_iter().zip(&self.conditions) {
            if let Some(condition) = compile_condition(kind, spec)? {
                conditions.push(condition);
            }
        }
        let flags = compile_flags(&self.flags)?;
        crate::validate::check_applicable(self, &events)?;
        Ok(CompiledRule {
            rule: self.clone(),
            events,
            conditions,
            flags,
        })
    }
}

/// The events a rule applies to: name globs and `@class` patterns.
#[derive(Clone, Debug)]
pub(crate) struct EventPatterns {
    names: Vec<Glob>,
    classes: Classes,
}

impl EventPatterns {
    /// Parses `patterns`: `@write` (a class of
    /// [`audit_std::events::Classes`]) or a glob over event names.
    pub(crate) fn new(patterns: &[String]) -> Result<EventPatterns, String> {
        let mut names = Vec::new();
        let mut classes = Classes::NONE;
        for pattern in patterns {
            match pattern.strip_prefix('@') {
                Some(class) => classes |= class_pattern(class)?,
                None => names.push(event_glob(pattern)?),
            }
        }
        Ok(EventPatterns { names, classes })
    }

    /// Whether `event` is one of these events. A class pattern matches the
    /// event's classes in this occurrence (`@write` matches an `fs.open`
    /// only when its flags write).
    ///
    /// `Some(scope)` when it is: the files the rule's path condition should
    /// judge. An event matched only through `@write` (or `@read`) is judged
    /// by the files it writes (or reads): `fs.copy`'s source is not written.
    pub(crate) fn matches(&self, event: &Event<'_>) -> Option<Scope> {
        if self.names.iter().any(|g| g.is_match(event.name())) {
            return Some(Scope::AllFiles);
        }
        self.class_scope(events::info(event.name())?, event)
    }

    /// Whether some name pattern matches `name`.
    pub(crate) fn matches_name(&self, name: &str) -> bool {
        self.names.iter().any(|g| g.is_match(name))
    }

    /// Whether `event`, an event of `info`, is of one of these classes in
    /// this occurrence, and if so which of its files a path condition judges.
    pub(crate) fn class_scope(&self, info: &EventInfo, event: &Event<'_>) -> Option<Scope> {
        if self.classes.is_empty() {
            return None;
        }
        self.scope_of(info.classes_of(event))
    }

    /// [`class_scope`](Self::class_scope) for an event whose classes in this
    /// occurrence are `classes`.
    #[inline]
    pub(crate) fn scope_of(&self, classes: Classes) -> Option<Scope> {
        Scope::of_classes(self.classes, classes)
    }

    /// The classes of the `@class` patterns.
    pub(crate) fn classes(&self) -> Classes {
        self.classes
    }

    /// Whether some event raised at an audit point named `name` may match.
    pub(crate) fn may_match(&self, name: &str) -> bool {
        self.names.iter().any(|g| g.is_match(name))
            || (!self.classes.is_empty()
                && events::info(name)
                    .is_some_and(|info| info.possible_classes().intersects(self.classes)))
    }
}

/// Which files named by a matched event a path condition judges.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Scope {
    /// Every file the event names.
    AllFiles,
    /// Only those it accesses so.
    Only(Access),
}

impl Scope {
    /// Whether a file the event accesses so is one the scope judges.
    #[inline]
    pub(crate) fn covers(self, access: Access) -> bool {
        self == Scope::AllFiles || self == Scope::Only(access)
    }

    /// The scope of an event of `classes` matched through a rule's class
    /// patterns, `rule`: `None` when it is of none of them.
    #[inline]
    pub(crate) fn of_classes(rule: Classes, classes: Classes) -> Option<Scope> {
        let common = classes.intersection(rule);
        if common.is_empty() {
            None
        } else if common == Classes::WRITE {
            Some(Scope::Only(Access::Write))
        } else if common == Classes::READ {
            Some(Scope::Only(Access::Read))
        } else {
            Some(Scope::AllFiles)
        }
    }
}

/// Parses the class after `@`.
fn class_pattern(name: &str) -> Result<Classes, String> {
    Classes::from_name(name).ok_or_else(|| {
        if let Some(close) = crate::validate::closest(name, Classes::names()) {
            return format!("unknown event class `@{name}`: did you mean `@{close}`?");
        }
        let known: Vec<String> = Classes::names().map(|n| format!("`@{n}`")).collect();
        format!(
            "unknown event class `@{name}`: expected one of {}",
            known.join(", ")
        )
    })
}

/// Checks one event pattern on its own: a known class after `@`, or a glob
/// that parses.
#[cfg(feature = "toml")]
pub(crate) fn check_event_pattern(pattern: &str) -> Result<(), String> {
    match pattern.strip_prefix('@') {
        Some(class) => class_pattern(class).map(drop),
        None => event_glob(pattern).map(drop),
    }
}

/// Parses an event-name pattern. `*` matches any characters, dots included.
pub(crate) fn event_glob(pattern: &str) -> Result<Glob, String> {
    Glob::new(pattern, "event pattern", false)
}

fn compile_condition(kind: ConditionKind, spec: &CondSpec) -> Result<Option<Condition>, String> {
    let (inc, exc) = match kind {
        ConditionKind::Path => ("under", "not_under"),
        _ => ("in", "not_in"),
    };
    if spec.include.is_empty() && spec.exclude.is_empty() {
        return match spec.arg {
            Some(_) => Err(format!(
                "`{}` condition needs `{inc}` or `{exc}`, not only `arg`",
                kind.key()
            )),
            None => Ok(None),
        };
    }
    if spec.arg.as_deref() == Some("") {
        return Err(format!("`{}` condition has an empty `arg`", kind.key()));
    }
    fn cond<T: Item>(spec: &CondSpec) -> Result<Cond<T>, String> {
        let parse = |items: &[String]| {
            items
                .iter()
                .map(|s| T::parse(s))
                .collect::<Result<Vec<_>, _>>()
        };
        Ok(Cond::new(
            parse(&spec.include)?,
            parse(&spec.exclude)?,
            spec.arg.clone(),
        ))
    }
    Ok(Some(match kind {
        ConditionKind::Path => Condition::Path(PathCond::new(cond::<PathPrefix>(spec)?)),
        ConditionKind::Address => Condition::Address(cond::<AddressRange>(spec)?),
        ConditionKind::Port => Condition::Port(cond::<PortRange>(spec)?),
        ConditionKind::Program => Condition::Program(cond::<ProgramSpec>(spec)?),
        ConditionKind::Host => Condition::Host(cond::<HostPattern>(spec)?),
    }))
}

/// Checks the argument names of a `flags` condition.
fn compile_flags(spec: &FlagSpec) -> Result<Option<Flags>, String> {
    if spec.any.is_empty() && spec.none.is_empty() {
        return Ok(None);
    }
    for name in spec.any.iter().chain(&spec.none) {
        check_flag_name(name)?;
    }
    Ok(Some(Flags::new(spec.any.clone(), spec.none.clone())))
}

/// An argument name in a `flags` list: non-empty, without spaces.
pub(crate) fn check_flag_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("empty argument name in `flags`".into());
    }
    if name.chars().any(char::is_whitespace) {
        return Err(format!("invalid argument name `{name}` in `flags`"));
    }
    Ok(())
}

/// A rule ready to match events.
#[derive(Clone, Debug)]
pub(crate) struct CompiledRule {
    pub(crate) rule: Rule,
    pub(crate) events: EventPatterns,
    pub(crate) conditions: Vec<Condition>,
    pub(crate) flags: Option<Flags>,
}

impl CompiledRule {
    pub(crate) fn matches(&self, event: &Event<'_>) -> bool {
        match self.events.matches(event) {
            Some(scope) => self.holds(event, events::info(event.name()), scope),
            None => false,
        }
    }

    /// Whether every condition holds for `event` (an event of `info`, when
    /// the table knows it), whose files in `scope` a path condition judges.
    pub(crate) fn holds(&self, event: &Event<'_>, info: Option<&EventInfo>, scope: Scope) -> bool {
        self.conditions
            .iter()
            .all(|c| c.holds(event, info, self.rule.action, scope))
            && self
                .flags
                .as_ref()
                .is_none_or(|f| f.hold(event, self.rule.action))
    }

    /// [`holds`](Self::holds) for an event of a known audit point: `layout`
    /// says where its arguments are and `classes` are its classes in this
    /// occurrence, so a path condition reads its files by position (and
    /// falls back to [`holds`](Self::holds)' way when the fast way cannot
    /// decide).
    #[inline]
    pub(crate) fn holds_at(
        &self,
        event: &Event<'_>,
        info: &EventInfo,
        layout: &Layout,
        classes: Classes,
        scope: Scope,
    ) -> bool {
        let action = self.rule.action;
        self.conditions.iter().all(|c| {
            c.holds_at(event, layout, classes, action, scope)
                .unwrap_or_else(|| c.holds(event, Some(info), action, scope))
        }) && self.flags.as_ref().is_none_or(|f| f.hold(event, action))
    }
}
