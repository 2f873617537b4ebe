//! The event a hook receives.

use std::fmt;
use std::panic::Location;

use crate::{Callsite, OwnedEvent, Value};

mod caller;

pub use caller::{CrateRef, CrateSource};

/// An audit event, as hooks see it: a name and named, typed arguments.
///
/// Events borrow the audit point's data and live only for the duration of
/// the dispatch; [`Event::to_owned`] keeps a copy.
///
/// ```
/// use audit_core::{AuditError, Event};
///
/// fn no_etc(event: &Event<'_>) -> Result<(), AuditError> {
///     match event.arg("path").and_then(|v| v.as_path()) {
///         Some(p) if p.starts_with("/etc") => Err(AuditError::denied("/etc is off limits here")),
///         _ => Ok(()),
///     }
/// }
/// # let _ = no_etc;
/// ```
#[derive(Clone, Copy)]
pub struct Event<'a> {
    callsite: &'static Callsite,
    values: &'a [Value<'a>],
    caller: Option<&'static Location<'static>>,
}

impl<'a> Event<'a> {
    /// An event for `callsite` with `values` in the order of its argument names.
    pub(crate) fn new(
        callsite: &'static Callsite,
        values: &'a [Value<'a>],
        caller: Option<&'static Location<'static>>,
    ) -> Self {
        debug_assert_eq!(callsite.arg_names().len(), values.len());
        Event {
            callsite,
            values,
            caller,
        }
    }

    /// The event's name, e.g. `"fs.open"`.
    pub fn name(&self) -> &'static str {
        self.callsite.name()
    }

    /// The audit point that raised the event (module, file, line).
    pub fn callsite(&self) -> &'static Callsite {
        self.callsite
    }

    /// The location in the source of the code that asked for the audited
    /// operation: the answer to "which code did this".
    ///
    /// Where [`callsite`](Self::callsite) is the audit point (the same for
    /// every use of a wrapper), this is where the wrapper was called from,
    /// as Rust's [`Location::caller`] defines it: the nearest frame that is
    /// not `#[track_caller]`.
    ///
    /// - [`audit!`](crate::audit) records `Location::caller()` as seen by the
    ///   function that contains it: the `audit!` line itself in an ordinary
    ///   function, or, in a `#[track_caller]` function, the line that called
    ///   it (and so on up through callers that are `#[track_caller]` too).
    ///   `audit!(@caller loc, ...)` records `loc` instead, for an audit point
    ///   inside a closure or a helper that cannot be `#[track_caller]`.
    /// - Every wrapper of `audit_std` and `audit_tokio` is `#[track_caller]`:
    ///   the event names the line in your code (or in a dependency's) that
    ///   called `audit_std::fs::write`, not the wrapper. A helper function of
    ///   yours that calls the wrapper is the caller, unless you mark the
    ///   helper `#[track_caller]` too.
    /// - [`#[audited]`](crate::audited) functions are made `#[track_caller]`
    ///   and record their caller, except an `async fn` (Rust does not track
    ///   callers through `async fn` on stable) and a function with a foreign
    ///   ABI, `#[no_mangle]` or `#[export_name]`, which record the
    ///   function's own location.
    /// - A `#[track_caller]` function passed as a value (`paths.map(fs::read)`,
    ///   `capture(f)`) is called by library code through `FnOnce`: the caller
    ///   is then that library's line (for `core`'s closure shims,
    ///   [`CrateSource::Toolchain`]), not the line that passed it.
    /// - `None` where no code asked: the events the registry raises itself
    ///   ([`ADD_HOOK_EVENT`](crate::ADD_HOOK_EVENT)).
    ///
    /// The location is a static the compiler emitted: taking it costs
    /// nothing until an event is raised, and the path is the one the compiler
    /// was given (relative for the workspace's own crates, absolute for
    /// dependencies; see [`caller_crate`](Self::caller_crate)). Like every
    /// argument, it says what the program claims: code that wants to hide
    /// can call through a `#[track_caller]` function of its own, which moves
    /// the location to *its* caller, or pass the wrapper as a function
    /// value. Treat it as a lead for a human, not as proof for a policy.
    ///
    /// ```
    /// let (_, events) = audit_core::testing::capture(|| {
    ///     let _ = audit_core::audit!("app.ping");
    /// });
    /// # if audit_core::ENABLED {
    /// let caller = events[0].caller().unwrap();
    /// assert_eq!(caller.line(), line!() - 4);
    /// assert!(caller.file().ends_with(".rs"));
    /// # }
    /// ```
    #[inline]
    pub fn caller(&self) -> Option<&'static Location<'static>> {
        self.caller
    }

    /// The crate whose source holds [`caller`](Self::caller), derived from
    /// its file path: see [`CrateRef::from_path`] for the rules and their
    /// limits. Computed on each call, from the path alone; `None` when the caller
    /// is unknown or its path follows none of the known layouts.
    pub fn caller_crate(&self) -> Option<CrateRef> {
        CrateRef::from_path(self.caller?.file())
    }

    /// The arguments as `(name, value)` pairs, in declaration order.
    pub fn args(&self) -> impl ExactSizeIterator<Item = (&'static str, Value<'a>)> + 'a {
        self.callsite
            .arg_names()
            .iter()
            .copied()
            .zip(self.values.iter().copied())
    }

    /// The argument values alone, in the order of the callsite's
    /// [`arg_names`](Callsite::arg_names): for code that resolved an
    /// argument's position once, per callsite, and reads it by index.
    ///
    /// ```
    /// audit_core::add_hook(|event| {
    ///     if event.name() == "app.copy" {
    ///         let names = event.callsite().arg_names();
    ///         let to = names.iter().position(|n| *n == "to").unwrap();
    ///         assert_eq!(event.values()[to].as_str(), Some("b"));
    ///     }
    ///     Ok(())
    /// })
    /// .ok(); // compiled out (`off`), there is nothing to hook
    /// audit_core::audit!("app.copy", from = "a", to = "b")?;
    /// # Ok::<(), audit_core::AuditError>(())
    /// ```
    #[inline]
    pub fn values(&self) -> &'a [Value<'a>] {
        self.values
    }

    /// The argument called `name`, if the event has one.
    pub fn arg(&self, name: &str) -> Option<Value<'a>> {
        // By position among the names: no value is copied until found.
        let index = self.callsite.arg_names().iter().position(|n| *n == name)?;
        self.values.get(index).copied()
    }

    /// An owned copy of the event, to keep after the hook returns.
    pub fn to_owned(&self) -> OwnedEvent {
        OwnedEvent::from(self)
    }
}

/// `name { a: 1, b: "x" }`, shared by `Event` and `OwnedEvent`.
pub(crate) fn fmt_event<V: fmt::Debug>(
    f: &mut fmt::Formatter<'_>,
    name: &str,
    args: impl Iterator<Item = (&'static str, V)>,
) -> fmt::Result {
    struct Field<V>(V);
    impl<V: fmt::Debug> fmt::Debug for Field<V> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            self.0.fmt(f)
        }
    }
    let mut s = f.debug_struct(name);
    for (k, v) in args {
        s.field(k, &Field(v));
    }
    s.finish()
}

/// The argument name whose unsigned values [`display_event`] shows in octal.
pub(crate) const MODE_ARG: &str = "mode";

/// What [`display_event`] needs of a value besides `Display`: its unsigned
/// integer, if it is one, to show permission bits in octal.
pub(crate) trait ModeBits {
    /// The value as an unsigned integer, if it is one.
    fn mode_bits(&self) -> Option<u64>;
}

impl ModeBits for Value<'_> {
    fn mode_bits(&self) -> Option<u64> {
        self.as_u64()
    }
}

/// `name(a=1, b="x")`, the one-line form used in logs and error messages.
///
/// Values are written in their alternate (`{:#}`) form: text quoted and
/// escaped, so that no argument can end the line or close the parentheses.
/// An argument named `mode` holding an unsigned integer is written in octal
/// with its `0o` prefix (`mode=0o644`): permission bits, as people read them.
pub(crate) fn display_event<V: fmt::Display + ModeBits>(
    f: &mut fmt::Formatter<'_>,
    name: &str,
    args: impl Iterator<Item = (&'static str, V)>,
) -> fmt::Result {
    // Names are the program's own literals, but one line is promised
    // whatever they hold: escape them like text values, without quotes.
    crate::value::write_escaped_str(name, f)?;
    f.write_str("(")?;
    for (i, (k, v)) in args.enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        match v.mode_bits() {
            Some(bits) if k == MODE_ARG => write!(f, "{k}={bits:#o}")?,
            _ => write!(f, "{k}={v:#}")?,
        }
    }
    f.write_str(")")
}

impl fmt::Debug for Event<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt_event(f, self.name(), self.args())
    }
}

/// One line, `name(arg=value, ...)`, for logs: `fs.open(path="/tmp/a.txt", write=true)`.
///
/// Strings, paths and other text are quoted and escaped as in [`Value`]'s
/// alternate `Display` form (`{:#}`), so a file name holding a line break,
/// a quote or `)` cannot end the line or forge another event, and paths that
/// are not UTF-8 are shown byte for byte (`\xff`). Numbers, booleans,
/// addresses and durations are written bare; lists as `[a, b]`. The event
/// name is escaped the same way, without quotes. An unsigned integer in an
/// argument named `mode` (permission bits: `fs.open`, `fs.create_dir`,
/// `fs.set_permissions`) is written in octal, `mode=0o644`; every other
/// number, and every value in [`Value`]'s own `Display` and in `Debug`,
/// stays decimal.
///
/// ```
/// let (_, events) = audit_core::testing::capture_with(
///     |event: &audit_core::Event<'_>| {
///         assert_eq!(
///             event.to_string(),
///             r#"app.open(path="/tmp/x)\naudit: app.open(path=\"/etc", write=true)"#
///         );
///         Ok(())
///     },
///     || {
///         let path = std::path::Path::new("/tmp/x)\naudit: app.open(path=\"/etc");
///         audit_core::audit!("app.open", path, write = true)
///     },
/// );
/// assert_eq!(events.len(), usize::from(audit_core::ENABLED));
/// ```
impl fmt::Display for Event<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        display_event(f, self.name(), self.args())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static SITE: Callsite = Callsite::new(
        "fs.x",
        &["mode", "len", "other_mode"],
        module_path!(),
        file!(),
        line!(),
    );

    fn shown(values: &[Value<'_>]) -> (String, String, String) {
        let event = Event::new(&SITE, values, None);
        (
            event.to_string(),
            event.to_owned().to_string(),
            format!("{event:?}"),
        )
    }

    #[test]
    fn display_shows_an_unsigned_mode_in_octal_and_nothing_else() {
        let (display, owned, debug) =
            shown(&[Value::Uint(0o644), Value::Uint(420), Value::Uint(0o644)]);
        assert_eq!(display, "fs.x(mode=0o644, len=420, other_mode=420)");
        assert_eq!(owned, display);
        assert!(debug.contains("mode: 420"), "Debug stays decimal: {debug}");

        // 438 is the default 0o666 of `fs.open`; 0 is shown with its prefix too.
        assert_eq!(
            shown(&[Value::Uint(438), Value::Uint(0), Value::Uint(0)]).0,
            "fs.x(mode=0o666, len=0, other_mode=0)"
        );
        assert_eq!(
            shown(&[Value::Uint(0), Value::Int(1), Value::Int(1)]).0,
            "fs.x(mode=0o0, len=1, other_mode=1)"
        );
        assert_eq!(
            shown(&[Value::Int(0o755), Value::Int(1), Value::Int(1)]).0,
            "fs.x(mode=0o755, len=1, other_mode=1)"
        );
    }

    #[test]
    fn a_mode_that_is_not_a_number_keeps_its_escaped_form() {
        let (display, owned, _) = shown(&[Value::None, Value::Uint(1), Value::Uint(1)]);
        assert_eq!(display, "fs.x(mode=none, len=1, other_mode=1)");
        assert_eq!(owned, display);
        let (display, owned, _) = shown(&[
            Value::Str("0o777)\nfs.x(mode=0o777"),
            Value::Uint(1),
            Value::Uint(1),
        ]);
        assert_eq!(
            display,
            r#"fs.x(mode="0o777)\nfs.x(mode=0o777", len=1, other_mode=1)"#
        );
        assert_eq!(owned, display);
        let (display, _, _) = shown(&[Value::Int(-1), Value::Uint(1), Value::Uint(1)]);
        assert_eq!(display, "fs.x(mode=-1, len=1, other_mode=1)");
    }
}
