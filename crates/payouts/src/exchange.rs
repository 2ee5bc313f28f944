//! Sales in other currencies, converted to the payout currency at rates the host supplies per
//! currency and month, with one documented rounding step (rule PAY-10).

use std::collections::BTreeMap;
use std::fmt;

use partnerkit_core::{Currency, Money, Rounding};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::ledger::minor_units;
use crate::month::PayoutMonth;

/// The one rounding step of a conversion (rule PAY-10): half away from zero, to the payout
/// currency's minor unit — the convention of Council Regulation (EC) No 1103/97, art. 5, for
/// currency conversions.
///
/// It is applied once per statement line: the amounts of every sale of one currency, payable
/// in one month and converted at one rate, are summed exactly in the sale currency and the
/// sum is converted and rounded once. So a million sales of 0.01 EUR at 1.07 convert to
/// 10,700.00 USD, not to a million roundings of 0.0107.
pub const CONVERSION_ROUNDING: Rounding = Rounding::HalfAwayFromZero;

/// An exchange rate: how many units of the payout currency one unit of the sale's currency
/// buys. Positive, at most 1,000,000,000, with at most 12 decimals. Serialised as a decimal
/// string such as `"1.0712"`.
///
/// ```
/// use partnerkit_payouts::Rate;
/// let r: Rate = "1.0712".parse()?;
/// assert_eq!(r.to_string(), "1.0712");
/// assert!("0".parse::<Rate>().is_err());
/// assert!("-1.2".parse::<Rate>().is_err());
/// # Ok::<(), partnerkit_payouts::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema), schemars(extend("type" = "string", "pattern" = "^([1-9][0-9]{0,15}(\\.[0-9]{1,12})?|0\\.[0-9]{0,11}[1-9])$")))]
#[serde(try_from = "Decimal", into = "Decimal")]
pub struct Rate(Decimal);

impl Rate {
    /// The most decimals a rate may have.
    pub const MAX_SCALE: u32 = 12;

    /// Validates a rate.
    pub fn new(rate: Decimal) -> Result<Rate, Error> {
        let invalid = |reason: &str| Error::InvalidRate {
            given: rate.to_string(),
            reason: reason.into(),
        };
        if rate <= Decimal::ZERO {
            return Err(invalid("a rate is positive"));
        }
        if rate > Decimal::from(1_000_000_000u32) {
            return Err(invalid("a rate is at most 1,000,000,000"));
        }
        let rate = rate.normalize();
        if rate.scale() > Self::MAX_SCALE {
            return Err(invalid("a rate has at most 12 decimals"));
        }
        Ok(Rate(rate))
    }

    /// The rate as a decimal.
    pub fn value(self) -> Decimal {
        self.0
    }

    /// `amount` (in the sale's currency) converted into `to` at this rate, rounded once with
    /// [`CONVERSION_ROUNDING`].
    pub fn convert(self, amount: Money, to: Currency) -> Result<Money, Error> {
        let exact = amount
            .amount()
            .checked_mul(self.0)
            .ok_or_else(|| Error::Overflow {
                what: "a converted amount".into(),
            })?;
        Ok(Money::new(exact, to).to_minor_scale(CONVERSION_ROUNDING))
    }
}

impl TryFrom<Decimal> for Rate {
    type Error = Error;
    fn try_from(d: Decimal) -> Result<Rate, Error> {
        Rate::new(d)
    }
}

impl From<Rate> for Decimal {
    fn from(r: Rate) -> Decimal {
        r.0
    }
}

impl std::str::FromStr for Rate {
    type Err = Error;
    fn from_str(s: &str) -> Result<Rate, Error> {
        let d: Decimal = s.trim().parse().map_err(|_| Error::InvalidRate {
            given: partnerkit_core::clip(s, 40),
            reason: "it is not a decimal number such as 1.0712".into(),
        })?;
        Rate::new(d)
    }
}

impl fmt::Display for Rate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl fmt::Debug for Rate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Rate({})", self.0)
    }
}

/// Exchange rates the host supplies (rule PAY-10): the rate from one currency into another
/// for sales earned in a month. partnerkit never fetches rates; the host implements this over
/// its treasury's or bank's published rates, or uses [`FixedRates`].
pub trait ExchangeRates {
    /// Units of `to` per unit of `from` for sales earned in `month`; `None` if the host has
    /// none (the conversion is then refused with [`Error::NoExchangeRate`]).
    fn rate(&self, from: Currency, to: Currency, month: PayoutMonth) -> Option<Rate>;
}

/// A fixed table of rates per (from, to, month): for tests, and for hosts that load their
/// month's rates into memory. Serialised as a list of rows.
///
/// ```
/// use partnerkit_core::Currency;
/// use partnerkit_payouts::{ExchangeRates, FixedRates};
/// let april = "2027-04".parse()?;
/// let rates = FixedRates::new().with(Currency::EUR, Currency::USD, april, "1.0712".parse()?);
/// assert_eq!(rates.rate(Currency::EUR, Currency::USD, april).map(|r| r.to_string()), Some("1.0712".into()));
/// assert!(rates.rate(Currency::SEK, Currency::USD, april).is_none());
/// # Ok::<(), partnerkit_payouts::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(from = "Vec<RateRow>", into = "Vec<RateRow>")]
pub struct FixedRates {
    rates: BTreeMap<(Currency, Currency, PayoutMonth), Rate>,
}

/// One row of a [`FixedRates`] table, as serialised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RateRow {
    /// The sale's currency.
    pub from: Currency,
    /// The payout currency.
    pub to: Currency,
    /// The month the sales were earned.
    pub month: PayoutMonth,
    /// Units of `to` per unit of `from`.
    pub rate: Rate,
}

impl From<Vec<RateRow>> for FixedRates {
    fn from(rows: Vec<RateRow>) -> FixedRates {
        rows.into_iter().fold(FixedRates::new(), |t, r| {
            t.with(r.from, r.to, r.month, r.rate)
        })
    }
}

impl From<FixedRates> for Vec<RateRow> {
    fn from(t: FixedRates) -> Vec<RateRow> {
        t.rates
            .into_iter()
            .map(|((from, to, month), rate)| RateRow {
                from,
                to,
                month,
                rate,
            })
            .collect()
    }
}

impl FixedRates {
    /// An empty table.
    pub fn new() -> FixedRates {
        FixedRates::default()
    }

    /// This table with the rate from `from` into `to` for `month` set to `rate`.
    pub fn with(mut self, from: Currency, to: Currency, month: PayoutMonth, rate: Rate) -> Self {
        self.rates.insert((from, to, month), rate);
        self
    }
}

impl ExchangeRates for FixedRates {
    fn rate(&self, from: Currency, to: Currency, month: PayoutMonth) -> Option<Rate> {
        self.rates.get(&(from, to, month)).copied()
    }
}

/// How a ledger entry in another currency than the payout currency is converted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Conversion {
    /// The payout currency.
    pub to: Currency,
    /// The rate for the month the entry was earned.
    pub rate: Rate,
}

/// One conversion on a statement (rule PAY-10): the sales of one currency payable in one
/// month, their total in that currency, the rate, and the total converted — rounded once
/// with [`CONVERSION_ROUNDING`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ConversionLine {
    /// The month these sales become payable.
    pub payable_in: PayoutMonth,
    /// The sales' total in their own currency.
    pub original: Money,
    /// What was withheld from them, in their own currency.
    pub original_withheld: Money,
    /// The rate used.
    pub rate: Rate,
    /// `original × rate`, rounded once.
    pub converted: Money,
    /// `original_withheld × rate`, rounded once.
    pub converted_withheld: Money,
}

impl ConversionLine {
    /// Converts sums of minor units of `from` at `rate` into `to`.
    pub(crate) fn new(
        payable_in: PayoutMonth,
        from: Currency,
        to: Currency,
        rate: Rate,
        earned: i64,
        withheld: i64,
    ) -> Result<ConversionLine, Error> {
        let original = Money::from_minor_units(earned, from);
        let original_withheld = Money::from_minor_units(withheld, from);
        let converted = rate.convert(original, to)?;
        let converted_withheld = rate.convert(original_withheld, to)?;
        // Both fit i64 minor units, or the statement cannot be written.
        minor_units(converted)?;
        minor_units(converted_withheld)?;
        Ok(ConversionLine {
            payable_in,
            original,
            original_withheld,
            rate,
            converted,
            converted_withheld,
        })
    }
}
