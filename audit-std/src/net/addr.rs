//! [`ToSocketAddrs`]: turning the values std accepts into socket addresses,
//! with host-name lookups audited, and the "try each address" loop shared by
//! `connect` and `bind`.

use std::io;
use std::iter;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};
use std::option;
use std::slice;
use std::vec;

use audit_core::audit;

use crate::events;

/// A value that can be turned into one or more socket addresses, looking up
/// host names when needed.
///
/// This crate's own trait, implemented for exactly the types that implement
/// [`std::net::ToSocketAddrs`], with the same associated iterator types and
/// the same results. The difference: before a host name is looked up, it
/// raises [`events::net::RESOLVE`] with `(host, port)`, and a veto fails the
/// conversion before any lookup. Literal addresses (`"127.0.0.1:80"`,
/// `(Ipv4Addr::LOCALHOST, 80)`, a [`SocketAddr`]) are parsed, never looked
/// up, and raise nothing.
///
/// The [module documentation](crate::net#tosocketaddrs) explains why this is
/// a separate trait rather than std's.
///
/// ```
/// use audit_std::net::ToSocketAddrs;
///
/// let addrs: Vec<_> = "127.0.0.1:8080".to_socket_addrs()?.collect();
/// assert_eq!(addrs, ["127.0.0.1:8080".parse().unwrap()]);
/// # Ok::<(), std::io::Error>(())
/// ```
pub trait ToSocketAddrs {
    /// The iterator over the socket addresses this value stands for.
    type Iter: Iterator<Item = SocketAddr>;

    /// Converts this value into an iterator of socket addresses.
    ///
    /// Raises [`events::net::RESOLVE`] with `(host, port)` before looking up
    /// a host name; nothing for a literal address.
    ///
    /// Mirror of [`std::net::ToSocketAddrs::to_socket_addrs`].
    ///
    /// `#[track_caller]`, in every implementation: a name lookup raises
    /// `net.resolve` for the code that asked for the connection.
    #[track_caller]
    fn to_socket_addrs(&self) -> io::Result<Self::Iter>;
}

impl ToSocketAddrs for SocketAddr {
    type Iter = option::IntoIter<SocketAddr>;
    fn to_socket_addrs(&self) -> io::Result<Self::Iter> {
        Ok(Some(*self).into_iter())
    }
}

impl ToSocketAddrs for SocketAddrV4 {
    type Iter = option::IntoIter<SocketAddr>;
    #[track_caller]
    fn to_socket_addrs(&self) -> io::Result<Self::Iter> {
        SocketAddr::V4(*self).to_socket_addrs()
    }
}

impl ToSocketAddrs for SocketAddrV6 {
    type Iter = option::IntoIter<SocketAddr>;
    #[track_caller]
    fn to_socket_addrs(&self) -> io::Result<Self::Iter> {
        SocketAddr::V6(*self).to_socket_addrs()
    }
}

impl ToSocketAddrs for (IpAddr, u16) {
    type Iter = option::IntoIter<SocketAddr>;
    #[track_caller]
    fn to_socket_addrs(&self) -> io::Result<Self::Iter> {
        SocketAddr::new(self.0, self.1).to_socket_addrs()
    }
}

impl ToSocketAddrs for (Ipv4Addr, u16) {
    type Iter = option::IntoIter<SocketAddr>;
    #[track_caller]
    fn to_socket_addrs(&self) -> io::Result<Self::Iter> {
        SocketAddrV4::new(self.0, self.1).to_socket_addrs()
    }
}

impl ToSocketAddrs for (Ipv6Addr, u16) {
    type Iter = option::IntoIter<SocketAddr>;
    #[track_caller]
    fn to_socket_addrs(&self) -> io::Result<Self::Iter> {
        SocketAddrV6::new(self.0, self.1, 0, 0).to_socket_addrs()
    }
}

impl ToSocketAddrs for (&str, u16) {
    type Iter = vec::IntoIter<SocketAddr>;
    #[track_caller]
    fn to_socket_addrs(&self) -> io::Result<Self::Iter> {
        resolve(self.0, self.1)
    }
}

impl ToSocketAddrs for (String, u16) {
    type Iter = vec::IntoIter<SocketAddr>;
    #[track_caller]
    fn to_socket_addrs(&self) -> io::Result<Self::Iter> {
        resolve(&self.0, self.1)
    }
}

impl ToSocketAddrs for str {
    type Iter = vec::IntoIter<SocketAddr>;
    #[track_caller]
    fn to_socket_addrs(&self) -> io::Result<Self::Iter> {
        // Compiled out, std's own code, so the binary is what std's would be.
        if !audit_core::ENABLED {
            return std::net::ToSocketAddrs::to_socket_addrs(self);
        }
        // Same order as std: a literal `ip:port` first, then `host:port`.
        if let Ok(addr) = self.parse::<SocketAddr>() {
            return Ok(vec![addr].into_iter());
        }
        let (host, port) = split_host_port(self)?;
        resolve(host, port)
    }
}

impl ToSocketAddrs for String {
    type Iter = vec::IntoIter<SocketAddr>;
    #[track_caller]
    fn to_socket_addrs(&self) -> io::Result<Self::Iter> {
        self.as_str().to_socket_addrs()
    }
}

impl<'a> ToSocketAddrs for &'a [SocketAddr] {
    type Iter = iter::Cloned<slice::Iter<'a, SocketAddr>>;
    fn to_socket_addrs(&self) -> io::Result<Self::Iter> {
        Ok(self.iter().cloned())
    }
}

impl<T: ToSocketAddrs + ?Sized> ToSocketAddrs for &T {
    type Iter = T::Iter;
    #[track_caller]
    fn to_socket_addrs(&self) -> io::Result<T::Iter> {
        (**self).to_socket_addrs()
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

/// Resolves `(host, port)` as std's `(&str, u16)` does, raising
/// [`events::net::RESOLVE`] first when `host` is a name rather than a literal
/// IP address.
#[track_caller]
fn resolve(host: &str, port: u16) -> io::Result<vec::IntoIter<SocketAddr>> {
    if !audit_core::ENABLED {
        return std::net::ToSocketAddrs::to_socket_addrs(&(host, port));
    }
    // std parses a literal first and never looks it up; do the same, and
    // raise nothing for it.
    if let Ok(ip) = host.parse::<IpAddr>() {
        return Ok(vec![SocketAddr::new(ip, port)].into_iter());
    }
    audit!(events::net::RESOLVE, host, port)?;
    std::net::ToSocketAddrs::to_socket_addrs(&(host, port))
}

/// The protocol an address is tried for, as the `protocol` argument says it.
#[derive(Clone, Copy)]
pub(crate) enum Protocol {
    Tcp,
    Udp,
}

impl Protocol {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Protocol::Tcp => "tcp",
            Protocol::Udp => "udp",
        }
    }
}

/// std's "try each address in turn" loop, with each attempt audited by the
/// caller's `attempt` (which raises the event, then calls std).
///
/// Returns the first success. When every attempt fails, returns the first
/// veto if any address was vetoed (a refusal is never hidden behind a later
/// network error), otherwise the last error, as std does; with no address at
/// all, std's `InvalidInput` error.
#[track_caller]
pub(crate) fn each_addr<A: ToSocketAddrs, T>(
    addr: A,
    mut attempt: impl FnMut(&SocketAddr) -> io::Result<T>,
) -> io::Result<T> {
    let mut veto = None;
    let mut last = None;
    for addr in addr.to_socket_addrs()? {
        match attempt(&addr) {
            Ok(done) => return Ok(done),
            // `ENABLED` first: compiled out, there are no vetoes to look for.
            Err(err) if audit_core::ENABLED && audit_core::audit_error(&err).is_some() => {
                veto.get_or_insert(err);
            }
            Err(err) => last = Some(err),
        }
    }
    Err(veto.or(last).unwrap_or_else(|| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            "could not resolve to any addresses",
        )
    }))
}
