//! ISO 3166-1 alpha-2 country and region codes.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result, clip};

/// An ISO 3166-1 alpha-2 country or region code, such as `US` or `SE`.
///
/// Only the 249 officially assigned codes are accepted (not user-assigned ones like `XX`
/// or exceptionally reserved ones like `UK`). Lower case is not accepted: codes are written in
/// capitals everywhere in partnerkit, so that two spellings never name one country.
///
/// ```
/// use partnerkit_core::CountryCode;
/// let se: CountryCode = "SE".parse()?;
/// assert_eq!(se, CountryCode::SE);
/// assert!("XX".parse::<CountryCode>().is_err());
/// # Ok::<(), partnerkit_core::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CountryCode([u8; 2]);

/// The officially assigned ISO 3166-1 alpha-2 codes (249).
const ASSIGNED: &str = "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ \
BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ \
DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT \
GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY \
KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX \
MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS \
RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN \
TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW";

/// [`ASSIGNED`] as a set: bit `26 * a + b` of the 676 is set for the code of letters `a`, `b`
/// (`A` = 0), so checking a code is one load, not a scan of the list.
const ASSIGNED_BITS: [u64; 11] = assigned_bits();

/// The bit of the code of letters `a`, `b` in [`ASSIGNED_BITS`]: `None` unless both are `A`–`Z`.
const fn bit_of(a: u8, b: u8) -> Option<usize> {
    letter_code_index(&[a, b])
}

/// A code of capital letters as a number, the letters its digits in base 26 (`A` = 0): the
/// index of a two-letter country code among the 676 or of a three-letter currency code among
/// the 17,576. `None` unless every byte is `A`–`Z`, and for more than 6 letters (26^6 fits a
/// 32-bit `usize`).
#[allow(clippy::arithmetic_side_effects, clippy::indexing_slicing)]
pub(crate) const fn letter_code_index(code: &[u8]) -> Option<usize> {
    if code.len() > 6 {
        return None;
    }
    let mut n = 0usize;
    let mut i = 0;
    // At most 6 letters, each below 26: n stays below 26^6 < 2^29.
    while i < code.len() {
        let letter = code[i];
        if !letter.is_ascii_uppercase() {
            return None;
        }
        n = n * 26 + (letter - b'A') as usize;
        i += 1;
    }
    Some(n)
}

// Evaluated by the compiler: a bad letter or an index out of bounds fails the build.
#[allow(
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::panic
)]
const fn assigned_bits() -> [u64; 11] {
    let list = ASSIGNED.as_bytes();
    let mut bits = [0u64; 11];
    let mut i = 0;
    while i + 1 < list.len() {
        let Some(n) = bit_of(list[i], list[i + 1]) else {
            panic!("ASSIGNED lists a code that is not two letters A-Z");
        };
        bits[n / 64] |= 1 << (n % 64);
        i += 3;
    }
    bits
}

impl CountryCode {
    /// United States.
    pub const US: CountryCode = CountryCode(*b"US");
    /// Sweden.
    pub const SE: CountryCode = CountryCode(*b"SE");
    /// United Kingdom.
    pub const GB: CountryCode = CountryCode(*b"GB");
    /// Germany.
    pub const DE: CountryCode = CountryCode(*b"DE");
    /// France.
    pub const FR: CountryCode = CountryCode(*b"FR");
    /// India.
    pub const IN: CountryCode = CountryCode(*b"IN");
    /// China.
    pub const CN: CountryCode = CountryCode(*b"CN");
    /// Japan.
    pub const JP: CountryCode = CountryCode(*b"JP");
    /// Canada.
    pub const CA: CountryCode = CountryCode(*b"CA");
    /// Australia.
    pub const AU: CountryCode = CountryCode(*b"AU");
    /// Ireland.
    pub const IE: CountryCode = CountryCode(*b"IE");
    /// Netherlands.
    pub const NL: CountryCode = CountryCode(*b"NL");
    /// Israel.
    pub const IL: CountryCode = CountryCode(*b"IL");
    /// South Korea.
    pub const KR: CountryCode = CountryCode(*b"KR");
    /// Spain.
    pub const ES: CountryCode = CountryCode(*b"ES");
    /// Mexico.
    pub const MX: CountryCode = CountryCode(*b"MX");
    /// Brazil.
    pub const BR: CountryCode = CountryCode(*b"BR");
}

impl CountryCode {
    /// Looks up an assigned ISO 3166-1 alpha-2 code.
    pub fn new(code: &str) -> Result<CountryCode> {
        let unknown = || Error::UnknownCountry {
            given: clip(code, 16),
        };
        let bytes: [u8; 2] = code.as_bytes().try_into().map_err(|_| unknown())?;
        let [a, b] = bytes;
        let assigned = bit_of(a, b)
            .and_then(|n| ASSIGNED_BITS.get(n / 64).map(|w| w >> (n % 64) & 1 == 1))
            .unwrap_or(false);
        if assigned {
            Ok(CountryCode(bytes))
        } else {
            Err(unknown())
        }
    }

    /// The two-letter code.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or("??")
    }

    /// Every assigned code, in alphabetical order.
    pub fn all() -> impl Iterator<Item = CountryCode> {
        ASSIGNED.split(' ').filter_map(|c| CountryCode::new(c).ok())
    }
}

/// Its wire form: one of the assigned codes.
#[cfg(feature = "schema")]
impl schemars::JsonSchema for CountryCode {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "CountryCode".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let codes: Vec<String> = CountryCode::all().map(|c| c.as_str().to_owned()).collect();
        schemars::json_schema!({
            "type": "string",
            "description": "An officially assigned ISO 3166-1 alpha-2 code, in capitals.",
            "enum": codes
        })
    }
}

impl fmt::Display for CountryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for CountryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CountryCode({})", self.as_str())
    }
}

impl FromStr for CountryCode {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        CountryCode::new(s)
    }
}

impl TryFrom<String> for CountryCode {
    type Error = Error;
    fn try_from(s: String) -> Result<Self> {
        CountryCode::new(&s)
    }
}

impl From<CountryCode> for String {
    fn from(c: CountryCode) -> String {
        c.as_str().to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_has_every_assigned_code_once() {
        let all: Vec<_> = CountryCode::all().collect();
        assert_eq!(all.len(), 249);
        let mut sorted = all.clone();
        sorted.dedup();
        assert_eq!(sorted, all, "sorted and without duplicates");
    }

    #[test]
    fn named_constants_are_assigned_codes() {
        for c in [
            CountryCode::US,
            CountryCode::SE,
            CountryCode::BR,
            CountryCode::KR,
        ] {
            assert_eq!(CountryCode::new(c.as_str()), Ok(c));
        }
    }

    /// The set of bits says what the list says, for all 676 pairs of letters: one code
    /// dropped or added by the bit arithmetic fails here.
    #[test]
    fn the_bit_set_agrees_with_the_list_for_every_pair_of_letters() {
        let listed: Vec<&str> = ASSIGNED.split(' ').collect();
        assert_eq!(listed.len(), 249);
        for a in b'A'..=b'Z' {
            for b in b'A'..=b'Z' {
                let code = String::from_utf8(vec![a, b]).unwrap();
                assert_eq!(
                    CountryCode::new(&code).is_ok(),
                    listed.contains(&code.as_str()),
                    "{code}"
                );
            }
        }
    }
}
