//! [`UnixDatagram`]: a Unix-domain datagram socket whose binding,
//! connecting and explicit destinations are audited.

use std::io;
use std::path::Path;
use std::task::{Context, Poll};

use audit_core::audit;
use audit_std::events;
use tokio::io::{Interest, ReadBuf, Ready};

use super::unix::SocketAddr;

/// A Unix-domain datagram socket.
///
/// [`bind`](UnixDatagram::bind) raises [`events::net::UNIX_BIND`],
/// [`connect`](UnixDatagram::connect) [`events::net::UNIX_CONNECT`], and
/// sending to an explicit path ([`send_to`](UnixDatagram::send_to),
/// [`try_send_to`](UnixDatagram::try_send_to),
/// [`poll_send_to`](UnixDatagram::poll_send_to))
/// [`events::net::UNIX_SEND_TO`], each with `(path, abstract_name = None)`.
/// [`pair`](UnixDatagram::pair) and [`unbound`](UnixDatagram::unbound) reach
/// no address and raise nothing.
///
/// Wrapper for [`tokio::net::UnixDatagram`].
pub struct UnixDatagram(tokio::net::UnixDatagram);

socket_common!(UnixDatagram, tokio::net::UnixDatagram);

impl UnixDatagram {
    /// Creates a new socket bound to the specified path.
    ///
    /// Raises [`events::net::UNIX_BIND`] with `(path, None)` first.
    ///
    /// Wrapper for [`tokio::net::UnixDatagram::bind`].
    #[track_caller]
    pub fn bind<P>(path: P) -> io::Result<UnixDatagram>
    where
        P: AsRef<Path>,
    {
        let caller = std::panic::Location::caller();
        let path = path.as_ref();
        audit!(@caller caller, events::net::UNIX_BIND, path, abstract_name = None::<&[u8]>)?;
        tokio::net::UnixDatagram::bind(path).map(UnixDatagram)
    }

    /// Creates an unnamed pair of connected sockets. No event.
    ///
    /// Wrapper for [`tokio::net::UnixDatagram::pair`].
    pub fn pair() -> io::Result<(UnixDatagram, UnixDatagram)> {
        let (a, b) = tokio::net::UnixDatagram::pair()?;
        Ok((UnixDatagram(a), UnixDatagram(b)))
    }

    /// Creates a new socket not bound to any address. No event.
    ///
    /// Wrapper for [`tokio::net::UnixDatagram::unbound`].
    pub fn unbound() -> io::Result<UnixDatagram> {
        tokio::net::UnixDatagram::unbound().map(UnixDatagram)
    }

    /// Connects the socket to the specified path.
    ///
    /// Raises [`events::net::UNIX_CONNECT`] with `(path, None)` first.
    ///
    /// Wrapper for [`tokio::net::UnixDatagram::connect`].
    #[track_caller]
    pub fn connect<P: AsRef<Path>>(&self, path: P) -> io::Result<()> {
        let caller = std::panic::Location::caller();
        let path = path.as_ref();
        audit!(@caller caller,
            events::net::UNIX_CONNECT,
            path,
            abstract_name = None::<&[u8]>
        )?;
        self.0.connect(path)
    }

    /// Sends data on the socket to the specified path.
    ///
    /// Raises [`events::net::UNIX_SEND_TO`] with `(path, None)` first; a veto
    /// sends nothing.
    ///
    /// Wrapper for [`tokio::net::UnixDatagram::send_to`].
    #[track_caller]
    pub fn send_to<'__a0, '__a1, P>(
        &'__a0 self,
        buf: &'__a1 [u8],
        target: P,
    ) -> impl std::future::Future<Output = io::Result<usize>>
           + crate::Captures<'__a0>
           + crate::Captures<'__a1>
    where
        P: AsRef<Path>,
    {
        let caller = std::panic::Location::caller();
        async move {
            let path = target.as_ref();
            audit!(@caller caller,
                events::net::UNIX_SEND_TO,
                path,
                abstract_name = None::<&[u8]>
            )?;
            self.0.send_to(buf, path).await
        }
    }

    /// Tries to send data to the specified path, without waiting.
    ///
    /// Raises [`events::net::UNIX_SEND_TO`] with `(path, None)` at each call.
    ///
    /// Wrapper for [`tokio::net::UnixDatagram::try_send_to`].
    #[track_caller]
    pub fn try_send_to<P>(&self, buf: &[u8], target: P) -> io::Result<usize>
    where
        P: AsRef<Path>,
    {
        let caller = std::panic::Location::caller();
        let path = target.as_ref();
        audit!(@caller caller,
            events::net::UNIX_SEND_TO,
            path,
            abstract_name = None::<&[u8]>
        )?;
        self.0.try_send_to(buf, path)
    }

    /// Polls to send data to the specified path.
    ///
    /// Raises [`events::net::UNIX_SEND_TO`] with `(path, None)` at each call
    /// (each poll is an attempt); a veto is `Ready(Err)`.
    ///
    /// Wrapper for [`tokio::net::UnixDatagram::poll_send_to`].
    #[track_caller]
    pub fn poll_send_to<P>(
        &self,
        cx: &mut Context<'_>,
        buf: &[u8],
        target: P,
    ) -> Poll<io::Result<usize>>
    where
        P: AsRef<Path>,
    {
        let caller = std::panic::Location::caller();
        let path = target.as_ref();
        if let Err(veto) = audit!(@caller caller,
            events::net::UNIX_SEND_TO,
            path,
            abstract_name = None::<&[u8]>
        ) {
            return Poll::Ready(Err(veto.into()));
        }
        self.0.poll_send_to(cx, buf, path)
    }

    /// Sends data to the connected peer. No event (`connect` was audited).
    ///
    /// Wrapper for [`tokio::net::UnixDatagram::send`].
    pub async fn send(&self, buf: &[u8]) -> io::Result<usize> {
        self.0.send(buf).await
    }

    /// Tries to send data to the connected peer. No event.
    ///
    /// Wrapper for [`tokio::net::UnixDatagram::try_send`].
    pub fn try_send(&self, buf: &[u8]) -> io::Result<usize> {
        self.0.try_send(buf)
    }

    /// Polls to send data to the connected peer. No event.
    ///
    /// Wrapper for [`tokio::net::UnixDatagram::poll_send`].
    pub fn poll_send(&self, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        self.0.poll_send(cx, buf)
    }

    /// Receives data from the socket.
    ///
    /// Wrapper for [`tokio::net::UnixDatagram::recv`].
    pub async fn recv(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.0.recv(buf).await
    }

    /// Tries to receive data from the socket.
    ///
    /// Wrapper for [`tokio::net::UnixDatagram::try_recv`].
    pub fn try_recv(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.0.try_recv(buf)
    }

    /// Polls to receive data from the socket.
    ///
    /// Wrapper for [`tokio::net::UnixDatagram::poll_recv`].
    pub fn poll_recv(&self, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        self.0.poll_recv(cx, buf)
    }

    /// Receives data and the address it came from.
    ///
    /// Wrapper for [`tokio::net::UnixDatagram::recv_from`].
    pub async fn recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        self.0.recv_from(buf).await
    }

    /// Tries to receive data and the address it came from.
    ///
    /// Wrapper for [`tokio::net::UnixDatagram::try_recv_from`].
    pub fn try_recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        self.0.try_recv_from(buf)
    }

    /// Polls to receive data and the address it came from.
    ///
    /// Wrapper for [`tokio::net::UnixDatagram::poll_recv_from`].
    pub fn poll_recv_from(
        &self,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<SocketAddr>> {
        self.0.poll_recv_from(cx, buf)
    }

    /// Waits for any of the requested ready states.
    ///
    /// Wrapper for [`tokio::net::UnixDatagram::ready`].
    pub async fn ready(&self, interest: Interest) -> io::Result<Ready> {
        self.0.ready(interest).await
    }

    /// Waits for the socket to become readable.
    ///
    /// Wrapper for [`tokio::net::UnixDatagram::readable`].
    pub async fn readable(&self) -> io::Result<()> {
        self.0.readable().await
    }

    /// Waits for the socket to become writable.
    ///
    /// Wrapper for [`tokio::net::UnixDatagram::writable`].
    pub async fn writable(&self) -> io::Result<()> {
        self.0.writable().await
    }

    /// Returns the local address of this socket.
    ///
    /// Wrapper for [`tokio::net::UnixDatagram::local_addr`].
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.0.local_addr()
    }

    /// Returns the address of this socket's peer.
    ///
    /// Wrapper for [`tokio::net::UnixDatagram::peer_addr`].
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.0.peer_addr()
    }

    /// Returns the value of the `SO_ERROR` option.
    ///
    /// Wrapper for [`tokio::net::UnixDatagram::take_error`].
    pub fn take_error(&self) -> io::Result<Option<io::Error>> {
        self.0.take_error()
    }

    /// Shuts down the read, write, or both halves of this connection.
    ///
    /// Wrapper for [`tokio::net::UnixDatagram::shutdown`].
    pub fn shutdown(&self, how: std::net::Shutdown) -> io::Result<()> {
        self.0.shutdown(how)
    }
}

/// Conversions with `std`: escape hatches, **not audited**.
impl UnixDatagram {
    /// Adopts a `std` socket (set non-blocking first). No event.
    ///
    /// Wrapper for [`tokio::net::UnixDatagram::from_std`].
    pub fn from_std(datagram: std::os::unix::net::UnixDatagram) -> io::Result<UnixDatagram> {
        tokio::net::UnixDatagram::from_std(datagram).map(UnixDatagram)
    }

    /// Turns into a `std` socket, whose `send_to` and `connect` are **not
    /// audited**.
    ///
    /// Wrapper for [`tokio::net::UnixDatagram::into_std`].
    pub fn into_std(self) -> io::Result<std::os::unix::net::UnixDatagram> {
        self.0.into_std()
    }
}
