//! Batch withholding: a fold over many sales with a `merge` of partial results (rule TAX-7).

use std::collections::BTreeMap;

use partnerkit_core::{CountryCode, Currency, Money};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::rate::Rate;
use crate::withholding::{COUNTRY_SLOTS, Sale, US_SLOT, country_slot, fast_withheld};

/// Exact running totals in minor units: how many sales, their gross and the amount withheld.
///
/// Totals are 128-bit: with sales of at most 10^14 minor units they cannot overflow before
/// 10^24 sales (they saturate rather than wrap if a caller ever got there).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Totals {
    /// Number of sales.
    pub sales: u64,
    /// Sum of gross amounts, in minor units.
    pub gross_minor: i128,
    /// Sum of withheld amounts, in minor units.
    pub withheld_minor: i128,
}

impl Totals {
    #[inline(always)]
    fn add_sale(&mut self, gross: i64, withheld: i64) {
        self.sales = self.sales.saturating_add(1);
        self.gross_minor = self.gross_minor.saturating_add(i128::from(gross));
        self.withheld_minor = self.withheld_minor.saturating_add(i128::from(withheld));
    }

    fn add(&mut self, other: &Totals) {
        self.sales = self.sales.saturating_add(other.sales);
        self.gross_minor = self.gross_minor.saturating_add(other.gross_minor);
        self.withheld_minor = self.withheld_minor.saturating_add(other.withheld_minor);
    }

    /// `gross − withheld`, in minor units.
    pub fn net_minor(&self) -> i128 {
        self.gross_minor.saturating_sub(self.withheld_minor)
    }
}

/// The key of one cell of a fold: the country where sales were made, their currency, and the
/// rate applied (0 % outside the US, rule TAX-4).
pub type CellKey = (CountryCode, Currency, Rate);

#[derive(Debug, Clone, Copy, Default)]
struct Slot {
    currency: Option<Currency>,
    totals: Totals,
}

/// Withholding over many sales (rules TAX-4, TAX-7): totals per country and per rate, exact,
/// identical to summing [`withhold`](crate::withhold) over each sale.
///
/// A fold is made for one seller rate (from [`withholding_rate`](crate::withholding_rate));
/// [`add`](WithholdingFold::add) withholds each sale made in the US at it and sales elsewhere
/// at 0 %. Partial folds [`merge`](WithholdingFold::merge) — in any grouping and order, even
/// folds of other sellers' rates — into the same totals as one fold over all the sales, so a
/// host may split the work across threads or partitions.
///
/// The hot path computes on integers (see [`withheld_minor_units`](crate::withheld_minor_units))
/// and adds into a dense per-country array; two folds are equal when they hold the same totals.
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
/// assert_eq!((us.country, us.amounts.withheld.to_string()), (CountryCode::US, "3.00 USD".into()));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct WithholdingFold {
    rate: Rate,
    bps: i64,
    slots: Vec<Slot>,
    spill: BTreeMap<CellKey, Totals>,
}

impl WithholdingFold {
    /// An empty fold whose [`add`](WithholdingFold::add) withholds US sales at `rate`.
    pub fn new(rate: Rate) -> WithholdingFold {
        WithholdingFold {
            rate,
            bps: i64::from(rate.basis_points()),
            slots: vec![Slot::default(); COUNTRY_SLOTS],
            spill: BTreeMap::new(),
        }
    }

    /// A fold over `sales` at `rate`.
    pub fn from_sales<'s>(
        rate: Rate,
        sales: impl IntoIterator<Item = &'s Sale>,
    ) -> WithholdingFold {
        let mut fold = WithholdingFold::new(rate);
        fold.add_all(sales);
        fold
    }

    /// The rate [`add`](WithholdingFold::add) applies to US sales.
    pub fn rate(&self) -> Rate {
        self.rate
    }

    /// Adds one sale: withheld at the fold's rate if made in the US, else not (rule TAX-4).
    #[inline]
    pub fn add(&mut self, sale: &Sale) {
        let us = sale.slot() == US_SLOT;
        let withheld = if us {
            fast_withheld(sale.gross_minor_units(), self.bps)
        } else {
            0
        };
        if let Some(slot) = self.slots.get_mut(usize::from(sale.slot())) {
            match slot.currency {
                Some(c) if c == sale.currency() => {
                    slot.totals.add_sale(sale.gross_minor_units(), withheld);
                    return;
                }
                None => {
                    slot.currency = Some(sale.currency());
                    slot.totals.add_sale(sale.gross_minor_units(), withheld);
                    return;
                }
                Some(_) => {}
            }
        }
        let rate = if us { self.rate } else { Rate::ZERO };
        self.spill
            .entry((sale.country(), sale.currency(), rate))
            .or_default()
            .add_sale(sale.gross_minor_units(), withheld);
    }

    /// Adds every sale.
    pub fn add_all<'s>(&mut self, sales: impl IntoIterator<Item = &'s Sale>) {
        for s in sales {
            self.add(s);
        }
    }

    /// Adds one sale of another seller, withheld at `rate` if made in the US.
    pub fn add_at(&mut self, sale: &Sale, rate: Rate) {
        let applied = if sale.is_us_sale() { rate } else { Rate::ZERO };
        let withheld = fast_withheld(sale.gross_minor_units(), i64::from(applied.basis_points()));
        let totals = Totals {
            sales: 1,
            gross_minor: i128::from(sale.gross_minor_units()),
            withheld_minor: i128::from(withheld),
        };
        self.put((sale.country(), sale.currency(), applied), &totals);
    }

    /// Adds the totals of `other` (a fold over other sales) to this one.
    pub fn merge(&mut self, other: WithholdingFold) {
        for (key, totals) in other.cells() {
            self.put(key, &totals);
        }
    }

    /// The rate this fold's dense slot for `slot` holds.
    fn slot_rate(&self, slot: u16) -> Rate {
        if slot == US_SLOT {
            self.rate
        } else {
            Rate::ZERO
        }
    }

    fn put(&mut self, key: CellKey, totals: &Totals) {
        let (country, currency, rate) = key;
        let slot_index = country_slot(country);
        if rate == self.slot_rate(slot_index)
            && let Some(slot) = self.slots.get_mut(usize::from(slot_index))
        {
            match slot.currency {
                Some(c) if c == currency => {
                    slot.totals.add(totals);
                    return;
                }
                None => {
                    slot.currency = Some(currency);
                    slot.totals.add(totals);
                    return;
                }
                Some(_) => {}
            }
        }
        self.spill.entry(key).or_default().add(totals);
    }

    /// Every non-empty cell: totals per country, currency and applied rate.
    pub fn cells(&self) -> BTreeMap<CellKey, Totals> {
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
                .add(&slot.totals);
        }
        cells
    }

    /// Totals per country (and currency), summed over rates.
    pub fn by_country(&self) -> BTreeMap<(CountryCode, Currency), Totals> {
        let mut out: BTreeMap<(CountryCode, Currency), Totals> = BTreeMap::new();
        for ((country, currency, _), t) in self.cells() {
            out.entry((country, currency)).or_default().add(&t);
        }
        out
    }

    /// Totals per applied rate (and currency), summed over countries.
    pub fn by_rate(&self) -> BTreeMap<(Rate, Currency), Totals> {
        let mut out: BTreeMap<(Rate, Currency), Totals> = BTreeMap::new();
        for ((_, currency, rate), t) in self.cells() {
            out.entry((rate, currency)).or_default().add(&t);
        }
        out
    }

    /// The totals as money, for a statement or a report. An error only if a total exceeds
    /// what [`Money`] holds (about 7.9 × 10^28 minor units).
    pub fn summary(&self) -> Result<WithholdingSummary, Error> {
        let by_country = self
            .by_country()
            .into_iter()
            .map(|((country, currency), t)| {
                Ok(CountryTotals {
                    country,
                    amounts: Amounts::of(currency, &t)?,
                })
            })
            .collect::<Result<_, Error>>()?;
        let by_rate = self
            .by_rate()
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

fn slot_country(i: usize) -> Option<CountryCode> {
    let a = u8::try_from(i / 26).ok()?;
    let b = u8::try_from(i % 26).ok()?;
    let code = [b'A'.checked_add(a)?, b'A'.checked_add(b)?];
    CountryCode::new(std::str::from_utf8(&code).ok()?).ok()
}

impl PartialEq for WithholdingFold {
    /// Equal when both hold the same totals per country, currency and rate.
    fn eq(&self, other: &Self) -> bool {
        self.cells() == other.cells()
    }
}

impl Eq for WithholdingFold {}

impl std::fmt::Debug for WithholdingFold {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WithholdingFold")
            .field("rate", &self.rate)
            .field("cells", &self.cells())
            .finish()
    }
}

/// Count, gross, withheld and net of a group of sales in one currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
    fn of(currency: Currency, t: &Totals) -> Result<Amounts, Error> {
        let money = |minor: i128| -> Result<Money, Error> {
            Decimal::try_from_i128_with_scale(minor, currency.minor_unit_scale())
                .map(|d| Money::new(d, currency))
                .map_err(|_| {
                    Error::Core(partnerkit_core::Error::Overflow {
                        operation: "withholding total",
                    })
                })
        };
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
pub struct CountryTotals {
    /// Where the sales were made.
    pub country: CountryCode,
    /// Their totals.
    #[serde(flatten)]
    pub amounts: Amounts,
}

/// Totals of the sales withheld at one rate, in one currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RateTotals {
    /// The rate applied.
    pub rate: Rate,
    /// Their totals.
    #[serde(flatten)]
    pub amounts: Amounts,
}

/// A fold's totals as money: per country and per rate, sorted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WithholdingSummary {
    /// Per country and currency.
    pub by_country: Vec<CountryTotals>,
    /// Per applied rate and currency.
    pub by_rate: Vec<RateTotals>,
}
