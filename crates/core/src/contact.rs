//! Contact data: names, email addresses, phone numbers and postal addresses.
//!
//! Each type validates on construction, on [`FromStr`] and on deserialisation through the
//! same function, so an invalid value cannot exist.

use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::country::CountryCode;
use crate::error::{Error, Result, clip};
use crate::text;

/// Normalises `value` to Unicode NFC, trims it and checks that it is non-empty, at most
/// `max_chars` characters long, free of control, invisible and direction-changing characters
/// and not made only of blank characters and combining marks. Returns the normalised text, which passes the same
/// check again unchanged.
///
/// This is the one rule for free text in partnerkit; every crate's text fields use it:
///
/// - Input longer than 16 bytes per allowed character (plus 256) is refused before any other
///   work, so a megabyte of input costs nothing.
/// - NFC: `"e\u{301}"` and `"é"` are one name.
/// - Refused: control characters and line breaks; bidirectional marks, embeddings, overrides
///   and isolates (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069); zero-width and
///   other invisible format characters (U+00AD, U+034F, U+115F, U+1160, U+17B4, U+17B5,
///   U+180E, U+200B–U+200D, U+2060–U+2064, U+206A–U+206F, U+3164, U+FEFF, U+FFA0,
///   U+FFF9–U+FFFB, U+1BCA0–U+1BCA3, U+1D173–U+1D17A, U+E0000–U+E007F); text made only of
///   blanks (white space, U+2800, variation selectors); text made only of combining marks
///   (general category M, such as `"\u{308}"`) and blanks, which has no character for the
///   marks to sit on.
///
/// **Mixed scripts are allowed.** Real names mix scripts (`Anna Müller 王`), so partnerkit does
/// not refuse them; but a name can look like another (`Аpple` with a Cyrillic `А` looks like
/// `Apple`). Names never identify anyone in partnerkit — ids and email addresses do — and a
/// host that shows a name where someone decides who to trust should show the email address
/// or id next to it.
///
/// ```
/// use partnerkit_core::checked_text;
/// assert_eq!(checked_text("city", "  Redmond ", 100)?, "Redmond");
/// assert_eq!(checked_text("city", "Mu\u{308}nchen", 100)?, "M\u{fc}nchen");
/// assert!(checked_text("city", "", 100).is_err());
/// assert!(checked_text("city", "Red\u{202E}dnom", 100).is_err());
/// # Ok::<(), partnerkit_core::Error>(())
/// ```
pub fn checked_text(field: &'static str, value: &str, max_chars: usize) -> Result<String> {
    if text::is_plain(value, max_chars) {
        return Ok(value.to_owned());
    }
    let max_bytes = max_chars.saturating_mul(16).saturating_add(256);
    if value.len() > max_bytes {
        return Err(Error::InvalidText {
            field: field.into(),
            reason: format!(
                "it has {} bytes; at most {max_chars} characters are allowed",
                value.len()
            ),
        });
    }
    let normal = text::nfc(value);
    let v = normal.trim();
    if v.is_empty() {
        return Err(Error::InvalidText {
            field: field.into(),
            reason: "it is empty: give a value".into(),
        });
    }
    let n = v.chars().count();
    if n > max_chars {
        return Err(Error::InvalidText {
            field: field.into(),
            reason: format!("it has {n} characters; at most {max_chars} are allowed"),
        });
    }
    if v.chars().any(char::is_control) {
        return Err(Error::InvalidText {
            field: field.into(),
            reason: "it contains a control character such as a line break: remove it".into(),
        });
    }
    if let Some(c) = text::first_forbidden(v) {
        return Err(Error::InvalidText {
            field: field.into(),
            reason: format!(
                "it contains the invisible or direction-changing character {c}: remove it"
            ),
        });
    }
    if v.chars().all(text::is_blank) {
        return Err(Error::InvalidText {
            field: field.into(),
            reason: "it has no visible character: give a value".into(),
        });
    }
    if !text::has_base_character(v) {
        return Err(Error::InvalidText {
            field: field.into(),
            reason: "it has only combining marks (accents with no letter to sit on): give a value with at least one letter, digit or symbol".into(),
        });
    }
    Ok(v.to_owned())
}

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
    /// [`checked_text`]), as is an address whose normal form is not stable (lower-casing and
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

// What `validated_string!` gives a `String` newtype.
impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::str::FromStr for EmailAddress {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        EmailAddress::new(s)
    }
}

impl TryFrom<String> for EmailAddress {
    type Error = Error;
    fn try_from(s: String) -> Result<Self> {
        EmailAddress::new(&s)
    }
}

impl TryFrom<&str> for EmailAddress {
    type Error = Error;
    fn try_from(s: &str) -> Result<Self> {
        EmailAddress::new(s)
    }
}

impl From<EmailAddress> for String {
    fn from(v: EmailAddress) -> String {
        String::from(&*v.0)
    }
}

impl AsRef<str> for EmailAddress {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl EmailAddress {
    /// The validated text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A phone number in E.164 form: `+`, an assigned country calling code and the national
/// significant number, at most 15 digits in all (rules ACC-3, PAY-2).
///
/// The country calling code must be one ITU-T has assigned and in service: the table is
/// shipped as data in `crates/core/data/e164_country_codes.txt`, with its source and date
/// (ITU-T's list of E.164 assigned country codes), and is listed by
/// [`PhoneNumber::country_codes`]. So `+999 1234 5678` (no such code) is refused and
/// `+683 4002` (Niue) is accepted.
///
/// Length rules: at most 15 digits, the code included (E.164); the national significant
/// number has at least 4 digits (Niue, Tokelau and Saint Helena have 4-digit numbers) unless
/// the table says more for its code — the North American Numbering Plan (`+1`) and `+7`
/// have exactly 10. Numbering plans within a country are not checked further.
///
/// Spaces, dots, hyphens and parentheses are accepted on input and removed, so
/// `+1 (425) 555-0100` is stored as `+14255550100`. Numbers without `+` are refused because
/// their country cannot be known.
///
/// A national trunk prefix written in parentheses right after the country code, as ITU-T
/// E.123 notation shows it (`+44 (0) 20 7946 0958`), is dropped, since it is not dialled
/// from abroad: that number is stored `+442079460958`, as libphonenumber parses it. Italy
/// (`+39`, see [`PhoneNumber::LEADING_ZERO_CODES`]) is the exception: its leading 0 is part
/// of the number, so `+39 (0)6 1234 5678` is stored `+390612345678`, like `+39 06 1234 5678`.
/// A `(0)` anywhere else keeps its digit.
///
/// ```
/// use partnerkit_core::PhoneNumber;
/// let p: PhoneNumber = "+46 8 123 456 78".parse()?;
/// assert_eq!(p.as_str(), "+46812345678");
/// assert_eq!(p.country_code(), "46");
/// assert_eq!(PhoneNumber::new("+683 4002")?.country_code(), "683");
/// assert!("12".parse::<PhoneNumber>().is_err());
/// assert!("+999 1234 5678".parse::<PhoneNumber>().is_err());
/// # Ok::<(), partnerkit_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PhoneNumber(String);

/// The E.164 country calling code table; see the file's header for its source and format.
const COUNTRY_CODES: &str = include_str!("../data/e164_country_codes.txt");

/// One row of [`COUNTRY_CODES`].
struct CodeRow {
    code: &'static str,
    nsn_min: usize,
    nsn_max: Option<usize>,
    name: &'static str,
}

fn code_rows() -> impl Iterator<Item = CodeRow> {
    COUNTRY_CODES.lines().filter_map(|line| {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            return None;
        }
        let mut fields = line.split('|');
        let code = fields.next()?;
        let nsn_min = fields.next()?;
        let nsn_max = fields.next()?;
        let name = fields.next()?;
        Some(CodeRow {
            code,
            nsn_min: nsn_min.parse().unwrap_or(PhoneNumber::MIN_NATIONAL_DIGITS),
            nsn_max: nsn_max.parse().ok(),
            name,
        })
    })
}

impl PhoneNumber {
    /// The most digits of a number, the country code included (E.164).
    pub const MAX_DIGITS: usize = 15;
    /// The fewest digits after the country code, unless the code's numbering plan needs
    /// more (Niue's numbers have 4).
    pub const MIN_NATIONAL_DIGITS: usize = 4;
    /// Country calling codes whose numbers keep a leading 0 after the code, so that a
    /// parenthesised `(0)` written after them is kept as a digit rather than dropped as a
    /// trunk prefix: `39`, Italy (and Vatican City, `+39 06 698`), where libphonenumber's
    /// metadata defines no national prefix and marks the leading zero as part of the
    /// national number (`italian_leading_zero`).
    pub const LEADING_ZERO_CODES: &'static [&'static str] = &["39"];

    /// Validates and normalises a phone number.
    pub fn new(value: &str) -> Result<PhoneNumber> {
        let given = || clip(value, 64);
        let invalid = |reason: &'static str| Error::InvalidPhone {
            given: given(),
            reason: reason.into(),
        };
        if value.len() > 64 {
            return Err(invalid("it is longer than 64 bytes"));
        }
        let v = value.trim();
        let rest = v
            .strip_prefix('+')
            .ok_or_else(|| invalid("it does not start with +"))?;
        let mut digits = String::with_capacity(16);
        let mut skip = 0usize;
        for (i, c) in rest.char_indices() {
            if skip > 0 {
                skip = skip.saturating_sub(1);
                continue;
            }
            match c {
                '0'..='9' => digits.push(c),
                '(' if rest.get(i..).is_some_and(|r| r.starts_with("(0)"))
                    && code_rows().any(|r| r.code == digits) =>
                {
                    // ITU-T E.123: "+44 (0)20 …" shows the national trunk prefix 0, which
                    // is not dialled from abroad and is no part of the number — except in
                    // Italy, where the 0 belongs to the number (`+39 (0)6 …` is `+39 06 …`).
                    if Self::LEADING_ZERO_CODES.contains(&digits.as_str()) {
                        digits.push('0');
                    }
                    skip = 2;
                }
                ' ' | '-' | '.' | '(' | ')' => {}
                _ => return Err(invalid("it contains a character that is not a digit")),
            }
        }
        if digits.starts_with('0') {
            return Err(invalid("a country calling code never starts with 0"));
        }
        if digits.is_empty() {
            return Err(invalid("it has no digits after +"));
        }
        if digits.len() > Self::MAX_DIGITS {
            return Err(invalid(
                "it has more than 15 digits, the country code included",
            ));
        }
        let Some(row) = code_rows().find(|r| digits.starts_with(r.code)) else {
            let start: String = digits.chars().take(3).collect();
            return Err(Error::InvalidPhone {
                given: given(),
                reason: format!(
                    "no assigned country calling code starts +{start}: check the country code"
                )
                .into(),
            });
        };
        let national = digits.len().saturating_sub(row.code.len());
        let too_few = national < row.nsn_min;
        if too_few || row.nsn_max.is_some_and(|max| national > max) {
            let wanted = match row.nsn_max {
                Some(max) if max == row.nsn_min => format!("{max}"),
                Some(max) => format!("{} to {max}", row.nsn_min),
                None => format!("at least {}", row.nsn_min),
            };
            return Err(Error::InvalidPhone {
                given: given(),
                reason: format!(
                    "after the country code +{} ({}) it has {national} digit{}; numbers there have {wanted}",
                    row.code,
                    row.name,
                    if national == 1 { "" } else { "s" }
                )
                .into(),
            });
        }
        Ok(PhoneNumber(format!("+{digits}")))
    }

    /// The country calling code, without `+` (`"1"`, `"46"`, `"683"`).
    pub fn country_code(&self) -> &str {
        let digits = self.0.get(1..).unwrap_or("");
        code_rows()
            .find(|r| digits.starts_with(r.code))
            .map_or("", |r| r.code)
    }

    /// The assigned country calling codes accepted, with the country, countries or service
    /// each belongs to, in the order of the shipped table (ITU-T E.164; see the type's
    /// docs for the source).
    pub fn country_codes() -> impl Iterator<Item = (&'static str, &'static str)> {
        code_rows().map(|r| (r.code, r.name))
    }
}
crate::validated_string!(PhoneNumber, Error);

/// A display name: 1 to 256 characters after Unicode NFC normalisation and trimming, with
/// no control, invisible or direction-changing characters (the rules of [`checked_text`]).
///
/// Mixed scripts are allowed, so a display name can look like another one (`Соntoso` with a
/// Cyrillic `С`): a display name never identifies anything in partnerkit, and hosts should
/// show it with the id or domain it belongs to where someone decides whom to trust.
///
/// ```
/// use partnerkit_core::DisplayName;
/// assert_eq!(DisplayName::new("  Contoso Apps ")?.as_str(), "Contoso Apps");
/// # Ok::<(), partnerkit_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DisplayName(String);

impl DisplayName {
    /// The longest display name accepted, in characters.
    pub const MAX_CHARS: usize = 256;

    /// Validates a display name.
    pub fn new(value: &str) -> Result<DisplayName> {
        checked_text("display name", value, Self::MAX_CHARS).map(DisplayName)
    }
}
crate::validated_string!(DisplayName, Error);

/// A person's name: given (first) and family (last) name, each 1 to 64 characters after
/// Unicode NFC normalisation and trimming, with no control, invisible or direction-changing
/// characters (the rules of [`checked_text`]).
///
/// Mixed scripts are allowed (people's names mix scripts), so two names can look alike
/// while being different text (`Ann` with a Cyrillic `А`): names never identify anyone in
/// partnerkit; hosts should show the user's email address or id next to a name where someone
/// decides whom to trust.
///
/// ```
/// use partnerkit_core::PersonName;
/// let n = PersonName::new("Ann", "Lind")?;
/// assert_eq!(n.to_string(), "Ann Lind");
/// # Ok::<(), partnerkit_core::Error>(())
/// ```
///
/// Both names are kept in one allocation (a large account has 100,000 of them, each read,
/// cloned and dropped with its user); they compare, order and serialise as the pair (first,
/// last) they are.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct PersonName {
    /// The first name, then the last.
    text: Box<str>,
    /// Where the last name starts in `text` (a character boundary).
    split: usize,
}

impl fmt::Debug for PersonName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PersonName")
            .field("first", &self.first())
            .field("last", &self.last())
            .finish()
    }
}

impl Ord for PersonName {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.first(), self.last()).cmp(&(other.first(), other.last()))
    }
}

impl PartialOrd for PersonName {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Serialize for PersonName {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("PersonName", 2)?;
        st.serialize_field("first", self.first())?;
        st.serialize_field("last", self.last())?;
        st.end()
    }
}

/// The serde form of [`PersonName`], read without copying the names where the format lends
/// them, then checked by [`PersonName::new`].
#[derive(Deserialize)]
struct RawPersonName<'a> {
    #[serde(borrow)]
    first: std::borrow::Cow<'a, str>,
    #[serde(borrow)]
    last: std::borrow::Cow<'a, str>,
}

impl<'de> Deserialize<'de> for PersonName {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let raw = RawPersonName::deserialize(d)?;
        PersonName::new(&raw.first, &raw.last).map_err(serde::de::Error::custom)
    }
}

impl PersonName {
    /// The longest first or last name accepted, in characters.
    pub const MAX_CHARS: usize = 64;

    /// Validates a first and last name.
    pub fn new(first: &str, last: &str) -> Result<PersonName> {
        // Plain text is what `checked_text` would return unchanged (see `text::is_plain`).
        let checked = |field, value| -> Result<std::borrow::Cow<'_, str>> {
            if text::is_plain(value, Self::MAX_CHARS) {
                Ok(std::borrow::Cow::Borrowed(value))
            } else {
                checked_text(field, value, Self::MAX_CHARS).map(std::borrow::Cow::Owned)
            }
        };
        let first = checked("first name", first)?;
        let last = checked("last name", last)?;
        let mut text = String::with_capacity(first.len().saturating_add(last.len()));
        text.push_str(&first);
        text.push_str(&last);
        Ok(PersonName {
            text: text.into_boxed_str(),
            split: first.len(),
        })
    }

    /// The given (first) name.
    pub fn first(&self) -> &str {
        self.text.get(..self.split).unwrap_or_default()
    }

    /// The family (last) name.
    pub fn last(&self) -> &str {
        self.text.get(self.split..).unwrap_or_default()
    }
}

impl fmt::Display for PersonName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.first(), self.last())
    }
}

/// A postal address: one or two street lines, city, optional region and postal code, country.
///
/// Lines and city are 1 to 100 characters. US addresses need a ZIP code (`98052` or
/// `98052-6399`); elsewhere a postal code is optional and, when given, 2 to 12 letters, digits,
/// spaces or hyphens.
///
/// ```
/// use partnerkit_core::{CountryCode, PostalAddress};
/// let a = PostalAddress::builder("1 Microsoft Way", "Redmond", CountryCode::US)
///     .region("WA")
///     .postal_code("98052")
///     .build()?;
/// assert_eq!(a.country(), CountryCode::US);
/// assert!(PostalAddress::builder("1 Main St", "Springfield", CountryCode::US).build().is_err());
/// # Ok::<(), partnerkit_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "PostalAddressBuilder")]
pub struct PostalAddress {
    line1: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    line2: Option<String>,
    city: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    postal_code: Option<String>,
    country: CountryCode,
}

/// Unvalidated parts of a [`PostalAddress`]; [`PostalAddressBuilder::build`] validates them.
#[derive(Debug, Clone, Deserialize)]
pub struct PostalAddressBuilder {
    line1: String,
    #[serde(default)]
    line2: Option<String>,
    city: String,
    #[serde(default)]
    region: Option<String>,
    #[serde(default)]
    postal_code: Option<String>,
    country: CountryCode,
}

impl PostalAddressBuilder {
    /// Sets the second street line.
    pub fn line2(mut self, v: &str) -> Self {
        self.line2 = Some(v.to_owned());
        self
    }
    /// Sets the region (state, province, county).
    pub fn region(mut self, v: &str) -> Self {
        self.region = Some(v.to_owned());
        self
    }
    /// Sets the postal code.
    pub fn postal_code(mut self, v: &str) -> Self {
        self.postal_code = Some(v.to_owned());
        self
    }
    /// Validates the parts and builds the address.
    pub fn build(self) -> Result<PostalAddress> {
        PostalAddress::try_from(self)
    }
}

fn optional_text(field: &'static str, v: Option<String>, max: usize) -> Result<Option<String>> {
    match v {
        Some(s) if !s.trim().is_empty() => checked_text(field, &s, max).map(Some),
        _ => Ok(None),
    }
}

impl TryFrom<PostalAddressBuilder> for PostalAddress {
    type Error = Error;
    fn try_from(b: PostalAddressBuilder) -> Result<Self> {
        let postal_code = optional_text("postal code", b.postal_code, 12)?;
        let country = b.country;
        match (&postal_code, country == CountryCode::US) {
            (None, true) => {
                return Err(Error::InvalidPostalCode {
                    given: String::new(),
                    country: country.to_string(),
                    expected: "a US address needs a ZIP code such as 98052 or 98052-6399".into(),
                });
            }
            (Some(p), true) if !is_us_zip(p) => {
                return Err(Error::InvalidPostalCode {
                    given: p.clone(),
                    country: country.to_string(),
                    expected: "a US ZIP code is five digits, optionally a hyphen and four more"
                        .into(),
                });
            }
            (Some(p), false)
                if p.len() < 2
                    || !p
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == ' ' || c == '-') =>
            {
                return Err(Error::InvalidPostalCode {
                    given: p.clone(),
                    country: country.to_string(),
                    expected: "2 to 12 letters, digits, spaces or hyphens".into(),
                });
            }
            _ => {}
        }
        Ok(PostalAddress {
            line1: checked_text("address line 1", &b.line1, 100)?,
            line2: optional_text("address line 2", b.line2, 100)?,
            city: checked_text("city", &b.city, 100)?,
            region: optional_text("region", b.region, 100)?,
            postal_code,
            country,
        })
    }
}

fn is_us_zip(p: &str) -> bool {
    let b = p.as_bytes();
    let digits = |s: &[u8]| s.iter().all(u8::is_ascii_digit);
    match b.len() {
        5 => digits(b),
        10 => {
            b.get(5) == Some(&b'-')
                && digits(b.get(..5).unwrap_or(&[]))
                && digits(b.get(6..).unwrap_or(&[]))
        }
        _ => false,
    }
}

impl PostalAddress {
    /// Starts an address from its required parts.
    pub fn builder(line1: &str, city: &str, country: CountryCode) -> PostalAddressBuilder {
        PostalAddressBuilder {
            line1: line1.to_owned(),
            line2: None,
            city: city.to_owned(),
            region: None,
            postal_code: None,
            country,
        }
    }
    /// First street line.
    pub fn line1(&self) -> &str {
        &self.line1
    }
    /// Second street line, if any.
    pub fn line2(&self) -> Option<&str> {
        self.line2.as_deref()
    }
    /// City.
    pub fn city(&self) -> &str {
        &self.city
    }
    /// Region (state, province), if any.
    pub fn region(&self) -> Option<&str> {
        self.region.as_deref()
    }
    /// Postal code, if any (always present for US addresses).
    pub fn postal_code(&self) -> Option<&str> {
        self.postal_code.as_deref()
    }
    /// Country or region.
    pub fn country(&self) -> CountryCode {
        self.country
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod person_name_tests {
    use proptest::prelude::*;

    use super::checked_text;

    /// The former form of [`PersonName`], two strings with derived impls: the one-allocation
    /// form must behave as it did.
    #[derive(Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
    #[serde(rename = "PersonName")]
    struct PersonName {
        first: String,
        last: String,
    }

    fn pair(first: &str, last: &str) -> Result<PersonName, crate::Error> {
        Ok(PersonName {
            first: checked_text("first name", first, super::PersonName::MAX_CHARS)?,
            last: checked_text("last name", last, super::PersonName::MAX_CHARS)?,
        })
    }

    fn name() -> impl Strategy<Value = String> {
        prop_oneof![
            "[ -~]{0,6}",
            "[a-c ]{1,3}",
            any::<String>(),
            "[ -~]{63,66}",
            "[é\u{301}aA ]{0,4}"
        ]
    }

    proptest! {
        #[test]
        fn a_person_name_is_its_pair_of_names(a in (name(), name()), b in (name(), name())) {
            let new = super::PersonName::new(&a.0, &a.1);
            let old = pair(&a.0, &a.1);
            prop_assert_eq!(new.as_ref().err(), old.as_ref().err());
            let (Ok(new), Ok(old)) = (new, old) else { return Ok(()) };
            prop_assert_eq!(new.first(), old.first.as_str());
            prop_assert_eq!(new.last(), old.last.as_str());
            prop_assert_eq!(format!("{new:?}"), format!("{old:?}"));
            prop_assert_eq!(serde_json::to_string(&new).unwrap(), serde_json::to_string(&old).unwrap());
            prop_assert_eq!(&serde_json::from_str::<super::PersonName>(&serde_json::to_string(&new).unwrap()).unwrap(), &new);
            if let (Ok(new_b), Ok(old_b)) = (super::PersonName::new(&b.0, &b.1), pair(&b.0, &b.1)) {
                prop_assert_eq!(new.cmp(&new_b), old.cmp(&old_b));
                prop_assert_eq!(new == new_b, old == old_b);
            }
        }
    }
}
