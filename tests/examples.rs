//! Runs the examples, so they cannot rot.
//!
//! `cargo test --test examples` does not build the examples, and binaries
//! left in `target/` may be stale or built with other features, so the tests
//! first ask Cargo to build them, with this test's profile and with the `off`
//! feature when this test has it, and run the executables Cargo names.

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;

/// The path of example `name`, built for this test's profile and features.
fn example(name: &str) -> PathBuf {
    static BUILT: OnceLock<Result<HashMap<String, PathBuf>, String>> = OnceLock::new();
    match BUILT.get_or_init(build_examples) {
        Ok(paths) => paths
            .get(name)
            .unwrap_or_else(|| panic!("Cargo built no example called {name}"))
            .clone(),
        Err(err) => panic!("the examples did not build:\n{err}"),
    }
}

/// Runs `cargo build --examples` and collects the executables it reports.
fn build_examples() -> Result<HashMap<String, PathBuf>, String> {
    let mut cargo = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    cargo.args([
        "build",
        "--examples",
        "--message-format=json",
        "--manifest-path",
    ]);
    cargo.arg(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml"));
    // This binary lives in target/<profile dir>/deps.
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let profile_dir = exe.parent().and_then(|deps| deps.parent());
    match profile_dir
        .and_then(|d| d.file_name())
        .and_then(|n| n.to_str())
    {
        Some("debug") | None => {}
        Some("release") => {
            cargo.arg("--release");
        }
        Some(profile) => {
            cargo.args(["--profile", profile]);
        }
    }
    if !audit_core::ENABLED {
        cargo.args(["--features", "audit-core/off"]);
    }
    let out = cargo
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    let mut paths = HashMap::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let Ok(message) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        let target = &message["target"];
        if message["reason"] == "compiler-artifact" && target["kind"][0] == "example" {
            if let (Some(name), Some(exe)) =
                (target["name"].as_str(), message["executable"].as_str())
            {
                paths.insert(name.to_owned(), PathBuf::from(exe));
            }
        }
    }
    Ok(paths)
}

/// Runs an example with `args`, checks that it succeeded, and returns its stdout.
fn run(name: &str, args: &[&std::ffi::OsStr]) -> String {
    let out = Command::new(example(name))
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {name}: {e}"));
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{name} failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

/// Checks that `stdout` contains each of `lines`.
fn assert_lines(stdout: &str, lines: &[&str]) {
    for line in lines {
        assert!(stdout.contains(line), "missing {line:?} in:\n{stdout}");
    }
}

#[test]
fn quickstart_shows_events_and_refusals() {
    let out = Command::new(example("quickstart"))
        .output()
        .expect("cannot run the example");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "quickstart failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("child said: hi from a child"), "{stdout}");
    assert!(stdout.contains("echoed: \"ping\""), "{stdout}");
    if audit_core::ENABLED {
        for line in [
            "write under secrets/: REFUSED (secrets/ is read-only)",
            "secrets/key exists afterwards: false",
            "read under secrets/: allowed",
            "audit: audit.add_hook(hook=\"quickstart policy\")",
            "spawn `sh`: REFUSED (only `echo` may be spawned)",
            "connect to 127.0.0.1:25: REFUSED (no mail, and loopback only)",
            "add a hook after seal(): REFUSED",
            "audit: fs.open(path=",
            "audit: process.spawn(program=\"echo\"",
            "audit: net.connect(address=127.0.0.1:",
        ] {
            assert!(stdout.contains(line), "missing {line:?} in:\n{stdout}");
        }
    } else {
        assert!(stdout.contains("auditing is compiled out"), "{stdout}");
        assert!(!stdout.contains("audit: "), "{stdout}");
        assert!(
            stdout.contains("secrets/key exists afterwards: true"),
            "{stdout}"
        );
    }
}

#[test]
fn otel_exports_audit_events_as_log_records() {
    let stdout = run("otel", &[]);
    if audit_core::ENABLED {
        assert_lines(
            &stdout,
            &[
                "remove refused: ",
                "log record: fs.open path=\"",
                "report.csv\" read=false write=true",
                "event.outcome=\"allowed\"",
                "log record: fs.remove_file path=\"",
                "event.outcome=\"denied\" event.reason=\"",
                "deletes are not allowed here",
            ],
        );
    } else {
        assert!(
            stdout.contains("audit events will not be exported: "),
            "{stdout}"
        );
        assert!(!stdout.contains("log record: "), "{stdout}");
    }
}

#[test]
fn sink_instructions_workload_runs() {
    let modes: &[&str] = if audit_core::ENABLED {
        &[
            "none",
            "json",
            "nonblocking",
            "tracing-json",
            "tracing-nonblocking",
        ]
    } else {
        &["none", "tracing-json"]
    };
    for mode in modes {
        let out = Command::new(example("sink_instructions"))
            .args([mode, "100"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{mode}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn instructions_workload_runs() {
    for mode in ["plain", "audited"] {
        let out = Command::new(example("instructions"))
            .args([mode, "1000"])
            .output()
            .unwrap();
        assert!(out.status.success());
        assert_eq!(
            String::from_utf8_lossy(&out.stdout).trim(),
            format!("{mode}: 1000 calls, checksum 500500")
        );
    }
}

#[test]
fn policy_cost_workload_runs() {
    let hooks: &[&str] = if audit_core::ENABLED {
        &["none", "noop", "policy"]
    } else {
        &["none"]
    };
    for hook in hooks {
        for open in ["write", "read"] {
            let out = Command::new(example("policy_cost"))
                .args([hook, open, "100"])
                .output()
                .unwrap();
            assert!(out.status.success(), "{hook} {open}: {out:?}");
            assert_eq!(
                String::from_utf8_lossy(&out.stdout).trim(),
                format!("{hook} {open}: 100 opens")
            );
        }
    }
}

#[test]
fn policy_refuses_what_it_denies_and_nothing_else() {
    let outside = tempfile::tempdir().unwrap();
    let stdout = run("policy", &[outside.path().as_os_str()]);
    let stolen = outside.path().join("stolen.txt");
    let new_dir = outside.path().join("new-dir");
    assert_lines(
        &stdout,
        &[
            "policy: 3 rules, default allow",
            "bind 127.0.0.1: ALLOWED",
            "connect to 127.0.0.1: ALLOWED",
            "server said: pong",
            "write inside the work dir: ALLOWED",
            "read outside the work dir: ALLOWED",
            "notes.txt exists: true",
            "echo said: hi",
            "spawn echo: ALLOWED",
        ],
    );
    if audit_core::ENABLED {
        assert_lines(
            &stdout,
            &[
                "connect to 192.0.2.1: REFUSED (policy rule #1: network is loopback only)",
                "write outside the work dir: REFUSED (policy rule #2: writes only inside the work directory)",
                "create a dir outside: REFUSED (policy rule #2: writes only inside the work directory)",
                &format!("{} exists: false", stolen.display()),
                &format!("{} exists: false", new_dir.display()),
                "spawn sh: REFUSED (policy rule #3: program not on the allow-list)",
            ],
        );
        assert!(!stdout.contains("policy not installed"), "{stdout}");
        // Checked on disk too: the refused operations left nothing behind.
        assert!(!stolen.exists() && !new_dir.exists());
    } else {
        assert_lines(
            &stdout,
            &[
                "policy not installed: ",
                "connect to 192.0.2.1: skipped (no policy to stop it)",
                "write outside the work dir: ALLOWED",
                "create a dir outside: ALLOWED",
                &format!("{} exists: true", stolen.display()),
                "spawn sh: ALLOWED",
            ],
        );
        assert!(!stdout.contains("REFUSED"), "{stdout}");
        assert_eq!(std::fs::read_to_string(&stolen).unwrap(), "data");
        assert!(new_dir.is_dir());
    }
    // The file the example read was really there, in the directory we gave it.
    assert!(outside.path().join("readme.txt").exists());
}

#[test]
fn json_log_writes_one_parsable_object_per_event() {
    let stdout = run("json_log", &[]);
    assert_lines(
        &stdout,
        &["read back: 42", "server said: pong", "echo said: hi"],
    );
    let (_, log) = stdout
        .split_once(" lines in the log:\n")
        .expect("the log is printed");
    let events: Vec<serde_json::Value> = log
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect();
    if !audit_core::ENABLED {
        assert_lines(
            &stdout,
            &["no audit log: ", "the log writer locked the file 0 times"],
        );
        assert!(events.is_empty(), "{stdout}");
        return;
    }
    // Every line was written under a lock, yet the writer's own locking and
    // writing are nowhere in the log: it did not recurse.
    assert!(
        stdout.contains(&format!(
            "the log writer locked the file {} times",
            events.len()
        )),
        "{stdout}"
    );
    let mut names: Vec<&str> = events
        .iter()
        .map(|e| e["event.action"].as_str().unwrap())
        .collect();
    names.sort_unstable();
    // data.txt written and read, the loopback exchange, the child, and the
    // program opening and locking the log itself, outside any hook.
    assert_eq!(
        names,
        [
            "fs.lock",
            "fs.open",
            "fs.open",
            "fs.open",
            "net.accept",
            "net.bind",
            "net.connect",
            "process.spawn"
        ],
        "{stdout}"
    );
    for event in &events {
        assert!(
            event["@timestamp"].as_str().unwrap().ends_with('Z'),
            "{event}"
        );
        assert!(event["thread.id"].is_u64(), "{event}");
        assert!(event["code.lineno"].is_u64(), "{event}");
    }
    let (lock, last_open) = (&events[events.len() - 1], &events[events.len() - 2]);
    assert_eq!(lock["event.action"], "fs.lock");
    assert_eq!(lock["audit.args"]["shared"], true);
    assert!(last_open["audit.args"]["path"]
        .as_str()
        .unwrap()
        .ends_with("/audit.jsonl"));
    assert_eq!(last_open["audit.args"]["write"], false);
    let open = &events[0];
    assert_eq!(open["event.action"], "fs.open");
    assert!(open["audit.args"]["path"]
        .as_str()
        .unwrap()
        .ends_with("/data.txt"));
    assert_eq!(open["audit.args"]["write"], true);
    assert_eq!(open["audit.args"]["mode"], 0o666);
    let by_name = |name: &str| events.iter().find(|e| e["event.action"] == name).unwrap();
    assert!(by_name("net.connect")["audit.args"]["address"]
        .as_str()
        .unwrap()
        .starts_with("127.0.0.1:"));
    assert_eq!(by_name("net.accept")["thread.name"], "server");
    assert_eq!(by_name("process.spawn")["audit.args"]["program"], "echo");
    assert_eq!(
        by_name("process.spawn")["audit.args"]["args"],
        serde_json::json!(["hi"])
    );
}

#[test]
fn tracing_bridge_forwards_audit_events_to_the_subscriber() {
    let stdout = run("tracing_bridge", &[]);
    assert_lines(
        &stdout,
        &[
            "INFO request{id=7}: tracing_bridge: writing a file",
            "INFO tracing_bridge: the server answered reply=pong",
            "INFO tracing_bridge: the child answered stdout=hi",
        ],
    );
    if audit_core::ENABLED {
        assert_lines(
            &stdout,
            &[
                "INFO request{id=7}: audit: fs.open path=",
                "notes.txt\" read=false write=true",
                "INFO audit: net.bind address=127.0.0.1:0 protocol=\"tcp\"",
                "INFO audit: net.connect address=127.0.0.1:",
                "INFO audit: net.accept peer=127.0.0.1:",
                r#"INFO audit: process.spawn program="echo" args=["hi"]"#,
            ],
        );
    } else {
        assert!(
            stdout.contains("audit events will not be traced: "),
            "{stdout}"
        );
        assert!(!stdout.contains(" audit: "), "{stdout}");
    }
}

#[test]
fn custom_events_lists_and_raises_the_programs_own_audit_points() {
    let stdout = run("custom_events", &[]);
    assert_lines(
        &stdout,
        &[
            "export: written",
            "(granting viewer to alice)",
            "(cleared 3 cache entries)",
            "log in: true",
        ],
    );
    if audit_core::ENABLED {
        // The catalogue, printed before anything ran, names each audit point
        // with its arguments and where it is.
        let source = include_str!("../examples/custom_events.rs");
        let line_of = |needle: &str| source.lines().position(|l| l.contains(needle)).unwrap() + 1;
        for (site, needle) in [
            ("app.export(path, count)", "#[audited(\"app.export\""),
            ("app.grant_role(user, role)", "#[audited(\"app.grant_role\""),
            ("app.clear_cache(entries)", "#[audited(\"app.clear_cache\""),
            ("app.login(user, method)", "audit!(\"app.login\""),
        ] {
            let line = format!("  {site} at examples/custom_events.rs:{}", line_of(needle));
            assert!(stdout.contains(&line), "missing {line:?} in:\n{stdout}");
        }
        assert!(stdout.contains("  4 of "), "{stdout}");
        assert_lines(
            &stdout,
            &[
                "audit: app.export(path=",
                "report.csv\", count=3)",
                r#"audit: app.grant_role(user="alice", role="viewer")"#,
                r#"audit: app.grant_role(user="mallory", role="admin")"#,
                "grant admin to mallory: REFUSED (admin is granted by two people)",
                "audit: app.clear_cache(entries=3)",
                r#"audit: app.login(user="alice", method="password")"#,
            ],
        );
        // The vetoed body did not run.
        assert!(!stdout.contains("granting admin"), "{stdout}");
    } else {
        assert_lines(
            &stdout,
            &[
                "auditing is compiled out",
                "0 of 0 audit points in the binary",
                "hook not installed: ",
                "(granting admin to mallory)",
                "grant admin to mallory: ALLOWED",
            ],
        );
        assert!(!stdout.contains("audit: "), "{stdout}");
    }
}

#[test]
fn compiled_out_behaves_as_std_in_both_modes() {
    let stdout = run("compiled_out", &[]);
    assert_lines(
        &stdout,
        &[
            &format!("audit_core::ENABLED = {}", audit_core::ENABLED),
            "files: same result as std: true",
            "process: same result as std: true",
            "network: loopback reply: pong",
        ],
    );
    if audit_core::ENABLED {
        assert_lines(
            &stdout,
            &[
                "run with `--features audit-core/off`",
                "add_hook: installed",
                "audit! arguments evaluated: true",
                "events seen by the hook: 7",
            ],
        );
        let seen = stdout.lines().last().unwrap().trim();
        let mut names: Vec<&str> = seen.split(", ").collect();
        names.sort_unstable();
        assert_eq!(
            names,
            [
                "app.checkpoint",
                "fs.open",
                "fs.open",
                "net.accept",
                "net.bind",
                "net.connect",
                "process.spawn"
            ]
        );
    } else {
        assert_lines(
            &stdout,
            &[
                "add_hook: CompiledOut: ",
                "audit! arguments evaluated: false",
                "events seen by the hook: 0",
            ],
        );
    }
}

/// Within each event of the catalogue's listing, the places of one file
/// come in the order of their line numbers, as numbers (`:88` before `:103`).
fn assert_places_sorted_by_line_number(stdout: &str) {
    let mut previous: Option<(String, u32)> = None;
    let mut compared = 0;
    for line in stdout.lines() {
        let Some(place) = line.strip_prefix("    ") else {
            previous = None; // a new event
            continue;
        };
        let location = place.split(" in ").next().unwrap();
        let (file, number) = location.rsplit_once(':').unwrap();
        let number: u32 = number.parse().unwrap();
        if let Some((previous_file, previous_number)) = &previous {
            if previous_file == file {
                assert!(
                    *previous_number <= number,
                    "{location} after line {previous_number} in:\n{stdout}"
                );
                compared += 1;
            }
        }
        previous = Some((file.to_owned(), number));
    }
    assert!(compared > 0, "no two places of one file in:\n{stdout}");
}

#[test]
fn catalogue_lists_the_binary_s_audit_points_without_running_them() {
    let stdout = run("catalogue", &[]);
    if audit_core::ENABLED {
        assert_lines(
            &stdout,
            &[
                "audit.add_hook(hook)",
                "fs.open(path, read, write, append, truncate, create, create_new, mode, custom_flags)",
                "net.connect(address, protocol)",
                "process.spawn(program, args, cwd, env, env_clear)",
                "audit-std/src/fs/open_options.rs:",
            ],
        );
        assert!(!stdout.contains("ran the operations"), "{stdout}");
        assert_places_sorted_by_line_number(&stdout);
    } else {
        assert_lines(
            &stdout,
            &[
                "auditing is compiled out: this binary has no audit points",
                "0 audit points, 0 distinct events",
            ],
        );
    }
    let stdout = run("catalogue", &["--run".as_ref()]);
    assert!(stdout.contains("ran the operations"), "{stdout}");
}

#[test]
fn policy_check_reports_rules_or_the_error_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.toml");
    let policy = include_str!("../examples/policy.toml").replace("{work}", "/srv/app/work");
    std::fs::write(&good, policy).unwrap();
    let stdout = run("policy_check", &[good.as_os_str()]);
    assert_lines(
        &stdout,
        &[
            "3 rules; default allow (events no rule matches)",
            "#2 deny @write where path not_under [/srv/app/work]",
            "applies to: fs.chown, fs.copy,",
            "#3 deny @exec where program not_in [echo, true]",
            "applies to: process.exec, process.spawn",
        ],
    );

    let bad = dir.path().join("bad.toml");
    std::fs::write(
        &bad,
        "default = \"allow\"\n[[rule]]\naction = \"deny\"\nevents = [\"@wrte\"]\n",
    )
    .unwrap();
    let out = Command::new(example("policy_check"))
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("at line 4"), "{stderr}");
    assert!(stderr.contains("did you mean `@write`?"), "{stderr}");
}

#[test]
fn async_service_refuses_the_traversal_on_tokio() {
    let stdout = run("async_service", &[]);
    assert_lines(
        &stdout,
        &[
            "upload notes.txt: OK",
            "notes.txt exists: true",
            "spawn echo: ALLOWED",
        ],
    );
    if audit_core::ENABLED {
        assert_lines(
            &stdout,
            &[
                "policy: 4 rules",
                "escape.txt: REFUSED (policy rule #2: writes only inside the work directory)",
                "escape.txt exists: false",
                "spawn sh: REFUSED (policy rule #4: program not on the allow-list)",
                "connect to 192.0.2.1: REFUSED (policy rule #1: network is loopback only)",
                "  audit: net.bind(address=127.0.0.1:0, protocol=\"tcp\")",
                "  audit: net.accept(peer=127.0.0.1:",
                "  audit: fs.open(path=",
                "  audit: process.spawn(program=\"echo\"",
            ],
        );
    } else {
        assert_lines(
            &stdout,
            &[
                "policy not installed: ",
                "escape.txt: OK",
                "escape.txt exists: true",
                "spawn sh: ALLOWED",
                "connect to 192.0.2.1: skipped",
            ],
        );
        assert!(
            !stdout.contains("REFUSED") && !stdout.contains("audit: "),
            "{stdout}"
        );
    }
}
