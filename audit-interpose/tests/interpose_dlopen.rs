//! A shared library loaded with `dlopen` (zlib, not named at link time) is
//! seen too: the entry points are in the binary's dynamic symbol table
//! (Rust exports `#[no_mangle]` functions from an executable), and the
//! dynamic linker looks there first, so zlib's `gzopen` raises `fs.open`.
//! The library linked by name is `interpose_c_library.rs`.
#![cfg(target_os = "linux")]

use std::ffi::{c_char, c_int, c_void, CString};
use std::os::unix::ffi::OsStrExt;

use audit_core::testing::capture;

type GzOpen = unsafe extern "C" fn(*const c_char, *const c_char) -> *mut c_void;
type GzClose = unsafe extern "C" fn(*mut c_void) -> c_int;

#[test]
fn the_entry_points_are_in_the_dynamic_symbol_table() {
    let exe = std::env::current_exe().unwrap();
    let Ok(out) = std::process::Command::new("nm")
        .arg("-D")
        .arg(&exe)
        .output()
    else {
        eprintln!("nm not found: the dynamic symbol table was not checked");
        return;
    };
    let text = String::from_utf8_lossy(&out.stdout);
    for name in ["open", "open64", "openat", "connect", "execve", "unlink"] {
        let exported = text.lines().any(|l| l.ends_with(&format!(" T {name}")));
        assert_eq!(exported, audit_core::ENABLED, "{name} in {exe:?}");
    }
}

#[test]
fn a_library_loaded_with_dlopen_is_audited() {
    assert_eq!(audit_interpose::enable(), audit_core::ENABLED);
    // SAFETY: a NUL-terminated name; the handle is never closed, so the
    // symbols stay valid for the rest of the test.
    let lib = unsafe { libc::dlopen(c"libz.so.1".as_ptr(), libc::RTLD_NOW | libc::RTLD_LOCAL) };
    assert!(
        !lib.is_null(),
        "zlib (libz.so.1) is part of every Debian system"
    );
    // SAFETY: symbols of a loaded library, with zlib's documented types.
    let (gzopen, gzclose): (GzOpen, GzClose) = unsafe {
        let open = libc::dlsym(lib, c"gzopen".as_ptr());
        let close = libc::dlsym(lib, c"gzclose".as_ptr());
        assert!(!open.is_null() && !close.is_null());
        (
            std::mem::transmute::<*mut c_void, GzOpen>(open),
            std::mem::transmute::<*mut c_void, GzClose>(close),
        )
    };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("made-by-zlib.gz");
    let c_path = CString::new(path.as_os_str().as_bytes()).unwrap();

    let (file, events) = capture(|| {
        // SAFETY: NUL-terminated strings that outlive the call.
        unsafe { gzopen(c_path.as_ptr(), c"wb".as_ptr()) }
    });
    assert!(!file.is_null());
    // SAFETY: a handle gzopen returned, closed once.
    unsafe { gzclose(file) };
    assert!(path.exists());
    let seen = events
        .iter()
        .filter(|e| e.name() == "fs.open")
        .filter(|e| e.arg("path").and_then(|v| v.as_path()) == Some(path.as_path()))
        .count();
    assert_eq!(seen, usize::from(audit_core::ENABLED), "{events:?}");
}
