//! Parsing the attribute's arguments: `"event.name", skip(..), args(..), on_veto = ..`.

use proc_macro2::{Span, TokenStream};
use syn::ext::IdentExt;
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{Expr, Ident, LitStr, Token};

/// The parsed arguments of one `#[audited(..)]`.
pub(crate) struct Options {
    /// The event name, checked to be non-empty.
    pub(crate) name: LitStr,
    /// Parameters named in `skip(..)`.
    pub(crate) skip: Vec<Ident>,
    /// The `skip_all` keyword, if given.
    pub(crate) skip_all: Option<Ident>,
    /// Extra arguments from `args(..)`, in order.
    pub(crate) args: Vec<ExtraArg>,
    /// The `on_veto = ..` choice, if given.
    pub(crate) on_veto: Option<(Ident, OnVeto)>,
}

/// One `key = expr` (or `key` alone) of `args(..)`.
pub(crate) struct ExtraArg {
    pub(crate) key: Ident,
    pub(crate) value: Expr,
}

/// What a veto does, when chosen explicitly.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum OnVeto {
    /// Return the veto as the function's error.
    Err,
    /// Panic with the veto.
    Panic,
}

impl Parse for Options {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        if input.is_empty() {
            return Err(syn::Error::new(
                Span::call_site(),
                "#[audited] needs an event name: `#[audited(\"app.event\")]`",
            ));
        }
        let name = parse_name(input)?;
        let mut options = Options {
            name,
            skip: Vec::new(),
            skip_all: None,
            args: Vec::new(),
            on_veto: None,
        };
        let mut seen_skip: Option<Ident> = None;
        let mut seen_args: Option<Ident> = None;
        while !input.is_empty() {
            input.parse::<Token![,]>()?;
            if input.is_empty() {
                break;
            }
            let key = input.call(Ident::parse_any)?;
            match key.to_string().as_str() {
                "skip" => {
                    once(&mut seen_skip, &key)?;
                    let content;
                    syn::parenthesized!(content in input);
                    let list = Punctuated::<Ident, Token![,]>::parse_terminated_with(
                        &content,
                        Ident::parse_any,
                    )?;
                    if list.is_empty() {
                        return Err(syn::Error::new_spanned(
                            &key,
                            "#[audited] `skip(..)` needs at least one parameter name",
                        ));
                    }
                    options.skip.extend(list);
                }
                "skip_all" => {
                    once(&mut options.skip_all, &key)?;
                }
                "args" => {
                    once(&mut seen_args, &key)?;
                    let content;
                    syn::parenthesized!(content in input);
                    let list = Punctuated::<ExtraArg, Token![,]>::parse_terminated(&content)?;
                    if list.is_empty() {
                        return Err(syn::Error::new_spanned(
                            &key,
                            "#[audited] `args(..)` needs at least one `name = expression`",
                        ));
                    }
                    options.args.extend(list);
                }
                "on_veto" => {
                    if options.on_veto.is_some() {
                        return Err(duplicate(&key));
                    }
                    input.parse::<Token![=]>()?;
                    let choice = input.call(Ident::parse_any)?;
                    let on_veto = match choice.to_string().as_str() {
                        "err" => OnVeto::Err,
                        "panic" => OnVeto::Panic,
                        _ => {
                            return Err(syn::Error::new_spanned(
                                &choice,
                                "#[audited] expected `on_veto = err` or `on_veto = panic`",
                            ))
                        }
                    };
                    options.on_veto = Some((choice, on_veto));
                }
                _ => {
                    return Err(syn::Error::new_spanned(
                        &key,
                        format!(
                            "#[audited] has no option `{key}`; expected `skip(..)`, `skip_all`, \
                             `args(..)` or `on_veto = ..`"
                        ),
                    ))
                }
            }
        }
        Ok(options)
    }
}

impl Parse for ExtraArg {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let key: Ident = input.call(Ident::parse_any)?;
        let value = if input.peek(Token![=]) {
            input.parse::<Token![=]>()?;
            input.parse()?
        } else {
            // `args(user)` records the variable `user` under its own name.
            syn::parse_quote!(#key)
        };
        Ok(ExtraArg { key, value })
    }
}

/// The event name: a non-empty string literal.
fn parse_name(input: ParseStream<'_>) -> syn::Result<LitStr> {
    if input.peek(LitStr) {
        let name: LitStr = input.parse()?;
        if name.value().is_empty() {
            return Err(syn::Error::new_spanned(
                &name,
                "#[audited] event names must not be empty",
            ));
        }
        return Ok(name);
    }
    // Span the whole first argument (a path, a number, an option) in the error.
    let mut first = TokenStream::new();
    while !input.is_empty() && !input.peek(Token![,]) {
        first.extend(std::iter::once(input.parse::<proc_macro2::TokenTree>()?));
    }
    Err(syn::Error::new_spanned(
        first,
        "#[audited] expects the event name first, as a string literal: \
         `#[audited(\"app.event\")]`",
    ))
}

/// Records that the option `key` was given, failing if it already was.
fn once(seen: &mut Option<Ident>, key: &Ident) -> syn::Result<()> {
    if seen.is_some() {
        return Err(duplicate(key));
    }
    *seen = Some(key.clone());
    Ok(())
}

fn duplicate(key: &Ident) -> syn::Error {
    syn::Error::new_spanned(
        key,
        format!("#[audited] option `{key}` is given twice; give it once"),
    )
}
