//! Questions that span domains: may the account sell (rule ACC-4), and what is it paid
//! (rules PAY-9, TAX-4).

use chrono::{DateTime, Utc};
use partnerkit_agreements::{ActionNeeded, action_needed};
use partnerkit_identity::{MissingForSale, sell_readiness};
use std::collections::BTreeMap;

use partnerkit_payouts::{
    CarryOver, ConvertedLedger, Error as PayoutsError, ExchangeRates, LedgerEntry, PayoutMonth,
    Statement, Verification, convert_ledger,
};
use partnerkit_tax::{
    ProfileStatus, RateDecision, Sale, check_withheld_in_usd, withhold_statement, withholding_rate,
};
use serde::{Deserialize, Serialize};

use crate::error::DomainError;
use crate::settings::Settings;
use crate::state::AccountState;

/// One thing an account still lacks before it may sell (rule ACC-4).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "missing", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Missing {
    /// Part of the account profile: verification, seller contact, company approver.
    Identity {
        /// What identity lacks.
        lacks: MissingForSale,
    },
    /// Agreements whose latest version is not accepted (rule AGR-2).
    Agreements {
        /// The agreements needing action.
        pending: Vec<ActionNeeded>,
    },
    /// No owner account is associated for payouts (rule PAY-1): one named when the account
    /// was opened must still be associated with
    /// [`AccountService::associate_owner_account`](crate::AccountService::associate_owner_account),
    /// which checks it belongs to no other account. Paid offers only.
    OwnerAccount,
    /// No payout account is set (rule PAY-2). Paid offers only.
    PayoutAccount,
    /// The payout account awaits or failed verification (rule PAY-4). Paid offers only.
    PayoutAccountNotVerified,
    /// The tax profile is not complete (rules TAX-1, TAX-2). Paid offers only.
    TaxProfile {
        /// Its status now.
        status: ProfileStatus,
    },
}

impl std::fmt::Display for Missing {
    /// What to do about it, in a sentence.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Missing::Identity { lacks } => match lacks {
                MissingForSale::AccountNotOpened => f.write_str("the account is not opened"),
                MissingForSale::Verification { steps } => {
                    write!(
                        f,
                        "verification is not complete ({} step(s) open) (rule ACC-1)",
                        steps.len()
                    )
                }
                MissingForSale::SellerContact => {
                    f.write_str("give the seller contact (rule ACC-3)")
                }
                MissingForSale::CompanyApprover => {
                    f.write_str("name the company approver (rule ACC-3)")
                }
                _ => write!(f, "complete the account profile: {lacks:?}"),
            },
            Missing::Agreements { pending } => {
                let names: Vec<&str> = pending.iter().map(|a| a.name.as_str()).collect();
                write!(
                    f,
                    "accept the latest version of: {} (rule AGR-2)",
                    names.join(", ")
                )
            }
            Missing::OwnerAccount => f.write_str("associate the owner account (rule PAY-1)"),
            Missing::PayoutAccount => f.write_str("set up a payout account (rule PAY-2)"),
            Missing::PayoutAccountNotVerified => {
                f.write_str("the payout account awaits verification (rule PAY-4)")
            }
            Missing::TaxProfile { status } => {
                write!(
                    f,
                    "complete the tax profile: it is {status:?} (rules TAX-1, TAX-2)"
                )
            }
        }
    }
}

impl Missing {
    /// True for what only paid offers need: financial information (rule ACC-4).
    pub fn is_financial(&self) -> bool {
        matches!(
            self,
            Missing::OwnerAccount
                | Missing::PayoutAccount
                | Missing::PayoutAccountNotVerified
                | Missing::TaxProfile { .. }
        )
    }
}

/// What an account lacks before it may sell (rule ACC-4). Free offers need only the profile
/// and the agreements; paid offers also need the owner account, a verified payout account and
/// a complete tax profile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Readiness {
    /// Everything still missing, for paid offers.
    pub missing: Vec<Missing>,
}

impl Readiness {
    /// True if the account may list paid offers.
    pub fn can_sell_paid_offers(&self) -> bool {
        self.missing.is_empty()
    }

    /// True if the account may list free offers: financial information is not needed for
    /// them (rule ACC-4).
    pub fn can_list_free_offers(&self) -> bool {
        self.missing.iter().all(Missing::is_financial)
    }
}

/// Joins identity, agreements, payouts and tax into the "ready to sell" answer (rule ACC-4).
pub fn readiness(state: &AccountState, settings: &Settings, now: DateTime<Utc>) -> Readiness {
    let mut missing: Vec<Missing> = sell_readiness(&state.identity)
        .into_iter()
        .map(|lacks| Missing::Identity { lacks })
        .collect();
    let pending = action_needed(&settings.catalogue, &state.agreements, now);
    if !pending.is_empty() {
        missing.push(Missing::Agreements { pending });
    }
    if state.payouts.owner().is_none() {
        missing.push(Missing::OwnerAccount);
    }
    match state.payouts.payout_account() {
        None => missing.push(Missing::PayoutAccount),
        Some(a) if !matches!(a.verification, Verification::Verified { .. }) => {
            missing.push(Missing::PayoutAccountNotVerified);
        }
        Some(_) => {}
    }
    let status = state.tax.status(now.date_naive());
    if status != ProfileStatus::Complete {
        missing.push(Missing::TaxProfile { status });
    }
    Readiness { missing }
}

/// Joins the tax crate's withholding into ledger entries (rules TAX-4, TAX-5, TAX-8,
/// TAX-9, PAY-9): the entries are grouped by the payout cycle payouts assigns them to
/// ([`PayoutPolicy::cycle_of`](partnerkit_payouts::PayoutPolicy::cycle_of)); on each cycle's
/// statement, tax withholds each rate's US-source total once, at the seller's rate on the day
/// each sale was earned, and spreads it over the lines by largest remainder. Entries keep
/// their order. One pass over the entries, plus one per cycle.
pub fn with_withholding(
    state: &AccountState,
    settings: &Settings,
    entries: &[LedgerEntry],
) -> Result<Vec<LedgerEntry>, DomainError> {
    Ok(withhold(state, settings, entries.iter().cloned())?
        .into_iter()
        .map(|w| w.entry)
        .collect())
}

/// One ledger entry with the tax crate's withholding joined in, and what decided it.
pub(crate) struct Withheld {
    /// The entry, `withheld` set.
    pub(crate) entry: LedgerEntry,
    /// The sale as tax saw it (the entry's amount and country).
    pub(crate) sale: Sale,
    /// The seller's rate decision for the day it was earned.
    pub(crate) decision: RateDecision,
    /// The payout cycle payouts assigns it to (none for the last month there is).
    pub(crate) cycle: Option<PayoutMonth>,
}

/// [`with_withholding`], keeping each sale's decision and cycle (for the year-end returns).
pub(crate) fn withhold(
    state: &AccountState,
    settings: &Settings,
    entries: impl IntoIterator<Item = LedgerEntry>,
) -> Result<Vec<Withheld>, DomainError> {
    let mut by_cycle: BTreeMap<Option<PayoutMonth>, Vec<usize>> = BTreeMap::new();
    let mut sales = Vec::new();
    for (i, e) in entries.into_iter().enumerate() {
        // An entry earned in the last month there is has no cycle: it is withheld alone.
        let cycle = settings.policy.cycle_of(&e).ok();
        by_cycle.entry(cycle).or_default().push(i);
        let decision = withholding_rate(&state.tax, e.earned_on(), &settings.treaties);
        let sale = Sale::new(e.amount(), e.country_of_sale())?;
        sales.push(Withheld {
            entry: e,
            sale,
            decision,
            cycle,
        });
    }
    for lines in by_cycle.values() {
        let statement = withhold_statement(
            lines
                .iter()
                .filter_map(|i| sales.get(*i))
                .map(|w| (&w.sale, &w.decision)),
        )?;
        for (i, line) in lines.iter().zip(&statement.lines) {
            if let Some(w) = sales.get_mut(*i) {
                w.entry = w.entry.clone().with_withheld(line.withheld)?;
            }
        }
    }
    Ok(sales)
}

/// The ledger in the payout currency, withholding joined: what [`statements_converted`] and
/// the year-end returns share (rules PAY-10, TAX-9).
pub(crate) struct InPayoutCurrency {
    /// Per entry, in the ledger's order: the entry in the payout currency, withheld.
    pub(crate) sales: Vec<Withheld>,
    /// How the sales were converted: payouts' conversion lines.
    pub(crate) converted: ConvertedLedger,
}

/// Converts the ledger to the payout currency (payouts' rule PAY-10, [`convert_ledger`]) and
/// joins the withholding on the converted amounts (tax's rules TAX-9 and TAX-10: withholding
/// only in US dollars, [`check_withheld_in_usd`]). See [`statements_converted`].
pub(crate) fn in_payout_currency(
    state: &AccountState,
    settings: &Settings,
    entries: &[LedgerEntry],
    rates: &dyn ExchangeRates,
) -> Result<InPayoutCurrency, DomainError> {
    let to = state
        .payouts
        .registration()
        .ok_or(PayoutsError::NotSetUp)?
        .currency;
    let mut converted = convert_ledger(&settings.policy, to, entries, rates)?;
    let paid = std::mem::take(&mut converted.entries);
    let sales = withhold(state, settings, paid.into_iter().flatten())?;
    check_withheld_in_usd(sales.iter().map(|w| w.entry.withheld()))?;
    Ok(InPayoutCurrency { sales, converted })
}

/// The statements of the cycles `first..=last` for sales in any currency (rules PAY-10,
/// TAX-9, PAY-5..9), carry-over chained from `carried_in`.
///
/// - **Conversion** (payouts' rule, [`convert_ledger`]): an entry in another currency than
///   the payout currency is converted at `rates` for the currency and the month it was earned
///   ([`LedgerEntry::convert`]); the sales of one currency, payable month and rate on one
///   statement are one [`ConversionLine`](partnerkit_payouts::ConversionLine) whose total is converted and rounded **once**
///   ([`CONVERSION_ROUNDING`](partnerkit_payouts::CONVERSION_ROUNDING), half away from zero).
///   That total is spread over the line's sales by largest remainder, so each sale has an
///   amount in the payout currency and they add up to the line to the cent.
/// - **Withholding** (tax's rule, TAX-9) is computed on the **payout-currency** amounts, per
///   statement and rate, exactly as [`with_withholding`] does: the Forms 1042-S and 1099
///   report US dollars, so the amount withheld is a dollar amount, never a converted one.
///   Each [`ConversionLine`](partnerkit_payouts::ConversionLine) therefore shows the sales' original total, the rate and the
///   converted total, with `original_withheld` and `converted_withheld` zero: nothing is
///   withheld in the sale's currency; the statement's `withheld` is the dollar withholding.
/// - Tax needs US dollars (tax's rule, [`check_withheld_in_usd`]): if the payout currency is
///   not USD and anything would be withheld, the statements are refused
///   ([`partnerkit_tax::Error::NotUsd`]): pay the account in USD.
/// - A threshold the policy has only in another currency is converted at `rates` too.
///
/// Entries must be built with the service's `settings.policy` (their payable month is
/// rebuilt from it). [`partnerkit_payouts::Error::NoExchangeRate`] if a rate is missing.
pub fn statements_converted(
    state: &AccountState,
    settings: &Settings,
    entries: &[LedgerEntry],
    rates: &dyn ExchangeRates,
    first: PayoutMonth,
    last: PayoutMonth,
    carried_in: CarryOver,
) -> Result<Vec<Statement>, DomainError> {
    let converted = in_payout_currency(state, settings, entries, rates)?;
    statements_of(
        state,
        settings,
        &converted,
        rates,
        (first, last),
        carried_in,
    )
}

/// [`statements_converted`] of a ledger already in the payout currency.
pub(crate) fn statements_of(
    state: &AccountState,
    settings: &Settings,
    converted: &InPayoutCurrency,
    rates: &dyn ExchangeRates,
    (first, last): (PayoutMonth, PayoutMonth),
    carried_in: CarryOver,
) -> Result<Vec<Statement>, DomainError> {
    let mut statements = state.payouts.statements_converted(
        &settings.policy,
        rates,
        converted.sales.iter().map(|w| &w.entry),
        first,
        last,
        carried_in,
    )?;
    for s in &mut statements {
        s.conversions = converted.converted.lines_of(s.month);
    }
    Ok(statements)
}

/// The statements of the cycles `first..=last`, each entry in the cycle payouts assigns it
/// to, withholding joined in, carry-over chained from `carried_in` (rules PAY-5..9). Entries
/// earned in `last` or later are not yet in any of these cycles. One pass over the entries.
pub fn statements(
    state: &AccountState,
    settings: &Settings,
    entries: &[LedgerEntry],
    first: PayoutMonth,
    last: PayoutMonth,
    carried_in: CarryOver,
) -> Result<Vec<Statement>, DomainError> {
    let entries = with_withholding(state, settings, entries)?;
    Ok(state
        .payouts
        .statements(&settings.policy, &entries, first, last, carried_in)?)
}
