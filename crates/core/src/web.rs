//! Absolute URLs, such as an app's reply URL and App ID URI.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result, clip};

/// An absolute URL of at most 256 characters, parsed by the [`url`] crate (WHATWG URL
/// standard) and stored in its normalised form, so two spellings of one URL compare equal.
///
/// Used for reply URLs and App ID URIs (rule APP-2), which the directory limits to 256
/// characters. Any scheme is accepted (`https://…`, `api://…`), but the URL must be absolute.
///
/// ```
/// use partnerkit_core::Url;
/// let u: Url = "HTTPS://Contoso.com/auth".parse()?;
/// assert_eq!(u.as_str(), "https://contoso.com/auth");
/// assert!("/relative/path".parse::<Url>().is_err());
/// # Ok::<(), partnerkit_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema), schemars(extend("pattern" = "^\\s*([A-Za-z][A-Za-z0-9+.-]*://[^\\s/?#]+\\S*|[Uu][Rr][Nn]:\\S+)\\s*$", "maxLength" = 256, "examples" = ["https://contoso.com/auth"])))]
#[serde(try_from = "String", into = "String")]
pub struct Url(String);

impl Url {
    /// The longest URL accepted, in characters, before and after normalisation.
    pub const MAX_CHARS: usize = 256;

    /// Parses and validates an absolute URL.
    pub fn new(value: &str) -> Result<Url> {
        let invalid = |reason: String| Error::InvalidUrl {
            given: clip(value, 300),
            reason,
        };
        // Refuse huge input before counting or parsing it (a character has at most 4 bytes).
        if value.len() > Self::MAX_CHARS * 4 + 64 {
            return Err(invalid(format!(
                "it has {} bytes; at most {} characters are allowed",
                value.len(),
                Self::MAX_CHARS
            )));
        }
        let v = value.trim();
        let n = v.chars().count();
        if n > Self::MAX_CHARS {
            return Err(invalid(format!(
                "it has {n} characters; at most {} are allowed",
                Self::MAX_CHARS
            )));
        }
        let parsed = url::Url::parse(v).map_err(|e| {
            invalid(format!(
                "{e}: give an absolute URL such as https://contoso.com/auth"
            ))
        })?;
        if parsed.cannot_be_a_base() && parsed.scheme() != "urn" {
            return Err(invalid(
                "it has no authority or path: give an absolute URL such as https://contoso.com/auth".into(),
            ));
        }
        let normal = parsed.to_string();
        // The stored form must read back as itself; the URL standard has rare inputs whose
        // serialisation parses to something else, and those are refused.
        if url::Url::parse(&normal).map(|u| u.to_string()).as_deref() != Ok(normal.as_str()) {
            return Err(invalid(
                "its normalised form does not read back as itself".into(),
            ));
        }
        if normal.chars().count() > Self::MAX_CHARS {
            return Err(invalid(format!(
                "its normalised form has more than {} characters",
                Self::MAX_CHARS
            )));
        }
        Ok(Url(normal))
    }

    /// The URL's scheme, such as `https`.
    pub fn scheme(&self) -> &str {
        self.0.split_once(':').map_or("", |(s, _)| s)
    }
}
crate::validated_string!(Url, Error);
