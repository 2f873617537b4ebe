//! [`UnixListener`] and its [`Incoming`] iterator: an audited Unix-domain
//! server socket.

use std::fmt;
use std::io;
use std::path::Path;

use audit_core::audit;

use super::{abstract_name, SocketAddr, UnixStream};
use crate::events;
use crate::net::traits::{socket_options, socket_traits};

/// A Unix-domain server socket whose binding and accepted connections are
/// audited.
///
/// Binding raises [`events::net::UNIX_BIND`] (a vetoed bind creates no socket
/// file); accepting raises [`events::net::UNIX_ACCEPT`], and a veto closes
/// that connection (see [`UnixListener::accept`]).
///
/// Wrapper for [`std::os::unix::net::UnixListener`]; it has the same methods
/// and trait implementations, and converts to and from it with `From`.
///
/// ```no_run
/// use audit_std::os::unix::net::{UnixListener, UnixStream};
///
/// fn handle_client(stream: UnixStream) { /* ... */ }
///
/// let listener = UnixListener::bind("/path/to/the/socket")?;
/// for stream in listener.incoming() {
///     match stream {
///         Ok(stream) => handle_client(stream),
///         Err(e) => eprintln!("connection refused or failed: {e}"),
///     }
/// }
/// # Ok::<(), std::io::Error>(())
/// ```
pub struct UnixListener(pub(crate) std::os::unix::net::UnixListener);

impl UnixListener {
    /// Creates a new `UnixListener` bound to the specified socket path.
    ///
    /// Raises [`events::net::UNIX_BIND`] with `(path, None)` before binding;
    /// a vetoed bind creates no socket file.
    ///
    /// Wrapper for [`std::os::unix::net::UnixListener::bind`].
    #[track_caller]
    pub fn bind<P: AsRef<Path>>(path: P) -> io::Result<UnixListener> {
        let path = path.as_ref();
        audit!(events::net::UNIX_BIND, path, abstract_name = None::<&[u8]>)?;
        std::os::unix::net::UnixListener::bind(path).map(UnixListener)
    }

    /// Creates a new `UnixListener` bound to the specified socket address.
    ///
    /// Raises [`events::net::UNIX_BIND`] with `(path, abstract_name)` before
    /// binding.
    ///
    /// Wrapper for [`std::os::unix::net::UnixListener::bind_addr`].
    #[track_caller]
    pub fn bind_addr(socket_addr: &SocketAddr) -> io::Result<UnixListener> {
        audit!(
            events::net::UNIX_BIND,
            path = socket_addr.as_pathname(),
            abstract_name = abstract_name(socket_addr)
        )?;
        std::os::unix::net::UnixListener::bind_addr(socket_addr).map(UnixListener)
    }

    /// Accepts a new incoming connection to this listener.
    ///
    /// Raises [`events::net::UNIX_ACCEPT`] with `(peer, local)` (the peer's
    /// path, usually `None`, and the listener's path) once the connection is
    /// handed over. On a veto the connection is closed at once and the veto
    /// is returned as an error of kind `PermissionDenied`, as
    /// [`crate::net::TcpListener::accept`] does.
    ///
    /// Wrapper for [`std::os::unix::net::UnixListener::accept`].
    #[track_caller]
    pub fn accept(&self) -> io::Result<(UnixStream, SocketAddr)> {
        let (stream, peer) = self.0.accept()?;
        audit!(
            events::net::UNIX_ACCEPT,
            peer = peer.as_pathname(),
            local = stream
                .local_addr()
                .ok()
                .as_ref()
                .and_then(SocketAddr::as_pathname)
        )?;
        Ok((UnixStream(stream), peer))
    }

    /// Creates a new independently owned handle to the underlying socket.
    ///
    /// Wrapper for [`std::os::unix::net::UnixListener::try_clone`].
    pub fn try_clone(&self) -> io::Result<UnixListener> {
        self.0.try_clone().map(UnixListener)
    }

    /// Returns the local socket address of this listener.
    ///
    /// Wrapper for [`std::os::unix::net::UnixListener::local_addr`].
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.0.local_addr()
    }

    /// Returns an iterator over incoming connections:
    /// [`accept`](UnixListener::accept) in a loop, so each connection is
    /// audited and a refused one comes out as an `Err` item.
    ///
    /// Wrapper for [`std::os::unix::net::UnixListener::incoming`].
    pub fn incoming(&self) -> Incoming<'_> {
        Incoming { listener: self }
    }
}

/// Not in std: conversions from and to [`std::os::unix::net::UnixListener`].
///
/// **Connections accepted through the std listener are not audited.**
impl UnixListener {
    /// Wraps a std listener made elsewhere (by another crate, or from raw
    /// parts). Not in std. Making it was not audited; accepting connections
    /// through the wrapper is audited (`net.unix_accept`).
    #[must_use]
    pub fn from_std(inner: std::os::unix::net::UnixListener) -> UnixListener {
        UnixListener(inner)
    }

    /// Unwraps the std listener. Not in std; connections it accepts are not
    /// audited.
    pub fn into_std(self) -> std::os::unix::net::UnixListener {
        self.0
    }

    /// Borrows the std listener. Not in std; connections accepted through it
    /// are not audited.
    pub fn as_std(&self) -> &std::os::unix::net::UnixListener {
        &self.0
    }
}

socket_traits!(UnixListener, std::os::unix::net::UnixListener);
socket_options!(UnixListener, "std::os::unix::net::UnixListener");

impl<'a> IntoIterator for &'a UnixListener {
    type Item = io::Result<UnixStream>;
    type IntoIter = Incoming<'a>;

    fn into_iter(self) -> Incoming<'a> {
        self.incoming()
    }
}

/// An iterator over incoming connections to a [`UnixListener`], yielding
/// this crate's [`UnixStream`]. It never returns `None`.
///
/// Mirror of [`std::os::unix::net::Incoming`].
pub struct Incoming<'a> {
    listener: &'a UnixListener,
}

impl Iterator for Incoming<'_> {
    type Item = io::Result<UnixStream>;

    #[track_caller]
    fn next(&mut self) -> Option<io::Result<UnixStream>> {
        Some(self.listener.accept().map(|(stream, _)| stream))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (usize::MAX, None)
    }
}

impl fmt::Debug for Incoming<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Incoming")
            .field("listener", &self.listener)
            .finish()
    }
}
