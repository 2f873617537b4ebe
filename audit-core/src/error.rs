//! The error a vetoed audit event produces.

use std::borrow::Cow;
use std::error::Error;
use std::fmt;
use std::io;

/// Why an audit event was refused.
///
/// Hooks build one with [`AuditError::denied`]; the dispatcher fills in the
/// name of the event it was returned for. It converts into an [`io::Error`]
/// of kind [`PermissionDenied`](io::ErrorKind::PermissionDenied) that keeps
/// the `AuditError` reachable, so a vetoed `audit_std` operation can be told
/// apart from the operating system's own refusal:
///
/// ```
/// use audit_core::AuditError;
/// use std::io;
///
/// let err: io::Error = AuditError::denied("no writes under /etc").into();
/// assert_eq!(err.kind(), io::ErrorKind::PermissionDenied);
/// let audit = err.get_ref().and_then(|e| e.downcast_ref::<AuditError>()).unwrap();
/// assert_eq!(audit.reason(), "no writes under /etc");
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct AuditError {
    // Boxed so that `Result<(), AuditError>` is one pointer, returned in a
    // register: audit points on the fast path then need no stack space for it.
    inner: Box<Inner>,
}

#[derive(Clone, PartialEq, Eq)]
struct Inner {
    kind: AuditErrorKind,
    event: Option<&'static str>,
    reason: Cow<'static, str>,
}

/// What kind of refusal an [`AuditError`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AuditErrorKind {
    /// A hook returned [`AuditError::denied`].
    Denied,
    /// A hook panicked; the audited operation was refused (the dispatcher
    /// fails closed). Also returned by [`add_hook`](crate::add_hook) and its
    /// siblings when the interest of the hook being added panicked: that hook
    /// was not added, and the registry is unchanged.
    HookPanicked,
    /// [`add_hook`](crate::add_hook) was called after [`seal`](crate::seal).
    Sealed,
    /// [`add_hook`](crate::add_hook) was called in a build with the `off` feature.
    CompiledOut,
    /// [`add_hook`](crate::add_hook) was called from inside a hook.
    InsideHook,
}

impl AuditError {
    /// A refusal with a human-readable reason: what a hook returns to veto an event.
    pub fn denied(reason: impl Into<Cow<'static, str>>) -> Self {
        Self::new(AuditErrorKind::Denied, reason)
    }

    pub(crate) fn new(kind: AuditErrorKind, reason: impl Into<Cow<'static, str>>) -> Self {
        AuditError {
            inner: Box::new(Inner {
                kind,
                event: None,
                reason: reason.into(),
            }),
        }
    }

    /// What kind of refusal this is.
    pub fn kind(&self) -> AuditErrorKind {
        self.inner.kind
    }

    /// The name of the refused event, once the error has left the dispatcher.
    pub fn event(&self) -> Option<&'static str> {
        self.inner.event
    }

    /// The reason given by the hook.
    pub fn reason(&self) -> &str {
        &self.inner.reason
    }

    /// Names the event the error refers to, unless a hook already named one.
    #[cfg_attr(feature = "off", allow(dead_code))]
    pub(crate) fn for_event(mut self, event: &'static str) -> Self {
        self.inner.event.get_or_insert(event);
        self
    }
}

impl fmt::Display for AuditError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Inner {
            kind,
            event,
            reason,
        } = &*self.inner;
        if *kind == AuditErrorKind::CompiledOut {
            // Not a refusal of any event: the hook was never installed.
            return write!(f, "audit hook not installed: {reason}");
        }
        let what = match kind {
            AuditErrorKind::Denied => "denied",
            AuditErrorKind::HookPanicked => "refused because a hook panicked",
            _ => "refused",
        };
        match event {
            Some(event) => write!(f, "audit event `{event}` {what}: {reason}"),
            None => write!(f, "audit event {what}: {reason}"),
        }
    }
}

impl fmt::Debug for AuditError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuditError")
            .field("kind", &self.inner.kind)
            .field("event", &self.inner.event)
            .field("reason", &self.inner.reason)
            .finish()
    }
}

impl Error for AuditError {}

impl From<AuditError> for io::Error {
    fn from(err: AuditError) -> Self {
        io::Error::new(io::ErrorKind::PermissionDenied, err)
    }
}

/// The [`AuditError`] inside an [`io::Error`], if the error is an audit refusal.
///
/// ```
/// use audit_core::{audit_error, AuditError};
/// use std::io;
///
/// let vetoed: io::Error = AuditError::denied("nope").into();
/// assert_eq!(audit_error(&vetoed).map(|e| e.reason()), Some("nope"));
/// let os = io::Error::from(io::ErrorKind::PermissionDenied);
/// assert!(audit_error(&os).is_none());
/// ```
pub fn audit_error(err: &io::Error) -> Option<&AuditError> {
    err.get_ref()?.downcast_ref()
}
