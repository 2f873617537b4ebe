//! [`UnixListener`]: a Unix-domain server socket whose binding and accepted
//! peers are audited.

use std::io;
use std::path::Path;
use std::task::{ready, Context, Poll};

use audit_core::audit;
use audit_std::events;

use super::unix::SocketAddr;
use super::unix_stream::path_target;
use super::{abstract_name, UnixStream};

/// A Unix-domain socket server, listening for connections.
///
/// [`bind`](UnixListener::bind) raises [`events::net::UNIX_BIND`] with
/// `(path, abstract_name)`; [`accept`](UnixListener::accept) raises
/// [`events::net::UNIX_ACCEPT`] with `(peer, local)`, and a vetoed peer is
/// closed at once and the veto returned, as
/// [`TcpListener::accept`](super::TcpListener::accept) does.
///
/// Wrapper for [`tokio::net::UnixListener`].
pub struct UnixListener(tokio::net::UnixListener);

socket_common!(UnixListener, tokio::net::UnixListener);

/// The audit point of an accepted connection: a veto drops (closes) it.
fn audit_accept(
    caller: &'static std::panic::Location<'static>,
    stream: tokio::net::UnixStream,
    peer: SocketAddr,
) -> io::Result<(UnixStream, SocketAddr)> {
    audit!(@caller caller,
        events::net::UNIX_ACCEPT,
        peer = peer.as_pathname(),
        local = stream
            .local_addr()
            .ok()
            .as_ref()
            .and_then(SocketAddr::as_pathname)
    )?;
    Ok((UnixStream::from(stream), peer))
}

impl UnixListener {
    /// Creates a new listener bound to the specified path, which creates the
    /// socket file.
    ///
    /// Raises [`events::net::UNIX_BIND`] with `(path, abstract_name = None)`
    /// first; on Linux and Android a path starting with a NUL byte is an
    /// abstract name, as tokio reads it, and is reported as `(None,
    /// abstract_name)`.
    ///
    /// Wrapper for [`tokio::net::UnixListener::bind`].
    #[track_caller]
    pub fn bind<P>(path: P) -> io::Result<UnixListener>
    where
        P: AsRef<Path>,
    {
        let caller = std::panic::Location::caller();
        let path = path.as_ref();
        let (pathname, abstract_name) = path_target(path);
        audit!(@caller caller, events::net::UNIX_BIND, path = pathname, abstract_name)?;
        tokio::net::UnixListener::bind(path).map(UnixListener)
    }

    /// Creates a new listener bound to the specified socket address.
    ///
    /// Raises [`events::net::UNIX_BIND`] with `(path, abstract_name)` first.
    ///
    /// Wrapper for [`tokio::net::UnixListener::bind_addr`].
    #[track_caller]
    pub fn bind_addr(socket_addr: &SocketAddr) -> io::Result<UnixListener> {
        let caller = std::panic::Location::caller();
        let std_addr: std::os::unix::net::SocketAddr = socket_addr.clone().into();
        audit!(@caller caller,
            events::net::UNIX_BIND,
            path = std_addr.as_pathname(),
            abstract_name = abstract_name(&std_addr)
        )?;
        tokio::net::UnixListener::bind_addr(socket_addr).map(UnixListener)
    }

    /// Accepts a new incoming connection to this listener.
    ///
    /// Raises [`events::net::UNIX_ACCEPT`] with `(peer, local)` once the
    /// connection is taken off the queue; on a veto it is closed and the veto
    /// returned.
    ///
    /// Wrapper for [`tokio::net::UnixListener::accept`].
    #[track_caller]
    pub fn accept<'__a0>(
        &'__a0 self,
    ) -> impl std::future::Future<Output = io::Result<(UnixStream, SocketAddr)>> + crate::Captures<'__a0>
    {
        let caller = std::panic::Location::caller();
        async move {
            let (stream, peer) = self.0.accept().await?;
            audit_accept(caller, stream, peer)
        }
    }

    /// Polls to accept a new incoming connection to this listener.
    ///
    /// Raises [`events::net::UNIX_ACCEPT`] as [`accept`](Self::accept) does.
    ///
    /// Wrapper for [`tokio::net::UnixListener::poll_accept`].
    #[track_caller]
    pub fn poll_accept(&self, cx: &mut Context<'_>) -> Poll<io::Result<(UnixStream, SocketAddr)>> {
        let caller = std::panic::Location::caller();
        let (stream, peer) = ready!(self.0.poll_accept(cx))?;
        Poll::Ready(audit_accept(caller, stream, peer))
    }

    /// Returns the local socket address of this listener.
    ///
    /// Wrapper for [`tokio::net::UnixListener::local_addr`].
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.0.local_addr()
    }

    /// Returns the value of the `SO_ERROR` option.
    ///
    /// Wrapper for [`tokio::net::UnixListener::take_error`].
    pub fn take_error(&self) -> io::Result<Option<io::Error>> {
        self.0.take_error()
    }
}

/// Conversions with `std`: escape hatches, **not audited**.
impl UnixListener {
    /// Adopts a bound `std` listener (set non-blocking first). No event.
    ///
    /// Wrapper for [`tokio::net::UnixListener::from_std`].
    pub fn from_std(listener: std::os::unix::net::UnixListener) -> io::Result<UnixListener> {
        tokio::net::UnixListener::from_std(listener).map(UnixListener)
    }

    /// Turns into a `std` listener, whose `accept` is **not audited**.
    ///
    /// Wrapper for [`tokio::net::UnixListener::into_std`].
    pub fn into_std(self) -> io::Result<std::os::unix::net::UnixListener> {
        self.0.into_std()
    }
}
