//! The closures that [`add_hook`](crate::add_hook) takes.

use crate::{AuditError, Event};

/// A closure (or function) that [`add_hook`](crate::add_hook),
/// [`add_hook_with_interest`](crate::add_hook_with_interest) and
/// [`testing::capture_with`](crate::testing::capture_with) take: every
/// `Fn(&Event<'_>) -> Result<(), AuditError> + Send + Sync + 'static`
/// implements it, and nothing else can.
///
/// It names what those functions expect, so that passing anything else, most
/// often a type that implements [`Hook`](crate::Hook), fails with a message
/// pointing to [`install_hook`](crate::install_hook), which takes those.
///
/// ```
/// use audit_core::{AuditError, Event, Hook};
///
/// struct DenyAll;
///
/// impl Hook for DenyAll {
///     fn on_event(&self, _event: &Event<'_>) -> Result<(), AuditError> {
///         Err(AuditError::denied("nothing is allowed"))
///     }
/// }
///
/// # fn main() -> Result<(), AuditError> {
/// # if !audit_core::ENABLED { return Ok(()) }
/// audit_core::install_hook(DenyAll)?; // a closure would go to `add_hook`
/// # Ok(())
/// # }
/// ```
///
/// ```compile_fail,E0277
/// # use audit_core::{AuditError, Event, Hook};
/// # struct DenyAll;
/// # impl Hook for DenyAll {
/// #     fn on_event(&self, _event: &Event<'_>) -> Result<(), AuditError> { Ok(()) }
/// # }
/// // error: `DenyAll` is not a hook closure ... install it with `audit_core::install_hook(..)`
/// audit_core::add_hook(DenyAll)?;
/// # Ok::<(), AuditError>(())
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a hook closure: expected `Fn(&Event<'_>) -> Result<(), AuditError> + Send + Sync + 'static`",
    label = "expected a hook closure",
    note = "a type that implements `audit_core::Hook` (a policy, a sink, a hook struct of your own) is not a closure: install it with `audit_core::install_hook(..)`",
    note = "in a test, `audit_core::testing::capture_with_hook(..)` takes such a type, and `testing::capture_with(..)` a closure"
)]
pub trait HookFn: Fn(&Event<'_>) -> Result<(), AuditError> + Send + Sync + 'static {}

impl<F> HookFn for F where F: Fn(&Event<'_>) -> Result<(), AuditError> + Send + Sync + 'static {}
