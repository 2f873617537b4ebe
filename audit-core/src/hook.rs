//! Hooks, their names, and the interest a hook declares in callsites.

use std::borrow::Cow;
use std::fmt;

use crate::{AuditError, Callsite, Event, HookFn, Outcome};

/// An audit hook: called with every event it is interested in, before the
/// audited operation runs. Returning `Err` vetoes the operation.
///
/// Closures are installed with [`add_hook`](crate::add_hook); a type that
/// implements this trait (a hook with state, or one that declares its
/// [`Interest`]) with [`install_hook`](crate::install_hook). Every
/// `Fn(&Event<'_>) -> Result<(), AuditError> + Send + Sync + 'static` closure
/// implements it too.
///
/// Hooks run on the thread that raised the event, while that thread is
/// inside the audited call, so they should be quick. An audit point reached
/// from inside a hook on the same thread does not call the hooks again (see
/// [`add_hook`](crate::add_hook)).
///
/// ```
/// use audit_core::{AuditError, Event, Hook};
/// use std::sync::atomic::{AtomicU64, Ordering};
///
/// struct Counter(AtomicU64);
///
/// impl Hook for Counter {
///     fn on_event(&self, _event: &Event<'_>) -> Result<(), AuditError> {
///         self.0.fetch_add(1, Ordering::Relaxed);
///         Ok(())
///     }
/// }
/// # let _ = Counter(AtomicU64::new(0));
/// ```
pub trait Hook: Send + Sync + 'static {
    /// Inspects an event; `Err` refuses it and stops the dispatch.
    fn on_event(&self, event: &Event<'_>) -> Result<(), AuditError>;

    /// Which callsites this hook wants to see. Asked once, when the hook is
    /// installed; by default, all of them. If it (or the predicate it
    /// returns) panics, the hook is not installed: installing it returns
    /// [`HookPanicked`](crate::AuditErrorKind::HookPanicked), and nothing
    /// changed.
    fn interest(&self) -> Interest {
        Interest::all()
    }

    /// Whether [`on_outcome`](Self::on_outcome) should be called: asked once,
    /// when the hook is installed. `false` by default.
    fn observes_outcome(&self) -> bool {
        false
    }

    /// Called with the decision on each event the hook is interested in,
    /// after every hook's [`on_event`](Self::on_event) ran or one refused
    /// the event (and so whether or not this hook's `on_event` was called),
    /// before the operation runs; only for hooks whose
    /// [`observes_outcome`](Self::observes_outcome) is `true`.
    ///
    /// This is where an audit trail records what became of an operation:
    /// allowed, refused (and by whom, why), or allowed with a would-be
    /// refusal [noted](crate::note) by a hook in report mode. Hooks that
    /// observe outcomes are called in the order they were added.
    ///
    /// `Err` refuses an event that was allowed (a log that cannot record an
    /// operation may refuse it: fail closed); for an event already refused
    /// it changes nothing. A panic counts as `Err`.
    fn on_outcome(&self, event: &Event<'_>, outcome: &Outcome<'_>) -> Result<(), AuditError> {
        let _ = (event, outcome);
        Ok(())
    }

    /// The name that the `audit.add_hook` event reports for this hook (its
    /// `hook` argument): asked once, when the hook is installed. By default,
    /// the hook's type name, which for a closure is an anonymous
    /// `my_app::main::{{closure}}`; [`named`] gives a closure (or any hook) a
    /// name of its own.
    ///
    /// The name is what the hook says of itself, nothing more: a hook voting
    /// on `audit.add_hook` must not take it as proof of who is asking; the
    /// event's [`caller`](Event::caller), which the compiler records, says
    /// which code installs it. If it
    /// panics, the hook is not installed
    /// ([`HookPanicked`](crate::AuditErrorKind::HookPanicked)).
    fn name(&self) -> &str {
        std::any::type_name::<Self>()
    }
}

impl<F> Hook for F
where
    F: Fn(&Event<'_>) -> Result<(), AuditError> + Send + Sync + 'static,
{
    fn on_event(&self, event: &Event<'_>) -> Result<(), AuditError> {
        self(event)
    }
}

/// Gives the hook closure `hook` a name: the `hook` argument of the
/// `audit.add_hook` event raised when it is installed, where an unnamed
/// closure shows its anonymous type (`my_app::main::{{closure}}`).
///
/// The result is not a closure any more: install it with
/// [`install_hook`](crate::install_hook). For a hook type (a struct that
/// implements [`Hook`]), use [`Named::new`], or implement [`Hook::name`].
///
/// ```
/// use audit_core::{install_hook, named, Hook};
///
/// let hook = named("stderr-log", |event: &audit_core::Event<'_>| {
///     eprintln!("audit: {event}");
///     Ok(())
/// });
/// assert_eq!(hook.name(), "stderr-log");
/// if audit_core::ENABLED {
///     install_hook(hook)?; // raises audit.add_hook(hook="stderr-log")
/// }
/// # Ok::<(), audit_core::AuditError>(())
/// ```
pub fn named<F: HookFn>(name: impl Into<Cow<'static, str>>, hook: F) -> Named<F> {
    Named::new(name, hook)
}

/// A hook with a name of its own; see [`named`].
///
/// Everything but [`Hook::name`] is the wrapped hook's: its events, interest
/// and outcomes.
pub struct Named<H> {
    name: Cow<'static, str>,
    hook: H,
}

impl<H: Hook> Named<H> {
    /// Names `hook` (any type that implements [`Hook`]; for a closure,
    /// [`named`] also infers the closure's argument type).
    pub fn new(name: impl Into<Cow<'static, str>>, hook: H) -> Self {
        Named {
            name: name.into(),
            hook,
        }
    }

    /// The wrapped hook.
    pub fn get_ref(&self) -> &H {
        &self.hook
    }
}

impl<H: Hook> Hook for Named<H> {
    fn on_event(&self, event: &Event<'_>) -> Result<(), AuditError> {
        self.hook.on_event(event)
    }

    fn interest(&self) -> Interest {
        self.hook.interest()
    }

    fn observes_outcome(&self) -> bool {
        self.hook.observes_outcome()
    }

    fn on_outcome(&self, event: &Event<'_>, outcome: &Outcome<'_>) -> Result<(), AuditError> {
        self.hook.on_outcome(event, outcome)
    }

    fn name(&self) -> &str {
        &self.name
    }
}

impl<H> fmt::Debug for Named<H> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Named")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

/// Which callsites a hook wants to see, declared when it is added with
/// [`add_hook_with_interest`](crate::add_hook_with_interest).
///
/// The answer is cached per callsite: an audit point that no hook is
/// interested in costs about as little as one with no hook installed, since it
/// never builds its arguments or calls into the dispatcher.
///
/// ```
/// use audit_core::Interest;
///
/// let net = Interest::prefixes(["net."]);
/// let writes = Interest::predicate(|site| site.name().starts_with("fs.") && site.arg_names().contains(&"path"));
/// # let _ = (net, writes, Interest::all());
/// ```
pub struct Interest(InterestKind);

enum InterestKind {
    All,
    Prefixes(Box<[Box<str>]>),
    Predicate(Box<dyn Fn(&Callsite) -> bool + Send + Sync>),
}

impl Interest {
    /// Every event: what [`add_hook`](crate::add_hook) uses.
    pub fn all() -> Self {
        Interest(InterestKind::All)
    }

    /// Events whose name starts with one of `prefixes` (`"net."`, or an exact name such as `"fs.open"`).
    pub fn prefixes<I, S>(prefixes: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Interest(InterestKind::Prefixes(
            prefixes
                .into_iter()
                .map(|p| p.into().into_boxed_str())
                .collect(),
        ))
    }

    /// Callsites for which `predicate` returns `true`. The predicate may be
    /// called more than once for the same callsite; it must always give the
    /// same answer for it. It is asked about every callsite before the hook
    /// is added; if it panics, the hook is not added (see
    /// [`add_hook`](crate::add_hook)).
    pub fn predicate(predicate: impl Fn(&Callsite) -> bool + Send + Sync + 'static) -> Self {
        Interest(InterestKind::Predicate(Box::new(predicate)))
    }

    /// Whether this interest covers `callsite`.
    pub fn covers(&self, callsite: &Callsite) -> bool {
        match &self.0 {
            InterestKind::All => true,
            InterestKind::Prefixes(prefixes) => {
                prefixes.iter().any(|p| callsite.name().starts_with(&**p))
            }
            InterestKind::Predicate(predicate) => predicate(callsite),
        }
    }
}

impl Default for Interest {
    fn default() -> Self {
        Interest::all()
    }
}

impl fmt::Debug for Interest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            InterestKind::All => f.write_str("Interest::all()"),
            InterestKind::Prefixes(p) => f.debug_tuple("Interest::prefixes").field(p).finish(),
            InterestKind::Predicate(_) => f.write_str("Interest::predicate(..)"),
        }
    }
}
