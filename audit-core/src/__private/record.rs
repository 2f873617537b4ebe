//! How `#[audited]` records a parameter (or an `args(..)` value) whose type
//! it cannot see: the attribute works on tokens, so `x: T` or
//! `x: impl AsRef<Path>` tells it nothing about which traits the type has.
//!
//! The compiler chooses instead, by *autoref specialisation*. Each way of
//! recording is a trait implemented for `Probe<T>` behind a different number
//! of references, and the expansion calls the method on the most referenced
//! form:
//!
//! ```text
//! (&&&&&&Probe(&x)).__audit_kind().value()
//! ```
//!
//! with the traits in scope through `use ::audit_core::__private::record::prelude::*;`
//! (which imports no name), put at the top of the function's body. Method
//! lookup tries the receiver type as it is before it removes a `&`, so the
//! first trait whose bounds hold wins, in this order:
//!
//! | `T` implements | recorded as |
//! |---|---|
//! | [`Recordable`] | its own typed value |
//! | `AsRef<Path>` | [`Value::Path`] |
//! | `AsRef<str>` | [`Value::Str`] |
//! | `AsRef<OsStr>` | [`Value::OsStr`] |
//! | `AsRef<[u8]>` | [`Value::Bytes`] |
//! | `Debug` | [`Value::Debug`], formatted only if a hook reads it |
//! | none of these | a compile error on the parameter ([`RecordableOrDebug`]) |
//!
//! In a generic function the bounds decide: `T: Debug` is recorded through
//! `Debug` even when the caller passes a `u32`, because the function's body
//! (and so the expansion) is compiled once for every `T`.
//!
//! Nothing here depends on the `off` feature: with it, the expansion still
//! type-checks the same expression (behind `if false`), so the same
//! functions compile in both modes.

use std::ffi::OsStr;
use std::fmt::Debug;
use std::path::Path;

use crate::{Recordable, Value};

/// The traits of this module, imported without their names: what the
/// expansion glob-imports so that `__audit_kind` resolves.
pub mod prelude {
    pub use super::{
        ViaBytes as _, ViaDebug as _, ViaOsStr as _, ViaPath as _, ViaRecordable as _, ViaStr as _,
    };
}

/// A reference to a value to record; see the [module](self) documentation.
pub struct Probe<'a, T>(pub &'a T);

/// Records through [`Recordable`].
pub struct AsRecordable<'a, T>(&'a T);
/// Records through `AsRef<Path>`.
pub struct AsPath<'a, T>(&'a T);
/// Records through `AsRef<str>`.
pub struct AsStr<'a, T>(&'a T);
/// Records through `AsRef<OsStr>`.
pub struct AsOsStr<'a, T>(&'a T);
/// Records through `AsRef<[u8]>`.
pub struct AsBytes<'a, T>(&'a T);
/// Records through `Debug`, or fails to compile with the message of
/// [`RecordableOrDebug`].
pub struct AsDebug<'a, T>(&'a T);

/// Declares one way of recording: the trait, the number of references in
/// front of `Probe` (more is tried first), the bound, and the chosen kind.
macro_rules! tier {
    ($(#[$doc:meta])* $name:ident, [$($refs:tt)*], $kind:ident $(, $bound:path)?) => {
        $(#[$doc])*
        pub trait $name<'a, T> {
            /// How to record the value.
            fn __audit_kind(self) -> $kind<'a, T>;
        }
        impl<'a, T $(: $bound)?> $name<'a, T> for $($refs)* Probe<'a, T> {
            #[inline(always)]
            fn __audit_kind(self) -> $kind<'a, T> {
                $kind(self.0)
            }
        }
    };
}

// `self.0` reaches through the references: field access auto-derefs.
tier!(
    /// First choice: the type is [`Recordable`].
    ViaRecordable, [&&&&&&], AsRecordable, Recordable
);
tier!(
    /// Second choice: `AsRef<Path>`.
    ViaPath, [&&&&&], AsPath, AsRef<Path>
);
tier!(
    /// Third choice: `AsRef<str>`.
    ViaStr, [&&&&], AsStr, AsRef<str>
);
tier!(
    /// Fourth choice: `AsRef<OsStr>`.
    ViaOsStr, [&&&], AsOsStr, AsRef<OsStr>
);
tier!(
    /// Fifth choice: `AsRef<[u8]>`.
    ViaBytes, [&&], AsBytes, AsRef<[u8]>
);
tier!(
    /// Last choice, for every type: `Debug`, checked by
    /// [`AsDebug::value`] so that a type without it gets a clear error.
    ViaDebug, [&], AsDebug
);

impl<'a, T: Recordable> AsRecordable<'a, T> {
    /// The value's own typed form.
    #[inline(always)]
    pub fn value(self) -> Value<'a> {
        self.0.record()
    }
}

impl<'a, T: AsRef<Path>> AsPath<'a, T> {
    /// The value as a path.
    #[inline(always)]
    pub fn value(self) -> Value<'a> {
        Value::Path(self.0.as_ref())
    }
}

impl<'a, T: AsRef<str>> AsStr<'a, T> {
    /// The value as a string.
    #[inline(always)]
    pub fn value(self) -> Value<'a> {
        Value::Str(self.0.as_ref())
    }
}

impl<'a, T: AsRef<OsStr>> AsOsStr<'a, T> {
    /// The value as a platform string.
    #[inline(always)]
    pub fn value(self) -> Value<'a> {
        Value::OsStr(self.0.as_ref())
    }
}

impl<'a, T: AsRef<[u8]>> AsBytes<'a, T> {
    /// The value as bytes.
    #[inline(always)]
    pub fn value(self) -> Value<'a> {
        Value::Bytes(self.0.as_ref())
    }
}

impl<'a, T> AsDebug<'a, T> {
    /// The value, shown through `Debug` when a hook formats it (never before).
    #[inline(always)]
    pub fn value(self) -> Value<'a>
    where
        T: RecordableOrDebug,
    {
        Value::Debug(self.0)
    }
}

/// What `#[audited]` needs of a recorded value's type when none of the
/// typed forms applies: `Debug`. Exists for its error message.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be recorded as an audit event argument",
    label = "implements neither `audit_core::Recordable` nor `Debug`",
    note = "skip it (`#[audited(\"..\", skip(..))]`) or record a field of it with `args(..)`",
    note = "or implement `Debug` or `audit_core::Recordable` for it (a type parameter: add the bound)"
)]
pub trait RecordableOrDebug: Debug {}

impl<T: Debug + ?Sized> RecordableOrDebug for T {}
