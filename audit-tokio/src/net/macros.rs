//! Boilerplate shared by the socket wrappers: tokio's trait implementations
//! and the I/O methods that reach no address, each forwarding to the wrapped
//! tokio socket. The audited methods stay hand-written in each type's file.

/// `Debug` (tokio's output), `From` both ways with tokio's type, the
/// escape hatches `as_tokio`/`into_tokio`, and on Unix `AsFd`/`AsRawFd`.
macro_rules! socket_common {
    ($ty:ident, $tokio:ty) => {
        impl ::std::fmt::Debug for $ty {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                ::std::fmt::Debug::fmt(&self.0, f)
            }
        }

        impl ::std::convert::From<$tokio> for $ty {
            /// Wraps tokio's socket, which was created without an event.
            fn from(inner: $tokio) -> Self {
                $ty(inner)
            }
        }

        impl ::std::convert::From<$ty> for $tokio {
            /// Unwraps into tokio's socket, whose methods are **not audited**.
            fn from(outer: $ty) -> Self {
                outer.0
            }
        }

        /// Escape hatches: tokio's socket, whose methods are **not audited**.
        impl $ty {
            /// Borrows tokio's socket. Its methods are **not audited**.
            pub fn as_tokio(&self) -> &$tokio {
                &self.0
            }

            /// Unwraps into tokio's socket. Its methods are **not audited**.
            pub fn into_tokio(self) -> $tokio {
                self.0
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
    };
}

/// `AsyncRead` and `AsyncWrite` by delegation: reads and writes are not
/// audited (the connection was).
macro_rules! async_read_write {
    ($ty:ident) => {
        impl ::tokio::io::AsyncRead for $ty {
            fn poll_read(
                mut self: ::std::pin::Pin<&mut Self>,
                cx: &mut ::std::task::Context<'_>,
                buf: &mut ::tokio::io::ReadBuf<'_>,
            ) -> ::std::task::Poll<::std::io::Result<()>> {
                ::std::pin::Pin::new(&mut self.0).poll_read(cx, buf)
            }
        }

        impl ::tokio::io::AsyncWrite for $ty {
            fn poll_write(
                mut self: ::std::pin::Pin<&mut Self>,
                cx: &mut ::std::task::Context<'_>,
                buf: &[u8],
            ) -> ::std::task::Poll<::std::io::Result<usize>> {
                ::std::pin::Pin::new(&mut self.0).poll_write(cx, buf)
            }

            fn poll_write_vectored(
                mut self: ::std::pin::Pin<&mut Self>,
                cx: &mut ::std::task::Context<'_>,
                bufs: &[::std::io::IoSlice<'_>],
            ) -> ::std::task::Poll<::std::io::Result<usize>> {
                ::std::pin::Pin::new(&mut self.0).poll_write_vectored(cx, bufs)
            }

            fn is_write_vectored(&self) -> bool {
                ::tokio::io::AsyncWrite::is_write_vectored(&self.0)
            }

            fn poll_flush(
                mut self: ::std::pin::Pin<&mut Self>,
                cx: &mut ::std::task::Context<'_>,
            ) -> ::std::task::Poll<::std::io::Result<()>> {
                ::std::pin::Pin::new(&mut self.0).poll_flush(cx)
            }

            fn poll_shutdown(
                mut self: ::std::pin::Pin<&mut Self>,
                cx: &mut ::std::task::Context<'_>,
            ) -> ::std::task::Poll<::std::io::Result<()>> {
                ::std::pin::Pin::new(&mut self.0).poll_shutdown(cx)
            }
        }
    };
}

/// The readiness and `try_*` I/O methods of connected streams: no event.
macro_rules! stream_io {
    ($ty:ident, $tokio:literal) => {
        /// Readiness and non-blocking I/O on the connected stream: no event.
        impl $ty {
            #[doc = concat!("Waits for any of the requested ready states.\n\nWrapper for [`", $tokio, "::ready`].")]
            pub async fn ready(&self, interest: ::tokio::io::Interest) -> ::std::io::Result<::tokio::io::Ready> {
                self.0.ready(interest).await
            }

            #[doc = concat!("Waits for the socket to become readable.\n\nWrapper for [`", $tokio, "::readable`].")]
            pub async fn readable(&self) -> ::std::io::Result<()> {
                self.0.readable().await
            }

            #[doc = concat!("Polls for read readiness.\n\nWrapper for [`", $tokio, "::poll_read_ready`].")]
            pub fn poll_read_ready(&self, cx: &mut ::std::task::Context<'_>) -> ::std::task::Poll<::std::io::Result<()>> {
                self.0.poll_read_ready(cx)
            }

            #[doc = concat!("Tries to read data from the stream into the buffer.\n\nWrapper for [`", $tokio, "::try_read`].")]
            pub fn try_read(&self, buf: &mut [u8]) -> ::std::io::Result<usize> {
                self.0.try_read(buf)
            }

            #[doc = concat!("Tries to read data into several buffers.\n\nWrapper for [`", $tokio, "::try_read_vectored`].")]
            pub fn try_read_vectored(&self, bufs: &mut [::std::io::IoSliceMut<'_>]) -> ::std::io::Result<usize> {
                self.0.try_read_vectored(bufs)
            }

            #[doc = concat!("Waits for the socket to become writable.\n\nWrapper for [`", $tokio, "::writable`].")]
            pub async fn writable(&self) -> ::std::io::Result<()> {
                self.0.writable().await
            }

            #[doc = concat!("Polls for write readiness.\n\nWrapper for [`", $tokio, "::poll_write_ready`].")]
            pub fn poll_write_ready(&self, cx: &mut ::std::task::Context<'_>) -> ::std::task::Poll<::std::io::Result<()>> {
                self.0.poll_write_ready(cx)
            }

            #[doc = concat!("Tries to write a buffer to the stream.\n\nWrapper for [`", $tokio, "::try_write`].")]
            pub fn try_write(&self, buf: &[u8]) -> ::std::io::Result<usize> {
                self.0.try_write(buf)
            }

            #[doc = concat!("Tries to write several buffers to the stream.\n\nWrapper for [`", $tokio, "::try_write_vectored`].")]
            pub fn try_write_vectored(&self, bufs: &[::std::io::IoSlice<'_>]) -> ::std::io::Result<usize> {
                self.0.try_write_vectored(bufs)
            }

            #[doc = concat!("Tries a user-provided I/O operation on the socket. Not audited: `f` is the caller's own code.\n\nWrapper for [`", $tokio, "::try_io`].")]
            pub fn try_io<R>(&self, interest: ::tokio::io::Interest, f: impl FnOnce() -> ::std::io::Result<R>) -> ::std::io::Result<R> {
                self.0.try_io(interest, f)
            }

            #[doc = concat!("Reads or writes with a user-provided function, waiting for readiness. Not audited: `f` is the caller's own code.\n\nWrapper for [`", $tokio, "::async_io`].")]
            pub async fn async_io<R>(&self, interest: ::tokio::io::Interest, f: impl FnMut() -> ::std::io::Result<R>) -> ::std::io::Result<R> {
                self.0.async_io(interest, f).await
            }

            #[doc = concat!("Returns the value of the `SO_ERROR` option.\n\nWrapper for [`", $tokio, "::take_error`].")]
            pub fn take_error(&self) -> ::std::io::Result<::std::option::Option<::std::io::Error>> {
                self.0.take_error()
            }
        }
    };
}
