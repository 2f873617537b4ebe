//! [`UnixStream`]: a Unix-domain stream whose connection is audited.

use std::io;
use std::path::Path;

use audit_core::audit;
use audit_std::events;

use super::unix::{OwnedReadHalf, OwnedWriteHalf, ReadHalf, SocketAddr, UCred, WriteHalf};

/// The `(path, abstract_name)` arguments for a path given to tokio's
/// `UnixStream::connect` or `UnixListener::bind`, which on Linux and Android
/// take a path starting with a NUL byte as an abstract name: the event says
/// what the kernel is really asked for, not a path that will never exist.
pub(crate) fn path_target(path: &Path) -> (Option<&Path>, Option<&[u8]>) {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        use std::os::unix::ffi::OsStrExt;
        if let Some(name) = path.as_os_str().as_bytes().strip_prefix(b"\0") {
            return (None, Some(name));
        }
    }
    (Some(path), None)
}

/// A Unix-domain stream socket.
///
/// [`connect`](UnixStream::connect) raises [`events::net::UNIX_CONNECT`] with
/// `(path, abstract_name)`. Reading and writing raise nothing; neither does
/// [`pair`](UnixStream::pair), which reaches no address.
///
/// Wrapper for [`tokio::net::UnixStream`].
pub struct UnixStream(tokio::net::UnixStream);

socket_common!(UnixStream, tokio::net::UnixStream);
async_read_write!(UnixStream);
stream_io!(UnixStream, "tokio::net::UnixStream");

impl UnixStream {
    /// Connects to the socket named by `path`.
    ///
    /// Raises [`events::net::UNIX_CONNECT`] with `(path, abstract_name =
    /// None)` first; on Linux and Android a path starting with a NUL byte is
    /// an abstract name, as tokio reads it, and is reported as `(None,
    /// abstract_name)`.
    ///
    /// Wrapper for [`tokio::net::UnixStream::connect`].
    #[track_caller]
    pub fn connect<P>(path: P) -> impl std::future::Future<Output = io::Result<UnixStream>>
    where
        P: AsRef<Path>,
    {
        let caller = std::panic::Location::caller();
        async move {
            let path = path.as_ref();
            let (pathname, abstract_name) = path_target(path);
            audit!(@caller caller, events::net::UNIX_CONNECT, path = pathname, abstract_name)?;
            tokio::net::UnixStream::connect(path).await.map(UnixStream)
        }
    }

    /// Creates an unnamed pair of connected sockets. No event: it reaches no
    /// address.
    ///
    /// Wrapper for [`tokio::net::UnixStream::pair`].
    pub fn pair() -> io::Result<(UnixStream, UnixStream)> {
        let (a, b) = tokio::net::UnixStream::pair()?;
        Ok((UnixStream(a), UnixStream(b)))
    }

    /// Returns the socket address of the local half of this connection.
    ///
    /// Wrapper for [`tokio::net::UnixStream::local_addr`].
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.0.local_addr()
    }

    /// Returns the socket address of the remote half of this connection.
    ///
    /// Wrapper for [`tokio::net::UnixStream::peer_addr`].
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.0.peer_addr()
    }

    /// Returns the effective credentials of the peer process.
    ///
    /// Wrapper for [`tokio::net::UnixStream::peer_cred`].
    pub fn peer_cred(&self) -> io::Result<UCred> {
        self.0.peer_cred()
    }

    /// Splits a borrowed stream into tokio's read and write halves.
    ///
    /// Wrapper for [`tokio::net::UnixStream::split`].
    pub fn split(&mut self) -> (ReadHalf<'_>, WriteHalf<'_>) {
        self.0.split()
    }

    /// Splits the stream into tokio's owned halves.
    ///
    /// Wrapper for [`tokio::net::UnixStream::into_split`].
    pub fn into_split(self) -> (OwnedReadHalf, OwnedWriteHalf) {
        self.0.into_split()
    }
}

/// Conversions with `std`: escape hatches, **not audited**.
impl UnixStream {
    /// Adopts a connected `std` stream (set non-blocking first). No event.
    ///
    /// Wrapper for [`tokio::net::UnixStream::from_std`].
    pub fn from_std(stream: std::os::unix::net::UnixStream) -> io::Result<UnixStream> {
        tokio::net::UnixStream::from_std(stream).map(UnixStream)
    }

    /// Turns into a `std` stream.
    ///
    /// Wrapper for [`tokio::net::UnixStream::into_std`].
    pub fn into_std(self) -> io::Result<std::os::unix::net::UnixStream> {
        self.0.into_std()
    }
}
