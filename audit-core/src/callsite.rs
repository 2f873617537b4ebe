//! Callsites: the static description of one audit point.

use std::fmt;
use std::ptr;
use std::sync::atomic::{AtomicBool, AtomicPtr, Ordering};

use crate::registry::HookSet;

/// The static description of one audit point: its event name, argument names
/// and source location.
///
/// Every [`audit!`](crate::audit) invocation and every `#[audited]` function
/// declares one `static` callsite, registered at link time in the
/// [`catalogue`](crate::catalogue). The registry keeps two things in it: the
/// hooks interested in this event, computed once when each hook is added,
/// and a flag, "some hook (or a test capture) wants this event". The flag is
/// all an audit point reads on its fast path, so a point that no hook is
/// interested in costs the same as one with no hook at all (see
/// [`Interest`](crate::Interest)).
///
/// ```
/// let (_, events) = audit_core::testing::capture(|| {
///     let _ = audit_core::audit!("app.ping", n = 1u8);
/// });
/// # if audit_core::ENABLED {
/// let site = events[0].callsite();
/// assert_eq!(site.name(), "app.ping");
/// assert_eq!(site.arg_names(), ["n"]);
/// assert!(site.file().ends_with(".rs"));
/// # }
/// ```
pub struct Callsite {
    name: &'static str,
    arg_names: &'static [&'static str],
    module_path: &'static str,
    file: &'static str,
    line: u32,
    /// Whether any hook (or a test capture) may want this event. Written only
    /// by the registry, under its writer lock, for every callsite at once.
    enabled: AtomicBool,
    /// The hooks interested in this callsite, in the order they were added;
    /// null when there are none. Written only under the registry's writer
    /// lock; every set ever stored here stays allocated for good.
    hooks: AtomicPtr<HookSet>,
}

impl Callsite {
    /// Declares a callsite. Used by the macros; fails to compile (in a
    /// `static`) when the event name is empty or an argument name repeats.
    #[doc(hidden)]
    pub const fn new(
        name: &'static str,
        arg_names: &'static [&'static str],
        module_path: &'static str,
        file: &'static str,
        line: u32,
    ) -> Callsite {
        assert!(!name.is_empty(), "audit event names must not be empty");
        let mut i = 0;
        while i < arg_names.len() {
            let mut j = i + 1;
            while j < arg_names.len() {
                assert!(
                    !const_str_eq(arg_names[i], arg_names[j]),
                    "audit event argument names must be unique"
                );
                j += 1;
            }
            i += 1;
        }
        Callsite {
            name,
            arg_names,
            module_path,
            file,
            line,
            enabled: AtomicBool::new(false),
            hooks: AtomicPtr::new(ptr::null_mut()),
        }
    }

    /// The event name, e.g. `"fs.open"`.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The argument names, in the order the values are passed.
    pub fn arg_names(&self) -> &'static [&'static str] {
        self.arg_names
    }

    /// The module that contains the audit point.
    pub fn module_path(&self) -> &'static str {
        self.module_path
    }

    /// The source file that contains the audit point.
    pub fn file(&self) -> &'static str {
        self.file
    }

    /// The line of the audit point in [`file`](Self::file).
    pub fn line(&self) -> u32 {
        self.line
    }

    /// Whether the audit point must call the dispatcher.
    #[inline(always)]
    pub(crate) fn is_enabled(&self) -> bool {
        // Acquire: pairs with the Release store in `set_enabled`, so a reader
        // that sees `true` also sees the hook set stored before it.
        self.enabled.load(Ordering::Acquire)
    }

    #[cfg_attr(feature = "off", allow(dead_code))]
    pub(crate) fn set_enabled(&self, enabled: bool) {
        // Release: the hook set is stored before the callsite is enabled.
        self.enabled.store(enabled, Ordering::Release);
    }

    /// The hooks interested in this callsite, if any.
    #[inline]
    pub(crate) fn hooks(&self) -> Option<&'static HookSet> {
        // Acquire: pairs with the Release store in `set_hooks`, so the set
        // and the hooks it points to are fully initialised when seen.
        let set = self.hooks.load(Ordering::Acquire);
        // SAFETY: the pointer is null or was stored by `set_hooks` from a
        // `&'static HookSet`, which is never freed or mutated.
        unsafe { set.as_ref() }
    }

    #[cfg_attr(feature = "off", allow(dead_code))]
    pub(crate) fn set_hooks(&self, hooks: Option<&'static HookSet>) {
        let raw = hooks.map_or(ptr::null_mut(), |set| ptr::from_ref(set).cast_mut());
        self.hooks.store(raw, Ordering::Release);
    }
}

const fn const_str_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

impl PartialEq for Callsite {
    /// Callsites are statics: two are equal when they are the same audit point.
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self, other)
    }
}

impl Eq for Callsite {}

impl fmt::Debug for Callsite {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Callsite")
            .field("name", &self.name)
            .field("arg_names", &self.arg_names)
            .field("module_path", &self.module_path)
            .field("file", &self.file)
            .field("line", &self.line)
            .finish()
    }
}
