//! Year-end information returns joined across payouts and tax (rules TAX-10, PAY-10): which
//! sales each paid statement paid, in US dollars with their withholding, folded into the
//! tax crate's [`InformationReturnsFold`].

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use partnerkit_payouts::{
    CarryOver, Error as PayoutsError, ExchangeRates, LedgerEntry, Outcome, PayoutMonth, Statement,
};
use partnerkit_tax::{
    IncomeType, InformationReturnsFold, PaidStatement, ReportingRules, YearEndReturns,
};

use crate::error::DomainError;
use crate::selling::{InPayoutCurrency, in_payout_currency, statements_of};
use crate::settings::Settings;
use crate::state::AccountState;

/// The year's information returns of one account (rule TAX-10): the data of its Forms
/// 1042-S or 1099 for the calendar year `year` **of payment**, from the ledger and the
/// statements that paid it.
///
/// - `entries` is the account's ledger and `rates` the host's exchange rates: the sales are
///   converted and withheld exactly as [`statements_converted`](crate::statements_converted)
///   does (withholding on the US-dollar amount, rule TAX-9), so pass the same ones.
/// - `statements` are the account's statements from
///   [`statements_converted`](crate::statements_converted) (from a zero carry-in, covering
///   every cycle with a payment in `year`). A sale is paid by the first statement, from its
///   cycle and the month it becomes payable, whose outcome is
///   [`Paid`](partnerkit_payouts::Outcome::Paid): that statement pays every balance carried
///   to it. The tax year is that statement's **payment date**: a December sale paid in
///   January falls in the next year. A sale no statement paid yet is in no return.
/// - The forms on file are the account's tax state (`state.tax`); income is software
///   royalties (Form 1042-S income code 12, [`IncomeType::OtherRoyalties`]).
/// - Returns are in US dollars: a payout currency other than USD is refused
///   ([`partnerkit_tax::Error::NotUsd`]).
///
/// The result reconciles to the cent ([`YearEndReturns::reconciles`]): the forms' gross and
/// tax withheld add up to `paid_gross` and `paid_withheld`, and `paid_gross −
/// paid_withheld` is what the year's paid statements paid.
pub fn year_end_returns(
    state: &AccountState,
    settings: &Settings,
    entries: &[LedgerEntry],
    rates: &dyn ExchangeRates,
    statements: &[Statement],
    year: i32,
    rules: &ReportingRules,
) -> Result<YearEndReturns, DomainError> {
    let converted = in_payout_currency(state, settings, entries, rates)?;
    returns_of(state, &converted, statements, year, rules)
}

/// An account's statements for every cycle from `since` to December of `year`, from a zero
/// carry-in, and its information returns for `year`: what
/// [`statements_converted`](crate::statements_converted) and [`year_end_returns`] give
/// called one after the other with the same ledger, with the ledger converted and withheld
/// once instead of twice (the marketplace's year-end run calls this for every account).
pub fn year_statements_and_returns(
    state: &AccountState,
    settings: &Settings,
    entries: &[LedgerEntry],
    rates: &dyn ExchangeRates,
    since: PayoutMonth,
    year: i32,
    rules: &ReportingRules,
) -> Result<(Vec<Statement>, YearEndReturns), DomainError> {
    let december = PayoutMonth::new(year, 12)?;
    let currency = state
        .payouts
        .registration()
        .ok_or(PayoutsError::NotSetUp)?
        .currency;
    let converted = in_payout_currency(state, settings, entries, rates)?;
    let zero = CarryOver::zero(currency);
    let statements = statements_of(state, settings, &converted, rates, (since, december), zero)?;
    let returns = returns_of(state, &converted, &statements, year, rules)?;
    Ok((statements, returns))
}

/// [`year_end_returns`] of a ledger already in the payout currency.
fn returns_of(
    state: &AccountState,
    converted: &InPayoutCurrency,
    statements: &[Statement],
    year: i32,
    rules: &ReportingRules,
) -> Result<YearEndReturns, DomainError> {
    let payee = state
        .payouts
        .registration()
        .ok_or(PayoutsError::NotSetUp)?
        .account;
    // The paid statements, by month: (month, payment date).
    let mut paid: Vec<(partnerkit_payouts::PayoutMonth, NaiveDate)> = statements
        .iter()
        .filter(|s| s.outcome == Outcome::Paid)
        .filter_map(|s| s.payment_date.map(|d| (s.month, d)))
        .collect();
    paid.sort();
    let mut by_payment: BTreeMap<NaiveDate, Vec<usize>> = BTreeMap::new();
    for (i, w) in converted.sales.iter().enumerate() {
        let Some(cycle) = w.cycle else { continue };
        let from = cycle.max(w.entry.payable_in());
        if let Some((_, on)) = paid.iter().find(|(m, _)| *m >= from)
            && on.year() == year
        {
            by_payment.entry(*on).or_default().push(i);
        }
    }
    let mut fold = InformationReturnsFold::default();
    for (on, idx) in &by_payment {
        let statement = PaidStatement::from_sales(
            payee,
            *on,
            IncomeType::OtherRoyalties,
            idx.iter()
                .filter_map(|i| converted.sales.get(*i))
                .map(|w| (&w.sale, &w.decision, w.entry.withheld())),
        )?;
        fold.add(&statement)?;
    }
    Ok(fold.finish(
        year,
        |account| (account == payee).then_some(&state.tax),
        rules,
    )?)
}
