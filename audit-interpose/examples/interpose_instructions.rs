//! The workload behind the audit-interpose instruction counts in
//! BENCHMARKS.md: N times `open64` + `close` of a small file, through the
//! interposed entry point (`interposed`, interposition on, no hook) or
//! through the C library's own `open64` (`real`, from `dlsym(RTLD_NEXT)`).
//!
//! ```text
//! valgrind --tool=callgrind --callgrind-out-file=/dev/null \
//!     target/release/examples/interpose_instructions interposed 10000
//! ```
//!
//! Run each mode with N and 2N and divide the difference by N: the
//! user-space instructions of one call, without the start-up.

use std::ffi::{c_char, c_int, CString};

type Open = unsafe extern "C" fn(*const c_char, c_int, ...) -> c_int;

fn main() {
    let mut args = std::env::args().skip(1);
    let mode = args.next().unwrap_or_default();
    let n: usize = args.next().unwrap_or_default().parse().unwrap_or(1000);
    audit_interpose::enable();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("small.txt");
    std::fs::write(&file, b"hello").unwrap();
    let path = CString::new(file.into_os_string().into_encoded_bytes()).unwrap();
    let name = CString::new("open64").unwrap();
    // SAFETY: looks up `open64` in the C library, and calls it with its type.
    let real = unsafe {
        let f = libc::dlsym(libc::RTLD_NEXT, name.as_ptr());
        assert!(!f.is_null());
        std::mem::transmute::<*mut libc::c_void, Open>(f)
    };
    for _ in 0..n {
        // SAFETY: a valid C string and flags; the descriptor is closed.
        unsafe {
            let fd = match mode.as_str() {
                "real" => real(path.as_ptr(), libc::O_RDONLY | libc::O_CLOEXEC),
                #[allow(deprecated)]
                _ => libc::open64(path.as_ptr(), libc::O_RDONLY | libc::O_CLOEXEC),
            };
            assert!(fd >= 0);
            libc::close(fd);
        }
    }
}
