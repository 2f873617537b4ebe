//! Support for the expansions of `audit!` and `#[audited]`. Not public API:
//! anything here may change in any release.

pub use core::option::Option::{None, Some};
pub use core::primitive::str;
pub use core::result::Result::{Err, Ok};
pub use core::{file, line, module_path, stringify};

pub use crate::dispatch::{begin, is_active, Delivery};

use crate::{Recordable, Value};

/// Turns an audit point's argument into a [`Value`].
#[inline(always)]
pub fn value<T: Recordable + ?Sized>(value: &T) -> Value<'_> {
    value.record()
}

pub use linkme;

/// Every callsite linked into the program; see [`catalogue`](crate::catalogue).
#[linkme::distributed_slice]
pub static CALLSITES: [crate::Callsite];

#[cfg(feature = "off")]
pub use crate::audited_support::vetoable_off;
pub use crate::audited_support::{veto, VetoReturn};
#[cfg(not(feature = "off"))]
pub use crate::audited_support::{veto_panic, vetoable};
