//! Generating the annotated function.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned, ToTokens};
use syn::spanned::Spanned;
use syn::visit_mut::VisitMut;
use syn::{Expr, Ident, LitStr, Stmt};

use crate::attr::Options;
use crate::pass;
use crate::valid::{self, Veto};

/// Expands `#[audited(args)] item`, or explains why it cannot.
pub(crate) fn audited(args: TokenStream, item: TokenStream) -> syn::Result<TokenStream> {
    // Check the item first: "not a function" is the more useful error.
    let mut function = valid::function(item)?;
    let options: Options = syn::parse2(args)?;
    valid::signature(&function.sig)?;
    let recorded = valid::recorded(&function.sig, &options)?;
    let veto = valid::veto(&function.sig, &options)?;

    // Passing the parameters through the cold path needs the rebinding to
    // run before the body, in the function itself: not in an `async fn`
    // (whose parameters live in the future) nor a function returning
    // `impl Future` (whose body is wrapped).
    let passes = function.sig.asyncness.is_none() && !matches!(veto, Veto::Future);
    let passed = if passes {
        pass::take_bindings(&mut function.sig)
    } else {
        Vec::new()
    };
    // `self` in `args(..)` is evaluated in a closure, under a stand-in name.
    let mut self_span = None;
    let extra_values: Vec<TokenStream> = options
        .args
        .iter()
        .map(|extra| {
            let expr = extra.value.to_token_stream();
            if passes && function.sig.receiver().is_some() {
                let (replaced, span) = pass::replace_self(expr);
                self_span = self_span.or(span);
                replaced
            } else {
                expr
            }
        })
        .collect();
    let this = pass::this(&function.sig, self_span);
    // Passed parameters recorded or used by `args(..)` count as used, as
    // they did before the rebinding.
    let used: Vec<&Ident> = passed
        .iter()
        .map(|p| &p.ident)
        .filter(|b| recorded.contains(b) || extra_values.iter().any(|v| pass::mentions(v, b)))
        .collect();

    // `("name", value)` pairs, each value spanned on the parameter (or the
    // extra argument's expression), so that "cannot be recorded" points there.
    let mut pairs = Vec::new();
    for ident in &recorded {
        let key = LitStr::new(&valid::arg_name(ident), ident.span());
        let value = record(ident.span(), &quote!(&#ident));
        pairs.push(quote!((#key, #value)));
    }
    for (extra, expr) in options.args.iter().zip(&extra_values) {
        let key = LitStr::new(&valid::arg_name(&extra.key), extra.key.span());
        // Parenthesised: `&` binds tighter than `as`, `==` and the like.
        let value = record(extra.value.span(), &quote!(&(#expr)));
        pairs.push(quote!((#key, #value)));
    }
    // The methods `record` calls are those of traits that audit_core chooses
    // among; importing them adds no name to the body.
    let prelude: Option<Stmt> = (!pairs.is_empty()).then(|| {
        syn::parse_quote! {
            #[allow(unused_imports)]
            use ::audit_core::__private::record::prelude::*;
        }
    });
    let name = &options.name;
    // The function that turns a veto into the return value, spanned on the
    // return type, so that "cannot return a veto" points there.
    let veto_fn = match valid::veto_span(&function.sig) {
        Some(span) => quote_spanned!(span=> ::audit_core::__private::veto),
        None => quote!(::audit_core::__private::veto),
    };

    // The user's statements are kept as they are, with their spans, so errors
    // in the body point at the user's code; the audit point is put before them.
    match veto {
        Veto::Return | Veto::Panic => {
            let mode = match veto {
                Veto::Panic => quote!(panic),
                _ => quote!(err #veto_fn),
            };
            let stmt: Stmt = syn::parse_quote! {
                ::audit_core::__audited!(#mode; #name; this[#this]; pass[#(#passed)*];
                    used[#(#used)*]; #(#pairs)*);
            };
            function.block.stmts.insert(0, stmt);
            function.block.stmts.splice(0..0, prelude);
        }
        Veto::Future => {
            let mut stmts = std::mem::take(&mut function.block.stmts);
            let mut returns = WrapReturns;
            for stmt in &mut stmts {
                returns.visit_stmt_mut(stmt);
            }
            let expr: Expr = syn::parse_quote! {
                ::audit_core::__audited!(future #veto_fn; #name; #(#pairs)*; { #(#stmts)* })
            };
            function.block.stmts.extend(prelude);
            function.block.stmts.push(Stmt::Expr(expr, None));
        }
    }
    if tracks_caller(&function) {
        function.attrs.push(syn::parse_quote!(#[track_caller]));
    }
    Ok(function.to_token_stream())
}

/// Whether the function can be made `#[track_caller]`, so that its event
/// names its caller: not when it already is, nor where Rust refuses the
/// attribute or ignores it (an `async fn`, a foreign ABI, `#[naked]`), nor on
/// an exported symbol (`#[no_mangle]`, `#[export_name]`), which other code may
/// call without the hidden location argument, nor on `main`.
fn tracks_caller(function: &syn::ItemFn) -> bool {
    let sig = &function.sig;
    let rust_abi = match &sig.abi {
        None => true,
        Some(abi) => abi.name.as_ref().is_some_and(|name| name.value() == "Rust"),
    };
    let refused = function.attrs.iter().any(|attr| {
        let text = attr.meta.to_token_stream().to_string();
        ["track_caller", "no_mangle", "export_name", "naked"]
            .iter()
            .any(|word| text.contains(word))
    });
    sig.asyncness.is_none() && rust_abi && !refused && sig.ident != "main"
}

/// The expression that records the value `reference` points to, spanned on
/// `span`. Which form it takes (typed, path, string, `Debug`) is chosen by
/// the compiler from the value's type, by audit_core: see
/// `audit_core::__private::record`.
///
/// Only the method calls carry the user's span: a borrow spanned there would
/// be linted as the user's own (clippy's `needless_borrow`, when the
/// compiler derefs `&&T` into the probe of a generic `T`).
fn record(span: proc_macro2::Span, reference: &TokenStream) -> TokenStream {
    let probe = quote!(::audit_core::__private::record::Probe(#reference));
    quote_spanned!(span=> (&&&&&&#probe).__audit_kind().value())
}

/// Rewrites `return x` in the body of a function returning `impl Future` to
/// `return __audited_return!(x)`, which gives `x` the type of the wrapped
/// future. Closures, async blocks and nested items have their own `return`.
struct WrapReturns;

impl VisitMut for WrapReturns {
    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        match expr {
            Expr::Closure(_) | Expr::Async(_) | Expr::Const(_) => {}
            Expr::Return(ret) => {
                if let Some(value) = &mut ret.expr {
                    self.visit_expr_mut(value);
                    let inner = &**value;
                    **value = syn::parse_quote!(::audit_core::__audited_return!(#inner));
                }
            }
            _ => syn::visit_mut::visit_expr_mut(self, expr),
        }
    }

    fn visit_item_mut(&mut self, _item: &mut syn::Item) {}
}
