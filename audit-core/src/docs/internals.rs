//! How the registry and the dispatcher work, and why they are correct.
//!
//! This describes the implementation, not a stable interface.
//!
//! # The fast path
//!
//! Every audit point declares a `static` [`Callsite`](crate::Callsite) in its
//! own crate, registered at link time in a distributed slice (the
//! [`catalogue`](crate::catalogue)). The callsite holds one `AtomicBool`,
//! "some hook wants this event". The audit point loads that flag and, while it
//! is `false`, takes the not-taken branch and continues: one load of a static
//! of the calling crate (no indirection through the global offset table) and
//! one branch. No thread-local access, no `Arc`, no `arc_swap` load, no call:
//! those cost 2–11 ns each on the machines this was measured on, against well
//! under a nanosecond for a plain load and branch.
//!
//! The flag is per callsite, so an audit point that no installed hook is
//! interested in ([`Interest`](crate::Interest)) costs exactly what it costs
//! with no hook at all. When the flag is set, the audit point calls the cold,
//! out-of-line `dispatch`, which receives the argument construction as a
//! closure and runs it only when some hook will see the event.
//!
//! # Publishing hooks
//!
//! Writers (`add_hook`, `seal`, captures starting and ending) serialise on one
//! mutex. `add_hook` copies the current list out of an `ArcSwap`, appends the
//! new entry, and publishes the new list twice: into the `ArcSwap` (the
//! writers' copy-on-write source of truth) and, as a plain pointer, into an
//! `AtomicPtr` that the dispatcher reads. Then it walks the catalogue and sets
//! each callsite's flag to whether any hook's interest covers it (or a test
//! capture is running). That walk costs microseconds, once per `add_hook`.
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
//! - The list pointer is stored with `Release` before any callsite flag is
//!   set with `Release`; audit points load their flag with `Acquire` (the same
//!   `mov` as a relaxed load on x86-64). A thread that sees a flag set
//!   therefore sees the list published before it.
//! - Flags are written only under the writer lock, before `add_hook`
//!   returns. Hence "a hook sees every event raised after `add_hook`
//!   returned": any audit point that happens after the return observes its
//!   flag set, and loads a list that contains the hook.
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
