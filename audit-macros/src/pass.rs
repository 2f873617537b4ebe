//! Passing the parameters through the cold path.
//!
//! The expansion rebinds the names the parameters bind (all of them, unless
//! drop order forbids: see [`take_bindings`]), after the audit point: on the
//! fast path each to itself, on the cold path to what the dispatch hands
//! back. No parameter is then live across a call, so a small function
//! keeps its parameters in the argument registers rather than saving
//! callee-saved registers in its prologue for the cold path's sake (see
//! `audit_core`'s `audited_support` module).

use proc_macro2::{Group, Ident, Span, TokenStream, TokenTree};
use quote::{quote, ToTokens};
use syn::visit_mut::{self, VisitMut};
use syn::{FnArg, Pat, PatIdent, ReceiverKind, Signature, Token, Type};

use crate::valid;

/// The name that stands for `self` in `args(..)` expressions, which are
/// evaluated in a closure (whose parameters cannot be named `self`).
const SELF_STAND_IN: &str = "__audit_self";

/// A binding passed through the cold path.
pub(crate) struct Passed {
    /// The `mut` the parameter had, which the rebinding takes over.
    pub(crate) mutability: Option<Token![mut]>,
    pub(crate) ident: Ident,
}

impl ToTokens for Passed {
    /// The `pass[..]` entry: `[mut] name` or `[] name`.
    fn to_tokens(&self, tokens: &mut TokenStream) {
        let (mutability, ident) = (&self.mutability, &self.ident);
        tokens.extend(quote!([#mutability] #ident));
    }
}

/// Takes `mut` off the bindings of the parameters that are passed through
/// (the rebinding carries it instead) and returns those bindings, each with
/// the `mut` it had.
///
/// Only the parameters after the last one that is not moved whole into its
/// bindings are passed: such a parameter (`_`, `(a, _)`, `ref a`) keeps a
/// value in its own slot, dropped with the parameters, after the body's
/// locals; rebinding a parameter before it would turn that parameter into a
/// local dropped earlier, and change the order in which the values drop.
pub(crate) fn take_bindings(sig: &mut Signature) -> Vec<Passed> {
    let typed: Vec<&mut Pat> = sig
        .inputs
        .iter_mut()
        .filter_map(|input| match input {
            FnArg::Typed(typed) => Some(&mut *typed.pat),
            FnArg::Receiver(_) => None,
        })
        .collect();
    let first = typed
        .iter()
        .rposition(|pat| !moved_whole(pat))
        .map_or(0, |last| last + 1);
    let mut strip = StripMut(Vec::new());
    for pat in typed.into_iter().skip(first) {
        strip.visit_pat_mut(pat);
    }
    strip.0
}

/// Whether binding `pat` moves the whole parameter into its bindings, leaving
/// nothing in the parameter's own slot.
fn moved_whole(pat: &Pat) -> bool {
    match pat {
        Pat::Ident(p) => p.by_ref.is_none() && p.subpat.is_none(),
        Pat::Tuple(p) => p.elems.iter().all(moved_whole),
        Pat::TupleStruct(p) => p.elems.iter().all(moved_whole),
        Pat::Struct(p) => p.rest.is_none() && p.fields.iter().all(|f| moved_whole(&f.pat)),
        Pat::Slice(p) => p.elems.iter().all(moved_whole),
        // `&x` binds a copy out of a reference, which has nothing to drop.
        Pat::Reference(_) => true,
        Pat::Paren(p) => moved_whole(&p.pat),
        Pat::Type(p) => moved_whole(&p.pat),
        // `_`, `..`, literals, ranges, macros: something may stay behind.
        _ => false,
    }
}

/// Collects the bindings of the patterns it visits, taking their `mut`.
struct StripMut(Vec<Passed>);

impl VisitMut for StripMut {
    fn visit_pat_ident_mut(&mut self, p: &mut PatIdent) {
        // `ref mut x` binds a reference: the `mut` belongs to the borrow, and
        // the rebinding is a plain name.
        let mutability = match p.by_ref {
            None => p.mutability.take(),
            Some(_) => None,
        };
        self.0.push(Passed {
            mutability,
            ident: p.ident.clone(),
        });
        visit_mut::visit_pat_ident_mut(self, p);
    }
    // Types and expressions in a pattern (`[u8; N]`, a literal) bind nothing.
    fn visit_type_mut(&mut self, _: &mut Type) {}
    fn visit_expr_mut(&mut self, _: &mut syn::Expr) {}
}

/// Whether `tokens` contain the identifier `name` anywhere.
pub(crate) fn mentions(tokens: &TokenStream, name: &Ident) -> bool {
    tokens.clone().into_iter().any(|tree| match tree {
        TokenTree::Ident(ident) => valid::arg_name(&ident) == valid::arg_name(name),
        TokenTree::Group(group) => mentions(&group.stream(), name),
        _ => false,
    })
}

/// `tokens` with `self` (the value, not the `self::` path prefix) replaced by
/// the stand-in, each spanned on the `self` it replaces; and the span of the
/// first, if any was replaced.
pub(crate) fn replace_self(tokens: TokenStream) -> (TokenStream, Option<Span>) {
    let mut first = None;
    let replaced = replace_self_in(tokens, &mut first);
    (replaced, first)
}

fn replace_self_in(tokens: TokenStream, first: &mut Option<Span>) -> TokenStream {
    let trees: Vec<TokenTree> = tokens.into_iter().collect();
    let mut out = Vec::with_capacity(trees.len());
    for (i, tree) in trees.iter().enumerate() {
        out.push(match tree {
            TokenTree::Ident(ident) if ident == "self" && !starts_path_sep(&trees[i + 1..]) => {
                first.get_or_insert(ident.span());
                TokenTree::Ident(Ident::new(SELF_STAND_IN, ident.span()))
            }
            TokenTree::Group(group) => {
                let mut inner =
                    Group::new(group.delimiter(), replace_self_in(group.stream(), first));
                inner.set_span(group.span());
                TokenTree::Group(inner)
            }
            other => other.clone(),
        });
    }
    out.into_iter().collect()
}

/// Whether the tokens start with `::`.
fn starts_path_sep(rest: &[TokenTree]) -> bool {
    matches!(rest, [TokenTree::Punct(a), TokenTree::Punct(b), ..] if a.as_char() == ':' && b.as_char() == ':')
}

/// The `this[..]` entry: the stand-in for `self`, bound to a reference to the
/// receiver, when `args(..)` mentions `self` (its first mention is `span`);
/// otherwise nothing.
pub(crate) fn this(sig: &Signature, span: Option<Span>) -> TokenStream {
    let (Some(receiver), Some(span)) = (sig.receiver(), span) else {
        return quote!(() = ());
    };
    let name = Ident::new(SELF_STAND_IN, span);
    // `&*self` for a receiver that is a reference or a smart pointer (it is
    // already an address, so nothing is put in memory); `&self` for `self`.
    let by_value = match &receiver.kind {
        ReceiverKind::Value => true,
        ReceiverKind::Typed(_, ty) => {
            matches!(&**ty, Type::Path(p) if p.qself.is_none() && p.path.is_ident("Self"))
        }
        _ => false,
    };
    if by_value {
        quote!(#name = &self)
    } else {
        quote!(#name = &*self)
    }
}
