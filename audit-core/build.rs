//! Tells the build scripts of crates that depend on audit-core directly
//! whether auditing is compiled out: `DEP_AUDIT_CORE_OFF` is `1` with the
//! `off` feature (as Cargo unified it for the whole graph), else `0`.
//! audit-interpose reads it to link no C library entry point at all.

fn main() {
    let off = std::env::var_os("CARGO_FEATURE_OFF").is_some();
    println!("cargo::metadata=off={}", u8::from(off));
    println!("cargo::rerun-if-changed=build.rs");
}
