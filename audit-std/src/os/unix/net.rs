//! Audited mirror of [`std::os::unix::net`]: Unix-domain sockets.
//!
//! [`UnixStream`], [`UnixListener`] and [`UnixDatagram`] wrap std's types
//! (without `Deref`), with every stable method of std's and the same
//! signatures. Connecting, binding, accepting and sending to an explicit
//! address raise the `net.unix_*` events listed in the
//! [table of `crate::net`](crate::net#events); a vetoed operation fails with
//! kind `PermissionDenied` before any effect. In particular a vetoed `bind`
//! creates no socket file.
//!
//! The Unix events have their own names rather than sharing `net.connect`
//! and friends, so that each event's arguments have one type: a hook reading
//! `address` as a [`SocketAddr`](std::net::SocketAddr) never meets a path.
//! Their arguments are `path` (the socket's filesystem path, or `None`) and,
//! on Linux, `abstract_name` (the name of an abstract socket, or `None`;
//! always `None` elsewhere).
//!
//! [`UnixStream::pair`], [`UnixDatagram::pair`] and [`UnixDatagram::unbound`]
//! reach no address and raise nothing.
//!
//! ```no_run
//! use audit_std::os::unix::net::{UnixListener, UnixStream};
//! use std::io::Write;
//!
//! let listener = UnixListener::bind("/tmp/app.sock")?; // net.unix_bind
//! let mut client = UnixStream::connect("/tmp/app.sock")?; // net.unix_connect
//! let (server, _addr) = listener.accept()?; // net.unix_accept
//! client.write_all(b"hello")?;
//! # drop(server);
//! # Ok::<(), std::io::Error>(())
//! ```

mod datagram;
mod listener;
mod stream;

pub use datagram::UnixDatagram;
pub use listener::{Incoming, UnixListener};
pub use std::os::unix::net::SocketAddr;
pub use stream::UnixStream;

/// The abstract name of `addr`, where the platform has abstract sockets.
fn abstract_name(addr: &SocketAddr) -> Option<&[u8]> {
    #[cfg(target_os = "linux")]
    {
        use std::os::linux::net::SocketAddrExt;
        addr.as_abstract_name()
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = addr;
        None
    }
}
