//! The policy: ordered rules, first match wins, and a default.

use std::fmt;
#[cfg(feature = "toml")]
use std::path::Path;

use audit_core::{AuditError, Event, Hook, Interest, Note};

use crate::rule::{CompiledRule, EventPatterns, Scope};
use crate::shortcut;
use crate::sites::Sites;
#[cfg(feature = "toml")]
use crate::toml_format::{Mode, TomlPolicy, TomlRule, UnknownEvents};
use crate::validate;
use crate::{PolicyError, Rule};

/// What a rule, or the policy's default, does with an event.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    /// Let the operation proceed.
    Allow,
    /// Veto the operation: the audit point returns an [`AuditError`].
    Deny,
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Action::Allow => "allow",
            Action::Deny => "deny",
        })
    }
}

/// A declarative allow/deny policy over audit events: ordered [`Rule`]s,
/// the first matching rule decides, and a default decides the rest.
///
/// Build one in code with [`Policy::builder`] or load one from TOML with
/// [`Policy::from_toml`] / [`Policy::from_file`] (the format is in the
/// [crate docs](crate)). A policy is a [`Hook`]: install it with
/// [`Policy::install`] (which also declares its [`interest`](Policy::interest))
/// or pass it to [`audit_core::install_hook`] (`add_hook` is for closures).
///
/// ```
/// use audit_core::{audit, testing};
/// use audit_policy::{Action, Policy, Rule};
/// use std::net::SocketAddr;
///
/// let policy = Policy::builder(Action::Allow)
///     .rule(Rule::deny(["net.connect"]).address_not_in(["loopback"]).reason("only loopback"))
///     .build()?;
///
/// let remote: SocketAddr = "192.0.2.1:443".parse().unwrap();
/// let (result, _) = testing::capture_with_hook(policy, || audit!("net.connect", addr = remote));
/// if audit_core::ENABLED {
///     let err = result.unwrap_err();
///     assert_eq!(err.reason(), "policy rule #1: only loopback");
/// }
/// # Ok::<(), audit_policy::PolicyError>(())
/// ```
#[derive(Clone, Debug)]
pub struct Policy {
    default: Action,
    /// Every denial is reported, not enforced.
    report: bool,
    rules: Vec<CompiledRule>,
    /// Every pattern of every deny rule: the events the policy may refuse
    /// when its default is allow.
    deny_patterns: Vec<EventPatterns>,
    /// The candidate rules of each audit point.
    sites: Sites,
}

/// Builds a [`Policy`] in code; see [`Policy::builder`].
#[derive(Clone, Debug)]
pub struct PolicyBuilder {
    default: Action,
    rules: Vec<Rule>,
    allow_unknown_events: bool,
    report: bool,
}

impl PolicyBuilder {
    /// Appends a rule; rules are tried in the order added.
    pub fn rule(mut self, rule: Rule) -> Self {
        self.rules.push(rule);
        self
    }

    /// Appends several rules, in order.
    pub fn rules(mut self, rules: impl IntoIterator<Item = Rule>) -> Self {
        self.rules.extend(rules);
        self
    }

    /// Checks every pattern and condition and builds the policy. The error
    /// names the rule (numbered from 1) and the problem.
    ///
    /// ```
    /// use audit_policy::{Action, Policy, Rule};
    ///
    /// let err = Policy::builder(Action::Allow)
    ///     .rule(Rule::deny(["net.*"]).address_in(["10.0.0.0/33"]))
    ///     .build()
    ///     .unwrap_err();
    /// assert_eq!(err.rule(), Some(1));
    /// assert!(err.to_string().contains("invalid CIDR range `10.0.0.0/33`"), "{err}");
    /// ```
    pub fn build(self) -> Result<Policy, PolicyError> {
        if !self.allow_unknown_events {
            for (i, rule) in self.rules.iter().enumerate() {
                if let Some(why) = rule
                    .events
                    .iter()
                    .find_map(|p| validate::unknown_pattern(p))
                {
                    return Err(PolicyError::in_rule(i + 1, why));
                }
            }
        }
        let policy = Policy::new(self.default, self.rules)?;
        Ok(Policy {
            report: self.report,
            ..policy
        })
    }

    /// Puts the whole policy in report mode: every denial (by a rule or by
    /// the default) is [noted](audit_core::note) and the operation goes
    /// ahead. `mode = "report"` at the top of a TOML policy.
    pub fn report_only(mut self) -> Self {
        self.report = true;
        self
    }

    /// Accepts event patterns that match no event this program can raise
    /// (by default an error, since it is usually a typo): for a policy
    /// shared by programs that raise different events. The TOML form is
    /// the top-level `unknown_events = "allow"`.
    pub fn allow_unknown_events(mut self) -> Self {
        self.allow_unknown_events = true;
        self
    }
}

impl Policy {
    /// Starts a policy whose `default` applies to events no rule matches.
    pub fn builder(default: Action) -> PolicyBuilder {
        PolicyBuilder {
            default,
            rules: Vec::new(),
            allow_unknown_events: false,
            report: false,
        }
    }

    fn new(default: Action, rules: Vec<Rule>) -> Result<Policy, PolicyError> {
        let compiled = rules
            .iter()
            .enumerate()
            .map(|(i, rule)| rule.compile().map_err(|e| PolicyError::in_rule(i + 1, e)))
            .collect::<Result<Vec<_>, _>>()?;
        let deny_patterns = compiled
            .iter()
            .filter(|r| r.rule.action == Action::Deny)
            .map(|r| r.events.clone())
            .collect();
        Ok(Policy {
            default,
            report: false,
            sites: Sites::new(&compiled),
            rules: compiled,
            deny_patterns,
        })
    }

    /// Parses a policy from TOML text (the format is in the [crate docs](crate)).
    ///
    /// Any problem, syntactic or semantic, is an error naming its line and
    /// column: a bad glob, CIDR range, port range, program or path prefix, an
    /// unknown action, a missing or unknown key.
    ///
    /// ```
    /// let policy = audit_policy::Policy::from_toml(r#"
    ///     default = "allow"
    ///
    ///     [[rule]]
    ///     action = "deny"
    ///     events = ["net.connect", "net.send_to"]
    ///     address = { not_in = ["127.0.0.0/8", "::1/128"] }
    ///     reason = "only loopback"
    /// "#)?;
    /// assert_eq!(policy.rules().len(), 1);
    /// # Ok::<(), audit_policy::PolicyError>(())
    /// ```
    #[cfg(feature = "toml")]
    pub fn from_toml(text: &str) -> Result<Policy, PolicyError> {
        let parsed: TomlPolicy = crate::toml_format::parse(text)?;
        if parsed.unknown_events == UnknownEvents::Error {
            for TomlRule(rule, spans) in &parsed.rule {
                for (pattern, span) in rule.events.iter().zip(spans) {
                    if let Some(why) = validate::unknown_pattern(pattern) {
                        return Err(PolicyError::at(text, span.start, why));
                    }
                }
            }
        }
        // Every rule was compiled while parsing, so this only repeats the work.
        let policy = Policy::new(
            parsed.default,
            parsed.rule.into_iter().map(|r| r.0).collect(),
        )?;
        Ok(Policy {
            report: parsed.mode == Some(Mode::Report),
            ..policy
        })
    }

    /// Reads and parses a TOML policy file; errors also name the file.
    ///
    /// The file is read with `std::fs`, so reading it raises no audit event.
    #[cfg(feature = "toml")]
    pub fn from_file(path: impl AsRef<Path>) -> Result<Policy, PolicyError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|e| PolicyError::unreadable(path, e))?;
        Policy::from_toml(&text).map_err(|e| e.in_file(path))
    }

    /// The action for events that no rule matches.
    pub fn default_action(&self) -> Action {
        self.default
    }

    /// The rules, in the order they are tried.
    pub fn rules(&self) -> impl ExactSizeIterator<Item = &Rule> {
        self.rules.iter().map(|r| &r.rule)
    }

    /// The events each rule can apply to, in rule order: every event of
    /// [`audit_std::events::TABLE`] and of the program's
    /// [`catalogue`](audit_core::catalogue) that one of the rule's patterns
    /// matches (a class pattern: events that can be of that class), sorted.
    /// What [`Policy::check`] prints.
    ///
    #[cfg_attr(feature = "toml", doc = " ```")]
    #[cfg_attr(not(feature = "toml"), doc = " ```ignore")]
    /// let policy = audit_policy::Policy::from_toml(r#"
    ///     default = "allow"
    ///     [[rule]]
    ///     action = "deny"
    ///     events = ["@exec"]
    /// "#)?;
    /// assert_eq!(policy.coverage()[0], ["process.exec", "process.spawn"]);
    /// # Ok::<(), audit_policy::PolicyError>(())
    /// ```
    pub fn coverage(&self) -> Vec<Vec<&'static str>> {
        let known = validate::known_events();
        self.rules
            .iter()
            .map(|rule| {
                known
                    .iter()
                    .copied()
                    .filter(|name| rule.events.may_match(name))
                    .collect()
            })
            .collect()
    }

    /// A report on the policy for a reviewer: the default, then each rule
    /// on one line with the events it applies to. Nothing is installed.
    ///
    #[cfg_attr(feature = "toml", doc = " ```")]
    #[cfg_attr(not(feature = "toml"), doc = " ```ignore")]
    /// let policy = audit_policy::Policy::from_toml(r#"
    ///     default = "allow"
    ///     [[rule]]
    ///     action = "deny"
    ///     events = ["@exec"]
    ///     program = { not_in = ["git"] }
    /// "#)?;
    /// let report = policy.check();
    /// assert!(report.contains("#1 deny @exec where program not_in [git]"), "{report}");
    /// assert!(report.contains("applies to: process.exec, process.spawn"), "{report}");
    /// # Ok::<(), audit_policy::PolicyError>(())
    /// ```
    pub fn check(&self) -> String {
        let count = match self.rules.len() {
            1 => "1 rule".to_owned(),
            n => format!("{n} rules"),
        };
        let mut out = format!(
            "{count}; default {} (events no rule matches)\n",
            self.default
        );
        for (i, (rule, events)) in self.rules().zip(self.coverage()).enumerate() {
            let events = if events.is_empty() {
                "no event this program can raise".to_owned()
            } else {
                events.join(", ")
            };
            out.push_str(&format!("#{} {rule}\n    applies to: {events}\n", i + 1));
        }
        out
    }

    /// Decides `event`: the first rule that matches it, or the default.
    ///
    /// ```
    /// use audit_core::testing;
    /// use audit_policy::{Action, Policy, Rule};
    ///
    /// let policy = Policy::builder(Action::Deny).rule(Rule::allow(["app.*"])).build()?;
    /// let (_, _) = testing::capture_with(
    ///     move |event: &audit_core::Event<'_>| {
    ///         let decision = policy.decide(event);
    ///         assert_eq!(decision.action(), Action::Allow);
    ///         assert_eq!(decision.rule_index(), Some(0));
    ///         Ok(())
    ///     },
    ///     || audit_core::audit!("app.start"),
    /// );
    /// # Ok::<(), audit_policy::PolicyError>(())
    /// ```
    #[inline]
    pub fn decide(&self, event: &Event<'_>) -> Decision<'_> {
        let found = match self.sites.of(event) {
            // Only the rules whose patterns can match this audit point.
            Some(candidates) => {
                // One question per rule: settled when the policy was built.
                if let Some(shortcuts) = &candidates.shortcuts {
                    if let Some(found) = shortcut::first_match(shortcuts, event) {
                        let found =
                            found.map(|index| (index as usize, &self.rules[index as usize]));
                        return self.decision(found);
                    }
                }
                // The event's classes, found once for all its candidates.
                let classes = candidates.classes(event);
                candidates.rules.iter().find_map(|&(index, by_name)| {
                    let rule = &self.rules[index as usize];
                    let scope = if by_name {
                        Some(Scope::AllFiles)
                    } else {
                        classes.and_then(|classes| rule.events.scope_of(classes))
                    }?;
                    let holds = match (candidates.info, &candidates.layout, classes) {
                        (Some(info), Some(layout), Some(classes)) => {
                            rule.holds_at(event, info, layout, classes, scope)
                        }
                        (info, _, _) => rule.holds(event, info, scope),
                    };
                    holds.then_some((index as usize, rule))
                })
            }
            // An event from no audit point of the catalogue: try every rule.
            None => self
                .rules
                .iter()
                .enumerate()
                .find(|(_, r)| r.matches(event)),
        };
        self.decision(found)
    }

    /// The same policy deciding every event the general way: for tests
    /// that hold the shortcuts to it.
    #[cfg(test)]
    pub(crate) fn without_shortcuts(mut self) -> Policy {
        self.sites.forget_shortcuts();
        self
    }

    /// Whether `event`'s audit point has shortcuts in this policy.
    #[cfg(test)]
    pub(crate) fn has_shortcuts_for(&self, event: &Event<'_>) -> bool {
        self.sites
            .of(event)
            .is_some_and(|site| site.shortcuts.is_some())
    }

    /// The decision of the rule `found` (or of the default).
    #[inline]
    fn decision<'p>(&'p self, found: Option<(usize, &'p CompiledRule)>) -> Decision<'p> {
        match found {
            Some((index, rule)) => Decision {
                action: rule.rule.action,
                rule: Some((index, &rule.rule)),
                enforced: !self.report && !rule.rule.report,
            },
            None => Decision {
                action: self.default,
                rule: None,
                enforced: !self.report,
            },
        }
    }

    /// The callsites this policy needs to see.
    ///
    /// With a default of deny, every event. With a default of allow, only
    /// events that some deny rule's patterns match: any other event ends up
    /// allowed whatever its arguments, so its audit points can stay on the
    /// fast path (no arguments built, no hook called).
    pub fn interest(&self) -> Interest {
        match self.default {
            Action::Deny => Interest::all(),
            Action::Allow => {
                let deny = self.deny_patterns.clone();
                Interest::predicate(move |site| deny.iter().any(|p| p.may_match(site.name())))
            }
        }
    }

    /// Installs the policy as a global hook for the rest of the process,
    /// with its [`interest`](Self::interest).
    ///
    /// Fails as [`audit_core::install_hook`] does: after
    /// [`seal`](audit_core::seal), with the `off` feature, or when an
    /// existing hook vetoes the addition. The `audit.add_hook` event names
    /// the code that calls `install` as its caller.
    #[track_caller]
    pub fn install(self) -> Result<(), AuditError> {
        audit_core::install_hook(self)
    }
}

impl Hook for Policy {
    fn on_event(&self, event: &Event<'_>) -> Result<(), AuditError> {
        let decision = self.decide(event);
        match decision.action {
            Action::Allow => Ok(()),
            Action::Deny if decision.enforced => Err(AuditError::denied(decision.explain())),
            Action::Deny => {
                // Report mode: the hooks that record outcomes see it.
                audit_core::note(Note::would_deny(decision.explain()));
                Ok(())
            }
        }
    }

    fn interest(&self) -> Interest {
        Policy::interest(self)
    }
}

/// The outcome of [`Policy::decide`].
#[derive(Clone, Copy, Debug)]
pub struct Decision<'p> {
    action: Action,
    rule: Option<(usize, &'p Rule)>,
    /// Whether a denial refuses the operation (not in report mode).
    enforced: bool,
}

impl<'p> Decision<'p> {
    /// Allow or deny.
    pub fn action(&self) -> Action {
        self.action
    }

    /// Whether the event is allowed.
    pub fn is_allowed(&self) -> bool {
        self.action == Action::Allow
    }

    /// Whether the operation is refused: a denial not in report mode.
    pub fn refuses(&self) -> bool {
        self.action == Action::Deny && self.enforced
    }

    /// The index (from 0) of the rule that decided, or `None` for the default.
    /// Messages number rules from 1: index 0 is "rule #1".
    pub fn rule_index(&self) -> Option<usize> {
        self.rule.map(|(i, _)| i)
    }

    /// The rule that decided, or `None` for the default.
    pub fn rule(&self) -> Option<&'p Rule> {
        self.rule.map(|(_, r)| r)
    }

    /// A sentence naming what decided: `policy rule #2: only loopback`,
    /// `policy rule #3 (events fs.*)` for a rule without a reason, or
    /// `policy default (no rule matched)`, followed by ` [report only]` for a
    /// denial in report mode. This is the reason of a denial's
    /// [`AuditError`], or of the [`Note`] a report-mode denial leaves.
    pub fn explain(&self) -> String {
        let mut text = match self.rule {
            Some((i, rule)) => match &rule.reason {
                Some(reason) => format!("policy rule #{}: {reason}", i + 1),
                None => format!("policy rule #{} (events {})", i + 1, rule.events.join(", ")),
            },
            None => "policy default (no rule matched)".to_owned(),
        };
        if self.action == Action::Deny && !self.enforced {
            text.push_str(" [report only]");
        }
        text
    }
}
