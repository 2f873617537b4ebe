//! An interposed `open64` with interposition on and no hook, against the C
//! library's own `open64` (found with `dlsym(RTLD_NEXT)`), side by side in
//! one run: open and close a small file. Its own binary: the registry stays
//! empty.

use std::ffi::{c_char, c_int, CString};
use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};

type Open = unsafe extern "C" fn(*const c_char, c_int, ...) -> c_int;

fn real_open64() -> Open {
    let name = CString::new("open64").unwrap();
    // SAFETY: looks up a function the C library defines, with its own type.
    let f = unsafe { libc::dlsym(libc::RTLD_NEXT, name.as_ptr()) };
    assert!(!f.is_null());
    // SAFETY: `open64`'s signature.
    unsafe { std::mem::transmute::<*mut libc::c_void, Open>(f) }
}

fn open_close(c: &mut Criterion) {
    let interposed = audit_interpose::enable();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("small.txt");
    std::fs::write(&path, b"hello").unwrap();
    let path = CString::new(path.into_os_string().into_encoded_bytes()).unwrap();
    let real = real_open64();
    let mut group = c.benchmark_group("open64 + close");
    group.bench_function("C library", |b| {
        b.iter(|| unsafe {
            let fd = real(black_box(path.as_ptr()), libc::O_RDONLY | libc::O_CLOEXEC);
            libc::close(fd);
        })
    });
    let label = if interposed {
        "interposed, no hook"
    } else {
        "not interposed (off)"
    };
    group.bench_function(label, |b| {
        b.iter(|| unsafe {
            #[allow(deprecated)]
            let fd = libc::open64(black_box(path.as_ptr()), libc::O_RDONLY | libc::O_CLOEXEC);
            libc::close(fd);
        })
    });
    group.finish();
}

criterion_group!(benches, open_close);
criterion_main!(benches);
