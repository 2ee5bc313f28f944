//! Withholding: the seller's rate (rule TAX-5) and its application to one sale (rules TAX-4,
//! TAX-7).

use chrono::NaiveDate;
use partnerkit_core::{CountryCode, Currency, Money, Rounding};
use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::presumption::{Presumption, WithholdingBase};
use crate::rate::Rate;
use crate::state::{FormKind, TaxProfile};
use crate::treaty::{IncomeType, TreatyArticle, TreatyTable};

/// The rounding rule of withholding (rules TAX-7, TAX-9): the withheld amount is
/// `gross × rate` rounded to the currency's minor unit **half away from zero**, and
/// `net = gross − withheld`. It is applied **once** per statement, currency and rate, on the
/// total of the sales the rate applies to ([`withhold_statement`](crate::withhold_statement));
/// per-sale lines are then allocated by largest remainder so they sum to that total.
///
/// Why half away from zero: the withholding agent is liable for tax it fails to withhold, so
/// an exact half cent is withheld rather than left out (half-even would under-withhold on half
/// of the ties); and the rule is symmetric, so a refund (a negative sale) reverses exactly the
/// withholding of the sale it refunds. Because `net` is computed as the difference, withheld +
/// net == gross exactly, for every sale and every total.
pub const WITHHOLDING_ROUNDING: Rounding = Rounding::HalfAwayFromZero;

/// A sale to be withheld on: gross amount in whole minor units, its currency, and the country
/// where it was made (the customer's location, rule TAX-4).
///
/// The amount is validated once, on construction: whole minor units, at most
/// [`Sale::MAX_MINOR_UNITS`] in magnitude (ten thousand billion minor units, 1 trillion USD),
/// which lets the batch path compute exactly on 64-bit integers. Negative amounts are refunds.
///
/// Serialised as `{"gross": {"amount": "9.99", "currency": "USD"}, "country": "US"}`;
/// deserialising runs the same checks.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(try_from = "RawSale", into = "RawSale")]
pub struct Sale {
    minor: i64,
    currency: Currency,
    country: CountryCode,
    slot: u16,
}

partnerkit_core::validated_fields!(
    Sale from RawSale { gross: Money, country: CountryCode } by Sale::new, Error;
    into |s| { gross: s.gross(), country: s.country }
);

/// The dense index of a country code (`AA` = 0 … `ZZ` = 675).
pub(crate) fn country_slot(country: CountryCode) -> u16 {
    let b = country.as_str().as_bytes();
    match (b.first(), b.get(1)) {
        (Some(x), Some(y)) => {
            u16::from(x.saturating_sub(b'A')) * 26 + u16::from(y.saturating_sub(b'A'))
        }
        _ => 0,
    }
}

/// Number of dense country slots (`AA`..=`ZZ`).
pub(crate) const COUNTRY_SLOTS: usize = 26 * 26;
/// The dense slot of `US`.
pub(crate) const US_SLOT: u16 = (b'U' - b'A') as u16 * 26 + (b'S' - b'A') as u16;

impl Sale {
    /// The largest sale amount accepted, in minor units: 10^14 (1 trillion USD).
    pub const MAX_MINOR_UNITS: i64 = 100_000_000_000_000;

    /// A sale of `gross` made in `country`. The amount must be in whole minor units and at most
    /// [`Sale::MAX_MINOR_UNITS`] in magnitude.
    pub fn new(gross: Money, country: CountryCode) -> Result<Sale, Error> {
        let minor = gross.minor_units().map_err(|_| Error::InvalidSale {
            amount: gross.to_string(),
            reason: "it is not in whole minor units of its currency: round it first".into(),
        })?;
        Sale::from_minor_units(minor, gross.currency(), country)
    }

    /// A sale of `minor` minor units (cents) of `currency` made in `country`.
    pub fn from_minor_units(
        minor: i64,
        currency: Currency,
        country: CountryCode,
    ) -> Result<Sale, Error> {
        if minor.unsigned_abs() > Sale::MAX_MINOR_UNITS.unsigned_abs() {
            return Err(Error::InvalidSale {
                amount: Money::from_minor_units(minor, currency).to_string(),
                reason: "it is larger than 10^14 minor units (1 trillion USD): split it".into(),
            });
        }
        Ok(Sale {
            minor,
            currency,
            country,
            slot: country_slot(country),
        })
    }

    /// The gross amount.
    pub fn gross(&self) -> Money {
        Money::from_minor_units(self.minor, self.currency)
    }

    /// The gross amount in minor units.
    pub const fn gross_minor_units(&self) -> i64 {
        self.minor
    }

    /// The currency.
    pub const fn currency(&self) -> Currency {
        self.currency
    }

    /// Where the sale was made.
    pub const fn country(&self) -> CountryCode {
        self.country
    }

    /// True if the sale was made in the US, so withholding applies (rule TAX-4).
    pub const fn is_us_sale(&self) -> bool {
        self.slot == US_SLOT
    }

    pub(crate) const fn slot(&self) -> u16 {
        self.slot
    }
}

impl std::fmt::Debug for Sale {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Sale({} in {})", self.gross(), self.country)
    }
}

/// Why a seller's sales in the US are withheld at a rate (rule TAX-5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum RateReason {
    /// A W-9 is on file: a US person is not withheld on.
    UsPerson,
    /// A valid W-8 with a treaty claim the table grants.
    Treaty {
        /// The treaty country.
        country: CountryCode,
        /// The article.
        article: TreatyArticle,
        /// The income type.
        income: IncomeType,
    },
    /// A valid W-8 without a treaty claim: the default rate.
    NoTreatyClaim {
        /// The form on file.
        form: FormKind,
    },
    /// A valid W-8 whose treaty claim the current table no longer grants: the default rate.
    TreatyNotInTable {
        /// The country claimed.
        country: CountryCode,
        /// The table consulted.
        table_version: String,
    },
    /// The W-8 on file has expired: the default rate until a new one is signed.
    FormExpired {
        /// The expired form.
        form: FormKind,
        /// Its last valid day.
        valid_through: NaiveDate,
    },
    /// No valid form is on file for that date and the seller is presumed a foreign person
    /// (rule TAX-8): the default 30 % on sales made in the US.
    NoValidForm,
    /// No valid form is on file for that date and the seller is presumed a US person
    /// (rule TAX-8): 24 % backup withholding on every sale.
    BackupWithholding {
        /// Why the seller is presumed a US person.
        presumption: Presumption,
    },
}

/// A short English sentence for a person (logs, statements, examples); hosts that translate
/// match on the variants.
///
/// ```
/// use partnerkit_tax::{FormKind, RateReason};
/// assert_eq!(RateReason::UsPerson.to_string(), "a US person with a W-9 on file: not withheld");
/// let reason = RateReason::NoTreatyClaim { form: FormKind::W8Ben };
/// assert_eq!(reason.to_string(), "the default rate: a W-8BEN without a treaty claim");
/// ```
impl std::fmt::Display for RateReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RateReason::UsPerson => f.write_str("a US person with a W-9 on file: not withheld"),
            RateReason::Treaty {
                country,
                article,
                income,
            } => write!(f, "the treaty rate: {country}, article {article}, {income}"),
            RateReason::NoTreatyClaim { form } => {
                write!(f, "the default rate: a {form} without a treaty claim")
            }
            RateReason::TreatyNotInTable {
                country,
                table_version,
            } => write!(
                f,
                "the default rate: the treaty claimed with {country} is not in table {table_version}"
            ),
            RateReason::FormExpired {
                form,
                valid_through,
            } => write!(
                f,
                "the default rate: the {form} on file expired after {valid_through}"
            ),
            RateReason::NoValidForm => {
                f.write_str("the default rate: no valid form on file, presumed a foreign person")
            }
            RateReason::BackupWithholding { presumption } => {
                write!(f, "backup withholding: {presumption}")
            }
        }
    }
}

impl RateReason {
    /// Which sales the rate is withheld on: every sale under backup withholding (rule TAX-8),
    /// else only sales made in the US (rule TAX-4).
    pub const fn base(&self) -> WithholdingBase {
        match self {
            RateReason::BackupWithholding { .. } => WithholdingBase::AllSales,
            _ => WithholdingBase::UsSales,
        }
    }
}

/// A seller's withholding rate on a date and why (rule TAX-5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RateDecision {
    /// The rate for the seller's sales made in the US.
    pub rate: Rate,
    /// Why.
    pub reason: RateReason,
}

impl RateDecision {
    /// Which sales the rate is withheld on ([`RateReason::base`]).
    pub const fn base(&self) -> WithholdingBase {
        self.reason.base()
    }

    /// The rate applied to `sale`: the decision's rate if its [`base`](RateDecision::base)
    /// covers the sale, else 0 % (a sale outside the US of a seller not under backup
    /// withholding, rule TAX-4).
    pub fn rate_for(&self, sale: &Sale) -> Rate {
        match self.base() {
            WithholdingBase::AllSales => self.rate,
            WithholdingBase::UsSales if sale.is_us_sale() => self.rate,
            WithholdingBase::UsSales => Rate::ZERO,
        }
    }

    fn default_rate(reason: RateReason) -> RateDecision {
        RateDecision {
            rate: Rate::DEFAULT_WITHHOLDING,
            reason,
        }
    }
}

/// The rate at which a seller's sales made in the US on `on` are withheld (rule TAX-5),
/// decided by the documentation on file **that day** ([`TaxProfile::form_on`]), so a later
/// profile edit or form never restates a past sale:
///
/// - a W-9 on file: 0 %;
/// - a valid W-8 with a treaty claim the table grants: the treaty rate (the claimed rate if the
///   table's has since dropped below it: never below the treaty rate, never above 30 %);
/// - a W-8 without a claim, with a claim the table no longer grants, or an expired W-8 (after
///   the end of the third calendar year after signing): the 30 % default;
/// - no valid form: the seller is presumed a US or a foreign person from the profile
///   ([`Presumption`], rule TAX-8) — a US person is backup withheld at 24 % on every sale, a
///   foreign person at 30 % on sales made in the US. The details are those in effect that
///   day ([`TaxProfile::details_on`]).
///
/// Compute it once per seller and date, then apply it to each sale with [`withhold`] or a
/// [`WithholdingFold`](crate::WithholdingFold).
pub fn withholding_rate(
    profile: &TaxProfile,
    on: NaiveDate,
    treaties: &TreatyTable,
) -> RateDecision {
    let Some((details, form)) = profile.form_on(on) else {
        if let Some(period) = profile.period_on(on)
            && period.form.kind == period.details.required_form()
            && let Some(valid_through) = period.form.valid_through()
            && on > valid_through
        {
            return RateDecision::default_rate(RateReason::FormExpired {
                form: period.form.kind,
                valid_through,
            });
        }
        let presumption = Presumption::of(profile.details_on(on));
        return if presumption.is_us_person() {
            RateDecision {
                rate: presumption.rate(),
                reason: RateReason::BackupWithholding { presumption },
            }
        } else {
            RateDecision::default_rate(RateReason::NoValidForm)
        };
    };
    if form.kind == FormKind::W9 {
        return RateDecision {
            rate: Rate::ZERO,
            reason: RateReason::UsPerson,
        };
    }
    let Some(claim) = &form.treaty_claim else {
        return RateDecision::default_rate(RateReason::NoTreatyClaim { form: form.kind });
    };
    let residence_matches = details.residence == claim.country;
    match treaties.treaty(claim.country, claim.income) {
        Some(entry) if residence_matches && claim.rate <= Rate::DEFAULT_WITHHOLDING => {
            RateDecision {
                rate: entry.rate.max(claim.rate).min(Rate::DEFAULT_WITHHOLDING),
                reason: RateReason::Treaty {
                    country: claim.country,
                    article: entry
                        .article
                        .clone()
                        .unwrap_or_else(|| claim.article.clone()),
                    income: claim.income,
                },
            }
        }
        _ => RateDecision::default_rate(RateReason::TreatyNotInTable {
            country: claim.country,
            table_version: treaties.version().to_owned(),
        }),
    }
}

/// Why a sale was withheld at its rate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum WithholdingReason {
    /// The sale was made outside the US and the seller's rate applies only to sales made in
    /// the US: not withheld (rule TAX-4).
    NotUsSale,
    /// A sale made in the US, withheld at the seller's rate.
    SellerRate {
        /// Why the seller has that rate.
        reason: RateReason,
    },
}

/// The withholding on one sale (rules TAX-4, TAX-7): `withheld + net == gross` exactly.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Withholding {
    /// The sale amount.
    pub gross: Money,
    /// The amount withheld, in whole minor units.
    pub withheld: Money,
    /// What the seller is credited: `gross − withheld`.
    pub net: Money,
    /// The rate applied: 0 % for a sale outside the US.
    pub rate: Rate,
    /// Why.
    pub reason: WithholdingReason,
}

/// Withholds on one sale (rules TAX-4, TAX-7, TAX-8) in exact decimal arithmetic: a sale the
/// decision's [`base`](RateDecision::base) does not cover (made outside the US, no backup
/// withholding) is not withheld; a covered sale is withheld at `decision.rate`, rounded with
/// [`WITHHOLDING_ROUNDING`]; the net is the difference, so withheld + net == gross.
///
/// ```
/// use partnerkit_core::{CountryCode, Money};
/// use partnerkit_tax::{RateDecision, RateReason, Rate, Sale, withhold};
///
/// let default = RateDecision { rate: Rate::DEFAULT_WITHHOLDING, reason: RateReason::NoValidForm };
/// let us = withhold(&Sale::new("9.99 USD".parse()?, CountryCode::US)?, &default);
/// assert_eq!((us.withheld.to_string(), us.net.to_string()), ("3.00 USD".into(), "6.99 USD".into()));
///
/// let se = withhold(&Sale::new("9.99 USD".parse()?, CountryCode::SE)?, &default);
/// assert!(se.withheld.is_zero()); // rule TAX-4
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn withhold(sale: &Sale, decision: &RateDecision) -> Withholding {
    let gross = sale.gross();
    let (rate, reason) = if decision.base() == WithholdingBase::AllSales || sale.is_us_sale() {
        (
            decision.rate,
            WithholdingReason::SellerRate {
                reason: decision.reason.clone(),
            },
        )
    } else {
        (Rate::ZERO, WithholdingReason::NotUsSale)
    };
    // Exact: |gross| ≤ 10^14 minor units times a 4-decimal rate stays far inside Decimal's 28
    // digits, so the fallback (the integer path, proven equal by property test) never runs.
    let withheld = gross
        .mul_decimal(rate.as_fraction())
        .map(|w| w.to_minor_scale(WITHHOLDING_ROUNDING))
        .unwrap_or_else(|_| {
            Money::from_minor_units(withheld_minor_units(sale.minor, rate), sale.currency)
        });
    let net = gross
        .checked_sub(withheld)
        .map(|n| n.to_minor_scale(WITHHOLDING_ROUNDING))
        .unwrap_or(gross);
    Withholding {
        gross,
        withheld,
        net,
        rate,
        reason,
    }
}

/// The withheld amount of `gross_minor` minor units at `rate`, on integers: `gross × rate`
/// rounded half away from zero ([`WITHHOLDING_ROUNDING`]). Identical to the decimal
/// computation of [`withhold`] for every input (property-tested); this is the batch fast path.
///
/// ```
/// use partnerkit_tax::{Rate, withheld_minor_units};
/// assert_eq!(withheld_minor_units(999, Rate::DEFAULT_WITHHOLDING), 300); // 299.7 → 300
/// assert_eq!(withheld_minor_units(5, "10%".parse()?), 1);                 // 0.5 → 1
/// assert_eq!(withheld_minor_units(-5, "10%".parse()?), -1);               // refund: symmetric
/// # Ok::<(), partnerkit_tax::Error>(())
/// ```
#[inline]
pub fn withheld_minor_units(gross_minor: i64, rate: Rate) -> i64 {
    let bps = i64::from(rate.basis_points());
    if gross_minor.unsigned_abs() <= Sale::MAX_MINOR_UNITS.unsigned_abs() {
        fast_withheld(gross_minor, bps)
    } else {
        // Outside the range of a `Sale`: the same rule on 128 bits (the result ≤ |gross|).
        let p = i128::from(gross_minor) * i128::from(bps);
        let half = if p < 0 { -5_000 } else { 5_000 };
        i64::try_from((p + half) / 10_000).unwrap_or(gross_minor)
    }
}

/// `gross × bps / 10 000` rounded half away from zero, for |gross| ≤ 10^14 and bps ≤ 10 000
/// (the product stays below 10^18 < i64::MAX). Integer division truncates toward zero, so
/// adding half the divisor with the product's sign first rounds half away from zero.
#[inline(always)]
pub(crate) fn fast_withheld(gross_minor: i64, bps: i64) -> i64 {
    let p = gross_minor * bps;
    let half = if p < 0 { -5_000 } else { 5_000 };
    (p + half) / 10_000
}
