//! Typed argument values, and the [`Recordable`] trait that produces them.
//!
//! A hook receives arguments as [`Value`]s rather than strings, so a policy can
//! compare a path with [`Path::starts_with`] or an address with
//! [`SocketAddr::ip`] without parsing anything. Values borrow from the audit
//! point's own data: building one never allocates.

use std::borrow::Cow;
use std::ffi::{OsStr, OsString};
use std::fmt::{self, Write as _};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::Arc;
use std::time::Duration;

/// One argument of an audit event, borrowed from the audit point.
///
/// Every value implements [`Display`](fmt::Display), in a plain form (paths
/// lossily, bytes escaped) and a quoted one-line form for logs (`{:#}`, see
/// the impl), and [`Debug`](fmt::Debug). The accessors (`as_path`, `as_str`, ...)
/// return `None` when the value is of another kind, so a policy can match on
/// exactly the kind it expects.
///
/// ```
/// use audit_core::Value;
/// use std::path::Path;
///
/// let v = Value::Path(Path::new("/etc/passwd"));
/// assert!(v.as_path().unwrap().starts_with("/etc"));
/// assert_eq!(v.to_string(), "/etc/passwd");
/// assert_eq!(Value::Int(-3).as_i64(), Some(-3));
/// ```
#[derive(Clone, Copy)]
#[non_exhaustive]
pub enum Value<'a> {
    /// A filesystem path.
    Path(&'a Path),
    /// A platform string that is not a path (an environment variable, a program argument).
    OsStr(&'a OsStr),
    /// A UTF-8 string.
    Str(&'a str),
    /// Raw bytes (data being written, a datagram).
    Bytes(&'a [u8]),
    /// A signed integer.
    Int(i64),
    /// An unsigned integer (sizes, flags, modes, ids).
    Uint(u64),
    /// A floating-point number.
    Float(f64),
    /// A boolean.
    Bool(bool),
    /// A socket address.
    SocketAddr(SocketAddr),
    /// An IP address.
    Ip(IpAddr),
    /// A duration (timeouts).
    Duration(Duration),
    /// The absence of an optional value.
    None,
    /// A sequence of values (program arguments, several addresses).
    List(&'a [Value<'a>]),
    /// Anything else, shown through its `Debug` implementation. One that
    /// fails by itself is shown up to the failure, then `<Debug failed>`:
    /// formatting an event never fails because of a value.
    Debug(&'a dyn fmt::Debug),
}

impl<'a> Value<'a> {
    /// The path, if this value is [`Value::Path`].
    pub fn as_path(&self) -> Option<&'a Path> {
        match *self {
            Value::Path(p) => Some(p),
            _ => None,
        }
    }

    /// The platform string of a [`Value::Path`], [`Value::OsStr`] or [`Value::Str`].
    pub fn as_os_str(&self) -> Option<&'a OsStr> {
        match *self {
            Value::Path(p) => Some(p.as_os_str()),
            Value::OsStr(s) => Some(s),
            Value::Str(s) => Some(OsStr::new(s)),
            _ => None,
        }
    }

    /// The string, if this value is [`Value::Str`].
    pub fn as_str(&self) -> Option<&'a str> {
        match *self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The bytes, if this value is [`Value::Bytes`].
    pub fn as_bytes(&self) -> Option<&'a [u8]> {
        match *self {
            Value::Bytes(b) => Some(b),
            _ => None,
        }
    }

    /// The integer, if this value is an integer that fits in `i64`.
    pub fn as_i64(&self) -> Option<i64> {
        match *self {
            Value::Int(i) => Some(i),
            Value::Uint(u) => i64::try_from(u).ok(),
            _ => None,
        }
    }

    /// The integer, if this value is a non-negative integer.
    pub fn as_u64(&self) -> Option<u64> {
        match *self {
            Value::Uint(u) => Some(u),
            Value::Int(i) => u64::try_from(i).ok(),
            _ => None,
        }
    }

    /// The number, if this value is [`Value::Float`].
    pub fn as_f64(&self) -> Option<f64> {
        match *self {
            Value::Float(f) => Some(f),
            _ => None,
        }
    }

    /// The boolean, if this value is [`Value::Bool`].
    pub fn as_bool(&self) -> Option<bool> {
        match *self {
            Value::Bool(b) => Some(b),
            _ => None,
        }
    }

    /// The socket address, if this value is [`Value::SocketAddr`].
    pub fn as_socket_addr(&self) -> Option<SocketAddr> {
        match *self {
            Value::SocketAddr(a) => Some(a),
            _ => None,
        }
    }

    /// The IP address of a [`Value::Ip`] or [`Value::SocketAddr`].
    pub fn as_ip(&self) -> Option<IpAddr> {
        match *self {
            Value::Ip(ip) => Some(ip),
            Value::SocketAddr(a) => Some(a.ip()),
            _ => None,
        }
    }

    /// The duration, if this value is [`Value::Duration`].
    pub fn as_duration(&self) -> Option<Duration> {
        match *self {
            Value::Duration(d) => Some(d),
            _ => None,
        }
    }

    /// The elements, if this value is [`Value::List`].
    pub fn as_list(&self) -> Option<&'a [Value<'a>]> {
        match *self {
            Value::List(l) => Some(l),
            _ => None,
        }
    }

    /// Whether this is [`Value::None`].
    pub fn is_none(&self) -> bool {
        matches!(self, Value::None)
    }

    /// Copies the value into an [`OwnedValue`](crate::OwnedValue) that outlives the event.
    pub fn to_owned_value(&self) -> crate::OwnedValue {
        crate::OwnedValue::from(*self)
    }
}

/// Two forms: `{}` is the plain text, `{:#}` the quoted, escaped form that
/// fits on one line whatever the value holds.
///
/// The plain form shows paths and platform strings lossily (bytes that are not
/// UTF-8 become U+FFFD), strings as they are, and bytes escaped. It is for
/// people reading values the program chose; text from outside (a file name, a
/// host name) may contain line breaks or quotes, so never build a log line
/// from it.
///
/// The alternate form (`{:#}`) is what an [`Event`](crate::Event)'s `Display`
/// uses. Strings, paths, platform strings and [`Value::Debug`] renderings are
/// written between double quotes, with `\` and `"` escaped as `\\` and
/// `\"`, tab, line feed and carriage return as `\t`, `\n`, `\r`, other
/// control and non-printable characters (U+2028, bidirectional overrides, ...)
/// as `\u{..}`, and, in paths and platform strings, each byte that is not
/// part of valid UTF-8 as `\xNN`. Bytes are written as `b"..."`, escaped as in
/// the plain form; beyond 64 bytes, the first 64 and then the length,
/// `b"..."...<100 bytes>`. The form is lossless for strings, paths and platform
/// strings (`name-\xff` and `name-\xfe` differ) and contains no control
/// character, so it always stays on one line. Numbers, booleans, addresses
/// and durations are the same in both forms.
///
/// ```
/// use audit_core::Value;
/// use std::path::Path;
///
/// let v = Value::Path(Path::new("/tmp/a \"b\"\nc"));
/// assert_eq!(format!("{v:#}"), r#""/tmp/a \"b\"\nc""#);
/// assert_eq!(format!("{:#}", Value::Uint(7)), "7");
/// # #[cfg(unix)] {
/// use std::os::unix::ffi::OsStrExt;
/// let raw = Value::Path(Path::new(std::ffi::OsStr::from_bytes(b"name-\xff")));
/// assert_eq!(raw.to_string(), "name-\u{fffd}");
/// assert_eq!(format!("{raw:#}"), r#""name-\xff""#);
/// # }
/// ```
impl fmt::Display for Value<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if f.alternate() {
            self.fmt_quoted(f)
        } else {
            self.fmt_plain(f)
        }
    }
}

impl Value<'_> {
    /// The plain `Display` form.
    fn fmt_plain(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Value::Path(p) => fmt::Display::fmt(&p.display(), f),
            Value::OsStr(s) => fmt::Display::fmt(&s.display(), f),
            Value::Str(s) => f.write_str(s),
            Value::Bytes(b) => write_escaped_bytes(b, f),
            Value::Int(i) => fmt::Display::fmt(&i, f),
            Value::Uint(u) => fmt::Display::fmt(&u, f),
            Value::Float(x) => fmt::Display::fmt(&x, f),
            Value::Bool(b) => fmt::Display::fmt(&b, f),
            Value::SocketAddr(a) => fmt::Display::fmt(&a, f),
            Value::Ip(ip) => fmt::Display::fmt(&ip, f),
            Value::Duration(d) => fmt::Debug::fmt(&d, f),
            Value::None => f.write_str("none"),
            Value::List(items) => {
                f.write_str("[")?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    item.fmt_plain(f)?;
                }
                f.write_str("]")
            }
            Value::Debug(d) => write_debug(d, f.alternate(), f),
        }
    }

    /// The alternate (`{:#}`) `Display` form: one line, quoted, lossless for text.
    fn fmt_quoted(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Value::Path(p) => write_quoted_os(p.as_os_str(), f),
            Value::OsStr(s) => write_quoted_os(s, f),
            Value::Str(s) => {
                f.write_char('"')?;
                write_escaped_str(s, f)?;
                f.write_char('"')
            }
            Value::Bytes(b) => {
                // The cut mark goes after the quotes: inside them, it would
                // read as part of the data.
                let shown = &b[..b.len().min(BYTES_SHOWN)];
                write!(f, "b\"{}\"", shown.escape_ascii())?;
                if b.len() > BYTES_SHOWN {
                    write!(f, "...<{} bytes>", b.len())?;
                }
                Ok(())
            }
            Value::Debug(d) => {
                // A `Debug` implementation may write anything: escape its output too.
                f.write_char('"')?;
                write_debug(d, false, &mut Escaping(f))?;
                f.write_char('"')
            }
            Value::List(items) => {
                f.write_str("[")?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    item.fmt_quoted(f)?;
                }
                f.write_str("]")
            }
            // The remaining kinds never contain quotes, separators or control
            // characters; a fresh formatter drops the `#` flag.
            other => write!(f, "{}", Plain(other)),
        }
    }
}

/// Formats a value in its plain form whatever the caller's flags.
struct Plain<'a>(Value<'a>);

impl fmt::Display for Plain<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt_plain(f)
    }
}

/// A writer escaping everything written through it as in [`write_escaped_str`].
struct Escaping<'a, 'b>(&'a mut fmt::Formatter<'b>);

impl fmt::Write for Escaping<'_, '_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        write_escaped_str(s, self.0)
    }
}

/// Writes `value`'s `Debug` form (`{:#?}` when `alternate`). A `Debug`
/// implementation that fails by itself (an error the writer did not
/// cause) ends with `<Debug failed>` instead: formatting an event must not
/// fail, because `to_string` and `format!` panic on an error, and a panic
/// inside a hook refuses the operation.
pub(crate) fn write_debug(
    value: &dyn fmt::Debug,
    alternate: bool,
    out: &mut dyn fmt::Write,
) -> fmt::Result {
    /// Forwards to `out`, remembering whether `out` itself failed.
    struct Tracking<'a> {
        out: &'a mut dyn fmt::Write,
        out_failed: bool,
    }
    impl fmt::Write for Tracking<'_> {
        fn write_str(&mut self, s: &str) -> fmt::Result {
            let result = self.out.write_str(s);
            self.out_failed |= result.is_err();
            result
        }
    }
    let mut tracking = Tracking {
        out,
        out_failed: false,
    };
    let result = if alternate {
        write!(tracking, "{value:#?}")
    } else {
        write!(tracking, "{value:?}")
    };
    match result {
        Err(_) if !tracking.out_failed => tracking.out.write_str("<Debug failed>"),
        result => result,
    }
}

/// Writes `s` with `\`, `"` and every character that is not printable escaped.
///
/// Shared with `OwnedValue`'s `Display`, so both give the same text.
pub(crate) fn write_escaped_str(s: &str, out: &mut dyn fmt::Write) -> fmt::Result {
    // Runs of characters that need no escape are written in one piece.
    let mut start = 0;
    for (i, c) in s.char_indices() {
        let escape: Option<&str> = match c {
            '"' => Some("\\\""),
            '\\' => Some("\\\\"),
            '\n' => Some("\\n"),
            '\r' => Some("\\r"),
            '\t' => Some("\\t"),
            ' '..='~' => continue,
            // std's notion of printable: `escape_debug` leaves such a
            // character as it is. Control characters, line and paragraph
            // separators, format characters (bidirectional overrides) and
            // combining marks are escaped.
            c if !c.is_ascii() && c.escape_debug().len() == 1 => continue,
            _ => None,
        };
        out.write_str(&s[start..i])?;
        match escape {
            Some(e) => out.write_str(e)?,
            None => write!(out, "\\u{{{:x}}}", u32::from(c))?,
        }
        start = i + c.len_utf8();
    }
    out.write_str(&s[start..])
}

/// Writes a platform string between quotes, escaped, with bytes that are not
/// UTF-8 as `\xNN`.
fn write_quoted_os(s: &OsStr, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    f.write_char('"')?;
    // On Unix the encoded bytes are the OS bytes; elsewhere they are Rust's
    // own superset of UTF-8, still lossless.
    for chunk in s.as_encoded_bytes().utf8_chunks() {
        write_escaped_str(chunk.valid(), f)?;
        for byte in chunk.invalid() {
            write!(f, "\\x{byte:02x}")?;
        }
    }
    f.write_char('"')
}

impl fmt::Debug for Value<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Value::Path(p) => fmt::Debug::fmt(p, f),
            Value::OsStr(s) => fmt::Debug::fmt(s, f),
            Value::Str(s) => fmt::Debug::fmt(s, f),
            Value::Bytes(b) => {
                f.write_str("b\"")?;
                write_escaped_bytes(b, f)?;
                f.write_str("\"")
            }
            Value::Int(i) => fmt::Debug::fmt(&i, f),
            Value::Uint(u) => fmt::Debug::fmt(&u, f),
            Value::Float(x) => fmt::Debug::fmt(&x, f),
            Value::Bool(b) => fmt::Debug::fmt(&b, f),
            Value::SocketAddr(a) => fmt::Debug::fmt(&a, f),
            Value::Ip(ip) => fmt::Debug::fmt(&ip, f),
            Value::Duration(d) => fmt::Debug::fmt(&d, f),
            Value::None => f.write_str("None"),
            Value::List(items) => f.debug_list().entries(items).finish(),
            Value::Debug(d) => write_debug(d, f.alternate(), f),
        }
    }
}

/// Long byte strings are cut so that a hook logging a large write does not
/// log the whole payload; the length is always shown.
const BYTES_SHOWN: usize = 64;

fn write_escaped_bytes(bytes: &[u8], f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let shown = &bytes[..bytes.len().min(BYTES_SHOWN)];
    write!(f, "{}", shown.escape_ascii())?;
    if bytes.len() > BYTES_SHOWN {
        write!(f, "... ({} bytes)", bytes.len())?;
    }
    Ok(())
}

/// A type that can be passed as an audit event argument.
///
/// Implemented for strings, paths, platform strings, byte slices, integers,
/// floats, booleans, socket and IP addresses, durations, `Option`s of these,
/// slices of [`Value`]s, and references and smart pointers to any of them. For
/// anything else, wrap it with [`debug`](crate::debug) (shown through `Debug`)
/// or [`display`](crate::display), or record a field of it instead.
///
/// ```
/// use audit_core::{Recordable, Value};
///
/// struct UserId(u32);
///
/// impl Recordable for UserId {
///     fn record(&self) -> Value<'_> {
///         Value::Uint(self.0.into())
///     }
/// }
/// assert_eq!(UserId(7).record().as_u64(), Some(7));
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be recorded as an audit event argument",
    label = "not recordable",
    note = "record a field of it instead, or wrap it with `audit_core::debug(..)` or `audit_core::display(..)`",
    note = "or implement `audit_core::Recordable` for it"
)]
pub trait Recordable {
    /// The value a hook sees for this argument.
    fn record(&self) -> Value<'_>;
}

impl Recordable for Value<'_> {
    fn record(&self) -> Value<'_> {
        *self
    }
}

impl<T: Recordable + ?Sized> Recordable for &T {
    fn record(&self) -> Value<'_> {
        (**self).record()
    }
}

impl<T: Recordable + ?Sized> Recordable for &mut T {
    fn record(&self) -> Value<'_> {
        (**self).record()
    }
}

macro_rules! recordable_via_deref {
    ($($ty:ident),*) => {$(
        impl<T: Recordable + ?Sized> Recordable for $ty<T> {
            fn record(&self) -> Value<'_> {
                (**self).record()
            }
        }
    )*};
}
recordable_via_deref!(Box, Rc, Arc);

impl<T: Recordable> Recordable for Option<T> {
    fn record(&self) -> Value<'_> {
        match self {
            Some(v) => v.record(),
            None => Value::None,
        }
    }
}

macro_rules! recordable_int {
    ($variant:ident as $wide:ty: $($ty:ty),*) => {$(
        impl Recordable for $ty {
            fn record(&self) -> Value<'_> {
                // Widening conversions only: the `as` never truncates here.
                Value::$variant(*self as $wide)
            }
        }
    )*};
}
recordable_int!(Int as i64: i8, i16, i32, i64, isize);
recordable_int!(Uint as u64: u8, u16, u32, u64, usize);

impl Recordable for f32 {
    fn record(&self) -> Value<'_> {
        Value::Float(f64::from(*self))
    }
}

impl Recordable for f64 {
    fn record(&self) -> Value<'_> {
        Value::Float(*self)
    }
}

impl Recordable for bool {
    fn record(&self) -> Value<'_> {
        Value::Bool(*self)
    }
}

impl Recordable for str {
    fn record(&self) -> Value<'_> {
        Value::Str(self)
    }
}

impl Recordable for String {
    fn record(&self) -> Value<'_> {
        Value::Str(self)
    }
}

impl Recordable for Cow<'_, str> {
    fn record(&self) -> Value<'_> {
        Value::Str(self)
    }
}

impl Recordable for Path {
    fn record(&self) -> Value<'_> {
        Value::Path(self)
    }
}

impl Recordable for PathBuf {
    fn record(&self) -> Value<'_> {
        Value::Path(self)
    }
}

impl Recordable for Cow<'_, Path> {
    fn record(&self) -> Value<'_> {
        Value::Path(self)
    }
}

impl Recordable for OsStr {
    fn record(&self) -> Value<'_> {
        Value::OsStr(self)
    }
}

impl Recordable for OsString {
    fn record(&self) -> Value<'_> {
        Value::OsStr(self)
    }
}

impl Recordable for [u8] {
    fn record(&self) -> Value<'_> {
        Value::Bytes(self)
    }
}

impl<const N: usize> Recordable for [u8; N] {
    fn record(&self) -> Value<'_> {
        Value::Bytes(self)
    }
}

impl Recordable for Vec<u8> {
    fn record(&self) -> Value<'_> {
        Value::Bytes(self)
    }
}

impl<'a> Recordable for [Value<'a>] {
    fn record(&self) -> Value<'_> {
        Value::List(self)
    }
}

impl<'a> Recordable for Vec<Value<'a>> {
    fn record(&self) -> Value<'_> {
        Value::List(self)
    }
}

macro_rules! recordable_copy {
    ($($ty:ty => $variant:ident),*) => {$(
        impl Recordable for $ty {
            fn record(&self) -> Value<'_> {
                Value::$variant((*self).into())
            }
        }
    )*};
}
recordable_copy!(
    SocketAddr => SocketAddr,
    SocketAddrV4 => SocketAddr,
    SocketAddrV6 => SocketAddr,
    IpAddr => Ip,
    Ipv4Addr => Ip,
    Ipv6Addr => Ip,
    Duration => Duration
);

/// Wraps a value so that it is recorded through its `Debug` implementation.
///
/// Returned by [`debug`](crate::debug).
pub struct DebugValue<T>(T);

impl<T: fmt::Debug> Recordable for DebugValue<T> {
    fn record(&self) -> Value<'_> {
        Value::Debug(&self.0)
    }
}

/// Records any `Debug` value, for types that are not [`Recordable`].
///
/// ```
/// #[derive(Debug)]
/// struct Mode { read: bool }
///
/// let mode = Mode { read: true };
/// let _ = audit_core::audit!("app.mode", mode = audit_core::debug(&mode));
/// ```
pub fn debug<T: fmt::Debug>(value: T) -> DebugValue<T> {
    DebugValue(value)
}

/// Wraps a value so that it is recorded through its `Display` implementation.
///
/// Returned by [`display`](crate::display).
pub struct DisplayValue<T>(T);

impl<T: fmt::Display> fmt::Debug for DisplayValue<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl<T: fmt::Display> Recordable for DisplayValue<T> {
    fn record(&self) -> Value<'_> {
        Value::Debug(self)
    }
}

/// Records any `Display` value, for types that are not [`Recordable`].
///
/// ```
/// let user = std::fmt::format(format_args!("uid {}", 1000));
/// let _ = audit_core::audit!("app.login", user = audit_core::display(&user));
/// ```
pub fn display<T: fmt::Display>(value: T) -> DisplayValue<T> {
    DisplayValue(value)
}
