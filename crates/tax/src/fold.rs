//! Batch withholding: a fold over many sales with a `merge` of partial results (rules TAX-7,
//! TAX-9).

use std::collections::BTreeMap;

use partnerkit_core::{CountryCode, Currency, Money};
use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::presumption::WithholdingBase;
use crate::rate::Rate;
use crate::statement::{allocate, money, overflow, withheld_on_total};
use crate::withholding::{COUNTRY_SLOTS, RateDecision, Sale, US_SLOT, country_slot};

/// Totals in minor units: how many sales, their gross and the amount withheld on them.
///
/// In a [`WithholdingFold`] the gross is summed exactly and the withheld amount is derived
/// from it when asked, rounded once per currency and rate (rule TAX-9). Totals are 128-bit:
/// with sales of at most 10^14 minor units they cannot overflow before 10^24 sales (they
/// saturate rather than wrap if a caller ever got there).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Totals {
    /// Number of sales.
    pub sales: u64,
    /// Sum of gross amounts, in minor units.
    pub gross_minor: i128,
    /// The amount withheld on them, in minor units.
    pub withheld_minor: i128,
}

impl Totals {
    /// `gross − withheld`, in minor units.
    pub fn net_minor(&self) -> i128 {
        self.gross_minor.saturating_sub(self.withheld_minor)
    }
}

/// What a fold accumulates per cell: a count and an exact gross sum.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
struct Gross {
    sales: u64,
    minor: i128,
}

impl Gross {
    #[inline(always)]
    fn add_sale(&mut self, gross: i64) {
        self.sales = self.sales.saturating_add(1);
        self.minor = self.minor.saturating_add(i128::from(gross));
    }

    fn add(&mut self, other: &Gross) {
        self.sales = self.sales.saturating_add(other.sales);
        self.minor = self.minor.saturating_add(other.minor);
    }
}

/// The key of one cell of a fold: the country where sales were made, their currency, and the
/// rate applied (0 % to sales outside the rate's base, rules TAX-4, TAX-8).
pub type CellKey = (CountryCode, Currency, Rate);

#[derive(Debug, Clone, Copy, Default)]
struct Slot {
    currency: Option<Currency>,
    gross: Gross,
}

/// Withholding over many sales of one statement (rules TAX-4, TAX-7, TAX-8, TAX-9): the gross
/// per country, currency and applied rate, summed exactly; the withheld amount per currency
/// and rate is `Σ gross × rate` rounded **once**, when asked, and split over the countries by
/// largest remainder — the rule of [`withhold_statement`](crate::withhold_statement).
///
/// A fold is made for one seller decision ([`WithholdingFold::for_decision`], or
/// [`WithholdingFold::new`] for a rate on sales made in the US):
/// [`add`](WithholdingFold::add) puts each sale under the decision's rate if its base covers
/// the sale, else under 0 %. Since only gross sums are kept, partial folds
/// [`merge`](WithholdingFold::merge) — in any grouping and order — into exactly the fold over
/// all the sales, so a host may split the work across threads or partitions. (Merging folds
/// of different statements rounds once over all of them: for the sum of the statements'
/// withholding, sum each statement's [`summary`](WithholdingFold::summary).)
///
/// The hot path adds integers into a dense per-country array; two folds are equal when they
/// hold the same gross totals.
///
/// ```
/// use partnerkit_core::{CountryCode, Currency};
/// use partnerkit_tax::{Rate, Sale, WithholdingFold};
///
/// let sales = [
///     Sale::from_minor_units(999, Currency::USD, CountryCode::US)?,
///     Sale::from_minor_units(1_000, Currency::USD, CountryCode::US)?,
///     Sale::from_minor_units(500, Currency::SEK, CountryCode::SE)?,
/// ];
/// let rate: Rate = "15%".parse()?;
/// let mut left = WithholdingFold::new(rate);
/// let mut right = WithholdingFold::new(rate);
/// left.add(&sales[0]);
/// right.add(&sales[1]);
/// right.add(&sales[2]);
/// left.merge(right);
/// assert_eq!(left, WithholdingFold::from_sales(rate, &sales));
///
/// let summary = left.summary()?;
/// let us = &summary.by_country[1];
/// // 15 % of 19.99 USD, rounded once: 3.00 USD.
/// assert_eq!((us.country, us.amounts.withheld.to_string()), (CountryCode::US, "3.00 USD".into()));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct WithholdingFold {
    rate: Rate,
    all_sales: bool,
    slots: Vec<Slot>,
    spill: BTreeMap<CellKey, Gross>,
}

impl WithholdingFold {
    /// An empty fold whose [`add`](WithholdingFold::add) withholds sales made in the US at
    /// `rate` (chapter 3, rule TAX-4).
    pub fn new(rate: Rate) -> WithholdingFold {
        WithholdingFold {
            rate,
            all_sales: false,
            slots: vec![Slot::default(); COUNTRY_SLOTS],
            spill: BTreeMap::new(),
        }
    }

    /// An empty fold whose [`add`](WithholdingFold::add) follows `decision`: its rate on the
    /// sales its [`base`](RateDecision::base) covers (every sale under backup withholding,
    /// rule TAX-8), 0 % on the others.
    pub fn for_decision(decision: &RateDecision) -> WithholdingFold {
        WithholdingFold {
            all_sales: decision.base() == WithholdingBase::AllSales,
            ..WithholdingFold::new(decision.rate)
        }
    }

    /// A fold over `sales` at `rate` on sales made in the US.
    pub fn from_sales<'s>(
        rate: Rate,
        sales: impl IntoIterator<Item = &'s Sale>,
    ) -> WithholdingFold {
        let mut fold = WithholdingFold::new(rate);
        fold.add_all(sales);
        fold
    }

    /// The rate [`add`](WithholdingFold::add) applies to the sales of its base.
    pub fn rate(&self) -> Rate {
        self.rate
    }

    /// Which sales [`add`](WithholdingFold::add) applies the rate to.
    pub fn base(&self) -> WithholdingBase {
        if self.all_sales {
            WithholdingBase::AllSales
        } else {
            WithholdingBase::UsSales
        }
    }

    /// Adds one sale: under the fold's rate if its base covers the sale, else under 0 %
    /// (rules TAX-4, TAX-8).
    #[inline]
    pub fn add(&mut self, sale: &Sale) {
        let covered = self.all_sales || sale.slot() == US_SLOT;
        if let Some(slot) = self.slots.get_mut(usize::from(sale.slot())) {
            match slot.currency {
                Some(c) if c == sale.currency() => {
                    slot.gross.add_sale(sale.gross_minor_units());
                    return;
                }
                None => {
                    slot.currency = Some(sale.currency());
                    slot.gross.add_sale(sale.gross_minor_units());
                    return;
                }
                Some(_) => {}
            }
        }
        let rate = if covered { self.rate } else { Rate::ZERO };
        self.spill
            .entry((sale.country(), sale.currency(), rate))
            .or_default()
            .add_sale(sale.gross_minor_units());
    }

    /// Adds every sale.
    pub fn add_all<'s>(&mut self, sales: impl IntoIterator<Item = &'s Sale>) {
        for s in sales {
            self.add(s);
        }
    }

    /// Adds one sale withheld at `rate` if made in the US (a foreign seller's rate).
    pub fn add_at(&mut self, sale: &Sale, rate: Rate) {
        let applied = if sale.is_us_sale() { rate } else { Rate::ZERO };
        self.put_sale(sale, applied);
    }

    /// Adds one sale under `decision` ([`RateDecision::rate_for`]).
    pub fn add_with(&mut self, sale: &Sale, decision: &RateDecision) {
        self.put_sale(sale, decision.rate_for(sale));
    }

    fn put_sale(&mut self, sale: &Sale, applied: Rate) {
        let mut g = Gross::default();
        g.add_sale(sale.gross_minor_units());
        self.put((sale.country(), sale.currency(), applied), &g);
    }

    /// Adds the gross totals of `other` (a fold over other sales of the statement) to this one.
    pub fn merge(&mut self, other: WithholdingFold) {
        for (key, gross) in other.gross_cells() {
            self.put(key, &gross);
        }
    }

    /// The rate this fold's dense slot for `slot` holds.
    fn slot_rate(&self, slot: u16) -> Rate {
        if self.all_sales || slot == US_SLOT {
            self.rate
        } else {
            Rate::ZERO
        }
    }

    fn put(&mut self, key: CellKey, gross: &Gross) {
        let (country, currency, rate) = key;
        let slot_index = country_slot(country);
        if rate == self.slot_rate(slot_index)
            && let Some(slot) = self.slots.get_mut(usize::from(slot_index))
        {
            match slot.currency {
                Some(c) if c == currency => {
                    slot.gross.add(gross);
                    return;
                }
                None => {
                    slot.currency = Some(currency);
                    slot.gross.add(gross);
                    return;
                }
                Some(_) => {}
            }
        }
        self.spill.entry(key).or_default().add(gross);
    }

    fn gross_cells(&self) -> BTreeMap<CellKey, Gross> {
        let mut cells = self.spill.clone();
        for (i, slot) in self.slots.iter().enumerate() {
            let Some(currency) = slot.currency else {
                continue;
            };
            let Some(country) = slot_country(i) else {
                continue;
            };
            let rate = self.slot_rate(u16::try_from(i).unwrap_or(0));
            cells
                .entry((country, currency, rate))
                .or_default()
                .add(&slot.gross);
        }
        cells
    }

    /// Every non-empty cell: totals per country, currency and applied rate. The withheld
    /// amount of each (currency, rate) is rounded once and split over its countries by largest
    /// remainder (rule TAX-9). An error only if a total leaves the 128-bit range.
    pub fn cells(&self) -> Result<BTreeMap<CellKey, Totals>, Error> {
        let gross = self.gross_cells();
        let mut groups: BTreeMap<(Rate, Currency), Vec<(CellKey, Gross)>> = BTreeMap::new();
        for (key, g) in gross {
            groups.entry((key.2, key.1)).or_default().push((key, g));
        }
        let mut out = BTreeMap::new();
        for ((rate, _), cells) in groups {
            let grosses: Vec<i128> = cells.iter().map(|(_, g)| g.minor).collect();
            let sum = grosses
                .iter()
                .try_fold(0i128, |a, g| a.checked_add(*g))
                .ok_or_else(|| overflow("withholding total"))?;
            let total = withheld_on_total(sum, rate)?;
            for ((key, g), withheld) in cells.iter().zip(allocate(&grosses, rate, total)?) {
                out.insert(
                    *key,
                    Totals {
                        sales: g.sales,
                        gross_minor: g.minor,
                        withheld_minor: withheld,
                    },
                );
            }
        }
        Ok(out)
    }

    /// Totals per country (and currency), summed over rates.
    pub fn by_country(&self) -> Result<BTreeMap<(CountryCode, Currency), Totals>, Error> {
        let mut out: BTreeMap<(CountryCode, Currency), Totals> = BTreeMap::new();
        for ((country, currency, _), t) in self.cells()? {
            add_totals(out.entry((country, currency)).or_default(), &t);
        }
        Ok(out)
    }

    /// Totals per applied rate (and currency), summed over countries: the withheld amount is
    /// `Σ gross × rate` rounded once (rule TAX-9).
    pub fn by_rate(&self) -> Result<BTreeMap<(Rate, Currency), Totals>, Error> {
        let mut out: BTreeMap<(Rate, Currency), Totals> = BTreeMap::new();
        for ((_, currency, rate), t) in self.cells()? {
            add_totals(out.entry((rate, currency)).or_default(), &t);
        }
        Ok(out)
    }

    /// The totals as money, for a statement or a report. An error only if a total exceeds
    /// what [`Money`] holds (about 7.9 × 10^28 minor units).
    pub fn summary(&self) -> Result<WithholdingSummary, Error> {
        let by_country = self
            .by_country()?
            .into_iter()
            .map(|((country, currency), t)| {
                Ok(CountryTotals {
                    country,
                    amounts: Amounts::of(currency, &t)?,
                })
            })
            .collect::<Result<_, Error>>()?;
        let by_rate = self
            .by_rate()?
            .into_iter()
            .map(|((rate, currency), t)| {
                Ok(RateTotals {
                    rate,
                    amounts: Amounts::of(currency, &t)?,
                })
            })
            .collect::<Result<_, Error>>()?;
        Ok(WithholdingSummary {
            by_country,
            by_rate,
        })
    }
}

fn add_totals(into: &mut Totals, t: &Totals) {
    into.sales = into.sales.saturating_add(t.sales);
    into.gross_minor = into.gross_minor.saturating_add(t.gross_minor);
    into.withheld_minor = into.withheld_minor.saturating_add(t.withheld_minor);
}

fn slot_country(i: usize) -> Option<CountryCode> {
    let a = u8::try_from(i / 26).ok()?;
    let b = u8::try_from(i % 26).ok()?;
    let code = [b'A'.checked_add(a)?, b'A'.checked_add(b)?];
    CountryCode::new(std::str::from_utf8(&code).ok()?).ok()
}

impl PartialEq for WithholdingFold {
    /// Equal when both hold the same gross totals per country, currency and rate.
    fn eq(&self, other: &Self) -> bool {
        self.gross_cells() == other.gross_cells()
    }
}

impl Eq for WithholdingFold {}

impl std::fmt::Debug for WithholdingFold {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WithholdingFold")
            .field("rate", &self.rate)
            .field("base", &self.base())
            .field("cells", &self.gross_cells())
            .finish()
    }
}

/// Count, gross, withheld and net of a group of sales in one currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Amounts {
    /// Number of sales.
    pub sales: u64,
    /// Sum of gross amounts.
    pub gross: Money,
    /// Sum of withheld amounts.
    pub withheld: Money,
    /// Sum of net amounts: gross − withheld, exactly.
    pub net: Money,
}

impl Amounts {
    pub(crate) fn of(currency: Currency, t: &Totals) -> Result<Amounts, Error> {
        let money = |minor: i128| money(minor, currency);
        Ok(Amounts {
            sales: t.sales,
            gross: money(t.gross_minor)?,
            withheld: money(t.withheld_minor)?,
            net: money(t.net_minor())?,
        })
    }
}

/// Totals of the sales made in one country, in one currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CountryTotals {
    /// Where the sales were made.
    pub country: CountryCode,
    /// Their totals.
    #[serde(flatten)]
    pub amounts: Amounts,
}

/// Totals of the sales withheld at one rate, in one currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RateTotals {
    /// The rate applied.
    pub rate: Rate,
    /// Their totals.
    #[serde(flatten)]
    pub amounts: Amounts,
}

/// A fold's totals as money: per country and per rate, sorted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct WithholdingSummary {
    /// Per country and currency.
    pub by_country: Vec<CountryTotals>,
    /// Per applied rate and currency.
    pub by_rate: Vec<RateTotals>,
}
