//! Checks a policy against the events the program can raise: a pattern that
//! matches none of them is almost always a typo (`fs.opne`), and a rule with
//! such a pattern silently never applies. Likewise a condition that none of
//! a rule's events can satisfy.

use audit_std::events::{self, ArgKind, EventInfo, TABLE};

use crate::rule::{EventPatterns, Rule};
use crate::ConditionKind;

/// Checks that each condition of `rule` can apply to some event its
/// `patterns` cover: a `program` condition on `fs.open`, or `flags` naming
/// an argument none of the events has, would make the rule silently never
/// match. Only decidable when every covered event is in
/// [`audit_std::events::TABLE`] (the program's own events declare no
/// argument kinds), so a rule that may cover others is not checked.
pub(crate) fn check_applicable(rule: &Rule, patterns: &EventPatterns) -> Result<(), String> {
    let covered: Vec<&'static EventInfo> = TABLE
        .iter()
        .filter(|i| patterns.may_match(i.name))
        .collect();
    let beyond_table = audit_core::catalogue()
        .any(|site| events::info(site.name()).is_none() && patterns.may_match(site.name()));
    if covered.is_empty() || beyond_table {
        return Ok(());
    }
    let names = |events: &[&EventInfo]| -> String {
        let mut names: Vec<&str> = events.iter().map(|i| i.name).collect();
        names.sort_unstable();
        names.join(", ")
    };
    for (kind, spec) in ConditionKind::ALL.into_iter().zip(&rule.conditions) {
        if spec.include.is_empty() && spec.exclude.is_empty() {
            continue;
        }
        let applies = |info: &EventInfo| match &spec.arg {
            Some(arg) => info.arg_kind(arg).is_some(),
            None => carries(info, kind),
        };
        if !covered.iter().any(|i| applies(i)) {
            let with: Vec<&EventInfo> = TABLE.iter().filter(|i| applies(i)).collect();
            let what = match &spec.arg {
                Some(arg) => format!("an argument `{arg}`"),
                None => format!("a {} value", kind.key()),
            };
            return Err(format!(
                "the `{}` condition never applies: none of this rule's events ({}) has {what}{}",
                kind.key(),
                names(&covered),
                if with.is_empty() {
                    String::new()
                } else {
                    format!("; events that do: {}", names(&with))
                }
            ));
        }
    }
    for flag in rule.flags.any.iter().chain(&rule.flags.none) {
        let has = |i: &&EventInfo| i.arg_kind(flag) == Some(ArgKind::Bool);
        if !covered.iter().any(has) {
            let with: Vec<&EventInfo> = TABLE.iter().filter(has).collect();
            return Err(format!(
                "`flags` names `{flag}`, a boolean argument none of this rule's events ({}) has{}",
                names(&covered),
                if with.is_empty() {
                    String::new()
                } else {
                    format!("; events that do: {}", names(&with))
                }
            ));
        }
    }
    Ok(())
}

/// Whether `info`'s event carries a value a condition of `kind` reads.
fn carries(info: &EventInfo, kind: ConditionKind) -> bool {
    let has = |wanted: &[ArgKind]| info.args.iter().any(|(_, k)| wanted.contains(k));
    match kind {
        ConditionKind::Path => !info.paths.is_empty() || has(&[ArgKind::Path]),
        ConditionKind::Address => has(&[ArgKind::SocketAddr, ArgKind::Ip]),
        ConditionKind::Port => has(&[ArgKind::SocketAddr, ArgKind::Port]),
        ConditionKind::Program => has(&[ArgKind::Program]),
        ConditionKind::Host => has(&[ArgKind::Host]),
    }
}

/// Every event name this program knows: `audit_std`'s table and every audit
/// point linked in.
pub(crate) fn known_events() -> Vec<&'static str> {
    let mut known: Vec<&'static str> = audit_std::events::TABLE.iter().map(|i| i.name).collect();
    known.extend(audit_core::catalogue().map(|site| site.name()));
    known.sort_unstable();
    known.dedup();
    known
}

/// Why `pattern` (a glob over event names, already known to parse) matches
/// no event the program can raise, with a suggestion; `None` when it matches
/// one. Class patterns are checked when parsed.
///
/// With auditing compiled out the program's own audit points are not linked
/// in, so nothing beyond `audit_std`'s table is known: the check is skipped.
pub(crate) fn unknown_pattern(pattern: &str) -> Option<String> {
    if pattern.starts_with('@') || !audit_core::ENABLED {
        return None;
    }
    let known = known_events();
    let glob = crate::rule::event_glob(pattern).ok()?;
    if known.iter().any(|name| glob.is_match(name)) {
        return None;
    }
    let mut message = format!("event pattern `{pattern}` matches no event this program can raise");
    if let Some(close) = closest(pattern, known.iter().copied()) {
        message.push_str(&format!(": did you mean `{close}`?"));
    } else {
        message.push_str(
            " (set `unknown_events = \"allow\"` if the policy is shared with programs that do)",
        );
    }
    Some(message)
}

/// The candidate nearest to `typed` by edit distance, if near enough to be
/// a likely typo.
pub(crate) fn closest<'a>(
    typed: &str,
    candidates: impl Iterator<Item = &'a str>,
) -> Option<&'a str> {
    let limit = typed.chars().count().div_ceil(3).clamp(1, 3);
    candidates
        .map(|c| (edit_distance(typed, c), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, c)| (*d, *c))
        .map(|(_, c)| c)
}

/// Levenshtein distance, by characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (diagonal + usize::from(ca != *cb))
                .min(row[j] + 1)
                .min(above + 1);
            diagonal = above;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances_and_suggestions() {
        assert_eq!(edit_distance("fs.opne", "fs.open"), 2);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("write", "write"), 0);
        let names = ["fs.open", "fs.copy", "net.connect"];
        assert_eq!(closest("fs.opne", names.into_iter()), Some("fs.open"));
        assert_eq!(
            closest("net.conect", names.into_iter()),
            Some("net.connect")
        );
        assert_eq!(closest("app.login", names.into_iter()), None);
    }
}
