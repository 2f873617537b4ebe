//! The append-only global hook registry.
//!
//! Writers (adding a hook, sealing, starting or ending a test capture) take
//! one mutex, and never run user code while they hold it. After each change
//! they walk the catalogue and give every callsite its own answer: the set of
//! hooks interested in it, and the flag "dispatch needed". Readers take no
//! lock and do no read-modify-write: an audit point loads its own callsite's
//! flag, and only when it is set does the dispatcher load the callsite's hook
//! set. See `docs::internals` for the full argument.

use std::collections::BTreeMap;
use std::ops::Range;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, LazyLock, Mutex, MutexGuard, PoisonError};

use arc_swap::ArcSwap;

use crate::error::AuditErrorKind;
use crate::{AuditError, Callsite, Event, Hook, Interest, Outcome};

/// Number of test captures running, across all threads.
pub(crate) static CAPTURES: AtomicUsize = AtomicUsize::new(0);

/// The registry's copy-on-write source of truth: every installed hook, in
/// order. Only writers and [`hook_count`] read it; the dispatcher reads the
/// per-callsite [`HookSet`]s derived from it.
static HOOKS: LazyLock<ArcSwap<HookList>> =
    LazyLock::new(|| ArcSwap::from_pointee(HookList::default()));

/// Whether [`seal`] has been called. Read without a lock ([`is_sealed`], and
/// `add_hook`'s early check); set under [`WRITER`], which the install also
/// holds while it checks the flag a last time, so that no hook is installed
/// once `seal` has returned.
static SEALED: AtomicBool = AtomicBool::new(false);

/// Serialises the writes to callsites (installs, seals, captures). Held
/// only by registry code that calls no user code, for microseconds, so it
/// may be taken from anywhere, a hook included.
static WRITER: Mutex<WriterState> = Mutex::new(WriterState {
    sets: BTreeMap::new(),
});

struct WriterState {
    /// Every hook set handed to a callsite, keyed by the positions of its
    /// hooks, so callsites with the same interested hooks share one set.
    sets: BTreeMap<Box<[usize]>, &'static HookSet>,
}

/// An immutable snapshot of the installed hooks, in the order they were added.
///
/// Interests are not kept: each is asked once per callsite when its hook is
/// added, and the answers live on in the callsites' [`HookSet`]s.
#[derive(Default)]
struct HookList {
    hooks: Vec<HookRef>,
}

/// An installed hook as the dispatcher calls it: the hook's address, and a
/// function made for its type.
///
/// Calling through it is one indirect call, where a `&dyn Hook` would first
/// load the function's address from the vtable: one dependent load less per
/// hook and per event, and the hook's body is inlined into that function.
#[derive(Clone, Copy)]
pub(crate) struct HookRef {
    hook: *const (),
    call: for<'a, 'b> unsafe fn(*const (), &'a Event<'b>) -> Result<(), AuditError>,
    /// `on_outcome` made for the hook's type, when the hook observes
    /// outcomes.
    observe: Option<ObserveFn>,
}

type ObserveFn = for<'a, 'b, 'c, 'd> unsafe fn(
    *const (),
    &'a Event<'b>,
    &'c Outcome<'d>,
) -> Result<(), AuditError>;

// SAFETY: `hook` points to a leaked value of a type that implements `Hook`,
// which requires `Send + Sync`, and is only ever used through `&`.
unsafe impl Send for HookRef {}
unsafe impl Sync for HookRef {}

impl HookRef {
    /// Leaks `hook` (hooks are never removed) and returns its reference;
    /// `observes` is its answer to `observes_outcome`, asked beforehand (no
    /// user code runs here: this is called under the writer lock).
    fn leak<H: Hook>(hook: H, observes: bool) -> HookRef {
        let observe = observes.then_some(observe_as::<H> as ObserveFn);
        let hook: &'static H = Box::leak(Box::new(hook));
        HookRef {
            hook: ptr::from_ref(hook).cast(),
            call: call_as::<H>,
            observe,
        }
    }

    /// Calls the hook with `event`.
    #[inline]
    pub(crate) fn on_event(self, event: &Event<'_>) -> Result<(), AuditError> {
        // SAFETY: `call` was instantiated for the type that `hook` points to
        // (see `leak`), and leaked hooks stay valid for the whole process.
        unsafe { (self.call)(self.hook, event) }
    }

    /// Calls the hook's `on_outcome`, if it observes outcomes.
    #[inline]
    pub(crate) fn on_outcome(
        self,
        event: &Event<'_>,
        outcome: &Outcome<'_>,
    ) -> Result<(), AuditError> {
        match self.observe {
            // SAFETY: as for `on_event`.
            Some(observe) => unsafe { observe(self.hook, event, outcome) },
            None => Ok(()),
        }
    }
}

/// Calls `H::on_event` on the `H` that `hook` points to.
///
/// # Safety
/// `hook` must point to a live `H`.
unsafe fn call_as<H: Hook>(hook: *const (), event: &Event<'_>) -> Result<(), AuditError> {
    // SAFETY: guaranteed by the caller.
    unsafe { (*hook.cast::<H>()).on_event(event) }
}

/// Calls `H::on_outcome` on the `H` that `hook` points to.
///
/// # Safety
/// `hook` must point to a live `H`.
unsafe fn observe_as<H: Hook>(
    hook: *const (),
    event: &Event<'_>,
    outcome: &Outcome<'_>,
) -> Result<(), AuditError> {
    // SAFETY: guaranteed by the caller.
    unsafe { (*hook.cast::<H>()).on_outcome(event, outcome) }
}

/// The hooks one callsite dispatches to, in the order they were added.
///
/// Sets are leaked when created and never change, so the dispatcher reads
/// them through a plain `&'static` without counting references. Callsites
/// with the same interested hooks share a set, so there are only as many
/// sets as distinct combinations of interests, whatever the callsite count.
pub(crate) struct HookSet {
    hooks: &'static [HookRef],
    /// Positions of `hooks` in the registry's list: the key in `sets`.
    ids: &'static [usize],
    /// The hooks of `hooks` that observe outcomes, in the same order.
    observers: &'static [HookRef],
}

impl HookSet {
    /// No hook: what a callsite dispatches to when only a test capture wants it.
    pub(crate) const EMPTY: &'static HookSet = &HookSet {
        hooks: &[],
        ids: &[],
        observers: &[],
    };

    /// The hooks that observe outcomes, in the order they were added.
    #[inline]
    pub(crate) fn observers(&self) -> &'static [HookRef] {
        self.observers
    }

    /// The hooks, in the order they were added.
    #[inline]
    pub(crate) fn hooks(&self) -> &'static [HookRef] {
        self.hooks
    }

    /// The hooks that were added at the registry positions `positions`.
    #[cfg_attr(feature = "off", allow(dead_code))]
    pub(crate) fn hooks_at(&self, positions: Range<usize>) -> &'static [HookRef] {
        // `ids` is ascending: each hook is appended with a larger position.
        let start = self.ids.partition_point(|&id| id < positions.start);
        let end = self.ids.partition_point(|&id| id < positions.end);
        &self.hooks[start..end.max(start)]
    }
}

/// `items` with `item` at the end.
fn appended<T: Copy>(items: &[T], item: T) -> Box<[T]> {
    items.iter().copied().chain([item]).collect()
}

fn lock<T>(mutex: &'static Mutex<T>) -> MutexGuard<'static, T> {
    // No code panics while holding either lock (hooks run under
    // `catch_unwind`, and no other user code runs under them), and the state
    // is always consistent, so a poisoned lock is still usable.
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl WriterState {
    /// Adds hook number `id` to the set of every callsite in `covered`.
    ///
    /// Taking `&mut self` proves the writer lock is held, so callsites are
    /// never written by two threads at once. `covered` holds the new hook's
    /// answers, asked before anything changed; the older hooks' answers are
    /// already in the sets.
    fn extend_sets(&mut self, id: usize, hook: HookRef, covered: &[&'static Callsite]) {
        for &callsite in covered {
            let old = callsite.hooks().unwrap_or(HookSet::EMPTY);
            let ids = appended(old.ids, id);
            let set = *self.sets.entry(ids).or_insert_with_key(|ids| {
                Box::leak(Box::new(HookSet {
                    hooks: Box::leak(appended(old.hooks, hook)),
                    ids: Box::leak(ids.clone()),
                    observers: match hook.observe {
                        Some(_) => Box::leak(appended(old.observers, hook)),
                        None => old.observers,
                    },
                }))
            });
            callsite.set_hooks(Some(set));
        }
    }

    /// Appends `hook` to the registry and to the sets of the `covered`
    /// callsites, then raises their flags. Calls no user code.
    fn install(&mut self, hook: HookRef, covered: &[&'static Callsite]) {
        let mut hooks = HOOKS.load().hooks.clone();
        self.extend_sets(hooks.len(), hook, covered);
        hooks.push(hook);
        HOOKS.store(Arc::new(HookList { hooks }));
        self.refresh_flags();
    }

    /// Recomputes every callsite's flag after a change to the hooks or captures.
    ///
    /// Runs once per `add_hook` and per capture, over every callsite in the
    /// program: a few microseconds.
    fn refresh_flags(&mut self) {
        let capturing = CAPTURES.load(Ordering::Relaxed) > 0;
        for callsite in crate::catalogue() {
            // After `set_hooks`: a reader that sees the flag sees the set.
            callsite.set_enabled(capturing || callsite.hooks().is_some());
        }
    }
}

/// The event raised (to the hooks already installed) before a hook is added.
pub const ADD_HOOK_EVENT: &str = "audit.add_hook";

/// The audit point of [`ADD_HOOK_EVENT`]. Declared by hand rather than by
/// `audit!`, since `add_hook` raises it to some of the hooks only (see
/// [`vote`]).
#[cfg(not(feature = "off"))]
#[linkme::distributed_slice(crate::__private::CALLSITES)]
static ADD_HOOK_CALLSITE: Callsite =
    Callsite::new(ADD_HOOK_EVENT, &["hook"], module_path!(), file!(), line!());

/// Installs a hook that sees every event.
///
/// Hooks are permanent: there is no way to remove one, so code that later
/// gains control cannot switch auditing off. They run in the order they were
/// added, on the thread that raised the event.
///
/// Hook types implementing [`Hook`] are installed with [`install_hook`].
///
/// Before the hook is added, the event `audit.add_hook` (argument `hook`: the
/// hook's [name](Hook::name), by default its type name; see
/// [`named`](crate::named)) is raised to the hooks already installed. If one of them
/// vetoes it, the new hook is not added and its error is returned. The
/// event's [`caller`](Event::caller) is the code that called `add_hook` (or,
/// through `#[track_caller]` functions, their caller), as the compiler
/// recorded it: unlike the name, the new hook cannot choose it, so a hook
/// that votes on installs can judge by [`caller_crate`](Event::caller_crate).
/// A function that installs a hook for its caller and is itself
/// `#[track_caller]` passes the attribution on to the line that called it.
///
/// # Semantics
/// - A hook sees every event raised after `add_hook` returned, on any thread.
///   An event whose dispatch already started may or may not reach it.
/// - The first hook that returns `Err` stops the dispatch; later hooks are not
///   called and the audited operation fails with that error.
/// - Re-entrancy: while a thread runs a hook, audit points reached on that
///   thread do not call any hook (they succeed silently). A logging hook may
///   therefore write its log through `audit_std` without recursing.
///   An audited operation in an audit point's argument expressions is not
///   inside a hook: it raises its own event, before the audit point's.
/// - A hook that panics does not poison the registry. The panic is caught,
///   later hooks are not called, and the audited operation fails with an
///   [`AuditError`] of kind [`HookPanicked`](AuditErrorKind::HookPanicked)
///   (the panic message is its reason). It fails closed. With
///   `panic = "abort"` the process aborts instead.
/// - The new hook's interest (its predicate, or [`Hook::interest`]) is
///   asked about every callsite before anything changes. If it panics,
///   nothing changes: the hook is not added and the registry is exactly as
///   before.
/// - Calling the registry from a hook never blocks: `add_hook` and its
///   siblings return [`InsideHook`](AuditErrorKind::InsideHook); [`seal`],
///   [`is_sealed`], [`hook_count`], [`catalogue`](crate::catalogue) and
///   [`testing::capture`](crate::testing::capture) answer. A hook that seals
///   the registry while voting on `audit.add_hook` refuses that hook too
///   ([`Sealed`](AuditErrorKind::Sealed)). No lock is held while hooks vote,
///   so a voting hook may even wait for another thread that adds a hook.
/// - Every hook installed before the new one sees its `audit.add_hook` once,
///   those added by other threads while the vote ran included: they are
///   asked before the new hook is installed.
///
/// # Errors
/// - [`Sealed`](AuditErrorKind::Sealed) after [`seal`].
/// - [`CompiledOut`](AuditErrorKind::CompiledOut) when built with the `off` feature.
/// - [`InsideHook`](AuditErrorKind::InsideHook) when called from inside a hook.
/// - [`HookPanicked`](AuditErrorKind::HookPanicked) when the new hook's
///   interest panics (the panic message is in its reason), or when an
///   installed hook panics while voting on `audit.add_hook`.
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
#[track_caller]
pub fn add_hook<F: crate::HookFn>(hook: F) -> Result<(), AuditError> {
    insert(hook, |_| Interest::all())
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
#[track_caller]
pub fn add_hook_with_interest<F: crate::HookFn>(
    interest: Interest,
    hook: F,
) -> Result<(), AuditError> {
    insert(hook, |_| interest)
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
#[track_caller]
pub fn install_hook<H: Hook>(hook: H) -> Result<(), AuditError> {
    insert(hook, H::interest)
}

/// Adds `hook`, whose interest `interest` returns, if the registry and the
/// installed hooks allow it.
///
/// The order matters. First the user code, with no lock held: the interest
/// and its answer for every callsite, under `catch_unwind`, then the vote.
/// Last, the install, under [`WRITER`], which runs no user code: a panic
/// anywhere before it leaves the registry untouched.
#[track_caller]
fn insert<H: Hook>(hook: H, interest: impl FnOnce(&H) -> Interest) -> Result<(), AuditError> {
    let caller = std::panic::Location::caller();
    if !crate::ENABLED {
        return Err(AuditError::new(
            AuditErrorKind::CompiledOut,
            "auditing is compiled out (audit-core's `off` feature is enabled)",
        ));
    }
    if crate::dispatch::inside_hook() {
        return Err(AuditError::new(
            AuditErrorKind::InsideHook,
            "a hook cannot be added from inside a hook",
        ));
    }
    if is_sealed() {
        return Err(sealed_error());
    }
    let covered = covered_callsites(&hook, interest)?;
    let observes =
        catch_unwind(AssertUnwindSafe(|| hook.observes_outcome())).map_err(|payload| {
            AuditError::new(
                AuditErrorKind::HookPanicked,
                crate::dispatch::panicked_with(
                    &*payload,
                    "`observes_outcome` of the hook being added",
                ),
            )
            .for_event(ADD_HOOK_EVENT)
        })?;
    let name = catch_unwind(AssertUnwindSafe(|| hook.name())).map_err(|payload| {
        AuditError::new(
            AuditErrorKind::HookPanicked,
            crate::dispatch::panicked_with(&*payload, "`name` of the hook being added"),
        )
        .for_event(ADD_HOOK_EVENT)
    })?;
    // The vote holds no lock, so hooks may be added meanwhile by other
    // threads: each round asks the hooks added since the previous one, until
    // a round ends with no hook added. Then the install, under the lock that
    // every install takes, so that no hook comes in between unasked.
    let mut asked = 0;
    let mut first = true;
    loop {
        // Read before the vote loads the callsite's hook set: an install
        // stores the sets before the list that counts their hooks, so the set
        // holds every hook below `upto`.
        let upto = hook_count();
        vote(name, caller, asked..upto, first)?;
        let mut writer = lock(&WRITER);
        // Again, under the lock `seal` takes: a voter, or another thread, may
        // have sealed the registry during the vote.
        if is_sealed() {
            return Err(sealed_error());
        }
        if hook_count() == upto {
            // Hooks are never removed, so each lives for the rest of the process.
            writer.install(HookRef::leak(hook, observes), &covered);
            return Ok(());
        }
        asked = upto;
        first = false;
    }
}

/// Raises `audit.add_hook` for the hook named `hook_name`, installed by the
/// code at `caller`, to the installed hooks at the registry positions
/// `positions` (to this thread's captures too, on the `first` round).
#[cfg(not(feature = "off"))]
fn vote(
    hook_name: &str,
    caller: &'static std::panic::Location<'static>,
    positions: Range<usize>,
    first: bool,
) -> Result<(), AuditError> {
    crate::dispatch::deliver_to_positions(
        &ADD_HOOK_CALLSITE,
        &[crate::__private::value(hook_name)],
        caller,
        positions,
        first,
    )
}

#[cfg(feature = "off")]
fn vote(
    _: &str,
    _: &'static std::panic::Location<'static>,
    _: Range<usize>,
    _: bool,
) -> Result<(), AuditError> {
    Ok(())
}

/// The callsites that `hook`'s interest covers, asked once each; a panic in
/// the interest (or in dropping it) becomes an error.
fn covered_callsites<H: Hook>(
    hook: &H,
    interest: impl FnOnce(&H) -> Interest,
) -> Result<Vec<&'static Callsite>, AuditError> {
    catch_unwind(AssertUnwindSafe(|| {
        let interest = interest(hook);
        crate::catalogue()
            .filter(|callsite| interest.covers(callsite))
            .collect()
    }))
    .map_err(|payload| {
        AuditError::new(
            AuditErrorKind::HookPanicked,
            crate::dispatch::panicked_with(&*payload, "the interest of the hook being added"),
        )
        .for_event(ADD_HOOK_EVENT)
    })
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
/// cannot add hooks of its own. Sealing twice is harmless. It may be called
/// from a hook; it never waits for hooks to run.
///
/// ```no_run
/// audit_core::add_hook(|_event| Ok(()))?;
/// audit_core::seal();
/// assert!(audit_core::add_hook(|_event| Ok(())).is_err());
/// # Ok::<(), audit_core::AuditError>(())
/// ```
pub fn seal() {
    let _writer = lock(&WRITER);
    // Release: pairs with `is_sealed`'s Acquire. Under the lock, so that an
    // install that has not checked the flag yet will see it.
    SEALED.store(true, Ordering::Release);
}

/// Whether [`seal`] has been called. Takes no lock: a hook may ask.
pub fn is_sealed() -> bool {
    SEALED.load(Ordering::Acquire)
}

/// How many hooks are installed.
pub fn hook_count() -> usize {
    HOOKS.load().hooks.len()
}

/// Registers a test capture starting (`+1`) or ending (`-1`) on some thread.
#[cfg_attr(feature = "off", allow(dead_code))]
pub(crate) fn adjust_captures(starting: bool) {
    let mut writer = lock(&WRITER);
    if starting {
        CAPTURES.fetch_add(1, Ordering::Relaxed);
    } else {
        CAPTURES.fetch_sub(1, Ordering::Relaxed);
    }
    writer.refresh_flags();
}
