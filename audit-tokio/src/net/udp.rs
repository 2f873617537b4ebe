//! [`UdpSocket`]: a UDP socket whose binding, connecting and explicit
//! destinations are audited.

use std::io;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};
use std::task::{Context, Poll};

use audit_core::audit;
use audit_std::events;
use tokio::io::{Interest, ReadBuf, Ready};

use super::{each_addr, resolve, ToSocketAddrs, UDP};

/// A UDP socket.
///
/// [`bind`](UdpSocket::bind) raises [`events::net::BIND`] and
/// [`connect`](UdpSocket::connect) [`events::net::CONNECT`], with `(address,
/// "udp")` per address tried; sending to an explicit address
/// ([`send_to`](UdpSocket::send_to), [`try_send_to`](UdpSocket::try_send_to),
/// [`poll_send_to`](UdpSocket::poll_send_to)) raises
/// [`events::net::SEND_TO`] with `(address)` at every call, and a veto sends
/// nothing. Sending to the connected peer and receiving raise nothing.
///
/// Wrapper for [`tokio::net::UdpSocket`].
pub struct UdpSocket(tokio::net::UdpSocket);

socket_common!(UdpSocket, tokio::net::UdpSocket);

impl UdpSocket {
    /// Creates a UDP socket bound to the given address.
    ///
    /// Raises [`events::net::RESOLVE`] for a host name, then
    /// [`events::net::BIND`] with `(address, "udp")` before each address is
    /// tried.
    ///
    /// Wrapper for [`tokio::net::UdpSocket::bind`].
    #[track_caller]
    pub fn bind<A: ToSocketAddrs>(
        addr: A,
    ) -> impl std::future::Future<Output = io::Result<UdpSocket>> {
        let caller = std::panic::Location::caller();
        async move {
            each_addr(caller, addr, |address| async move {
                audit!(@caller caller, events::net::BIND, address, protocol = UDP)?;
                tokio::net::UdpSocket::bind(address).await.map(UdpSocket)
            })
            .await
        }
    }

    /// Connects the socket to a remote address, so that `send` and `recv`
    /// use it.
    ///
    /// Raises [`events::net::RESOLVE`] for a host name, then
    /// [`events::net::CONNECT`] with `(address, "udp")` before each address
    /// is tried; a vetoed connect leaves the socket as it was.
    ///
    /// Wrapper for [`tokio::net::UdpSocket::connect`].
    #[track_caller]
    pub fn connect<'__a0, A: ToSocketAddrs>(
        &'__a0 self,
        addr: A,
    ) -> impl std::future::Future<Output = io::Result<()>> + crate::Captures<'__a0> {
        let caller = std::panic::Location::caller();
        async move {
            each_addr(caller, addr, |address| async move {
                audit!(@caller caller, events::net::CONNECT, address, protocol = UDP)?;
                self.0.connect(address).await
            })
            .await
        }
    }

    /// Sends data to the given address, the first one `target` resolves to.
    ///
    /// Raises [`events::net::RESOLVE`] for a host name, then
    /// [`events::net::SEND_TO`] with `(address)` first; a veto sends nothing.
    ///
    /// Wrapper for [`tokio::net::UdpSocket::send_to`].
    #[track_caller]
    pub fn send_to<'__a0, '__a1, A: ToSocketAddrs>(
        &'__a0 self,
        buf: &'__a1 [u8],
        target: A,
    ) -> impl std::future::Future<Output = io::Result<usize>>
           + crate::Captures<'__a0>
           + crate::Captures<'__a1> {
        let caller = std::panic::Location::caller();
        async move {
            match resolve(caller, &target).await?.next() {
                Some(address) => {
                    audit!(@caller caller, events::net::SEND_TO, address)?;
                    self.0.send_to(buf, address).await
                }
                None => Err(io::Error::new(
                    io::ErrorKind::InvalidInput,
                    "no addresses to send data to",
                )),
            }
        }
    }

    /// Tries to send data to the given address, without waiting.
    ///
    /// Raises [`events::net::SEND_TO`] with `(address)` at each call.
    ///
    /// Wrapper for [`tokio::net::UdpSocket::try_send_to`].
    #[track_caller]
    pub fn try_send_to(&self, buf: &[u8], target: SocketAddr) -> io::Result<usize> {
        let caller = std::panic::Location::caller();
        audit!(@caller caller, events::net::SEND_TO, address = target)?;
        self.0.try_send_to(buf, target)
    }

    /// Polls to send data to the given address.
    ///
    /// Raises [`events::net::SEND_TO`] with `(address)` at each call (each
    /// poll is an attempt); a veto is `Ready(Err)`.
    ///
    /// Wrapper for [`tokio::net::UdpSocket::poll_send_to`].
    #[track_caller]
    pub fn poll_send_to(
        &self,
        cx: &mut Context<'_>,
        buf: &[u8],
        target: SocketAddr,
    ) -> Poll<io::Result<usize>> {
        let caller = std::panic::Location::caller();
        if let Err(veto) = audit!(@caller caller, events::net::SEND_TO, address = target) {
            return Poll::Ready(Err(veto.into()));
        }
        self.0.poll_send_to(cx, buf, target)
    }

    /// Joins an IPv4 multicast group.
    ///
    /// Raises [`events::net::JOIN_MULTICAST`] with `(group, interface)` first.
    ///
    /// Wrapper for [`tokio::net::UdpSocket::join_multicast_v4`].
    #[track_caller]
    pub fn join_multicast_v4(&self, multiaddr: Ipv4Addr, interface: Ipv4Addr) -> io::Result<()> {
        let caller = std::panic::Location::caller();
        audit!(@caller caller, events::net::JOIN_MULTICAST, group = multiaddr, interface)?;
        self.0.join_multicast_v4(multiaddr, interface)
    }

    /// Joins an IPv6 multicast group.
    ///
    /// Raises [`events::net::JOIN_MULTICAST`] with `(group, interface)` first.
    ///
    /// Wrapper for [`tokio::net::UdpSocket::join_multicast_v6`].
    #[track_caller]
    pub fn join_multicast_v6(&self, multiaddr: &Ipv6Addr, interface: u32) -> io::Result<()> {
        let caller = std::panic::Location::caller();
        audit!(@caller caller, events::net::JOIN_MULTICAST, group = multiaddr, interface)?;
        self.0.join_multicast_v6(multiaddr, interface)
    }

    /// Leaves an IPv4 multicast group. No event.
    ///
    /// Wrapper for [`tokio::net::UdpSocket::leave_multicast_v4`].
    pub fn leave_multicast_v4(&self, multiaddr: Ipv4Addr, interface: Ipv4Addr) -> io::Result<()> {
        self.0.leave_multicast_v4(multiaddr, interface)
    }

    /// Leaves an IPv6 multicast group. No event.
    ///
    /// Wrapper for [`tokio::net::UdpSocket::leave_multicast_v6`].
    pub fn leave_multicast_v6(&self, multiaddr: &Ipv6Addr, interface: u32) -> io::Result<()> {
        self.0.leave_multicast_v6(multiaddr, interface)
    }

    /// Sends data to the connected peer. No event (`connect` was audited).
    ///
    /// Wrapper for [`tokio::net::UdpSocket::send`].
    pub async fn send(&self, buf: &[u8]) -> io::Result<usize> {
        self.0.send(buf).await
    }

    /// Polls to send data to the connected peer. No event.
    ///
    /// Wrapper for [`tokio::net::UdpSocket::poll_send`].
    pub fn poll_send(&self, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        self.0.poll_send(cx, buf)
    }

    /// Tries to send data to the connected peer. No event.
    ///
    /// Wrapper for [`tokio::net::UdpSocket::try_send`].
    pub fn try_send(&self, buf: &[u8]) -> io::Result<usize> {
        self.0.try_send(buf)
    }

    /// Receives a datagram from the connected peer.
    ///
    /// Wrapper for [`tokio::net::UdpSocket::recv`].
    pub async fn recv(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.0.recv(buf).await
    }

    /// Polls to receive a datagram from the connected peer.
    ///
    /// Wrapper for [`tokio::net::UdpSocket::poll_recv`].
    pub fn poll_recv(&self, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        self.0.poll_recv(cx, buf)
    }

    /// Tries to receive a datagram from the connected peer.
    ///
    /// Wrapper for [`tokio::net::UdpSocket::try_recv`].
    pub fn try_recv(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.0.try_recv(buf)
    }

    /// Receives a datagram and the address it came from.
    ///
    /// Wrapper for [`tokio::net::UdpSocket::recv_from`].
    pub async fn recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        self.0.recv_from(buf).await
    }

    /// Polls to receive a datagram and the address it came from.
    ///
    /// Wrapper for [`tokio::net::UdpSocket::poll_recv_from`].
    pub fn poll_recv_from(
        &self,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<SocketAddr>> {
        self.0.poll_recv_from(cx, buf)
    }

    /// Tries to receive a datagram and the address it came from.
    ///
    /// Wrapper for [`tokio::net::UdpSocket::try_recv_from`].
    pub fn try_recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        self.0.try_recv_from(buf)
    }

    /// Receives a datagram without removing it from the queue.
    ///
    /// Wrapper for [`tokio::net::UdpSocket::peek_from`].
    pub async fn peek_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        self.0.peek_from(buf).await
    }

    /// Waits for any of the requested ready states.
    ///
    /// Wrapper for [`tokio::net::UdpSocket::ready`].
    pub async fn ready(&self, interest: Interest) -> io::Result<Ready> {
        self.0.ready(interest).await
    }

    /// Waits for the socket to become readable.
    ///
    /// Wrapper for [`tokio::net::UdpSocket::readable`].
    pub async fn readable(&self) -> io::Result<()> {
        self.0.readable().await
    }

    /// Waits for the socket to become writable.
    ///
    /// Wrapper for [`tokio::net::UdpSocket::writable`].
    pub async fn writable(&self) -> io::Result<()> {
        self.0.writable().await
    }

    /// Returns the local address this socket is bound to.
    ///
    /// Wrapper for [`tokio::net::UdpSocket::local_addr`].
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.0.local_addr()
    }

    /// Returns the address of the connected peer.
    ///
    /// Wrapper for [`tokio::net::UdpSocket::peer_addr`].
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.0.peer_addr()
    }

    /// Gets `SO_BROADCAST`.
    ///
    /// Wrapper for [`tokio::net::UdpSocket::broadcast`].
    pub fn broadcast(&self) -> io::Result<bool> {
        self.0.broadcast()
    }

    /// Sets `SO_BROADCAST`.
    ///
    /// Wrapper for [`tokio::net::UdpSocket::set_broadcast`].
    pub fn set_broadcast(&self, on: bool) -> io::Result<()> {
        self.0.set_broadcast(on)
    }

    /// Gets `IP_TTL`.
    ///
    /// Wrapper for [`tokio::net::UdpSocket::ttl`].
    pub fn ttl(&self) -> io::Result<u32> {
        self.0.ttl()
    }

    /// Sets `IP_TTL`.
    ///
    /// Wrapper for [`tokio::net::UdpSocket::set_ttl`].
    pub fn set_ttl(&self, ttl: u32) -> io::Result<()> {
        self.0.set_ttl(ttl)
    }

    /// Returns the value of the `SO_ERROR` option.
    ///
    /// Wrapper for [`tokio::net::UdpSocket::take_error`].
    pub fn take_error(&self) -> io::Result<Option<io::Error>> {
        self.0.take_error()
    }
}

/// Conversions with `std`: escape hatches, **not audited**.
impl UdpSocket {
    /// Adopts a bound `std` socket (set non-blocking first). No event.
    ///
    /// Wrapper for [`tokio::net::UdpSocket::from_std`].
    pub fn from_std(socket: std::net::UdpSocket) -> io::Result<UdpSocket> {
        tokio::net::UdpSocket::from_std(socket).map(UdpSocket)
    }

    /// Turns into a `std` socket, whose `send_to` and `connect` are **not
    /// audited**.
    ///
    /// Wrapper for [`tokio::net::UdpSocket::into_std`].
    pub fn into_std(self) -> io::Result<std::net::UdpSocket> {
        self.0.into_std()
    }
}

impl TryFrom<std::net::UdpSocket> for UdpSocket {
    type Error = io::Error;

    /// Same as [`UdpSocket::from_std`]: not audited.
    fn try_from(socket: std::net::UdpSocket) -> io::Result<UdpSocket> {
        UdpSocket::from_std(socket)
    }
}
