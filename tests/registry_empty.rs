//! The zero-hook fast path. This binary never installs a hook and never
//! starts a capture, so the registry stays empty for its whole life: it must
//! be its own test binary.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering};

use audit_core::audit;

/// Counts the allocations made by threads that asked to be counted (the test
/// harness allocates on its own threads meanwhile).
struct CountingAllocator;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    static COUNTING: Cell<bool> = const { Cell::new(false) };
}

unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if COUNTING.get() {
            ALLOCATIONS.fetch_add(1, Ordering::SeqCst);
        }
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: CountingAllocator = CountingAllocator;

#[inline(never)]
fn audited_op(path: &std::path::Path, n: u64) -> Result<u64, audit_core::AuditError> {
    audit!("empty.op", path, n, label = format!("{n}"))?;
    Ok(n)
}

/// The same with `#[audited]`, which moves its parameters through the cold
/// path (here an owned one) and evaluates `args(..)` only there.
#[inline(never)]
#[audit_core::audited("empty.annotated", skip(name), args(label = format!("{n}")))]
fn annotated_op(name: Vec<u8>, n: u64) -> Result<u64, audit_core::AuditError> {
    Ok(n + name.len() as u64)
}

#[test]
fn no_hook_means_no_allocation_and_no_evaluation() {
    let path = std::path::Path::new("/tmp/x");
    let evaluated = Cell::new(0u32);
    // Warm up anything lazily allocated by the test harness on this thread.
    audited_op(path, 0).unwrap();

    COUNTING.set(true);
    // The counter itself works: one allocation on this thread is counted.
    drop(std::hint::black_box(Box::new(1u8)));
    assert_eq!(ALLOCATIONS.load(Ordering::SeqCst), 1);
    let before = ALLOCATIONS.load(Ordering::SeqCst);
    let mut sum = 0u64;
    for i in 0..1_000_000u64 {
        // `format!` in the arguments would allocate if it were evaluated.
        sum += audited_op(path, i).unwrap();
        // An empty `Vec` does not allocate; `format!` in `args` would.
        sum += annotated_op(Vec::new(), i).unwrap();
        audit!(
            "empty.lazy",
            v = {
                evaluated.set(evaluated.get() + 1);
                i
            }
        )
        .unwrap();
    }
    let after = ALLOCATIONS.load(Ordering::SeqCst);
    COUNTING.set(false);
    assert_eq!(sum, 999_999 * 1_000_000);
    assert_eq!(
        after - before,
        0,
        "a million audit points with no hook must not allocate"
    );
    assert_eq!(
        evaluated.get(),
        0,
        "arguments must not be evaluated with no hook"
    );
    assert_eq!(audit_core::hook_count(), 0);
}
