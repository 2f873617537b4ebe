//! The policy in `audit-policy`'s crate documentation, exactly as shipped
//! (its "writes stay inside the work directory" rule), against every write
//! route of `escape_common`. Its own binary: the policy is a global hook.

#[macro_use]
mod escape_common;

use std::io;
use std::path::Path;

/// The TOML of the crate docs' first example, as a reader sees it, for the
/// work directory `work`.
fn shipped_policy(work: &Path) -> String {
    let docs = include_str!("../audit-policy/src/lib.rs");
    let open = "Policy::from_toml(r#\"";
    let start = docs.find(open).expect("the example policy") + open.len();
    let text = &docs[start..];
    let text = &text[..text.find("\"#)?;").expect("its end")];
    let text = text
        .lines()
        .map(|line| line.trim_start_matches("//!").trim_start())
        // Rustdoc shows `## comment` as `# comment`.
        .map(|line| {
            line.strip_prefix('#')
                .filter(|l| l.starts_with('#'))
                .unwrap_or(line)
        })
        .collect::<Vec<_>>()
        .join("\n");
    assert!(text.contains("/srv/app/work"), "{text}");
    text.replace("/srv/app/work", work.to_str().unwrap())
}

fn guarded(attempt: &dyn Fn() -> io::Result<()>) -> io::Result<()> {
    escape_common::under_policy(shipped_policy, attempt)
}

escape_suite!(guarded);
