//! Support for the expansions of `audit!` and `#[audited]`. Not public API:
//! anything here may change in any release.

pub use core::option::Option::{None, Some};
pub use core::panic::Location;
pub use core::primitive::str;
pub use core::result::Result::{self, Err, Ok};
pub use core::{file, line, module_path, stringify};

pub use crate::dispatch::{begin, is_active, Delivery};

use crate::{Recordable, Value};

/// Turns an audit point's argument into a [`Value`].
#[inline(always)]
pub fn value<T: Recordable + ?Sized>(value: &T) -> Value<'_> {
    value.record()
}

pub mod record;

pub mod already;

/// Runs `f` at once. An audit point evaluates its arguments in a closure, so
/// that `.await` cannot appear in them: the event must be delivered on the
/// thread, and in the state, that `begin` looked at; inlined, the closure
/// costs nothing.
#[inline(always)]
pub fn in_closure<R>(f: impl FnOnce() -> R) -> R {
    f()
}

pub use linkme;

/// Every callsite linked into the program; see [`catalogue`](crate::catalogue).
#[linkme::distributed_slice]
pub static CALLSITES: [crate::Callsite];

#[cfg(feature = "off")]
pub use crate::audited_support::vetoable_off;
#[cfg(not(feature = "off"))]
pub use crate::audited_support::{raise_passing, veto_panic, vetoable};
pub use crate::audited_support::{veto, VetoReturn};
