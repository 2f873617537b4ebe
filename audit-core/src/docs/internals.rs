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
//! with no hook at all.
//!
//! # The slow path
//!
//! When the flag is set, the audit point calls the cold, out-of-line
//! `begin`, which answers whether anyone will see the event now (not when the
//! thread is already inside a hook, nor when only a capture on another thread
//! set the flag). Only then does the audit point evaluate its argument
//! expressions, in place, into an array of [`Value`](crate::Value)s, and pass
//! it to `deliver`, which runs the captures and the hooks. `begin` only reads
//! the thread's state; the thread counts as inside a hook from `deliver` on
//! (see [Re-entrancy](#re-entrancy)).
//!
//! Building the values in the audit point itself, rather than in a closure
//! handed to an out-of-line dispatcher, matters: a closure captures the
//! caller's locals by reference, which forces them into memory on the fast
//! path too, and the dispatcher then reads a two-word value (a `&Path`, a
//! `&str`) back as one 16-byte load from two 8-byte stores, a
//! store-forwarding stall that cost about 2 ns per event on the machines this
//! was measured on. Built in place, the values go from registers to the array.
//!
//! What this cannot remove is the cost of the call itself on the fast path's
//! code: values of the enclosing function that are live across the cold
//! path's calls must sit in callee-saved registers, and the compiler saves
//! those in the function's prologue, for the fast path too, because the cold
//! path rejoins the body. In a small leaf function that is a few pushes and
//! pops around every call (about 8 instructions). `#[audited]` avoids most
//! of it: it knows every value live at its audit point (the parameters), so
//! it moves them through the cold path and rebinds them after it
//! (`raise_passing`). Nothing is then live across the call, and only the stack
//! adjustment for the call remains: the check's 3 instructions plus 2 in a leaf
//! function, the check alone in one that has a frame anyway.
//!
//! `deliver` runs the hooks in one loop under one `catch_unwind`, over the
//! slice of hooks that the callsite already holds: no interest test, no
//! reference count. Each entry is the hook's address and a function
//! instantiated for its type, so a hook costs one indirect call, without the
//! vtable load a `&dyn Hook` would need first.
//!
//! # Publishing hooks
//!
//! `add_hook` runs in three steps, and only the last one changes anything:
//!
//! 1. **User code, no lock.** The new hook's interest ([`Hook::interest`](crate::Hook::interest)
//!    or the one passed in) is asked about every callsite of the catalogue,
//!    under `catch_unwind`, and the callsites it covers are collected. A
//!    panic there makes `add_hook` return `HookPanicked` with nothing
//!    changed. (Asking while writing the sets, as an earlier version did, left
//!    a half-installed hook behind a panic; since sets are interned by hook
//!    positions, the next hook added then inherited the half-installed one's
//!    sets at the callsites it had reached, and was never called there.)
//! 2. **The vote, with no lock held.** `audit.add_hook` is raised to the
//!    installed hooks. Other threads may add hooks meanwhile; so the vote
//!    goes in rounds: the first asks the hooks counted before it, each next
//!    one only the hooks added during the previous round (hook sets are
//!    ordered by position, so those are a sub-slice of the `audit.add_hook`
//!    callsite's set), until a round ends with the count unchanged, checked
//!    under the writer mutex, which step 3 then keeps. Every hook installed
//!    before the new one is thus asked exactly once, and none is installed
//!    in between unasked. Rounds repeat only while other threads keep adding
//!    hooks.
//! 3. **The install, under the writer mutex.** It checks the sealed flag
//!    again (a voter or another thread may have sealed meanwhile), copies the
//!    current list out of an `ArcSwap` (the writers' copy-on-write source of
//!    truth), appends the new hook and stores the list back. Every covered
//!    callsite gets a new hook set (its old set plus the new hook), and every
//!    callsite's flag is set to whether it has a set (or a test capture is
//!    running). The walk costs microseconds and calls no user code.
//!
//! `seal` and captures starting or ending take only the writer mutex, and
//! `is_sealed` reads an atomic flag; the writer mutex is never held while
//! user code runs. So a hook may call any of them and gets an answer, and a
//! hook voting on `audit.add_hook` may even wait for another thread that
//! adds a hook. `add_hook` from a hook returns `InsideHook` before anything
//! else.
//!
//! `seal` sets the flag under the writer mutex, and the install checks it
//! under the same mutex, so no hook is installed after `seal` has returned.
//!
//! Hook sets are interned by the positions of their hooks, so callsites with
//! the same interested hooks share one set: there are as many sets as
//! distinct combinations of interests, not one per callsite.
//!
//! The dispatcher does not load the `ArcSwap`: its `load()` performs two
//! locked read-modify-writes to record a debt, about 11 ns here, and
//! `load_full()` or a `RwLock` would make two threads contend on one cache
//! line. Reading a raw pointer needs no reference count because hooks are
//! never removed: every hook and every hook set is leaked on purpose and
//! stays valid for the rest of the process.
//!
//! # Unsafety
//!
//! Two invariants carry all of it:
//!
//! - **A hook set, once stored in a callsite, is never freed or mutated.**
//!   Sets are created with `Box::leak` and only ever replaced, never written
//!   through; so the dispatcher may dereference a callsite's set pointer.
//! - **A hook reference's function was made for the type its pointer points
//!   to, and that value is never freed.** `HookRef::leak::<H>` takes both from
//!   the same leaked `Box<H>`; so calling one with the other is sound, and,
//!   `Hook` requiring `Send + Sync`, so is sharing the reference between
//!   threads.
//!
//! # Orderings
//!
//! - A callsite's hook set is stored with `Release` before its flag is set
//!   with `Release`; audit points load their flag with `Acquire` (the same
//!   `mov` as a relaxed load on x86-64), and `begin` loads the set with
//!   `Acquire`. A thread that sees a flag set therefore sees the set stored
//!   before it, and a set it loads is fully initialised.
//! - Sets and flags are written only under the writer lock, before
//!   `add_hook` returns.
//! - The sealed flag is stored with `Release` (under the writer lock) and
//!   loaded with `Acquire`; the lock orders it against installs. Hence "a hook sees every event raised after
//!   `add_hook` returned": any audit point that happens after the return
//!   observes its flag set, and loads a set that contains the hook.
//!
//! # Order of hooks
//!
//! Hooks run in the order they were added, as in PEP 578: the list is a
//! vector appended at the end. A hook added while an event is being dispatched
//! takes effect from the next event (the dispatch holds a snapshot).
//!
//! # Re-entrancy
//!
//! One thread-local holds two flags: "inside a hook" and "a test capture is
//! running on this thread", a byte each, so that setting one is one store,
//! without reading the other. `begin` reads them; `deliver` sets "inside a
//! hook" while the captures and hooks run, so audit points reached meanwhile
//! on that thread return `Ok(())` without dispatching: a hook's own audited
//! I/O does not recurse. The flags are only touched on the slow path. A guard
//! in `deliver` clears the flag on every way out, and `catch_unwind` keeps a
//! hook's panic from crossing the dispatcher.
//!
//! The argument expressions are evaluated between `begin` and `deliver`,
//! outside the flag: an audited operation in one of them, as in
//! `audit!("app.x", removed = audit_std::fs::remove_file(p).is_ok())`, is a
//! real operation, and raises its own event (before the audit point's own,
//! which needs the argument's value). The same holds for `#[audited]`'s
//! `args(..)`. An argument that panics leaves nothing to clean up.
