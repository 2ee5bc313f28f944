//! The attribute macros of partnerkit. There is one, [`macro@public_error`]: the one home of
//! the public format every crate's `Error` enum shares. Use it through `partnerkit_core`, which
//! re-exports it; a crate that uses it depends on `thiserror`, `serde` and `strum` itself.
//!
//! ```
//! use std::borrow::Cow;
//!
//! #[partnerkit_macros::public_error]
//! pub enum Error {
//!     /// A name that is too long.
//!     #[error("name {given:?} is too long: use at most 80 characters")]
//!     NameTooLong {
//!         /// The text that was given.
//!         given: String,
//!     },
//!     /// A missing part.
//!     #[error("{what} is missing: give it first")]
//!     Missing {
//!         /// What is missing.
//!         what: Cow<'static, str>,
//!     },
//! }
//!
//! let e = Error::NameTooLong { given: "x".repeat(81) };
//! // The stable code: the variant's name in snake case, as a method and as the serde tag.
//! assert_eq!(e.code(), "name_too_long");
//! let json = serde_json::to_value(&e)?;
//! assert_eq!(json["code"], "name_too_long");
//! assert_eq!(serde_json::from_value::<Error>(json)?, e);
//! assert!(e.to_string().ends_with("use at most 80 characters"));
//! # Ok::<(), serde_json::Error>(())
//! ```

use std::str::FromStr;

use proc_macro::{Ident, Span, TokenStream, TokenTree};

/// What `#[public_error]` puts before the enum: the traits and the serde and strum naming.
const HEADER: &str = r#"
    #[derive(
        Debug, Clone, PartialEq, Eq,
        ::thiserror::Error, ::serde::Serialize, ::serde::Deserialize, ::strum::IntoStaticStr,
    )]
    #[cfg_attr(feature = "schema", derive(::schemars::JsonSchema))]
    #[serde(tag = "code", rename_all = "snake_case")]
    #[strum(serialize_all = "snake_case")]
    #[non_exhaustive]
"#;

/// What `#[public_error]` puts after the enum: its `code()`, `NAME` standing for its name.
const CODE: &str = r#"
    impl NAME {
        /// The stable machine-readable code of the error: the `"code"` of its serde form, the
        /// variant's name in snake case (such as `"currency_mismatch"`), for a host to show or
        /// match on. A wrapped core error (`Value`) gives `"value"`; the core error inside has
        /// its own code.
        #[must_use]
        pub fn code(&self) -> &'static str {
            self.into()
        }
    }
"#;

/// Makes an enum one of partnerkit's public error formats, the same in every crate:
///
/// - derives `Debug`, `Clone`, `PartialEq`, `Eq`, `thiserror::Error` (each variant's
///   `#[error("…")]` is its message, which says what to do), `serde::Serialize` and
///   `serde::Deserialize`, and `schemars::JsonSchema` when the crate's `schema` feature is on;
/// - tags the serde form with `"code"`, the variant's name in snake case, beside the variant's
///   fields: `{"code": "name_too_long", "given": "…"}`, so a host matches on a stable code and
///   never on a message;
/// - adds `pub fn code(&self) -> &'static str`, the same code (through `strum::IntoStaticStr`),
///   so the method and the serde tag cannot drift apart;
/// - marks the enum `#[non_exhaustive]`: a new refusal is not a breaking change.
///
/// It takes no arguments and only an enum. A variant that wraps another public error
/// (`Value { #[from] error: partnerkit_core::Error }`) is nested under `"error"` by serde, with
/// its own code.
///
/// Anything but an enum is refused when it compiles, and so are arguments (which would
/// otherwise be silently ignored):
///
/// ```compile_fail
/// #[partnerkit_macros::public_error(tag = "kind")]
/// pub enum Error {
///     /// Always.
///     #[error("always")]
///     Always,
/// }
/// ```
#[proc_macro_attribute]
pub fn public_error(args: TokenStream, item: TokenStream) -> TokenStream {
    if let Some(t) = args.into_iter().next() {
        return error(t.span(), "#[public_error] takes no arguments");
    }
    let Some(name) = enum_name(&item) else {
        return error(Span::call_site(), "#[public_error] goes on an enum");
    };
    let code = CODE.replace("NAME", &name.to_string());
    let (Ok(header), Ok(code)) = (TokenStream::from_str(HEADER), TokenStream::from_str(&code))
    else {
        return error(Span::call_site(), "#[public_error]: internal error");
    };
    let mut out = header;
    out.extend(item);
    out.extend(code);
    out
}

/// The name after the item's `enum` keyword, if it is an enum.
fn enum_name(item: &TokenStream) -> Option<Ident> {
    let mut tokens = item.clone().into_iter();
    while let Some(t) = tokens.next() {
        if let TokenTree::Ident(i) = &t
            && i.to_string() == "enum"
        {
            return match tokens.next() {
                Some(TokenTree::Ident(name)) => Some(name),
                _ => None,
            };
        }
    }
    None
}

/// A `compile_error!` at `span`.
fn error(span: Span, message: &str) -> TokenStream {
    let tokens = TokenStream::from_str(&format!("::core::compile_error!({message:?});"));
    tokens
        .unwrap_or_default()
        .into_iter()
        .map(|mut t| {
            t.set_span(span);
            t
        })
        .collect()
}
