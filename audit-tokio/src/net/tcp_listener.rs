//! [`TcpListener`]: a TCP server socket whose binding and accepted peers are
//! audited.

use std::io;
use std::net::SocketAddr;
use std::task::{ready, Context, Poll};

use audit_core::audit;
use audit_std::events;

use super::{each_addr, TcpStream, ToSocketAddrs, TCP};

/// A TCP socket server, listening for connections.
///
/// [`bind`](TcpListener::bind) raises [`events::net::BIND`] with `(address,
/// "tcp")`; [`accept`](TcpListener::accept) raises [`events::net::ACCEPT`]
/// with `(peer, local)` once the kernel hands the connection over. A vetoed
/// peer is closed at once and `accept` returns the veto as an error of kind
/// `PermissionDenied`: treat it as a per-connection failure and keep
/// accepting.
///
/// Wrapper for [`tokio::net::TcpListener`].
pub struct TcpListener(tokio::net::TcpListener);

socket_common!(TcpListener, tokio::net::TcpListener);

/// The audit point of an accepted connection: a veto drops (closes) it.
fn audit_accept(
    caller: &'static std::panic::Location<'static>,
    stream: tokio::net::TcpStream,
    peer: SocketAddr,
) -> io::Result<(TcpStream, SocketAddr)> {
    // The kernel has completed the handshake already; the earliest point
    // the peer can be refused is here, and refusing means closing.
    audit!(@caller caller, events::net::ACCEPT, peer, local = stream.local_addr().ok())?;
    Ok((TcpStream::from(stream), peer))
}

impl TcpListener {
    /// Creates a new listener bound to the given address.
    ///
    /// Raises [`events::net::RESOLVE`] for a host name, then
    /// [`events::net::BIND`] with `(address, "tcp")` before each address is
    /// tried, as tokio tries them; a veto binds nothing.
    ///
    /// Wrapper for [`tokio::net::TcpListener::bind`].
    #[track_caller]
    pub fn bind<A: ToSocketAddrs>(
        addr: A,
    ) -> impl std::future::Future<Output = io::Result<TcpListener>> {
        let caller = std::panic::Location::caller();
        async move {
            each_addr(caller, addr, |address| async move {
                audit!(@caller caller, events::net::BIND, address, protocol = TCP)?;
                tokio::net::TcpListener::bind(address)
                    .await
                    .map(TcpListener)
            })
            .await
        }
    }

    /// Accepts a new incoming connection from this listener.
    ///
    /// Raises [`events::net::ACCEPT`] with `(peer, local)` once the
    /// connection is taken off the queue; on a veto the connection is closed
    /// and the veto returned.
    ///
    /// Wrapper for [`tokio::net::TcpListener::accept`].
    #[track_caller]
    pub fn accept<'__a0>(
        &'__a0 self,
    ) -> impl std::future::Future<Output = io::Result<(TcpStream, SocketAddr)>> + crate::Captures<'__a0>
    {
        let caller = std::panic::Location::caller();
        async move {
            let (stream, peer) = self.0.accept().await?;
            audit_accept(caller, stream, peer)
        }
    }

    /// Polls to accept a new incoming connection to this listener.
    ///
    /// Raises [`events::net::ACCEPT`] with `(peer, local)` when a connection
    /// is ready, as [`accept`](TcpListener::accept) does.
    ///
    /// Wrapper for [`tokio::net::TcpListener::poll_accept`].
    #[track_caller]
    pub fn poll_accept(&self, cx: &mut Context<'_>) -> Poll<io::Result<(TcpStream, SocketAddr)>> {
        let caller = std::panic::Location::caller();
        let (stream, peer) = ready!(self.0.poll_accept(cx))?;
        Poll::Ready(audit_accept(caller, stream, peer))
    }

    /// Returns the local address that this listener is bound to.
    ///
    /// Wrapper for [`tokio::net::TcpListener::local_addr`].
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.0.local_addr()
    }

    /// Gets the value of the `IP_TTL` option.
    ///
    /// Wrapper for [`tokio::net::TcpListener::ttl`].
    pub fn ttl(&self) -> io::Result<u32> {
        self.0.ttl()
    }

    /// Sets the value of the `IP_TTL` option.
    ///
    /// Wrapper for [`tokio::net::TcpListener::set_ttl`].
    pub fn set_ttl(&self, ttl: u32) -> io::Result<()> {
        self.0.set_ttl(ttl)
    }
}

/// Conversions with `std`: escape hatches, **not audited**.
impl TcpListener {
    /// Adopts a bound `std` listener (set non-blocking first). No event: it
    /// was bound without this crate; connections it accepts through this
    /// wrapper are audited.
    ///
    /// Wrapper for [`tokio::net::TcpListener::from_std`].
    pub fn from_std(listener: std::net::TcpListener) -> io::Result<TcpListener> {
        tokio::net::TcpListener::from_std(listener).map(TcpListener)
    }

    /// Turns into a `std` listener, whose `accept` is **not audited**.
    ///
    /// Wrapper for [`tokio::net::TcpListener::into_std`].
    pub fn into_std(self) -> io::Result<std::net::TcpListener> {
        self.0.into_std()
    }
}

impl TryFrom<std::net::TcpListener> for TcpListener {
    type Error = io::Error;

    /// Same as [`TcpListener::from_std`]: not audited.
    fn try_from(listener: std::net::TcpListener) -> io::Result<TcpListener> {
        TcpListener::from_std(listener)
    }
}
