//! The tracing bridge: audit events forwarded as `tracing` events.

use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{OnceLock, PoisonError, RwLock};

use audit_core::{AuditError, Callsite, Event, Hook, Outcome, Value};
use tracing::callsite::{self as tracing_callsite, Identifier};
use tracing::field::{display, DisplayValue, FieldSet, Value as TracingValue};
use tracing::level_filters::LevelFilter;
use tracing::metadata::Kind;
use tracing::subscriber::Interest;
use tracing::{Level, Metadata};

/// The target of every event the bridge emits.
pub const TRACING_TARGET: &str = "audit";

/// A hook that forwards each audit event to `tracing`, so that audit events
/// reach any tracing subscriber (a log file, journald, an OpenTelemetry
/// collector) alongside the application's own diagnostics.
///
/// Each audit event becomes one tracing event with:
///
/// - target [`TRACING_TARGET`] (`"audit"`), so `RUST_LOG=audit=info`-style filters
///   select it, and level `INFO` (see [`with_level`](Self::with_level));
/// - the audit point's module, file and line as its location;
/// - a `message` field holding the event name (`fs.open`), which formatting
///   subscribers print first; if the event itself has an argument called
///   `message`, the name goes into a field called `audit.event` instead;
/// - **one field per argument**, under the argument's own name: strings,
///   integers, floats and booleans as those tracing types, paths and
///   platform strings that are valid UTF-8 as strings too, every other kind
///   (addresses, lists, bytes, durations, other paths) through audit-core's
///   quoted one-line `Display` form (`{:#}`, see [`Value`]), and absent
///   optional values (`None`) left unrecorded;
/// - the decision, after every hook has had its say (the bridge emits from
///   [`Hook::on_outcome`], so it records refused events too, wherever it
///   stands in the hook order): `event.outcome` (`allowed`, `denied` or
///   `would-deny`) and `event.reason` (the refusal's or would-be refusal's
///   reason; unrecorded when allowed without remark).
///
/// Text subscribers such as `tracing_subscriber::fmt` quote and escape
/// strings but print `Display` values as they are; since no value reaches
/// them unquoted, a file name holding a line break cannot forge a log line.
/// A path that is not UTF-8 keeps its exact bytes: `path="name-\xff"`.
///
/// # How fields are made
///
/// `tracing` describes each callsite with `'static` metadata naming its
/// fields, normally built by its macros at compile time. The bridge builds
/// the equivalent at run time, once per audit point (and level): it leaks one
/// small callsite whose field names are the audit point's own argument names
/// (already `'static` in [`Callsite::arg_names`]) and registers it with
/// `tracing`, so subscribers see real, filterable fields and can cache their
/// interest per audit point as they do for macro callsites. Memory is bounded
/// by the number of audit points in the program, which is fixed at link time
/// (see [`audit_core::catalogue`]).
///
/// The alternative of one static callsite with fixed fields (`event`, `args`
/// as one string) would need no leak, but would flatten every argument into
/// text that subscribers cannot filter on or export as attributes.
///
/// The bridge never vetoes: it always returns `Ok(())`.
///
/// ```
/// use audit_sinks::TracingBridge;
///
/// // With any subscriber installed (tracing_subscriber::fmt::init(), ...):
/// // audit_core::install_hook(TracingBridge::new())?;
/// let (result, _) = audit_core::testing::capture_with_hook(TracingBridge::new(), || {
///     audit_core::audit!("app.export", path = std::path::Path::new("/tmp/report.csv"), rows = 12u32)
/// });
/// assert!(result.is_ok());
/// ```
#[derive(Clone, Copy, Debug)]
pub struct TracingBridge {
    level: Level,
}

impl TracingBridge {
    /// A bridge emitting `INFO` events.
    pub fn new() -> Self {
        TracingBridge { level: Level::INFO }
    }

    /// Emits events at `level` instead of `INFO`.
    ///
    /// ```
    /// let bridge = audit_sinks::TracingBridge::new().with_level(tracing::Level::WARN);
    /// # let _ = bridge;
    /// ```
    pub fn with_level(mut self, level: Level) -> Self {
        self.level = level;
        self
    }
}

impl Default for TracingBridge {
    fn default() -> Self {
        TracingBridge::new()
    }
}

impl Hook for TracingBridge {
    /// Nothing: the tracing event is emitted once the audit event is
    /// decided, by [`on_outcome`](Self::on_outcome).
    fn on_event(&self, _event: &Event<'_>) -> Result<(), AuditError> {
        Ok(())
    }

    fn observes_outcome(&self) -> bool {
        true
    }

    /// Emits the tracing event, with the decision in two more fields:
    /// `event.outcome` (`allowed`, `denied` or `would-deny`) and
    /// `event.reason` (absent when allowed without remark), as in the JSON
    /// records.
    fn on_outcome(&self, event: &Event<'_>, outcome: &Outcome<'_>) -> Result<(), AuditError> {
        if self.level > LevelFilter::current() {
            return Ok(());
        }
        let site = BridgeCallsite::for_audit_site(event.callsite(), self.level);
        let interest = site.interest();
        if interest.is_never() {
            return Ok(());
        }
        let meta = site.static_metadata();
        let enabled = interest.is_always() || tracing::dispatcher::get_default(|d| d.enabled(meta));
        if !enabled {
            return Ok(());
        }
        let reason = crate::decision::reason(outcome);
        let values: Vec<FieldValue<'_>> = std::iter::once(FieldValue::Str(event.name()))
            .chain(event.args().map(|(_, v)| FieldValue::from(v)))
            .chain([
                FieldValue::Str(crate::decision::word(outcome)),
                reason.map_or(FieldValue::Absent, FieldValue::Str),
            ])
            .collect();
        let dyn_values: Vec<Option<&dyn TracingValue>> =
            values.iter().map(FieldValue::as_tracing).collect();
        let value_set = meta.fields().value_set_all(&dyn_values);
        tracing::Event::dispatch(meta, &value_set);
        Ok(())
    }
}

/// An argument converted into something tracing can record.
enum FieldValue<'a> {
    Str(&'a str),
    I64(i64),
    U64(u64),
    F64(f64),
    Bool(bool),
    Display(DisplayValue<OneLine<'a>>),
    Absent,
}

impl<'a> From<Value<'a>> for FieldValue<'a> {
    fn from(value: Value<'a>) -> Self {
        match value {
            Value::Str(s) => FieldValue::Str(s),
            Value::Int(i) => FieldValue::I64(i),
            Value::Uint(u) => FieldValue::U64(u),
            Value::Float(x) => FieldValue::F64(x),
            Value::Bool(b) => FieldValue::Bool(b),
            Value::None => FieldValue::Absent,
            // A UTF-8 path is a string to tracing: subscribers that write
            // text quote and escape it as they do any string, and structured
            // ones (JSON, OpenTelemetry) get the path itself.
            Value::Path(p) if let Some(text) = p.to_str() => FieldValue::Str(text),
            Value::OsStr(s) if let Some(text) = s.to_str() => FieldValue::Str(text),
            // Everything else through audit-core's one-line form (`{:#}`):
            // other paths quoted with their bytes kept (`"name-\xff"`),
            // lists as `["a", 1]`, `Debug` renderings quoted and escaped,
            // bytes escaped and cut, addresses and durations as they are.
            // Subscribers print `Display` values without escaping, so
            // nothing taken from outside may reach them unescaped.
            other => FieldValue::Display(display(OneLine(other))),
        }
    }
}

/// A value shown in audit-core's quoted one-line form (`{:#}`).
struct OneLine<'a>(Value<'a>);

impl fmt::Display for OneLine<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:#}", self.0)
    }
}

impl FieldValue<'_> {
    fn as_tracing(&self) -> Option<&dyn TracingValue> {
        match self {
            FieldValue::Str(s) => Some(s),
            FieldValue::I64(i) => Some(i),
            FieldValue::U64(u) => Some(u),
            FieldValue::F64(x) => Some(x),
            FieldValue::Bool(b) => Some(b),
            FieldValue::Display(d) => Some(d),
            FieldValue::Absent => None,
        }
    }
}

/// A tracing callsite made at run time for one audit point and level.
struct BridgeCallsite {
    meta: OnceLock<Metadata<'static>>,
    interest: AtomicU8,
}

const NEVER: u8 = 0;
const SOMETIMES: u8 = 1;
const ALWAYS: u8 = 2;

/// Bridge callsites by (audit callsite address, level).
type Registry = RwLock<HashMap<(usize, Level), &'static BridgeCallsite>>;

fn registry() -> &'static Registry {
    static REGISTRY: OnceLock<Registry> = OnceLock::new();
    REGISTRY.get_or_init(Default::default)
}

impl BridgeCallsite {
    fn for_audit_site(site: &'static Callsite, level: Level) -> &'static BridgeCallsite {
        // Audit callsites are statics, so their address identifies them.
        let key = (site as *const Callsite as usize, level);
        if let Some(found) = registry()
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&key)
        {
            return found;
        }
        let mut map = registry().write().unwrap_or_else(PoisonError::into_inner);
        if let Some(found) = map.get(&key) {
            return found;
        }
        let made = BridgeCallsite::make(site, level);
        map.insert(key, made);
        drop(map);
        // Registration asks every subscriber for its interest, which may take
        // its own locks: done outside ours.
        tracing_callsite::register(made);
        made
    }

    /// Leaks a callsite describing `site`; bounded by the number of audit points.
    fn make(site: &'static Callsite, level: Level) -> &'static BridgeCallsite {
        let made: &'static BridgeCallsite = Box::leak(Box::new(BridgeCallsite {
            meta: OnceLock::new(),
            interest: AtomicU8::new(SOMETIMES),
        }));
        let args = site.arg_names();
        let first = if args.contains(&"message") {
            "audit.event"
        } else {
            "message"
        };
        let names: &'static [&'static str] = Box::leak(
            std::iter::once(first)
                .chain(args.iter().copied())
                .chain(["event.outcome", "event.reason"])
                .collect::<Vec<_>>()
                .into_boxed_slice(),
        );
        // The metadata names the callsite that holds it, hence the two steps.
        let _ = made.meta.set(Metadata::new(
            site.name(),
            TRACING_TARGET,
            level,
            Some(site.file()),
            Some(site.line()),
            Some(site.module_path()),
            FieldSet::new(names, Identifier(made)),
            Kind::EVENT,
        ));
        made
    }

    fn static_metadata(&'static self) -> &'static Metadata<'static> {
        self.meta.get().unwrap_or(&FALLBACK_META)
    }

    fn interest(&self) -> Interest {
        match self.interest.load(Ordering::Relaxed) {
            NEVER => Interest::never(),
            ALWAYS => Interest::always(),
            _ => Interest::sometimes(),
        }
    }
}

/// Stands in for metadata that is always set before a callsite is shared;
/// returned rather than panicking should that ever not hold.
static FALLBACK_CALLSITE: Fallback = Fallback;
static FALLBACK_META: Metadata<'static> = Metadata::new(
    "audit",
    TRACING_TARGET,
    Level::TRACE,
    None,
    None,
    None,
    FieldSet::new(&[], Identifier(&FALLBACK_CALLSITE)),
    Kind::EVENT,
);

struct Fallback;

impl tracing_callsite::Callsite for Fallback {
    fn set_interest(&self, _: Interest) {}
    fn metadata(&self) -> &Metadata<'_> {
        &FALLBACK_META
    }
}

impl tracing_callsite::Callsite for BridgeCallsite {
    fn set_interest(&self, interest: Interest) {
        let value = if interest.is_never() {
            NEVER
        } else if interest.is_always() {
            ALWAYS
        } else {
            SOMETIMES
        };
        // Relaxed: a cache of the subscribers' answer, like tracing's own callsites.
        self.interest.store(value, Ordering::Relaxed);
    }

    fn metadata(&self) -> &Metadata<'_> {
        self.meta.get().unwrap_or(&FALLBACK_META)
    }
}

impl fmt::Debug for BridgeCallsite {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BridgeCallsite")
            .field("meta", &self.meta.get())
            .finish()
    }
}
