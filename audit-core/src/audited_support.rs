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
//! ::audit_core::__audited!(err ::audit_core::__private::veto; "app.event";
//!     this[() = ()]; pass[[mut] path [] data]; used[path data];
//!     ("path", (&&&&&&::audit_core::__private::record::Probe(&path)).__audit_kind().value())
//!     ("len", (&&&&&&::audit_core::__private::record::Probe(&data.len())).__audit_kind().value()));
//! ```
//!
//! (with `use ::audit_core::__private::record::prelude::*;` in scope, which
//! adds no names the body can see). The compiler picks each value's form
//! through the references: `Recordable`, else a path, string, platform
//! string or bytes through `AsRef`, else `Debug` (see `__private::record`).
//! The values come already wrapped, and the veto function's
//! path comes from the attribute, both spanned on the user's tokens (the
//! parameter, the return type), so a type error there points at the user's
//! code rather than at the attribute.
//!
//! The first token chooses what a veto does: `err` returns it as the
//! function's error, `panic` panics with it, `future` (for a function that
//! returns `impl Future<Output = Result<..>>`) returns a future that resolves
//! to it; the body is then passed in as a block, and its `return x`
//! expressions are wrapped in [`__audited_return!`](crate::__audited_return).
//!
//! `pass[..]` lists the names the parameters bind (with `mut` where the
//! parameter had it; the attribute takes it off the signature), except those
//! of parameters that must keep their own slot for their values to drop in
//! the same order (see `audit-macros`' `pass.rs`). The statement
//! rebinds them: on the fast path to themselves, on the cold path to what
//! [`raise_passing`] hands back after moving them through the dispatch. No
//! parameter is then live across a call, so the compiler keeps them in the
//! argument registers instead of saving callee-saved registers in the
//! prologue for the cold path's sake. `used[..]` lists the passed names that are
//! recorded or mentioned in `args(..)`, marked used after the rebinding so that a
//! parameter only recorded does not warn as unused. `this[..]` binds
//! `__audit_self`, which stands for `self` in `args(..)` (a closure parameter
//! cannot be named `self`). An `async fn` passes nothing (`pass[]`): its
//! parameters live in the future, and the arguments are borrowed from there.

#[cfg(not(feature = "off"))]
use crate::dispatch::{start, Delivery};
use crate::AuditError;
#[cfg(not(feature = "off"))]
use crate::Callsite;
use core::future::Future;
#[cfg(not(feature = "off"))]
use core::panic::Location;

/// Raises the event of an `#[audited]` function and acts on a veto.
///
/// Like `__audit_expand!`, with argument names given as string literals (the
/// attribute has already removed any `r#` prefix); `err` and `panic` also
/// pass the parameters through, as the module documentation describes, and
/// `future` raises in place as `audit!` does.
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
            match $crate::__private::begin(&__AUDIT_CALLSITE) {
                // In a closure called at once (and inlined): `.await` in an
                // argument is refused, so that the event is delivered on the
                // thread and to the hooks that `begin` found, without a
                // suspension in between.
                $crate::__private::Some(__audit_delivery) => {
                    // In the function's frame, not the closure's: in a
                    // `#[track_caller]` function, its caller.
                    let __audit_caller: &'static $crate::__private::Location<'static> =
                        $crate::__private::Location::caller();
                    $crate::__private::in_closure(|| __audit_delivery.deliver(__audit_caller, &[$($value),*]))
                }
                $crate::__private::None => $crate::__private::Ok(()),
            }
        } else {
            $crate::__private::Ok(())
        }
    };
    (err $veto:expr; $($rest:tt)*) => {
        $crate::__audited!(@pass __audit_error => {
            // Through a typed binding, so that an unusable return type is
            // reported at `$veto`, which the attribute spans on the return type.
            let __audit_veto: fn($crate::AuditError) -> _ = $veto;
            return __audit_veto(__audit_error);
        }; $($rest)*);
    };
    (panic; $($rest:tt)*) => {
        $crate::__audited!(@pass __audit_error => {
            $crate::__private::veto_panic(__audit_error)
        }; $($rest)*);
    };
    // Nothing to pass through (no parameter, or an `async fn`).
    (@pass $error:ident => $on_veto:block; $name:literal;
        this[$this:pat = $this_value:expr]; pass[]; used[];
        $(($key:literal, $value:expr))*
    ) => {{
        $crate::__audited!(@callsite $name; $($key)*);
        if $crate::__private::is_active(&__AUDIT_CALLSITE) {
            if let (_, $crate::__private::Err($error)) = $crate::__private::raise_passing(
                &__AUDIT_CALLSITE,
                (),
                $this_value,
                // A closure: `.await` in an argument is refused, so that the
                // event is delivered where `raise_passing` looked.
                |__audit_delivery, __audit_caller, $this, ()| {
                    ((), __audit_delivery.deliver(__audit_caller, &[$($value),*]))
                },
            ) {
                $on_veto
            }
        }
    }};
    (@pass $error:ident => $on_veto:block; $name:literal;
        this[$this:pat = $this_value:expr];
        pass[$([$($mode:tt)*] $binding:ident)*];
        used[$($used:ident)*];
        $(($key:literal, $value:expr))*
    ) => {
        let ($($($mode)* $binding,)*) = {
            $crate::__audited!(@callsite $name; $($key)*);
            if $crate::__private::is_active(&__AUDIT_CALLSITE) {
                match $crate::__private::raise_passing(
                    &__AUDIT_CALLSITE,
                    ($($binding,)*),
                    $this_value,
                    // A closure: `.await` in an argument is refused, so
                    // that the event is delivered where `raise_passing` looked.
                    |__audit_delivery, __audit_caller, $this, ($($binding,)*)| {
                        let __audit_result = __audit_delivery.deliver(__audit_caller, &[$($value),*]);
                        (($($binding,)*), __audit_result)
                    },
                ) {
                    (__audit_passed, $crate::__private::Ok(())) => __audit_passed,
                    (_, $crate::__private::Err($error)) => $on_veto,
                }
            } else {
                ($($binding,)*)
            }
        };
        $(let _ = &$used;)*
    };
    (future $veto:expr; $name:literal; $(($key:literal, $value:expr))*; $body:block) => {{
        $crate::__audited!(@callsite $name; $($key)*);
        $crate::__private::vetoable(
            match $crate::__audited!(@raise $(($key, $value))*) {
                $crate::__private::Ok(()) => $crate::__private::Ok($body),
                $crate::__private::Err(__audit_error) => {
                    let __audit_veto: fn($crate::AuditError) -> _ = $veto;
                    $crate::__private::Err(__audit_veto(__audit_error))
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
    // Type-checked, never evaluated: the optimiser drops the blocks. The veto
    // is type-checked too, so that both modes accept the same functions.
    (err $veto:expr; $name:literal; this[$this:pat = $this_value:expr]; $($rest:tt)*) => {
        if false {
            let __audit_veto: fn($crate::AuditError) -> _ = $veto;
            return __audit_veto($crate::AuditError::denied(""));
        }
        $crate::__audited!(@pass this[$this = $this_value]; $($rest)*);
    };
    (panic; $name:literal; $($rest:tt)*) => {
        $crate::__audited!(@pass $($rest)*);
    };
    (@pass this[$this:pat = $this_value:expr];
        pass[$([$($mode:tt)*] $binding:ident)*];
        used[$($used:ident)*];
        $(($key:literal, $value:expr))*
    ) => {
        if false {
            // In a closure, as when compiled in: `.await` is refused there.
            let _ = || {
                let $this = $this_value;
                $(let _ = $value;)*
            };
        }
        // The attribute moved any `mut` from the parameters to here.
        let ($($($mode)* $binding,)*) = ($($binding,)*);
        $(let _ = &$used;)*
    };
    (future $veto:expr; $name:literal; $(($key:literal, $value:expr))*; $body:block) => {{
        if false {
            // In a closure, as when compiled in: `.await` is refused there.
            let _ = || {
                $(let _ = $value;)*
            };
        }
        $crate::__private::vetoable_off($body, $veto)
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

impl<T, E: From<AuditError>> VetoReturn for Result<T, E> {
    #[inline]
    fn from_veto(error: AuditError) -> Self {
        Err(E::from(error))
    }
}

/// The value an `#[audited]` function returns when its event is vetoed.
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

/// Raises the event of an `#[audited]` function, moving its parameters
/// (`args`) through and back, so that none is live across this call.
///
/// `build` gets the delivery, `this` (the receiver, when `args(..)` uses
/// it) and the parameters; it builds the values, delivers them, and hands the
/// parameters back with the outcome. Cold and out of line, like
/// [`begin`](crate::__private::begin), whose work it does itself. As there,
/// the thread is not inside a hook while `build` evaluates the arguments: an
/// audited operation in `args(..)` raises its own event.
///
/// `#[track_caller]`, so that `build` gets the annotated function's caller
/// (the attribute makes the function `#[track_caller]` too) without the
/// function taking the location on its fast path.
#[cfg(not(feature = "off"))]
#[cold]
#[inline(never)]
#[track_caller]
pub fn raise_passing<A, T>(
    callsite: &'static Callsite,
    args: A,
    this: T,
    build: impl FnOnce(Delivery, &'static Location<'static>, T, A) -> (A, Result<(), AuditError>),
) -> (A, Result<(), AuditError>) {
    match start(callsite) {
        Some(delivery) => build(delivery, Location::caller(), this, args),
        None => (args, Ok(())),
    }
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

/// With `off`: the body's future itself. `veto` is never called: it is
/// there so that the future's output is checked to be [`VetoReturn`], as
/// with auditing enabled.
#[cfg(feature = "off")]
#[inline(always)]
pub fn vetoable_off<F: Future>(body: F, veto: fn(AuditError) -> F::Output) -> F {
    let _ = veto;
    body
}
