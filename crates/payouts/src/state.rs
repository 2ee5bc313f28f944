//! The payout profile's state: registration, owner account, payout accounts and their
//! verification, the hold toggles (rules PAY-1 to PAY-4, PAY-6).

use std::borrow::Borrow;

use chrono::{DateTime, Utc};
use partnerkit_core::{AccountId, CountryCode, Currency, OwnerAccountId, PayoutAccountId};
use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::exchange::ExchangeRates;
use crate::hold::{HoldStatus, HoldToggle, hold_status};
use crate::ledger::LedgerEntry;
use crate::method::PayoutMethod;
use crate::month::{PayoutMonth, PayoutTimeZone};
use crate::policy::PayoutPolicy;
use crate::statement::{CarryOver, CycleTerms, PayoutAccountAtCycle, Statement, StatementFold};

/// Why the marketplace rejected a payout account (rule PAY-4): 1 to 500 characters of text
/// without control characters, trimmed ([`partnerkit_core::checked_text`]). Serde reads it
/// through the same check, so an event or state can never hold an empty or multi-line reason.
///
/// ```
/// use partnerkit_payouts::RejectionReason;
/// assert_eq!(RejectionReason::new(" holder name does not match ")?.as_str(), "holder name does not match");
/// assert!(RejectionReason::new("").is_err());
/// assert!(serde_json::from_str::<RejectionReason>("\"a\\nb\"").is_err());
/// # Ok::<(), partnerkit_payouts::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema), schemars(extend("pattern" = partnerkit_core::TEXT_PATTERN, "minLength" = 1, "maxLength" = 500)))]
#[serde(try_from = "String", into = "String")]
pub struct RejectionReason(String);

impl RejectionReason {
    /// The longest reason accepted, in characters.
    pub const MAX_CHARS: usize = 500;

    /// Validates a rejection reason.
    pub fn new(value: &str) -> Result<Self, Error> {
        Ok(RejectionReason(partnerkit_core::checked_text(
            "rejection reason",
            value,
            Self::MAX_CHARS,
        )?))
    }
}
partnerkit_core::validated_string!(RejectionReason, Error);

/// The verification state of a payout account (rule PAY-4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Verification {
    /// Waiting for the marketplace to verify it.
    Pending,
    /// Verified.
    Verified {
        /// When.
        at: DateTime<Utc>,
    },
    /// Rejected: set another payout account.
    Rejected {
        /// When.
        at: DateTime<Utc>,
        /// Why, as the marketplace said.
        reason: RejectionReason,
    },
}

/// A payout account, current or past.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PayoutAccount {
    /// Its id.
    pub id: PayoutAccountId,
    /// The method, masked (rule X-4).
    pub method: PayoutMethod,
    /// When it was set.
    pub set_at: DateTime<Utc>,
    /// Its verification state.
    pub verification: Verification,
}

/// The marketplace account's registration data the payout rules need (rule PAY-3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Registration {
    /// The marketplace account.
    pub account: AccountId,
    /// The registration country: the payout account must be in it.
    pub country: CountryCode,
    /// The payout currency: ledger entries must be in it.
    pub currency: Currency,
}

/// The state of an account's payouts: registration, owner account, payout accounts (the last
/// is current), hold toggles and whether it is closed.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PayoutProfile {
    pub(crate) registration: Option<Registration>,
    pub(crate) owner: Option<OwnerAccountId>,
    pub(crate) accounts: Vec<PayoutAccount>,
    pub(crate) holds: Vec<HoldToggle>,
    pub(crate) closed_at: Option<DateTime<Utc>>,
}

impl PayoutProfile {
    /// Registration country and currency, once set up.
    pub fn registration(&self) -> Option<&Registration> {
        self.registration.as_ref()
    }

    /// The associated owner account (rule PAY-1).
    pub fn owner(&self) -> Option<OwnerAccountId> {
        self.owner
    }

    /// The current payout account.
    pub fn payout_account(&self) -> Option<&PayoutAccount> {
        self.accounts.last()
    }

    /// Every payout account set, oldest first.
    pub fn payout_accounts(&self) -> &[PayoutAccount] {
        &self.accounts
    }

    /// The hold toggles, oldest first.
    pub fn hold_history(&self) -> &[HoldToggle] {
        &self.holds
    }

    /// Whether the hold toggle is on now.
    pub fn hold_on(&self) -> bool {
        self.holds.last().is_some_and(|t| t.on)
    }

    /// When the profile was closed.
    pub fn closed_at(&self) -> Option<DateTime<Utc>> {
        self.closed_at
    }

    /// Whether month `month`'s payout is held (rule PAY-6); see [`hold_status`].
    pub fn hold_status(&self, month: PayoutMonth, tz: PayoutTimeZone) -> Result<HoldStatus, Error> {
        hold_status(&self.holds, month, tz)
    }

    /// The payout account in effect for `month`'s payout and its verification, as they stood
    /// at the end of the previous month in `tz` (rule PAY-4).
    pub fn payout_account_at(
        &self,
        month: PayoutMonth,
        tz: PayoutTimeZone,
    ) -> Result<PayoutAccountAtCycle, Error> {
        let cutoff = tz.month_start(month)?;
        Ok(
            match self.accounts.iter().rev().find(|a| a.set_at < cutoff) {
                None => PayoutAccountAtCycle::None,
                Some(a) => match &a.verification {
                    Verification::Verified { at } if *at < cutoff => {
                        PayoutAccountAtCycle::Verified {
                            id: a.id,
                            method: a.method.kind(),
                            country: a.method.country(),
                        }
                    }
                    Verification::Rejected { at, reason } if *at < cutoff => {
                        PayoutAccountAtCycle::Rejected {
                            id: a.id,
                            reason: reason.clone(),
                        }
                    }
                    _ => PayoutAccountAtCycle::Pending {
                        id: a.id,
                        since: a.set_at,
                    },
                },
            },
        )
    }

    /// The statements of the cycles `first..=last`, in order, with the carry-over chained
    /// from `carried_in` (rules PAY-5 to PAY-9).
    ///
    /// Each entry goes to the cycle [`PayoutPolicy::cycle_of`] names; entries of cycles before
    /// `first` go to `first` (they were not on an earlier statement of this run), and entries
    /// of cycles after `last` are left out: they are not on any of these statements yet.
    /// Entries are assigned in one pass over `entries`, whatever the number of months, and may
    /// come in any order. Withholding must already be joined in
    /// ([`LedgerEntry::with_withheld`](crate::LedgerEntry::with_withheld)). Entries must be
    /// paid in the payout currency (in it, or converted to it with [`LedgerEntry::convert`]);
    /// [`statements_converted`](PayoutProfile::statements_converted) converts them itself.
    ///
    /// An empty range (`first > last`) gives no statement.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use partnerkit_core::{CountryCode, Currency};
    /// use partnerkit_payouts::{CarryOver, LedgerEntry, PayoutPolicy, PayoutProfile};
    /// let policy = PayoutPolicy::default();
    /// let sale = |m, amount: &str| -> Result<LedgerEntry, Box<dyn std::error::Error>> {
    ///     let day = NaiveDate::from_ymd_opt(2027, m, 10).unwrap();
    ///     Ok(LedgerEntry::new("app_sales".parse()?, amount.parse()?, day, CountryCode::SE, &policy)?)
    /// };
    /// let entries = [sale(1, "10.00 USD")?, sale(2, "20.00 USD")?, sale(3, "40.00 USD")?];
    /// # let profile: PayoutProfile = <partnerkit_payouts::Payouts as partnerkit_core::Decider>::fold(&[
    /// #     partnerkit_payouts::Event::SetUp { registration: partnerkit_payouts::Registration {
    /// #         account: partnerkit_core::AccountId::from_uuid(uuid::Uuid::from_u128(1)),
    /// #         country: CountryCode::US, currency: Currency::USD } },
    /// # ]);
    /// let s = profile.statements(&policy, &entries, "2027-02".parse()?, "2027-03".parse()?, CarryOver::zero(Currency::USD))?;
    /// assert_eq!(s.len(), 2);
    /// assert_eq!(s[0].earned.to_string(), "10.00 USD"); // January's sale, on February's statement
    /// assert_eq!(s[1].earned.to_string(), "20.00 USD"); // March's sale waits for April
    /// assert_eq!(s[1].carried_in.to_string(), "10.00 USD"); // no payout account: carried
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn statements<I>(
        &self,
        policy: &PayoutPolicy,
        entries: I,
        first: PayoutMonth,
        last: PayoutMonth,
        carried_in: CarryOver,
    ) -> Result<Vec<Statement>, Error>
    where
        I: IntoIterator,
        I::Item: Borrow<LedgerEntry>,
    {
        self.run_statements(policy, None, entries, first, last, carried_in)
    }

    /// [`statements`](PayoutProfile::statements) for sales in any currency (rule PAY-10):
    /// entries in another currency than the payout currency are converted at `rates` for the
    /// month they were earned ([`LedgerEntry::convert`]), each statement line once, and a
    /// threshold the policy has only in another currency is converted too
    /// ([`PayoutProfile::cycle_terms_with`]). [`Error::NoExchangeRate`] if a rate is missing.
    pub fn statements_converted<I>(
        &self,
        policy: &PayoutPolicy,
        rates: &dyn ExchangeRates,
        entries: I,
        first: PayoutMonth,
        last: PayoutMonth,
        carried_in: CarryOver,
    ) -> Result<Vec<Statement>, Error>
    where
        I: IntoIterator,
        I::Item: Borrow<LedgerEntry>,
    {
        self.run_statements(policy, Some(rates), entries, first, last, carried_in)
    }

    fn run_statements<I>(
        &self,
        policy: &PayoutPolicy,
        rates: Option<&dyn ExchangeRates>,
        entries: I,
        first: PayoutMonth,
        last: PayoutMonth,
        carried_in: CarryOver,
    ) -> Result<Vec<Statement>, Error>
    where
        I: IntoIterator,
        I::Item: Borrow<LedgerEntry>,
    {
        if first > last {
            return Ok(vec![]);
        }
        let currency = self.registration.ok_or(Error::NotSetUp)?.currency;
        let months = usize::try_from(first.months_until(last))
            .ok()
            .and_then(|n| n.checked_add(1))
            .ok_or_else(|| Error::MonthOutOfRange {
                given: format!("{first}..={last}"),
            })?;
        let mut folds = vec![StatementFold::default(); months];
        for entry in entries {
            let entry = entry.borrow();
            let cycle = match policy.cycle_of(entry) {
                Ok(c) => c,
                // Earned in the last month there is: its cycle is after any `last`.
                Err(Error::MonthOutOfRange { .. }) => continue,
                Err(e) => return Err(e),
            };
            if cycle > last {
                continue;
            }
            let slot = usize::try_from(first.months_until(cycle)).unwrap_or(0);
            if let Some(fold) = folds.get_mut(slot) {
                match rates {
                    Some(rates) if entry.payout_currency() != currency => {
                        fold.add(&entry.clone().convert(currency, rates)?)?;
                    }
                    _ => fold.add(entry)?,
                }
            }
        }
        let mut out = Vec::with_capacity(months);
        let mut carry = carried_in;
        let mut month = first;
        for (i, fold) in folds.iter().enumerate() {
            if i > 0 {
                month = month.next()?;
            }
            let statement = fold.finish(&self.terms(month, policy, rates)?, &carry)?;
            carry = statement.carried_out.clone();
            out.push(statement);
        }
        Ok(out)
    }

    /// The terms of `month`'s cycle: currency, hold, payout account, threshold and payment date,
    /// for [`StatementFold::finish`](crate::StatementFold::finish). The threshold must be in
    /// the policy in the payout currency ([`Error::NoThreshold`] otherwise); see
    /// [`cycle_terms_with`](PayoutProfile::cycle_terms_with) to convert it.
    pub fn cycle_terms(
        &self,
        month: PayoutMonth,
        policy: &PayoutPolicy,
    ) -> Result<CycleTerms, Error> {
        self.terms(month, policy, None)
    }

    /// The terms of `month`'s cycle, with a threshold the policy has only in another currency
    /// converted at the host's rate for the month before the cycle (the last month of the
    /// earnings it pays; see [`PayoutPolicy::threshold_converted`], rules PAY-8, PAY-10).
    pub fn cycle_terms_with(
        &self,
        month: PayoutMonth,
        policy: &PayoutPolicy,
        rates: &dyn ExchangeRates,
    ) -> Result<CycleTerms, Error> {
        self.terms(month, policy, Some(rates))
    }

    fn terms(
        &self,
        month: PayoutMonth,
        policy: &PayoutPolicy,
        rates: Option<&dyn ExchangeRates>,
    ) -> Result<CycleTerms, Error> {
        let reg = self.registration.ok_or(Error::NotSetUp)?;
        let tz = policy.time_zone();
        let payout_account = self.payout_account_at(month, tz)?;
        let threshold = match &payout_account {
            PayoutAccountAtCycle::Verified {
                method, country, ..
            } => Some(match rates {
                None => policy.threshold(*method, *country, reg.currency)?,
                Some(rates) => policy.threshold_converted(
                    *method,
                    *country,
                    reg.currency,
                    month.previous().unwrap_or(month),
                    rates,
                )?,
            }),
            _ => None,
        };
        Ok(CycleTerms {
            month,
            currency: reg.currency,
            hold: self.hold_status(month, tz)?,
            payout_account,
            threshold,
            payment_date: policy.payment_date(month),
        })
    }
}
