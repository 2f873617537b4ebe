//! `audit!`: raising an event from an audit point.
//!
//! The expanding macro is defined twice, once per state of the `off` feature.
//! The `cfg` sits on the definitions, inside audit-core, so it tests
//! audit-core's features (which Cargo unifies across the graph), never the
//! caller's.

/// Raises an audit event and returns `Result<(), AuditError>`.
///
/// `audit!(NAME, key = expr, other)` declares a static callsite for the event
/// `NAME` (a string literal or a `&'static str` constant) and dispatches it to
/// the installed hooks. `other` alone means `other = other`. Each value must
/// be [`Recordable`](crate::Recordable); it is taken by reference.
///
/// The argument expressions are evaluated **only if some hook will see the
/// event**, in the order written, inside a closure (so `?` and `return` in
/// them refer to that closure, and `.await` is not allowed). With no hook
/// installed, the whole macro is one atomic load and one predictable branch:
/// no allocation, no argument evaluation, no call. (The compiler may still
/// save a few registers in the enclosing function's prologue for the cold
/// path's calls: in a small leaf function, about 8 instructions more. An
/// audit point at the top of a function is cheaper as
/// [`#[audited]`](crate::audited), which avoids those saves; see
/// `BENCHMARKS.md`.)
///
/// `Err` means a hook vetoed the event: do not perform the operation, and
/// pass the error on (it converts into `io::Error`).
///
/// With the `off` feature the macro evaluates nothing and is `Ok(())`; the
/// arguments are still type-checked.
///
/// # The caller
///
/// The event records where it was raised from ([`Event::caller`](crate::Event::caller)):
/// `Location::caller()` as the enclosing function sees it, which is the
/// `audit!` line itself, or, when that function is `#[track_caller]`, the
/// line that called it. A wrapper whose audit point sits in a closure or in
/// a helper that is not `#[track_caller]` passes its own caller explicitly,
/// taken in the `#[track_caller]` function itself:
///
/// ```
/// use audit_core::audit;
/// use std::panic::Location;
///
/// #[track_caller]
/// fn remove_all(paths: &[&str]) -> std::io::Result<()> {
///     let caller = Location::caller();
///     paths.iter().try_for_each(|path| {
///         audit!(@caller caller, "app.remove", path)?;
///         Ok(())
///     })
/// }
///
/// let (_, events) = audit_core::testing::capture(|| remove_all(&["a", "b"]));
/// # if audit_core::ENABLED {
/// assert_eq!(events[1].caller().unwrap().line(), line!() - 2);
/// # }
/// ```
///
/// The expression after `@caller` (a `&'static Location<'static>`) is
/// evaluated only when some hook will see the event, before the arguments.
///
/// ```
/// use audit_core::audit;
/// use std::path::Path;
///
/// fn delete_report(path: &Path, user: &str) -> std::io::Result<()> {
///     audit!("app.delete_report", path, user, bytes = path.as_os_str().len())?;
///     // ... the operation itself ...
///     Ok(())
/// }
/// delete_report(Path::new("/tmp/report.txt"), "alice")?;
/// # Ok::<(), std::io::Error>(())
/// ```
#[macro_export]
macro_rules! audit {
    (@caller $caller:expr, $name:expr $(,)?) => {
        $crate::__audit_args!(@done ($caller) $name; [])
    };
    (@caller $caller:expr, $name:expr, $($args:tt)+) => {
        $crate::__audit_args!(@munch ($caller) $name; []; $($args)+)
    };
    ($name:expr $(,)?) => {
        $crate::__audit_args!(@done ($crate::__private::Location::caller()) $name; [])
    };
    ($name:expr, $($args:tt)+) => {
        $crate::__audit_args!(@munch ($crate::__private::Location::caller()) $name; []; $($args)+)
    };
}

/// Parses `key = expr, other, ...` into `[(key, expr) ...]` for `__audit_expand!`.
#[doc(hidden)]
#[macro_export]
macro_rules! __audit_args {
    (@munch $caller:tt $name:expr; [$($acc:tt)*]; $key:ident = $value:expr $(, $($rest:tt)*)?) => {
        $crate::__audit_args!(@munch $caller $name; [$($acc)* ($key, $value)]; $($($rest)*)?)
    };
    (@munch $caller:tt $name:expr; [$($acc:tt)*]; $key:ident $(, $($rest:tt)*)?) => {
        $crate::__audit_args!(@munch $caller $name; [$($acc)* ($key, $key)]; $($($rest)*)?)
    };
    (@munch $caller:tt $name:expr; [$($acc:tt)*];) => {
        $crate::__audit_args!(@done $caller $name; [$($acc)*])
    };
    (@done ($caller:expr) $name:expr; [$(($key:ident, $value:expr))*]) => {
        $crate::__audit_expand!(($caller) $name; $(($key, $value))*)
    };
}

#[cfg(not(feature = "off"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __audit_expand {
    (($caller:expr) $name:expr; $(($key:ident, $value:expr))*) => {{
        #[$crate::__private::linkme::distributed_slice($crate::__private::CALLSITES)]
        #[linkme(crate = $crate::__private::linkme)]
        static __AUDIT_CALLSITE: $crate::Callsite = $crate::Callsite::new(
            $name,
            &[$($crate::__private::stringify!($key)),*],
            $crate::__private::module_path!(),
            $crate::__private::file!(),
            $crate::__private::line!(),
        );
        if $crate::__private::is_active(&__AUDIT_CALLSITE) {
            match $crate::__private::begin(&__AUDIT_CALLSITE) {
                // In a closure called at once (and inlined): `.await` in an
                // argument is refused, so the event is delivered where
                // `begin` looked. Audited operations in the arguments raise
                // their own events, before this one's hooks run.
                $crate::__private::Some(__audit_delivery) => {
                    // Here, in the audit point's own function and not in the
                    // closure (which would be a frame of its own), so that in
                    // a `#[track_caller]` function it names that function's
                    // caller; on the cold path only.
                    let __audit_caller: &'static $crate::__private::Location<'static> = $caller;
                    $crate::__private::in_closure(|| __audit_delivery.deliver(__audit_caller, &[$($crate::__private::value(&$value)),*]))
                }
                $crate::__private::None => $crate::__private::Ok(()),
            }
        } else {
            $crate::__private::Ok(())
        }
    }};
}

#[cfg(feature = "off")]
#[doc(hidden)]
#[macro_export]
macro_rules! __audit_expand {
    (($caller:expr) $name:expr; $(($key:ident, $value:expr))*) => {{
        // Type-checked, never evaluated: the optimiser drops the block. The
        // arguments sit in a closure, as when compiled in, so that both modes
        // accept the same code (`?` refers to the closure, `.await` is refused).
        if false {
            let _: &'static $crate::__private::str = $name;
            let _: &'static $crate::__private::Location<'static> = $caller;
            let _ = || -> $crate::__private::Result<(), $crate::AuditError> {
                $(let _ = $crate::__private::value(&$value);)*
                $crate::__private::Ok(())
            };
        }
        $crate::__private::Ok::<(), $crate::AuditError>(())
    }};
}
