//! Names of the `net.*` events, raised by [`crate::net`] and
//! [`crate::os::unix::net`].
//!
//! Each constant documents the arguments its event carries, in order, with
//! their [`Value`](audit_core::Value) variants. The table in [`crate::net`]
//! maps every event to the operations that raise it and to CPython's closest
//! audit event.

/// `net.resolve`: a host name is about to be looked up (DNS, `/etc/hosts`,
/// ...). Raised only for names: literal addresses are parsed, never looked up.
///
/// Arguments: `(host: Str, port: Uint)`. Closest CPython event:
/// `socket.getaddrinfo`.
pub const RESOLVE: &str = "net.resolve";

/// `net.connect`: a TCP connection is about to be opened to an address, or a
/// UDP socket connected to one. Raised once per address actually tried.
///
/// Arguments: `(address: SocketAddr, protocol: Str)` where `protocol` is
/// `"tcp"` or `"udp"`. Closest CPython event: `socket.connect`.
pub const CONNECT: &str = "net.connect";

/// `net.bind`: a TCP listener or a UDP socket is about to be bound to a local
/// address. Raised once per address actually tried.
///
/// Arguments: `(address: SocketAddr, protocol: Str)` where `protocol` is
/// `"tcp"` or `"udp"`. Closest CPython event: `socket.bind`.
pub const BIND: &str = "net.bind";

/// `net.accept`: a TCP listener has taken a connection off its queue and is
/// about to hand it to the program. A veto closes the connection.
///
/// Arguments: `(peer: SocketAddr, local: SocketAddr or None)`: the remote end
/// and the local end of the accepted connection. No CPython equivalent
/// (CPython raises `socket.__new__` for the accepted socket, without the
/// peer).
pub const ACCEPT: &str = "net.accept";

/// `net.send_to`: a UDP datagram is about to be sent to an explicit address.
///
/// Arguments: `(address: SocketAddr)`. Closest CPython event:
/// `socket.sendto`.
pub const SEND_TO: &str = "net.send_to";

/// `net.join_multicast`: a UDP socket is about to join a multicast group.
///
/// Arguments: `(group: Ip, interface: Ip or Uint)`: the interface is an IPv4
/// address for IPv4 groups and an interface index for IPv6 groups. No CPython
/// equivalent (CPython does not audit `setsockopt`).
pub const JOIN_MULTICAST: &str = "net.join_multicast";

/// `net.unix_connect`: a Unix-domain stream is about to connect, or a
/// Unix-domain datagram socket is about to be connected, to a socket address.
///
/// Arguments: `(path: Path or None, abstract_name: Bytes or None)`: the
/// filesystem path, or (Linux and Android) the abstract name; the other one
/// is `None`. Closest CPython event: `socket.connect` (with an `AF_UNIX`
/// address).
pub const UNIX_CONNECT: &str = "net.unix_connect";

/// `net.unix_bind`: a Unix-domain listener or datagram socket is about to be
/// bound, which creates the socket file for a path address.
///
/// Arguments: `(path: Path or None, abstract_name: Bytes or None)`, as for
/// [`UNIX_CONNECT`]. Closest CPython event: `socket.bind`.
pub const UNIX_BIND: &str = "net.unix_bind";

/// `net.unix_accept`: a Unix-domain listener has taken a connection off its
/// queue and is about to hand it to the program. A veto closes the
/// connection.
///
/// Arguments: `(peer: Path or None, local: Path or None)`: the peer's path
/// (`None` unless the peer bound its socket, which is rare) and the
/// listener's path. No CPython equivalent.
pub const UNIX_ACCEPT: &str = "net.unix_accept";

/// `net.unix_send_to`: a Unix-domain datagram is about to be sent to an
/// explicit socket address.
///
/// Arguments: `(path: Path or None, abstract_name: Bytes or None)`, as for
/// [`UNIX_CONNECT`]. Closest CPython event: `socket.sendto`.
pub const UNIX_SEND_TO: &str = "net.unix_send_to";

/// Every `net.*` event, in the order of the table in [`crate::net`]'s
/// documentation.
///
/// For code that treats the family as a whole: a policy that lists what it
/// covers, a test that checks each event was raised.
///
/// ```
/// use audit_std::events::net;
///
/// assert!(net::ALL.contains(&net::RESOLVE));
/// assert!(net::ALL.iter().all(|name| name.starts_with("net.")));
/// ```
pub const ALL: &[&str] = &[
    RESOLVE,
    CONNECT,
    BIND,
    ACCEPT,
    SEND_TO,
    JOIN_MULTICAST,
    UNIX_CONNECT,
    UNIX_BIND,
    UNIX_ACCEPT,
    UNIX_SEND_TO,
];
