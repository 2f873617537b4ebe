//! Audited drop-in for [`tokio::net`].
//!
//! Replace `use tokio::net::...` with `use audit_tokio::net::...` and the
//! program compiles and behaves the same, except that each operation that
//! reaches an address (looking up a name, connecting, binding, accepting,
//! sending to an explicit address, joining a multicast group) first raises
//! the same `net.*` event as [`audit_std::net`], with the same arguments, on
//! the task that awaits it; a vetoed operation fails with an
//! [`io::Error`] of kind
//! [`PermissionDenied`](std::io::ErrorKind::PermissionDenied) before any
//! socket is connected, bound or sent on.
//!
//! ```
//! use audit_tokio::net::{TcpListener, TcpStream};
//! use tokio::io::{AsyncReadExt, AsyncWriteExt};
//!
//! # tokio::runtime::Builder::new_current_thread().enable_all().build()?.block_on(async {
//! let listener = TcpListener::bind("127.0.0.1:0").await?; // net.bind
//! let mut client = TcpStream::connect(listener.local_addr()?).await?; // net.connect
//! let (mut server, _peer) = listener.accept().await?; // net.accept
//! client.write_all(b"ping").await?;
//! let mut buf = [0; 4];
//! server.read_exact(&mut buf).await?;
//! assert_eq!(&buf, b"ping");
//! # Ok::<(), std::io::Error>(())
//! # })?;
//! # Ok::<(), std::io::Error>(())
//! ```
//!
//! # Events
//!
//! | event | arguments | raised by |
//! |---|---|---|
//! | `net.resolve` | `(host, port)` | [`lookup_host`], and every `connect`, `bind` and `send_to` given a host name (never for a literal address) |
//! | `net.connect` | `(address, protocol)` | [`TcpStream::connect`] (each address tried), [`TcpSocket::connect`], [`UdpSocket::connect`] (each address tried) |
//! | `net.bind` | `(address, protocol)` | [`TcpListener::bind`], [`UdpSocket::bind`] (each address tried), [`TcpSocket::bind`] |
//! | `net.accept` | `(peer, local)` | [`TcpListener::accept`], [`TcpListener::poll_accept`] |
//! | `net.send_to` | `(address)` | [`UdpSocket::send_to`], [`UdpSocket::try_send_to`], [`UdpSocket::poll_send_to`] |
//! | `net.join_multicast` | `(group, interface)` | [`UdpSocket::join_multicast_v4`], [`UdpSocket::join_multicast_v6`] |
//! | `net.unix_connect` | `(path, abstract_name)` | [`UnixStream::connect`], [`UnixDatagram::connect`] (Unix) |
//! | `net.unix_bind` | `(path, abstract_name)` | [`UnixListener::bind`], [`UnixListener::bind_addr`], [`UnixDatagram::bind`] (Unix) |
//! | `net.unix_accept` | `(peer, local)` | [`UnixListener::accept`], [`UnixListener::poll_accept`] (Unix) |
//! | `net.unix_send_to` | `(path, abstract_name)` | [`UnixDatagram::send_to`], [`UnixDatagram::try_send_to`], [`UnixDatagram::poll_send_to`] (Unix) |
//!
//! The rules are `audit_std::net`'s: each address actually tried raises its
//! own `net.connect` or `net.bind`; a vetoed address is skipped and the next
//! one tried, and if none succeeds the first veto is returned (never hidden
//! behind a later network error). A vetoed accept closes the connection and
//! returns the veto as an error: a server loop should treat it as a
//! per-connection failure and keep accepting. Reads, writes, socket options
//! and `try_io` raise nothing. The `poll_*`/`try_*` methods that reach an
//! explicit address raise their event at every call, since each call is an
//! attempt.
//!
//! # `ToSocketAddrs`
//!
//! tokio's `ToSocketAddrs` is sealed and opaque: given one, the only way to
//! learn its addresses is to look them up, which could only be reported
//! after the fact. This module has its own sealed [`ToSocketAddrs`],
//! implemented for the same types as tokio's, which tells a host name from a
//! literal address and raises `net.resolve` **before** looking a name up
//! (as tokio's [`lookup_host`](tokio::net::lookup_host) does: `std`'s
//! lookup, on the blocking pool, in a job that carries the event's record,
//! so that `audit-interpose` does not raise it a second time).
//!
//! # Types and escape hatches
//!
//! The socket types wrap tokio's without `Deref`, with tokio's methods and
//! trait implementations (`AsyncRead`/`AsyncWrite`, the descriptor traits,
//! `Debug`). `split`/`into_split` return tokio's halves, re-exported in
//! [`tcp`] and [`unix`]: they carry no audited operation. `from_std`,
//! `into_std`, `as_tokio`, `into_tokio` and the `From` conversions cross
//! over to unaudited types; note that a `&tokio::net::UdpSocket` (or
//! `UnixDatagram`) can `send_to` and `connect` without an event.

use std::future::Future;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};

use audit_core::__private::already;
use audit_core::audit;
use audit_std::events;

#[macro_use]
mod macros;
mod tcp_listener;
mod tcp_socket;
mod tcp_stream;
mod udp;
#[cfg(unix)]
mod unix_datagram;
#[cfg(unix)]
mod unix_listener;
#[cfg(unix)]
mod unix_stream;

pub use tcp_listener::TcpListener;
pub use tcp_socket::TcpSocket;
pub use tcp_stream::TcpStream;
pub use udp::UdpSocket;
#[cfg(unix)]
pub use unix_datagram::UnixDatagram;
#[cfg(unix)]
pub use unix_listener::UnixListener;
#[cfg(unix)]
pub use unix_stream::UnixStream;

/// TCP helper types: tokio's own, which carry no audited operation.
pub mod tcp {
    pub use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf, ReadHalf, ReuniteError, WriteHalf};
}

/// Unix-domain helper types: tokio's own, which carry no audited operation.
#[cfg(unix)]
pub mod unix {
    pub use tokio::net::unix::{
        OwnedReadHalf, OwnedWriteHalf, ReadHalf, ReuniteError, SocketAddr, UCred, WriteHalf,
    };
}

/// Values that can be turned into socket addresses, looking host names up
/// when needed: the argument of `connect`, `bind`, `send_to` and
/// [`lookup_host`].
///
/// Implemented for the same types as tokio's
/// [`ToSocketAddrs`](tokio::net::ToSocketAddrs) (socket addresses, `(ip,
/// port)` pairs, `"host:port"` strings, `(host, port)` pairs, slices of
/// addresses, and references to these). Sealed, like tokio's. A host name
/// raises [`events::net::RESOLVE`] with `(host, port)` before it is looked
/// up; a literal address is parsed and raises nothing.
pub trait ToSocketAddrs: sealed::ToSocketAddrsPriv {}

pub(crate) mod sealed {
    use std::io;
    use std::net::SocketAddr;

    /// What a [`ToSocketAddrs`](super::ToSocketAddrs) value stands for,
    /// before any lookup.
    #[derive(Debug)]
    pub enum Addrs {
        /// One literal address: no lookup, and no allocation (the common
        /// case, kept as cheap as tokio's own).
        One(SocketAddr),
        /// Several literal addresses: no lookup.
        Many(Vec<SocketAddr>),
        /// A host name to look up, and the port.
        Name(String, u16),
    }

    /// The sealed half of the trait: parsing, with no lookup.
    pub trait ToSocketAddrsPriv {
        /// Parses the value, without looking anything up.
        fn to_addrs(&self) -> io::Result<Addrs>;
    }
}

use sealed::{Addrs, ToSocketAddrsPriv};

macro_rules! literal_addrs {
    ($($ty:ty => |$v:ident| $e:expr;)*) => {$(
        impl ToSocketAddrs for $ty {}
        impl ToSocketAddrsPriv for $ty {
            fn to_addrs(&self) -> io::Result<Addrs> {
                let $v = self;
                Ok(Addrs::One($e))
            }
        }
    )*};
}

literal_addrs! {
    SocketAddr => |a| *a;
    SocketAddrV4 => |a| SocketAddr::V4(*a);
    SocketAddrV6 => |a| SocketAddr::V6(*a);
    (IpAddr, u16) => |a| SocketAddr::new(a.0, a.1);
    (Ipv4Addr, u16) => |a| SocketAddr::new(IpAddr::V4(a.0), a.1);
    (Ipv6Addr, u16) => |a| SocketAddr::new(IpAddr::V6(a.0), a.1);
}

impl ToSocketAddrs for &[SocketAddr] {}
impl ToSocketAddrsPriv for &[SocketAddr] {
    fn to_addrs(&self) -> io::Result<Addrs> {
        Ok(Addrs::Many(self.to_vec()))
    }
}

impl ToSocketAddrs for str {}
impl ToSocketAddrsPriv for str {
    fn to_addrs(&self) -> io::Result<Addrs> {
        // As tokio and std: a literal `ip:port` first, then `host:port`.
        if let Ok(addr) = self.parse::<SocketAddr>() {
            return Ok(Addrs::One(addr));
        }
        let (host, port) = split_host_port(self)?;
        Ok(name_or_ip(host, port))
    }
}

impl ToSocketAddrs for String {}
impl ToSocketAddrsPriv for String {
    fn to_addrs(&self) -> io::Result<Addrs> {
        self.as_str().to_addrs()
    }
}

impl ToSocketAddrs for (&str, u16) {}
impl ToSocketAddrsPriv for (&str, u16) {
    fn to_addrs(&self) -> io::Result<Addrs> {
        Ok(name_or_ip(self.0, self.1))
    }
}

impl ToSocketAddrs for (String, u16) {}
impl ToSocketAddrsPriv for (String, u16) {
    fn to_addrs(&self) -> io::Result<Addrs> {
        Ok(name_or_ip(&self.0, self.1))
    }
}

impl<T: ToSocketAddrs + ?Sized> ToSocketAddrs for &T {}
impl<T: ToSocketAddrsPriv + ?Sized> ToSocketAddrsPriv for &T {
    fn to_addrs(&self) -> io::Result<Addrs> {
        (**self).to_addrs()
    }
}

/// A literal IP address is parsed, never looked up (as std does).
fn name_or_ip(host: &str, port: u16) -> Addrs {
    match host.parse::<IpAddr>() {
        Ok(ip) => Addrs::One(SocketAddr::new(ip, port)),
        Err(_) => Addrs::Name(host.to_owned(), port),
    }
}

/// Splits `"host:port"` at its last colon, with std's error kinds and
/// messages for a missing or bad port.
fn split_host_port(s: &str) -> io::Result<(&str, u16)> {
    let Some((host, port)) = s.rsplit_once(':') else {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "invalid socket address",
        ));
    };
    let port = port
        .parse::<u16>()
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "invalid port value"))?;
    Ok((host, port))
}

/// The addresses a [`ToSocketAddrs`] value stands for, once resolved.
pub(crate) enum AddrIter {
    One(std::option::IntoIter<SocketAddr>),
    Many(std::vec::IntoIter<SocketAddr>),
}

impl Iterator for AddrIter {
    type Item = SocketAddr;

    fn next(&mut self) -> Option<SocketAddr> {
        match self {
            AddrIter::One(it) => it.next(),
            AddrIter::Many(it) => it.next(),
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        match self {
            AddrIter::One(it) => it.size_hint(),
            AddrIter::Many(it) => it.size_hint(),
        }
    }
}

/// The addresses `addr` stands for, raising `net.resolve` before a lookup.
pub(crate) async fn resolve<A: ToSocketAddrs + ?Sized>(
    caller: &'static std::panic::Location<'static>,
    addr: &A,
) -> io::Result<AddrIter> {
    match addr.to_addrs()? {
        Addrs::One(addr) => Ok(AddrIter::One(Some(addr).into_iter())),
        Addrs::Many(addrs) => Ok(AddrIter::Many(addrs.into_iter())),
        Addrs::Name(host, port) => {
            let carried = already::carry(
                || audit!(@caller caller, events::net::RESOLVE, host = host.as_str(), port),
            )?;
            // What tokio's `lookup_host` does (`std`'s lookup, on the
            // blocking pool), in a job that carries the record: the
            // `getaddrinfo` it calls does not raise `net.resolve` again
            // (audit-interpose).
            let found = crate::blocking::blocking(carried, move || {
                std::net::ToSocketAddrs::to_socket_addrs(&(host.as_str(), port))
                    .map(Iterator::collect::<Vec<SocketAddr>>)
            })
            .await?;
            Ok(AddrIter::Many(found.into_iter()))
        }
    }
}

/// Performs a DNS resolution.
///
/// Raises [`events::net::RESOLVE`] with `(host, port)` before looking up a
/// host name; a literal address raises nothing and is returned as is.
///
/// Wrapper for [`tokio::net::lookup_host`].
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().enable_all().build()?.block_on(async {
/// let addrs: Vec<_> = audit_tokio::net::lookup_host("127.0.0.1:8080").await?.collect();
/// assert_eq!(addrs, ["127.0.0.1:8080".parse().unwrap()]);
/// # Ok::<(), std::io::Error>(())
/// # })?;
/// # Ok::<(), std::io::Error>(())
/// ```
#[track_caller]
pub fn lookup_host<T>(
    host: T,
) -> impl std::future::Future<Output = io::Result<impl Iterator<Item = SocketAddr>>>
where
    T: ToSocketAddrs,
{
    let caller = std::panic::Location::caller();
    async move { resolve(caller, &host).await }
}

/// The protocol an address is tried for, as the `protocol` argument says it.
pub(crate) const TCP: &str = "tcp";
/// See [`TCP`].
pub(crate) const UDP: &str = "udp";

/// tokio's "try each address in turn" loop, with each attempt audited by
/// the caller's `attempt` (which raises the event, then calls tokio).
///
/// Returns the first success. When every attempt fails, returns the first
/// veto if any address was vetoed (a refusal is never hidden behind a later
/// network error), otherwise the last error, as tokio does; with no address
/// at all, tokio's `InvalidInput` error.
pub(crate) async fn each_addr<A, T, F, Fut>(
    caller: &'static std::panic::Location<'static>,
    addr: A,
    mut attempt: F,
) -> io::Result<T>
where
    A: ToSocketAddrs,
    F: FnMut(SocketAddr) -> Fut,
    Fut: Future<Output = io::Result<T>>,
{
    let mut veto = None;
    let mut last = None;
    for addr in resolve(caller, &addr).await? {
        match attempt(addr).await {
            Ok(done) => return Ok(done),
            Err(err) if audit_core::ENABLED && audit_core::audit_error(&err).is_some() => {
                veto.get_or_insert(err);
            }
            Err(err) => last = Some(err),
        }
    }
    Err(veto.or(last).unwrap_or_else(|| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            "could not resolve to any address",
        )
    }))
}

/// The abstract name of a Unix socket address (Linux), as the
/// `abstract_name` argument of `net.unix_*` events.
#[cfg(unix)]
pub(crate) fn abstract_name(addr: &std::os::unix::net::SocketAddr) -> Option<&[u8]> {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        #[cfg(target_os = "android")]
        use std::os::android::net::SocketAddrExt;
        #[cfg(target_os = "linux")]
        use std::os::linux::net::SocketAddrExt;
        addr.as_abstract_name()
    }
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    {
        let _ = addr;
        None
    }
}
