//! [`UnixDatagram`]: an audited Unix-domain datagram socket.

use std::io;
use std::net::Shutdown;
use std::path::Path;

use audit_core::audit;

use super::{abstract_name, SocketAddr};
use crate::events;
use crate::net::traits::{socket_options, socket_traits};

/// A Unix-domain datagram socket whose binding, connecting and sending to
/// explicit addresses are audited.
///
/// Raises [`events::net::UNIX_BIND`], [`events::net::UNIX_CONNECT`] and
/// [`events::net::UNIX_SEND_TO`]. [`send`](UnixDatagram::send) on a connected
/// socket and receiving are not audited.
///
/// Wrapper for [`std::os::unix::net::UnixDatagram`]; it has the same methods
/// and trait implementations, and converts to and from it with `From`.
///
/// ```no_run
/// use audit_std::os::unix::net::UnixDatagram;
///
/// let socket = UnixDatagram::bind("/path/to/my/socket")?;
/// socket.send_to(b"hello world", "/path/to/other/socket")?;
/// let mut buf = [0; 100];
/// let (count, address) = socket.recv_from(&mut buf)?;
/// println!("socket {:?} sent {:?}", address, &buf[..count]);
/// # Ok::<(), std::io::Error>(())
/// ```
pub struct UnixDatagram(pub(crate) std::os::unix::net::UnixDatagram);

impl UnixDatagram {
    /// Creates a Unix datagram socket bound to the given path.
    ///
    /// Raises [`events::net::UNIX_BIND`] with `(path, None)` before binding;
    /// a vetoed bind creates no socket file.
    ///
    /// Wrapper for [`std::os::unix::net::UnixDatagram::bind`].
    #[track_caller]
    pub fn bind<P: AsRef<Path>>(path: P) -> io::Result<UnixDatagram> {
        let path = path.as_ref();
        audit!(events::net::UNIX_BIND, path, abstract_name = None::<&[u8]>)?;
        std::os::unix::net::UnixDatagram::bind(path).map(UnixDatagram)
    }

    /// Creates a Unix datagram socket bound to an address.
    ///
    /// Raises [`events::net::UNIX_BIND`] with `(path, abstract_name)` before
    /// binding.
    ///
    /// Wrapper for [`std::os::unix::net::UnixDatagram::bind_addr`].
    #[track_caller]
    pub fn bind_addr(socket_addr: &SocketAddr) -> io::Result<UnixDatagram> {
        audit!(
            events::net::UNIX_BIND,
            path = socket_addr.as_pathname(),
            abstract_name = abstract_name(socket_addr)
        )?;
        std::os::unix::net::UnixDatagram::bind_addr(socket_addr).map(UnixDatagram)
    }

    /// Creates a Unix datagram socket which is not bound to any address. Not
    /// audited: it reaches no address.
    ///
    /// Wrapper for [`std::os::unix::net::UnixDatagram::unbound`].
    pub fn unbound() -> io::Result<UnixDatagram> {
        std::os::unix::net::UnixDatagram::unbound().map(UnixDatagram)
    }

    /// Creates an unnamed pair of connected sockets. Not audited: it reaches
    /// no address.
    ///
    /// Wrapper for [`std::os::unix::net::UnixDatagram::pair`].
    pub fn pair() -> io::Result<(UnixDatagram, UnixDatagram)> {
        let (a, b) = std::os::unix::net::UnixDatagram::pair()?;
        Ok((UnixDatagram(a), UnixDatagram(b)))
    }

    /// Connects the socket to the specified path address.
    ///
    /// Raises [`events::net::UNIX_CONNECT`] with `(path, None)` before
    /// connecting.
    ///
    /// Wrapper for [`std::os::unix::net::UnixDatagram::connect`].
    #[track_caller]
    pub fn connect<P: AsRef<Path>>(&self, path: P) -> io::Result<()> {
        let path = path.as_ref();
        audit!(
            events::net::UNIX_CONNECT,
            path,
            abstract_name = None::<&[u8]>
        )?;
        self.0.connect(path)
    }

    /// Connects the socket to an address.
    ///
    /// Raises [`events::net::UNIX_CONNECT`] with `(path, abstract_name)`
    /// before connecting.
    ///
    /// Wrapper for [`std::os::unix::net::UnixDatagram::connect_addr`].
    #[track_caller]
    pub fn connect_addr(&self, socket_addr: &SocketAddr) -> io::Result<()> {
        audit!(
            events::net::UNIX_CONNECT,
            path = socket_addr.as_pathname(),
            abstract_name = abstract_name(socket_addr)
        )?;
        self.0.connect_addr(socket_addr)
    }

    /// Creates a new independently owned handle to the underlying socket.
    ///
    /// Wrapper for [`std::os::unix::net::UnixDatagram::try_clone`].
    pub fn try_clone(&self) -> io::Result<UnixDatagram> {
        self.0.try_clone().map(UnixDatagram)
    }

    /// Returns the address of this socket.
    ///
    /// Wrapper for [`std::os::unix::net::UnixDatagram::local_addr`].
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.0.local_addr()
    }

    /// Returns the address of this socket's peer.
    ///
    /// Wrapper for [`std::os::unix::net::UnixDatagram::peer_addr`].
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.0.peer_addr()
    }

    /// Receives data from the socket, with the address it came from.
    ///
    /// Wrapper for [`std::os::unix::net::UnixDatagram::recv_from`].
    pub fn recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        self.0.recv_from(buf)
    }

    /// Receives data from the socket.
    ///
    /// Wrapper for [`std::os::unix::net::UnixDatagram::recv`].
    pub fn recv(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.0.recv(buf)
    }

    /// Sends data on the socket to the specified path.
    ///
    /// Raises [`events::net::UNIX_SEND_TO`] with `(path, None)` before
    /// sending; a vetoed send sends nothing.
    ///
    /// Wrapper for [`std::os::unix::net::UnixDatagram::send_to`].
    #[track_caller]
    pub fn send_to<P: AsRef<Path>>(&self, buf: &[u8], path: P) -> io::Result<usize> {
        let path = path.as_ref();
        audit!(
            events::net::UNIX_SEND_TO,
            path,
            abstract_name = None::<&[u8]>
        )?;
        self.0.send_to(buf, path)
    }

    /// Sends data on the socket to the specified address.
    ///
    /// Raises [`events::net::UNIX_SEND_TO`] with `(path, abstract_name)`
    /// before sending; a vetoed send sends nothing.
    ///
    /// Wrapper for [`std::os::unix::net::UnixDatagram::send_to_addr`].
    #[track_caller]
    pub fn send_to_addr(&self, buf: &[u8], socket_addr: &SocketAddr) -> io::Result<usize> {
        audit!(
            events::net::UNIX_SEND_TO,
            path = socket_addr.as_pathname(),
            abstract_name = abstract_name(socket_addr)
        )?;
        self.0.send_to_addr(buf, socket_addr)
    }

    /// Sends data on the socket to its connected peer. Not audited: the
    /// address was audited by [`connect`](UnixDatagram::connect).
    ///
    /// Wrapper for [`std::os::unix::net::UnixDatagram::send`].
    pub fn send(&self, buf: &[u8]) -> io::Result<usize> {
        self.0.send(buf)
    }

    /// Shuts down the read, write, or both halves of this connection.
    ///
    /// Wrapper for [`std::os::unix::net::UnixDatagram::shutdown`].
    pub fn shutdown(&self, how: Shutdown) -> io::Result<()> {
        self.0.shutdown(how)
    }
}

/// Not in std: conversions from and to [`std::os::unix::net::UnixDatagram`].
///
/// **Operations through the std socket (`send_to`, `connect`) are not
/// audited.**
impl UnixDatagram {
    /// Wraps a std socket made elsewhere (by another crate, or from raw parts).
    /// Not in std. Making it was not audited; `connect` and `send_to` through
    /// the wrapper are audited.
    #[must_use]
    pub fn from_std(inner: std::os::unix::net::UnixDatagram) -> UnixDatagram {
        UnixDatagram(inner)
    }

    /// Unwraps the std socket. Not in std; calls through the result are not
    /// audited.
    pub fn into_std(self) -> std::os::unix::net::UnixDatagram {
        self.0
    }

    /// Borrows the std socket. Not in std; calls through the result are not
    /// audited.
    pub fn as_std(&self) -> &std::os::unix::net::UnixDatagram {
        &self.0
    }
}

socket_traits!(UnixDatagram, std::os::unix::net::UnixDatagram);
socket_options!(UnixDatagram, "std::os::unix::net::UnixDatagram", timeouts);
