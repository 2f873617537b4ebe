//! A `Debug` argument that fails or panics while the non-blocking sink
//! copies it. In a binary of its own: the sink is installed as a global
//! hook, which no other test should run under.
#![cfg(feature = "json")]

mod common;

use audit_core::{audit, debug, install_hook};
use audit_sinks::{NonBlocking, WhenFull};
use common::SharedBuf;

/// A `Debug` value that writes a little, then fails or panics.
struct Faulty {
    panics: bool,
}

impl std::fmt::Debug for Faulty {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("partial")?;
        if self.panics {
            panic!("a Debug impl that panics");
        }
        Err(std::fmt::Error)
    }
}

#[test]
fn a_failing_debug_argument_is_marked_and_a_panicking_one_takes_no_number() {
    let out = SharedBuf::default();
    let (sink, guard) = NonBlocking::builder(out.clone())
        .capacity(8)
        .when_full(WhenFull::Block)
        .spawn()
        .unwrap();
    let errors = sink.error_count();
    // Compiled out, there is no registry to install into.
    assert_eq!(install_hook(sink).is_ok(), audit_core::ENABLED);

    let before = audit!("app.before", n = 1u32);
    let panics = audit!("app.panics", value = debug(Faulty { panics: true }));
    let fails = audit!("app.fails", value = debug(Faulty { panics: false }));
    let after = audit!("app.after", n = 2u32, text = "copied whole");
    guard.shutdown();

    let records = out.records();
    if !audit_core::ENABLED {
        assert!(records.is_empty());
        return;
    }
    assert!(before.is_ok() && fails.is_ok() && after.is_ok());
    // A panicking hook refuses the event, as audit-core does for any hook.
    assert!(panics.is_err());
    let actions: Vec<_> = records.iter().map(|r| r["event.action"].clone()).collect();
    assert_eq!(actions, ["app.before", "app.fails", "app.after"]);
    // The failing rendering is written with its mark, as every sink writes
    // it; the operation went ahead. The panicking one was refused before it
    // took a number, so the numbers have no gap.
    assert_eq!(records[1]["audit.args"]["value"], "partial<Debug failed>");
    let numbers: Vec<_> = records.iter().map(|r| r["sequence"].clone()).collect();
    assert_eq!(numbers, [1, 2, 3]);
    assert_eq!(errors.get(), 0);
    assert_eq!(records[2]["audit.args"]["text"], "copied whole");
    assert_eq!(records[2]["audit.args"]["n"], 2);
}
