//! [`PhoneNumber`]: E.164, with the ITU-T country calling codes as data.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result, clip};

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
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema), schemars(extend("pattern" = "^\\s*\\+[1-9][0-9 ().-]{4,40}\\s*$", "maxLength" = 64, "examples" = ["+14255550100"])))]
#[serde(try_from = "String", into = "String")]
pub struct PhoneNumber(String);

/// The E.164 country calling code table; see the file's header for its source and format.
const COUNTRY_CODES: &str = include_str!("../../data/e164_country_codes.txt");

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
