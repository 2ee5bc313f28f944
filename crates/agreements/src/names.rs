//! The validated names of the catalogue: agreement ids, version labels and text digests.

use partnerkit_core::clip;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
#[cfg(doc)]
use crate::{Agreement, Catalogue};

/// The stable identifier of an agreement, such as `microsoft-publisher-agreement`.
///
/// A slug: 1 to 64 characters, lower-case ASCII letters, digits and single hyphens, starting
/// with a letter and not ending with a hyphen. Upper case is refused rather than folded, so one
/// agreement never has two spellings. The display name lives in [`Agreement::name`].
///
/// ```
/// use partnerkit_agreements::AgreementId;
/// let id: AgreementId = "microsoft-publisher-agreement".parse()?;
/// assert_eq!(id.as_str(), "microsoft-publisher-agreement");
/// assert!("Microsoft Publisher Agreement".parse::<AgreementId>().is_err());
/// # Ok::<(), partnerkit_agreements::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema), schemars(extend("pattern" = "^[a-z](-?[a-z0-9])*$", "maxLength" = 64)))]
#[serde(try_from = "String", into = "String")]
pub struct AgreementId(String);

impl AgreementId {
    /// The longest id accepted, in characters.
    pub const MAX_CHARS: usize = 64;

    /// Validates an agreement id.
    pub fn new(value: &str) -> Result<AgreementId> {
        let invalid = |reason: &'static str| Error::InvalidAgreementId {
            given: clip(value, 80),
            reason: reason.into(),
        };
        if value.is_empty() {
            return Err(invalid("it is empty"));
        }
        if value.len() > Self::MAX_CHARS {
            return Err(invalid("it is longer than 64 characters"));
        }
        if !value
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        {
            return Err(invalid(
                "it holds a character other than a lower-case letter, a digit or a hyphen",
            ));
        }
        if !value.starts_with(|c: char| c.is_ascii_lowercase()) {
            return Err(invalid("it does not start with a letter"));
        }
        if value.ends_with('-') || value.contains("--") {
            return Err(invalid("it ends with a hyphen or has two hyphens in a row"));
        }
        Ok(AgreementId(value.to_owned()))
    }
}
partnerkit_core::validated_string!(AgreementId, Error);

/// The label of one version of an agreement, such as `2027-01` or `v3.1`.
///
/// 1 to 32 ASCII letters, digits, `.`, `-` or `_`, starting with a letter or digit; case
/// matters. A label is opaque: versions are ordered by their publish date in the
/// [`Catalogue`], never by comparing labels, so `AgreementVersion` is deliberately not `Ord`.
///
/// ```
/// use partnerkit_agreements::AgreementVersion;
/// let v: AgreementVersion = "2027-01".parse()?;
/// assert_eq!(v.to_string(), "2027-01");
/// assert!("version 2".parse::<AgreementVersion>().is_err());
/// # Ok::<(), partnerkit_agreements::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema), schemars(extend("pattern" = "^[A-Za-z0-9][A-Za-z0-9._-]*$", "maxLength" = 32)))]
#[serde(try_from = "String", into = "String")]
pub struct AgreementVersion(String);

impl AgreementVersion {
    /// The longest label accepted, in characters.
    pub const MAX_CHARS: usize = 32;

    /// Validates a version label.
    pub fn new(value: &str) -> Result<AgreementVersion> {
        let invalid = |reason: &'static str| Error::InvalidVersionLabel {
            given: clip(value, 80),
            reason: reason.into(),
        };
        if value.is_empty() {
            return Err(invalid("it is empty"));
        }
        if value.len() > Self::MAX_CHARS {
            return Err(invalid("it is longer than 32 characters"));
        }
        if !value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'))
        {
            return Err(invalid(
                "it holds a character other than a letter, a digit, '.', '-' or '_'",
            ));
        }
        if !value.starts_with(|c: char| c.is_ascii_alphanumeric()) {
            return Err(invalid("it does not start with a letter or digit"));
        }
        Ok(AgreementVersion(value.to_owned()))
    }
}
partnerkit_core::validated_string!(AgreementVersion, Error);

/// The SHA-256 digest of an agreement version's text: 64 hexadecimal digits, stored in lower
/// case.
///
/// The host computes it over the exact text it shows, so an acceptance records which text was
/// read even if the page behind a link changes later (rule AGR-3).
///
/// ```
/// use partnerkit_agreements::TextDigest;
/// let d = TextDigest::new(&"AB".repeat(32))?;
/// assert_eq!(d.as_str(), "ab".repeat(32));
/// assert!(TextDigest::new("abc").is_err());
/// # Ok::<(), partnerkit_agreements::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema), schemars(extend("pattern" = "^\\s*[0-9A-Fa-f]{64}\\s*$")))]
#[serde(try_from = "String", into = "String")]
pub struct TextDigest(String);

impl TextDigest {
    /// Validates a hexadecimal SHA-256 digest.
    pub fn new(value: &str) -> Result<TextDigest> {
        let v = value.trim();
        if v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()) {
            Ok(TextDigest(v.to_ascii_lowercase()))
        } else {
            Err(Error::InvalidDigest {
                given: clip(value, 80),
            })
        }
    }
}
partnerkit_core::validated_string!(TextDigest, Error);
