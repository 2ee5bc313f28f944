//! Taxpayer identification numbers as the forms carry them: a US TIN (SSN, ITIN or EIN) on a
//! W-9, a foreign TIN on a W-8 (rules TAX-2, TAX-3, X-4). Each is a secret checked when it is
//! made; the form on file keeps only its masked form ([`TinRecord`]).

use std::fmt;

use partnerkit_core::{Masked, SecretString};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::Error;
use crate::state::TinRecord;

/// How many trailing characters of a TIN stay visible when masked.
const VISIBLE: usize = 4;

/// A US taxpayer identification number — an SSN, ITIN or EIN — as a W-9 carries it: checked
/// by the SSA's and the IRS's rules when it is made, and a secret from then on (rules TAX-2,
/// X-4).
///
/// **What is checked** (see `docs/MONEY.md`, "US TINs on a W-9"). Nine digits once dashes and
/// spaces are removed; the kind is read from the layout: `123-45-6789` is an SSN (an ITIN when
/// it starts with 9), `12-3456789` an EIN, nine bare digits must be valid as any of the three.
/// Numbers the SSA or IRS never issues are refused: SSN areas 000, 666 and 900–999, group 00,
/// serial 0000 and the voided 078-05-1120 and 219-09-9999; ITIN groups outside 50–65, 70–88,
/// 90–92 and 94–99; EIN prefixes the IRS does not assign. No error repeats the number or its
/// digits.
///
/// **A secret.** `Debug`, `Display` and `Serialize` show only the masked form (`•••••6789`);
/// the nine digits are read only through [`expose_secret`](Self::expose_secret). `==`
/// compares in constant time and the memory is overwritten with zeros when dropped (it is kept
/// in a [`SecretString`]). Deserialising reads a plain JSON string through [`UsTin::new`], so
/// JSON holding an invalid TIN is refused when read; the serialised (masked) form is not read
/// back: a TIN is input only.
///
/// ```
/// use partnerkit_tax::UsTin;
/// let ein = UsTin::new("12-3456789")?;
/// assert_eq!(ein.expose_secret(), "123456789");
/// assert_eq!(format!("{ein} {ein:?}"), "•••••6789 UsTin(•••••6789)");
/// assert_eq!(serde_json::to_string(&ein).unwrap(), "\"•••••6789\"");
/// assert!(UsTin::new("666-12-3456").is_err()); // area 666 is never issued
/// assert!(UsTin::new("07-1234567").is_err()); // nor EIN prefix 07
/// let read: UsTin = serde_json::from_str("\"123-45-6789\"").unwrap();
/// assert_eq!(read.expose_secret(), "123456789");
/// assert!(serde_json::from_str::<UsTin>("\"000-00-0000\"").is_err());
/// # Ok::<(), partnerkit_tax::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct UsTin(SecretString);

impl UsTin {
    /// Checks a US TIN as written on a W-9 (see the type's docs).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidTin`], saying what is wrong without repeating the number.
    pub fn new(value: &str) -> Result<Self, Error> {
        Ok(UsTin(us_tin_digits(value)?))
    }

    /// The nine digits, without separators. Call it only where the number must leave
    /// partnerkit (the host's TIN-matching or filing call).
    pub fn expose_secret(&self) -> &str {
        self.0.expose_secret()
    }

    /// The masked form, `•••••6789`.
    pub fn masked(&self) -> Masked {
        self.0.masked(VISIBLE)
    }

    /// What the form on file keeps: the masked form only.
    pub fn record(&self) -> TinRecord {
        TinRecord {
            masked: self.masked(),
        }
    }
}

/// A foreign (residence-country) TIN as a W-8 carries it: 1 to 30 letters, digits, spaces,
/// dashes, dots or slashes with at least one letter or digit, surrounding white space removed;
/// checked when it is made, and a secret from then on (rules TAX-2, TAX-3, X-4).
///
/// Countries write their TINs in many ways, so no country's scheme is checked: the form
/// only has to hold a number that could be one. Secret as [`UsTin`] is: `Debug`, `Display`
/// and `Serialize` show only the masked form, `==` is constant-time, the memory is zeroed
/// when dropped, and deserialising goes through [`ForeignTin::new`].
///
/// ```
/// use partnerkit_tax::ForeignTin;
/// let tin = ForeignTin::new(" 19900101-1234 ")?;
/// assert_eq!(tin.expose_secret(), "19900101-1234");
/// assert_eq!(tin.to_string(), "•••••••••1234");
/// assert!(ForeignTin::new("bad\u{7}tin").is_err());
/// assert!(ForeignTin::new(" - ").is_err());
/// # Ok::<(), partnerkit_tax::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct ForeignTin(SecretString);

impl ForeignTin {
    /// The longest foreign TIN accepted, in characters.
    pub const MAX_CHARS: usize = 30;

    /// Checks a foreign TIN (see the type's docs).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidTin`], without repeating the number.
    pub fn new(value: &str) -> Result<Self, Error> {
        let t = value.trim();
        let ok = (1..=Self::MAX_CHARS).contains(&t.chars().count())
            && t.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, ' ' | '-' | '.' | '/'))
            && t.chars().any(|c| c.is_ascii_alphanumeric());
        if ok {
            Ok(ForeignTin(SecretString::new(t)))
        } else {
            Err(Error::InvalidTin {
                reason: "a foreign TIN has 1 to 30 letters or digits (spaces, dashes, dots and slashes allowed); leave it out if you have none".into(),
            })
        }
    }

    /// The number as given, without surrounding white space. Call it only where the number
    /// must leave partnerkit.
    pub fn expose_secret(&self) -> &str {
        self.0.expose_secret()
    }

    /// The masked form, such as `•••••••••1234`.
    pub fn masked(&self) -> Masked {
        self.0.masked(VISIBLE)
    }

    /// What the form on file keeps: the masked form only.
    pub fn record(&self) -> TinRecord {
        TinRecord {
            masked: self.masked(),
        }
    }
}

/// `Debug`, `Display`, `TryFrom` and serde for a secret TIN type: the masked form out, the
/// constructor in.
macro_rules! secret_tin {
    ($ty:ident) => {
        impl fmt::Debug for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!(stringify!($ty), "({})"), self.masked())
            }
        }

        impl fmt::Display for $ty {
            /// The masked form.
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&self.masked(), f)
            }
        }

        impl TryFrom<&str> for $ty {
            type Error = Error;
            fn try_from(value: &str) -> Result<Self, Error> {
                $ty::new(value)
            }
        }

        impl TryFrom<String> for $ty {
            type Error = Error;
            fn try_from(value: String) -> Result<Self, Error> {
                let value = SecretString::new(value);
                $ty::new(value.expose_secret())
            }
        }

        impl Serialize for $ty {
            /// The masked form only (rule X-4).
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.masked().as_str())
            }
        }

        impl<'de> Deserialize<'de> for $ty {
            /// A JSON string, checked by the type's `new`.
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let raw = SecretString::new(String::deserialize(d)?);
                $ty::new(raw.expose_secret()).map_err(serde::de::Error::custom)
            }
        }
    };
}

secret_tin!(UsTin);
secret_tin!(ForeignTin);

/// A US TIN (SSN, ITIN or EIN): nine digits once dashes and spaces are removed, checked by
/// its kind. The kind is read from where the separators are:
///
/// - `123-45-6789` (after the 3rd and 5th digits): an SSN, or an ITIN when it starts with 9;
/// - `12-3456789` (after the 2nd digit): an EIN;
/// - nine digits without separators: valid if valid as any of the three.
///
/// The rules (read 2026-12-03):
///
/// - **SSN** — Social Security Administration, *Social Security Number Randomization*
///   (effective 2011-06-25): no area (first three digits) 000, 666 or 900–999, no group
///   (4th–5th) 00, no serial (last four) 0000; and the numbers the SSA has publicly voided,
///   078-05-1120 (the Woolworth wallet card, 1938) and 219-09-9999 (a 1940 SSA pamphlet).
/// - **ITIN** — IRS, ITIN structure (IRS Publication 1915): a 9 first, and a group (4th–5th
///   digits) in 50–65, 70–88 (since April 2011), 90–92 or 94–99.
/// - **EIN** — IRS, *How EINs are assigned and valid EIN prefixes*: the first two digits are
///   an assigned campus or internet prefix: 01–06, 10–16, 20–27, 30–39, 40–48, 50–68, 71–77,
///   80–88, 90–95, 98, 99 (the list as given in issue 25, December 2026).
///
/// The reason never repeats the number or its digits (rule X-4).
fn us_tin_digits(tin: &str) -> Result<SecretString, Error> {
    let bad = |reason: &'static str| Error::InvalidTin {
        reason: reason.into(),
    };
    // Capacity for the whole input, so the digits are never copied by a reallocation; the
    // SecretString zeroes them on every path out.
    let mut collected = String::with_capacity(tin.len());
    let mut breaks = Vec::new();
    let mut other = false;
    for c in tin.trim().chars() {
        match c {
            '0'..='9' => collected.push(c),
            '-' | ' ' => {
                if breaks.last() != Some(&collected.len()) {
                    breaks.push(collected.len());
                }
            }
            _ => {
                other = true;
                break;
            }
        }
    }
    let secret = SecretString::new(collected);
    let digits = secret.expose_secret();
    if other {
        return Err(bad(
            "a US TIN (SSN or EIN) has nine digits, such as 123-45-6789 or 12-3456789",
        ));
    }
    if digits.len() != 9 {
        return Err(bad(
            "a US TIN (SSN or EIN) has nine digits, such as 123-45-6789 or 12-3456789",
        ));
    }
    if digits.bytes().all(|b| b == b'0') {
        return Err(bad("a US TIN cannot be all zeros: give the SSN or EIN"));
    }
    let ssn_or_itin = || {
        if digits.starts_with('9') {
            itin(digits)
        } else {
            ssn(digits)
        }
    };
    match breaks.as_slice() {
        [3, 5] => ssn_or_itin()?,
        [2] => ein(digits)?,
        [] => {
            if ssn_or_itin().is_err() && ein(digits).is_err() {
                return Err(bad(
                    "these nine digits are no SSN, ITIN or EIN the SSA or IRS issues: check the number, and write an SSN or ITIN as 123-45-6789 and an EIN as 12-3456789",
                ));
            }
        }
        _ => {
            return Err(bad(
                "write an SSN or ITIN as 123-45-6789 and an EIN as 12-3456789",
            ));
        }
    }
    Ok(secret)
}

/// The number made of `digits[from..to]` (ASCII digits), or `u32::MAX` if out of range.
fn part(digits: &str, from: usize, to: usize) -> u32 {
    digits
        .get(from..to)
        .and_then(|p| p.parse().ok())
        .unwrap_or(u32::MAX)
}

/// The SSA's rules for an SSN (see [`UsTin`]).
fn ssn(digits: &str) -> Result<(), Error> {
    let bad = |reason: &'static str| Error::InvalidTin {
        reason: reason.into(),
    };
    let (area, group, serial) = (part(digits, 0, 3), part(digits, 3, 5), part(digits, 5, 9));
    if area == 0 || area == 666 || area >= 900 {
        return Err(bad(
            "the SSA never issues an SSN starting with 000, 666 or 900 to 999 (an ITIN starts with 9 and has 50-65, 70-88, 90-92 or 94-99 in its 4th and 5th digits): check the number",
        ));
    }
    if group == 0 || serial == 0 {
        return Err(bad(
            "the SSA never issues an SSN with 00 in its 4th and 5th digits or 0000 in its last four: check the number",
        ));
    }
    if matches!(digits, "078051120" | "219099999") {
        return Err(bad(
            "this SSN was printed on sample cards and voided by the SSA: give your own SSN",
        ));
    }
    Ok(())
}

/// The IRS's rules for an ITIN (see [`UsTin`]).
fn itin(digits: &str) -> Result<(), Error> {
    let group = part(digits, 3, 5);
    let issued = digits.starts_with('9') && matches!(group, 50..=65 | 70..=88 | 90..=92 | 94..=99);
    if issued {
        Ok(())
    } else {
        Err(Error::InvalidTin {
            reason: "an ITIN starts with 9 and has 50-65, 70-88, 90-92 or 94-99 in its 4th and 5th digits; an SSN never starts with 9: check the number".into(),
        })
    }
}

/// The IRS's assigned EIN prefixes (see [`UsTin`]), as inclusive ranges.
const EIN_PREFIXES: [(u32, u32); 11] = [
    (1, 6),
    (10, 16),
    (20, 27),
    (30, 39),
    (40, 48),
    (50, 68),
    (71, 77),
    (80, 88),
    (90, 95),
    (98, 98),
    (99, 99),
];

/// The IRS's rule for an EIN: an assigned prefix (see [`UsTin`]).
fn ein(digits: &str) -> Result<(), Error> {
    let prefix = part(digits, 0, 2);
    if EIN_PREFIXES
        .iter()
        .any(|(lo, hi)| (*lo..=*hi).contains(&prefix))
    {
        Ok(())
    } else {
        Err(Error::InvalidTin {
            reason: "the first two digits of an EIN are a prefix the IRS assigns (01-06, 10-16, 20-27, 30-39, 40-48, 50-68, 71-77, 80-88, 90-95, 98, 99): check the number".into(),
        })
    }
}

/// Their wire form: a string, input only (the serialised form is masked).
#[cfg(feature = "schema")]
impl schemars::JsonSchema for UsTin {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "UsTin".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "format": "password",
            "pattern": "^\\s*(\\d{3}-\\d{2}-\\d{4}|\\d{2}-\\d{7}|\\d{9})\\s*$",
            "description": "A US TIN (SSN, ITIN or EIN) as nine digits, `123-45-6789` or `12-3456789`; numbers the SSA and IRS never issue are refused. Input only: written back masked (rule X-4)."
        })
    }
}

/// Their wire form: a string, input only (the serialised form is masked).
#[cfg(feature = "schema")]
impl schemars::JsonSchema for ForeignTin {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "ForeignTin".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "format": "password",
            "pattern": "^\\s*[A-Za-z0-9 ./-]*[A-Za-z0-9][A-Za-z0-9 ./-]*\\s*$",
            "maxLength": 30,
            "description": "A foreign TIN: 1 to 30 letters or digits (spaces, dashes, dots and slashes allowed). Input only: written back masked (rule X-4)."
        })
    }
}
