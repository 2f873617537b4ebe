//! The TOML form of a policy, read by walking the parsed document by hand.
//!
//! `toml` parses the text into a tree whose every key and value carries its
//! byte span; the walk below checks that tree against the policy format and
//! builds the rules. It does what a `serde` derive would (unknown and missing
//! fields, type errors, unknown variants, with the same messages), without a
//! deserialiser instantiated per structure: that generic code was most of
//! what a TOML-loading program paid for this crate in binary size.
//!
//! Each problem is reported at the span `serde` would have used: the key of
//! an unknown field, the value of a wrong type or unknown variant, the list
//! holding an entry that fails its check (an entry of the wrong type: the
//! entry), the table (`[[rule]]` header, `{`) for a missing field or a
//! problem with a rule as a whole, and the document's start for a missing
//! top-level field. Keys are visited in document order, as `serde` would.

use std::ops::Range;

use toml::de::{DeArray, DeString, DeTable, DeValue};
use toml::Spanned;

use crate::condition::{AddressRange, HostPattern, Item, PathPrefix, PortRange, ProgramSpec};
use crate::rule::{check_event_pattern, check_flag_name, CondSpec, FlagSpec, Rule};
use crate::{Action, PolicyError};

/// A parsed policy file: what [`Policy::from_toml`](crate::Policy::from_toml)
/// builds the policy from.
pub(crate) struct TomlPolicy {
    pub(crate) default: Action,
    pub(crate) unknown_events: UnknownEvents,
    pub(crate) mode: Option<Mode>,
    pub(crate) rule: Vec<TomlRule>,
}

/// Whether denials are enforced or only reported: the `mode` key, of the
/// policy or of one rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Mode {
    /// Denials refuse the operation (the default).
    Enforce,
    /// Denials are noted and the operation goes ahead.
    Report,
}

/// What to do with an event pattern that matches no event the program can
/// raise: the `unknown_events` key.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) enum UnknownEvents {
    /// Refuse the policy (the default): such a pattern is usually a typo.
    #[default]
    Error,
    /// Accept it: the policy is shared with programs that raise it.
    Allow,
}

/// A rule, checked as a whole once its fields have parsed, with where each
/// of its event patterns is in the text.
pub(crate) struct TomlRule(pub(crate) Rule, pub(crate) Vec<Range<usize>>);

/// Parses and checks a policy document.
pub(crate) fn parse(text: &str) -> Result<TomlPolicy, PolicyError> {
    let root = DeTable::parse(text).map_err(|e| PolicyError::from_toml(e, text))?;
    policy(&root).map_err(|fault| PolicyError::at(text, fault.at, fault.message))
}

/// A problem at byte offset `at` of the text.
struct Fault {
    at: usize,
    message: String,
}

fn fault(at: usize, message: String) -> Fault {
    Fault { at, message }
}

type Value<'i> = Spanned<DeValue<'i>>;
type Key<'i> = Spanned<DeString<'i>>;

const POLICY_FIELDS: &[&str] = &["default", "unknown_events", "mode", "rule"];
const RULE_FIELDS: &[&str] = &[
    "action", "events", "reason", "mode", "path", "address", "port", "program", "host", "flags",
];
const COND_FIELDS: &[&str] = &["in", "not_in", "arg"];
const PATH_FIELDS: &[&str] = &["under", "not_under", "arg"];
const FLAG_FIELDS: &[&str] = &["any", "none"];

fn policy(root: &Spanned<DeTable<'_>>) -> Result<TomlPolicy, Fault> {
    let mut default = None;
    let mut unknown_events = UnknownEvents::default();
    let mut mode = None;
    let mut rules = Vec::new();
    for (key, value) in in_order(root.get_ref()) {
        match &**key.get_ref() {
            "default" => default = Some(action(value)?),
            "unknown_events" => {
                unknown_events = match variant(value, &["error", "allow"])? {
                    0 => UnknownEvents::Error,
                    _ => UnknownEvents::Allow,
                }
            }
            "mode" => mode = Some(mode_of(value)?),
            "rule" => {
                for item in array(value)?.iter() {
                    rules.push(rule(item)?);
                }
            }
            _ => return Err(unknown(key, "field", POLICY_FIELDS)),
        }
    }
    Ok(TomlPolicy {
        default: default.ok_or_else(|| missing(root.span(), "default"))?,
        unknown_events,
        mode,
        rule: rules,
    })
}

/// One `[[rule]]` (or inline table of `rule = [...]`).
fn rule(value: &Value<'_>) -> Result<TomlRule, Fault> {
    let table = table(value)?;
    let mut action_of = None;
    let mut events = None;
    let mut reason = None;
    let mut mode = None;
    let mut conditions: [Option<CondSpec>; 5] = Default::default();
    let mut flags = None;
    for (key, value) in in_order(table) {
        let name = &**key.get_ref();
        match name {
            "action" => action_of = Some(action(value)?),
            "events" => events = Some(checked_list(value, check_event_pattern)?),
            "reason" => reason = Some(string(value)?),
            "mode" => mode = Some(mode_of(value)?),
            "flags" => flags = Some(flag_fields(value)?),
            _ => {
                // The slots of `Rule::conditions`, in their order.
                let (slot, check): (usize, Check) = match name {
                    "path" => (0, |t| PathPrefix::parse(t).map(drop)),
                    "address" => (1, |t| AddressRange::parse(t).map(drop)),
                    "port" => (2, |t| PortRange::parse(t).map(drop)),
                    "program" => (3, |t| ProgramSpec::parse(t).map(drop)),
                    "host" => (4, |t| HostPattern::parse(t).map(drop)),
                    _ => return Err(unknown(key, "field", RULE_FIELDS)),
                };
                let names = if slot == 0 { PATH_FIELDS } else { COND_FIELDS };
                conditions[slot] = Some(condition(value, names, check)?);
            }
        }
    }
    let at = value.span();
    let action_of = action_of.ok_or_else(|| missing(at.clone(), "action"))?;
    let (events, spans) = events.ok_or_else(|| missing(at.clone(), "events"))?;
    let mut rule = Rule::new(action_of, events);
    rule.reason = reason;
    rule.report = mode == Some(Mode::Report);
    for (slot, cond) in rule.conditions.iter_mut().zip(conditions) {
        if let Some(cond) = cond {
            *slot = cond;
        }
    }
    if let Some(flags) = flags {
        if flags.any.is_empty() && flags.none.is_empty() {
            return Err(fault(
                at.start,
                "`flags` condition needs `any` or `none`".to_owned(),
            ));
        }
        rule.flags = flags;
    }
    // Everything left to check spans the whole rule (an empty `events`, a
    // condition with neither list): report it at the rule.
    rule.compile().map_err(|why| fault(at.start, why))?;
    Ok(TomlRule(rule, spans))
}

/// A condition table: `in`/`not_in` (`under`/`not_under` for paths), `arg`.
fn condition(value: &Value<'_>, names: &[&'static str], check: Check) -> Result<CondSpec, Fault> {
    let mut spec = CondSpec {
        include: Vec::new(),
        exclude: Vec::new(),
        arg: None,
    };
    for (key, value) in in_order(table(value)?) {
        let name = &**key.get_ref();
        if name == names[0] {
            spec.include = checked_list(value, check)?.0;
        } else if name == names[1] {
            spec.exclude = checked_list(value, check)?.0;
        } else if name == "arg" {
            spec.arg = Some(string(value)?);
        } else {
            return Err(unknown(key, "field", names));
        }
    }
    Ok(spec)
}

fn flag_fields(value: &Value<'_>) -> Result<FlagSpec, Fault> {
    let mut flags = FlagSpec {
        any: Vec::new(),
        none: Vec::new(),
    };
    for (key, value) in in_order(table(value)?) {
        match &**key.get_ref() {
            "any" => flags.any = checked_list(value, check_flag_name)?.0,
            "none" => flags.none = checked_list(value, check_flag_name)?.0,
            _ => return Err(unknown(key, "field", FLAG_FIELDS)),
        }
    }
    Ok(flags)
}

/// Checks one list entry's text, `Err` with why it is wrong.
type Check = fn(&str) -> Result<(), String>;

/// A list of texts, each checked; with the span of each entry. Integers are
/// accepted as their decimal text, for ports. An entry that fails its check
/// is reported at the list, one of the wrong type at the entry.
fn checked_list(
    value: &Value<'_>,
    check: Check,
) -> Result<(Vec<String>, Vec<Range<usize>>), Fault> {
    let entries = array(value)?;
    let mut texts = Vec::with_capacity(entries.len());
    let mut spans = Vec::with_capacity(entries.len());
    for entry in entries.iter() {
        let text = match entry.get_ref() {
            DeValue::String(s) => s.to_string(),
            DeValue::Integer(int) => integer_text(int),
            _ => return Err(invalid_type(entry, "a string")),
        };
        check(&text).map_err(|why| fault(value.span().start, why))?;
        texts.push(text);
        spans.push(entry.span());
    }
    Ok((texts, spans))
}

/// An integer's value in decimal (`0x16` is `22`), or as written when it
/// does not fit an `i128` (a check then rejects it).
fn integer_text(int: &toml::de::DeInteger<'_>) -> String {
    match i128::from_str_radix(int.as_str(), int.radix()) {
        Ok(n) => n.to_string(),
        Err(_) => {
            let prefix = match int.radix() {
                16 => "0x",
                8 => "0o",
                2 => "0b",
                _ => "",
            };
            format!("{prefix}{}", int.as_str())
        }
    }
}

fn action(value: &Value<'_>) -> Result<Action, Fault> {
    Ok(match variant(value, &["allow", "deny"])? {
        0 => Action::Allow,
        _ => Action::Deny,
    })
}

fn mode_of(value: &Value<'_>) -> Result<Mode, Fault> {
    Ok(match variant(value, &["enforce", "report"])? {
        0 => Mode::Enforce,
        _ => Mode::Report,
    })
}

/// The index in `names` of a string value.
fn variant(value: &Value<'_>, names: &'static [&'static str]) -> Result<usize, Fault> {
    let DeValue::String(s) = value.get_ref() else {
        return Err(invalid_type(value, &one_of(names)));
    };
    names
        .iter()
        .position(|n| n == s)
        .ok_or_else(|| fault(value.span().start, unknown_message(s, "variant", names)))
}

fn string(value: &Value<'_>) -> Result<String, Fault> {
    match value.get_ref() {
        DeValue::String(s) => Ok(s.to_string()),
        _ => Err(invalid_type(value, "a string")),
    }
}

fn array<'a, 'i>(value: &'a Value<'i>) -> Result<&'a DeArray<'i>, Fault> {
    match value.get_ref() {
        DeValue::Array(a) => Ok(a),
        _ => Err(invalid_type(value, "a sequence")),
    }
}

fn table<'a, 'i>(value: &'a Value<'i>) -> Result<&'a DeTable<'i>, Fault> {
    match value.get_ref() {
        DeValue::Table(t) => Ok(t),
        _ => Err(invalid_type(value, "a table")),
    }
}

/// A table's entries in the order of the text (the map itself is sorted by
/// key), so that the first problem in the file is the one reported.
fn in_order<'a, 'i>(table: &'a DeTable<'i>) -> Vec<(&'a Key<'i>, &'a Value<'i>)> {
    let mut entries: Vec<_> = table.iter().collect();
    entries.sort_by_key(|(key, _)| key.span().start);
    entries
}

fn invalid_type(value: &Value<'_>, expected: &str) -> Fault {
    let found = match value.get_ref() {
        DeValue::String(s) => format!("string {s:?}"),
        DeValue::Integer(int) => format!("integer `{}`", integer_text(int)),
        DeValue::Float(float) => format!("floating point `{}`", float.as_str()),
        DeValue::Boolean(b) => format!("boolean `{b}`"),
        DeValue::Datetime(_) => "datetime".to_owned(),
        DeValue::Array(_) => "sequence".to_owned(),
        DeValue::Table(_) => "map".to_owned(),
    };
    fault(
        value.span().start,
        format!("invalid type: {found}, expected {expected}"),
    )
}

fn missing(table: Range<usize>, name: &str) -> Fault {
    fault(table.start, format!("missing field `{name}`"))
}

fn unknown(key: &Key<'_>, what: &str, names: &[&str]) -> Fault {
    fault(
        key.span().start,
        unknown_message(key.get_ref(), what, names),
    )
}

/// "unknown field `x`, expected one of `a`, `b`, `c`". The name found is
/// escaped: it is the file's text, and the message may reach a terminal.
fn unknown_message(found: &str, what: &str, names: &[&str]) -> String {
    format!(
        "unknown {what} `{}`, expected {}",
        found.escape_debug(),
        one_of(names)
    )
}

/// "`a`", "`a` or `b`", "one of `a`, `b`, `c`".
fn one_of(names: &[&str]) -> String {
    match names {
        [one] => format!("`{one}`"),
        [a, b] => format!("`{a}` or `{b}`"),
        _ => {
            let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
            format!("one of {}", quoted.join(", "))
        }
    }
}
