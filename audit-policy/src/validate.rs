//! Checks a policy against the events the program can raise: a pattern that
//! matches none of them is almost always a typo (`fs.opne`), and a rule with
//! such a pattern silently never applies.

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
