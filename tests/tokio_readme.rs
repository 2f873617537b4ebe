//! The README's table "tokio: which call raises which event" names only
//! events of `audit_std::events`, each once, and covers every event
//! `audit_tokio` raises (its audit points, read from the link-time
//! catalogue).

use std::collections::BTreeSet;

const README: &str = include_str!("../README.md");
const SECTION: &str = "## tokio: which call raises which event";

fn table_events() -> Vec<String> {
    let start = README.find(SECTION).expect("README has the tokio section");
    let mut lines = README[start..]
        .lines()
        .skip_while(|line| !line.starts_with('|'));
    assert_eq!(lines.next(), Some("| our event | raised by |"));
    assert_eq!(lines.next(), Some("|---|---|"));
    lines
        .take_while(|line| line.starts_with('|'))
        .map(|line| {
            let cell = line.split('|').nth(1).expect("a first cell").trim();
            cell.trim_matches('`').to_owned()
        })
        .collect()
}

#[test]
fn the_tokio_table_matches_the_code() {
    let rows = table_events();
    let unique: BTreeSet<_> = rows.iter().cloned().collect();
    assert_eq!(unique.len(), rows.len(), "an event has two rows: {rows:?}");
    let known: BTreeSet<&str> = audit_std::events::fs::ALL
        .iter()
        .chain(audit_std::events::net::ALL)
        .chain(audit_std::events::process::ALL)
        .copied()
        .collect();
    for event in &rows {
        assert!(
            known.contains(event.as_str()),
            "{event} is not an audit_std event"
        );
    }
    // Every event an audit point in audit_tokio raises has a row. Touch the
    // crate so that its audit points are linked in.
    let _ = audit_tokio::fs::OpenOptions::new();
    let raised: BTreeSet<&str> = audit_core::catalogue()
        .filter(|site| site.module_path().starts_with("audit_tokio"))
        .map(|site| site.name())
        .collect();
    if audit_core::ENABLED {
        assert!(raised.len() >= 20, "{raised:?}");
    }
    for event in raised {
        assert!(unique.contains(event), "{event} has no row in the README");
    }
}
