//! Payout policy: thresholds, program lags, payment day and time zone as data (rule PAY-8).

use chrono::NaiveDate;
use partnerkit_core::{CountryCode, Currency, Money};
use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::exchange::ExchangeRates;
use crate::ledger::{LedgerEntry, RevenueSource};
use crate::method::{MethodKind, PaypalMarkets};
use crate::month::{PayoutMonth, PayoutTimeZone};

/// One row of the payment-threshold table: the first row that matches the payout method,
/// country and currency gives the minimum paid out (rule PAY-8).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ThresholdRule {
    /// The method this row is for; `None` for any method.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<MethodKind>,
    /// The countries this row is for; empty for any country.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub countries: Vec<CountryCode>,
    /// The smallest balance that is paid out; less is carried over to the next cycle.
    pub minimum: Money,
}

impl ThresholdRule {
    fn matches(&self, method: MethodKind, country: CountryCode, currency: Currency) -> bool {
        self.method.is_none_or(|m| m == method)
            && (self.countries.is_empty() || self.countries.contains(&country))
            && self.minimum.currency() == currency
    }
}

/// How many months after the month it was earned in a program's revenue becomes payable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ProgramLag {
    /// The revenue source (program).
    pub source: RevenueSource,
    /// Months after the month earned: `1` means revenue earned in March is paid in April.
    pub months: u8,
}

/// Everything about payouts that is data rather than rule (rule PAY-8): payment thresholds per
/// method and country, PayPal markets, program lags, the payment day and the payout time zone,
/// with the source and date of the figures.
///
/// [`Default`] is the newer marketplace page: a single threshold of 50 USD in all cases.
/// [`PayoutPolicy::store_legacy`] is the older Store/marketplace table (25 USD, or 200 USD by
/// bank wire). Both come from Microsoft's published marketplace/Store payout documentation,
/// recorded in this crate's `data/payout-thresholds.md` on 2026-11-25; older and newer
/// versions of those pages differ, which is why they are data a host overrides with the
/// `with_*` methods or by deserialising its own policy.
///
/// ```
/// use partnerkit_core::{CountryCode, Currency, Money};
/// use partnerkit_payouts::{MethodKind, PayoutPolicy};
/// let p = PayoutPolicy::default();
/// assert_eq!(p.threshold(MethodKind::Bank, CountryCode::SE, Currency::USD)?.to_string(), "50.00 USD");
/// let legacy = PayoutPolicy::store_legacy();
/// assert_eq!(legacy.threshold(MethodKind::Bank, CountryCode::JP, Currency::USD)?.to_string(), "200.00 USD");
/// assert_eq!(legacy.threshold(MethodKind::PayPal, CountryCode::JP, Currency::USD)?.to_string(), "25.00 USD");
/// // A host paying in euros adds its own row.
/// let eur = p.with_threshold(None, vec![], "40.00 EUR".parse::<Money>()?)?;
/// assert!(eur.threshold(MethodKind::PayPal, CountryCode::FR, Currency::EUR).is_ok());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(try_from = "PolicyData", into = "PolicyData")]
pub struct PayoutPolicy {
    data: PolicyData,
}

/// The serialised form of a [`PayoutPolicy`]; validated when read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
struct PolicyData {
    source: String,
    as_of: NaiveDate,
    payment_day: u32,
    time_zone: PayoutTimeZone,
    thresholds: Vec<ThresholdRule>,
    paypal_markets: PaypalMarkets,
    program_lags: Vec<ProgramLag>,
    default_lag_months: u8,
}

impl TryFrom<PolicyData> for PayoutPolicy {
    type Error = Error;
    fn try_from(data: PolicyData) -> Result<Self, Error> {
        if !(1..=28).contains(&data.payment_day) {
            return Err(Error::InvalidPolicy {
                reason: format!(
                    "payment day {} is not in the required range of 1..=28",
                    data.payment_day
                ),
            });
        }
        for rule in &data.thresholds {
            rule.minimum.minor_units()?;
            if rule.minimum.is_negative() {
                return Err(Error::InvalidPolicy {
                    reason: format!("threshold {} is negative", rule.minimum),
                });
            }
        }
        Ok(PayoutPolicy { data })
    }
}

impl From<PayoutPolicy> for PolicyData {
    fn from(p: PayoutPolicy) -> Self {
        p.data
    }
}

const SOURCE: &str = "Microsoft marketplace/Store payout documentation (payments sent by the 15th, Pacific time; thresholds; program lags), as recorded in partnerkit-payouts data/payout-thresholds.md";

fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 25).unwrap_or(NaiveDate::MIN)
}

fn countries(codes: &[&str]) -> Vec<CountryCode> {
    codes.iter().filter_map(|c| c.parse().ok()).collect()
}

fn default_lags() -> Vec<ProgramLag> {
    [
        (RevenueSource::EA_USAGE, 2),
        (RevenueSource::EA_ORDER, 1),
        (RevenueSource::CSP_MCA_CUSTOMER_PAID, 3),
    ]
    .iter()
    .filter_map(|(s, m)| {
        RevenueSource::new(s)
            .ok()
            .map(|source| ProgramLag { source, months: *m })
    })
    .collect()
}

impl Default for PayoutPolicy {
    fn default() -> Self {
        PayoutPolicy {
            data: PolicyData {
                source: format!("{SOURCE} (newer marketplace page: one threshold of 50 USD)"),
                as_of: as_of(),
                payment_day: 15,
                time_zone: PayoutTimeZone::UsPacific,
                thresholds: vec![ThresholdRule {
                    method: None,
                    countries: vec![],
                    minimum: Money::from_minor_units(5_000, Currency::USD),
                }],
                paypal_markets: PaypalMarkets::default(),
                program_lags: default_lags(),
                default_lag_months: 1,
            },
        }
    }
}

impl PayoutPolicy {
    /// The older Store/marketplace table: 25 USD by bank or PayPal in ACH/SEPA countries;
    /// 200 USD by bank wire in wire countries (BR, KR, JP, CN, CH, PL), 25 USD by PayPal there.
    pub fn store_legacy() -> Self {
        let mut p = PayoutPolicy::default();
        p.data.source = format!("{SOURCE} (older Store table: 25 USD, 200 USD by wire)");
        p.data.thresholds = vec![
            ThresholdRule {
                method: Some(MethodKind::Bank),
                countries: countries(&["BR", "KR", "JP", "CN", "CH", "PL"]),
                minimum: Money::from_minor_units(20_000, Currency::USD),
            },
            ThresholdRule {
                method: None,
                countries: vec![],
                minimum: Money::from_minor_units(2_500, Currency::USD),
            },
        ];
        p
    }

    /// Where the figures come from.
    pub fn source(&self) -> &str {
        &self.data.source
    }

    /// The date the figures were recorded.
    pub fn as_of(&self) -> NaiveDate {
        self.data.as_of
    }

    /// The day of the month by which payments due that month are sent (15 by default).
    pub fn payment_day(&self) -> u32 {
        self.data.payment_day
    }

    /// The payment date of month `m`'s payout.
    pub fn payment_date(&self, m: PayoutMonth) -> NaiveDate {
        m.day(self.data.payment_day)
    }

    /// The time zone in which months end (rule PAY-6; US Pacific by default).
    pub fn time_zone(&self) -> PayoutTimeZone {
        self.data.time_zone
    }

    /// Where PayPal is offered (rule PAY-2).
    pub fn paypal_markets(&self) -> &PaypalMarkets {
        &self.data.paypal_markets
    }

    /// The threshold rows, first match wins.
    pub fn thresholds(&self) -> &[ThresholdRule] {
        &self.data.thresholds
    }

    /// The months after which `source`'s revenue becomes payable.
    pub fn lag_months(&self, source: &RevenueSource) -> u8 {
        self.data
            .program_lags
            .iter()
            .find(|l| &l.source == source)
            .map_or(self.data.default_lag_months, |l| l.months)
    }

    /// The month revenue from `source` earned on `earned_on` becomes payable: the month it was
    /// earned plus `source`'s lag (rule PAY-8). [`LedgerEntry::new`] files entries with it, and
    /// [`LedgerEntry::check_policy`] checks them against it; a host that receives entries
    /// without their month gives them this one. [`Error::MonthOutOfRange`] past 9999-12.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use partnerkit_payouts::{PayoutPolicy, RevenueSource};
    /// let policy = PayoutPolicy::default();
    /// let day = NaiveDate::from_ymd_opt(2027, 1, 20).unwrap();
    /// let usage: RevenueSource = RevenueSource::EA_USAGE.parse()?;
    /// assert_eq!(policy.payable_month(&usage, day)?.to_string(), "2027-03");
    /// # Ok::<(), partnerkit_payouts::Error>(())
    /// ```
    pub fn payable_month(
        &self,
        source: &RevenueSource,
        earned_on: NaiveDate,
    ) -> Result<PayoutMonth, Error> {
        PayoutMonth::of_date(earned_on)?.plus(i32::from(self.lag_months(source)))
    }

    /// The payout cycle whose statement records `entry` (rule PAY-5): the month after the
    /// month it was earned (a sale of 10 March is on April's statement). In that cycle the
    /// entry is due if it is already payable ([`LedgerEntry::payable_in`], after the program's
    /// lag), and otherwise carried as pending until it is (rule PAY-8).
    ///
    /// This is the one place the rule lives: [`PayoutProfile::statements`](crate::PayoutProfile::statements)
    /// uses it, and so should a host that files entries into cycles itself.
    /// [`Error::MonthOutOfRange`] if the entry was earned in [`PayoutMonth::MAX`].
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use partnerkit_core::CountryCode;
    /// use partnerkit_payouts::{LedgerEntry, PayoutPolicy, RevenueSource};
    /// let policy = PayoutPolicy::default();
    /// let day = NaiveDate::from_ymd_opt(2027, 3, 31).unwrap();
    /// let sale = LedgerEntry::new("app_sales".parse()?, "5.00 USD".parse()?, day, CountryCode::SE, &policy)?;
    /// assert_eq!(policy.cycle_of(&sale)?.to_string(), "2027-04");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn cycle_of(&self, entry: &LedgerEntry) -> Result<PayoutMonth, Error> {
        PayoutMonth::of_date(entry.earned_on())?.next()
    }

    /// The payment threshold for `method` in `country`, in `currency` (rule PAY-8).
    pub fn threshold(
        &self,
        method: MethodKind,
        country: CountryCode,
        currency: Currency,
    ) -> Result<Money, Error> {
        self.data
            .thresholds
            .iter()
            .find(|r| r.matches(method, country, currency))
            .map(|r| r.minimum)
            .ok_or(Error::NoThreshold {
                method,
                country,
                currency,
            })
    }

    /// The payment threshold for `method` in `country`, in `currency`, where the policy may
    /// have it in another currency (rules PAY-8, PAY-10): a row in `currency` wins; otherwise
    /// the first row matching the method and country, in whatever currency, is converted at
    /// the host's rate for `month` and rounded once with
    /// [`CONVERSION_ROUNDING`](crate::CONVERSION_ROUNDING). So with the default policy (one
    /// threshold of 50 USD) a SEK or JPY account's threshold is 50 USD's worth at the month's
    /// rate, until the host adds a row in that currency.
    ///
    /// ```
    /// use partnerkit_core::{CountryCode, Currency};
    /// use partnerkit_payouts::{FixedRates, MethodKind, PayoutPolicy};
    /// let march = "2027-03".parse()?;
    /// let rates = FixedRates::new().with(Currency::USD, Currency::SEK, march, "10.4215".parse()?);
    /// let p = PayoutPolicy::default();
    /// let sek = p.threshold_converted(MethodKind::Bank, CountryCode::SE, Currency::SEK, march, &rates)?;
    /// assert_eq!(sek.to_string(), "521.08 SEK");
    /// let own = p.with_threshold(None, vec![], "500.00 SEK".parse()?)?;
    /// assert_eq!(own.threshold_converted(MethodKind::Bank, CountryCode::SE, Currency::SEK, march, &rates)?.to_string(), "500.00 SEK");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn threshold_converted(
        &self,
        method: MethodKind,
        country: CountryCode,
        currency: Currency,
        month: PayoutMonth,
        rates: &dyn ExchangeRates,
    ) -> Result<Money, Error> {
        if let Ok(t) = self.threshold(method, country, currency) {
            return Ok(t);
        }
        let row = self
            .data
            .thresholds
            .iter()
            .find(|r| r.matches(method, country, r.minimum.currency()))
            .ok_or(Error::NoThreshold {
                method,
                country,
                currency,
            })?;
        let from = row.minimum.currency();
        let rate = rates
            .rate(from, currency, month)
            .ok_or(Error::NoExchangeRate {
                from,
                to: currency,
                month,
            })?;
        rate.convert(row.minimum, currency)
    }

    /// This policy with a payment day (1–28).
    pub fn with_payment_day(mut self, day: u32) -> Result<Self, Error> {
        self.data.payment_day = day;
        PayoutPolicy::try_from(self.data)
    }

    /// This policy with another payout time zone.
    pub fn with_time_zone(mut self, tz: PayoutTimeZone) -> Self {
        self.data.time_zone = tz;
        self
    }

    /// This policy with a threshold row placed first (so it wins over the existing rows).
    /// The minimum must be in whole minor units and not negative.
    pub fn with_threshold(
        mut self,
        method: Option<MethodKind>,
        countries: Vec<CountryCode>,
        minimum: Money,
    ) -> Result<Self, Error> {
        self.data.thresholds.insert(
            0,
            ThresholdRule {
                method,
                countries,
                minimum,
            },
        );
        PayoutPolicy::try_from(self.data)
    }

    /// This policy with other PayPal markets.
    pub fn with_paypal_markets(mut self, markets: PaypalMarkets) -> Self {
        self.data.paypal_markets = markets;
        self
    }

    /// This policy with `source`'s lag set to `months`.
    pub fn with_lag(mut self, source: RevenueSource, months: u8) -> Self {
        self.data.program_lags.retain(|l| l.source != source);
        self.data.program_lags.push(ProgramLag { source, months });
        self
    }

    /// This policy with the lag of sources not in the table.
    pub fn with_default_lag(mut self, months: u8) -> Self {
        self.data.default_lag_months = months;
        self
    }

    /// This policy with its source and date.
    pub fn with_source(mut self, source: &str, as_of: NaiveDate) -> Self {
        source.clone_into(&mut self.data.source);
        self.data.as_of = as_of;
        self
    }
}
