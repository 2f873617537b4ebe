//! The policy in `audit-policy`'s crate documentation, exactly as shipped
//! (its "writes stay inside the work directory" rule), against every write
//! route of `escape_common`. Its own binary: the policy is a global hook.

mod escape_common;

use std::io;
use std::sync::Once;

use audit_policy::Policy;
use escape_common::{allowed_under, escapes, Arena};

/// The TOML of the crate docs' first example, as a reader sees it.
fn shipped_policy() -> String {
    let docs = include_str!("../audit-policy/src/lib.rs");
    let open = "Policy::from_toml(r#\"";
    let start = docs.find(open).expect("the example policy") + open.len();
    let text = &docs[start..];
    let text = &text[..text.find("\"#)?;").expect("its end")];
    text.lines()
        .map(|line| line.trim_start_matches("//!").trim_start())
        // Rustdoc shows `## comment` as `# comment`.
        .map(|line| {
            line.strip_prefix('#')
                .filter(|l| l.starts_with('#'))
                .unwrap_or(line)
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn guarded(attempt: &dyn Fn() -> io::Result<()>) -> io::Result<()> {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let text = shipped_policy();
        assert!(text.contains("/srv/app/work"), "{text}");
        let work = Arena::work_dir();
        let text = text.replace("/srv/app/work", work.to_str().unwrap());
        Policy::from_toml(&text).unwrap().install().unwrap();
    });
    attempt()
}

#[test]
fn no_route_writes_outside_the_work_directory() {
    if !audit_core::ENABLED {
        return; // nothing is audited, so nothing is guarded
    }
    let escaped = escapes(&guarded);
    assert!(escaped.is_empty(), "escaped:\n{}", escaped.join("\n"));
}

#[test]
fn writes_inside_and_reads_outside_stay_allowed() {
    if !audit_core::ENABLED {
        return;
    }
    allowed_under(&guarded).unwrap();
}
