//! Helpers shared by every crate's validated types.

/// Implements the conversions of a validated string newtype `struct $ty(String)` (or
/// `struct $ty(Arc<str>)`, for text that clones should share rather than copy) whose
/// validating constructor is `$ty::new(&str) -> Result<$ty, $err>`: `Display`, `FromStr`,
/// `TryFrom<String>` (for `#[serde(try_from = "String")]`), `TryFrom<&str>`,
/// `From<$ty> for String` (for `#[serde(into = "String")]`), `AsRef<str>` and `as_str`.
///
/// Every way of making the value goes through `new`, so an invalid one cannot exist. Used by
/// every partnerkit crate, so all validated strings behave alike.
///
/// `new` must bound the input's length before parsing it, normalise first and validate the
/// normal form, so that the value it returns passes `new` again unchanged (what is written is
/// what reads back); [`checked_text`](crate::checked_text) does all of this for free text.
///
/// ```
/// use partnerkit_core::{Error, checked_text, validated_string};
///
/// #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
/// #[serde(try_from = "String", into = "String")]
/// pub struct Nickname(String);
///
/// impl Nickname {
///     pub fn new(value: &str) -> Result<Nickname, Error> {
///         checked_text("nickname", value, 20).map(Nickname)
///     }
/// }
/// validated_string!(Nickname, Error);
///
/// let n: Nickname = " Ann ".parse()?;
/// assert_eq!(n.as_str(), "Ann");
/// assert!(serde_json::from_str::<Nickname>("\"\"").is_err());
/// # Ok::<(), Error>(())
/// ```
#[macro_export]
macro_rules! validated_string {
    ($ty:ident, $err:ty) => {
        impl ::std::fmt::Display for $ty {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(&self.0)
            }
        }
        impl ::std::str::FromStr for $ty {
            type Err = $err;
            fn from_str(s: &str) -> ::std::result::Result<Self, $err> {
                $ty::new(s)
            }
        }
        impl ::std::convert::TryFrom<::std::string::String> for $ty {
            type Error = $err;
            fn try_from(s: ::std::string::String) -> ::std::result::Result<Self, $err> {
                $ty::new(&s)
            }
        }
        impl ::std::convert::TryFrom<&str> for $ty {
            type Error = $err;
            fn try_from(s: &str) -> ::std::result::Result<Self, $err> {
                $ty::new(s)
            }
        }
        impl ::std::convert::From<$ty> for ::std::string::String {
            fn from(v: $ty) -> ::std::string::String {
                $crate::IntoString::into_string(v.0)
            }
        }
        impl ::std::convert::AsRef<str> for $ty {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
        impl $ty {
            /// The validated text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }
    };
}

/// Makes serde read a validated struct through its validating constructor. It writes a
/// private shadow struct `$raw` of the serialised fields and `TryFrom<$raw> for $ty`, which
/// calls `$new` with the fields in the order written. Attributes written before the struct's
/// name (such as `#[serde(deny_unknown_fields)]`) go on the shadow, a field's attributes (such
/// as `#[serde(default)]`) on its field.
///
/// The struct names the shadow with `#[serde(try_from = "…")]`. A struct whose serialised
/// fields are not its own adds `; into |v| { field: expr, … }` (a `From<$ty>` for the shadow)
/// and `#[serde(into = "…")]`. Under the calling crate's `schema` feature the shadow derives
/// `schemars::JsonSchema`, which the struct's own schema then describes. The calling crate
/// depends on `serde` (and, with that feature, `schemars`) under those names.
///
/// Without `, $err`, `$new` cannot fail and the macro writes `From<$raw>` instead, for
/// `#[serde(from = "…")]`: a stored state whose constructor rebuilds what is not stored (its
/// indexes) from what is.
///
/// The struct form of [`validated_string!`]: deserialising cannot make a value `new` refuses
/// (design rule 4), and every crate writes it the same way.
///
/// ```
/// use partnerkit_core::{Error, validated_fields};
///
/// /// A span of days, `from` before `to`.
/// #[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
/// #[serde(try_from = "RawSpan")]
/// pub struct Span {
///     from: u32,
///     to: u32,
/// }
///
/// impl Span {
///     pub fn new(from: u32, to: u32) -> Result<Span, Error> {
///         if from < to {
///             Ok(Span { from, to })
///         } else {
///             let reason = "ends before it starts".into();
///             Err(Error::InvalidText { field: "span".into(), reason })
///         }
///     }
/// }
/// validated_fields!(Span from RawSpan { from: u32, to: u32 } by Span::new, Error);
///
/// assert!(serde_json::from_str::<Span>(r#"{"from": 1, "to": 3}"#).is_ok());
/// assert!(serde_json::from_str::<Span>(r#"{"from": 3, "to": 1}"#).is_err());
/// ```
#[macro_export]
macro_rules! validated_fields {
    (
        @shadow $(#[$shadow:meta])*
        $raw:ident { $( $(#[$attr:meta])* $field:ident : $fty:ty ),+ }
    ) => {
        #[derive(::serde::Deserialize)]
        #[cfg_attr(feature = "schema", derive(::schemars::JsonSchema))]
        $(#[$shadow])*
        struct $raw {
            $( $(#[$attr])* $field: $fty, )+
        }
    };
    (
        $(#[$shadow:meta])*
        $ty:ident from $raw:ident {
            $( $(#[$attr:meta])* $field:ident : $fty:ty ),+ $(,)?
        } by $new:expr
    ) => {
        $crate::validated_fields!(@shadow $(#[$shadow])* $raw { $( $(#[$attr])* $field: $fty ),+ });
        impl ::std::convert::From<$raw> for $ty {
            fn from(raw: $raw) -> $ty {
                ($new)($(raw.$field),+)
            }
        }
    };
    (
        $(#[$shadow:meta])*
        $ty:ident from $raw:ident {
            $( $(#[$attr:meta])* $field:ident : $fty:ty ),+ $(,)?
        } by $new:expr, $err:ty
    ) => {
        $crate::validated_fields!(@shadow $(#[$shadow])* $raw { $( $(#[$attr])* $field: $fty ),+ });
        impl ::std::convert::TryFrom<$raw> for $ty {
            type Error = $err;
            fn try_from(raw: $raw) -> ::std::result::Result<$ty, $err> {
                ($new)($(raw.$field),+)
            }
        }
    };
    (
        $(#[$shadow:meta])*
        $ty:ident from $raw:ident {
            $( $(#[$attr:meta])* $field:ident : $fty:ty ),+ $(,)?
        } by $new:expr, $err:ty;
        into |$v:ident| { $( $out:ident : $get:expr ),+ $(,)? }
    ) => {
        // Only a shadow the type is written through is serialisable.
        $crate::validated_fields!(
            #[derive(::serde::Serialize)] $(#[$shadow])*
            $ty from $raw { $( $(#[$attr])* $field: $fty ),+ } by $new, $err
        );
        impl ::std::convert::From<$ty> for $raw {
            fn from($v: $ty) -> $raw {
                $raw { $( $out: $get ),+ }
            }
        }
    };
}

/// The text inside a [`validated_string!`] newtype, as a `String`: moved out of a `String`,
/// copied out of an `Arc<str>`. Not for use outside the macro.
#[doc(hidden)]
pub trait IntoString {
    /// The text as a `String`.
    fn into_string(self) -> String;
}

impl IntoString for String {
    fn into_string(self) -> String {
        self
    }
}

impl IntoString for std::sync::Arc<str> {
    fn into_string(self) -> String {
        String::from(&*self)
    }
}
