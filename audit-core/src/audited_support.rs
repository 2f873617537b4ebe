//! Support for the expansion of `#[audited]`.
//!
//! The attribute (in `audit-macros`) knows nothing of audit-core's features:
//! it expands into the hidden macros below, which are defined twice, once per
//! state of the `off` feature, like `audit!`. With `off`, an annotated
//! function is the original function: the arguments are type-checked behind
//! `if false` (so both modes accept the same code) and nothing else remains.
//!
//! The expansion is one statement put before the body's first statement:
//!
//! ```text
//! ::audit_core::__audited!(err; "app.event"; ("path", path) ("len", data.len()));
//! ```
//!
//! The first token chooses what a veto does: `err` returns it as the
//! function's error, `panic` panics with it, `future` (for a function that
//! returns `impl Future<Output = Result<..>>`) returns a future that resolves
//! to it; the body is then passed in as a block and wrapped with
//! [`__audited_return!`](crate::__audited_return).

#[cfg(not(feature = "off"))]
use crate::AuditError;
#[cfg(not(feature = "off"))]
use core::future::Future;

/// Raises the event of an `#[audited]` function and acts on a veto.
///
/// Mirrors `__audit_expand!`, with argument names given as string literals
/// (the attribute has already removed any `r#` prefix).
#[cfg(not(feature = "off"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __audited {
    (@callsite $name:literal; $($key:literal)*) => {
        #[$crate::__private::linkme::distributed_slice($crate::__private::CALLSITES)]
        #[linkme(crate = $crate::__private::linkme)]
        static __AUDIT_CALLSITE: $crate::Callsite = $crate::Callsite::new(
            $name,
            &[$($key),*],
            $crate::__private::module_path!(),
            $crate::__private::file!(),
            $crate::__private::line!(),
        );
    };
    (@raise $(($key:literal, $value:expr))*) => {
        if $crate::__private::is_active(&__AUDIT_CALLSITE) {
            $crate::__private::dispatch(&__AUDIT_CALLSITE, |__audit_emit| {
                __audit_emit(&[$($crate::__private::value(&$value)),*])
            })
        } else {
            $crate::__private::Ok(())
        }
    };
    (err; $name:literal; $(($key:literal, $value:expr))*) => {{
        $crate::__audited!(@callsite $name; $($key)*);
        if let $crate::__private::Err(__audit_error) =
            $crate::__audited!(@raise $(($key, $value))*)
        {
            return $crate::__private::veto(__audit_error);
        }
    }};
    (panic; $name:literal; $(($key:literal, $value:expr))*) => {{
        $crate::__audited!(@callsite $name; $($key)*);
        if let $crate::__private::Err(__audit_error) =
            $crate::__audited!(@raise $(($key, $value))*)
        {
            $crate::__private::veto_panic(__audit_error);
        }
    }};
    (future; $name:literal; $(($key:literal, $value:expr))*; $body:block) => {{
        $crate::__audited!(@callsite $name; $($key)*);
        $crate::__private::vetoable(
            match $crate::__audited!(@raise $(($key, $value))*) {
                $crate::__private::Ok(()) => $crate::__private::Ok($body),
                $crate::__private::Err(__audit_error) => {
                    $crate::__private::Err($crate::__private::veto(__audit_error))
                }
            },
        )
    }};
}

/// Wraps a value returned early (`return x`) from the body of an `#[audited]`
/// function that returns `impl Future`, so that it has the same type as the
/// body's final value.
#[cfg(not(feature = "off"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __audited_return {
    ($value:expr) => {
        $crate::__private::vetoable($crate::__private::Ok($value))
    };
}

#[cfg(feature = "off")]
#[doc(hidden)]
#[macro_export]
macro_rules! __audited {
    ($veto:ident; $name:literal; $(($key:literal, $value:expr))*) => {
        // Type-checked, never evaluated: the optimiser drops the block.
        if false {
            $(let _ = $crate::__private::value(&$value);)*
        }
    };
    (future; $name:literal; $(($key:literal, $value:expr))*; $body:block) => {{
        if false {
            $(let _ = $crate::__private::value(&$value);)*
        }
        $body
    }};
}

#[cfg(feature = "off")]
#[doc(hidden)]
#[macro_export]
macro_rules! __audited_return {
    ($value:expr) => {
        $value
    };
}

/// What a function's return type must be for a veto to be returned from it:
/// a `Result` whose error converts from [`AuditError`].
#[cfg(not(feature = "off"))]
#[diagnostic::on_unimplemented(
    message = "`#[audited]` cannot return a veto as `{Self}`",
    label = "a veto cannot be returned from this function",
    note = "the function must return a `Result<_, E>` where `E: From<audit_core::AuditError>` (such as `std::io::Result<_>`)",
    note = "or choose another behaviour on veto: `#[audited(\"..\", on_veto = panic)]`"
)]
pub trait VetoReturn {
    /// The return value that carries the veto `error`.
    fn from_veto(error: AuditError) -> Self;
}

#[cfg(not(feature = "off"))]
impl<T, E: From<AuditError>> VetoReturn for Result<T, E> {
    #[inline]
    fn from_veto(error: AuditError) -> Self {
        Err(E::from(error))
    }
}

/// The value an `#[audited]` function returns when its event is vetoed.
#[cfg(not(feature = "off"))]
#[cold]
#[inline(never)]
pub fn veto<R: VetoReturn>(error: AuditError) -> R {
    R::from_veto(error)
}

/// Panics with a veto, for `#[audited(.., on_veto = panic)]`.
///
/// `#[track_caller]`: the panic is reported at the annotated function (or at
/// its caller, when the function itself is `#[track_caller]`).
#[cfg(not(feature = "off"))]
#[cold]
#[inline(never)]
#[track_caller]
pub fn veto_panic(error: AuditError) -> ! {
    panic!("{error}")
}

/// The future returned by an `#[audited]` function that returns
/// `impl Future`: the body's future if the event was allowed, or the veto.
#[cfg(not(feature = "off"))]
pub async fn vetoable<F: Future>(allowed: Result<F, F::Output>) -> F::Output {
    match allowed {
        Ok(body) => body.await,
        Err(veto) => veto,
    }
}
