//! [`TcpListener`] and its [`Incoming`] iterator: an audited TCP server socket.

use std::fmt;
use std::io;
use std::iter::FusedIterator;
use std::net::SocketAddr;

use audit_core::audit;

use super::addr::{each_addr, Protocol};
use super::traits::{socket_options, socket_traits};
use super::{TcpStream, ToSocketAddrs};
use crate::events;

/// A TCP socket server, listening for connections, whose binding and accepted
/// connections are audited.
///
/// Binding raises [`events::net::BIND`] for each address tried; accepting a
/// connection raises [`events::net::ACCEPT`] with the peer's address, and a
/// veto closes that connection (see [`TcpListener::accept`]).
///
/// Wrapper for [`std::net::TcpListener`]; it has the same methods and trait
/// implementations, and converts to and from it with `From`.
///
/// ```no_run
/// use audit_std::net::{TcpListener, TcpStream};
///
/// fn handle_client(stream: TcpStream) { /* ... */ }
///
/// let listener = TcpListener::bind("127.0.0.1:80")?;
/// for stream in listener.incoming() {
///     match stream {
///         Ok(stream) => handle_client(stream),
///         Err(e) => eprintln!("connection refused or failed: {e}"),
///     }
/// }
/// # Ok::<(), std::io::Error>(())
/// ```
pub struct TcpListener(pub(crate) std::net::TcpListener);

impl TcpListener {
    /// Creates a new `TcpListener` bound to the specified address.
    ///
    /// Raises [`events::net::RESOLVE`] with `(host, port)` if `addr` names a
    /// host, then [`events::net::BIND`] with `(address, "tcp")` before each
    /// attempt. Like std, the addresses are tried in turn until one binds; a
    /// vetoed address is skipped, and if none binds the veto is returned.
    ///
    /// Wrapper for [`std::net::TcpListener::bind`].
    #[track_caller]
    pub fn bind<A: ToSocketAddrs>(addr: A) -> io::Result<TcpListener> {
        // The audit point is in the closure: the caller is taken here.
        let caller = std::panic::Location::caller();
        each_addr(addr, |address| {
            audit!(@caller caller, events::net::BIND, address, protocol = Protocol::Tcp.name())?;
            std::net::TcpListener::bind(address).map(TcpListener)
        })
    }

    /// Returns the local socket address of this listener.
    ///
    /// Wrapper for [`std::net::TcpListener::local_addr`].
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.0.local_addr()
    }

    /// Creates a new independently owned handle to the underlying socket.
    ///
    /// Wrapper for [`std::net::TcpListener::try_clone`].
    pub fn try_clone(&self) -> io::Result<TcpListener> {
        self.0.try_clone().map(TcpListener)
    }

    /// Accepts a new incoming connection from this listener.
    ///
    /// Raises [`events::net::ACCEPT`] with `(peer, local)` once the operating
    /// system has handed over the connection, before the program sees it. On
    /// a veto the connection is closed at once (the peer reads end-of-file,
    /// having received nothing) and the veto is returned as an error of kind
    /// `PermissionDenied`: `accept` does not silently wait for the next
    /// peer, so a refusal is always visible, and a non-blocking listener
    /// keeps its behaviour. A server loop should treat this error like any
    /// per-connection failure and keep accepting.
    ///
    /// Wrapper for [`std::net::TcpListener::accept`].
    #[track_caller]
    pub fn accept(&self) -> io::Result<(TcpStream, SocketAddr)> {
        let (stream, peer) = self.0.accept()?;
        // The kernel has completed the handshake already; the earliest point
        // the peer can be refused is here, and refusing means closing.
        audit!(events::net::ACCEPT, peer, local = stream.local_addr().ok())?;
        Ok((TcpStream(stream), peer))
    }

    /// Returns an iterator over the connections being received on this
    /// listener: [`accept`](TcpListener::accept) in a loop, so each connection
    /// is audited and a refused one comes out as an `Err` item.
    ///
    /// Wrapper for [`std::net::TcpListener::incoming`].
    pub fn incoming(&self) -> Incoming<'_> {
        Incoming { listener: self }
    }

    /// Sets the value for the `IP_TTL` option on this socket.
    ///
    /// Wrapper for [`std::net::TcpListener::set_ttl`].
    pub fn set_ttl(&self, ttl: u32) -> io::Result<()> {
        self.0.set_ttl(ttl)
    }

    /// Gets the value of the `IP_TTL` option for this socket.
    ///
    /// Wrapper for [`std::net::TcpListener::ttl`].
    pub fn ttl(&self) -> io::Result<u32> {
        self.0.ttl()
    }

    /// Sets the `IPV6_V6ONLY` option; deprecated in std because it has no
    /// effect once the socket is bound.
    ///
    /// Wrapper for [`std::net::TcpListener::set_only_v6`].
    #[deprecated(
        since = "1.16.0",
        note = "this option can only be set before the socket is bound"
    )]
    #[allow(deprecated)]
    pub fn set_only_v6(&self, only_v6: bool) -> io::Result<()> {
        self.0.set_only_v6(only_v6)
    }

    /// Gets the `IPV6_V6ONLY` option; deprecated in std.
    ///
    /// Wrapper for [`std::net::TcpListener::only_v6`].
    #[deprecated(
        since = "1.16.0",
        note = "this option can only be set before the socket is bound"
    )]
    #[allow(deprecated)]
    pub fn only_v6(&self) -> io::Result<bool> {
        self.0.only_v6()
    }
}

/// Not in std: conversions from and to [`std::net::TcpListener`].
///
/// **Connections accepted through the std listener are not audited.**
impl TcpListener {
    /// Wraps a std listener made elsewhere (by another crate, or from raw
    /// parts). Not in std. Making it was not audited; accepting connections
    /// through the wrapper is audited (`net.accept`).
    #[must_use]
    pub fn from_std(inner: std::net::TcpListener) -> TcpListener {
        TcpListener(inner)
    }

    /// Unwraps the std listener. Not in std; connections it accepts are not
    /// audited.
    pub fn into_std(self) -> std::net::TcpListener {
        self.0
    }

    /// Borrows the std listener. Not in std; connections accepted through it
    /// are not audited.
    pub fn as_std(&self) -> &std::net::TcpListener {
        &self.0
    }
}

socket_traits!(TcpListener, std::net::TcpListener);
socket_options!(TcpListener, "std::net::TcpListener");

/// An iterator that infinitely [`accept`](TcpListener::accept)s connections
/// on a [`TcpListener`], yielding this crate's [`TcpStream`].
///
/// Mirror of [`std::net::Incoming`].
pub struct Incoming<'a> {
    listener: &'a TcpListener,
}

impl Iterator for Incoming<'_> {
    type Item = io::Result<TcpStream>;
    #[track_caller]
    fn next(&mut self) -> Option<io::Result<TcpStream>> {
        Some(self.listener.accept().map(|(stream, _)| stream))
    }
}

impl FusedIterator for Incoming<'_> {}

impl fmt::Debug for Incoming<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Incoming")
            .field("listener", &self.listener)
            .finish()
    }
}
