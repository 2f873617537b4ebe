//! The README's table of events ("Events, and their CPython counterparts")
//! matches the code: every event it names is raised by an audit point of
//! `audit_std` or `audit_core` (with auditing compiled out, when the
//! catalogue is empty, is one of the `events::*::ALL` lists), every event
//! those crates raise has exactly one row, and each row's CPython and class
//! cells are those of `audit_std::events::TABLE`.

use std::collections::BTreeSet;

use audit_std::events;

const README: &str = include_str!("../README.md");
const SECTION: &str = "## Events, and their CPython counterparts";

/// One row of the table: (CPython column, our event, class, raised-by column).
struct Row {
    cpython: String,
    event: String,
    class: String,
    raised_by: String,
}

/// The rows of the table, in order.
fn rows() -> Vec<Row> {
    let start = README
        .find(SECTION)
        .unwrap_or_else(|| panic!("README has no {SECTION:?} section"));
    let mut lines = README[start..]
        .lines()
        .skip(1)
        .skip_while(|line| !line.starts_with('|'));
    assert_eq!(
        lines.next(),
        Some("| CPython event | our event | class | raised by |"),
        "the table's header"
    );
    assert_eq!(lines.next(), Some("|---|---|---|---|"), "the table's rule");
    lines
        .take_while(|line| line.starts_with('|'))
        .map(|line| {
            let cells: Vec<&str> = line
                .strip_prefix('|')
                .and_then(|l| l.strip_suffix('|'))
                .unwrap_or_else(|| panic!("malformed row: {line}"))
                .split('|')
                .map(str::trim)
                .collect();
            assert_eq!(cells.len(), 4, "malformed row: {line}");
            Row {
                cpython: cells[0].to_owned(),
                event: cells[1].to_owned(),
                class: cells[2].to_owned(),
                raised_by: cells[3].to_owned(),
            }
        })
        .collect()
}

/// The event of a row: its "our event" cell is exactly one name in backticks.
fn event_name(row: &Row) -> &str {
    let name = row
        .event
        .strip_prefix('`')
        .and_then(|n| n.strip_suffix('`'))
        .unwrap_or_else(|| panic!("not one `name`: {:?}", row.event));
    let well_formed = name.split_once('.').is_some_and(|(family, rest)| {
        !family.is_empty()
            && !rest.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c == '_' || c == '.')
    });
    assert!(well_formed, "not an event name: {name:?}");
    name
}

/// Every event the two crates name: the `ALL` lists and the add-hook event.
fn named_in_code() -> BTreeSet<&'static str> {
    let mut names: BTreeSet<&str> = BTreeSet::new();
    for all in [events::fs::ALL, events::net::ALL, events::process::ALL] {
        names.extend(all.iter().copied());
    }
    names.insert(audit_core::ADD_HOOK_EVENT);
    names
}

/// The events raised by audit points of `audit_std` and `audit_core` linked
/// into this test.
fn raised_in_code() -> BTreeSet<&'static str> {
    // Link every audit point in, whatever the rest of this file calls.
    let _ = audit_std::fs::read_to_string::<&str>;
    let _ = audit_std::net::TcpStream::connect::<&str>;
    let _ = audit_std::process::Command::spawn;
    let _ =
        audit_core::add_hook::<fn(&audit_core::Event<'_>) -> Result<(), audit_core::AuditError>>;
    #[cfg(unix)]
    {
        let _ = audit_std::os::unix::fs::chroot::<&str>;
        let _ = audit_std::os::unix::net::UnixStream::connect::<&str>;
    }
    audit_core::catalogue()
        .filter(|site| {
            let module = site.module_path();
            module.starts_with("audit_std::")
                || module == "audit_core"
                || module.starts_with("audit_core::")
        })
        .map(|site| site.name())
        .collect()
}

#[test]
fn every_row_is_well_formed_and_unique() {
    let rows = rows();
    assert!(rows.len() >= 30, "table not found: {} rows", rows.len());
    let mut seen = BTreeSet::new();
    for row in &rows {
        let name = event_name(row);
        assert!(seen.insert(name), "`{name}` has two rows");
        assert!(!row.cpython.is_empty(), "`{name}`: no CPython cell");
        assert!(
            row.raised_by.contains('`'),
            "`{name}`: the raised-by cell names no API: {:?}",
            row.raised_by
        );
    }
}

#[test]
fn table_names_exactly_the_events_of_the_code() {
    let rows = rows();
    let table: BTreeSet<&str> = rows.iter().map(event_name).collect();
    let raised = raised_in_code();
    if audit_core::ENABLED {
        for name in &table {
            assert!(
                raised.contains(name),
                "`{name}` is in the README but no audit point raises it"
            );
        }
        for name in &raised {
            assert!(
                table.contains(name),
                "`{name}` is raised but not in the README"
            );
        }
    } else {
        // Audit points compile to nothing: the catalogue is empty, so the
        // constants stand in for it.
        assert!(raised.is_empty(), "{raised:?}");
    }
    // Either way, the table and the named constants agree.
    assert_eq!(
        table,
        named_in_code(),
        "README rows vs the events' constants"
    );
}

#[test]
fn rows_say_what_the_event_table_says() {
    let rows = rows();
    let names: Vec<&str> = rows.iter().map(event_name).collect();
    let table: Vec<&str> = events::TABLE.iter().map(|info| info.name).collect();
    assert_eq!(names, table, "README rows vs events::TABLE, in order");
    for (row, info) in rows.iter().zip(events::TABLE) {
        assert_eq!(row.cpython, info.cpython, "`{}`: CPython cell", info.name);
        let classes = format!("`@{}`", info.possible_classes()).replace('|', "`, `@");
        assert_eq!(row.class, classes, "`{}`: class cell", info.name);
    }
}
