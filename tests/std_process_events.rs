//! The event table in `audit_std::process`'s documentation matches the code:
//! every `process.*` audit point of audit-std is in the table with the same
//! argument names, and every row of the table is an audit point; and
//! `audit_std::events::process::ALL` lists every constant, in the table's
//! order.

use std::collections::BTreeMap;

use audit_std::events::process as ev;

const PROCESS_DOCS: &str = include_str!("../audit-std/src/process/mod.rs");
const PROCESS_EVENTS: &str = include_str!("../audit-std/src/events/process.rs");

/// Event name -> argument names, from the rows of the `# Events` table.
fn table() -> BTreeMap<String, Vec<String>> {
    rows().into_iter().collect()
}

/// The rows of the `# Events` table, in order: (event name, argument names).
fn rows() -> Vec<(String, Vec<String>)> {
    let mut rows: Vec<(String, Vec<String>)> = Vec::new();
    for line in PROCESS_DOCS.lines() {
        let Some(row) = line.strip_prefix("//! | `process.") else {
            continue;
        };
        let cells: Vec<&str> = row.split('|').collect();
        let name = format!("process.{}", cells[0].trim().trim_end_matches('`'));
        let args = cells[1]
            .split(',')
            .map(|a| a.trim().trim_matches('`'))
            .filter(|a| !a.is_empty() && *a != "–")
            .map(str::to_owned)
            .collect();
        assert!(
            rows.iter().all(|(listed, _)| *listed != name),
            "{name} is in the table twice"
        );
        rows.push((name, args));
    }
    rows
}

#[test]
fn table_lists_every_process_event_with_its_arguments() {
    // Link every audit point in, whatever the rest of this file calls.
    let _: fn(i32) -> ! = audit_std::process::exit;
    let _: fn() -> ! = audit_std::process::abort;
    let _ = audit_std::process::Command::spawn;
    let _ = audit_std::process::Child::kill;
    #[cfg(unix)]
    let _ = audit_std::process::Command::exec;

    let table = table();
    let mut all = ev::ALL.to_vec();
    all.sort_unstable();
    assert_eq!(table.keys().collect::<Vec<_>>(), all, "the table's rows");

    let mut code: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for site in audit_core::catalogue() {
        if site.module_path().starts_with("audit_std::") && site.name().starts_with("process.") {
            let args: Vec<String> = site.arg_names().iter().map(|a| a.to_string()).collect();
            // Several audit points may raise one event: they must agree.
            if let Some(previous) = code.insert(site.name().to_owned(), args.clone()) {
                assert_eq!(
                    previous,
                    args,
                    "{} is raised with different arguments",
                    site.name()
                );
            }
        }
    }

    if !audit_core::ENABLED {
        // Audit points compile to nothing: the catalogue is empty.
        assert!(code.is_empty(), "{code:?}");
        return;
    }
    for (name, args) in &code {
        assert_eq!(
            table.get(name),
            Some(args),
            "{name}: code has {args:?}, table disagrees"
        );
    }
    for (name, args) in &table {
        assert_eq!(
            code.get(name),
            Some(args),
            "{name}: table has {args:?}, code disagrees"
        );
    }
}

#[test]
fn constants_name_the_table_rows() {
    // The `pub const NAME: &str = "..."` items, in source order.
    let constants: Vec<&str> = PROCESS_EVENTS
        .lines()
        .filter_map(|line| line.strip_prefix("pub const "))
        .filter(|line| line.contains(": &str = \""))
        .filter_map(|line| line.split('"').nth(1))
        .collect();
    assert_eq!(ev::ALL, constants, "events::process::ALL vs the constants");
    let rows: Vec<String> = rows().into_iter().map(|(name, _)| name).collect();
    assert_eq!(ev::ALL, rows, "events::process::ALL vs the table, in order");
    for name in [ev::SPAWN, ev::EXEC, ev::KILL, ev::EXIT, ev::ABORT] {
        assert!(ev::ALL.contains(&name), "{name} is not in ALL");
    }
    assert_eq!(ev::ALL.len(), 5);
}
