//! `Policy::install` adds a global hook, which cannot be removed again: this
//! test lives in its own binary so no other test runs under that hook.

use std::net::SocketAddr;
use std::path::Path;

use audit_core::{audit, AuditErrorKind};
use audit_policy::Policy;

#[test]
fn an_installed_policy_vetoes_on_every_thread() {
    let policy = Policy::from_toml(
        "default = \"allow\"\n[[rule]]\naction = \"deny\"\nevents = [\"net.connect\"]\naddress = { not_in = [\"loopback\"] }\nreason = \"only loopback\"\n",
    )
    .unwrap();
    // Who installs a hook is the code that calls `install`, not audit-policy.
    let added_by = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = added_by.clone();
    let watcher = audit_core::add_hook(move |event| {
        if event.name() == "audit.add_hook" {
            let caller = event.caller().map(|c| (c.file(), c.line()));
            seen.lock().unwrap().push(caller);
        }
        Ok(())
    });
    let installed = policy.install();
    let install_line = line!() - 1;
    if !audit_core::ENABLED {
        assert_eq!(installed.unwrap_err().kind(), AuditErrorKind::CompiledOut);
        assert!(audit!(
            "net.connect",
            addr = "192.0.2.1:80".parse::<SocketAddr>().unwrap()
        )
        .is_ok());
        return;
    }
    watcher.unwrap();
    installed.unwrap();
    assert_eq!(*added_by.lock().unwrap(), [Some((file!(), install_line))]);
    // Events raised on another thread reach the global hook.
    let remote = std::thread::spawn(|| {
        audit!(
            "net.connect",
            addr = "192.0.2.1:80".parse::<SocketAddr>().unwrap()
        )
    })
    .join()
    .unwrap();
    let err = remote.unwrap_err();
    assert_eq!(err.reason(), "policy rule #1: only loopback");
    assert!(audit!(
        "net.connect",
        addr = "127.0.0.1:80".parse::<SocketAddr>().unwrap()
    )
    .is_ok());
    // Events no deny rule names are outside the policy's interest.
    assert!(audit!("fs.remove_file", path = Path::new("/etc/passwd")).is_ok());
}
