//! Boilerplate trait impls shared by the socket wrappers of [`crate::net`]
//! and [`crate::os::unix::net`]: std's conversions, descriptor traits,
//! `Debug`, `Read` and `Write`, each forwarding to the wrapped std socket.
//!
//! These are macros because the impls carry no documentation of their own and
//! must be identical for every wrapper; the audited methods stay hand-written.

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
            /// Wraps a std socket; operations on the result are audited.
            fn from(inner: $std) -> Self {
                $ty(inner)
            }
        }

        impl ::std::convert::From<$ty> for $std {
            /// Unwraps into the std socket; operations on the result are **not**
            /// audited.
            fn from(outer: $ty) -> Self {
                outer.0
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
