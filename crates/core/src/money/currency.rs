//! [`Currency`]: an ISO 4217 code with the number of decimals of its minor unit.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::iso4217::{CURRENCIES, WITHDRAWN};
use crate::country::letter_code_index;
use crate::error::{Error, Result, clip};

/// The active codes as a table: entry `676 * a + 26 * b + c` (letters `a`, `b`, `c`, `A` = 0)
/// holds the code's minor-unit scale plus one, or 0 for a code not on the list — so looking a
/// code up is one load, not a scan (the payout run parses one per ledger row).
static ACTIVE: [u8; 17_576] = active_table();

/// A code's entry in [`ACTIVE`]: `None` unless it is three letters `A`–`Z`.
const fn index_of(code: &[u8]) -> Option<usize> {
    match code.len() {
        3 => letter_code_index(code),
        _ => None,
    }
}

// Evaluated by the compiler: a bad code, a scale that does not fit, or a withdrawn code that is
// also active fails the build.
#[allow(
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::panic
)]
const fn active_table() -> [u8; 17_576] {
    let mut table = [0u8; 17_576];
    let mut i = 0;
    while i < CURRENCIES.len() {
        let (code, scale) = CURRENCIES[i];
        let Some(n) = index_of(code.as_bytes()) else {
            panic!("CURRENCIES lists a code that is not three letters A-Z");
        };
        if scale == u8::MAX {
            panic!("a minor-unit scale of 255");
        }
        table[n] = scale + 1;
        i += 1;
    }
    let mut j = 0;
    while j < WITHDRAWN.len() {
        let Some(n) = index_of(WITHDRAWN[j].0.as_bytes()) else {
            panic!("WITHDRAWN lists a code that is not three letters A-Z");
        };
        if table[n] != 0 {
            panic!("WITHDRAWN lists an active code");
        }
        j += 1;
    }
    table
}

/// An ISO 4217 currency, with the number of decimals of its minor unit.
///
/// Only codes on the ISO 4217 list of active currencies (and the fund codes on it) are
/// accepted by [`Currency::new`] and [`FromStr`]. The table follows ISO 4217 list one
/// (current currency and funds) as amended up to the amendment for the Bulgarian euro
/// changeover, effective 2026-01-01 (read 2026-12-03).
///
/// **Withdrawn codes.** A code ISO 4217 has withdrawn (`BGN`, the Bulgarian lev, replaced by
/// `EUR` on 2026-01-01) is refused as new input with [`Error::WithdrawnCurrency`], but still
/// decodes from its serialised form: events and statements stored before the withdrawal may
/// hold amounts in it, and refusing them on deserialisation would make those histories
/// unreadable. [`Currency::is_withdrawn`] tells such a value apart; [`Currency::all`] lists
/// only active codes.
///
/// ```
/// use partnerkit_core::Currency;
/// let usd: Currency = "USD".parse()?;
/// assert_eq!(usd.minor_unit_scale(), 2);
/// assert_eq!(Currency::JPY.minor_unit_scale(), 0);
/// assert!("usd".parse::<Currency>().is_err());
/// # Ok::<(), partnerkit_core::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Currency {
    code: [u8; 3],
    scale: u8,
}

impl Currency {
    /// US dollar.
    pub const USD: Currency = Currency::known(*b"USD", 2);
    /// Euro.
    pub const EUR: Currency = Currency::known(*b"EUR", 2);
    /// Pound sterling.
    pub const GBP: Currency = Currency::known(*b"GBP", 2);
    /// Swedish krona.
    pub const SEK: Currency = Currency::known(*b"SEK", 2);
    /// Japanese yen (no minor unit).
    pub const JPY: Currency = Currency::known(*b"JPY", 0);
    /// Bahraini dinar (three decimals).
    pub const BHD: Currency = Currency::known(*b"BHD", 3);

    const fn known(code: [u8; 3], scale: u8) -> Currency {
        Currency { code, scale }
    }

    /// Looks up an active ISO 4217 code (three capital letters). A withdrawn code (`BGN`) is
    /// refused with [`Error::WithdrawnCurrency`], which names its replacement.
    pub fn new(code: &str) -> Result<Currency> {
        let bytes = code.as_bytes();
        if let (Ok(b), Some(scale)) = (
            <[u8; 3]>::try_from(bytes),
            index_of(bytes)
                .and_then(|n| ACTIVE.get(n))
                .and_then(|entry| entry.checked_sub(1)),
        ) {
            // Active: no withdrawn code is (the table's build checks it).
            return Ok(Currency::known(b, scale));
        }
        if let Some((c, _, withdrawn, replacement)) = WITHDRAWN.iter().find(|(c, ..)| *c == code) {
            return Err(Error::WithdrawnCurrency {
                given: (*c).to_owned(),
                withdrawn: (*withdrawn).into(),
                replacement: (*replacement).into(),
            });
        }
        Self::lookup(CURRENCIES.iter().map(|(c, s)| (*c, *s)), code)
    }

    /// Looks up a code among the active and the withdrawn ones: how stored values decode.
    fn decode(code: &str) -> Result<Currency> {
        Self::lookup(
            CURRENCIES
                .iter()
                .map(|(c, s)| (*c, *s))
                .chain(WITHDRAWN.iter().map(|(c, s, ..)| (*c, *s))),
            code,
        )
    }

    fn lookup(mut table: impl Iterator<Item = (&'static str, u8)>, code: &str) -> Result<Currency> {
        table
            .find(|(c, _)| *c == code)
            .and_then(|(c, scale)| {
                let b: [u8; 3] = c.as_bytes().try_into().ok()?;
                Some(Currency::known(b, scale))
            })
            .ok_or_else(|| Error::UnknownCurrency {
                given: clip(code, 16),
            })
    }

    /// True for a code ISO 4217 has withdrawn (`BGN`): such a value comes only from stored
    /// data, never from [`Currency::new`].
    pub fn is_withdrawn(&self) -> bool {
        WITHDRAWN.iter().any(|(c, ..)| c.as_bytes() == self.code)
    }

    /// The three-letter code, such as `"USD"`.
    pub fn code(&self) -> &str {
        // The code is always three ASCII capitals taken from the table.
        std::str::from_utf8(&self.code).unwrap_or("???")
    }

    /// Number of decimals of the minor unit (2 for USD, 0 for JPY, 3 for BHD).
    pub fn minor_unit_scale(&self) -> u32 {
        u32::from(self.scale)
    }

    /// Every currency this crate knows, in code order.
    pub fn all() -> impl Iterator<Item = Currency> {
        CURRENCIES.iter().filter_map(|(c, _)| Currency::new(c).ok())
    }
}

/// Its wire form: one of the ISO 4217 codes this crate knows (withdrawn ones too, which
/// still decode from stored data).
#[cfg(feature = "schema")]
impl schemars::JsonSchema for Currency {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Currency".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let codes: Vec<&str> = CURRENCIES
            .iter()
            .map(|(c, _)| *c)
            .chain(WITHDRAWN.iter().map(|(c, ..)| *c))
            .collect();
        schemars::json_schema!({
            "type": "string",
            "description": "An ISO 4217 currency code.",
            "enum": codes
        })
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl fmt::Debug for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Currency({})", self.code())
    }
}

impl FromStr for Currency {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Currency::new(s)
    }
}

/// How a currency decodes (serde): an active code, or a withdrawn one that stored histories
/// may hold (see the type's docs); anything else is refused.
impl TryFrom<String> for Currency {
    type Error = Error;
    fn try_from(s: String) -> Result<Self> {
        Currency::decode(&s)
    }
}

impl From<Currency> for String {
    fn from(c: Currency) -> String {
        c.code().to_owned()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    /// The table says what the lists say, for all 17,576 codes of three letters and for inputs
    /// that are not: the scale of an active code, the withdrawn error for `BGN`, unknown for the
    /// rest. One entry dropped, moved or given the wrong scale fails here.
    #[test]
    fn the_table_agrees_with_the_lists_for_every_three_letter_code() {
        let mut active = 0;
        for a in b'A'..=b'Z' {
            for b in b'A'..=b'Z' {
                for c in b'A'..=b'Z' {
                    let code = String::from_utf8(vec![a, b, c]).unwrap();
                    let listed = CURRENCIES.iter().find(|(l, _)| *l == code);
                    let withdrawn = WITHDRAWN.iter().any(|(w, ..)| *w == code);
                    match (Currency::new(&code), listed) {
                        (Ok(got), Some((_, scale))) => {
                            assert_eq!(got.minor_unit_scale(), u32::from(*scale), "{code}");
                            assert_eq!(got.code(), code);
                            active += 1;
                        }
                        (Err(Error::WithdrawnCurrency { .. }), None) => assert!(withdrawn),
                        (Err(Error::UnknownCurrency { .. }), None) => assert!(!withdrawn),
                        (got, listed) => panic!("{code}: {got:?}, listed {listed:?}"),
                    }
                }
            }
        }
        assert_eq!(active, CURRENCIES.len());
        for bad in ["", "US", "USDX", "usd", "U$D", "ÅSD", "US\u{0}"] {
            assert!(Currency::new(bad).is_err(), "{bad:?}");
        }
    }
}
