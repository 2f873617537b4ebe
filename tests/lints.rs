//! `#[audited]` expansions are clean under strict lints: every lint below is
//! denied, so an expansion that triggers one fails to build this test. (That
//! lints still fire on the user's own code, such as `dead_code` on an unused
//! annotated function, is checked by `tests/ui/fail/audited-unused-dead-code.rs`.)
#![deny(
    warnings,
    unused,
    unused_qualifications,
    unused_parens,
    unused_results,
    unsafe_op_in_unsafe_fn,
    unreachable_pub,
    missing_docs,
    rust_2018_idioms,
    clippy::all,
    clippy::pedantic
)]

use audit_core::{audited, testing, AuditError, Recordable};
use std::future::Future;
use std::io;
use std::path::Path;

/// Every veto mode and option, on shapes that exercise the expansion.
pub mod shapes {
    use super::{audited, io, AuditError, Future, Path, Recordable};

    /// `err` mode with recorded parameters and extra arguments.
    ///
    /// # Errors
    /// On a veto.
    #[audited("lint.err", skip(data), args(len = data.len(), big = data.len() > 10))]
    pub fn err(path: &Path, data: &[u8]) -> io::Result<usize> {
        Ok(path.as_os_str().len() + data.len())
    }

    /// `panic` mode.
    ///
    /// # Panics
    /// On a veto.
    #[audited("lint.panic", on_veto = panic)]
    pub fn panic(n: u32) {
        let _ = n;
    }

    /// An `async fn`.
    ///
    /// # Errors
    /// On a veto.
    #[audited("lint.async")]
    pub async fn asynchronous(n: u32) -> Result<u32, AuditError> {
        std::future::ready(()).await;
        Ok(n)
    }

    /// A function returning `impl Future`.
    #[audited("lint.future", skip_all)]
    pub fn future(n: u32) -> impl Future<Output = io::Result<u32>> {
        if n == 0 {
            return std::future::ready(Ok(0));
        }
        std::future::ready(Ok(n))
    }

    /// A generic function with a destructured parameter.
    ///
    /// # Errors
    /// On a veto.
    #[audited("lint.generic")]
    pub fn generic<T: Recordable + Copy>((a, b): (T, T)) -> io::Result<T> {
        let _ = b;
        Ok(a)
    }

    /// An `unsafe fn`, under `unsafe_op_in_unsafe_fn`.
    ///
    /// # Safety
    /// None required.
    ///
    /// # Errors
    /// On a veto.
    #[audited("lint.unsafe")]
    pub unsafe fn not_really_unsafe(n: u8) -> io::Result<u8> {
        Ok(n)
    }
}

#[test]
fn expansions_build_and_run_under_strict_lints() {
    let (result, events) = testing::capture(|| shapes::err(Path::new("a"), b"bc"));
    assert_eq!(result.unwrap(), 3);
    assert_eq!(events.len(), usize::from(audit_core::ENABLED));
    shapes::panic(1);
    assert_eq!(shapes::generic((1u8, 2u8)).unwrap(), 1);
    // SAFETY: no requirement.
    assert_eq!(unsafe { shapes::not_really_unsafe(4) }.unwrap(), 4);
    drop(shapes::asynchronous(1));
    drop(shapes::future(1));
}
