//! The event table in `audit_std::process`'s documentation matches the code:
//! every `process.*` audit point of audit-std is in the table with the same
//! argument names, and every row of the table is an audit point.

use std::collections::BTreeMap;

const PROCESS_DOCS: &str = include_str!("../audit-std/src/process/mod.rs");

/// Event name -> argument names, from the rows of the `# Events` table.
fn table() -> BTreeMap<String, Vec<String>> {
    let mut rows = BTreeMap::new();
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
            rows.insert(name.clone(), args).is_none(),
            "{name} is in the table twice"
        );
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
    assert_eq!(
        table.keys().collect::<Vec<_>>(),
        [
            "process.abort",
            "process.exec",
            "process.exit",
            "process.kill",
            "process.spawn"
        ],
        "the table's rows"
    );

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
    use audit_std::events::process as ev;
    let table = table();
    for name in [ev::SPAWN, ev::EXEC, ev::KILL, ev::EXIT, ev::ABORT] {
        assert!(table.contains_key(name), "{name} has no row");
    }
    assert_eq!(table.len(), 5);
}
