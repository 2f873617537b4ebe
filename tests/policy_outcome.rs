//! The audit trail records what became of each operation, whichever hook
//! decided: a JSON log installed *before* the policy writes `denied` with
//! the rule's reason for a refused write, `would-deny` for an operation a
//! rule in report mode lets through (and which really happens), `allowed`
//! otherwise. Real files and a real child process; its own binary, since
//! the hooks are global.

use std::io::Write;
use std::sync::{Arc, Mutex};

use audit_policy::Policy;
use audit_sinks::JsonLines;
use audit_std::fs;
use audit_std::process::Command;

/// A log the test can read back.
#[derive(Clone, Default)]
struct Log(Arc<Mutex<Vec<u8>>>);

impl Write for Log {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Log {
    fn records(&self) -> Vec<serde_json::Value> {
        let text = String::from_utf8(self.0.lock().unwrap().clone()).unwrap();
        text.lines()
            .filter(|l| !l.is_empty())
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    /// The last record of `event` whose `audit.args[arg]` contains `needle`.
    fn find(&self, event: &str, arg: &str, needle: &str) -> serde_json::Value {
        self.records()
            .into_iter()
            .rev()
            .find(|r| {
                r["event.action"] == event
                    && r["audit.args"][arg]
                        .as_str()
                        .is_some_and(|v| v.contains(needle))
            })
            .unwrap_or_else(|| {
                panic!(
                    "no {event} record with {arg} ~ {needle} in {:?}",
                    self.records()
                )
            })
    }
}

#[test]
fn the_log_says_allowed_denied_or_would_deny_with_the_reason() {
    let work = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    let work_dir = std::fs::canonicalize(work.path()).unwrap();
    let log = Log::default();
    // The log first: it still sees the policy's decisions.
    if !audit_core::ENABLED {
        return; // nothing is decided, so nothing is logged
    }
    let sink = JsonLines::new(log.clone());
    let errors = sink.error_count();
    audit_core::install_hook(sink).unwrap();
    let policy = Policy::from_toml(&format!(
        r#"
        default = "allow"

        [[rule]]
        action = "deny"
        events = ["@write"]
        path = {{ not_under = ['{}'] }}
        reason = "writes only inside the work directory"

        [[rule]]
        action = "deny"
        mode = "report"
        events = ["@exec"]
        program = {{ not_in = ["true"] }}
        reason = "only true may run"
        "#,
        work_dir.display()
    ))
    .unwrap();
    policy.install().unwrap();

    // Refused: nothing written, and the log says by which rule.
    let stray = outside.path().join("stray.txt");
    let err = fs::write(&stray, "x").unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::PermissionDenied);
    assert!(!stray.exists());
    assert_eq!(errors.get(), 0, "the log was written");
    let record = log.find("fs.open", "path", "stray.txt");
    assert_eq!(record["event.outcome"], "denied");
    assert_eq!(
        record["event.reason"],
        "policy rule #1: writes only inside the work directory"
    );

    // Report mode: the child really runs, and the log says it would not have.
    let out = Command::new("echo").arg("shadowed").output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "shadowed");
    let record = log.find("process.spawn", "program", "echo");
    assert_eq!(record["event.outcome"], "would-deny");
    assert_eq!(
        record["event.reason"],
        "policy rule #2: only true may run [report only]"
    );
    assert_eq!(
        record["audit.notes"],
        serde_json::json!(["would deny: policy rule #2: only true may run [report only]"])
    );

    // Allowed: no reason, no notes.
    fs::write(work_dir.join("ok.txt"), "ok").unwrap();
    let record = log.find("fs.open", "path", "ok.txt");
    assert_eq!(record["event.outcome"], "allowed");
    assert!(record["event.reason"].is_null());
    assert!(record.get("audit.notes").is_none());

    // A note belongs to its event only: the next event has none.
    Command::new("true").status().unwrap();
    let record = log.find("process.spawn", "program", "true");
    assert_eq!(record["event.outcome"], "allowed");
    assert!(record.get("audit.notes").is_none());
}
