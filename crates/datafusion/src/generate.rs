//! A seeded marketplace for tests, examples and benchmarks: accounts built through the
//! domain deciders (so every event is one the rules accept), a ledger, exchange rates and
//! carried-in balances, and the same data as Arrow record batches.
//!
//! The mix: US companies with a W-9 (some without a form, some whose profile changes
//! mid-month, withdrawing the form until a new one is given), foreign sellers with a W-8BEN
//! (Swedish ones claiming the treaty's 0 %, some giving the form in the middle of a month),
//! a few accounts paid in euros, payout accounts verified, pending, verified late or never
//! set, holds turned on and off, sales in five currencies and many countries, refunds of
//! earlier sales, program lags, and balances carried in (positive, negative, pending).

use std::sync::Arc;

use chrono::{Duration, NaiveDate};
use datafusion::arrow::array::{
    ArrayRef, Date32Array, FixedSizeBinaryBuilder, Int64Array, RecordBatch, StringArray,
};
use partnerkit::core::{AccountId, CountryCode, Currency, Money};
use partnerkit::payouts::{CarryOver, FixedRates, LedgerEntry, PayoutMonth, Rate, RevenueSource};
use partnerkit::{AccountEvent, DomainError, Settings};
use rust_decimal::Decimal;

mod account;
pub(crate) mod reference;

pub use reference::Outcome;

use account::account;

use crate::cogroup::days_of;
use crate::error::Error;
use crate::schema;

/// What to generate.
#[derive(Debug, Clone, Copy)]
pub struct Spec {
    /// The seed: the same seed gives the same marketplace.
    pub seed: u64,
    /// How many accounts.
    pub accounts: usize,
    /// How many ledger entries, over the year.
    pub entries: usize,
    /// The calendar year the sales are earned in.
    pub year: i32,
    /// The month whose run the carried-in balances are for.
    pub month: PayoutMonth,
}

/// One account: its events (payout profile and tax profile) and what was carried in to
/// [`Spec::month`].
#[derive(Debug, Clone)]
pub struct Account {
    /// The account.
    pub id: AccountId,
    /// Its events, oldest first.
    pub events: Vec<AccountEvent>,
    /// The balance carried in to the month's run; `None`: nothing.
    pub carried_in: Option<CarryOver>,
}

/// One ledger row.
#[derive(Debug, Clone)]
pub struct Row {
    /// The account.
    pub account: AccountId,
    /// The entry's id: unique, increasing in the order generated.
    pub entry: i64,
    /// The entry.
    pub value: LedgerEntry,
    /// For a refund, the entry refunded.
    pub refund_of: Option<i64>,
}

/// One exchange rate.
#[derive(Debug, Clone, Copy)]
pub struct RateRow {
    /// From.
    pub from: Currency,
    /// To.
    pub to: Currency,
    /// The month.
    pub month: PayoutMonth,
    /// The rate.
    pub rate: Rate,
}

/// A generated marketplace.
#[derive(Debug, Clone)]
pub struct Marketplace {
    /// What it was generated from.
    pub spec: Spec,
    /// The accounts, in the order generated.
    pub accounts: Vec<Account>,
    /// The ledger, in entry order (accounts interleaved).
    pub ledger: Vec<Row>,
    /// The exchange rates.
    pub rates: Vec<RateRow>,
}

/// SplitMix64: small, seeded, good enough for test data.
#[derive(Debug, Clone)]
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (0 if `n` is 0).
    fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next() % n }
    }

    /// True with probability `percent` / 100.
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    fn pick<T: Copy>(&mut self, items: &[T], fallback: T) -> T {
        let i = usize::try_from(self.below(items.len() as u64)).unwrap_or(0);
        items.get(i).copied().unwrap_or(fallback)
    }
}

/// Who an account is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A US company with a W-9.
    Us,
    /// A foreign seller with a W-8BEN, paid in dollars.
    Foreign(CountryCode),
    /// A German seller paid in euros.
    Euro,
}

const CURRENCIES: [Currency; 5] = [
    Currency::USD,
    Currency::EUR,
    Currency::GBP,
    Currency::JPY,
    Currency::SEK,
];

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
}

impl Marketplace {
    /// Generates the marketplace `spec` describes, with `settings`' policy and treaties.
    pub fn generate(spec: Spec, settings: &Settings) -> Result<Marketplace, DomainError> {
        let mut rng = Rng(spec.seed ^ 0x005E_ED0F_DA7A);
        let mut accounts = Vec::with_capacity(spec.accounts);
        let mut kinds = Vec::with_capacity(spec.accounts);
        for i in 0..spec.accounts {
            let (account, kind) = account(&mut rng, &spec, settings, i)?;
            accounts.push(account);
            kinds.push(kind);
        }
        let ledger = ledger(&mut rng, &spec, settings, &accounts, &kinds)?;
        Ok(Marketplace {
            spec,
            accounts,
            ledger,
            rates: rates(&mut rng, spec.year)?,
        })
    }

    /// The rates as the payouts crate's [`FixedRates`].
    pub fn fixed_rates(&self) -> FixedRates {
        self.rates.iter().fold(FixedRates::new(), |r, x| {
            r.with(x.from, x.to, x.month, x.rate)
        })
    }

    /// The ledger as record batches of [`schema::ledger`], `rows` rows each.
    pub fn ledger_batches(&self, rows: usize) -> Result<Vec<RecordBatch>, Error> {
        self.ledger
            .chunks(rows.max(1))
            .map(|chunk| {
                let mut account = FixedSizeBinaryBuilder::new(16);
                for r in chunk {
                    account.append_value(r.account.uuid().as_bytes())?;
                }
                let columns: Vec<ArrayRef> = vec![
                    Arc::new(account.finish()),
                    Arc::new(Int64Array::from_iter_values(chunk.iter().map(|r| r.entry))),
                    Arc::new(Int64Array::from_iter_values(
                        chunk.iter().map(|r| r.value.amount_minor()),
                    )),
                    Arc::new(StringArray::from_iter_values(
                        chunk.iter().map(|r| r.value.currency().code().to_owned()),
                    )),
                    Arc::new(Date32Array::from_iter_values(
                        chunk.iter().map(|r| days_of(r.value.earned_on())),
                    )),
                    Arc::new(StringArray::from_iter_values(
                        chunk
                            .iter()
                            .map(|r| r.value.country_of_sale().as_str().to_owned()),
                    )),
                    Arc::new(StringArray::from_iter_values(
                        chunk.iter().map(|r| r.value.source().as_str().to_owned()),
                    )),
                    Arc::new(Int64Array::from(
                        chunk.iter().map(|r| r.refund_of).collect::<Vec<_>>(),
                    )),
                ];
                Ok(RecordBatch::try_new(schema::ledger(), columns)?)
            })
            .collect()
    }

    /// The accounts as record batches of [`schema::accounts`], `rows` rows each.
    pub fn accounts_batches(&self, rows: usize) -> Result<Vec<RecordBatch>, Error> {
        let json = |r: serde_json::Result<String>| {
            r.map_err(|e| Error::Column {
                column: schema::col::EVENTS,
                reason: e.to_string(),
            })
        };
        self.accounts
            .chunks(rows.max(1))
            .map(|chunk| {
                let mut account = FixedSizeBinaryBuilder::new(16);
                let mut events = Vec::with_capacity(chunk.len());
                let mut carried = Vec::with_capacity(chunk.len());
                for a in chunk {
                    account.append_value(a.id.uuid().as_bytes())?;
                    events.push(json(serde_json::to_string(&a.events))?);
                    carried.push(match &a.carried_in {
                        Some(c) => Some(json(serde_json::to_string(c))?),
                        None => None,
                    });
                }
                let columns: Vec<ArrayRef> = vec![
                    Arc::new(account.finish()),
                    Arc::new(StringArray::from(events)),
                    Arc::new(StringArray::from(carried)),
                ];
                Ok(RecordBatch::try_new(schema::accounts(), columns)?)
            })
            .collect()
    }

    /// The rates as one record batch of [`schema::rates`].
    pub fn rates_batch(&self) -> Result<RecordBatch, Error> {
        let columns: Vec<ArrayRef> = vec![
            Arc::new(StringArray::from_iter_values(
                self.rates.iter().map(|r| r.from.code().to_owned()),
            )),
            Arc::new(StringArray::from_iter_values(
                self.rates.iter().map(|r| r.to.code().to_owned()),
            )),
            Arc::new(StringArray::from_iter_values(
                self.rates.iter().map(|r| r.month.to_string()),
            )),
            Arc::new(StringArray::from_iter_values(
                self.rates.iter().map(|r| r.rate.value().to_string()),
            )),
        ];
        Ok(RecordBatch::try_new(schema::rates(), columns)?)
    }

    /// Writes the marketplace as a folder [`register_folder`](crate::register_folder) reads:
    /// the ledger in `files` Parquet files of `rows` rows per batch, the accounts and rates.
    pub fn write(&self, dir: &std::path::Path, files: usize, rows: usize) -> Result<(), Error> {
        crate::write_folder(
            dir,
            crate::table::LEDGER,
            schema::ledger(),
            &self.ledger_batches(rows)?,
            files,
        )?;
        crate::write_folder(
            dir,
            crate::table::ACCOUNTS,
            schema::accounts(),
            &self.accounts_batches(rows)?,
            files,
        )?;
        crate::write_folder(
            dir,
            crate::table::RATES,
            schema::rates(),
            &[self.rates_batch()?],
            1,
        )
    }
}

/// The last sale of an account, for refunds.
#[derive(Clone)]
struct Sale {
    entry: i64,
    value: LedgerEntry,
}

/// Where sales come from: mostly app sales, some through the programs with their lags.
const SOURCES: [&str; 10] = [
    RevenueSource::APP_SALES,
    RevenueSource::APP_SALES,
    RevenueSource::APP_SALES,
    RevenueSource::APP_SALES,
    RevenueSource::APP_SALES,
    RevenueSource::APP_SALES,
    RevenueSource::APP_SALES,
    RevenueSource::EA_USAGE,
    RevenueSource::EA_ORDER,
    RevenueSource::CSP_MCA_CUSTOMER_PAID,
];

/// Where buyers are: mostly the US.
const COUNTRIES: [CountryCode; 10] = [
    CountryCode::US,
    CountryCode::US,
    CountryCode::US,
    CountryCode::US,
    CountryCode::DE,
    CountryCode::SE,
    CountryCode::GB,
    CountryCode::JP,
    CountryCode::FR,
    CountryCode::CA,
];

/// The year's ledger: sales skewed towards a few accounts, and refunds of an account's last
/// sale.
fn ledger(
    rng: &mut Rng,
    spec: &Spec,
    settings: &Settings,
    accounts: &[Account],
    kinds: &[Kind],
) -> Result<Vec<Row>, DomainError> {
    let n = accounts.len() as u64;
    let mut rows = Vec::with_capacity(spec.entries);
    let mut last: Vec<Option<Sale>> = vec![None; accounts.len()];
    for e in 0..spec.entries {
        if n == 0 {
            break;
        }
        // Skewed: a few accounts sell much more than most.
        let a = rng.below(n);
        let a = if rng.chance(30) {
            a % n.div_ceil(20)
        } else {
            a
        };
        let ai = usize::try_from(a).unwrap_or(0);
        let (Some(account), Some(kind)) = (accounts.get(ai), kinds.get(ai)) else {
            continue;
        };
        let entry = i64::try_from(e).unwrap_or(i64::MAX);
        let refund = match last.get(ai) {
            Some(Some(sale)) if rng.chance(4) && sale.value.amount_minor() > 0 => {
                Some(sale.clone())
            }
            _ => None,
        };
        let (value, refund_of) = if let Some(sale) = refund {
            (
                refund_of(rng, spec, settings, &sale.value)?,
                Some(sale.entry),
            )
        } else {
            let value = sale(rng, spec, settings, *kind)?;
            if let Some(slot) = last.get_mut(ai) {
                *slot = Some(Sale {
                    entry,
                    value: value.clone(),
                });
            }
            (value, None)
        };
        rows.push(Row {
            account: account.id,
            entry,
            value,
            refund_of,
        });
    }
    Ok(rows)
}

/// A refund of part of `sale`, up to 20 days after it (within the year).
fn refund_of(
    rng: &mut Rng,
    spec: &Spec,
    settings: &Settings,
    sale: &LedgerEntry,
) -> Result<LedgerEntry, DomainError> {
    let part =
        i64::try_from(rng.below(u64::try_from(sale.amount_minor()).unwrap_or(1))).unwrap_or(0) + 1;
    let later = sale.earned_on() + Duration::days(i64::try_from(rng.below(20)).unwrap_or(0));
    let on = later.min(day(spec.year, 12, 31));
    Ok(LedgerEntry::new(
        sale.source().clone(),
        Money::from_minor_units(-part, sale.currency()),
        on,
        sale.country_of_sale(),
        &settings.policy,
    )?)
}

/// A sale on a day of the year: mostly in dollars, to buyers mostly in the US.
fn sale(
    rng: &mut Rng,
    spec: &Spec,
    settings: &Settings,
    kind: Kind,
) -> Result<LedgerEntry, DomainError> {
    let first = day(spec.year, 1, 1);
    let days = u64::try_from(
        day(spec.year, 12, 31)
            .signed_duration_since(first)
            .num_days(),
    )
    .unwrap_or(364)
        + 1;
    let currency = if rng.chance(70) {
        Currency::USD
    } else {
        rng.pick(&CURRENCIES, Currency::USD)
    };
    let amount = if currency == Currency::JPY {
        rng.below(5_000) + 1
    } else {
        rng.below(50_000) + 1
    };
    let mut country = rng.pick(&COUNTRIES, CountryCode::US);
    // Accounts paid in euros sell outside the US (withholding needs dollars), except a few,
    // which the rules refuse.
    if kind == Kind::Euro && country == CountryCode::US && !rng.chance(3) {
        country = CountryCode::DE;
    }
    let on = first + Duration::days(i64::try_from(rng.below(days)).unwrap_or(0));
    Ok(LedgerEntry::new(
        RevenueSource::new(rng.pick(&SOURCES, RevenueSource::APP_SALES))?,
        Money::from_minor_units(i64::try_from(amount).unwrap_or(1), currency),
        on,
        country,
        &settings.policy,
    )?)
}

/// Rates from every currency into dollars and euros, for every month from December of the
/// year before to January of the year after.
fn rates(rng: &mut Rng, year: i32) -> Result<Vec<RateRow>, DomainError> {
    // Per (from, to): a base rate and a spread, in ten-thousandths.
    let base = |from: Currency, to: Currency| -> (i64, u64) {
        match (from.code(), to.code()) {
            ("EUR", "USD") => (10_500, 700),
            ("GBP", "USD") => (12_000, 1_000),
            ("JPY", "USD") => (65, 8),
            ("SEK", "USD") => (900, 100),
            ("USD", "EUR") => (8_900, 600),
            ("GBP", "EUR") => (11_400, 500),
            ("JPY", "EUR") => (60, 6),
            ("SEK", "EUR") => (860, 60),
            _ => (10_000, 100),
        }
    };
    let mut out = Vec::new();
    let mut month = PayoutMonth::new(year - 1, 12)?;
    let last = PayoutMonth::new(year + 1, 1)?;
    while month <= last {
        for to in [Currency::USD, Currency::EUR] {
            for from in CURRENCIES {
                if from == to {
                    continue;
                }
                let (b, spread) = base(from, to);
                let units = b + i64::try_from(rng.below(spread)).unwrap_or(0);
                out.push(RateRow {
                    from,
                    to,
                    month,
                    rate: Rate::new(Decimal::new(units, 4))?,
                });
            }
        }
        month = month.next()?;
    }
    Ok(out)
}
