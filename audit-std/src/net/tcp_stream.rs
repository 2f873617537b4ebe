//! [`TcpStream`]: an audited TCP connection.

use std::io;
use std::net::{Shutdown, SocketAddr};
use std::time::Duration;

use audit_core::audit;

use super::addr::{each_addr, Protocol};
use super::traits::{socket_options, socket_traits, stream_io};
use super::ToSocketAddrs;
use crate::events;

/// A TCP stream between a local and a remote socket, whose connection is
/// audited.
///
/// Opening a connection raises [`events::net::CONNECT`] for each address
/// tried (and [`events::net::RESOLVE`] first if a host name is looked up).
/// Reading, writing and the socket options are not audited, as in CPython.
///
/// Wrapper for [`std::net::TcpStream`]; it has the same methods and trait
/// implementations, and converts to and from it with `From`.
///
/// ```no_run
/// use audit_std::net::TcpStream;
/// use std::io::{Read, Write};
///
/// let mut stream = TcpStream::connect("127.0.0.1:34254")?;
/// stream.write_all(&[1])?;
/// stream.read(&mut [0; 128])?;
/// # Ok::<(), std::io::Error>(())
/// ```
pub struct TcpStream(pub(crate) std::net::TcpStream);

impl TcpStream {
    /// Opens a TCP connection to a remote host.
    ///
    /// Raises [`events::net::RESOLVE`] with `(host, port)` if `addr` names a
    /// host, then [`events::net::CONNECT`] with `(address, "tcp")` before each
    /// connection attempt. Like std, the addresses are tried in turn until
    /// one connects. A vetoed address is skipped, not tried; if no address
    /// connects and one was vetoed, the veto is returned (kind
    /// `PermissionDenied`), otherwise the last error, as std does.
    ///
    /// Wrapper for [`std::net::TcpStream::connect`].
    #[track_caller]
    pub fn connect<A: ToSocketAddrs>(addr: A) -> io::Result<TcpStream> {
        // The audit point is in the closure: the caller is taken here.
        let caller = std::panic::Location::caller();
        each_addr(addr, |address| {
            audit!(@caller caller,
                events::net::CONNECT,
                address,
                protocol = Protocol::Tcp.name()
            )?;
            std::net::TcpStream::connect(address).map(TcpStream)
        })
    }

    /// Opens a TCP connection to a remote host with a timeout.
    ///
    /// Raises [`events::net::CONNECT`] with `(address, "tcp")` before the
    /// attempt.
    ///
    /// Wrapper for [`std::net::TcpStream::connect_timeout`].
    #[track_caller]
    pub fn connect_timeout(addr: &SocketAddr, timeout: Duration) -> io::Result<TcpStream> {
        audit!(
            events::net::CONNECT,
            address = addr,
            protocol = Protocol::Tcp.name()
        )?;
        std::net::TcpStream::connect_timeout(addr, timeout).map(TcpStream)
    }

    /// Returns the socket address of the remote peer of this TCP connection.
    ///
    /// Wrapper for [`std::net::TcpStream::peer_addr`].
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.0.peer_addr()
    }

    /// Returns the socket address of the local half of this TCP connection.
    ///
    /// Wrapper for [`std::net::TcpStream::local_addr`].
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.0.local_addr()
    }

    /// Shuts down the read, write, or both halves of this connection.
    ///
    /// Wrapper for [`std::net::TcpStream::shutdown`].
    pub fn shutdown(&self, how: Shutdown) -> io::Result<()> {
        self.0.shutdown(how)
    }

    /// Creates a new independently owned handle to the underlying socket.
    /// Not audited: the connection already exists.
    ///
    /// Wrapper for [`std::net::TcpStream::try_clone`].
    pub fn try_clone(&self) -> io::Result<TcpStream> {
        self.0.try_clone().map(TcpStream)
    }

    /// Receives data on the socket without removing it from the queue.
    ///
    /// Wrapper for [`std::net::TcpStream::peek`].
    pub fn peek(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.0.peek(buf)
    }

    /// Sets the value of the `TCP_NODELAY` option on this socket.
    ///
    /// Wrapper for [`std::net::TcpStream::set_nodelay`].
    pub fn set_nodelay(&self, nodelay: bool) -> io::Result<()> {
        self.0.set_nodelay(nodelay)
    }

    /// Gets the value of the `TCP_NODELAY` option on this socket.
    ///
    /// Wrapper for [`std::net::TcpStream::nodelay`].
    pub fn nodelay(&self) -> io::Result<bool> {
        self.0.nodelay()
    }

    /// Sets the value for the `IP_TTL` option on this socket.
    ///
    /// Wrapper for [`std::net::TcpStream::set_ttl`].
    pub fn set_ttl(&self, ttl: u32) -> io::Result<()> {
        self.0.set_ttl(ttl)
    }

    /// Gets the value of the `IP_TTL` option for this socket.
    ///
    /// Wrapper for [`std::net::TcpStream::ttl`].
    pub fn ttl(&self) -> io::Result<u32> {
        self.0.ttl()
    }
}

/// Linux's `TCP_QUICKACK`, from std's sealed
/// [`std::os::linux::net::TcpStreamExt`], as inherent methods (std's trait
/// cannot be implemented outside std).
#[cfg(target_os = "linux")]
impl TcpStream {
    /// Enables or disables `TCP_QUICKACK` on this socket.
    ///
    /// Wrapper for [`std::os::linux::net::TcpStreamExt::set_quickack`].
    pub fn set_quickack(&self, quickack: bool) -> io::Result<()> {
        use std::os::linux::net::TcpStreamExt as _;
        self.0.set_quickack(quickack)
    }

    /// Gets the value of the `TCP_QUICKACK` option on this socket.
    ///
    /// Wrapper for [`std::os::linux::net::TcpStreamExt::quickack`].
    pub fn quickack(&self) -> io::Result<bool> {
        use std::os::linux::net::TcpStreamExt as _;
        self.0.quickack()
    }
}

/// Not in std: conversions from and to [`std::net::TcpStream`].
///
/// **Operations through the std socket are not audited.** The connection
/// itself was audited when it was opened; these exist to pass the socket to
/// APIs that require std's type.
impl TcpStream {
    /// Wraps a std socket made elsewhere (by another crate, or from raw parts).
    /// Not in std. Making it was not audited; nothing a stream does after
    /// connecting is audited (reads, writes and options are not), so wrapping
    /// changes no behaviour: it is for code that takes this crate's type.
    #[must_use]
    pub fn from_std(inner: std::net::TcpStream) -> TcpStream {
        TcpStream(inner)
    }

    /// Unwraps the std socket. Not in std; calls through the result are not
    /// audited.
    pub fn into_std(self) -> std::net::TcpStream {
        self.0
    }

    /// Borrows the std socket. Not in std; calls through the result are not
    /// audited.
    pub fn as_std(&self) -> &std::net::TcpStream {
        &self.0
    }
}

socket_traits!(TcpStream, std::net::TcpStream);
socket_options!(TcpStream, "std::net::TcpStream", timeouts);
stream_io!(TcpStream);
