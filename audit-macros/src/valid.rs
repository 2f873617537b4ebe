//! Checking the annotated item and the options against it.

use proc_macro2::TokenStream;
use quote::ToTokens;
use syn::visit::{self, Visit};
use syn::{
    FnArg, GenericArgument, Ident, Item, ItemFn, PatIdent, PathArguments, ReturnType, Signature,
    TraitItemFn, Type, TypeParamBound,
};

use crate::attr::{OnVeto, Options};

/// Parses the annotated item as a function with a body.
pub(crate) fn function(item: TokenStream) -> syn::Result<ItemFn> {
    let parsed: Item = syn::parse2(item)?;
    let (what, spanned): (&str, TokenStream) = match parsed {
        Item::Fn(function) => return Ok(function),
        Item::Verbatim(tokens) => {
            // A trait method without a default body.
            if let Ok(method) = syn::parse2::<TraitItemFn>(tokens.clone()) {
                return Err(syn::Error::new_spanned(
                    method.semi_token,
                    "#[audited] needs a function body: put it on the implementations \
                     of this method, or give the method a default body",
                ));
            }
            ("this item", tokens)
        }
        Item::Struct(s) => ("a struct", s.struct_token.to_token_stream()),
        Item::Enum(e) => ("an enum", e.enum_token.to_token_stream()),
        Item::Union(u) => ("a union", u.union_token.to_token_stream()),
        Item::Impl(i) => ("an impl block", i.impl_token.to_token_stream()),
        Item::Trait(t) => ("a trait", t.trait_token.to_token_stream()),
        Item::Mod(m) => ("a module", m.mod_token.to_token_stream()),
        Item::Const(c) => ("a constant", c.const_token.to_token_stream()),
        Item::Static(s) => ("a static", s.static_token.to_token_stream()),
        Item::Type(t) => ("a type alias", t.type_token.to_token_stream()),
        Item::ForeignMod(f) => ("an extern block", f.abi.to_token_stream()),
        other => ("this item", other.to_token_stream()),
    };
    Err(syn::Error::new_spanned(
        spanned,
        format!(
            "#[audited] applies to functions only, not to {what}: put it on the function \
             that performs the audited operation"
        ),
    ))
}

/// Rejects signatures that cannot raise an event at run time.
pub(crate) fn signature(sig: &Signature) -> syn::Result<()> {
    if let Some(constness) = &sig.constness {
        return Err(syn::Error::new_spanned(
            constness,
            "#[audited] cannot be used on a `const fn`: audit hooks run at run time, and \
             the function would raise no event when evaluated at compile time",
        ));
    }
    if let Some(variadic) = &sig.variadic {
        return Err(syn::Error::new_spanned(
            variadic,
            "#[audited] does not support variadic functions",
        ));
    }
    Ok(())
}

/// The names bound by the function's parameters, in order, each with the
/// identifier that binds it (whose span points at the parameter).
pub(crate) fn bindings(sig: &Signature) -> Vec<Ident> {
    struct Names(Vec<Ident>);
    impl Visit<'_> for Names {
        fn visit_pat_ident(&mut self, p: &PatIdent) {
            self.0.push(p.ident.clone());
            visit::visit_pat_ident(self, p);
        }
        // Types and expressions in a pattern (`[u8; N]`, a literal) bind nothing.
        fn visit_type(&mut self, _: &Type) {}
        fn visit_expr(&mut self, _: &syn::Expr) {}
    }
    let mut names = Names(Vec::new());
    for input in &sig.inputs {
        if let FnArg::Typed(typed) = input {
            names.visit_pat(&typed.pat);
        }
    }
    names.0
}

/// The name an identifier records under: without any `r#` prefix.
pub(crate) fn arg_name(ident: &Ident) -> String {
    let name = ident.to_string();
    match name.strip_prefix("r#") {
        Some(bare) => bare.to_owned(),
        None => name,
    }
}

/// The parameters to record: all bindings minus the skipped ones. Checks
/// `skip`, `skip_all` and `args` against the signature.
pub(crate) fn recorded(sig: &Signature, options: &Options) -> syn::Result<Vec<Ident>> {
    let bindings = bindings(sig);
    let has_self = sig.receiver().is_some();
    for (i, skipped) in options.skip.iter().enumerate() {
        if options.skip_all.is_some() {
            return Err(syn::Error::new_spanned(
                skipped,
                "#[audited] `skip_all` already skips every parameter; remove `skip(..)`",
            ));
        }
        if skipped == "self" && has_self {
            return Err(syn::Error::new_spanned(
                skipped,
                "#[audited] never records `self`; remove it from `skip(..)` (record a field \
                 of it with `args(..)` instead)",
            ));
        }
        if options.skip[..i].iter().any(|earlier| earlier == skipped) {
            return Err(syn::Error::new_spanned(
                skipped,
                format!("#[audited] skips `{skipped}` twice; list it once"),
            ));
        }
        if !bindings.iter().any(|b| arg_name(b) == arg_name(skipped)) {
            return Err(syn::Error::new_spanned(
                skipped,
                format!(
                    "#[audited] cannot skip `{skipped}`: the function has no parameter named \
                     `{skipped}`"
                ),
            ));
        }
    }
    let recorded: Vec<Ident> = if options.skip_all.is_some() {
        Vec::new()
    } else {
        bindings
            .into_iter()
            .filter(|b| !options.skip.iter().any(|s| arg_name(s) == arg_name(b)))
            .collect()
    };
    for (i, extra) in options.args.iter().enumerate() {
        let name = arg_name(&extra.key);
        if recorded.iter().any(|r| arg_name(r) == name) {
            return Err(syn::Error::new_spanned(
                &extra.key,
                format!(
                    "#[audited] already records the parameter `{name}`; skip it or give \
                     this argument another name"
                ),
            ));
        }
        if options.args[..i].iter().any(|e| arg_name(&e.key) == name) {
            return Err(syn::Error::new_spanned(
                &extra.key,
                format!("#[audited] records an argument named `{name}` twice"),
            ));
        }
    }
    Ok(recorded)
}

/// How the expansion acts on a veto.
pub(crate) enum Veto {
    /// `return Err(veto.into())` before the body.
    Return,
    /// Panic before the body.
    Panic,
    /// Return a future that resolves to `Err(veto.into())` (a non-async
    /// function returning `impl Future<Output = ..Result..>`).
    Future,
}

/// Chooses the veto behaviour from `on_veto` and the return type.
pub(crate) fn veto(sig: &Signature, options: &Options) -> syn::Result<Veto> {
    let future_output = if sig.asyncness.is_none() {
        match &sig.output {
            ReturnType::Type(_, ty) => impl_future_output(ty),
            ReturnType::Default => None,
        }
    } else {
        None
    };
    let returns_future = future_output.is_some();
    // What the caller eventually gets: the `Output` of a returned future.
    let result_ty: Option<&Type> = match (&sig.output, future_output) {
        (_, Some(output)) => Some(output),
        (ReturnType::Type(_, ty), None) => Some(ty),
        (ReturnType::Default, None) => None,
    };
    let choice = options.on_veto.as_ref().map(|(_, choice)| *choice);
    match choice {
        Some(OnVeto::Panic) => return Ok(Veto::Panic),
        Some(OnVeto::Err) => {}
        None => {
            if !result_ty.is_some_and(is_result) {
                let message = "#[audited] needs to know what a veto does here: this function \
                               does not return a `Result`, so it cannot return the veto as an \
                               error; choose `on_veto = panic` (or, if the return type is a \
                               `Result` under another name, `on_veto = err`)";
                return Err(match result_ty {
                    Some(ty) => syn::Error::new_spanned(ty, message),
                    None => syn::Error::new_spanned(&sig.ident, message),
                });
            }
        }
    }
    if let (None, Some((ident, _))) = (result_ty, &options.on_veto) {
        return Err(syn::Error::new_spanned(
            ident,
            "#[audited] `on_veto = err` needs a function that returns a `Result`",
        ));
    }
    Ok(if returns_future {
        Veto::Future
    } else {
        Veto::Return
    })
}

/// The span of the type a veto is returned as: the return type, or the
/// `Output` of a returned `impl Future`.
pub(crate) fn veto_span(sig: &Signature) -> Option<proc_macro2::Span> {
    match &sig.output {
        ReturnType::Default => None,
        ReturnType::Type(_, ty) => {
            let ty = match sig.asyncness {
                None => impl_future_output(ty).unwrap_or(ty),
                Some(_) => ty,
            };
            Some(syn::spanned::Spanned::span(ty))
        }
    }
}

/// `X` in `impl Future<Output = X> + ..`.
fn impl_future_output(ty: &Type) -> Option<&Type> {
    let Type::ImplTrait(imp) = ty else {
        return None;
    };
    imp.bounds.iter().find_map(|bound| {
        let TypeParamBound::Trait(bound) = bound else {
            return None;
        };
        let last = bound.path.segments.last()?;
        if last.ident != "Future" {
            return None;
        }
        let PathArguments::AngleBracketed(args) = &last.arguments else {
            return None;
        };
        args.args.iter().find_map(|arg| match arg {
            GenericArgument::AssocType(assoc) if assoc.ident == "Output" => Some(&assoc.ty),
            _ => None,
        })
    })
}

/// Whether `ty` is, by name, a `Result`: a path whose last segment ends in
/// `Result` (`Result`, `io::Result`, `anyhow::Result`, `FooResult`).
fn is_result(ty: &Type) -> bool {
    match ty {
        Type::Path(path) if path.qself.is_none() => path
            .path
            .segments
            .last()
            .is_some_and(|last| last.ident.to_string().ends_with("Result")),
        Type::Paren(inner) => is_result(&inner.elem),
        Type::Group(inner) => is_result(&inner.elem),
        _ => false,
    }
}
