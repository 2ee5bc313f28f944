//! Year-end information returns: the data of each payee's Form 1042-S or Form 1099 for a
//! calendar year of payment (rule TAX-10).
//!
//! # Input
//!
//! A [`PaidStatement`] is one payment to one payee: the day it was paid and, per income type,
//! place of sale and withholding decision, the gross paid and the tax withheld
//! ([`PaidIncome`]). The facade builds it when a payout statement is paid, from the paid
//! sales, their [`RateDecision`]s and the lines of their
//! [`StatementWithholding`](crate::StatementWithholding), with [`PaidStatement::from_sales`]. A statement carried over and paid later is
//! reported in the year it is **paid**: a December sale paid in January falls in the next
//! year.
//!
//! The forms on file are the payees' [`TaxProfile`]s: the recipient's country, name and masked
//! TIN are read from the documentation on file on the day of the year's last payment.
//!
//! # Which return
//!
//! Each [`PaidIncome`] is classified by its [`RateReason`]:
//!
//! - a US person (a W-9 on file, or presumed US under backup withholding, rule TAX-8): Form
//!   1099, the form and thresholds of the [`ReportingRules`] (1099-MISC box 2 royalties, or
//!   1099-K for a payment settlement entity);
//! - a foreign person (any other reason): Form 1042-S for the **US-source** income, one per
//!   income code, rate and exemption code; income from sales made outside the US is not
//!   reported and is listed as [`NotReported`] so that every paid cent is accounted for.
//!
//! # Reconciliation
//!
//! For every payee and year: the gross of the 1042-S forms, of the 1099 and of the
//! not-reported income adds up to the gross of the year's paid statements, and the tax
//! withheld on the forms adds up to the tax withheld on them, to the cent
//! ([`YearEndReturns::reconciles`]). Returns are reported in US dollars: a payment in another
//! currency is refused (convert it first, rule PAY-10).

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use partnerkit_core::{AccountId, CountryCode, Currency, DisplayName, Masked, Money};
use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::rate::Rate;
use crate::state::TaxProfile;
use crate::statement::money;
use crate::treaty::IncomeType;
use crate::withholding::{RateDecision, RateReason, Sale};

mod form_1042s;
mod form_1099;
mod rules;

use form_1042s::{Key1042, forms_1042s};
use form_1099::forms_1099;

pub use form_1042s::{ExemptionCode, Form1042S};
pub use form_1099::{Form1099, UsReturnForm};
pub use rules::{MonthDay, ReportingRules};

/// Where the sales behind an income were made (rules TAX-4, TAX-10).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum IncomeSource {
    /// Sales made in the US: US-source income.
    Us,
    /// Sales made outside the US: foreign-source income.
    Foreign,
}

/// One part of a payment: the gross and the tax withheld of the sales of one income type,
/// one source and one withholding decision (rule TAX-10).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PaidIncome {
    /// The income type (Form 1042-S income code).
    pub income: IncomeType,
    /// Where the sales were made.
    pub source: IncomeSource,
    /// The rate applied.
    pub rate: Rate,
    /// Why: tells a US person (W-9, backup withholding) from a foreign person, and a treaty.
    pub reason: RateReason,
    /// How many sales (payment transactions, for Form 1099-K).
    pub sales: u64,
    /// The gross paid, in USD, refunds netted.
    pub gross: Money,
    /// The tax withheld on it, in USD.
    pub withheld: Money,
}

/// One payment to one payee, for the year-end returns (rule TAX-10).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PaidStatement {
    /// Who was paid.
    pub payee: AccountId,
    /// The day it was paid: decides the tax year.
    pub paid_on: NaiveDate,
    /// What was paid, per income type, source and decision.
    pub income: Vec<PaidIncome>,
}

impl PaidStatement {
    /// The payment, on `paid_on`, of the sales of a statement: each sale with the seller's
    /// decision for the day it was made (as given to
    /// [`withhold_statement`](crate::withhold_statement)) and the amount withheld on its line
    /// ([`StatementWithholding::lines`](crate::StatementWithholding::lines)), all of income type `income`. The sales are grouped
    /// by source, applied rate and reason.
    ///
    /// ```
    /// use partnerkit_core::{AccountId, CountryCode, Currency};
    /// use partnerkit_core::chrono::NaiveDate;
    /// use partnerkit_tax::*;
    ///
    /// let foreign = RateDecision { rate: Rate::DEFAULT_WITHHOLDING, reason: RateReason::NoValidForm };
    /// let sales = [
    ///     Sale::from_minor_units(1_000, Currency::USD, CountryCode::US)?,
    ///     Sale::from_minor_units(1_000, Currency::USD, CountryCode::SE)?,
    /// ];
    /// let w = withhold_statement(sales.iter().map(|s| (s, &foreign)))?;
    /// let paid = PaidStatement::from_sales(
    ///     AccountId::from_uuid(partnerkit_core::uuid::Uuid::from_u128(7)),
    ///     NaiveDate::from_ymd_opt(2027, 2, 28).unwrap(),
    ///     IncomeType::OtherRoyalties,
    ///     sales.iter().zip(&w.lines).map(|(s, l)| (s, &foreign, l.withheld)),
    /// )?;
    /// assert_eq!(paid.income.len(), 2); // US-source at 30 %, foreign-source at 0 %
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_sales<'a, I>(
        payee: AccountId,
        paid_on: NaiveDate,
        income: IncomeType,
        sales: I,
    ) -> Result<PaidStatement, Error>
    where
        I: IntoIterator<Item = (&'a Sale, &'a RateDecision, Money)>,
    {
        let mut groups: Vec<PaidIncome> = Vec::new();
        for (sale, decision, withheld) in sales {
            let source = if sale.is_us_sale() {
                IncomeSource::Us
            } else {
                IncomeSource::Foreign
            };
            let rate = decision.rate_for(sale);
            let found = groups.iter_mut().find(|g| {
                g.source == source
                    && g.rate == rate
                    && g.reason == decision.reason
                    && g.gross.currency() == sale.currency()
            });
            match found {
                Some(g) => {
                    g.sales = g.sales.saturating_add(1);
                    g.gross = g.gross.checked_add(sale.gross())?;
                    g.withheld = g.withheld.checked_add(withheld)?;
                }
                None => groups.push(PaidIncome {
                    income,
                    source,
                    rate,
                    reason: decision.reason.clone(),
                    sales: 1,
                    gross: sale.gross(),
                    withheld: withheld.checked_add(Money::zero(sale.currency()))?,
                }),
            }
        }
        Ok(PaidStatement {
            payee,
            paid_on,
            income: groups,
        })
    }
}

/// Who the recipient is, from the documentation on file (rule TAX-10).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Recipient {
    /// The payee's account.
    pub payee: AccountId,
    /// The name on the form on file, if any.
    pub name: Option<DisplayName>,
    /// The TIN on the form on file, masked (rule X-4).
    pub tin: Option<Masked>,
    /// Country of residence on the profile (for a 1042-S, box 13b).
    pub country: Option<CountryCode>,
}

impl Recipient {
    /// The recipient `payee` as its documentation on file says on `on`, the day of the
    /// year's last payment: the name and masked TIN of the form then in effect, the country
    /// of residence of the details then. Without a day, the profile's current form and
    /// details; without a profile, nothing but the payee.
    fn on_file(payee: AccountId, profile: Option<&TaxProfile>, on: Option<NaiveDate>) -> Recipient {
        let (form, details) = match (profile, on) {
            (Some(p), Some(on)) => (
                p.form_on(on).map(|(_, f)| f),
                p.details_on(on).or(p.details.as_ref()),
            ),
            (Some(p), None) => (p.form.as_ref(), p.details.as_ref()),
            _ => (None, None),
        };
        Recipient {
            payee,
            name: form.map(|f| f.name.clone()),
            tin: form.and_then(|f| f.tin.as_ref()).map(|t| t.masked.clone()),
            country: details.map(|d| d.residence),
        }
    }
}

/// Income of a foreign payee that no return reports: sales made outside the US
/// (foreign-source income, rule TAX-4), listed so the returns reconcile with the payments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct NotReported {
    /// The payee.
    pub payee: AccountId,
    /// The calendar year of payment.
    pub tax_year: i32,
    /// The gross paid, USD.
    pub gross: Money,
    /// The tax withheld on it (zero), USD.
    pub withheld: Money,
}

/// Everything reported for one tax year (rule TAX-10).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct YearEndReturns {
    /// The calendar year of payment.
    pub tax_year: i32,
    /// One per foreign payee, income code, rate and exemption code; sorted by payee.
    pub forms_1042s: Vec<Form1042S>,
    /// One per US payee; sorted by payee.
    pub forms_1099: Vec<Form1099>,
    /// Foreign-source income of foreign payees, per payee.
    pub not_reported: Vec<NotReported>,
    /// The gross of the year's paid statements, USD.
    pub paid_gross: Money,
    /// The tax withheld on the year's paid statements, USD.
    pub paid_withheld: Money,
}

impl YearEndReturns {
    /// True if the forms and the not-reported income add up to the year's payments, gross and
    /// withheld, to the cent.
    pub fn reconciles(&self) -> Result<bool, Error> {
        let usd = Currency::USD;
        let gross = Money::sum(
            usd,
            self.forms_1042s
                .iter()
                .map(|f| f.gross_income)
                .chain(self.forms_1099.iter().map(|f| f.amount))
                .chain(self.not_reported.iter().map(|n| n.gross)),
        )?;
        let withheld = Money::sum(
            usd,
            self.forms_1042s
                .iter()
                .map(|f| f.tax_withheld)
                .chain(self.forms_1099.iter().map(|f| f.federal_tax_withheld))
                .chain(self.not_reported.iter().map(|n| n.withheld)),
        )?;
        Ok(gross.checked_cmp(&self.paid_gross)?.is_eq()
            && withheld.checked_cmp(&self.paid_withheld)?.is_eq())
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Sum {
    sales: u64,
    gross: i128,
    withheld: i128,
}

impl Sum {
    fn add(&mut self, sales: u64, gross: i64, withheld: i64) {
        self.sales = self.sales.saturating_add(sales);
        self.gross = self.gross.saturating_add(i128::from(gross));
        self.withheld = self.withheld.saturating_add(i128::from(withheld));
    }
}

/// Year-end information returns as a fold over paid statements (rule TAX-10): add the
/// payments in any order, [`merge`](InformationReturnsFold::merge) partial folds, and
/// [`finish`](InformationReturnsFold::finish) a year with the forms on file.
///
/// ```
/// use partnerkit_core::{AccountId, CountryCode, Currency, Money};
/// use partnerkit_core::chrono::NaiveDate;
/// use partnerkit_tax::*;
///
/// let payee = AccountId::from_uuid(partnerkit_core::uuid::Uuid::from_u128(1));
/// let treaty = RateReason::Treaty {
///     country: CountryCode::SE, article: "12(1)".parse()?, income: IncomeType::OtherRoyalties,
/// };
/// let paid = PaidStatement {
///     payee,
///     paid_on: NaiveDate::from_ymd_opt(2027, 1, 31).unwrap(), // for December's sales
///     income: vec![PaidIncome {
///         income: IncomeType::OtherRoyalties, source: IncomeSource::Us, rate: Rate::ZERO,
///         reason: treaty, sales: 3, gross: "29.97 USD".parse()?, withheld: Money::zero(Currency::USD),
///     }],
/// };
/// let mut fold = InformationReturnsFold::default();
/// fold.add(&paid)?;
/// let returns = fold.finish(2027, |_| None, &ReportingRules::default())?;
/// let form = &returns.forms_1042s[0];
/// assert_eq!((form.income_code, form.exemption_code.code()), (12, "04"));
/// assert_eq!(form.gross_income.to_string(), "29.97 USD");
/// assert_eq!(form.furnish_by, NaiveDate::from_ymd_opt(2028, 3, 15).unwrap());
/// assert!(returns.reconciles()?);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InformationReturnsFold {
    /// Per year: 1042-S cells.
    foreign: BTreeMap<i32, BTreeMap<Key1042, Sum>>,
    /// Per year: foreign-source income of foreign payees.
    not_reported: BTreeMap<i32, BTreeMap<AccountId, Sum>>,
    /// Per year: US payees' income.
    us: BTreeMap<i32, BTreeMap<AccountId, Sum>>,
    /// Per year and payee: the last day paid (to read the forms on file).
    last_paid: BTreeMap<(i32, AccountId), NaiveDate>,
    /// Per year: all payments.
    paid: BTreeMap<i32, Sum>,
}

/// `minor` US cents as money.
fn usd(minor: i128) -> Result<Money, Error> {
    money(minor, Currency::USD)
}

/// `m` in whole US cents; [`Error::NotUsd`] in another currency.
fn usd_minor(m: Money) -> Result<i64, Error> {
    if m.currency() != Currency::USD {
        return Err(Error::NotUsd {
            amount: m.to_string(),
        });
    }
    Ok(m.minor_units()?)
}

/// True if the reason describes a US person: a W-9 on file, or backup withholding.
fn is_us_payee(reason: &RateReason) -> bool {
    matches!(
        reason,
        RateReason::UsPerson | RateReason::BackupWithholding { .. }
    )
}

impl InformationReturnsFold {
    /// Adds one paid statement. Refused, changing nothing, if an amount is not in whole US
    /// cents.
    pub fn add(&mut self, paid: &PaidStatement) -> Result<(), Error> {
        let year = paid.paid_on.year();
        let mut parts = Vec::with_capacity(paid.income.len());
        for i in &paid.income {
            parts.push((i, usd_minor(i.gross)?, usd_minor(i.withheld)?));
        }
        for (i, gross, withheld) in parts {
            self.paid
                .entry(year)
                .or_default()
                .add(i.sales, gross, withheld);
            if is_us_payee(&i.reason) {
                self.us
                    .entry(year)
                    .or_default()
                    .entry(paid.payee)
                    .or_default()
                    .add(i.sales, gross, withheld);
            } else if i.source == IncomeSource::Foreign {
                self.not_reported
                    .entry(year)
                    .or_default()
                    .entry(paid.payee)
                    .or_default()
                    .add(i.sales, gross, withheld);
            } else {
                let exemption = ExemptionCode::of(&i.reason, i.rate);
                self.foreign
                    .entry(year)
                    .or_default()
                    .entry((paid.payee, i.income, i.rate, exemption))
                    .or_default()
                    .add(i.sales, gross, withheld);
            }
        }
        let last = self
            .last_paid
            .entry((year, paid.payee))
            .or_insert(paid.paid_on);
        *last = (*last).max(paid.paid_on);
        Ok(())
    }

    /// Adds the payments of `other` (a fold over other payments) to this one.
    pub fn merge(&mut self, other: InformationReturnsFold) {
        fn into<K: Ord>(a: &mut BTreeMap<K, Sum>, b: BTreeMap<K, Sum>) {
            for (k, s) in b {
                let e = a.entry(k).or_default();
                e.sales = e.sales.saturating_add(s.sales);
                e.gross = e.gross.saturating_add(s.gross);
                e.withheld = e.withheld.saturating_add(s.withheld);
            }
        }
        for (y, m) in other.foreign {
            into(self.foreign.entry(y).or_default(), m);
        }
        for (y, m) in other.not_reported {
            into(self.not_reported.entry(y).or_default(), m);
        }
        for (y, m) in other.us {
            into(self.us.entry(y).or_default(), m);
        }
        into(&mut self.paid, other.paid);
        for (k, d) in other.last_paid {
            let last = self.last_paid.entry(k).or_insert(d);
            *last = (*last).max(d);
        }
    }

    /// The years with payments.
    pub fn years(&self) -> Vec<i32> {
        self.paid.keys().copied().collect()
    }

    /// The returns of `tax_year`, with the forms on file (`forms`: a payee's tax profile, if
    /// any) and the host's `rules`.
    pub fn finish<'p>(
        &self,
        tax_year: i32,
        forms: impl Fn(AccountId) -> Option<&'p TaxProfile>,
        rules: &ReportingRules,
    ) -> Result<YearEndReturns, Error> {
        let next = tax_year
            .checked_add(1)
            .ok_or(Error::InvalidReportingRules {
                reason: format!("tax year {tax_year} has no following year"),
            })?;
        let recipient = |payee: AccountId| {
            let on = self.last_paid.get(&(tax_year, payee)).copied();
            Recipient::on_file(payee, forms(payee), on)
        };
        let furnish_1042s = rules.furnish_1042s_by.in_year(next)?;
        let furnish_1099 = rules.furnish_1099_by.in_year(next)?;
        let forms_1042s = forms_1042s(
            self.foreign.get(&tax_year),
            tax_year,
            furnish_1042s,
            recipient,
        )?;
        let forms_1099 = forms_1099(
            self.us.get(&tax_year),
            tax_year,
            &rules.us_form,
            furnish_1099,
            recipient,
        )?;
        let not_reported = self
            .not_reported
            .get(&tax_year)
            .into_iter()
            .flatten()
            .map(|(payee, s)| {
                Ok(NotReported {
                    payee: *payee,
                    tax_year,
                    gross: usd(s.gross)?,
                    withheld: usd(s.withheld)?,
                })
            })
            .collect::<Result<Vec<_>, Error>>()?;
        let paid = self.paid.get(&tax_year).copied().unwrap_or_default();
        Ok(YearEndReturns {
            tax_year,
            forms_1042s,
            forms_1099,
            not_reported,
            paid_gross: usd(paid.gross)?,
            paid_withheld: usd(paid.withheld)?,
        })
    }
}
