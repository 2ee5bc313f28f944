//! Validated names of this crate: domain names, `onmicrosoft.com` labels and invitation lists.

use std::fmt;
use std::str::FromStr;

use partnerkit_core::EmailAddress;
use serde::{Deserialize, Serialize};

use crate::error::Error;

/// A tenant's domain name, such as `contoso.com`, `contoso.onmicrosoft.com` or `bücher.de`,
/// in the one canonical form of [`partnerkit_core::canonical_domain`]: ASCII, lower case,
/// Unicode labels written as Punycode (`xn--bcher-kva.de`), at most 253 characters, two or
/// more dot-separated labels of 1–63 letters, digits or hyphens (not at either end of a
/// label), the last not all digits.
///
/// A name may be given in Unicode or in its `xn--` form; both give the same value (rule
/// TEN-3), the one an [`EmailAddress`] in that domain holds after its `@`. The canonical
/// form is ASCII because that is what DNS and directories use and because look-alike
/// Unicode names are plainly different in it; [`DomainName::to_unicode`] gives the form to
/// show people.
///
/// ```
/// use partnerkit_identity::DomainName;
/// assert_eq!(DomainName::new(" Contoso.COM ")?.as_str(), "contoso.com");
/// assert_eq!(DomainName::new("Bücher.de")?.as_str(), "xn--bcher-kva.de");
/// assert_eq!(DomainName::new("bücher.de")?, DomainName::new("xn--bcher-kva.de")?);
/// assert_eq!(DomainName::new("xn--bcher-kva.de")?.to_unicode(), "bücher.de");
/// assert!(DomainName::new("contoso").is_err());
/// # Ok::<(), partnerkit_identity::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema), schemars(extend("pattern" = "^\\s*[^.\\s]{1,63}(\\.[^.\\s]{1,63})+\\.?\\s*$", "maxLength" = 300, "examples" = ["contoso.com"])))]
#[serde(try_from = "String", into = "String")]
pub struct DomainName(String);

impl DomainName {
    /// The longest domain name accepted, in characters of its ASCII form.
    pub const MAX_CHARS: usize = partnerkit_core::MAX_DOMAIN_CHARS;

    /// Normalises a domain name given in Unicode or ASCII to its canonical ASCII form, then
    /// validates it (see [`partnerkit_core::canonical_domain`]).
    pub fn new(value: &str) -> Result<DomainName, Error> {
        match partnerkit_core::canonical_domain(value) {
            Ok(v) => Ok(DomainName(v)),
            Err(partnerkit_core::Error::InvalidDomain { reason, .. }) => {
                Err(Error::InvalidDomain {
                    given: partnerkit_core::clip(value, 300),
                    reason: reason.into_owned(),
                })
            }
            Err(other) => Err(other.into()),
        }
    }

    /// The name in Unicode, for showing to people: `xn--bcher-kva.de` is `bücher.de`.
    pub fn to_unicode(&self) -> String {
        partnerkit_core::display_domain(&self.0)
    }
}
partnerkit_core::validated_string!(DomainName, Error);

fn valid_label(label: &str, max: usize) -> bool {
    !label.is_empty()
        && label.len() <= max
        && label
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
}

/// The `NAME` of a new tenant's initial domain `NAME.onmicrosoft.com` (rule TEN-3): 1 to 27
/// ASCII letters or digits, stored in lower case.
///
/// Unlike [`DomainName`], the label is not internationalised: the directory makes initial
/// domains from ASCII letters and digits only, so `bücher` is refused with a message saying
/// so (a tenant can still use `bücher.de` as a [`DomainName`]).
///
/// ```
/// use partnerkit_identity::DomainLabel;
/// let label = DomainLabel::new("Contoso")?;
/// assert_eq!(label.domain().as_str(), "contoso.onmicrosoft.com");
/// assert!(DomainLabel::new("con-toso").is_err());
/// # Ok::<(), partnerkit_identity::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema), schemars(extend("pattern" = "^\\s*[A-Za-z0-9]{1,27}\\s*$", "examples" = ["contoso"])))]
#[serde(try_from = "String", into = "String")]
pub struct DomainLabel(String);

impl DomainLabel {
    /// The longest label accepted, in characters (the directory's limit for initial domains).
    pub const MAX_CHARS: usize = 27;
    /// The suffix of every initial domain.
    pub const SUFFIX: &'static str = "onmicrosoft.com";

    /// Validates and lower-cases a label.
    pub fn new(value: &str) -> Result<DomainLabel, Error> {
        let trimmed = value.trim();
        let v = if trimmed.len() <= Self::MAX_CHARS {
            trimmed.to_ascii_lowercase()
        } else {
            String::new() // too long: refused below without copying it
        };
        if !v.is_ascii() {
            return Err(Error::InvalidDomain {
                given: partnerkit_core::clip(value, 300),
                reason: format!(
                    "a new tenant's name has 1 to {} ASCII letters or digits, such as contoso; letters such as ü are not allowed in NAME.onmicrosoft.com (rule TEN-3)",
                    Self::MAX_CHARS
                ),
            });
        }
        if valid_label(&v, Self::MAX_CHARS) {
            Ok(DomainLabel(v))
        } else {
            Err(Error::InvalidDomain {
                given: partnerkit_core::clip(value, 300),
                reason: format!(
                    "a new tenant's name has 1 to {} letters or digits, such as contoso (rule TEN-3)",
                    Self::MAX_CHARS
                ),
            })
        }
    }

    /// The full initial domain, `NAME.onmicrosoft.com`, as it is shown.
    pub fn domain(&self) -> DomainName {
        DomainName(format!("{}.{}", self.0, Self::SUFFIX))
    }
}
partnerkit_core::validated_string!(DomainLabel, Error);

/// One to ten email addresses to invite as guests (rule USR-5), read from text separated by
/// commas or semicolons; whitespace around each address is trimmed, empty entries are
/// skipped, and an address given twice (in any letter case) is refused.
///
/// Reading is bounded: text longer than [`Invitees::MAX_TEXT_BYTES`] is refused before it is
/// read, and reading stops at the eleventh address. An address holding a comma or semicolon
/// (a quoted local part such as `"a,b"@contoso.com`) is refused, so the text form
/// (addresses joined with `"; "`) always reads back to the same list, through serde too.
///
/// ```
/// use partnerkit_identity::Invitees;
/// let list: Invitees = " ann@fabrikam.com ; bo@fabrikam.com,cy@contoso.com ".parse()?;
/// assert_eq!(list.emails().len(), 3);
/// assert!("ann@fabrikam.com; ANN@fabrikam.com".parse::<Invitees>().is_err());
/// # Ok::<(), partnerkit_identity::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(try_from = "String", into = "String")]
pub struct Invitees(Vec<EmailAddress>);

impl Invitees {
    /// The most addresses one invitation may hold.
    pub const MAX: usize = 10;
    /// The longest address read, in bytes (RFC 3696: 64 before `@`, 255 after).
    pub const MAX_ADDRESS_BYTES: usize = 320;
    /// The longest text read: ten of the longest addresses, each with up to 16 bytes of
    /// separator and whitespace. Longer text is refused before it is read.
    pub const MAX_TEXT_BYTES: usize = Self::MAX * (Self::MAX_ADDRESS_BYTES + 16);

    /// Reads a list of addresses separated by commas or semicolons.
    pub fn new(value: &str) -> Result<Invitees, Error> {
        if value.len() > Self::MAX_TEXT_BYTES {
            return Err(Error::InvalidInvitees {
                reason: format!(
                    "the list has {} bytes; at most {} are read: give at most {} addresses",
                    value.len(),
                    Self::MAX_TEXT_BYTES,
                    Self::MAX
                ),
            });
        }
        let mut emails = Vec::new();
        for part in value.split([',', ';']).map(str::trim) {
            if part.is_empty() {
                continue;
            }
            if emails.len() == Self::MAX {
                return Err(Self::too_many());
            }
            let email = EmailAddress::new(part).map_err(|e| Error::InvalidInvitees {
                reason: e.to_string(),
            })?;
            emails.push(email);
        }
        Invitees::from_emails(emails)
    }

    fn too_many() -> Error {
        Error::InvalidInvitees {
            reason: format!(
                "it holds more than {} addresses; at most {} can be invited at once: split the list",
                Self::MAX,
                Self::MAX
            ),
        }
    }

    /// Checks a list of already validated addresses: 1 to 10, no duplicates, none holding a
    /// comma or semicolon (the list's separators), each reading back to itself.
    pub fn from_emails(emails: Vec<EmailAddress>) -> Result<Invitees, Error> {
        if emails.is_empty() {
            return Err(Error::InvalidInvitees {
                reason:
                    "it holds no address: give 1 to 10 addresses separated by commas or semicolons"
                        .into(),
            });
        }
        if emails.len() > Self::MAX {
            return Err(Self::too_many());
        }
        for (i, e) in emails.iter().enumerate() {
            if e.as_str().contains([',', ';']) {
                return Err(Error::InvalidInvitees {
                    reason: format!(
                        "{e} holds a comma or semicolon, which separate the addresses of an invitation list: give an address without them"
                    ),
                });
            }
            if EmailAddress::new(e.as_str()).as_ref() != Ok(e) {
                return Err(Error::InvalidInvitees {
                    reason: format!("{e} does not read back as itself: give it in another form"),
                });
            }
            if emails.iter().take(i).any(|earlier| earlier == e) {
                return Err(Error::InvalidInvitees {
                    reason: format!("{e} is listed twice: list each address once"),
                });
            }
        }
        Ok(Invitees(emails))
    }

    /// The addresses, in the order given.
    pub fn emails(&self) -> &[EmailAddress] {
        &self.0
    }
}

impl fmt::Display for Invitees {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            f.write_str(e.as_str())?;
        }
        Ok(())
    }
}

impl FromStr for Invitees {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        Invitees::new(s)
    }
}

impl TryFrom<String> for Invitees {
    type Error = Error;
    fn try_from(s: String) -> Result<Self, Error> {
        Invitees::new(&s)
    }
}

impl From<Invitees> for String {
    fn from(v: Invitees) -> String {
        v.to_string()
    }
}
