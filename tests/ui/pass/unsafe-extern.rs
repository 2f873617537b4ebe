use audit_core::audited;
use std::io;

/// # Safety
/// `p` must point to a readable byte.
#[audited("app.read", skip(p), args(addr = p as usize))]
unsafe fn read(p: *const u8) -> io::Result<u8> {
    // SAFETY: the caller guarantees `p` is readable.
    Ok(unsafe { *p })
}

#[audited("app.ffi", on_veto = panic)]
#[no_mangle]
pub extern "C" fn app_ffi_add(a: u32, b: u32) -> u32 {
    a + b
}

#[audited("app.ffi_unsafe", on_veto = panic)]
unsafe extern "C" fn ffi_unsafe(n: i32) -> i32 {
    n
}

fn main() {
    let byte = 1u8;
    // SAFETY: `&byte` is readable.
    assert_eq!(unsafe { read(&byte) }.unwrap(), 1);
    assert_eq!(app_ffi_add(1, 2), 3);
    // SAFETY: no requirement.
    assert_eq!(unsafe { ffi_unsafe(3) }, 3);
}
