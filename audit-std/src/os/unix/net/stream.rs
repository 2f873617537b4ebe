//! [`UnixStream`]: an audited Unix-domain stream socket.

use std::io;
use std::net::Shutdown;
use std::path::Path;

use audit_core::audit;

use super::{abstract_name, SocketAddr};
use crate::events;
use crate::net::traits::{socket_options, socket_traits, stream_io};

/// A Unix-domain stream socket whose connection is audited.
///
/// Connecting raises [`events::net::UNIX_CONNECT`]; reading, writing and the
/// socket options are not audited.
///
/// Wrapper for [`std::os::unix::net::UnixStream`]; it has the same methods
/// and trait implementations, and converts to and from it with `From`.
///
/// ```no_run
/// use audit_std::os::unix::net::UnixStream;
/// use std::io::prelude::*;
///
/// let mut stream = UnixStream::connect("/path/to/my/socket")?;
/// stream.write_all(b"hello world")?;
/// let mut response = String::new();
/// stream.read_to_string(&mut response)?;
/// # Ok::<(), std::io::Error>(())
/// ```
pub struct UnixStream(pub(crate) std::os::unix::net::UnixStream);

impl UnixStream {
    /// Connects to the socket named by `path`.
    ///
    /// Raises [`events::net::UNIX_CONNECT`] with `(path, None)` before
    /// connecting.
    ///
    /// Wrapper for [`std::os::unix::net::UnixStream::connect`].
    #[track_caller]
    pub fn connect<P: AsRef<Path>>(path: P) -> io::Result<UnixStream> {
        let path = path.as_ref();
        audit!(
            events::net::UNIX_CONNECT,
            path,
            abstract_name = None::<&[u8]>
        )?;
        std::os::unix::net::UnixStream::connect(path).map(UnixStream)
    }

    /// Connects to the socket specified by the address.
    ///
    /// Raises [`events::net::UNIX_CONNECT`] with `(path, abstract_name)`
    /// before connecting.
    ///
    /// Wrapper for [`std::os::unix::net::UnixStream::connect_addr`].
    #[track_caller]
    pub fn connect_addr(socket_addr: &SocketAddr) -> io::Result<UnixStream> {
        audit!(
            events::net::UNIX_CONNECT,
            path = socket_addr.as_pathname(),
            abstract_name = abstract_name(socket_addr)
        )?;
        std::os::unix::net::UnixStream::connect_addr(socket_addr).map(UnixStream)
    }

    /// Creates an unnamed pair of connected sockets. Not audited: it reaches
    /// no address.
    ///
    /// Wrapper for [`std::os::unix::net::UnixStream::pair`].
    pub fn pair() -> io::Result<(UnixStream, UnixStream)> {
        let (a, b) = std::os::unix::net::UnixStream::pair()?;
        Ok((UnixStream(a), UnixStream(b)))
    }

    /// Creates a new independently owned handle to the underlying socket.
    ///
    /// Wrapper for [`std::os::unix::net::UnixStream::try_clone`].
    pub fn try_clone(&self) -> io::Result<UnixStream> {
        self.0.try_clone().map(UnixStream)
    }

    /// Returns the socket address of the local half of this connection.
    ///
    /// Wrapper for [`std::os::unix::net::UnixStream::local_addr`].
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.0.local_addr()
    }

    /// Returns the socket address of the remote half of this connection.
    ///
    /// Wrapper for [`std::os::unix::net::UnixStream::peer_addr`].
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.0.peer_addr()
    }

    /// Shuts down the read, write, or both halves of this connection.
    ///
    /// Wrapper for [`std::os::unix::net::UnixStream::shutdown`].
    pub fn shutdown(&self, how: Shutdown) -> io::Result<()> {
        self.0.shutdown(how)
    }
}

/// Not in std: conversions from and to [`std::os::unix::net::UnixStream`].
///
/// **Operations through the std socket are not audited.**
impl UnixStream {
    /// Wraps a std socket made elsewhere (by another crate, or from raw parts).
    /// Not in std. Making it was not audited; nothing a stream does after
    /// connecting is audited (reads, writes and options are not), so wrapping
    /// changes no behaviour: it is for code that takes this crate's type.
    #[must_use]
    pub fn from_std(inner: std::os::unix::net::UnixStream) -> UnixStream {
        UnixStream(inner)
    }

    /// Unwraps the std socket. Not in std; calls through the result are not
    /// audited.
    pub fn into_std(self) -> std::os::unix::net::UnixStream {
        self.0
    }

    /// Borrows the std socket. Not in std; calls through the result are not
    /// audited.
    pub fn as_std(&self) -> &std::os::unix::net::UnixStream {
        &self.0
    }
}

socket_traits!(UnixStream, std::os::unix::net::UnixStream);
socket_options!(UnixStream, "std::os::unix::net::UnixStream", timeouts);
stream_io!(UnixStream);
