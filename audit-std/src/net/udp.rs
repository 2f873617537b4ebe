//! [`UdpSocket`]: an audited UDP socket.

use std::io;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};

use audit_core::audit;

use super::addr::{each_addr, Protocol};
use super::traits::{socket_options, socket_traits};
use super::ToSocketAddrs;
use crate::events;

/// A UDP socket whose binding, connecting, sending to explicit addresses and
/// multicast joins are audited.
///
/// Raises [`events::net::BIND`], [`events::net::CONNECT`],
/// [`events::net::SEND_TO`] and [`events::net::JOIN_MULTICAST`].
/// [`send`](UdpSocket::send) on a connected socket is not audited (its
/// address was, by [`connect`](UdpSocket::connect)), nor is receiving, as in
/// CPython.
///
/// Wrapper for [`std::net::UdpSocket`]; it has the same methods and trait
/// implementations, and converts to and from it with `From`.
///
/// ```no_run
/// use audit_std::net::UdpSocket;
///
/// let socket = UdpSocket::bind("127.0.0.1:34254")?;
/// let mut buf = [0; 10];
/// let (amt, src) = socket.recv_from(&mut buf)?;
/// socket.send_to(&buf[..amt], &src)?;
/// # Ok::<(), std::io::Error>(())
/// ```
pub struct UdpSocket(pub(crate) std::net::UdpSocket);

impl UdpSocket {
    /// Creates a UDP socket bound to the given address.
    ///
    /// Raises [`events::net::RESOLVE`] with `(host, port)` if `addr` names a
    /// host, then [`events::net::BIND`] with `(address, "udp")` before each
    /// attempt. Like std, the addresses are tried in turn until one binds; a
    /// vetoed address is skipped, and if none binds the veto is returned.
    ///
    /// Wrapper for [`std::net::UdpSocket::bind`].
    #[track_caller]
    pub fn bind<A: ToSocketAddrs>(addr: A) -> io::Result<UdpSocket> {
        // The audit point is in the closure: the caller is taken here.
        let caller = std::panic::Location::caller();
        each_addr(addr, |address| {
            audit!(@caller caller, events::net::BIND, address, protocol = Protocol::Udp.name())?;
            std::net::UdpSocket::bind(address).map(UdpSocket)
        })
    }

    /// Receives a single datagram message on the socket.
    ///
    /// Wrapper for [`std::net::UdpSocket::recv_from`].
    pub fn recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        self.0.recv_from(buf)
    }

    /// Receives a single datagram message without removing it from the queue.
    ///
    /// Wrapper for [`std::net::UdpSocket::peek_from`].
    pub fn peek_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        self.0.peek_from(buf)
    }

    /// Sends data on the socket to the given address.
    ///
    /// Raises [`events::net::RESOLVE`] with `(host, port)` if `addr` names a
    /// host, then [`events::net::SEND_TO`] with `(address)` for the first
    /// address (the only one std sends to). A vetoed send sends nothing.
    ///
    /// Wrapper for [`std::net::UdpSocket::send_to`].
    #[track_caller]
    pub fn send_to<A: ToSocketAddrs>(&self, buf: &[u8], addr: A) -> io::Result<usize> {
        match addr.to_socket_addrs()?.next() {
            Some(address) => {
                audit!(events::net::SEND_TO, address)?;
                self.0.send_to(buf, address)
            }
            None => Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "no addresses to send data to",
            )),
        }
    }

    /// Returns the socket address of the remote peer this socket was
    /// connected to.
    ///
    /// Wrapper for [`std::net::UdpSocket::peer_addr`].
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.0.peer_addr()
    }

    /// Returns the socket address this socket was created from.
    ///
    /// Wrapper for [`std::net::UdpSocket::local_addr`].
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.0.local_addr()
    }

    /// Creates a new independently owned handle to the underlying socket.
    ///
    /// Wrapper for [`std::net::UdpSocket::try_clone`].
    pub fn try_clone(&self) -> io::Result<UdpSocket> {
        self.0.try_clone().map(UdpSocket)
    }

    /// Sets the value of the `SO_BROADCAST` option for this socket. Not
    /// audited; each broadcast `send_to` is.
    ///
    /// Wrapper for [`std::net::UdpSocket::set_broadcast`].
    pub fn set_broadcast(&self, broadcast: bool) -> io::Result<()> {
        self.0.set_broadcast(broadcast)
    }

    /// Gets the value of the `SO_BROADCAST` option for this socket.
    ///
    /// Wrapper for [`std::net::UdpSocket::broadcast`].
    pub fn broadcast(&self) -> io::Result<bool> {
        self.0.broadcast()
    }

    /// Sets the value of the `IP_MULTICAST_LOOP` option for this socket.
    ///
    /// Wrapper for [`std::net::UdpSocket::set_multicast_loop_v4`].
    pub fn set_multicast_loop_v4(&self, multicast_loop_v4: bool) -> io::Result<()> {
        self.0.set_multicast_loop_v4(multicast_loop_v4)
    }

    /// Gets the value of the `IP_MULTICAST_LOOP` option for this socket.
    ///
    /// Wrapper for [`std::net::UdpSocket::multicast_loop_v4`].
    pub fn multicast_loop_v4(&self) -> io::Result<bool> {
        self.0.multicast_loop_v4()
    }

    /// Sets the value of the `IP_MULTICAST_TTL` option for this socket.
    ///
    /// Wrapper for [`std::net::UdpSocket::set_multicast_ttl_v4`].
    pub fn set_multicast_ttl_v4(&self, multicast_ttl_v4: u32) -> io::Result<()> {
        self.0.set_multicast_ttl_v4(multicast_ttl_v4)
    }

    /// Gets the value of the `IP_MULTICAST_TTL` option for this socket.
    ///
    /// Wrapper for [`std::net::UdpSocket::multicast_ttl_v4`].
    pub fn multicast_ttl_v4(&self) -> io::Result<u32> {
        self.0.multicast_ttl_v4()
    }

    /// Sets the value of the `IPV6_MULTICAST_LOOP` option for this socket.
    ///
    /// Wrapper for [`std::net::UdpSocket::set_multicast_loop_v6`].
    pub fn set_multicast_loop_v6(&self, multicast_loop_v6: bool) -> io::Result<()> {
        self.0.set_multicast_loop_v6(multicast_loop_v6)
    }

    /// Gets the value of the `IPV6_MULTICAST_LOOP` option for this socket.
    ///
    /// Wrapper for [`std::net::UdpSocket::multicast_loop_v6`].
    pub fn multicast_loop_v6(&self) -> io::Result<bool> {
        self.0.multicast_loop_v6()
    }

    /// Sets the value for the `IP_TTL` option on this socket.
    ///
    /// Wrapper for [`std::net::UdpSocket::set_ttl`].
    pub fn set_ttl(&self, ttl: u32) -> io::Result<()> {
        self.0.set_ttl(ttl)
    }

    /// Gets the value of the `IP_TTL` option for this socket.
    ///
    /// Wrapper for [`std::net::UdpSocket::ttl`].
    pub fn ttl(&self) -> io::Result<u32> {
        self.0.ttl()
    }

    /// Joins an IPv4 multicast group (`IP_ADD_MEMBERSHIP`).
    ///
    /// Raises [`events::net::JOIN_MULTICAST`] with `(group, interface)`
    /// (the interface's IPv4 address) before joining.
    ///
    /// Wrapper for [`std::net::UdpSocket::join_multicast_v4`].
    #[track_caller]
    pub fn join_multicast_v4(&self, multiaddr: &Ipv4Addr, interface: &Ipv4Addr) -> io::Result<()> {
        audit!(events::net::JOIN_MULTICAST, group = multiaddr, interface)?;
        self.0.join_multicast_v4(multiaddr, interface)
    }

    /// Joins an IPv6 multicast group (`IPV6_ADD_MEMBERSHIP`).
    ///
    /// Raises [`events::net::JOIN_MULTICAST`] with `(group, interface)`
    /// (the interface index, `0` for any) before joining.
    ///
    /// Wrapper for [`std::net::UdpSocket::join_multicast_v6`].
    #[track_caller]
    pub fn join_multicast_v6(&self, multiaddr: &Ipv6Addr, interface: u32) -> io::Result<()> {
        audit!(events::net::JOIN_MULTICAST, group = multiaddr, interface)?;
        self.0.join_multicast_v6(multiaddr, interface)
    }

    /// Leaves an IPv4 multicast group. Not audited: it only gives up access.
    ///
    /// Wrapper for [`std::net::UdpSocket::leave_multicast_v4`].
    pub fn leave_multicast_v4(&self, multiaddr: &Ipv4Addr, interface: &Ipv4Addr) -> io::Result<()> {
        self.0.leave_multicast_v4(multiaddr, interface)
    }

    /// Leaves an IPv6 multicast group. Not audited: it only gives up access.
    ///
    /// Wrapper for [`std::net::UdpSocket::leave_multicast_v6`].
    pub fn leave_multicast_v6(&self, multiaddr: &Ipv6Addr, interface: u32) -> io::Result<()> {
        self.0.leave_multicast_v6(multiaddr, interface)
    }

    /// Connects this UDP socket to a remote address, so that `send` and
    /// `recv` use it.
    ///
    /// Raises [`events::net::RESOLVE`] with `(host, port)` if `addr` names a
    /// host, then [`events::net::CONNECT`] with `(address, "udp")` before each
    /// attempt. Like std, the addresses are tried in turn; a vetoed address is
    /// skipped, and if none is accepted the veto is returned. A vetoed
    /// connect leaves the socket as it was.
    ///
    /// Wrapper for [`std::net::UdpSocket::connect`].
    #[track_caller]
    pub fn connect<A: ToSocketAddrs>(&self, addr: A) -> io::Result<()> {
        // The audit point is in the closure: the caller is taken here.
        let caller = std::panic::Location::caller();
        each_addr(addr, |address| {
            audit!(@caller caller,
                events::net::CONNECT,
                address,
                protocol = Protocol::Udp.name()
            )?;
            self.0.connect(address)
        })
    }

    /// Sends data on the socket to the remote address it is connected to.
    /// Not audited: the address was audited by [`connect`](UdpSocket::connect).
    ///
    /// Wrapper for [`std::net::UdpSocket::send`].
    pub fn send(&self, buf: &[u8]) -> io::Result<usize> {
        self.0.send(buf)
    }

    /// Receives a single datagram message from the connected peer.
    ///
    /// Wrapper for [`std::net::UdpSocket::recv`].
    pub fn recv(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.0.recv(buf)
    }

    /// Receives a datagram from the connected peer without removing it from
    /// the queue.
    ///
    /// Wrapper for [`std::net::UdpSocket::peek`].
    pub fn peek(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.0.peek(buf)
    }
}

/// Not in std: conversions from and to [`std::net::UdpSocket`].
///
/// **Operations through the std socket (`send_to`, `connect`, multicast
/// joins) are not audited.**
impl UdpSocket {
    /// Wraps a std socket made elsewhere (by another crate, or from raw parts).
    /// Not in std. Making it was not audited; `connect`, `send_to` and the
    /// multicast joins through the wrapper are audited.
    #[must_use]
    pub fn from_std(inner: std::net::UdpSocket) -> UdpSocket {
        UdpSocket(inner)
    }

    /// Unwraps the std socket. Not in std; calls through the result are not
    /// audited.
    pub fn into_std(self) -> std::net::UdpSocket {
        self.0
    }

    /// Borrows the std socket. Not in std; calls through the result are not
    /// audited.
    pub fn as_std(&self) -> &std::net::UdpSocket {
        &self.0
    }
}

socket_traits!(UdpSocket, std::net::UdpSocket);
socket_options!(UdpSocket, "std::net::UdpSocket", timeouts);
