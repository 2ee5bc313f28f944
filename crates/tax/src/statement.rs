//! Withholding on what is paid: once per statement and rate, allocated over the sales
//! (rule TAX-9).
//!
//! # The rule
//!
//! Tax is withheld on the payment, not on each sale. For every statement (one seller, one
//! payout cycle) and every currency and applied rate:
//!
//! 1. **base** `T` = the sum of the gross amounts of the statement's sales the rate applies
//!    to (rules TAX-4, TAX-8), in minor units, refunds negative;
//! 2. **withheld** `W` = `T × rate`, rounded **once** to the minor unit with
//!    [`WITHHOLDING_ROUNDING`](crate::WITHHOLDING_ROUNDING) (half away from zero), so `W` is
//!    within half a minor unit of `T × rate`;
//! 3. **lines**: each sale's exact share `gross × rate` is rounded down, and the minor units
//!    still missing to reach `W` go one each to the sales with the largest remainders (ties to
//!    the earlier sale) — the *largest remainder* method, core's
//!    [`largest_remainder`](partnerkit_core::largest_remainder). Every line is its exact share
//!    rounded down or up, and the lines of a rate sum to `W` exactly.
//!
//! A million sales of 0.01 USD at 30 % withhold 3,000.00 USD (per-sale rounding withheld
//! 0.00), and a million sales of 0.05 USD withhold 15,000.00 USD (per-sale rounding: 20,000.00).
//!
//! [`withhold`](crate::withhold) is this rule for a statement of one sale.

use std::collections::BTreeMap;
use std::num::NonZeroU64;

use partnerkit_core::{Currency, Money, largest_remainder};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::fold::{Amounts, RateTotals, Totals};
use crate::presumption::WithholdingBase;
use crate::rate::Rate;
use crate::withholding::{RateDecision, Sale, Withholding, WithholdingReason};

/// `gross_minor × rate`, rounded once half away from zero
/// ([`WITHHOLDING_ROUNDING`](crate::WITHHOLDING_ROUNDING)), on 128 bits.
pub(crate) fn withheld_on_total(gross_minor: i128, rate: Rate) -> Result<i128, Error> {
    let p = gross_minor
        .checked_mul(i128::from(rate.basis_points()))
        .ok_or_else(|| overflow("withholding on a total"))?;
    let half = if p < 0 { -5_000 } else { 5_000 };
    p.checked_add(half)
        .map(|q| q / 10_000)
        .ok_or_else(|| overflow("withholding on a total"))
}

/// Basis points per unit: a rate's basis points over this are its fraction.
const BASIS_POINTS: NonZeroU64 = match NonZeroU64::new(10_000) {
    Some(n) => n,
    None => NonZeroU64::MIN,
};

/// Splits `total` (from [`withheld_on_total`] over `grosses`) over `grosses` at `rate` by
/// largest remainder ([`largest_remainder`]): each share is `gross × rate` rounded down or up,
/// and the shares sum to `total`. Ties go to the earlier item.
pub(crate) fn allocate(grosses: &[i128], rate: Rate, total: i128) -> Result<Vec<i128>, Error> {
    let bps = i128::from(rate.basis_points());
    let exact = grosses
        .iter()
        .map(|g| {
            g.checked_mul(bps)
                .ok_or_else(|| overflow("withholding allocation"))
        })
        .collect::<Result<Vec<i128>, Error>>()?;
    // The total is within half a unit of the exact sum, so it is always reachable.
    largest_remainder(total, &exact, BASIS_POINTS).map_err(|_| overflow("withholding allocation"))
}

pub(crate) fn overflow(operation: &'static str) -> Error {
    Error::from(partnerkit_core::Error::Overflow {
        operation: operation.into(),
    })
}

pub(crate) fn money(minor: i128, currency: Currency) -> Result<Money, Error> {
    Decimal::try_from_i128_with_scale(minor, currency.minor_unit_scale())
        .map(|d| Money::new(d, currency))
        .map_err(|_| overflow("withholding total"))
}

/// Withholding is in US dollars (rules TAX-9, TAX-10): the Forms 1042-S and 1099 report
/// the tax withheld in dollars, so it is computed on dollar amounts, never converted. `Ok` if
/// every amount `withheld` is in US dollars or zero; otherwise [`Error::NotUsd`] naming the
/// first that is not.
///
/// A payout in another currency from which nothing is withheld passes; one from which
/// anything would be withheld is refused: pay such an account in USD. This is the one place
/// the rule lives; the facade asks it of every converted statement.
///
/// ```
/// use partnerkit_core::{Currency, Money};
/// use partnerkit_tax::{Error, check_withheld_in_usd};
///
/// let sek = |s: &str| format!("{s} SEK").parse::<Money>();
/// assert!(check_withheld_in_usd(["3.00 USD".parse()?, Money::zero(Currency::USD)]).is_ok());
/// assert!(check_withheld_in_usd([sek("0.00")?]).is_ok()); // nothing withheld
/// let err = check_withheld_in_usd([sek("0.00")?, sek("3.00")?]).unwrap_err();
/// assert!(matches!(err, Error::NotUsd { ref amount } if amount == "3.00 SEK"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn check_withheld_in_usd<I>(withheld: I) -> Result<(), Error>
where
    I: IntoIterator<Item = Money>,
{
    match withheld
        .into_iter()
        .find(|w| w.currency() != Currency::USD && !w.is_zero())
    {
        Some(w) => Err(Error::NotUsd {
            amount: w.to_string(),
        }),
        None => Ok(()),
    }
}

/// The withholding of one statement (rule TAX-9): one total per currency and rate, rounded
/// once, and every sale's line, allocated so the lines of a rate sum to its total.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct StatementWithholding {
    /// One line per sale, in the order given: `withheld + net == gross` on each (rule TAX-7).
    pub lines: Vec<Withholding>,
    /// Per applied rate and currency, sorted: the sales, their gross, the withheld total
    /// (`gross × rate` rounded once) and the net. Sales not withheld are under 0 %.
    pub by_rate: Vec<RateTotals>,
}

impl StatementWithholding {
    /// The total withheld in `currency` over every rate.
    pub fn withheld(&self, currency: Currency) -> Result<Money, Error> {
        Ok(Money::sum(
            currency,
            self.by_rate
                .iter()
                .filter(|r| r.amounts.withheld.currency() == currency)
                .map(|r| r.amounts.withheld),
        )?)
    }
}

/// Withholds on one statement (rules TAX-4, TAX-7, TAX-8, TAX-9): each sale with the seller's
/// [`RateDecision`] for the day it was made (from [`withholding_rate`](crate::withholding_rate)).
///
/// Per currency and applied rate ([`RateDecision::rate_for`]: 0 % for a sale outside the
/// decision's base), the withheld total is `Σ gross × rate` rounded once, and the per-sale
/// lines are allocated by largest remainder so that they sum to it (see the module rule).
/// An error only if a total leaves [`Money`]'s range.
///
/// ```
/// use partnerkit_core::{CountryCode, Currency};
/// use partnerkit_tax::{Rate, RateDecision, RateReason, Sale, withhold_statement};
///
/// let foreign = RateDecision { rate: Rate::DEFAULT_WITHHOLDING, reason: RateReason::NoValidForm };
/// let cent = Sale::from_minor_units(1, Currency::USD, CountryCode::US)?;
/// let sales = vec![(cent, foreign.clone()); 10];
/// let w = withhold_statement(sales.iter().map(|(s, d)| (s, d)))?;
/// // 30 % of 0.10 USD is 0.03 USD: three lines carry a cent, seven none.
/// assert_eq!(w.withheld(Currency::USD)?.to_string(), "0.03 USD");
/// assert_eq!(w.lines.iter().filter(|l| !l.withheld.is_zero()).count(), 3);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn withhold_statement<'a, I>(sales: I) -> Result<StatementWithholding, Error>
where
    I: IntoIterator<Item = (&'a Sale, &'a RateDecision)>,
{
    let sales: Vec<(&Sale, &RateDecision, Rate)> = sales
        .into_iter()
        .map(|(s, d)| (s, d, d.rate_for(s)))
        .collect();
    // Group the line indexes by (currency, applied rate).
    let mut groups: BTreeMap<(Rate, Currency), Vec<usize>> = BTreeMap::new();
    for (i, (s, _, rate)) in sales.iter().enumerate() {
        groups.entry((*rate, s.currency())).or_default().push(i);
    }
    let mut withheld = vec![0i128; sales.len()];
    let mut by_rate = Vec::with_capacity(groups.len());
    for ((rate, currency), idx) in &groups {
        let grosses: Vec<i128> = idx
            .iter()
            .filter_map(|i| sales.get(*i))
            .map(|(s, _, _)| i128::from(s.gross_minor_units()))
            .collect();
        let gross = grosses
            .iter()
            .try_fold(0i128, |a, g| a.checked_add(*g))
            .ok_or_else(|| overflow("statement total"))?;
        let total = withheld_on_total(gross, *rate)?;
        for (i, share) in idx.iter().zip(allocate(&grosses, *rate, total)?) {
            if let Some(w) = withheld.get_mut(*i) {
                *w = share;
            }
        }
        let totals = Totals {
            sales: u64::try_from(idx.len()).unwrap_or(u64::MAX),
            gross_minor: gross,
            withheld_minor: total,
        };
        by_rate.push(RateTotals {
            rate: *rate,
            amounts: Amounts::of(*currency, &totals)?,
        });
    }
    let lines = sales
        .iter()
        .zip(withheld)
        .map(|((sale, decision, rate), w)| {
            let gross = sale.gross();
            let withheld = money(w, sale.currency())?;
            let net = gross.checked_sub(withheld)?;
            let reason = if decision.base() == WithholdingBase::AllSales || sale.is_us_sale() {
                WithholdingReason::SellerRate {
                    reason: decision.reason.clone(),
                }
            } else {
                WithholdingReason::NotUsSale
            };
            Ok(Withholding {
                gross,
                withheld,
                net,
                rate: *rate,
                reason,
            })
        })
        .collect::<Result<Vec<_>, Error>>()?;
    Ok(StatementWithholding { lines, by_rate })
}
