//! The event table in `audit_std::fs`'s documentation matches the code: every
//! `fs.*` audit point linked from `audit_std` is in the table with the same
//! argument names, every row of the table has an audit point, and every
//! constant of `audit_std::events::fs` is a row; `events::fs::ALL` lists
//! every constant, in the table's order.

use std::collections::{BTreeMap, BTreeSet};

use audit_std::events::fs as ev;

const FS_MODULE_SOURCE: &str = include_str!("../audit-std/src/fs/mod.rs");
const FS_EVENTS_SOURCE: &str = include_str!("../audit-std/src/events/fs.rs");

/// The rows of the table, in order: (event name, argument names in order).
fn rows() -> Vec<(String, Vec<String>)> {
    let mut rows = Vec::new();
    for line in FS_MODULE_SOURCE.lines() {
        let Some(row) = line.trim().strip_prefix("//! | `fs.") else {
            continue;
        };
        let row = format!("fs.{row}");
        let cells: Vec<&str> = row.split('|').map(str::trim).collect();
        assert!(cells.len() >= 4, "malformed table row: {line}");
        let name = cells[0].trim_end_matches('`').to_owned();
        let args = cells[1]
            .trim_matches('`')
            .split(',')
            .map(|a| a.trim().to_owned())
            .filter(|a| !a.is_empty())
            .collect();
        assert!(
            !cells[2].is_empty(),
            "`{name}` names no function raising it"
        );
        assert!(!cells[3].is_empty(), "`{name}` names no CPython event");
        assert!(
            rows.iter().all(|(listed, _)| *listed != name),
            "`{name}` is listed twice"
        );
        rows.push((name, args));
    }
    rows
}

/// The rows of the table: event name -> argument names, in order.
fn documented() -> BTreeMap<String, Vec<String>> {
    rows().into_iter().collect()
}

/// The values of the `pub const NAME: &str = "..."` items of
/// `audit_std::events::fs`, in source order (`ALL` is a slice, not one of them).
fn constants() -> Vec<String> {
    FS_EVENTS_SOURCE
        .lines()
        .filter_map(|line| line.strip_prefix("pub const "))
        .filter(|line| line.contains(": &str = \""))
        .filter_map(|line| line.split('"').nth(1))
        .map(str::to_owned)
        .collect()
}

/// The `fs.*` callsites of `audit_std` linked into this test: name -> argument
/// names. Callsites sharing a name must agree on their arguments.
fn linked() -> BTreeMap<String, Vec<String>> {
    let mut sites: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for site in audit_core::catalogue() {
        if !site.module_path().starts_with("audit_std::") || !site.name().starts_with("fs.") {
            continue;
        }
        let args: Vec<String> = site.arg_names().iter().map(|a| a.to_string()).collect();
        if let Some(previous) = sites.insert(site.name().to_owned(), args.clone()) {
            assert_eq!(
                previous,
                args,
                "two `{}` audit points disagree on their arguments ({}:{})",
                site.name(),
                site.file(),
                site.line()
            );
        }
    }
    sites
}

#[test]
fn table_lists_every_event_constant() {
    let table = documented();
    let constants: BTreeSet<String> = ev::ALL.iter().map(|s| s.to_string()).collect();
    let rows: BTreeSet<String> = table.keys().cloned().collect();
    assert_eq!(rows, constants, "table rows vs events::fs constants");
}

#[test]
fn table_matches_the_catalogue() {
    let table = documented();
    let code = linked();
    if !audit_core::ENABLED {
        // Audit points compile to nothing: the catalogue is empty.
        assert!(code.is_empty(), "{code:?}");
        assert_eq!(table.len(), ev::ALL.len());
        return;
    }
    for (name, args) in &code {
        let documented = table
            .get(name)
            .unwrap_or_else(|| panic!("`{name}` is raised but not in the table"));
        assert_eq!(documented, args, "arguments of `{name}`: table vs code");
    }
    for name in table.keys() {
        assert!(
            code.contains_key(name),
            "`{name}` is in the table but raised nowhere"
        );
    }
}

#[test]
fn all_is_every_constant_in_table_order() {
    let constants = constants();
    assert!(constants.len() >= 20, "constants not found: {constants:?}");
    assert_eq!(ev::ALL, constants, "events::fs::ALL vs the constants");
    let table: Vec<String> = rows().into_iter().map(|(name, _)| name).collect();
    assert_eq!(ev::ALL, table, "events::fs::ALL vs the table, in order");
}
