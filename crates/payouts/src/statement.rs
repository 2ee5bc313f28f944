//! Per-cycle payout statements that explain every cent (rules PAY-4 to PAY-9), computed as a
//! fold with a `merge` of partial results.

use chrono::{DateTime, NaiveDate, Utc};
use partnerkit_core::{CountryCode, Currency, Money, PayoutAccountId};
use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::exchange::ConversionLine;
use crate::hold::HoldStatus;
use crate::ledger::minor_units;
use crate::method::MethodKind;
use crate::month::PayoutMonth;

mod fold;

pub use fold::StatementFold;

/// The payout account in effect for a cycle, as it stood at the end of the previous month
/// (rule PAY-4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum PayoutAccountAtCycle {
    /// No payout account was set.
    None,
    /// Set, awaiting verification.
    Pending {
        /// Which.
        id: PayoutAccountId,
        /// Set when.
        since: DateTime<Utc>,
    },
    /// Rejected by the marketplace: a new one must be set.
    Rejected {
        /// Which.
        id: PayoutAccountId,
        /// Why.
        reason: crate::state::RejectionReason,
    },
    /// Verified: payments go to it.
    Verified {
        /// Which.
        id: PayoutAccountId,
        /// Bank or PayPal.
        method: MethodKind,
        /// Its country.
        country: CountryCode,
    },
}

/// Everything about an account that decides a cycle's payout, besides the ledger: built by
/// [`PayoutProfile::cycle_terms`](crate::PayoutProfile::cycle_terms).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CycleTerms {
    /// The payout month.
    pub month: PayoutMonth,
    /// The payout currency.
    pub currency: Currency,
    /// Whether the month's payout is held (rule PAY-6).
    pub hold: HoldStatus,
    /// The payout account in effect (rule PAY-4).
    pub payout_account: PayoutAccountAtCycle,
    /// The payment threshold, when a verified payout account gives the method and country
    /// (rule PAY-8).
    pub threshold: Option<Money>,
    /// The date payments of this month are sent by (rule PAY-5).
    pub payment_date: NaiveDate,
}

/// An amount earned in an earlier cycle that becomes payable in a later month (program lag).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PendingAmount {
    /// The month it becomes payable.
    pub payable_in: PayoutMonth,
    /// The net amount (after withholding).
    pub amount: Money,
}

/// What one cycle hands to the next: the balance still owed (negative: to be recouped) and
/// the amounts not yet payable. Nothing is lost between cycles (rules PAY-4, PAY-6, PAY-8).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CarryOver {
    /// Payable but unpaid (held, below threshold, awaiting verification), or, if negative,
    /// owed back and recouped from later earnings.
    pub balance: Money,
    /// Not yet payable, by month, in month order.
    pub pending: Vec<PendingAmount>,
}

impl CarryOver {
    /// Nothing carried: the start of an account's first cycle.
    pub fn zero(currency: Currency) -> Self {
        CarryOver {
            balance: Money::zero(currency),
            pending: vec![],
        }
    }

    /// Everything still owed: the balance plus every pending amount.
    pub fn total(&self) -> Result<Money, Error> {
        let mut t = minor_units(self.balance)?;
        for p in &self.pending {
            t = add(t, minor_units(p.amount)?, "the carried-over total")?;
        }
        Ok(Money::from_minor_units(t, self.balance.currency()))
    }
}

/// What happened to the amount due in a cycle, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    /// Paid in full by the payment date.
    Paid,
    /// Nothing was due.
    NothingDue,
    /// The balance is negative (refunds): it is recouped from later earnings before anything
    /// is paid (rule PAY-8).
    NegativeBalance,
    /// The payout hold was on at the end of the previous month (rule PAY-6).
    Held,
    /// No payout account was set at the end of the previous month.
    NoPayoutAccount,
    /// The payout account was awaiting verification at the end of the previous month
    /// (rule PAY-4): the amount is paid in the next cycle after verification.
    VerificationPending {
        /// Which payout account.
        payout_account: PayoutAccountId,
    },
    /// The payout account was rejected: set another.
    PayoutAccountRejected {
        /// Which payout account.
        payout_account: PayoutAccountId,
    },
    /// The amount due is under the payment threshold (rule PAY-8).
    BelowThreshold {
        /// The threshold.
        threshold: Money,
    },
}

/// The kind of a statement line. Each line's amount is signed by its effect on the amount
/// due (see [`Statement`] for the sign convention): a line that takes from it, such as
/// [`Withheld`](LineKind::Withheld), is negative.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum LineKind {
    /// Revenue recorded this cycle, every source, refunds negative. Adds to the amount due.
    Earned,
    /// Withheld for tax (negative). Adds to the amount due.
    Withheld,
    /// This cycle's net revenue payable only in a later month (negative). Adds to the amount due.
    NotYetPayable,
    /// Earlier revenue whose payable month has come. Adds to the amount due.
    BecamePayable,
    /// The balance carried in from earlier cycles. Adds to the amount due.
    CarriedIn,
    /// The amount due: the sum of the lines above.
    Due,
    /// Information: the part of this cycle's payable revenue used to recoup a negative balance
    /// carried in. Already counted in the amount due.
    Recouped,
    /// Information: earlier revenue still not payable, carried on. Not part of the amount due.
    StillPending,
    /// Paid to the payout account.
    Paid,
    /// Not paid because the payout hold was on (rule PAY-6): carried out.
    Held,
    /// Not paid because no verified payout account was in effect (rule PAY-4): carried out.
    DelayedByVerification,
    /// Not paid because it is under the threshold (rule PAY-8): carried out.
    BelowThreshold,
    /// A negative balance carried out, to be recouped from later earnings (rule PAY-8).
    NegativeBalance,
    /// The balance carried out to the next cycle: paid + carried out = due.
    CarriedOut,
}

/// One line of a statement: an amount, signed by its effect on the amount due (see
/// [`Statement`]), and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct StatementLine {
    /// What the line is.
    pub kind: LineKind,
    /// The amount, signed by its effect on the amount due.
    pub amount: Money,
    /// Why, in words.
    pub why: String,
}

/// A payout statement for one account and one monthly cycle: what was earned, withheld,
/// carried in, held, below threshold, delayed by verification, recouped and paid, line by
/// line (rule PAY-9).
///
/// **Signs: fields say how much, lines say which way.** Each field is the amount its name
/// says, as a host shows it in a summary: `withheld` is what was withheld (`90.00 USD` when
/// 90 dollars of tax were withheld), `paid` what was paid. Only three fields can be
/// negative, and then it means something: `earned` when refunds exceed sales, `withheld` when
/// refunds give back more withholding than was taken, and a balance (`carried_in`, `due`,
/// `carried_out.balance`) that is owed back. Each [`StatementLine`] is signed by its effect
/// on the amount due, so that a column of lines adds up like a bank statement: the
/// withheld line is `-90.00 USD`. Line by line:
///
/// | line | amount |
/// |---|---|
/// | [`Earned`](LineKind::Earned) | `earned` |
/// | [`Withheld`](LineKind::Withheld) | `−withheld` |
/// | [`NotYetPayable`](LineKind::NotYetPayable), one per month | `−not_yet_payable`, summed |
/// | [`BecamePayable`](LineKind::BecamePayable), one per month | `became_payable`, summed |
/// | [`CarriedIn`](LineKind::CarriedIn) | `carried_in` |
/// | [`Due`](LineKind::Due) | `due`: the sum of the lines above |
/// | [`Recouped`](LineKind::Recouped) (information, if any) | `recouped` |
/// | [`StillPending`](LineKind::StillPending) (information), one per month | earlier revenue still pending |
/// | [`Paid`](LineKind::Paid) | `paid` |
/// | why it was not paid ([`Held`](LineKind::Held), [`BelowThreshold`](LineKind::BelowThreshold), …), if so | `carried_out.balance` |
/// | [`CarriedOut`](LineKind::CarriedOut) | `carried_out.balance`: `paid` + this = `due` |
///
/// Two identities hold to the cent, and [`Statement::balances`] checks them:
/// `earned − withheld − not_yet_payable + became_payable + carried_in == due` (the signed
/// lines before `due` add up to it), and `paid + carried_out.balance == due`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Statement {
    /// The payout month.
    pub month: PayoutMonth,
    /// The payout currency.
    pub currency: Currency,
    /// Revenue recorded this cycle, refunds deducted (negative if refunds exceed sales).
    pub earned: Money,
    /// Withheld from it for tax, as a positive amount (its line is negative: it takes from
    /// the amount due); negative only if refunds gave back more withholding than was taken.
    pub withheld: Money,
    /// Of this cycle's net revenue, the part payable only in a later month (its lines are
    /// negative).
    pub not_yet_payable: Money,
    /// Earlier revenue payable from this month.
    pub became_payable: Money,
    /// Balance carried in.
    pub carried_in: Money,
    /// The amount due this month.
    pub due: Money,
    /// A negative balance carried in that this cycle's revenue paid back.
    pub recouped: Money,
    /// What happened to the amount due.
    pub outcome: Outcome,
    /// Paid this cycle.
    pub paid: Money,
    /// When it is sent, if anything is paid.
    pub payment_date: Option<NaiveDate>,
    /// The hold status that applied (rule PAY-6).
    pub hold: HoldStatus,
    /// What is carried to the next cycle.
    pub carried_out: CarryOver,
    /// Line-by-line explanation.
    pub lines: Vec<StatementLine>,
    /// Sales in other currencies and how they were converted (rule PAY-10): per currency,
    /// payable month and rate, the original total, the rate and the converted total, which
    /// [`earned`](Statement::earned) and [`withheld`](Statement::withheld) include.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conversions: Vec<ConversionLine>,
}

impl Statement {
    /// True if the statement's two identities hold to the cent (see [`Statement`]).
    pub fn balances(&self) -> bool {
        let m = |x: Money| minor_units(x).ok();
        let sum_in = (|| {
            m(self.earned)?
                .checked_sub(m(self.withheld)?)?
                .checked_sub(m(self.not_yet_payable)?)?
                .checked_add(m(self.became_payable)?)?
                .checked_add(m(self.carried_in)?)
        })();
        let lines_in = self
            .lines
            .iter()
            .take_while(|l| l.kind != LineKind::Due)
            .try_fold(0i64, |acc, l| acc.checked_add(m(l.amount)?));
        let out = m(self.paid)
            .zip(m(self.carried_out.balance))
            .and_then(|(a, b)| a.checked_add(b));
        let due = m(self.due);
        sum_in.is_some() && sum_in == due && lines_in == due && out == due
    }
}

fn add(a: i64, b: i64, what: &'static str) -> Result<i64, Error> {
    a.checked_add(b)
        .ok_or_else(|| Error::Overflow { what: what.into() })
}

/// Sums of one payable month within a fold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Sums {
    pub(crate) earned: i64,
    pub(crate) withheld: i64,
}

impl Sums {
    /// Adds without branching; returns true on overflow (the caller then returns an error and
    /// discards the sums, so a wrapped value never escapes).
    #[inline(always)]
    pub(crate) fn add_flagging(&mut self, earned: i64, withheld: i64) -> bool {
        let (e, o1) = self.earned.overflowing_add(earned);
        let (w, o2) = self.withheld.overflowing_add(withheld);
        self.earned = e;
        self.withheld = w;
        o1 | o2
    }

    #[inline]
    pub(crate) fn add(&mut self, earned: i64, withheld: i64) -> Result<(), Error> {
        self.earned = add(self.earned, earned, "earned revenue")?;
        self.withheld = add(self.withheld, withheld, "withheld amount")?;
        Ok(())
    }
}
