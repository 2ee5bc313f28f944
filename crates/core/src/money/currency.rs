//! [`Currency`]: an ISO 4217 code with the number of decimals of its minor unit.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::iso4217::{CURRENCIES, WITHDRAWN};
use crate::error::{Error, Result, clip};

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
