//! Audited drop-in for [`std::net`].
//!
//! Replace `use std::net::...` with `use audit_std::net::...` and the program
//! compiles and behaves the same, except that each operation that reaches an
//! address (looking up a name, connecting, binding, accepting, sending to an
//! explicit address, joining a multicast group) first raises an audit event,
//! and a vetoed operation fails with an [`io::Error`](std::io::Error) of kind
//! [`PermissionDenied`](std::io::ErrorKind::PermissionDenied) before any
//! effect. [`audit_core::audit_error`] recovers the refusal from the error.
//!
//! ```no_run
//! use audit_std::net::{TcpListener, TcpStream};
//! use std::io::{Read, Write};
//!
//! let listener = TcpListener::bind("127.0.0.1:0")?; // net.bind
//! let mut client = TcpStream::connect(listener.local_addr()?)?; // net.connect
//! let (mut server, _peer) = listener.accept()?; // net.accept
//! client.write_all(b"ping")?;
//! let mut buf = [0; 4];
//! server.read_exact(&mut buf)?;
//! # Ok::<(), std::io::Error>(())
//! ```
//!
//! # Events
//!
//! The Unix-domain sockets of [`crate::os::unix::net`] are listed here too, so
//! this is the whole `net.*` catalogue. Arguments are named; the constants in
//! [`events::net`](crate::events::net) give their value types.
//!
//! | event | arguments | raised by | closest CPython event |
//! |---|---|---|---|
//! | `net.resolve` | `(host, port)` | [`ToSocketAddrs::to_socket_addrs`] for a host name (not for a literal address), hence every `connect`, `bind` and `send_to` given one | `socket.getaddrinfo` |
//! | `net.connect` | `(address, protocol)` | [`TcpStream::connect`] (each address tried), [`TcpStream::connect_timeout`], [`UdpSocket::connect`] (each address tried); `protocol` is `"tcp"` or `"udp"` | `socket.connect` |
//! | `net.bind` | `(address, protocol)` | [`TcpListener::bind`], [`UdpSocket::bind`] (each address tried) | `socket.bind` |
//! | `net.accept` | `(peer, local)` | [`TcpListener::accept`], [`Incoming`] | none (`socket.__new__` without the peer) |
//! | `net.send_to` | `(address)` | [`UdpSocket::send_to`] | `socket.sendto` |
//! | `net.join_multicast` | `(group, interface)` | [`UdpSocket::join_multicast_v4`], [`UdpSocket::join_multicast_v6`] | none (`setsockopt` is not audited) |
//! | `net.unix_connect` | `(path, abstract_name)` | [`UnixStream::connect`](crate::os::unix::net::UnixStream::connect), [`UnixStream::connect_addr`](crate::os::unix::net::UnixStream::connect_addr), [`UnixDatagram::connect`](crate::os::unix::net::UnixDatagram::connect), [`UnixDatagram::connect_addr`](crate::os::unix::net::UnixDatagram::connect_addr) | `socket.connect` (`AF_UNIX`) |
//! | `net.unix_bind` | `(path, abstract_name)` | [`UnixListener::bind`](crate::os::unix::net::UnixListener::bind), [`UnixListener::bind_addr`](crate::os::unix::net::UnixListener::bind_addr), [`UnixDatagram::bind`](crate::os::unix::net::UnixDatagram::bind), [`UnixDatagram::bind_addr`](crate::os::unix::net::UnixDatagram::bind_addr) | `socket.bind` (`AF_UNIX`) |
//! | `net.unix_accept` | `(peer, local)` | [`UnixListener::accept`](crate::os::unix::net::UnixListener::accept), its [`Incoming`](crate::os::unix::net::Incoming) | none |
//! | `net.unix_send_to` | `(path, abstract_name)` | [`UnixDatagram::send_to`](crate::os::unix::net::UnixDatagram::send_to), [`UnixDatagram::send_to_addr`](crate::os::unix::net::UnixDatagram::send_to_addr) | `socket.sendto` (`AF_UNIX`) |
//!
//! Not audited, as in CPython: reading and writing (`read`, `write`, `recv`,
//! `send` on a connected socket), socket options, `shutdown`, `try_clone`,
//! leaving a multicast group, and adopting a descriptor (`FromRawFd`,
//! `From<OwnedFd>`). Unix socket pairs and unbound datagram sockets reach no
//! address and raise nothing.
//!
//! # Several addresses: each attempt is audited
//!
//! `connect` and `bind` accept anything that converts to a list of
//! addresses (a host name often resolves to both `::1` and `127.0.0.1`), and
//! std tries them in turn until one succeeds. This module runs the same loop
//! itself, so that the event names the address **actually** tried, once per
//! attempt. A vetoed address is skipped and the next one is tried: the policy
//! refused that address, not the operation (a hook refusing IPv6 still lets
//! `localhost` connect over IPv4). A veto is never hidden: if no address
//! succeeds and at least one was vetoed, the first veto is the error returned
//! (kind `PermissionDenied`, with its [`AuditError`](audit_core::AuditError)
//! inside), otherwise std's error (the last failure).
//!
//! `send_to` sends to the first address only, as std does, so it raises one
//! `net.send_to`.
//!
//! # Accepting: a refused peer is closed, and `accept` returns the error
//!
//! The operating system completes a TCP handshake before `accept` returns, so
//! the earliest point a program can refuse a peer is right after `accept`.
//! On a veto of `net.accept`, the connection is closed at once (the peer reads
//! end-of-file without receiving anything) and `accept` returns the veto as
//! an error; [`Incoming`] yields it as an `Err` item. `accept` does not loop
//! to the next peer, so the refusal stays visible and a non-blocking listener
//! keeps returning promptly. Servers that stop at the first error of
//! `incoming()` (`for s in listener.incoming() { let s = s?; ... }`) would let
//! a refused peer stop the server; handle `Err` per connection, as std's own
//! per-connection errors (`ECONNABORTED`, `EMFILE`) already require.
//!
//! # `ToSocketAddrs`
//!
//! This module has its own [`ToSocketAddrs`] trait, implemented for exactly the
//! types std's is implemented for, with the same iterator types and results.
//! Each implementation knows whether it holds a host name, so it raises
//! `net.resolve` **before** the lookup, and only for names.
//!
//! The alternatives were weighed:
//!
//! - *Re-export std's trait and audit inside `connect`/`bind`/`send_to`.*
//!   Generic code bounded by `std::net::ToSocketAddrs` would keep compiling,
//!   but std's trait is opaque: given a generic `A`, the only way to learn its
//!   addresses is to call `to_socket_addrs`, which performs the lookup. The
//!   lookup itself (a DNS query, an observable effect) could then only be
//!   reported after the fact, and names could not be told from literals.
//! - *Our trait with a blanket impl over std's.* Same opacity, and the same
//!   after-the-fact reporting.
//!
//! The cost of the chosen design: a function generic over
//! `std::net::ToSocketAddrs` that passes its argument to this module does not
//! compile until its bound names this module's trait (a compile error, never
//! a silent bypass), and a user type that implements std's trait must also
//! implement this one. Importing both traits into one scope makes the method
//! call `x.to_socket_addrs()` ambiguous; import one of them (the swap of
//! `use std::net::ToSocketAddrs` for `use audit_std::net::ToSocketAddrs` does
//! exactly that).
//!
//! # Types
//!
//! [`TcpStream`], [`TcpListener`] and [`UdpSocket`] wrap std's types without
//! `Deref` (which would expose std's unaudited `connect`/`send_to`). They have
//! every stable method of std's with the same signature, std's trait
//! implementations (`Read`/`Write` for the type and for a reference to it,
//! the descriptor traits, `Debug` with std's output), and `From` conversions
//! both ways; `into_std`/`as_std` are labelled escape hatches whose calls are
//! not audited. Address and error types are std's, re-exported.
//!
//! With audit-core's `off` feature every audit point compiles to nothing, and
//! the wrappers are std's calls with the same loop std runs.

mod addr;
mod tcp_listener;
mod tcp_stream;
pub(crate) mod traits;
mod udp;

pub use addr::ToSocketAddrs;
pub use tcp_listener::{Incoming, TcpListener};
pub use tcp_stream::TcpStream;
pub use udp::UdpSocket;

pub use std::net::{
    AddrParseError, IpAddr, Ipv4Addr, Ipv6Addr, Shutdown, SocketAddr, SocketAddrV4, SocketAddrV6,
};
