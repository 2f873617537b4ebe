//! Declarative allow/deny policies for audit hooks, built in code or loaded from TOML.
//!
//! A [`Policy`] is an ordered list of [`Rule`]s and a default [`Action`].
//! Each audit event is checked against the rules in order; the **first rule
//! that matches decides** (allow or deny), and the default decides events
//! that no rule matches. A denied event's audit point returns an
//! [`AuditError`](audit_core::AuditError) whose reason names the rule
//! (`policy rule #2: only loopback`), so the refused operation fails with it.
//!
//! A rule matches an event when the event matches one of the rule's
//! patterns **and** every argument condition it has holds. A pattern is a
//! wildcard pattern over event names (`fs.*`, `net.connect`, `*`: `*`
//! matches any run of characters, dots included, `?` exactly one; `[` and
//! `{` are refused, not read as literals) or a class of event, `@write`:
//! every event whose classes in [`audit_std::events::TABLE`] include it
//! (`@write` covers every operation that changes the filesystem, including
//! an `fs.open` whose effective flags write, create or truncate, and no
//! `fs.open` that only reads). Prefer classes for rules about what code
//! *does*: a list of names is easy to leave incomplete.
//!
//! # Cargo features
//!
//! - `toml` (on by default): loading policies from TOML text or files,
//!   [`Policy::from_toml`], [`Policy::from_file`] and reloading
//!   ([`Policy::install_reloadable`]). A program that builds its policy in
//!   code can turn it off (`default-features = false`) and does not compile
//!   the TOML parser; the policy behaves the same.
//!
//! # A policy in TOML
//!
#![cfg_attr(feature = "toml", doc = " ```")]
#![cfg_attr(not(feature = "toml"), doc = " ```ignore")]
//! let policy = audit_policy::Policy::from_toml(r#"
//! ## Applies to every event no rule matches: "allow" or "deny". Required.
//! default = "allow"
//!
//! ## Network: loopback only.
//! [[rule]]
//! action = "deny"
//! events = ["net.connect", "net.send_to", "net.bind"]
//! address = { not_in = ["loopback"] }
//! reason = "only loopback"
//!
//! ## No privileged ports, even on loopback.
//! [[rule]]
//! action = "deny"
//! events = ["net.bind"]
//! port = { in = ["0-1023"] }
//! reason = "no privileged ports"
//!
//! ## Writes stay inside the work directory: every operation that changes
//! ## the filesystem (opens that write, create or truncate, copies, renames,
//! ## removals, links, permissions, owners, times, lengths...), judged by
//! ## the path as written and by the file its symbolic links lead to.
//! [[rule]]
//! action = "deny"
//! events = ["@write"]
//! path = { not_under = ["/srv/app/work"] }
//! reason = "writes only under /srv/app/work"
//!
//! ## Only these programs may be spawned.
//! [[rule]]
//! action = "deny"
//! events = ["process.spawn"]
//! program = { not_in = ["git", "/usr/bin/ls"] }
//! reason = "program not on the allow-list"
//!
//! ## Name resolution: internal hosts only.
//! [[rule]]
//! action = "deny"
//! events = ["net.resolve"]
//! host = { not_in = ["localhost", "*.internal.example"] }
//! "#)?;
//! assert_eq!(policy.rules().len(), 5);
//! # Ok::<(), audit_policy::PolicyError>(())
//! ```
//!
//! ## Schema
//!
//! Top level (unknown keys are errors):
//!
//! | key | type | meaning |
//! |---|---|---|
//! | `default` | `"allow"` or `"deny"` | required; the action when no rule matches |
//! | `mode` | `"enforce"` or `"report"` | optional, `"enforce"` by default: with `"report"`, no denial refuses anything (see [Report mode](#report-mode)) |
//! | `unknown_events` | `"error"` or `"allow"` | optional, `"error"` by default: whether an event pattern that matches no event the program can raise is an error (see [Checking](#checking-a-policy)) |
//! | `rule` | array of tables (`[[rule]]`) | the rules, tried in the order written; may be empty |
//!
//! Each `[[rule]]` (unknown keys are errors):
//!
//! | key | type | meaning |
//! |---|---|---|
//! | `action` | `"allow"` or `"deny"` | required |
//! | `events` | array of strings | required, at least one; glob patterns over event names, or `@class` (`@read`, `@write`, `@metadata`, `@lock`, `@chdir`, `@exec`, `@signal`, `@exit`, `@resolve`, `@connect`, `@bind`, `@accept`, `@send`, `@multicast`, `@hook`, and `@network` for any of the network classes) |
//! | `reason` | string | optional; given in the error when the rule denies |
//! | `mode` | `"enforce"` or `"report"` | optional, `"enforce"` by default: with `"report"` the rule's denials are noted, not enforced |
//! | `path` | table | optional path condition: `under`, `not_under`, `arg` |
//! | `address` | table | optional address condition: `in`, `not_in`, `arg` |
//! | `port` | table | optional port condition: `in`, `not_in`, `arg` |
//! | `program` | table | optional program condition: `in`, `not_in`, `arg` |
//! | `host` | table | optional host-name condition: `in`, `not_in`, `arg` |
//! | `flags` | table | optional boolean-argument condition: `any`, `none` |
//!
//! A condition table may be written inline (`path = { under = [...] }`) or as
//! a sub-table (`[rule.path]` after its `[[rule]]`). It needs at least one of
//! its two lists; with both, a value must be in the first and not in the
//! second. List entries by kind:
//!
//! | condition | entries | a value matches an entry when |
//! |---|---|---|
//! | `path` | absolute paths | it is the path or lies under it, component-wise (`/srv/data` does not cover `/srv/database`) |
//! | `address` | CIDR ranges (`10.0.0.0/8`, `fc00::/7`), single addresses (`::1`), or `loopback`, `private`, `link_local`, `unspecified` | the IP is in the range (IPv4-mapped IPv6 addresses count as IPv4); see below for the keywords |
//! | `port` | ports (`443` or `"443"`) and ranges (`"8000-8999"`, inclusive) | the port is in the range |
//! | `program` | bare names (`git`) or absolute paths (`/usr/bin/git`) | a name: the program's file name is that name, whatever its directory; a path: the program, made absolute against the command's own working directory (its `cwd` argument, as the spawn will), is that path. A bare program, found through `PATH`, never matches a path |
//! | `host` | wildcard patterns as for events, case-insensitive (`*.example.com`) | the host name (without a trailing dot) matches |
//!
//! `flags` lists *argument names*, not values: with `any`, at least one of
//! the named boolean arguments must be true; with `none`, none of them may
//! be. It tells apart events that share a name but not an effect, such as an
//! `fs.open` that may modify the file from one that only reads (`flags = {
//! any = ["write", "append", "truncate", "create", "create_new"] }`). An
//! argument the event lacks, or whose value is `None`, counts as false; one
//! that is not a boolean cannot be judged (see below).
//!
//! ## Which arguments a condition looks at
//!
//! Conditions work on argument *kinds*, not on a fixed list of events, so
//! they apply to any audit point, including your own:
//!
//! | condition | by default | with `arg = "name"` |
//! |---|---|---|
//! | `path` | for the events of [`audit_std::events::TABLE`], every file the event names, including the file behind an open descriptor (`File::set_len`); for other events, every path-valued argument | that argument, also read as a path if it is a string |
//! | `address` | the IP of every socket-address or IP argument | that argument, also parsed if it is a string |
//! | `port` | the port of every socket-address argument, and an integer argument called `port` | that argument: a socket address, an integer or a numeric string |
//! | `program` | the argument called `program` | that argument |
//! | `host` | the argument called `host` | that argument |
//!
//! Values inside list arguments are looked at one by one; absent optional
//! values (`None`) are ignored.
//!
//! ## Several values, missing values, unreadable values
//!
//! When an event carries several values of a condition's kind (a rename has
//! two paths), the condition is judged conservatively, according to the
//! rule's action: a **deny** rule's condition holds if **any** value meets
//! it, an **allow** rule's only if **every** value does. So `deny` with
//! `path = { not_under = ["/work"] }` refuses a rename from `/work/a` to
//! `/etc/a`, and `allow` with `path = { under = ["/work"] }` does not allow
//! it.
//!
//! A condition never holds for an event that has no value of its kind (a
//! path condition on `net.connect`), so such a rule does not match it. An
//! operation on an open file whose path cannot be known (not Linux, a
//! deleted file) does have a value: an unreadable one.
//!
//! A value that cannot be judged (a relative path while the current
//! directory is unknown, a named argument of an unexpected kind) counts in
//! favour of a deny rule and against an allow rule.
//!
//! ## Paths: as written, and where the links lead
//!
//! Each path is judged in two forms, as two values of the condition (so a
//! deny rule applies if either form meets it, an allow rule only if both
//! do):
//! - as written: made absolute against the current directory, `.` and `..`
//!   resolved as text, so `/work/../etc/passwd` is not under `/work`;
//! - as the kernel will reach it: every symbolic link in the existing part
//!   of the path followed (a relative target against the link's own
//!   directory), the last component too when the operation follows it (see
//!   [`audit_std::events::Follow`]). A link inside `/work` that points to
//!   `/etc` makes `/work/link/passwd` a path under `/etc`. A symbolic link's
//!   own target (`fs.symlink`'s `original`) is read against the link's
//!   directory.
//!
//! Both forms are computed when the operation is about to run: a link
//! swapped in afterwards is not seen. This is an audit facility, not a
//! sandbox: see [`audit_core::docs::limitations`] for what contains a
//! process.
//!
//! ## Address keywords
//!
//! - `loopback`: `127.0.0.0/8` and `::1` (and `::ffff:127.0.0.0/104`);
//!   and, where the address is a destination (`net.connect`,
//!   `net.send_to`), the unspecified addresses `0.0.0.0`, `::` and
//!   `::ffff:0.0.0.0`, which the kernel delivers to this host. Such a
//!   destination is also judged as `127.0.0.1` (or `::1`), so a deny rule on
//!   `127.0.0.0/8` covers it. The host's own interface addresses are not
//!   `loopback`.
//! - `unspecified`: `0.0.0.0` and `::` (binding to them listens on every
//!   interface).
//! - `private`: `10.0.0.0/8`, `172.16.0.0/12`, `192.168.0.0/16`, `fc00::/7`.
//! - `link_local`: `169.254.0.0/16`, `fe80::/10`.
//!
//! ## Errors
//!
//! Loading never panics. Every problem, from TOML syntax to a bad glob, CIDR
//! range, port range, program or path prefix, an unknown action, a missing
//! or unknown key, is a [`PolicyError`] naming the line and column:
//!
#![cfg_attr(feature = "toml", doc = " ```")]
#![cfg_attr(not(feature = "toml"), doc = " ```ignore")]
//! let err = audit_policy::Policy::from_toml(r#"default = "allow"
//! [[rule]]
//! action = "deny"
//! events = ["net.*"]
//! address = { not_in = ["127.0.0/8"] }
//! "#).unwrap_err();
//! assert_eq!(err.line(), Some(5));
//! assert_eq!(
//!     err.to_string(),
//!     "invalid policy at line 5, column 22: invalid CIDR range `127.0.0/8`: invalid IP address syntax",
//! );
//! ```
//!
//! # Checking a policy
//!
//! A policy is checked against the program it is loaded into, so that a
//! typo cannot silently disable a rule:
//! - a class after `@` must be one of the classes, and a name pattern must
//!   match an event the program can raise: one of
//!   [`audit_std::events::TABLE`], or an audit point linked into the program
//!   (its [`catalogue`](audit_core::catalogue)). The error suggests the
//!   nearest name (`did you mean `fs.open`?`). A policy shared by programs
//!   that raise different events sets `unknown_events = "allow"`
//!   ([`PolicyBuilder::allow_unknown_events`] in code). With auditing
//!   compiled out the program's own audit points are unknown, so name
//!   patterns are not checked then.
//! - each condition must be able to apply to at least one of the rule's
//!   events, by the argument kinds of [`audit_std::events::TABLE`]: a
//!   `program` condition on `fs.open`, `flags = { any = ["write"] }` on
//!   `net.connect` or `arg = "target"` on `fs.rename` are errors naming the
//!   events that do carry such a value. (A rule that may match the
//!   program's own events is not checked: they declare no kinds.)
//!
//! [`Policy::check`] describes a loaded policy for a reviewer, each rule with
//! the events it applies to; `cargo run --example policy_check -- FILE`
//! prints it for a file, or the error with its line and column.
//!
//! # Report mode
//!
//! A policy (top-level `mode = "report"`, [`PolicyBuilder::report_only`]) or
//! one rule (`mode = "report"` in the rule, [`Rule::report_only`]) can
//! report instead of enforce: an event it would deny goes ahead, and the
//! would-be denial is attached to the event as a
//! [`Note`](audit_core::Note) (`would deny: policy rule #2: ... [report
//! only]`). Hooks that record outcomes see it
//! ([`Hook::on_outcome`](audit_core::Hook::on_outcome)): the JSON lines sink
//! of `audit-sinks` writes `"outcome": "would-deny"` with the reason. This is
//! how a rule is rolled out: watch what it would refuse in production, then
//! switch it to enforce.
//!
#![cfg_attr(feature = "toml", doc = " ```")]
#![cfg_attr(not(feature = "toml"), doc = " ```ignore")]
//! use audit_core::{audit, testing};
//! use audit_policy::Policy;
//!
//! let policy = Policy::from_toml(r#"
//!     default = "allow"
//!     [[rule]]
//!     action = "deny"
//!     mode = "report"
//!     events = ["@exec"]
//!     reason = "no child processes"
//! "#)?;
//! let (result, _) = testing::capture_with_hook(policy, || {
//!     audit!("process.spawn", program = "sh")
//! });
//! assert!(result.is_ok(), "reported, not refused");
//! # Ok::<(), audit_policy::PolicyError>(())
//! ```
//!
//! # Reloading
//!
//! [`Policy::install_reloadable`] installs the policy of a file with a
//! [`PolicyHandle`]; [`PolicyHandle::reload`] reads the file again and swaps
//! the new policy in atomically (events never wait for a reload, and see the
//! old policy or the new one). A reload raises [`RELOAD_EVENT`] first, so
//! other hooks can refuse it; a file that does not parse, or a refused
//! reload, leaves the old policy in force. Installing this way is the
//! opt-in: reloads still work after [`seal`](audit_core::seal), which only
//! stops new hooks.
//!
//! # The same policy in code
//!
//! ```
//! use audit_policy::{Action, ConditionKind, Policy, Rule};
//!
//! let policy = Policy::builder(Action::Allow)
//!     .rule(Rule::deny(["net.connect", "net.send_to", "net.bind"]).address_not_in(["loopback"]).reason("only loopback"))
//!     .rule(Rule::deny(["net.bind"]).port_in(["0-1023"]).reason("no privileged ports"))
//!     .rule(Rule::deny(["fs.rename"]).path_not_under(["/srv/app/work"]).arg(ConditionKind::Path, "to"))
//!     .rule(Rule::deny(["process.spawn"]).program_not_in(["git", "/usr/bin/ls"]))
//!     .build()?;
//! # let _ = policy;
//! # Ok::<(), audit_policy::PolicyError>(())
//! ```
//!
//! # Installing
//!
//! [`Policy::install`] adds the policy as a global hook. When the default is
//! allow it declares an [`Interest`](audit_core::Interest) in only the events
//! its deny rules name, so every other audit point stays on the fast path.
//! A hook that records outcomes (the JSON sink) logs refused attempts with
//! the rule that refused them, whether it was installed before or after.
//!
//! # What a policy costs per event
//!
//! Which rules can match each audit point is worked out once, when the
//! policy is built; an event runs only the conditions of those rules. A
//! plain absolute path (no `.`, `..` or doubled separator) is compared with
//! the prefixes as bytes, without allocating, and the links on its way are
//! looked for with one `readlink` per component after the prefix (and one
//! for the file itself when the operation follows it). The cheapest shape
//! is the common one: when every rule that can match an audit point has a
//! single condition, a path prefix spelled one way (`deny` `@write`
//! `not_under` a directory given by its canonical path), each rule is
//! judged in one straight step. Several prefixes, or a prefix that is
//! itself reached through a link, take the general loop over the
//! candidates; a path condition with `arg`, `flags` and the other
//! conditions look their arguments up by name. A relative path, `.` or
//! `..`, or a link on the way is resolved the slow way, which allocates.
//! The figures are in the repository's `BENCHMARKS.md`.
//!
#![cfg_attr(feature = "toml", doc = " ```")]
#![cfg_attr(not(feature = "toml"), doc = " ```ignore")]
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let policy_path = std::env::temp_dir().join(format!("audit-policy-doc-{}.toml", std::process::id()));
//! # std::fs::write(&policy_path, "default = \"allow\"\n")?;
//! let policy = audit_policy::Policy::from_file(&policy_path)?;
//! # let _ = std::fs::remove_file(&policy_path);
//! if audit_core::ENABLED {
//!     policy.install()?;
//! }
//! # Ok(())
//! # }
//! ```
#![deny(missing_docs)]
#![warn(unreachable_pub)]

mod condition;
mod error;
mod glob;
mod policy;
#[cfg(feature = "toml")]
mod reload;
mod rule;
mod shortcut;
mod sites;
#[cfg(feature = "toml")]
mod toml_format;
mod validate;

pub use condition::ConditionKind;
pub use error::PolicyError;
pub use policy::{Action, Decision, Policy, PolicyBuilder};
#[cfg(feature = "toml")]
pub use reload::{PolicyHandle, ReloadError, RELOAD_EVENT};
pub use rule::Rule;
