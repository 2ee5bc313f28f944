//! A ledger converted into the payout currency, sale by sale, for statements whose
//! withholding is computed on the converted amounts (rule PAY-10).
//!
//! # The rule
//!
//! - An entry in another currency than the payout currency is converted at the host's rate
//!   for its currency and the month it was earned ([`LedgerEntry::convert`]).
//! - The sales of one currency, payable month and rate on one statement (one payout cycle,
//!   [`PayoutPolicy::cycle_of`]) are one [`ConversionLine`], whose total is their exact sum
//!   converted and rounded **once** ([`Rate::convert`],
//!   [`CONVERSION_ROUNDING`](crate::CONVERSION_ROUNDING), half away from zero).
//! - That total is spread over the line's sales by largest remainder of each sale's exact
//!   converted amount, ties to the earlier sale
//!   ([`largest_remainder`](partnerkit_core::largest_remainder)), so each sale has an amount
//!   in the payout currency within one minor unit of its exact conversion, and the sales add
//!   up to the line to the minor unit.
//!
//! [`convert_ledger`] applies it to a whole ledger: the facade withholds tax on the converted
//! amounts (tax's rule TAX-9) and makes the statements from them.

use std::collections::BTreeMap;
use std::num::NonZeroU64;

use partnerkit_core::{Currency, Money, largest_remainder};

use crate::error::Error;
use crate::exchange::{ConversionLine, ExchangeRates, Rate};
use crate::ledger::{LedgerEntry, minor_units};
use crate::month::PayoutMonth;
use crate::policy::PayoutPolicy;

/// Which [`ConversionLine`] a sale is on: its statement's cycle, the month it becomes payable,
/// its currency and the rate it is converted at.
pub type LineKey = (PayoutMonth, PayoutMonth, Currency, Rate);

/// A ledger in the payout currency (rule PAY-10), from [`convert_ledger`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConvertedLedger {
    /// Per entry, in the ledger's order: the entry in the payout currency, or `None` for an
    /// entry in another currency that is on no statement (earned in [`PayoutMonth::MAX`], so
    /// it has no cycle) and so is not converted. An entry already in the payout currency is
    /// kept as it is.
    pub entries: Vec<Option<LedgerEntry>>,
    /// The conversion lines, by [`LineKey`]: each line's original total, rate and converted
    /// total, which its sales' converted amounts add up to.
    pub lines: BTreeMap<LineKey, ConversionLine>,
}

impl ConvertedLedger {
    /// The conversion lines of cycle `cycle`'s statement, in [`LineKey`] order.
    pub fn lines_of(&self, cycle: PayoutMonth) -> Vec<ConversionLine> {
        self.lines
            .iter()
            .filter(|((c, ..), _)| *c == cycle)
            .map(|(_, line)| line.clone())
            .collect()
    }
}

/// Converts a ledger into the payout currency `to`, sale by sale (rule PAY-10; see the
/// module's rule): each entry in another currency becomes an entry of its share of its
/// statement line's converted total, with the same source, date and country.
///
/// Entries must be built with `policy` ([`LedgerEntry::check_policy`]): their payable month
/// is rebuilt from it. [`Error::NoExchangeRate`] if a rate is missing; [`Error::Overflow`] if
/// an amount leaves the range of minor units.
///
/// ```
/// use chrono::NaiveDate;
/// use partnerkit_core::{CountryCode, Currency};
/// use partnerkit_payouts::{FixedRates, LedgerEntry, PayoutPolicy, convert_ledger};
///
/// let policy = PayoutPolicy::default();
/// let day = NaiveDate::from_ymd_opt(2027, 3, 10).unwrap();
/// let sale = |a: &str| LedgerEntry::new("app_sales".parse()?, a.parse()?, day, CountryCode::DE, &policy);
/// let rates = FixedRates::new().with(Currency::EUR, Currency::USD, "2027-03".parse()?, "1.0712".parse()?);
/// // Three sales of 0.05 EUR: 0.05356 USD each, 0.16068 USD on the line, rounded once.
/// let ledger = vec![sale("0.05 EUR")?, sale("0.05 EUR")?, sale("0.05 EUR")?];
/// let converted = convert_ledger(&policy, Currency::USD, &ledger, &rates)?;
/// let amounts: Vec<String> = converted.entries.iter().flatten().map(|e| e.amount().to_string()).collect();
/// assert_eq!(amounts, ["0.06 USD", "0.05 USD", "0.05 USD"]); // the spare cent to the first
/// let lines = converted.lines_of("2027-04".parse()?);
/// assert_eq!(lines[0].converted.to_string(), "0.16 USD");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn convert_ledger(
    policy: &PayoutPolicy,
    to: Currency,
    entries: &[LedgerEntry],
    rates: &dyn ExchangeRates,
) -> Result<ConvertedLedger, Error> {
    let (mut converted, groups) = group_by_line(policy, to, entries, rates)?;
    let mut lines = BTreeMap::new();
    for (key, idx) in groups {
        let (_, payable_in, from, rate) = key;
        let amounts: Vec<i64> = idx
            .iter()
            .filter_map(|i| entries.get(*i))
            .map(LedgerEntry::amount_minor)
            .collect();
        let (line, shares) = convert_line(payable_in, from, to, rate, &amounts)?;
        for (i, share) in idx.iter().zip(shares) {
            if let (Some(e), Some(slot)) = (entries.get(*i), converted.get_mut(*i)) {
                e.check_policy(policy)?;
                *slot = Some(LedgerEntry::new(
                    e.source().clone(),
                    Money::from_minor_units(share, to),
                    e.earned_on(),
                    e.country_of_sale(),
                    policy,
                )?);
            }
        }
        lines.insert(key, line);
    }
    Ok(ConvertedLedger {
        entries: converted,
        lines,
    })
}

/// The entries already in `to` (the others `None`, to be converted), and the indexes of the
/// entries to convert by statement line.
type Grouped = (Vec<Option<LedgerEntry>>, BTreeMap<LineKey, Vec<usize>>);

/// Sorts the ledger's entries into statement lines: one pass over the entries.
fn group_by_line(
    policy: &PayoutPolicy,
    to: Currency,
    entries: &[LedgerEntry],
    rates: &dyn ExchangeRates,
) -> Result<Grouped, Error> {
    let mut groups: BTreeMap<LineKey, Vec<usize>> = BTreeMap::new();
    let mut kept = Vec::with_capacity(entries.len());
    for (i, e) in entries.iter().enumerate() {
        if e.currency() == to {
            kept.push(Some(e.clone()));
            continue;
        }
        let conversion =
            e.clone()
                .convert(to, rates)?
                .conversion()
                .ok_or(Error::CurrencyMismatch {
                    expected: to,
                    found: e.currency(),
                })?;
        // Earned in the last month there is: on no statement, nothing to convert.
        if let Ok(cycle) = policy.cycle_of(e) {
            groups
                .entry((cycle, e.payable_in(), e.currency(), conversion.rate))
                .or_default()
                .push(i);
        }
        kept.push(None);
    }
    Ok((kept, groups))
}

/// One statement line of sales of `amounts` minor units of `from`, converted into `to` at
/// `rate` (see the module's rule): the line, and each sale's converted amount in minor units
/// of `to`, in the order given, adding up to the line's converted total.
fn convert_line(
    payable_in: PayoutMonth,
    from: Currency,
    to: Currency,
    rate: Rate,
    amounts: &[i64],
) -> Result<(ConversionLine, Vec<i64>), Error> {
    let overflow = || Error::Overflow {
        what: "a converted amount".into(),
    };
    let sum = amounts
        .iter()
        .try_fold(0i64, |a, b| a.checked_add(*b))
        .ok_or_else(overflow)?;
    let original = Money::from_minor_units(sum, from);
    let converted = rate.convert(original, to)?;
    let total = i128::from(minor_units(converted)?);
    // Each sale's exact converted amount, in minor units of `to`, is
    // `amount × rate_mantissa × 10^to_scale / 10^(from_scale + rate_scale)`: as a fraction
    // with one denominator, so the remainders compare exactly.
    let r = rate.value();
    let exponent = i64::from(to.minor_unit_scale())
        .checked_sub(i64::from(from.minor_unit_scale()))
        .and_then(|e| e.checked_sub(i64::from(r.scale())))
        .ok_or_else(overflow)?;
    let (multiplier, denominator) = if exponent >= 0 {
        (pow10(exponent).ok_or_else(overflow)?, 1)
    } else {
        (
            1,
            pow10(exponent.checked_neg().ok_or_else(overflow)?).ok_or_else(overflow)?,
        )
    };
    let denominator = u64::try_from(denominator)
        .ok()
        .and_then(NonZeroU64::new)
        .ok_or_else(overflow)?;
    let numerators = amounts
        .iter()
        .map(|a| {
            i128::from(*a)
                .checked_mul(r.mantissa())
                .and_then(|n| n.checked_mul(multiplier))
                .ok_or_else(overflow)
        })
        .collect::<Result<Vec<i128>, Error>>()?;
    // The total is the exact sum rounded once, so it is reachable.
    let shares = largest_remainder(total, &numerators, denominator)
        .map_err(|_| overflow())?
        .into_iter()
        .map(|s| i64::try_from(s).map_err(|_| overflow()))
        .collect::<Result<Vec<i64>, Error>>()?;
    let line = ConversionLine {
        payable_in,
        original,
        original_withheld: Money::zero(from),
        rate,
        converted,
        converted_withheld: Money::zero(to),
    };
    Ok((line, shares))
}

/// `10^exponent`, if it fits.
fn pow10(exponent: i64) -> Option<i128> {
    10i128.checked_pow(u32::try_from(exponent).ok()?)
}
