//! [`EmailAddress`]: RFC 5321/5322, lower case, the domain in its canonical ASCII form.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result, clip};
use crate::text;

/// An email address, validated by the [`email_address`] crate against RFC 5321/5322 and
/// stored in lower case, so that `Ann@Contoso.com` and `ann@contoso.com` are one address.
///
/// The domain is stored in the canonical form of [`canonical_domain`](crate::canonical_domain)
/// (ASCII; Unicode labels as `xn--` Punycode), so `ann@bücher.de` and `ann@xn--bcher-kva.de`
/// are one address, stored as `ann@xn--bcher-kva.de` (rule ACC-3). The part before `@` may
/// hold Unicode (RFC 6531) and is kept as given, in lower case and NFC.
///
/// Display names (`Ann <ann@contoso.com>`) and addresses without a dot in the domain
/// (`ann@localhost`) are refused: a publisher's contacts receive mail from the internet.
///
/// **Length.** At most 254 octets in all ([`EmailAddress::MAX_OCTETS`]), counted in the
/// stored form — the domain in ASCII (`xn--…`), the local part in UTF-8: RFC 5321
/// §4.5.3.1.3 allows a path of 256 octets, angle brackets included. The local part has at
/// most 64 octets (§4.5.3.1.1) and the domain at most 253 characters.
///
/// **No space-like characters in the local part.** Every Unicode `White_Space` character
/// (the ASCII space and tab, U+00A0 no-break space, U+2007 figure space, U+3000 ideographic
/// space and the other `Zs` spaces, U+2028/U+2029 line and paragraph separators, U+0085) and
/// every control character is refused before `@`, quoted or not: RFC 5322 and RFC 6531 allow
/// spaces only inside a quoted string, and partnerkit refuses quoted spaces too, because
/// `ann\u{a0}lind@contoso.com` would look like `ann lind@contoso.com` and like another
/// address.
///
/// A quoted local part without spaces (`"ann"@contoso.com`) is accepted and kept as given,
/// quotes included: it is not unquoted, so it is a different value from `ann@contoso.com`
/// although RFC 5322 makes them one mailbox.
///
/// **Special-use domains** (RFC 6761, RFC 7686) are accepted: `ann@example.test`,
/// `ann@host.local`, `ann@x.invalid`, `ann@x.localhost` and `ann@x.onion` are well-formed
/// addresses, and partnerkit checks form, not deliverability (a host that sends mail finds
/// out that `.invalid` never resolves). Tests and examples use such domains. A trailing dot
/// (`ann@contoso.com.`) is refused, as by [`canonical_domain`](crate::canonical_domain).
///
/// ```
/// use partnerkit_core::EmailAddress;
/// let e: EmailAddress = " Ann@Contoso.com ".parse()?;
/// assert_eq!(e.as_str(), "ann@contoso.com");
/// assert_eq!(e.domain(), "contoso.com");
/// assert!("not-an-email".parse::<EmailAddress>().is_err());
/// let idn: EmailAddress = "Ann@Bücher.de".parse()?;
/// assert_eq!(idn.as_str(), "ann@xn--bcher-kva.de");
/// assert_eq!(idn, "ann@xn--bcher-kva.de".parse()?);
/// assert_eq!(idn.domain_unicode(), "bücher.de");
/// # Ok::<(), partnerkit_core::Error>(())
/// ```
///
/// The text is shared, not copied, by clones (an `Arc<str>`): an account keeps each username
/// twice, in its user and in the index of usernames it looks them up by, and loading a large
/// account would otherwise copy 100,000 of them.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EmailAddress(Arc<str>);

impl Serialize for EmailAddress {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for EmailAddress {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        text::deserialize_with(d, EmailAddress::new)
    }
}

/// Its wire form: a string, an email address of at most 254 octets.
#[cfg(feature = "schema")]
impl schemars::JsonSchema for EmailAddress {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "EmailAddress".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "format": "email",
            "minLength": 3,
            "maxLength": 254,
            "description": "An email address, normalised (trimmed, lower case, NFC).",
            "examples": ["ada@contoso.com"]
        })
    }
}

impl EmailAddress {
    /// The longest input accepted, in bytes, checked before anything else (an address has at
    /// most 254 octets).
    pub const MAX_INPUT_BYTES: usize = 1024;

    /// The longest address, in octets of its stored form (ASCII domain, UTF-8 local part):
    /// RFC 5321 §4.5.3.1.3's 256-octet path less its two angle brackets.
    pub const MAX_OCTETS: usize = 254;

    /// Normalises an email address (trimmed, lower case, Unicode NFC), then validates the
    /// normalised form, so the value returned passes `new` again unchanged.
    ///
    /// Addresses with control, invisible or direction-changing characters are refused (see
    /// [`checked_text`](crate::checked_text)), as is an address whose normal form is not stable (lower-casing and
    /// NFC would change it again).
    pub fn new(value: &str) -> Result<EmailAddress> {
        let invalid = |reason: String| Error::InvalidEmail {
            given: clip(value, 320),
            reason,
        };
        if crate::domain::is_plain_email(value) {
            // Already in its stored form, which the checks below would return unchanged.
            return Ok(EmailAddress(Arc::from(value)));
        }
        if value.len() > Self::MAX_INPUT_BYTES {
            return Err(invalid(format!(
                "it has {} bytes; an address has at most 254 characters",
                value.len()
            )));
        }
        let normalise = |s: &str| text::nfc(&s.trim().to_lowercase());
        let ascii = value.is_ascii();
        let v = if ascii {
            // ASCII lower case is already NFC and stays as it is when lower-cased again.
            value.trim().to_ascii_lowercase()
        } else {
            normalise(value)
        };
        if !ascii && normalise(&v) != v {
            return Err(invalid(
                "its lower-case form is not stable under Unicode normalisation".into(),
            ));
        }
        if let Some(c) = text::first_forbidden(&v) {
            return Err(invalid(format!(
                "it contains the invisible or direction-changing character {c}"
            )));
        }
        // The domain gets the one canonical form of domain names (ASCII, `xn--` for
        // Unicode labels), so `ann@bücher.de` and `ann@xn--bcher-kva.de` are one address.
        let v = match v.rsplit_once('@') {
            Some((local, domain)) => {
                if let Some(c) = local.chars().find(|c| c.is_whitespace() || c.is_control()) {
                    return Err(invalid(format!(
                        "the part before @ contains the space-like or control character U+{:04X}: an address has no spaces, quoted or not",
                        u32::from(c)
                    )));
                }
                let domain = crate::domain::canonical_domain(domain).map_err(|e| match e {
                    Error::InvalidDomain { reason, .. } => {
                        invalid(format!("its domain is not valid: {reason}"))
                    }
                    other => invalid(other.to_string()),
                })?;
                format!("{local}@{domain}")
            }
            // No `@`: the parser below says so in its words.
            None => v,
        };
        let parsed = email_address::EmailAddress::parse_with_options(
            &v,
            email_address::Options::default()
                .without_display_text()
                .without_domain_literal(),
        )
        .map_err(|e| invalid(e.to_string()))?;
        if v.len() > Self::MAX_OCTETS {
            return Err(invalid(format!(
                "it has {} octets (its domain counted in its xn-- form); an address has at most 254 (RFC 5321)",
                v.len()
            )));
        }
        if !parsed.domain().contains('.') {
            return Err(invalid("the domain has no dot".into()));
        }
        if parsed.as_str() != v {
            return Err(invalid("it is not in its plain form".into()));
        }
        Ok(EmailAddress(Arc::from(v)))
    }

    /// The part after `@`, in its canonical ASCII form (`xn--bcher-kva.de`).
    pub fn domain(&self) -> &str {
        self.0.rsplit_once('@').map_or("", |(_, d)| d)
    }

    /// The part after `@` in Unicode, for showing to people (`bücher.de`); see
    /// [`display_domain`](crate::display_domain).
    pub fn domain_unicode(&self) -> String {
        crate::domain::display_domain(self.domain())
    }
}

crate::validated_string!(EmailAddress, Error);
