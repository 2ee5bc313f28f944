//! What the run must give (rule PAY-12): the facade's own rules called account by account on
//! the generated values, in memory — no Arrow, no DataFusion, no Parquet. The tests compare the
//! run with it, and the benchmark times it as the rules' own cost.

use std::collections::BTreeMap;

use partnerkit::core::{AccountId, Currency};
use partnerkit::payouts::{CarryOver, LedgerEntry, PayoutMonth, Statement};
use partnerkit::tax::{ReportingRules, YearEndReturns};
use partnerkit::{AccountState, DomainError, Settings, statements_converted, year_end_returns};

use super::Marketplace;

/// What the per-account rules give one account: its result, or the domain error's code.
pub type Outcome<T> = Result<T, String>;

/// The account's payout currency, or `not_set_up`: the run and the reference both need it.
pub(crate) fn payout_currency(state: &AccountState) -> Result<Currency, DomainError> {
    state
        .payouts
        .registration()
        .map(|r| r.currency)
        .ok_or(DomainError::from(partnerkit::payouts::Error::NotSetUp))
}

impl Marketplace {
    /// Each account's entries, in entry order.
    pub fn by_account(&self) -> BTreeMap<AccountId, Vec<LedgerEntry>> {
        let mut rows: Vec<_> = self.ledger.iter().collect();
        rows.sort_by_key(|r| r.entry);
        let mut out: BTreeMap<AccountId, Vec<LedgerEntry>> = BTreeMap::new();
        for r in rows {
            out.entry(r.account).or_default().push(r.value.clone());
        }
        out
    }

    /// Every account's statement for `month`, from the facade's
    /// [`statements_converted`], one account at a time: the entries of the month's cycle and
    /// what was carried in.
    pub fn reference_month(
        &self,
        settings: &Settings,
        month: PayoutMonth,
    ) -> BTreeMap<AccountId, Outcome<Statement>> {
        let rates = self.fixed_rates();
        let ledger = self.by_account();
        let mut out = BTreeMap::new();
        for a in &self.accounts {
            let state = AccountState::fold(&a.events);
            let entries: Vec<LedgerEntry> = ledger
                .get(&a.id)
                .into_iter()
                .flatten()
                .filter(|e| settings.policy.cycle_of(e).ok() == Some(month))
                .cloned()
                .collect();
            let statement = payout_currency(&state)
                .and_then(|currency| {
                    let carried = a.carried_in.clone().unwrap_or(CarryOver::zero(currency));
                    statements_converted(&state, settings, &entries, &rates, month, month, carried)
                })
                .map_err(|e| e.code().to_string())
                .and_then(|mut s| s.pop().ok_or_else(|| "no_statement".to_string()));
            out.insert(a.id, statement);
        }
        out
    }

    /// Every account's year-end returns for `year`, from the facade's
    /// [`year_end_returns`] over its statements since `since`, one account at a time, on the
    /// account's whole ledger.
    pub fn reference_year(
        &self,
        settings: &Settings,
        since: PayoutMonth,
        year: i32,
        rules: &ReportingRules,
    ) -> BTreeMap<AccountId, Outcome<YearEndReturns>> {
        let rates = self.fixed_rates();
        let ledger = self.by_account();
        let mut out = BTreeMap::new();
        for a in &self.accounts {
            let state = AccountState::fold(&a.events);
            let entries = ledger.get(&a.id).map(Vec::as_slice).unwrap_or_default();
            let returns = PayoutMonth::new(year, 12)
                .map_err(DomainError::from)
                .and_then(|december| {
                    let zero = CarryOver::zero(payout_currency(&state)?);
                    statements_converted(&state, settings, entries, &rates, since, december, zero)
                })
                .and_then(|statements| {
                    year_end_returns(&state, settings, entries, &rates, &statements, year, rules)
                })
                .map_err(|e| e.code().to_string());
            out.insert(a.id, returns);
        }
        out
    }
}
