//! Money: an exact [`Decimal`] amount with an ISO 4217 [`Currency`].
//!
//! Amounts are never floats. Arithmetic that could mix currencies returns a [`Result`];
//! rounding to a currency's minor unit is explicit, with a named [`Rounding`] rule.

use std::cmp::Ordering;
use std::fmt;
use std::num::NonZeroU64;
use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use crate::allocate::largest_remainder;
use crate::error::{Error, Result, clip};

mod currency;
mod iso4217;

pub use currency::Currency;

/// How to round an amount to its currency's minor unit.
///
/// Every place in partnerkit that rounds names its rule; none rounds implicitly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Rounding {
    /// Round half to even ("banker's rounding"): 0.125 → 0.12, 0.135 → 0.14.
    HalfEven,
    /// Round half away from zero ("commercial rounding"): 0.125 → 0.13, -0.125 → -0.13.
    HalfAwayFromZero,
    /// Drop the extra digits ("truncate"): 0.129 → 0.12, -0.129 → -0.12.
    TowardZero,
}

/// The rule's name in words: `half to even`, `half away from zero`, `toward zero`.
///
/// ```
/// use partnerkit_core::Rounding;
/// assert_eq!(Rounding::HalfAwayFromZero.to_string(), "half away from zero");
/// ```
impl fmt::Display for Rounding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(match self {
            Rounding::HalfEven => "half to even",
            Rounding::HalfAwayFromZero => "half away from zero",
            Rounding::TowardZero => "toward zero",
        })
    }
}

impl Rounding {
    fn strategy(self) -> RoundingStrategy {
        match self {
            Rounding::HalfEven => RoundingStrategy::MidpointNearestEven,
            Rounding::HalfAwayFromZero => RoundingStrategy::MidpointAwayFromZero,
            Rounding::TowardZero => RoundingStrategy::ToZero,
        }
    }
}

/// An exact amount of money in one currency.
///
/// The amount is a [`Decimal`]. Amounts may be negative (refunds).
///
/// **Given amounts are whole minor units; computed ones may be finer.** What a person or a
/// host supplies — text read by [`FromStr`](Money::from_str), JSON read by serde, a decimal
/// given to [`Money::try_new`] — may have at most as many decimals as the currency's minor
/// unit (ISO 4217: 2 for USD, 0 for JPY, 3 for BHD); `"12.345 USD"` is refused at once with
/// [`Error::TooManyDecimals`] (code `too_many_decimals`), never accepted to fail later.
/// Trailing zeros do not count: `"12.340 USD"` is 12.34 USD, a whole number of cents.
/// Arithmetic is different: [`Money::new`], [`Money::mul_decimal`] and the other operations
/// keep every decimal, because an intermediate result (a sale's share of a withholding, a
/// conversion before its one rounding step) is exact only with them; [`Money::round`] brings it
/// to whole minor units with a named [`Rounding`] rule. Every constructor returns a value it
/// accepts again: what [`FromStr`](Money::from_str) or serde returns reads back through
/// [`Display`](fmt::Display) or `Serialize`, and `Money::new` accepts any decimal.
///
/// Money is serialised as `{"amount": "12.34", "currency": "USD"}`: the amount is a string so
/// that no JSON reader turns it into a float. Deserialising accepts exactly what
/// [`FromStr`](Money::from_str) accepts: a string in plain decimal notation (no exponent such
/// as `"1e2"`, no JSON number), in whole minor units of the currency, and no other fields.
/// Serialising refuses an amount with more decimals than its currency (round it first): such
/// a value could be written but never read back, so it is stopped where it is written.
///
/// ```
/// use partnerkit_core::{Currency, Money, Rounding};
/// use rust_decimal::Decimal;
///
/// let price: Money = "10.00 USD".parse()?;
/// let fee = price.mul_decimal(Decimal::new(15, 2))?.round(Rounding::HalfEven); // 15 %
/// assert_eq!(fee.to_string(), "1.50 USD");
/// assert_eq!(price.checked_sub(fee)?.to_string(), "8.50 USD");
///
/// // Mixed currencies are an error, never a silent conversion.
/// let sek = Money::new(Decimal::ONE, Currency::SEK);
/// assert!(price.checked_add(sek).is_err());
///
/// // A given amount has no more decimals than its currency; a computed one may.
/// assert_eq!("12.345 USD".parse::<Money>().unwrap_err().code(), "too_many_decimals");
/// assert!("12.345 BHD".parse::<Money>().is_ok());
/// assert!("100.5 JPY".parse::<Money>().is_err());
/// assert_eq!(price.mul_decimal(Decimal::new(1, 3))?.to_string(), "0.01000 USD");
/// # Ok::<(), partnerkit_core::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(try_from = "RawMoney")]
pub struct Money {
    amount: Decimal,
    currency: Currency,
}

/// The serde form of [`Money`], checked like [`Money::from_str`]: the amount must be a JSON
/// string of plain decimal digits (no exponent, no float), in whole minor units of the
/// currency.
#[derive(Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
struct RawMoney {
    #[cfg_attr(feature = "schema", schemars(extend("pattern" = "^[-+]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)$", "maxLength" = 64)))]
    amount: String,
    currency: Currency,
}

impl TryFrom<RawMoney> for Money {
    type Error = Error;
    fn try_from(r: RawMoney) -> Result<Self> {
        let amount = parse_amount(&r.amount)?;
        check_given(amount, r.currency, &r.amount)?;
        Ok(Money::new(amount, r.currency))
    }
}

/// Writes `{"amount": "12.34", "currency": "USD"}`, refusing an amount that deserialising
/// would refuse (more decimals than the currency has), so nothing is written that cannot be
/// read back.
impl Serialize for Money {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::{Error as _, SerializeStruct};
        check_given(self.amount, self.currency, &self.amount.to_string())
            .map_err(S::Error::custom)?;
        let mut st = s.serialize_struct("Money", 2)?;
        st.serialize_field("amount", &self.amount)?;
        st.serialize_field("currency", &self.currency)?;
        st.end()
    }
}

/// Checks that a given amount is in whole minor units of `currency` (trailing zeros do not
/// count): [`Error::TooManyDecimals`] otherwise, naming `text` as it was given.
fn check_given(amount: Decimal, currency: Currency, text: &str) -> Result<()> {
    let decimals = amount.normalize().scale();
    let scale = currency.minor_unit_scale();
    if decimals > scale {
        return Err(Error::TooManyDecimals {
            given: clip(text, MAX_AMOUNT_BYTES),
            currency,
            decimals,
            scale,
        });
    }
    Ok(())
}

/// The longest amount text accepted, in bytes, checked before parsing: 28 digits, a sign, a
/// point and room for leading and trailing zeros.
const MAX_AMOUNT_BYTES: usize = 64;

/// Reads an amount the one way partnerkit reads amounts: plain decimal notation (`-12.34`),
/// no exponent, at most 28 decimals, never rounded.
fn parse_amount(text: &str) -> Result<Decimal> {
    let invalid = || Error::InvalidAmount {
        given: clip(text, MAX_AMOUNT_BYTES),
    };
    if text.len() > MAX_AMOUNT_BYTES
        || !text
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'.' || b == b'-' || b == b'+')
    {
        return Err(invalid());
    }
    Decimal::from_str_exact(text).map_err(|_| invalid())
}

impl Money {
    /// The most parts [`Money::split`] and [`Money::allocate`] make: more is refused with
    /// [`Error::TooManyParts`] before any memory is reserved.
    pub const MAX_PARTS: usize = 1 << 16;

    /// An amount in a currency, as arithmetic makes it: any decimal is accepted, so an
    /// intermediate result keeps every decimal; round it when you need minor units. For an
    /// amount a person or host gives, use [`Money::try_new`] (or [`FromStr`](Money::from_str)).
    pub const fn new(amount: Decimal, currency: Currency) -> Money {
        Money { amount, currency }
    }

    /// An amount a person or host gives: in whole minor units of `currency` (trailing zeros
    /// do not count), as text and JSON are read.
    ///
    /// ```
    /// use partnerkit_core::{Currency, Money};
    /// use rust_decimal::Decimal;
    /// assert!(Money::try_new(Decimal::new(1234, 2), Currency::USD).is_ok());
    /// assert!(Money::try_new(Decimal::new(12345, 3), Currency::USD).is_err());
    /// assert!(Money::try_new(Decimal::new(12340, 3), Currency::USD).is_ok()); // 12.340
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::TooManyDecimals`] if the amount has more decimals than the currency.
    pub fn try_new(amount: Decimal, currency: Currency) -> Result<Money> {
        check_given(amount, currency, &amount.to_string())?;
        Ok(Money::new(amount, currency))
    }

    /// Zero in `currency`.
    pub const fn zero(currency: Currency) -> Money {
        Money::new(Decimal::ZERO, currency)
    }

    /// An amount given in minor units (cents): `from_minor_units(1234, USD)` is 12.34 USD.
    pub fn from_minor_units(units: i64, currency: Currency) -> Money {
        Money::new(Decimal::new(units, currency.minor_unit_scale()), currency)
    }

    /// The amount.
    pub const fn amount(&self) -> Decimal {
        self.amount
    }

    /// The currency.
    pub const fn currency(&self) -> Currency {
        self.currency
    }

    /// The amount in whole minor units (cents), if it has no more decimals than the currency
    /// allows and fits an `i64`.
    pub fn minor_units(&self) -> Result<i64> {
        let scale = self.currency.minor_unit_scale();
        let not_minor = || Error::NotInMinorUnits {
            amount: self.amount.to_string(),
            currency: self.currency,
            scale,
        };
        // Only an amount written with more decimals than the currency has needs normalising
        // (12.3400 USD is 1234 cents); the usual one, at the currency's scale or below, is read
        // as it is: normalising divides the 96-bit mantissa by ten per trailing zero.
        let normal = if self.amount.scale() > scale {
            self.amount.normalize()
        } else {
            self.amount
        };
        if normal.scale() > scale {
            return Err(not_minor());
        }
        let mut m = normal.mantissa();
        for _ in normal.scale()..scale {
            m = m.checked_mul(10).ok_or(Error::Overflow {
                operation: "conversion to minor units".into(),
            })?;
        }
        i64::try_from(m).map_err(|_| Error::Overflow {
            operation: "conversion to minor units".into(),
        })
    }

    /// True if the amount is zero.
    pub fn is_zero(&self) -> bool {
        self.amount.is_zero()
    }

    /// True if the amount is below zero.
    pub fn is_negative(&self) -> bool {
        self.amount.is_sign_negative() && !self.amount.is_zero()
    }

    /// True if the amount is above zero.
    pub fn is_positive(&self) -> bool {
        self.amount.is_sign_positive() && !self.amount.is_zero()
    }

    fn same_currency(&self, other: &Money) -> Result<()> {
        if self.currency == other.currency {
            Ok(())
        } else {
            Err(Error::CurrencyMismatch {
                left: self.currency,
                right: other.currency,
            })
        }
    }

    /// `self + other`; an error if the currencies differ or the sum overflows.
    pub fn checked_add(self, other: Money) -> Result<Money> {
        self.same_currency(&other)?;
        let amount = self
            .amount
            .checked_add(other.amount)
            .ok_or(Error::Overflow {
                operation: "addition".into(),
            })?;
        Ok(Money::new(amount, self.currency))
    }

    /// `self - other`; an error if the currencies differ or the difference overflows.
    pub fn checked_sub(self, other: Money) -> Result<Money> {
        self.same_currency(&other)?;
        let amount = self
            .amount
            .checked_sub(other.amount)
            .ok_or(Error::Overflow {
                operation: "subtraction".into(),
            })?;
        Ok(Money::new(amount, self.currency))
    }

    /// `self × factor` (a rate, a share), unrounded.
    pub fn mul_decimal(self, factor: Decimal) -> Result<Money> {
        let amount = self.amount.checked_mul(factor).ok_or(Error::Overflow {
            operation: "multiplication".into(),
        })?;
        Ok(Money::new(amount, self.currency))
    }

    /// The negated amount (a refund of this amount).
    #[allow(clippy::arithmetic_side_effects)] // flipping a Decimal's sign never overflows
    pub fn negate(self) -> Money {
        Money::new(-self.amount, self.currency)
    }

    /// Compares two amounts of the same currency.
    pub fn checked_cmp(&self, other: &Money) -> Result<Ordering> {
        self.same_currency(other)?;
        Ok(self.amount.cmp(&other.amount))
    }

    /// The smaller of two amounts of the same currency.
    pub fn checked_min(self, other: Money) -> Result<Money> {
        Ok(match self.checked_cmp(&other)? {
            Ordering::Greater => other,
            _ => self,
        })
    }

    /// Rounds to the currency's minor unit with `rule`.
    pub fn round(self, rule: Rounding) -> Money {
        let amount = self
            .amount
            .round_dp_with_strategy(self.currency.minor_unit_scale(), rule.strategy());
        Money::new(amount, self.currency)
    }

    /// The amount with exactly the currency's number of decimals (`12.5 USD` → `12.50 USD`),
    /// rounded with `rule` if it had more.
    pub fn to_minor_scale(self, rule: Rounding) -> Money {
        let mut amount = self.round(rule).amount;
        amount.rescale(self.currency.minor_unit_scale());
        Money::new(amount, self.currency)
    }

    /// Sums amounts of one currency. The sum of nothing is zero in `currency`.
    pub fn sum<I: IntoIterator<Item = Money>>(currency: Currency, items: I) -> Result<Money> {
        items
            .into_iter()
            .try_fold(Money::zero(currency), Money::checked_add)
    }

    /// Splits this amount into parts proportional to `weights`, in whole minor units, so that
    /// the parts add up to exactly this amount: no cent is created or lost.
    ///
    /// The remainder cents go one each to the parts with the largest fractional share, ties to
    /// the earlier part: [`largest_remainder`](crate::largest_remainder) on the amount's
    /// magnitude, so a negative amount splits like its positive, negated. The amount must
    /// already be in whole minor units.
    ///
    /// ```
    /// use partnerkit_core::Money;
    /// let parts = "100.00 USD".parse::<Money>()?.allocate(&[1, 1, 1])?;
    /// let shown: Vec<String> = parts.iter().map(ToString::to_string).collect();
    /// assert_eq!(shown, ["33.34 USD", "33.33 USD", "33.33 USD"]);
    /// # Ok::<(), partnerkit_core::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::NotInMinorUnits`] if the amount has more decimals than its currency,
    /// [`Error::EmptySplit`] if the weights sum to zero (or there are none),
    /// [`Error::TooManyParts`] for more than [`Money::MAX_PARTS`] weights.
    pub fn allocate(self, weights: &[u32]) -> Result<Vec<Money>> {
        if weights.len() > Self::MAX_PARTS {
            return Err(Error::TooManyParts {
                parts: weights.len(),
                max: Self::MAX_PARTS,
            });
        }
        let overflow = || Error::Overflow {
            operation: "allocation".into(),
        };
        let total_units = i128::from(self.minor_units()?);
        // At most 2^16 weights below 2^32 each: the sum stays below 2^48.
        let total_weight = weights
            .iter()
            .try_fold(0i128, |acc, w| acc.checked_add(i128::from(*w)))
            .ok_or_else(overflow)?;
        if total_weight == 0 {
            return Err(Error::EmptySplit {
                parts: weights.len(),
            });
        }
        let negative = total_units < 0;
        // Allocate the magnitude and restore the sign, so that −0.05 splits like 0.05.
        // |i64| < 2^63 and each weight < 2^32: every numerator stays below 2^95.
        let magnitude = total_units.checked_abs().ok_or_else(overflow)?;
        let numerators = weights
            .iter()
            .map(|w| magnitude.checked_mul(i128::from(*w)).ok_or_else(overflow))
            .collect::<Result<Vec<i128>>>()?;
        // The weights sum to more than zero and below 2^48.
        let denominator = u64::try_from(total_weight)
            .ok()
            .and_then(NonZeroU64::new)
            .ok_or_else(overflow)?;
        largest_remainder(magnitude, &numerators, denominator)?
            .into_iter()
            .map(|s| {
                let signed = if negative {
                    s.checked_neg().ok_or_else(overflow)?
                } else {
                    s
                };
                let units = i64::try_from(signed).map_err(|_| overflow())?;
                Ok(Money::from_minor_units(units, self.currency))
            })
            .collect()
    }

    /// Splits this amount into `n` parts as equal as whole minor units allow.
    ///
    /// # Errors
    ///
    /// As [`Money::allocate`]: [`Error::EmptySplit`] for `n == 0`, [`Error::TooManyParts`]
    /// for `n` above [`Money::MAX_PARTS`] (checked before anything is allocated).
    pub fn split(self, n: usize) -> Result<Vec<Money>> {
        if n > Self::MAX_PARTS {
            return Err(Error::TooManyParts {
                parts: n,
                max: Self::MAX_PARTS,
            });
        }
        self.allocate(&vec![1; n])
    }
}

impl fmt::Display for Money {
    /// `12.34 USD`. The amount is shown with at least the currency's decimals.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut a = self.amount;
        if a.scale() < self.currency.minor_unit_scale() {
            a.rescale(self.currency.minor_unit_scale());
        }
        write!(f, "{} {}", a, self.currency)
    }
}

impl fmt::Debug for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Money({self})")
    }
}

impl FromStr for Money {
    type Err = Error;
    /// Reads `"12.34 USD"`: the amount, exactly one ASCII space, the currency code — the one
    /// shape [`Display`](fmt::Display) writes. Nothing else is trimmed or skipped: leading or
    /// trailing white space, line breaks, tabs or several spaces are refused, so text is read
    /// exactly as strictly as the serde form `{"amount": "12.34", "currency": "USD"}`
    /// (rule X-3).
    ///
    /// The amount has at most as many decimals as the currency's minor unit (trailing zeros
    /// do not count): `"12.345 USD"` is refused with [`Error::TooManyDecimals`].
    fn from_str(s: &str) -> Result<Self> {
        let invalid = || Error::InvalidAmount { given: clip(s, 64) };
        if s.len() > MAX_AMOUNT_BYTES + 16 {
            return Err(invalid());
        }
        let (text, code) = s.split_once(' ').ok_or_else(invalid)?;
        let amount = parse_amount(text).map_err(|_| invalid())?;
        let currency = Currency::new(code)?;
        check_given(amount, currency, text)?;
        Ok(Money::new(amount, currency))
    }
}
