//! Boilerplate shared by the socket wrappers of [`crate::net`] and
//! [`crate::os::unix::net`]: std's conversions, descriptor traits, `Debug`,
//! `Read` and `Write`, and the socket options that reach no address, each
//! forwarding to the wrapped std socket.
//!
//! These are macros because they must be identical for every wrapper; the
//! audited methods stay hand-written.

/// `Debug` (std's output, unchanged), `From` both ways with the std type, and
/// on Unix the descriptor traits (`AsFd`, `AsRawFd`, `FromRawFd`, `IntoRawFd`,
/// `From<OwnedFd>`, `From<Wrapper> for OwnedFd`).
///
/// Adopting a descriptor is not audited: it reaches no address and creates
/// nothing, like std's constructors from raw parts.
macro_rules! socket_traits {
    ($ty:ident, $std:ty) => {
        impl ::std::fmt::Debug for $ty {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                ::std::fmt::Debug::fmt(&self.0, f)
            }
        }

        impl ::std::convert::From<$std> for $ty {
            /// Wraps a std socket, as `from_std` does: making it was not
            /// audited, the audited operations on the result are.
            fn from(inner: $std) -> Self {
                $ty::from_std(inner)
            }
        }

        impl ::std::convert::From<$ty> for $std {
            /// Unwraps into the std socket, as `into_std` does; operations on
            /// the result are **not** audited.
            fn from(outer: $ty) -> Self {
                outer.into_std()
            }
        }

        #[cfg(unix)]
        impl ::std::os::fd::AsFd for $ty {
            fn as_fd(&self) -> ::std::os::fd::BorrowedFd<'_> {
                ::std::os::fd::AsFd::as_fd(&self.0)
            }
        }

        #[cfg(unix)]
        impl ::std::os::fd::AsRawFd for $ty {
            fn as_raw_fd(&self) -> ::std::os::fd::RawFd {
                ::std::os::fd::AsRawFd::as_raw_fd(&self.0)
            }
        }

        #[cfg(unix)]
        impl ::std::os::fd::FromRawFd for $ty {
            unsafe fn from_raw_fd(fd: ::std::os::fd::RawFd) -> Self {
                // SAFETY: the caller upholds `FromRawFd`'s contract (an open,
                // owned socket descriptor of the right kind), which is exactly
                // what std's impl requires.
                $ty(unsafe { <$std as ::std::os::fd::FromRawFd>::from_raw_fd(fd) })
            }
        }

        #[cfg(unix)]
        impl ::std::os::fd::IntoRawFd for $ty {
            fn into_raw_fd(self) -> ::std::os::fd::RawFd {
                ::std::os::fd::IntoRawFd::into_raw_fd(self.0)
            }
        }

        #[cfg(unix)]
        impl ::std::convert::From<::std::os::fd::OwnedFd> for $ty {
            fn from(fd: ::std::os::fd::OwnedFd) -> Self {
                $ty(<$std>::from(fd))
            }
        }

        #[cfg(unix)]
        impl ::std::convert::From<$ty> for ::std::os::fd::OwnedFd {
            fn from(socket: $ty) -> Self {
                socket.0.into()
            }
        }
    };
}
pub(crate) use socket_traits;

/// The unaudited socket options every wrapper shares with its std socket:
/// `set_nonblocking` and `take_error`, and with `timeouts` the read and write
/// timeouts (stream and datagram sockets). `$std` is the std type's path, for
/// the documentation.
macro_rules! socket_options {
    ($ty:ident, $std:literal) => {
        impl $ty {
            /// Moves the socket into or out of non-blocking mode.
            ///
            #[doc = concat!("Wrapper for [`", $std, "::set_nonblocking`].")]
            pub fn set_nonblocking(&self, nonblocking: bool) -> ::std::io::Result<()> {
                self.0.set_nonblocking(nonblocking)
            }

            /// Returns the value of the `SO_ERROR` option, clearing it.
            ///
            #[doc = concat!("Wrapper for [`", $std, "::take_error`].")]
            pub fn take_error(&self) -> ::std::io::Result<Option<::std::io::Error>> {
                self.0.take_error()
            }
        }
    };
    ($ty:ident, $std:literal, timeouts) => {
        $crate::net::traits::socket_options!($ty, $std);

        impl $ty {
            /// Sets the read timeout of the socket; `None` blocks indefinitely.
            ///
            #[doc = concat!("Wrapper for [`", $std, "::set_read_timeout`].")]
            pub fn set_read_timeout(
                &self,
                timeout: Option<::std::time::Duration>,
            ) -> ::std::io::Result<()> {
                self.0.set_read_timeout(timeout)
            }

            /// Sets the write timeout of the socket; `None` blocks indefinitely.
            ///
            #[doc = concat!("Wrapper for [`", $std, "::set_write_timeout`].")]
            pub fn set_write_timeout(
                &self,
                timeout: Option<::std::time::Duration>,
            ) -> ::std::io::Result<()> {
                self.0.set_write_timeout(timeout)
            }

            /// Returns the read timeout of the socket.
            ///
            #[doc = concat!("Wrapper for [`", $std, "::read_timeout`].")]
            pub fn read_timeout(&self) -> ::std::io::Result<Option<::std::time::Duration>> {
                self.0.read_timeout()
            }

            /// Returns the write timeout of the socket.
            ///
            #[doc = concat!("Wrapper for [`", $std, "::write_timeout`].")]
            pub fn write_timeout(&self) -> ::std::io::Result<Option<::std::time::Duration>> {
                self.0.write_timeout()
            }
        }
    };
}
pub(crate) use socket_options;

/// `Read` and `Write` for the wrapper and for a shared reference to it, as std
/// implements them for its stream sockets. Each method std specialises is
/// forwarded, so the wrapper reads and writes exactly as std does.
macro_rules! stream_io {
    ($ty:ident) => {
        impl ::std::io::Read for $ty {
            fn read(&mut self, buf: &mut [u8]) -> ::std::io::Result<usize> {
                ::std::io::Read::read(&mut self.0, buf)
            }
            fn read_vectored(
                &mut self,
                bufs: &mut [::std::io::IoSliceMut<'_>],
            ) -> ::std::io::Result<usize> {
                ::std::io::Read::read_vectored(&mut self.0, bufs)
            }
            fn read_to_end(&mut self, buf: &mut Vec<u8>) -> ::std::io::Result<usize> {
                ::std::io::Read::read_to_end(&mut self.0, buf)
            }
            fn read_to_string(&mut self, buf: &mut String) -> ::std::io::Result<usize> {
                ::std::io::Read::read_to_string(&mut self.0, buf)
            }
            fn read_exact(&mut self, buf: &mut [u8]) -> ::std::io::Result<()> {
                ::std::io::Read::read_exact(&mut self.0, buf)
            }
        }

        impl ::std::io::Read for &$ty {
            fn read(&mut self, buf: &mut [u8]) -> ::std::io::Result<usize> {
                ::std::io::Read::read(&mut &self.0, buf)
            }
            fn read_vectored(
                &mut self,
                bufs: &mut [::std::io::IoSliceMut<'_>],
            ) -> ::std::io::Result<usize> {
                ::std::io::Read::read_vectored(&mut &self.0, bufs)
            }
            fn read_to_end(&mut self, buf: &mut Vec<u8>) -> ::std::io::Result<usize> {
                ::std::io::Read::read_to_end(&mut &self.0, buf)
            }
            fn read_to_string(&mut self, buf: &mut String) -> ::std::io::Result<usize> {
                ::std::io::Read::read_to_string(&mut &self.0, buf)
            }
            fn read_exact(&mut self, buf: &mut [u8]) -> ::std::io::Result<()> {
                ::std::io::Read::read_exact(&mut &self.0, buf)
            }
        }

        impl ::std::io::Write for $ty {
            fn write(&mut self, buf: &[u8]) -> ::std::io::Result<usize> {
                ::std::io::Write::write(&mut self.0, buf)
            }
            fn write_vectored(
                &mut self,
                bufs: &[::std::io::IoSlice<'_>],
            ) -> ::std::io::Result<usize> {
                ::std::io::Write::write_vectored(&mut self.0, bufs)
            }
            fn flush(&mut self) -> ::std::io::Result<()> {
                ::std::io::Write::flush(&mut self.0)
            }
            fn write_all(&mut self, buf: &[u8]) -> ::std::io::Result<()> {
                ::std::io::Write::write_all(&mut self.0, buf)
            }
        }

        impl ::std::io::Write for &$ty {
            fn write(&mut self, buf: &[u8]) -> ::std::io::Result<usize> {
                ::std::io::Write::write(&mut &self.0, buf)
            }
            fn write_vectored(
                &mut self,
                bufs: &[::std::io::IoSlice<'_>],
            ) -> ::std::io::Result<usize> {
                ::std::io::Write::write_vectored(&mut &self.0, bufs)
            }
            fn flush(&mut self) -> ::std::io::Result<()> {
                ::std::io::Write::flush(&mut &self.0)
            }
            fn write_all(&mut self, buf: &[u8]) -> ::std::io::Result<()> {
                ::std::io::Write::write_all(&mut &self.0, buf)
            }
        }
    };
}
pub(crate) use stream_io;
