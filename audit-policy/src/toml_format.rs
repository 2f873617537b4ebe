//! The TOML form of a policy: serde structures that validate as they parse,
//! so that an error carries the span of the offending key or value.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;

use crate::condition::{AddressRange, HostPattern, Item, PathPrefix, PortRange, ProgramSpec};
use crate::rule::{check_event_pattern, check_flag_name, CondSpec, FlagSpec, Rule};
use crate::Action;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct TomlPolicy {
    pub(crate) default: Action,
    #[serde(default)]
    pub(crate) unknown_events: UnknownEvents,
    #[serde(default)]
    pub(crate) mode: Option<Mode>,
    #[serde(default)]
    pub(crate) rule: Vec<TomlRule>,
}

/// Whether denials are enforced or only reported: the `mode` key, of the
/// policy or of one rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Mode {
    /// Denials refuse the operation (the default).
    Enforce,
    /// Denials are noted and the operation goes ahead.
    Report,
}

/// What to do with an event pattern that matches no event the program can
/// raise: the `unknown_events` key.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum UnknownEvents {
    /// Refuse the policy (the default): such a pattern is usually a typo.
    #[default]
    Error,
    /// Accept it: the policy is shared with programs that raise it.
    Allow,
}

/// A rule, checked as a whole once its fields have parsed, with where each
/// of its event patterns is in the text.
pub(crate) struct TomlRule(pub(crate) Rule, pub(crate) Vec<std::ops::Range<usize>>);

impl<'de> Deserialize<'de> for TomlRule {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let fields = RuleFields::deserialize(deserializer)?;
        let spans = fields.events.iter().map(|c| c.span()).collect();
        let mut rule = Rule::new(
            fields.action,
            fields.events.into_iter().map(|c| c.into_inner().text),
        );
        rule.reason = fields.reason;
        rule.report = fields.mode == Some(Mode::Report);
        let conds = [
            fields.path.map(CondFields::from).map(CondFields::into_spec),
            fields.address.map(CondFields::into_spec),
            fields.port.map(CondFields::into_spec),
            fields.program.map(CondFields::into_spec),
            fields.host.map(CondFields::into_spec),
        ];
        for (slot, cond) in rule.conditions.iter_mut().zip(conds) {
            if let Some(cond) = cond {
                *slot = cond;
            }
        }
        if let Some(flags) = fields.flags {
            if flags.any.is_empty() && flags.none.is_empty() {
                return Err(de::Error::custom("`flags` condition needs `any` or `none`"));
            }
            rule.flags = FlagSpec {
                any: flags.any.into_iter().map(|c| c.text).collect(),
                none: flags.none.into_iter().map(|c| c.text).collect(),
            };
        }
        // Everything left to check spans the whole rule (an empty `events`, a
        // condition with neither list): report it at the rule.
        rule.compile().map_err(de::Error::custom)?;
        Ok(TomlRule(rule, spans))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFields {
    action: Action,
    events: Vec<toml::Spanned<Checked<EventPattern>>>,
    #[serde(default)]
    reason: Option<String>,
    #[serde(default)]
    mode: Option<Mode>,
    #[serde(default)]
    path: Option<PathFields>,
    #[serde(default)]
    address: Option<CondFields<AddressRange>>,
    #[serde(default)]
    port: Option<CondFields<PortRange>>,
    #[serde(default)]
    program: Option<CondFields<ProgramSpec>>,
    #[serde(default)]
    host: Option<CondFields<HostPattern>>,
    #[serde(default)]
    flags: Option<FlagFields>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FlagFields {
    #[serde(default)]
    any: Vec<Checked<FlagName>>,
    #[serde(default)]
    none: Vec<Checked<FlagName>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, bound = "T: Checker")]
struct CondFields<T> {
    #[serde(rename = "in", default = "Vec::new")]
    include: Vec<Checked<T>>,
    #[serde(default = "Vec::new")]
    not_in: Vec<Checked<T>>,
    #[serde(default)]
    arg: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PathFields {
    #[serde(default)]
    under: Vec<Checked<PathPrefix>>,
    #[serde(default)]
    not_under: Vec<Checked<PathPrefix>>,
    #[serde(default)]
    arg: Option<String>,
}

impl<T> CondFields<T> {
    fn into_spec(self) -> CondSpec {
        CondSpec {
            include: self.include.into_iter().map(|c| c.text).collect(),
            exclude: self.not_in.into_iter().map(|c| c.text).collect(),
            arg: self.arg,
        }
    }
}

/// Path conditions spell their lists `under`/`not_under`; the rest is shared.
impl From<PathFields> for CondFields<PathPrefix> {
    fn from(p: PathFields) -> Self {
        CondFields {
            include: p.under,
            not_in: p.not_under,
            arg: p.arg,
        }
    }
}

/// Marker for event-name patterns.
struct EventPattern;

/// Marker for argument names in `flags`.
struct FlagName;

impl Checker for FlagName {
    fn check_text(text: &str) -> Result<(), String> {
        check_flag_name(text)
    }
}

/// One list entry, kept as text after checking it parses (so the error
/// points at the entry itself). Integers are accepted as text, for ports.
struct Checked<T> {
    text: String,
    kind: PhantomData<T>,
}

impl<'de, T: Checker> Deserialize<'de> for Checked<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TextOrInt;
        impl Visitor<'_> for TextOrInt {
            type Value = String;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
                Ok(v.to_owned())
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
                Ok(v.to_string())
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
                Ok(v.to_string())
            }
        }
        let text = deserializer.deserialize_any(TextOrInt)?;
        T::check_text(&text).map_err(de::Error::custom)?;
        Ok(Checked {
            text,
            kind: PhantomData,
        })
    }
}

/// Dispatches the check for the marker or item type `T`.
trait Checker {
    fn check_text(text: &str) -> Result<(), String>;
}

impl Checker for EventPattern {
    fn check_text(text: &str) -> Result<(), String> {
        check_event_pattern(text)
    }
}

macro_rules! checker_via_item {
    ($($ty:ty),*) => {$(
        impl Checker for $ty {
            fn check_text(text: &str) -> Result<(), String> {
                <$ty as Item>::parse(text).map(drop)
            }
        }
    )*};
}
checker_via_item!(
    PathPrefix,
    AddressRange,
    PortRange,
    ProgramSpec,
    HostPattern
);
