//! Owned copies of events and values, for hooks and tests that keep what they saw.

use std::ffi::{OsStr, OsString};
use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::panic::Location;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::{Callsite, CrateRef, Event, Value};

/// An owned copy of a [`Value`].
///
/// Produced by [`Value::to_owned_value`] and [`Event::to_owned`]. A
/// [`Value::Debug`] argument is kept as its rendered `Debug` text.
#[derive(Clone, PartialEq)]
#[non_exhaustive]
pub enum OwnedValue {
    /// See [`Value::Path`].
    Path(PathBuf),
    /// See [`Value::OsStr`].
    OsStr(OsString),
    /// See [`Value::Str`].
    Str(String),
    /// See [`Value::Bytes`].
    Bytes(Vec<u8>),
    /// See [`Value::Int`].
    Int(i64),
    /// See [`Value::Uint`].
    Uint(u64),
    /// See [`Value::Float`].
    Float(f64),
    /// See [`Value::Bool`].
    Bool(bool),
    /// See [`Value::SocketAddr`].
    SocketAddr(SocketAddr),
    /// See [`Value::Ip`].
    Ip(IpAddr),
    /// See [`Value::Duration`].
    Duration(Duration),
    /// See [`Value::None`].
    None,
    /// See [`Value::List`].
    List(Vec<OwnedValue>),
    /// The `Debug` rendering of a [`Value::Debug`].
    Debug(String),
}

impl From<Value<'_>> for OwnedValue {
    fn from(value: Value<'_>) -> Self {
        match value {
            Value::Path(p) => OwnedValue::Path(p.to_path_buf()),
            Value::OsStr(s) => OwnedValue::OsStr(s.to_os_string()),
            Value::Str(s) => OwnedValue::Str(s.to_owned()),
            Value::Bytes(b) => OwnedValue::Bytes(b.to_vec()),
            Value::Int(i) => OwnedValue::Int(i),
            Value::Uint(u) => OwnedValue::Uint(u),
            Value::Float(x) => OwnedValue::Float(x),
            Value::Bool(b) => OwnedValue::Bool(b),
            Value::SocketAddr(a) => OwnedValue::SocketAddr(a),
            Value::Ip(ip) => OwnedValue::Ip(ip),
            Value::Duration(d) => OwnedValue::Duration(d),
            Value::None => OwnedValue::None,
            Value::List(items) => OwnedValue::List(items.iter().map(|v| (*v).into()).collect()),
            Value::Debug(d) => {
                let mut text = String::new();
                // Writing to a `String` cannot fail; a failing `Debug` impl
                // leaves its mark in the text instead of an error.
                let _ = crate::value::write_debug(d, false, &mut text);
                OwnedValue::Debug(text)
            }
        }
    }
}

impl OwnedValue {
    /// Borrows this value as a [`Value`], so the same accessors and formatting apply.
    ///
    /// A [`OwnedValue::List`] is returned as [`Value::Debug`], since its
    /// elements are not stored as `Value`s; use [`OwnedValue::as_list`] for them.
    pub fn as_value(&self) -> Value<'_> {
        match self {
            OwnedValue::Path(p) => Value::Path(p),
            OwnedValue::OsStr(s) => Value::OsStr(s),
            OwnedValue::Str(s) => Value::Str(s),
            OwnedValue::Bytes(b) => Value::Bytes(b),
            OwnedValue::Int(i) => Value::Int(*i),
            OwnedValue::Uint(u) => Value::Uint(*u),
            OwnedValue::Float(x) => Value::Float(*x),
            OwnedValue::Bool(b) => Value::Bool(*b),
            OwnedValue::SocketAddr(a) => Value::SocketAddr(*a),
            OwnedValue::Ip(ip) => Value::Ip(*ip),
            OwnedValue::Duration(d) => Value::Duration(*d),
            OwnedValue::None => Value::None,
            OwnedValue::List(items) => Value::Debug(items),
            OwnedValue::Debug(s) => Value::Debug(s),
        }
    }

    /// The path, if this value is a path.
    pub fn as_path(&self) -> Option<&Path> {
        self.as_value().as_path()
    }

    /// The platform string of a path, platform string or string.
    pub fn as_os_str(&self) -> Option<&OsStr> {
        self.as_value().as_os_str()
    }

    /// The string, if this value is a string.
    pub fn as_str(&self) -> Option<&str> {
        self.as_value().as_str()
    }

    /// The bytes, if this value is bytes.
    pub fn as_bytes(&self) -> Option<&[u8]> {
        self.as_value().as_bytes()
    }

    /// The integer, if this value is an integer that fits in `i64`.
    pub fn as_i64(&self) -> Option<i64> {
        self.as_value().as_i64()
    }

    /// The integer, if this value is a non-negative integer.
    pub fn as_u64(&self) -> Option<u64> {
        self.as_value().as_u64()
    }

    /// The boolean, if this value is a boolean.
    pub fn as_bool(&self) -> Option<bool> {
        self.as_value().as_bool()
    }

    /// The socket address, if this value is one.
    pub fn as_socket_addr(&self) -> Option<SocketAddr> {
        self.as_value().as_socket_addr()
    }

    /// The IP address of an IP or socket address.
    pub fn as_ip(&self) -> Option<IpAddr> {
        self.as_value().as_ip()
    }

    /// The duration, if this value is one.
    pub fn as_duration(&self) -> Option<Duration> {
        self.as_value().as_duration()
    }

    /// The elements, if this value is a list.
    pub fn as_list(&self) -> Option<&[OwnedValue]> {
        match self {
            OwnedValue::List(items) => Some(items),
            _ => None,
        }
    }

    /// Whether this is [`OwnedValue::None`].
    pub fn is_none(&self) -> bool {
        matches!(self, OwnedValue::None)
    }
}

/// The same two forms as [`Value`]'s `Display`: `{}` plain, `{:#}` quoted and
/// escaped on one line (a [`OwnedValue::Debug`] is quoted like the `Debug`
/// rendering it holds).
impl fmt::Display for OwnedValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OwnedValue::List(items) => {
                f.write_str("[")?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    // Passes the caller's flags on, `#` included.
                    fmt::Display::fmt(item, f)?;
                }
                f.write_str("]")
            }
            OwnedValue::Debug(s) if f.alternate() => {
                f.write_str("\"")?;
                crate::value::write_escaped_str(s, f)?;
                f.write_str("\"")
            }
            OwnedValue::Debug(s) => f.write_str(s),
            other => fmt::Display::fmt(&other.as_value(), f),
        }
    }
}

impl fmt::Debug for OwnedValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OwnedValue::Debug(s) => f.write_str(s),
            other => fmt::Debug::fmt(&other.as_value(), f),
        }
    }
}

/// An owned copy of an [`Event`]: its callsite, its caller and its arguments.
///
/// ```
/// let (_, events) = audit_core::testing::capture(|| {
///     let _ = audit_core::audit!("app.start", pid = 42u32);
/// });
/// # if audit_core::ENABLED {
/// assert_eq!(events[0].name(), "app.start");
/// assert_eq!(events[0].arg("pid").and_then(|v| v.as_u64()), Some(42));
/// # }
/// ```
#[derive(Clone, PartialEq)]
pub struct OwnedEvent {
    callsite: &'static Callsite,
    values: Vec<OwnedValue>,
    caller: Option<&'static Location<'static>>,
}

impl OwnedEvent {
    /// The event's name.
    pub fn name(&self) -> &'static str {
        self.callsite.name()
    }

    /// The audit point that raised the event.
    pub fn callsite(&self) -> &'static Callsite {
        self.callsite
    }

    /// The code that asked for the audited operation: see [`Event::caller`].
    pub fn caller(&self) -> Option<&'static Location<'static>> {
        self.caller
    }

    /// The crate that holds the caller: see [`Event::caller_crate`].
    pub fn caller_crate(&self) -> Option<CrateRef> {
        CrateRef::from_path(self.caller?.file())
    }

    /// The arguments as `(name, value)` pairs, in declaration order.
    pub fn args(&self) -> impl ExactSizeIterator<Item = (&'static str, &OwnedValue)> + '_ {
        self.callsite.arg_names().iter().copied().zip(&self.values)
    }

    /// The argument called `name`, if the event has one.
    pub fn arg(&self, name: &str) -> Option<&OwnedValue> {
        self.args().find(|(n, _)| *n == name).map(|(_, v)| v)
    }
}

impl From<&Event<'_>> for OwnedEvent {
    fn from(event: &Event<'_>) -> Self {
        OwnedEvent {
            callsite: event.callsite(),
            values: event.args().map(|(_, v)| v.into()).collect(),
            caller: event.caller(),
        }
    }
}

impl fmt::Debug for OwnedEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        crate::event::fmt_event(f, self.name(), self.args())
    }
}

impl crate::event::ModeBits for &OwnedValue {
    fn mode_bits(&self) -> Option<u64> {
        self.as_u64()
    }
}

/// The same one line as [`Event`]'s `Display`: `name(arg=value, ...)`, text
/// quoted and escaped, `mode` in octal.
impl fmt::Display for OwnedEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        crate::event::display_event(f, self.name(), self.args())
    }
}
