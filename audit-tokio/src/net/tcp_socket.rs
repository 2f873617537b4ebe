//! [`TcpSocket`]: a TCP socket not yet bound or connected.

use std::io;
use std::net::SocketAddr;

use audit_core::audit;
use audit_std::events;

use super::{TcpListener, TcpStream, TCP};

/// A TCP socket that has not yet been converted to a [`TcpStream`] or
/// [`TcpListener`].
///
/// [`bind`](TcpSocket::bind) raises [`events::net::BIND`] and
/// [`connect`](TcpSocket::connect) raises [`events::net::CONNECT`], with
/// `(address, "tcp")`, as the other constructors do. Creating the socket and
/// setting its options raise nothing; neither does [`listen`](TcpSocket::listen)
/// (the address was audited by `bind`; a socket that listens unbound gets an
/// ephemeral port on every interface, which `bind` is the place to control).
///
/// Wrapper for [`tokio::net::TcpSocket`].
pub struct TcpSocket(tokio::net::TcpSocket);

impl std::fmt::Debug for TcpSocket {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&self.0, f)
    }
}

impl TcpSocket {
    /// Creates a new socket configured for IPv4. No event.
    ///
    /// Wrapper for [`tokio::net::TcpSocket::new_v4`].
    pub fn new_v4() -> io::Result<TcpSocket> {
        tokio::net::TcpSocket::new_v4().map(TcpSocket)
    }

    /// Creates a new socket configured for IPv6. No event.
    ///
    /// Wrapper for [`tokio::net::TcpSocket::new_v6`].
    pub fn new_v6() -> io::Result<TcpSocket> {
        tokio::net::TcpSocket::new_v6().map(TcpSocket)
    }

    /// Binds the socket to the given address.
    ///
    /// Raises [`events::net::BIND`] with `(address, "tcp")` first.
    ///
    /// Wrapper for [`tokio::net::TcpSocket::bind`].
    #[track_caller]
    pub fn bind(&self, addr: SocketAddr) -> io::Result<()> {
        let caller = std::panic::Location::caller();
        audit!(@caller caller, events::net::BIND, address = addr, protocol = TCP)?;
        self.0.bind(addr)
    }

    /// Establishes a TCP connection with a peer at the specified address.
    ///
    /// Raises [`events::net::CONNECT`] with `(address, "tcp")` first; a veto
    /// drops (closes) the socket without connecting.
    ///
    /// Wrapper for [`tokio::net::TcpSocket::connect`].
    #[track_caller]
    pub fn connect(
        self,
        addr: SocketAddr,
    ) -> impl std::future::Future<Output = io::Result<TcpStream>> {
        let caller = std::panic::Location::caller();
        async move {
            audit!(@caller caller, events::net::CONNECT, address = addr, protocol = TCP)?;
            self.0.connect(addr).await.map(TcpStream::from)
        }
    }

    /// Converts the socket into a [`TcpListener`]. No event.
    ///
    /// Wrapper for [`tokio::net::TcpSocket::listen`].
    pub fn listen(self, backlog: u32) -> io::Result<TcpListener> {
        self.0.listen(backlog).map(TcpListener::from)
    }

    /// Sets `SO_KEEPALIVE`.
    ///
    /// Wrapper for [`tokio::net::TcpSocket::set_keepalive`].
    pub fn set_keepalive(&self, keepalive: bool) -> io::Result<()> {
        self.0.set_keepalive(keepalive)
    }

    /// Gets `SO_KEEPALIVE`.
    ///
    /// Wrapper for [`tokio::net::TcpSocket::keepalive`].
    pub fn keepalive(&self) -> io::Result<bool> {
        self.0.keepalive()
    }

    /// Sets `SO_REUSEADDR`.
    ///
    /// Wrapper for [`tokio::net::TcpSocket::set_reuseaddr`].
    pub fn set_reuseaddr(&self, reuseaddr: bool) -> io::Result<()> {
        self.0.set_reuseaddr(reuseaddr)
    }

    /// Gets `SO_REUSEADDR`.
    ///
    /// Wrapper for [`tokio::net::TcpSocket::reuseaddr`].
    pub fn reuseaddr(&self) -> io::Result<bool> {
        self.0.reuseaddr()
    }

    /// Sets `SO_REUSEPORT`.
    ///
    /// Wrapper for [`tokio::net::TcpSocket::set_reuseport`].
    #[cfg(all(unix, not(target_os = "solaris"), not(target_os = "illumos")))]
    pub fn set_reuseport(&self, reuseport: bool) -> io::Result<()> {
        self.0.set_reuseport(reuseport)
    }

    /// Gets `SO_REUSEPORT`.
    ///
    /// Wrapper for [`tokio::net::TcpSocket::reuseport`].
    #[cfg(all(unix, not(target_os = "solaris"), not(target_os = "illumos")))]
    pub fn reuseport(&self) -> io::Result<bool> {
        self.0.reuseport()
    }

    /// Sets `SO_SNDBUF`.
    ///
    /// Wrapper for [`tokio::net::TcpSocket::set_send_buffer_size`].
    pub fn set_send_buffer_size(&self, size: u32) -> io::Result<()> {
        self.0.set_send_buffer_size(size)
    }

    /// Gets `SO_SNDBUF`.
    ///
    /// Wrapper for [`tokio::net::TcpSocket::send_buffer_size`].
    pub fn send_buffer_size(&self) -> io::Result<u32> {
        self.0.send_buffer_size()
    }

    /// Sets `SO_RCVBUF`.
    ///
    /// Wrapper for [`tokio::net::TcpSocket::set_recv_buffer_size`].
    pub fn set_recv_buffer_size(&self, size: u32) -> io::Result<()> {
        self.0.set_recv_buffer_size(size)
    }

    /// Gets `SO_RCVBUF`.
    ///
    /// Wrapper for [`tokio::net::TcpSocket::recv_buffer_size`].
    pub fn recv_buffer_size(&self) -> io::Result<u32> {
        self.0.recv_buffer_size()
    }

    /// Sets `TCP_NODELAY`.
    ///
    /// Wrapper for [`tokio::net::TcpSocket::set_nodelay`].
    pub fn set_nodelay(&self, nodelay: bool) -> io::Result<()> {
        self.0.set_nodelay(nodelay)
    }

    /// Gets `TCP_NODELAY`.
    ///
    /// Wrapper for [`tokio::net::TcpSocket::nodelay`].
    pub fn nodelay(&self) -> io::Result<bool> {
        self.0.nodelay()
    }

    /// Returns the local address this socket is bound to.
    ///
    /// Wrapper for [`tokio::net::TcpSocket::local_addr`].
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.0.local_addr()
    }

    /// Returns the value of the `SO_ERROR` option.
    ///
    /// Wrapper for [`tokio::net::TcpSocket::take_error`].
    pub fn take_error(&self) -> io::Result<Option<io::Error>> {
        self.0.take_error()
    }

    /// Adopts a `std` stream as a socket. No event; a later `connect` or
    /// `bind` on the result is audited.
    ///
    /// Wrapper for [`tokio::net::TcpSocket::from_std_stream`].
    pub fn from_std_stream(std_stream: std::net::TcpStream) -> TcpSocket {
        TcpSocket(tokio::net::TcpSocket::from_std_stream(std_stream))
    }

    /// Unwraps into tokio's socket, whose `bind` and `connect` are **not
    /// audited**.
    pub fn into_tokio(self) -> tokio::net::TcpSocket {
        self.0
    }
}

impl From<tokio::net::TcpSocket> for TcpSocket {
    /// Wraps tokio's socket: its later `bind` and `connect` are audited.
    fn from(inner: tokio::net::TcpSocket) -> TcpSocket {
        TcpSocket(inner)
    }
}

#[cfg(unix)]
mod unix {
    use std::os::fd::{AsFd, AsRawFd, BorrowedFd, RawFd};

    use super::TcpSocket;

    impl AsRawFd for TcpSocket {
        fn as_raw_fd(&self) -> RawFd {
            self.0.as_raw_fd()
        }
    }

    impl AsFd for TcpSocket {
        fn as_fd(&self) -> BorrowedFd<'_> {
            self.0.as_fd()
        }
    }
}
