//! Builds the C entry points (`src/shim.c`) on Linux, unless audit-core's
//! `off` feature compiled auditing out: then nothing is built or linked, and
//! no C library function is interposed.

fn main() {
    println!("cargo::rerun-if-changed=src/shim.c");
    println!("cargo::rerun-if-env-changed=DEP_AUDIT_CORE_OFF");
    println!("cargo::rustc-check-cfg=cfg(audit_interpose_shim)");
    let linux = std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux");
    // Set by audit-core's build script (its `links` metadata).
    let off = std::env::var("DEP_AUDIT_CORE_OFF").as_deref() == Ok("1");
    if !linux || off {
        return;
    }
    cc::Build::new()
        .file("src/shim.c")
        .warnings(true)
        .compile("audit_interpose_shim");
    println!("cargo::rustc-cfg=audit_interpose_shim");
}
