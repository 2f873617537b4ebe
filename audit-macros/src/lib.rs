//! The `#[audited]` attribute for `audit-core`: annotate a function, and
//! each call raises an audit event with the function's parameters before the
//! body runs; a hook's veto stops the body.
//!
//! Use it through `audit_core::audited`: the expansion refers to
//! `::audit_core`, so the crate using the attribute must depend on
//! `audit-core` under that name. The expansion calls hidden macros of
//! `audit_core`, whose definitions depend on `audit_core`'s features, so
//! this crate never needs to know whether auditing is compiled in.
//!
//! See [`macro@audited`] for the options, what is recorded, what a veto does
//! and which function shapes are supported.
#![deny(missing_docs)]

mod attr;
mod expand;
mod pass;
mod valid;

use proc_macro::TokenStream;

/// Raises an audit event each time the function is called, before its body runs.
///
/// ```
/// use audit_core::audited;
/// use std::{io, path::Path};
///
/// #[audited("app.write_config")]
/// fn write_config(path: &Path, data: &[u8]) -> io::Result<()> {
///     std::fs::write(path, data)
/// }
///
/// let dir = tempfile::tempdir()?;
/// let (result, events) = audit_core::testing::capture(|| {
///     write_config(&dir.path().join("app.toml"), b"debug = true")
/// });
/// assert!(result.is_ok());
/// if audit_core::ENABLED {
///     assert_eq!(events[0].name(), "app.write_config");
///     assert_eq!(events[0].arg("data").and_then(|v| v.as_bytes().map(<[u8]>::len)), Some(12));
/// }
/// # Ok::<(), io::Error>(())
/// ```
///
/// Each call raises `app.write_config` with the arguments `path` and `data`,
/// then runs the body unless a hook vetoes the event. The parameters are
/// recorded by reference, and only if some hook will see the event: with no
/// hook installed, the function costs one atomic load and one branch more
/// than the plain function, and nothing is evaluated.
///
/// # Options
///
/// `#[audited("event.name", option, ...)]`, where the event name is a
/// non-empty string literal, and the options are:
///
/// | option | effect |
/// |---|---|
/// | `skip(a, b)` | does not record the parameters `a` and `b` |
/// | `skip_all` | records no parameter |
/// | `args(len = data.len(), user)` | records extra arguments, evaluated before the body, only when a hook will see the event; `user` alone means `user = user` |
/// | `on_veto = panic` | panics on a veto instead of returning it (see below) |
/// | `on_veto = err` | returns the veto as an error, for a `Result` type that the attribute cannot recognise by name |
///
/// ```
/// # use audit_core::audited;
/// # use std::io;
/// #[audited("app.upload", skip(data), args(len = data.len()))]
/// fn upload(host: &str, data: &[u8]) -> io::Result<()> {
///     # let _ = (host, data);
///     Ok(())
/// }
///
/// let (_, events) = audit_core::testing::capture(|| upload("backup.internal", b"abc"));
/// if audit_core::ENABLED {
///     assert_eq!(events[0].callsite().arg_names(), ["host", "len"]);
/// }
/// ```
///
/// # What is recorded
///
/// Every name a parameter binds, under that name and in order: `path` for
/// `path: &Path` (and for `mut path: PathBuf`), `a` and `b` for
/// `(a, b): (u8, u8)`, `x` and `y` for `Point { x, y }: Point`. A `_`
/// parameter binds nothing and records nothing. `self` is never recorded:
/// record what matters about it with `args(id = self.id)`.
///
/// Each value (a parameter, or an `args(..)` expression) is recorded in the
/// first of these forms that its type allows:
///
/// | the type implements | a hook sees |
/// |---|---|
/// | `audit_core::Recordable` | its typed value (`u32` as an integer, `&Path` as a path, ...) |
/// | `AsRef<Path>` | `Value::Path` |
/// | `AsRef<str>` | `Value::Str` |
/// | `AsRef<OsStr>` | `Value::OsStr` |
/// | `AsRef<[u8]>` | `Value::Bytes` |
/// | `Debug` | `Value::Debug`, formatted only if a hook formats it |
///
/// So `fn f<T: Debug>(x: T)`, `fn g(label: impl AsRef<str> + Debug)` and
/// `fn open<P: AsRef<Path>>(path: P)` need no option. In a generic function
/// the bounds decide, not the type a caller passes: `x: T` with `T: Debug`
/// is recorded through `Debug` even for a `u32`, since the function's body
/// is compiled once for every `T`. The value is read when the event is
/// raised (an `AsRef` type is asked once, `Debug` is called only by a hook
/// that formats it); a type whose `as_ref()` answers differently on each call
/// can show the hooks one path and the body another, so where that matters,
/// take a concrete type (`&Path`).
///
/// A type with none of these fails to compile, on that parameter: skip it,
/// record a field of it with `args(..)`, or derive `Debug` for it. Every
/// parameter that is not skipped is recorded, secrets included: skip them.
///
/// ```
/// # use audit_core::audited;
/// # use std::{fmt::Debug, io, path::Path};
/// #[audited("app.copy")]
/// fn copy<P: AsRef<Path>>(from: P, to: P, options: impl Debug) -> io::Result<()> {
///     # let _ = (from, to, options);
///     Ok(())
/// }
///
/// let (_, events) = audit_core::testing::capture(|| copy("a.txt", "b.txt", ("overwrite", true)));
/// if audit_core::ENABLED {
///     assert_eq!(events[0].arg("to").and_then(|v| v.as_path()), Some(Path::new("b.txt")));
///     assert_eq!(events[0].arg("options").unwrap().to_string(), r#"("overwrite", true)"#);
/// }
/// ```
///
/// # Vetoes
///
/// A veto is never lost silently: what it does is decided at compile time.
///
/// - A function whose return type is named `Result` or ends in `Result`
///   (`Result<T, E>`, `io::Result<T>`, `anyhow::Result<T>`, `MyResult<T>`)
///   returns `Err(E::from(veto))` without running its body. `E` must
///   implement `From<audit_core::AuditError>`, as `io::Error` does (kind
///   `PermissionDenied`, with the `AuditError` inside); otherwise
///   compilation fails. The check is by name because the attribute sees
///   only tokens: for an alias under another name (`type Res<T> = ..`), say
///   `on_veto = err`.
/// - Any other function must choose `on_veto = panic`, or it does not
///   compile. The panic's message is the veto's (`audit event `x` denied:
///   reason`) and its location is the caller's (the function's own where it cannot be
///   `#[track_caller]`, see below). In an `extern "C" fn`, the panic aborts the process.
///
/// # Function shapes
///
/// - **Methods**: `&self`, `&mut self`, `self`, `self: Box<Self>`, in
///   inherent impls, trait impls and trait default bodies (a trait method
///   without a body is rejected: annotate its implementations).
/// - **Generics**, lifetimes, const generics, `where` clauses, `impl Trait`
///   in either position, `unsafe fn`, `extern "C" fn`: unchanged. A generic
///   parameter is recorded by its bounds (see [What is recorded](#what-is-recorded)).
/// - **`async fn`**: the event is raised when the future is first polled,
///   before the body; a veto becomes the future's output. Calling the
///   function without awaiting raises nothing.
/// - **A function returning `impl Future<Output = ..>`** (not `async`): its
///   body runs at the call and builds the future, so the event is raised at
///   the call, before the body. If the output is a `Result`, a veto makes
///   the function return a future that resolves to the veto, without running
///   the body; the returned future is then a wrapper around the body's
///   (still `Send` if the body's is, but never `Unpin`). A function returning
///   a named future type (`Pin<Box<dyn Future ..>>`) is like any non-`Result`
///   function.
/// - **`#[track_caller]`** is added, so that the event names the function's
///   caller (`audit_core::Event::caller`), as Rust defines it: the nearest
///   frame that is not `#[track_caller]`. One consequence: a panic in the
///   body (an `unwrap`) is also reported at the caller's line. Not added to
///   an `async fn` (Rust ignores it there on stable: the event names the
///   function itself), a function with a foreign ABI, `#[no_mangle]`,
///   `#[export_name]` or `#[naked]`, nor `main`. A function that is
///   already `#[track_caller]` keeps it: `Location::caller()` in the body is
///   still the caller's.
/// - **`const fn`** is rejected: hooks run at run time.
///
/// Doc comments and other attributes are kept, and the body is kept token for
/// token, so errors and lints (such as `dead_code`) point at the user's code.
///
/// # Callsites
///
/// Each annotated function declares one static `audit_core::Callsite` (event
/// name, argument names, module, file, and the line of the attribute), listed
/// by `audit_core::catalogue()`.
///
/// # The `off` feature
///
/// With `audit-core`'s `off` feature, the function is the original function:
/// no callsite is declared, and the recorded values and the veto's return
/// type are type-checked behind `if false`, never evaluated, so the same code
/// compiles (or fails to) in both modes.
///
/// # Cost
///
/// With auditing enabled and no hook installed, the added work is one atomic
/// load and one branch; the arguments are built only on the cold path, after
/// asking whether some hook will see the event. The parameters are moved
/// through that cold path and rebound after it, so none is live across its
/// calls and the compiler need not save registers for it in the function's
/// prologue: a small leaf function gains the check and one stack adjustment
/// (5 instructions), a function with a frame of its own only the check (3);
/// see the workspace's `BENCHMARKS.md`. Being `#[track_caller]` adds one
/// instruction per call that is not inlined: the caller passes its location
/// (a `lea`), or, through a function pointer, a shim jumps to the function;
/// the location itself is only read on the cold path. (A parameter that is moved this way
/// is rebound under the same name, with the same `mut`, and values drop in
/// the same order, so the body sees no difference.) In a method, `self`
/// cannot be rebound and stays live across the cold path; so do the
/// parameters up to the last one that keeps something in its own slot (`_`,
/// `ref x`, `(a, _)`), which moving would make drop in another order. An `async fn` does not pass its parameters (they live in
/// its future). A function returning `impl Future` with a `Result` output
/// also has its future wrapped (to carry a possible veto), even when no hook
/// is installed.
#[proc_macro_attribute]
pub fn audited(args: TokenStream, item: TokenStream) -> TokenStream {
    let item = proc_macro2::TokenStream::from(item);
    match expand::audited(args.into(), item.clone()) {
        Ok(expanded) => expanded.into(),
        Err(err) => {
            // Re-emit the item unchanged, so the error is the only one.
            let mut out = err.to_compile_error();
            out.extend(item);
            out.into()
        }
    }
}
