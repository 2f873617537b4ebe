//! How the registry and the dispatcher work, and why they are correct.
//!
//! This describes the implementation, not a stable interface.
//!
//! # The fast path
//!
//! Every audit point declares a `static` [`Callsite`](crate::Callsite) and
//! reads one global `AtomicUsize`, `ACTIVE`. It is `0` while no hook is
//! installed and no test capture runs; the audit point then takes the
//! not-taken branch and continues. No thread-local access, no `Arc`, no
//! `arc_swap` load happens on this path: those cost 2–11 ns each on the
//! machines this was measured on, against well under a nanosecond for a plain
//! load and branch.
//!
//! When `ACTIVE` is non-zero it holds the registry *generation*, a counter
//! that changes on every registry write. Each callsite caches the generation
//! at which it found that no hook was interested in it; if that matches, the
//! audit point is skipped after a second load. Otherwise it calls the cold,
//! out-of-line `dispatch`, which receives the argument construction as a
//! closure and only runs it when some hook will see the event.
//!
//! # Publishing hooks
//!
//! Writers (`add_hook`, `seal`, captures starting and ending) serialise on one
//! mutex. `add_hook` copies the current list out of an `ArcSwap`, appends the
//! new entry, and publishes the new list twice: into the `ArcSwap` (the
//! writers' copy-on-write source of truth) and, as a plain pointer, into an
//! `AtomicPtr` that the dispatcher reads. Then it bumps the generation.
//!
//! The dispatcher does not load the `ArcSwap`: its `load()` performs two
//! locked read-modify-writes to record a debt, about 11 ns here, and
//! `load_full()` or a `RwLock` would make two threads contend on one cache
//! line. Reading a raw pointer needs no reference count because hooks are
//! never removed: every published list is kept alive for the rest of the
//! process (one strong reference is deliberately leaked). Lists only grow, so
//! the memory kept is quadratic in the number of hooks, about 40 KiB for 100.
//!
//! # Unsafety
//!
//! The one `unsafe` block dereferences the published pointer. Its invariant:
//! **a published hook list is never freed or mutated.** It holds because the
//! list sits in an `Arc` whose strong count is never released, and entries are
//! leaked `&'static` references.
//!
//! # Orderings
//!
//! - The list pointer is stored with `Release` before the generation is stored
//!   with `Release`; audit points load the generation with `Acquire`
//!   (the same `mov` as a relaxed load on x86-64). A thread that sees a new
//!   generation therefore sees the list published with it.
//! - The callsite cache is read and written with `Relaxed`: it only ever
//!   matches the generation it was computed under. The dispatcher reads the
//!   generation *before* the list, so a cache computed from an old list is
//!   stored under an old generation and never matches after a write.
//! - Hence "a hook sees every event raised after `add_hook` returned": any
//!   later audit point observes the new generation, misses any stale cache,
//!   and loads a list that contains the hook.
//!
//! # Order of hooks
//!
//! Hooks run in the order they were added, as in PEP 578: the list is a
//! vector appended at the end. A hook added while an event is being dispatched
//! takes effect from the next event (the dispatch holds a snapshot).
//!
//! # Re-entrancy
//!
//! A thread-local flag is set while a thread runs hooks; audit points reached
//! meanwhile on that thread return `Ok(())` without dispatching. The flag is
//! only read on the slow path. A drop guard clears it even when a hook
//! panics, and `catch_unwind` keeps the panic from crossing the dispatcher.
