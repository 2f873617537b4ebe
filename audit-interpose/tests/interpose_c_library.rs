//! A C library linked dynamically (zlib, named at link time) is seen: the
//! linker exports the binary's own `open` because the library refers to it,
//! so zlib's `gzopen` reaches the interposed entry point, raises `fs.open`
//! like `std` would, and a veto stops it before the file exists. The
//! opposite case, a library loaded with `dlopen`, is `interpose_dlopen.rs`.
#![cfg(target_os = "linux")]

use std::ffi::{c_char, c_int, c_void, CString};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use audit_core::testing::{capture, capture_with};
use audit_core::AuditError;

// The runtime library by its file name, so no development package
// (`libz.so`) is needed to link this test.
#[link(name = "libz.so.1", kind = "dylib", modifiers = "+verbatim")]
extern "C" {
    fn gzopen(path: *const c_char, mode: *const c_char) -> *mut c_void;
    fn gzclose(file: *mut c_void) -> c_int;
}

/// zlib's own open of `path` for writing; the handle is closed at once.
fn gz_create(path: &Path) -> std::io::Result<()> {
    let path = CString::new(path.as_os_str().as_bytes()).unwrap();
    // SAFETY: both strings are NUL-terminated and outlive the call; the
    // handle is closed once, and only when it is not null.
    let file = unsafe { gzopen(path.as_ptr(), c"wb".as_ptr()) };
    if file.is_null() {
        return Err(std::io::Error::last_os_error());
    }
    // SAFETY: a handle gzopen returned, closed once.
    unsafe { gzclose(file) };
    Ok(())
}

#[test]
fn a_dynamically_linked_c_library_is_audited() {
    assert_eq!(audit_interpose::enable(), audit_core::ENABLED);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("made-by-zlib.gz");

    let (made, events) = capture(|| gz_create(&path));
    made.unwrap();
    assert!(path.exists());
    if !audit_core::ENABLED {
        return; // compiled out: nothing is interposed, nothing is raised
    }
    let opens: Vec<_> = events
        .iter()
        .filter(|e| e.name() == "fs.open")
        .filter(|e| e.arg("path").and_then(|v| v.as_path()) == Some(path.as_path()))
        .collect();
    assert_eq!(opens.len(), 1, "{events:?}");
    let flag = |name: &str| opens[0].arg(name).and_then(|v| v.as_bool());
    assert_eq!(flag("write"), Some(true), "{:?}", opens[0]);
    assert_eq!(flag("create"), Some(true), "{:?}", opens[0]);
    assert_eq!(flag("truncate"), Some(true), "{:?}", opens[0]);

    // A veto: zlib's open fails with EACCES and no file is made.
    let refused = dir.path().join("refused.gz");
    let (result, _) = capture_with(
        |event: &audit_core::Event<'_>| {
            if event.name() == "fs.open" {
                Err(AuditError::denied("no opens"))
            } else {
                Ok(())
            }
        },
        || gz_create(&refused),
    );
    assert_eq!(result.unwrap_err().raw_os_error(), Some(libc::EACCES));
    assert!(!refused.exists());
}
