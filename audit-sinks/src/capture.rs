//! What [`NonBlocking`](crate::NonBlocking) keeps of an event for its
//! background writer: the event's values copied into buffers that are
//! reused from one event to the next.
//!
//! An [`OwnedEvent`](audit_core::OwnedEvent) allocates a `Vec` for the
//! values and one buffer per path or string, and frees them on the writer
//! thread: two or more `malloc`s on the audited thread for every event
//! (about 60% of what the audited thread paid). [`Captures`] copies every
//! path and string into one byte buffer and one text buffer, the values
//! into one list of [`Slot`]s, and keeps bytes values only as far as the
//! record shows them; once the buffers have grown to fit, capturing an
//! event allocates nothing.

use std::fmt::Write as _;
use std::ops::Range;
use std::panic::Location;
use std::sync::Arc;
use std::time::SystemTime;

use audit_core::{Callsite, Event, Note, Outcome, OwnedValue, Value};

use crate::json::BYTES_PREVIEW;
use crate::record::ThreadFields;

/// A queue's buffer that grew past this many bytes is not kept for the
/// next batch.
pub(crate) const QUEUE_KEEPS: usize = 1 << 20;

/// A thread's scratch buffer that grew past this many bytes is not kept
/// for its next event.
pub(crate) const SCRATCH_KEEPS: usize = 1 << 14;

/// Captured events, their values in shared buffers.
///
/// Each audited thread fills a one-event `Captures` of its own (outside any
/// lock), then [`append`](Self::append)s it to the queue's, which moves the
/// values over and keeps the scratch buffers for the thread's next event.
/// The queue's buffers grow by doubling and are reused batch after batch,
/// so however far the writer falls behind, capturing costs no allocation
/// once they have grown to the busiest batch.
pub(crate) struct Captures {
    events: Vec<Header>,
    slots: Vec<Slot>,
    bytes: Vec<u8>,
    text: String,
    notes: Vec<Note>,
    /// Values kept as [`OwnedValue`]s (rare: see [`Slot::Owned`]).
    owned: Vec<OwnedValue>,
    /// Where the event being captured starts.
    base: Base,
    /// Whether to render `Debug` arguments in the capture under way.
    run_debug: bool,
    /// A `Debug` argument was met and not rendered.
    skipped_debug: bool,
    /// The values being captured hold a list.
    lists: bool,
}

/// What the audited thread stamps an event with, before taking any lock.
pub(crate) struct Stamp {
    pub(crate) time: SystemTime,
    pub(crate) thread: Arc<ThreadFields>,
}

impl Stamp {
    /// The time now and the current thread.
    pub(crate) fn now() -> Self {
        Stamp {
            time: SystemTime::now(),
            thread: ThreadFields::current(),
        }
    }
}

/// One event in a [`Captures`]: what is not a value, and where its values
/// start in the shared buffers (every range in its slots is relative to
/// these, so moving an event to another `Captures` copies its slots as
/// they are).
pub(crate) struct Header {
    /// The record's number, given when the event is queued.
    pub(crate) sequence: u64,
    pub(crate) time: SystemTime,
    pub(crate) callsite: &'static Callsite,
    pub(crate) caller: Option<&'static Location<'static>>,
    pub(crate) thread: Arc<ThreadFields>,
    /// The `event.outcome` word.
    pub(crate) word: &'static str,
    /// The `event.reason`, in `text`.
    reason: Option<Span>,
    /// The notes, in `notes`.
    notes: Range<usize>,
    /// Where the event's slots, bytes and text start.
    base: Base,
}

#[derive(Clone, Copy, Default)]
struct Base {
    slots: usize,
    bytes: usize,
    text: usize,
    owned: usize,
}

/// Where some bytes or text are, relative to their event's [`Base`]
/// (a `Range` is not `Copy`).
#[derive(Clone, Copy)]
pub(crate) struct Span {
    start: usize,
    end: usize,
}

impl Span {
    fn range(self, base: usize) -> Range<usize> {
        base.saturating_add(self.start)..base.saturating_add(self.end)
    }
}

/// One captured value; ranges, list starts and indices are relative to
/// its event's [`Base`].
///
/// `Copy`, so that emptying and moving the slots costs no drop.
#[derive(Clone, Copy)]
pub(crate) enum Slot {
    /// A path, in `bytes` (Unix: paths are bytes).
    #[cfg(unix)]
    Path(Span),
    /// A platform string, in `bytes`.
    #[cfg(unix)]
    OsStr(Span),
    /// A string, in `text`.
    Str(Span),
    /// Bytes: their length, and the first [`BYTES_PREVIEW`] of them in
    /// `bytes`, all the record shows.
    Bytes { len: usize, preview: Span },
    /// A value that borrows nothing (not a `Value<'static>`, which is not
    /// `Send`).
    Plain(Plain),
    /// A list: its elements are the event's slots `start..start + len`.
    List { start: usize, len: usize },
    /// The `Debug` rendering of a [`Value::Debug`], in `text`.
    Debug(Span),
    /// Anything else, kept as an [`OwnedValue`] at this index in `owned`
    /// (paths off Unix, and kinds added to [`Value`] later).
    Owned(usize),
}

/// The kinds of [`Value`] that borrow nothing.
#[derive(Clone, Copy)]
pub(crate) enum Plain {
    Int(i64),
    Uint(u64),
    Float(f64),
    Bool(bool),
    SocketAddr(std::net::SocketAddr),
    Ip(std::net::IpAddr),
    Duration(std::time::Duration),
    None,
}

impl Plain {
    fn value(self) -> Value<'static> {
        match self {
            Plain::Int(i) => Value::Int(i),
            Plain::Uint(u) => Value::Uint(u),
            Plain::Float(x) => Value::Float(x),
            Plain::Bool(b) => Value::Bool(b),
            Plain::SocketAddr(a) => Value::SocketAddr(a),
            Plain::Ip(ip) => Value::Ip(ip),
            Plain::Duration(d) => Value::Duration(d),
            Plain::None => Value::None,
        }
    }
}

/// One captured event, borrowed from its [`Captures`].
#[derive(Clone, Copy)]
pub(crate) struct EventView<'c> {
    captures: &'c Captures,
    pub(crate) header: &'c Header,
}

/// A captured value with the event it belongs to.
#[derive(Clone, Copy)]
pub(crate) struct SlotRef<'c> {
    pub(crate) event: EventView<'c>,
    pub(crate) slot: &'c Slot,
}

/// What a [`SlotRef`] holds, borrowed from its capture.
pub(crate) enum Captured<'c> {
    /// Written exactly as the borrowed value would be.
    Value(Value<'c>),
    /// Bytes: the length and the preview.
    Bytes { len: usize, preview: &'c [u8] },
    /// A list's elements.
    List(&'c [Slot]),
    /// The rendering of a `Debug` value, written as a string.
    Debug(&'c str),
    /// An owned value.
    Owned(&'c OwnedValue),
}

impl Captures {
    /// No events, no buffers yet.
    pub(crate) const fn new() -> Self {
        Captures {
            events: Vec::new(),
            slots: Vec::new(),
            bytes: Vec::new(),
            text: String::new(),
            notes: Vec::new(),
            owned: Vec::new(),
            base: Base {
                slots: 0,
                bytes: 0,
                text: 0,
                owned: 0,
            },
            run_debug: true,
            skipped_debug: false,
            lists: false,
        }
    }

    /// How many events are held.
    pub(crate) fn len(&self) -> usize {
        self.events.len()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.events.is_empty()
    }

    /// Captures `event` and `outcome` after the events held, as record
    /// number `sequence`, stamped with `time` and `thread`.
    ///
    /// With `run_debug` false, an event with a [`Value::Debug`] argument
    /// (whose rendering runs code of the program's, which may take any
    /// time) is not captured: this returns the stamp having kept nothing,
    /// for the caller to capture the event in a scratch of its own outside
    /// its lock.
    pub(crate) fn capture(
        &mut self,
        event: &Event<'_>,
        outcome: &Outcome<'_>,
        stamp: Stamp,
        sequence: u64,
        run_debug: bool,
    ) -> Result<(), Stamp> {
        let base = Base {
            slots: self.slots.len(),
            bytes: self.bytes.len(),
            text: self.text.len(),
            owned: self.owned.len(),
        };
        self.base = base;
        self.run_debug = run_debug;
        self.skipped_debug = false;
        self.push_values(|| event.args().map(|(_, value)| value));
        if self.skipped_debug {
            self.slots.truncate(base.slots);
            self.bytes.truncate(base.bytes);
            self.text.truncate(base.text);
            self.owned.truncate(base.owned);
            return Err(stamp);
        }
        let reason = crate::decision::reason(outcome).map(|reason| self.push_text(reason));
        let notes = self.notes.len();
        self.notes.extend_from_slice(outcome.notes());
        self.events.push(Header {
            sequence,
            time: stamp.time,
            callsite: event.callsite(),
            caller: event.caller(),
            thread: stamp.thread,
            word: crate::decision::word(outcome),
            reason,
            notes: notes..self.notes.len(),
            base,
        });
        Ok(())
    }

    /// Captures `values` (the arguments, or a list's elements) into
    /// consecutive slots; a list's own elements come after all of them, so
    /// that an event's first slots are its arguments in order.
    fn push_values<'v, I: Iterator<Item = Value<'v>>>(&mut self, values: impl Fn() -> I) {
        let start = self.slots.len();
        self.lists = false;
        for value in values() {
            let slot = self.capture_value(value);
            self.slots.push(slot);
        }
        // Set by `capture_value` (rather than tested here on every slot).
        if self.lists {
            for (i, value) in values().enumerate() {
                if let Value::List(items) = value {
                    self.push_list(start + i, items);
                }
            }
        }
    }

    /// Captures the elements of the list in slot `at`.
    fn push_list(&mut self, at: usize, items: &[Value<'_>]) {
        let first = self.slots.len() - self.base.slots;
        if let Some(Slot::List { start, .. }) = self.slots.get_mut(at) {
            *start = first;
        }
        self.push_values(|| items.iter().copied());
    }

    /// Moves the one event held by `scratch` here; `scratch` keeps its
    /// buffers, empty.
    pub(crate) fn append(&mut self, scratch: &mut Captures, sequence: u64) {
        if let Some(mut header) = scratch.events.pop() {
            header.sequence = sequence;
            header.base = Base {
                slots: self.slots.len(),
                bytes: self.bytes.len(),
                text: self.text.len(),
                owned: self.owned.len(),
            };
            let notes = self.notes.len();
            header.notes = notes + header.notes.start..notes + header.notes.end;
            self.slots.extend_from_slice(&scratch.slots);
            self.bytes.extend_from_slice(&scratch.bytes);
            self.text.push_str(&scratch.text);
            self.notes.append(&mut scratch.notes);
            self.owned.append(&mut scratch.owned);
            self.events.push(header);
        }
        scratch.clear(SCRATCH_KEEPS);
    }

    /// The events, in the order they were appended.
    pub(crate) fn events(&self) -> impl Iterator<Item = EventView<'_>> + '_ {
        self.events.iter().map(move |header| EventView {
            captures: self,
            header,
        })
    }

    /// Empties the buffers, dropping those that grew past `keep` bytes
    /// so that one burst (or one huge value) does not hold on to its memory.
    pub(crate) fn clear(&mut self, keep: usize) {
        fn reset<T>(v: &mut Vec<T>, keep: usize) {
            if v.capacity().saturating_mul(std::mem::size_of::<T>()) > keep {
                *v = Vec::new();
            } else {
                v.clear();
            }
        }
        reset(&mut self.events, keep);
        reset(&mut self.slots, keep);
        reset(&mut self.bytes, keep);
        reset(&mut self.notes, keep);
        reset(&mut self.owned, keep);
        if self.text.capacity() > keep {
            self.text = String::new();
        } else {
            self.text.clear();
        }
    }

    /// Copies `value` into the buffers.
    ///
    /// Inlined into the loop over the arguments: a call per argument, and
    /// the slot returned through memory, cost a fifth of the capture.
    #[inline(always)]
    fn capture_value(&mut self, value: Value<'_>) -> Slot {
        match value {
            #[cfg(unix)]
            Value::Path(path) => Slot::Path(self.push_bytes(os_bytes(path.as_os_str()))),
            #[cfg(unix)]
            Value::OsStr(s) => Slot::OsStr(self.push_bytes(os_bytes(s))),
            Value::Str(s) => Slot::Str(self.push_text(s)),
            Value::Bytes(b) => Slot::Bytes {
                len: b.len(),
                preview: self.push_bytes(&b[..b.len().min(BYTES_PREVIEW)]),
            },
            Value::Int(i) => Slot::Plain(Plain::Int(i)),
            Value::Uint(u) => Slot::Plain(Plain::Uint(u)),
            Value::Float(x) => Slot::Plain(Plain::Float(x)),
            Value::Bool(b) => Slot::Plain(Plain::Bool(b)),
            Value::SocketAddr(a) => Slot::Plain(Plain::SocketAddr(a)),
            Value::Ip(ip) => Slot::Plain(Plain::Ip(ip)),
            Value::Duration(d) => Slot::Plain(Plain::Duration(d)),
            Value::None => Slot::Plain(Plain::None),
            // Its elements are captured by `push_values`, which sets `start`.
            Value::List(items) => {
                self.lists = true;
                Slot::List {
                    start: 0,
                    len: items.len(),
                }
            }
            Value::Debug(_) if !self.run_debug => {
                self.skipped_debug = true;
                Slot::Plain(Plain::None)
            }
            Value::Debug(_) => {
                let start = self.text.len() - self.base.text;
                // Value's own rendering, as every sink writes it: a `Debug`
                // impl that fails leaves `<Debug failed>` after what it
                // wrote, and writing to a String cannot fail otherwise.
                let _ = write!(self.text, "{value}");
                Slot::Debug(Span {
                    start,
                    end: self.text.len() - self.base.text,
                })
            }
            // Paths off Unix, and kinds added to the non-exhaustive enum.
            other => {
                self.owned.push(other.into());
                Slot::Owned(self.owned.len() - 1 - self.base.owned)
            }
        }
    }

    /// Appends `bytes`, returning where they are relative to the event.
    fn push_bytes(&mut self, bytes: &[u8]) -> Span {
        let start = self.bytes.len() - self.base.bytes;
        self.bytes.extend_from_slice(bytes);
        Span {
            start,
            end: start + bytes.len(),
        }
    }

    /// Appends `text`, returning where it is relative to the event.
    fn push_text(&mut self, text: &str) -> Span {
        let start = self.text.len() - self.base.text;
        self.text.push_str(text);
        Span {
            start,
            end: start + text.len(),
        }
    }
}

impl<'c> EventView<'c> {
    /// The event's arguments, in declaration order.
    pub(crate) fn args(self) -> impl Iterator<Item = (&'static str, SlotRef<'c>)> {
        let names = self.header.callsite.arg_names();
        let slots = self
            .captures
            .slots
            .get(self.header.base.slots..)
            .unwrap_or_default();
        names
            .iter()
            .copied()
            .zip(slots.iter().map(move |slot| SlotRef { event: self, slot }))
    }

    /// How many arguments the event has.
    pub(crate) fn arg_count(self) -> usize {
        self.header.callsite.arg_names().len()
    }

    /// The argument called `name`, if the event has one.
    pub(crate) fn arg(self, name: &str) -> Option<SlotRef<'c>> {
        self.args().find(|(n, _)| *n == name).map(|(_, v)| v)
    }

    /// The reason, if any.
    pub(crate) fn reason(self) -> Option<&'c str> {
        self.text(self.header.reason?)
    }

    /// The notes.
    pub(crate) fn notes(self) -> &'c [Note] {
        self.captures
            .notes
            .get(self.header.notes.clone())
            .unwrap_or_default()
    }

    fn text(self, span: Span) -> Option<&'c str> {
        self.captures.text.get(span.range(self.header.base.text))
    }

    fn bytes(self, span: Span) -> &'c [u8] {
        self.captures
            .bytes
            .get(span.range(self.header.base.bytes))
            .unwrap_or_default()
    }
}

impl<'c> SlotRef<'c> {
    /// The value, borrowed from the capture.
    ///
    /// Every range was made by the capture from the same buffers, so the
    /// empty fallbacks are never taken; they keep a mistake from panicking.
    pub(crate) fn get(self) -> Captured<'c> {
        let event = self.event;
        match self.slot {
            #[cfg(unix)]
            Slot::Path(r) => Captured::Value(Value::Path(std::path::Path::new(from_os_bytes(
                event.bytes(*r),
            )))),
            #[cfg(unix)]
            Slot::OsStr(r) => Captured::Value(Value::OsStr(from_os_bytes(event.bytes(*r)))),
            Slot::Str(r) => Captured::Value(Value::Str(event.text(*r).unwrap_or_default())),
            Slot::Bytes { len, preview } => Captured::Bytes {
                len: *len,
                preview: event.bytes(*preview),
            },
            Slot::Plain(value) => Captured::Value(value.value()),
            Slot::List { start, len } => {
                let start = event.header.base.slots + start;
                Captured::List(
                    event
                        .captures
                        .slots
                        .get(start..start.saturating_add(*len))
                        .unwrap_or_default(),
                )
            }
            Slot::Debug(r) => Captured::Debug(event.text(*r).unwrap_or_default()),
            Slot::Owned(i) => match event.captures.owned.get(event.header.base.owned + i) {
                Some(value) => Captured::Owned(value),
                None => Captured::Value(Value::None),
            },
        }
    }

    /// The value as a [`Value`] when it is one exactly (not bytes, lists or
    /// `Debug` renderings, which the record never looks up by name).
    pub(crate) fn as_value(self) -> Option<Value<'c>> {
        match self.get() {
            Captured::Value(value) => Some(value),
            Captured::Owned(value) => Some(value.as_value()),
            _ => None,
        }
    }
}

#[cfg(unix)]
fn os_bytes(s: &std::ffi::OsStr) -> &[u8] {
    std::os::unix::ffi::OsStrExt::as_bytes(s)
}

#[cfg(unix)]
fn from_os_bytes(b: &[u8]) -> &std::ffi::OsStr {
    std::os::unix::ffi::OsStrExt::from_bytes(b)
}
