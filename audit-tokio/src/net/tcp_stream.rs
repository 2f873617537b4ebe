//! [`TcpStream`]: a TCP connection whose opening is audited.

use std::io;
use std::net::SocketAddr;
use std::task::{Context, Poll};

use audit_core::audit;
use audit_std::events;
use tokio::io::ReadBuf;

use super::sealed::Addrs;
use super::tcp::{OwnedReadHalf, OwnedWriteHalf, ReadHalf, WriteHalf};
use super::{each_addr, ToSocketAddrs, TCP};

/// A TCP stream between a local and a remote socket.
///
/// [`connect`](TcpStream::connect) raises [`events::net::CONNECT`] with
/// `(address, "tcp")` for each address tried. Reading and writing (through
/// tokio's [`AsyncRead`](tokio::io::AsyncRead) and
/// [`AsyncWrite`](tokio::io::AsyncWrite), or the `try_*` methods) raise
/// nothing.
///
/// Wrapper for [`tokio::net::TcpStream`].
pub struct TcpStream(tokio::net::TcpStream);

socket_common!(TcpStream, tokio::net::TcpStream);
async_read_write!(TcpStream);
stream_io!(TcpStream, "tokio::net::TcpStream");

impl TcpStream {
    /// Opens a TCP connection to a remote host.
    ///
    /// Raises [`events::net::RESOLVE`] first for a host name, then
    /// [`events::net::CONNECT`] with `(address, "tcp")` before each
    /// connection attempt. Like tokio, the addresses are tried in turn until
    /// one connects; a vetoed address is skipped, not tried, and if no
    /// address connects and one was vetoed, the veto is returned (kind
    /// `PermissionDenied`), otherwise the last error.
    ///
    /// Wrapper for [`tokio::net::TcpStream::connect`].
    #[track_caller]
    pub fn connect<A: ToSocketAddrs>(
        addr: A,
    ) -> impl std::future::Future<Output = io::Result<TcpStream>> {
        let caller = std::panic::Location::caller();
        async move {
            // One literal address, the common case: no loop, no allocation.
            if let Addrs::One(address) = addr.to_addrs()? {
                audit!(@caller caller, events::net::CONNECT, address, protocol = TCP)?;
                return tokio::net::TcpStream::connect(address).await.map(TcpStream);
            }
            each_addr(caller, addr, |address| async move {
                audit!(@caller caller, events::net::CONNECT, address, protocol = TCP)?;
                tokio::net::TcpStream::connect(address).await.map(TcpStream)
            })
            .await
        }
    }

    /// Returns the local address that this stream is bound to.
    ///
    /// Wrapper for [`tokio::net::TcpStream::local_addr`].
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.0.local_addr()
    }

    /// Returns the remote address that this stream is connected to.
    ///
    /// Wrapper for [`tokio::net::TcpStream::peer_addr`].
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.0.peer_addr()
    }

    /// Attempts to receive data without removing it from the queue.
    ///
    /// Wrapper for [`tokio::net::TcpStream::poll_peek`].
    pub fn poll_peek(
        &self,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<usize>> {
        self.0.poll_peek(cx, buf)
    }

    /// Receives data without removing it from the queue.
    ///
    /// Wrapper for [`tokio::net::TcpStream::peek`].
    pub async fn peek(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.0.peek(buf).await
    }

    /// Gets the value of the `TCP_NODELAY` option.
    ///
    /// Wrapper for [`tokio::net::TcpStream::nodelay`].
    pub fn nodelay(&self) -> io::Result<bool> {
        self.0.nodelay()
    }

    /// Sets the value of the `TCP_NODELAY` option.
    ///
    /// Wrapper for [`tokio::net::TcpStream::set_nodelay`].
    pub fn set_nodelay(&self, nodelay: bool) -> io::Result<()> {
        self.0.set_nodelay(nodelay)
    }

    /// Sets `SO_LINGER` to zero: closing then resets the connection.
    ///
    /// Wrapper for [`tokio::net::TcpStream::set_zero_linger`].
    pub fn set_zero_linger(&self) -> io::Result<()> {
        self.0.set_zero_linger()
    }

    /// Reads the linger duration (`SO_LINGER`).
    ///
    /// Wrapper for [`tokio::net::TcpStream::linger`].
    pub fn linger(&self) -> io::Result<Option<std::time::Duration>> {
        self.0.linger()
    }

    /// Gets the value of the `IP_TTL` option.
    ///
    /// Wrapper for [`tokio::net::TcpStream::ttl`].
    pub fn ttl(&self) -> io::Result<u32> {
        self.0.ttl()
    }

    /// Sets the value of the `IP_TTL` option.
    ///
    /// Wrapper for [`tokio::net::TcpStream::set_ttl`].
    pub fn set_ttl(&self, ttl: u32) -> io::Result<()> {
        self.0.set_ttl(ttl)
    }

    /// Splits a borrowed stream into a read half and a write half (tokio's
    /// types; no audited operation is reachable through them).
    ///
    /// Wrapper for [`tokio::net::TcpStream::split`].
    pub fn split(&mut self) -> (ReadHalf<'_>, WriteHalf<'_>) {
        self.0.split()
    }

    /// Splits the stream into owned halves (tokio's types; `reunite` gives
    /// back a tokio stream, already connected).
    ///
    /// Wrapper for [`tokio::net::TcpStream::into_split`].
    pub fn into_split(self) -> (OwnedReadHalf, OwnedWriteHalf) {
        self.0.into_split()
    }
}

/// Conversions with `std`: escape hatches, **not audited**.
impl TcpStream {
    /// Adopts a connected `std` stream (set non-blocking first). No event:
    /// the connection was made without this crate.
    ///
    /// Wrapper for [`tokio::net::TcpStream::from_std`].
    pub fn from_std(stream: std::net::TcpStream) -> io::Result<TcpStream> {
        tokio::net::TcpStream::from_std(stream).map(TcpStream)
    }

    /// Turns into a `std` stream, whose methods are **not audited**.
    ///
    /// Wrapper for [`tokio::net::TcpStream::into_std`].
    pub fn into_std(self) -> io::Result<std::net::TcpStream> {
        self.0.into_std()
    }
}

impl TryFrom<std::net::TcpStream> for TcpStream {
    type Error = io::Error;

    /// Same as [`TcpStream::from_std`]: not audited.
    fn try_from(stream: std::net::TcpStream) -> io::Result<TcpStream> {
        TcpStream::from_std(stream)
    }
}
