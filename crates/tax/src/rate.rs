//! [`Rate`]: a withholding rate in basis points, 0 % to 100 %.

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::Error;

/// A percentage in whole basis points (1 bp = 0.01 %), from 0 % to 100 % inclusive.
///
/// Withholding rates are small exact numbers (30 %, 15 %, 4.9 %); basis points hold every rate
/// of the IRS treaty tables exactly and let the batch path compute on integers
/// ([`withheld_minor_units`](crate::withheld_minor_units)).
///
/// Written and serialised as a percentage with at most two decimals and a `%` sign:
/// `"30%"`, `"4.9%"`, `"12.25%"`. Parsing, `TryFrom` and `Deserialize` share one validator.
///
/// ```
/// use partnerkit_tax::Rate;
/// let r: Rate = "4.9%".parse()?;
/// assert_eq!(r.basis_points(), 490);
/// assert_eq!(r.to_string(), "4.9%");
/// assert_eq!(Rate::DEFAULT_WITHHOLDING.to_string(), "30%");
/// assert!("101%".parse::<Rate>().is_err());
/// # Ok::<(), partnerkit_tax::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema), schemars(extend("pattern" = "^\\s*(100(\\.00?)?|[0-9]{1,2}(\\.[0-9]{1,2})?)\\s*%\\s*$", "examples" = ["4.9%"])))]
#[serde(try_from = "String", into = "String")]
pub struct Rate(u16);

impl Rate {
    /// 0 %.
    pub const ZERO: Rate = Rate(0);
    /// The statutory rate for US-source payments to foreign persons without a valid treaty
    /// claim: 30 % (rule TAX-5).
    pub const DEFAULT_WITHHOLDING: Rate = Rate(3_000);
    /// The backup withholding rate on reportable payments to a US person who has not given a
    /// TIN: 24 % (rule TAX-8). IRC §3406(a)(1) sets it to the fourth-lowest rate of §1(c),
    /// which is 24 % for payments made after 31 December 2017 (Tax Cuts and Jobs Act; IRS,
    /// "Backup withholding", irs.gov, and the instructions for Form W-9, checked 2026-11-25).
    pub const BACKUP_WITHHOLDING: Rate = Rate(2_400);
    /// 100 %, the largest rate.
    pub const MAX: Rate = Rate(10_000);

    /// A rate from basis points (`3000` is 30 %); above 10 000 (100 %) is an error.
    pub fn from_basis_points(bps: u32) -> Result<Rate, Error> {
        u16::try_from(bps)
            .ok()
            .filter(|b| *b <= Rate::MAX.0)
            .map(Rate)
            .ok_or_else(|| Error::InvalidRate {
                given: bps.to_string(),
            })
    }

    /// A rate from whole percent (`30` is 30 %).
    pub fn from_percent(percent: u32) -> Result<Rate, Error> {
        percent
            .checked_mul(100)
            .and_then(|bps| Rate::from_basis_points(bps).ok())
            .ok_or_else(|| Error::InvalidRate {
                given: format!("{percent}%"),
            })
    }

    /// A rate known to be at most 10 000 basis points (built-in data only).
    pub(crate) const fn from_bps_unchecked(bps: u16) -> Rate {
        if bps > Rate::MAX.0 {
            Rate::MAX
        } else {
            Rate(bps)
        }
    }

    /// The rate in basis points.
    pub const fn basis_points(self) -> u16 {
        self.0
    }

    /// The rate as a fraction: 30 % is `0.3000`.
    pub fn as_fraction(self) -> Decimal {
        Decimal::new(i64::from(self.0), 4)
    }

    /// The rate in percent: 30 % is `30.00`.
    pub fn as_percent(self) -> Decimal {
        Decimal::new(i64::from(self.0), 2)
    }

    /// Reads `"30%"`, `"4.9%"`, `"12.25 %"`: at most two decimals, 0 to 100.
    pub fn parse(text: &str) -> Result<Rate, Error> {
        let invalid = || Error::InvalidRate {
            given: text.chars().take(32).collect(),
        };
        let number = text
            .trim()
            .strip_suffix('%')
            .ok_or_else(invalid)?
            .trim_end();
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        let (whole, frac) = match number.split_once('.') {
            Some((w, f)) if digits(f) => (w, f),
            Some(_) => return Err(invalid()),
            None => (number, ""),
        };
        if !digits(whole) || whole.len() > 3 || frac.len() > 2 {
            return Err(invalid());
        }
        let whole: u32 = whole.parse().map_err(|_| invalid())?;
        let frac_bps: u32 = match frac.len() {
            0 => 0,
            1 => frac.parse::<u32>().map_err(|_| invalid())? * 10,
            _ => frac.parse::<u32>().map_err(|_| invalid())?,
        };
        Rate::from_basis_points(whole * 100 + frac_bps).map_err(|_| invalid())
    }
}

impl fmt::Display for Rate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let whole = self.0 / 100;
        let frac = self.0 % 100;
        match (frac, frac % 10) {
            (0, _) => write!(f, "{whole}%"),
            (_, 0) => write!(f, "{whole}.{}%", frac / 10),
            _ => write!(f, "{whole}.{frac:02}%"),
        }
    }
}

impl fmt::Debug for Rate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Rate({self})")
    }
}

impl FromStr for Rate {
    type Err = Error;
    fn from_str(s: &str) -> Result<Rate, Error> {
        Rate::parse(s)
    }
}

impl TryFrom<String> for Rate {
    type Error = Error;
    fn try_from(s: String) -> Result<Rate, Error> {
        Rate::parse(&s)
    }
}

impl From<Rate> for String {
    fn from(r: Rate) -> String {
        r.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_and_parse_round_trip_every_rate() {
        for bps in 0..=10_000u32 {
            let r = Rate::from_basis_points(bps).unwrap();
            assert_eq!(r.to_string().parse::<Rate>().unwrap(), r, "{r}");
        }
    }

    #[test]
    fn bad_rates_are_refused() {
        for bad in [
            "30", "-1%", "100.01%", "1.234%", "%", ".5%", "5.%", "1000%", "x%",
        ] {
            assert!(bad.parse::<Rate>().is_err(), "{bad}");
        }
        assert!(Rate::from_basis_points(10_001).is_err());
        assert!(Rate::from_percent(101).is_err());
        assert_eq!(Rate::from_percent(30).unwrap(), Rate::DEFAULT_WITHHOLDING);
    }
}
