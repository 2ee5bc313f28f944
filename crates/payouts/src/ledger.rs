//! Revenue ledger entries: what was earned, from which source, when and where (rules PAY-7,
//! PAY-8).

use std::sync::{Arc, LazyLock};

use chrono::NaiveDate;
use partnerkit_core::{CountryCode, Currency, Money};
use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::exchange::{Conversion, ExchangeRates};
use crate::month::PayoutMonth;
use crate::policy::PayoutPolicy;

/// A revenue source or program, such as `app_sales` or `ea_usage`: 1 to 64 lower-case
/// letters, digits, `_`, `-` or `.`.
///
/// The payout hold covers every source alike (rule PAY-7); the source only decides the lag
/// after which revenue becomes payable (rule PAY-8, [`PayoutPolicy::lag_months`]).
///
/// **Why a validated name and not an enum.** The constants ([`RevenueSource::APP_SALES`],
/// [`EA_USAGE`](RevenueSource::EA_USAGE), …) name the programs the default
/// [`PayoutPolicy`] knows, but the set is open on purpose: program lags are data the host
/// overrides (rule PAY-8), so a host adds a program with
/// [`PayoutPolicy::with_lag`] or a row of its policy's JSON, and records its revenue,
/// without a partnerkit release. A closed enum would refuse those entries, and every stored
/// ledger and policy that names one. What the type does guarantee is the name's form, the
/// same in code and in serde (a plain string such as `"app_sales"`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema), schemars(extend("pattern" = "^[a-z0-9_.-]{1,64}$")))]
#[serde(try_from = "String", into = "String")]
pub struct RevenueSource(#[cfg_attr(feature = "schema", schemars(with = "String"))] Arc<str>);

/// The default policy's programs, made once: `RevenueSource::new` hands out clones of these.
static KNOWN: LazyLock<[Arc<str>; 4]> = LazyLock::new(|| {
    [
        RevenueSource::APP_SALES,
        RevenueSource::EA_USAGE,
        RevenueSource::EA_ORDER,
        RevenueSource::CSP_MCA_CUSTOMER_PAID,
    ]
    .map(Arc::from)
});

impl RevenueSource {
    /// App and offer sales through the marketplace (default lag).
    pub const APP_SALES: &'static str = "app_sales";
    /// Enterprise Agreement usage: earned in month 1, paid in month 3.
    pub const EA_USAGE: &'static str = "ea_usage";
    /// Enterprise Agreement orders: earned in month 1, paid in month 2.
    pub const EA_ORDER: &'static str = "ea_order";
    /// Customer-paid CSP/MCA transactions: earned in month 1, paid in month 4.
    pub const CSP_MCA_CUSTOMER_PAID: &'static str = "csp_mca_customer_paid";

    /// The longest name accepted, in characters.
    pub const MAX_CHARS: usize = 64;

    /// Validates a source name.
    ///
    /// Cheap to clone: the name is shared, not copied, by clones (an `Arc<str>`), and the
    /// programs the default policy knows are made once per process, so a ledger of millions
    /// of entries, each carrying its source through conversion and withholding, allocates
    /// nothing for them.
    pub fn new(value: &str) -> Result<Self, Error> {
        let ok = (1..=Self::MAX_CHARS).contains(&value.len())
            && value.bytes().all(|b| {
                b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'_' | b'-' | b'.')
            });
        if ok {
            let known = KNOWN.iter().find(|k| &***k == value);
            Ok(RevenueSource(
                known.map_or_else(|| Arc::from(value), Arc::clone),
            ))
        } else {
            Err(Error::InvalidRevenueSource {
                given: partnerkit_core::clip(value, 80),
            })
        }
    }
}
partnerkit_core::validated_string!(RevenueSource, Error);

/// One line of the revenue ledger: an amount earned from a source, or refunded (negative),
/// with what was withheld from it for tax (rules PAY-8, PAY-9).
///
/// Validated once, when built: the amount and the withheld amount are whole minor units of one
/// currency, the withheld amount has the amount's sign and is no larger. Inside, amounts are
/// kept as `i64` minor units so that statements fold fast; [`amount`](LedgerEntry::amount)
/// and [`withheld`](LedgerEntry::withheld) give them back as [`Money`].
///
/// The month the entry becomes payable is fixed when it is built, from the policy's lag for
/// its source.
///
/// ```
/// use chrono::NaiveDate;
/// use partnerkit_core::CountryCode;
/// use partnerkit_payouts::{LedgerEntry, PayoutPolicy, RevenueSource};
/// let policy = PayoutPolicy::default();
/// let sale = LedgerEntry::new(
///     RevenueSource::new(RevenueSource::EA_USAGE)?,
///     "120.00 USD".parse()?,
///     NaiveDate::from_ymd_opt(2027, 1, 20).unwrap(),
///     CountryCode::US,
///     &policy,
/// )?
/// .with_withheld("36.00 USD".parse()?)?; // from the tax crate, joined by the facade
/// assert_eq!(sale.payable_in().to_string(), "2027-03"); // EA usage: month 1 → month 3
/// assert_eq!(sale.net().to_string(), "84.00 USD");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(try_from = "EntryData", into = "EntryData")]
pub struct LedgerEntry {
    source: RevenueSource,
    currency: Currency,
    amount: i64,
    withheld: i64,
    earned_on: NaiveDate,
    country_of_sale: CountryCode,
    payable_in: PayoutMonth,
    conversion: Option<Conversion>,
}

/// The serialised form of a ledger entry.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
struct EntryData {
    source: RevenueSource,
    amount: Money,
    withheld: Money,
    earned_on: NaiveDate,
    country_of_sale: CountryCode,
    payable_in: PayoutMonth,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    conversion: Option<Conversion>,
}

impl TryFrom<EntryData> for LedgerEntry {
    type Error = Error;
    fn try_from(d: EntryData) -> Result<Self, Error> {
        if d.payable_in < PayoutMonth::of_date(d.earned_on)? {
            return Err(Error::EntryMonth {
                earned_on: d.earned_on,
                payable_in: d.payable_in,
                policy_says: None,
            });
        }
        let mut entry = LedgerEntry::build(
            d.source,
            d.amount,
            d.earned_on,
            d.country_of_sale,
            d.payable_in,
        )?
        .with_withheld(d.withheld)?;
        if let Some(c) = d.conversion {
            if c.to == entry.currency {
                return Err(Error::CurrencyMismatch {
                    expected: entry.currency,
                    found: c.to,
                });
            }
            entry.conversion = Some(c);
        }
        Ok(entry)
    }
}

impl From<LedgerEntry> for EntryData {
    fn from(e: LedgerEntry) -> Self {
        EntryData {
            amount: e.amount(),
            withheld: e.withheld(),
            source: e.source,
            earned_on: e.earned_on,
            country_of_sale: e.country_of_sale,
            payable_in: e.payable_in,
            conversion: e.conversion,
        }
    }
}

pub(crate) fn minor_units(m: Money) -> Result<i64, Error> {
    m.minor_units().map_err(|e| match e {
        partnerkit_core::Error::NotInMinorUnits { .. } => Error::NotInMinorUnits {
            amount: m.to_string(),
        },
        _ => Error::Overflow {
            what: "an amount in minor units".into(),
        },
    })
}

impl LedgerEntry {
    /// An entry of `amount` (negative for a refund) from `source`, earned on `earned_on` from a
    /// sale in `country_of_sale`, payable after `policy`'s lag for `source`. Nothing is
    /// withheld until [`with_withheld`](LedgerEntry::with_withheld) says so.
    ///
    /// [`Error::MonthOutOfRange`] if the date, or the month it becomes payable, is outside the
    /// payout months ([`PayoutMonth::MIN`]..=[`PayoutMonth::MAX`]).
    pub fn new(
        source: RevenueSource,
        amount: Money,
        earned_on: NaiveDate,
        country_of_sale: CountryCode,
        policy: &PayoutPolicy,
    ) -> Result<Self, Error> {
        let payable_in = policy.payable_month(&source, earned_on)?;
        LedgerEntry::build(source, amount, earned_on, country_of_sale, payable_in)
    }

    /// Checks that this entry was built with `policy`: its payable month is the one `policy`'s
    /// lag for its source gives ([`LedgerEntry::new`]). Statements rebuild entries with their
    /// policy, so an entry built with another one would move to another month; it is refused
    /// with [`Error::EntryMonth`] instead ([`Error::MonthOutOfRange`] if the policy's month
    /// is out of range).
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use partnerkit_core::CountryCode;
    /// use partnerkit_payouts::{LedgerEntry, PayoutPolicy, RevenueSource};
    /// let policy = PayoutPolicy::default();
    /// let day = NaiveDate::from_ymd_opt(2027, 1, 20).unwrap();
    /// let usage = LedgerEntry::new("ea_usage".parse()?, "1.00 USD".parse()?, day, CountryCode::US, &policy)?;
    /// assert!(usage.check_policy(&policy).is_ok());
    /// let fast = policy.with_lag(RevenueSource::new(RevenueSource::EA_USAGE)?, 0);
    /// assert_eq!(usage.check_policy(&fast).unwrap_err().code(), "entry_month");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn check_policy(&self, policy: &PayoutPolicy) -> Result<(), Error> {
        let expected = policy.payable_month(&self.source, self.earned_on)?;
        if expected == self.payable_in {
            Ok(())
        } else {
            Err(Error::EntryMonth {
                earned_on: self.earned_on,
                payable_in: self.payable_in,
                policy_says: Some(expected),
            })
        }
    }

    fn build(
        source: RevenueSource,
        amount: Money,
        earned_on: NaiveDate,
        country_of_sale: CountryCode,
        payable_in: PayoutMonth,
    ) -> Result<Self, Error> {
        Ok(LedgerEntry {
            source,
            currency: amount.currency(),
            amount: minor_units(amount)?,
            withheld: 0,
            earned_on,
            country_of_sale,
            payable_in,
            conversion: None,
        })
    }

    /// This entry to be paid in `to` (rule PAY-10): the host's rate from the entry's currency
    /// into `to` for the month it was earned is recorded with it, and statements convert at
    /// it with one rounding step per line ([`CONVERSION_ROUNDING`](crate::CONVERSION_ROUNDING)).
    /// An entry already in `to` is returned as it is. [`Error::NoExchangeRate`] if the host
    /// has no rate.
    ///
    /// Withholding is joined in the entry's own currency, before or after converting.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use partnerkit_core::{CountryCode, Currency};
    /// use partnerkit_payouts::{FixedRates, LedgerEntry, PayoutPolicy};
    /// let policy = PayoutPolicy::default();
    /// let day = NaiveDate::from_ymd_opt(2027, 3, 10).unwrap();
    /// let sale = LedgerEntry::new("app_sales".parse()?, "100.00 EUR".parse()?, day, CountryCode::DE, &policy)?;
    /// let rates = FixedRates::new().with(Currency::EUR, Currency::USD, "2027-03".parse()?, "1.0712".parse()?);
    /// let sale = sale.convert(Currency::USD, &rates)?;
    /// assert_eq!(sale.payout_currency(), Currency::USD);
    /// assert_eq!(sale.amount().to_string(), "100.00 EUR"); // the original is kept
    /// assert!(sale.convert(Currency::SEK, &rates).is_err()); // no EUR→SEK rate for March
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn convert(mut self, to: Currency, rates: &dyn ExchangeRates) -> Result<Self, Error> {
        if to == self.currency {
            self.conversion = None;
            return Ok(self);
        }
        let month = PayoutMonth::of_date(self.earned_on)?;
        let rate = rates
            .rate(self.currency, to, month)
            .ok_or(Error::NoExchangeRate {
                from: self.currency,
                to,
                month,
            })?;
        self.conversion = Some(Conversion { to, rate });
        Ok(self)
    }

    /// How the entry is converted to the payout currency, if it is in another currency.
    pub fn conversion(&self) -> Option<Conversion> {
        self.conversion
    }

    /// The currency the entry is paid in: the one it was converted to, or its own.
    pub fn payout_currency(&self) -> Currency {
        self.conversion.map_or(self.currency, |c| c.to)
    }

    /// This entry with `withheld` withheld for tax (computed by the tax crate and joined by
    /// the facade). Same currency, same sign as the amount, and no larger.
    pub fn with_withheld(mut self, withheld: Money) -> Result<Self, Error> {
        if withheld.currency() != self.currency {
            return Err(Error::CurrencyMismatch {
                expected: self.currency,
                found: withheld.currency(),
            });
        }
        let w = minor_units(withheld)?;
        let fits = if self.amount >= 0 {
            (0..=self.amount).contains(&w)
        } else {
            (self.amount..=0).contains(&w)
        };
        if !fits {
            return Err(Error::WithheldExceedsAmount {
                amount: self.amount().to_string(),
                withheld: withheld.to_string(),
            });
        }
        self.withheld = w;
        Ok(self)
    }

    /// The revenue source (program).
    pub fn source(&self) -> &RevenueSource {
        &self.source
    }

    /// The amount earned; negative for a refund.
    pub fn amount(&self) -> Money {
        Money::from_minor_units(self.amount, self.currency)
    }

    /// The amount withheld for tax.
    pub fn withheld(&self) -> Money {
        Money::from_minor_units(self.withheld, self.currency)
    }

    /// Amount minus withheld.
    pub fn net(&self) -> Money {
        Money::from_minor_units(self.amount.saturating_sub(self.withheld), self.currency)
    }

    /// The currency of the sale (of [`amount`](LedgerEntry::amount) and
    /// [`withheld`](LedgerEntry::withheld)).
    pub fn currency(&self) -> Currency {
        self.currency
    }

    /// The amount in minor units.
    pub fn amount_minor(&self) -> i64 {
        self.amount
    }

    /// The withheld amount in minor units.
    pub fn withheld_minor(&self) -> i64 {
        self.withheld
    }

    /// The date earned.
    pub fn earned_on(&self) -> NaiveDate {
        self.earned_on
    }

    /// The country of the sale.
    pub fn country_of_sale(&self) -> CountryCode {
        self.country_of_sale
    }

    /// The payout month from which the entry is payable (month earned plus the program lag).
    pub fn payable_in(&self) -> PayoutMonth {
        self.payable_in
    }
}
