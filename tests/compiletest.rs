//! Compile-time behaviour of `#[audited]`: every supported function shape
//! compiles (`tests/ui/pass`), and every misuse fails with the message checked
//! in `tests/ui/fail/*.stderr`.
//!
//! The expansion type-checks the same things with and without the `off`
//! feature, so the messages are the same in both modes. Compiler messages
//! change between releases, so this runs on the stable channel only.

#[rustversion::attr(not(stable), ignore)]
#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.pass("tests/ui/pass/*.rs");
    cases.compile_fail("tests/ui/fail/*.rs");
}
