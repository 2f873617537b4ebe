//! The append-only global hook registry.
//!
//! Writers (adding a hook, sealing, starting or ending a test capture) take
//! one mutex, and after each change set the flag of every callsite in the
//! catalogue. Readers take no lock and do no read-modify-write: an audit point
//! loads its own callsite's flag, and only when it is set does the dispatcher
//! load the published hook list. See `docs::internals` for the full argument.

use std::any::type_name;
use std::ptr;
use std::sync::atomic::{AtomicPtr, AtomicUsize, Ordering};
use std::sync::{Arc, LazyLock, Mutex, MutexGuard, PoisonError};

use arc_swap::ArcSwap;

use crate::error::AuditErrorKind;
use crate::{AuditError, Event, Hook, Interest};

/// The published hook list, for the dispatcher. Null until the first hook.
///
/// Every list ever published stays allocated until the process exits (see
/// [`publish`]), so a reader may use the pointer without counting references.
static PUBLISHED: AtomicPtr<HookList> = AtomicPtr::new(ptr::null_mut());

/// Number of test captures running, across all threads.
pub(crate) static CAPTURES: AtomicUsize = AtomicUsize::new(0);

/// The registry's copy-on-write source of truth; only writers and
/// [`hook_count`] read it.
static HOOKS: LazyLock<ArcSwap<HookList>> =
    LazyLock::new(|| ArcSwap::from_pointee(HookList::default()));

/// Serialises writers. Never held while a reader needs anything.
static WRITER: Mutex<WriterState> = Mutex::new(WriterState { sealed: false });

struct WriterState {
    sealed: bool,
}

/// One installed hook with the interest it declared.
pub(crate) struct Entry {
    pub(crate) hook: Box<dyn Hook>,
    pub(crate) interest: Interest,
}

/// An immutable snapshot of the installed hooks, in the order they were added.
#[derive(Default)]
pub(crate) struct HookList {
    pub(crate) entries: Vec<&'static Entry>,
}

/// The hook list to dispatch to, if any hook is installed.
#[inline]
pub(crate) fn published() -> Option<&'static HookList> {
    // Acquire: pairs with the Release store in `publish`, so the list and its
    // entries are fully initialised when seen.
    let list = PUBLISHED.load(Ordering::Acquire);
    // SAFETY: the pointer is null or comes from `Arc::as_ptr` on a list whose
    // strong count is never released (`publish` forgets one reference), so it
    // stays valid and immutable for the rest of the process.
    unsafe { list.as_ref() }
}

fn lock_writer() -> MutexGuard<'static, WriterState> {
    // No code panics while holding the lock (hooks run under `catch_unwind`),
    // and the state is always consistent, so a poisoned lock is still usable.
    WRITER.lock().unwrap_or_else(PoisonError::into_inner)
}

impl WriterState {
    /// Recomputes every callsite's flag after a change to the hooks or captures.
    ///
    /// Taking `&mut self` proves the writer lock is held, so flags are never
    /// written by two threads at once. Runs once per `add_hook` and per
    /// capture, over every callsite in the program: a few microseconds.
    fn refresh_callsites(&mut self) {
        let list = HOOKS.load();
        let capturing = CAPTURES.load(Ordering::Relaxed) > 0;
        for callsite in crate::catalogue() {
            let wanted = capturing || list.entries.iter().any(|e| e.interest.covers(callsite));
            callsite.set_enabled(wanted);
        }
    }
}

/// Publishes `list` to readers and to the copy-on-write store.
fn publish(list: HookList) {
    let list = Arc::new(list);
    let raw = Arc::as_ptr(&list).cast_mut();
    // Readers hold a plain pointer without a reference count, so this list
    // must never be freed: keep one strong reference forever. Hooks are never
    // removed, so lists only grow; their total size is quadratic in the number
    // of hooks, which stays small in practice (100 hooks: about 40 KiB).
    std::mem::forget(Arc::clone(&list));
    HOOKS.store(list);
    // Release: pairs with the Acquire load in `published`.
    PUBLISHED.store(raw, Ordering::Release);
}

/// The event raised (to the hooks already installed) before a hook is added.
pub const ADD_HOOK_EVENT: &str = "audit.add_hook";

/// Installs a hook that sees every event.
///
/// Hooks are permanent: there is no way to remove one, so code that later
/// gains control cannot switch auditing off. They run in the order they were
/// added, on the thread that raised the event.
///
/// Hook types implementing [`Hook`] are installed with [`install_hook`].
///
/// Before the hook is added, the event `audit.add_hook` (argument `hook`: the
/// hook's type name) is raised to the hooks already installed. If one of them
/// vetoes it, the new hook is not added and its error is returned.
///
/// # Semantics
/// - A hook sees every event raised after `add_hook` returned, on any thread.
///   An event whose dispatch already started may or may not reach it.
/// - The first hook that returns `Err` stops the dispatch; later hooks are not
///   called and the audited operation fails with that error.
/// - Re-entrancy: while a thread runs a hook, audit points reached on that
///   thread do not call any hook (they succeed silently). A logging hook may
///   therefore write its log through `audit_std` without recursing.
/// - A hook that panics does not poison the registry. The panic is caught,
///   later hooks are not called, and the audited operation fails with an
///   [`AuditError`] of kind [`HookPanicked`](AuditErrorKind::HookPanicked)
///   (the panic message is its reason). It fails closed. With
///   `panic = "abort"` the process aborts instead.
///
/// # Errors
/// - [`Sealed`](AuditErrorKind::Sealed) after [`seal`].
/// - [`CompiledOut`](AuditErrorKind::CompiledOut) when built with the `off` feature.
/// - [`InsideHook`](AuditErrorKind::InsideHook) when called from inside a hook.
/// - Any error an installed hook returns for `audit.add_hook`.
///
/// ```
/// use audit_core::{add_hook, AuditError};
///
/// # fn try_main() -> Result<(), AuditError> {
/// add_hook(|event| {
///     if event.name() == "app.self_destruct" {
///         return Err(AuditError::denied("not today"));
///     }
///     Ok(())
/// })?;
/// # Ok::<(), AuditError>(())
/// # }
/// # fn main() { if audit_core::ENABLED { try_main().unwrap() } }
/// ```
pub fn add_hook<F>(hook: F) -> Result<(), AuditError>
where
    F: Fn(&Event<'_>) -> Result<(), AuditError> + Send + Sync + 'static,
{
    insert(Interest::all(), Box::new(hook), type_name::<F>())
}

/// Installs a hook that sees only the events covered by `interest`.
///
/// Otherwise the same as [`add_hook`]. An audit point that no installed hook
/// is interested in is skipped before its arguments are built.
///
/// ```
/// use audit_core::{add_hook_with_interest, Interest};
///
/// # fn try_main() -> Result<(), audit_core::AuditError> {
/// add_hook_with_interest(Interest::prefixes(["net."]), |event| {
///     eprintln!("network: {event}");
///     Ok(())
/// })?;
/// # Ok(())
/// # }
/// # fn main() { if audit_core::ENABLED { try_main().unwrap() } }
/// ```
pub fn add_hook_with_interest<F>(interest: Interest, hook: F) -> Result<(), AuditError>
where
    F: Fn(&Event<'_>) -> Result<(), AuditError> + Send + Sync + 'static,
{
    insert(interest, Box::new(hook), type_name::<F>())
}

/// Installs a hook type (a struct implementing [`Hook`]), with the interest
/// it declares through [`Hook::interest`].
///
/// Otherwise the same as [`add_hook`], which takes closures.
///
/// ```
/// use audit_core::{install_hook, AuditError, Event, Hook, Interest};
///
/// struct DenyExec;
///
/// impl Hook for DenyExec {
///     fn on_event(&self, _event: &Event<'_>) -> Result<(), AuditError> {
///         Err(AuditError::denied("exec is not allowed"))
///     }
///     fn interest(&self) -> Interest {
///         Interest::prefixes(["process.exec"])
///     }
/// }
///
/// # fn main() -> Result<(), AuditError> {
/// # if !audit_core::ENABLED { return Ok(()) }
/// install_hook(DenyExec)?;
/// # Ok(())
/// # }
/// ```
pub fn install_hook<H: Hook>(hook: H) -> Result<(), AuditError> {
    let interest = hook.interest();
    insert(interest, Box::new(hook), type_name::<H>())
}

fn insert(
    interest: Interest,
    hook: Box<dyn Hook>,
    hook_name: &'static str,
) -> Result<(), AuditError> {
    if !crate::ENABLED {
        return Err(AuditError::new(
            AuditErrorKind::CompiledOut,
            "auditing is compiled out (audit-core's `off` feature is enabled); the hook was not installed",
        ));
    }
    if crate::dispatch::inside_hook() {
        return Err(AuditError::new(
            AuditErrorKind::InsideHook,
            "a hook cannot be added from inside a hook",
        ));
    }
    // The writer lock is held while the existing hooks vote, so no hook can be
    // added in between that would not have seen this `audit.add_hook`.
    let mut writer = lock_writer();
    if writer.sealed {
        return Err(sealed_error());
    }
    crate::audit!(ADD_HOOK_EVENT, hook = hook_name).map_err(|e| e.for_event(ADD_HOOK_EVENT))?;

    let entry: &'static Entry = Box::leak(Box::new(Entry { hook, interest }));
    let mut entries = HOOKS.load().entries.clone();
    entries.push(entry);
    publish(HookList { entries });
    writer.refresh_callsites();
    Ok(())
}

fn sealed_error() -> AuditError {
    AuditError::new(
        AuditErrorKind::Sealed,
        "the audit hook registry is sealed; no hook can be added",
    )
    .for_event(ADD_HOOK_EVENT)
}

/// Seals the registry: from now on [`add_hook`] fails with
/// [`Sealed`](AuditErrorKind::Sealed). Hooks already installed keep working.
///
/// Call it once start-up has installed every hook, so that code running later
/// cannot add hooks of its own. Sealing twice is harmless.
///
/// ```no_run
/// audit_core::add_hook(|_event| Ok(()))?;
/// audit_core::seal();
/// assert!(audit_core::add_hook(|_event| Ok(())).is_err());
/// # Ok::<(), audit_core::AuditError>(())
/// ```
pub fn seal() {
    lock_writer().sealed = true;
}

/// Whether [`seal`] has been called.
pub fn is_sealed() -> bool {
    lock_writer().sealed
}

/// How many hooks are installed.
pub fn hook_count() -> usize {
    HOOKS.load().entries.len()
}

/// Registers a test capture starting (`+1`) or ending (`-1`) on some thread.
#[cfg_attr(feature = "off", allow(dead_code))]
pub(crate) fn adjust_captures(starting: bool) {
    let mut writer = lock_writer();
    if starting {
        CAPTURES.fetch_add(1, Ordering::Relaxed);
    } else {
        CAPTURES.fetch_sub(1, Ordering::Relaxed);
    }
    writer.refresh_callsites();
}
