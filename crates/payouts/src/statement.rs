//! Per-cycle payout statements that explain every cent (rules PAY-4 to PAY-9), computed as a
//! fold with a `merge` of partial results.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use partnerkit_core::{CountryCode, Currency, Money, PayoutAccountId};
use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::exchange::{ConversionLine, Rate};
use crate::hold::HoldStatus;
use crate::ledger::{LedgerEntry, minor_units};
use crate::method::MethodKind;
use crate::month::PayoutMonth;

/// The payout account in effect for a cycle, as it stood at the end of the previous month
/// (rule PAY-4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
pub struct PendingAmount {
    /// The month it becomes payable.
    pub payable_in: PayoutMonth,
    /// The net amount (after withholding).
    pub amount: Money,
}

/// What one cycle hands to the next: the balance still owed (negative: to be recouped) and
/// the amounts not yet payable. Nothing is lost between cycles (rules PAY-4, PAY-6, PAY-8).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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

/// The kind of a statement line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
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

/// One line of a statement: an amount and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
/// Two identities hold to the cent, and [`Statement::balances`] checks them:
/// `earned − withheld − not_yet_payable + became_payable + carried_in == due` (the signed
/// lines before `due` add up to it), and `paid + carried_out.balance == due`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Statement {
    /// The payout month.
    pub month: PayoutMonth,
    /// The payout currency.
    pub currency: Currency,
    /// Revenue recorded this cycle.
    pub earned: Money,
    /// Withheld from it for tax.
    pub withheld: Money,
    /// Of this cycle's net revenue, the part payable only in a later month.
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

/// The partial result of folding one account's ledger entries: add entries, merge partial
/// results of other parts of the ledger, then [`finish`](StatementFold::finish) into a
/// [`Statement`]. Splitting a ledger in any way and merging the parts gives the same result as
/// folding it whole.
///
/// ```
/// use chrono::NaiveDate;
/// use partnerkit_core::{CountryCode, Currency};
/// use partnerkit_payouts::{LedgerEntry, PayoutPolicy, RevenueSource, StatementFold};
/// let policy = PayoutPolicy::default();
/// let day = NaiveDate::from_ymd_opt(2027, 3, 3).unwrap();
/// let src = RevenueSource::new(RevenueSource::APP_SALES)?;
/// let a = LedgerEntry::new(src.clone(), "30.00 USD".parse()?, day, CountryCode::SE, &policy)?;
/// let b = LedgerEntry::new(src, "-5.00 USD".parse()?, day, CountryCode::SE, &policy)?;
///
/// let mut left = StatementFold::default();
/// left.add(&a)?;
/// let mut right = StatementFold::default();
/// right.add(&b)?;
/// let mut whole = StatementFold::default();
/// whole.add(&a)?;
/// whole.add(&b)?;
/// assert_eq!(left.merge(right)?, whole);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StatementFold {
    currency: Option<Currency>,
    // Sorted by month, one element per payable month: usually one or two.
    buckets: Vec<(PayoutMonth, Sums)>,
    // Entries converted from another currency (rule PAY-10): summed exactly in their own
    // currency, per payable month and rate, and converted once when the statement is made.
    foreign: BTreeMap<(PayoutMonth, Currency, Rate), Sums>,
}

impl StatementFold {
    /// Adds one entry. Entries must all be paid in one currency
    /// ([`LedgerEntry::payout_currency`]); entries converted from another currency are kept in
    /// their own currency until [`finish`](StatementFold::finish) converts them (rule PAY-10).
    #[inline]
    pub fn add(&mut self, entry: &LedgerEntry) -> Result<(), Error> {
        if let Some(c) = entry.conversion() {
            self.check_currency(c.to)?;
            return self
                .foreign
                .entry((entry.payable_in(), entry.currency(), c.rate))
                .or_default()
                .add(entry.amount_minor(), entry.withheld_minor());
        }
        self.add_minor(
            entry.currency(),
            entry.payable_in(),
            entry.amount_minor(),
            entry.withheld_minor(),
        )
    }

    pub(crate) fn add_minor(
        &mut self,
        currency: Currency,
        payable_in: PayoutMonth,
        earned: i64,
        withheld: i64,
    ) -> Result<(), Error> {
        self.check_currency(currency)?;
        let mut at = self.buckets.len();
        for (i, (m, sums)) in self.buckets.iter_mut().enumerate() {
            if *m == payable_in {
                return sums.add(earned, withheld);
            }
            if *m > payable_in {
                at = i;
                break;
            }
        }
        let mut sums = Sums::default();
        sums.add(earned, withheld)?;
        self.buckets.insert(at, (payable_in, sums));
        Ok(())
    }

    fn check_currency(&mut self, currency: Currency) -> Result<(), Error> {
        match self.currency {
            Some(c) if c != currency => Err(Error::CurrencyMismatch {
                expected: c,
                found: currency,
            }),
            Some(_) => Ok(()),
            None => {
                self.currency = Some(currency);
                Ok(())
            }
        }
    }

    /// Merges the partial result of another part of the ledger.
    pub fn merge(mut self, other: StatementFold) -> Result<StatementFold, Error> {
        if let Some(c) = other.currency {
            for (m, s) in other.buckets {
                self.add_minor(c, m, s.earned, s.withheld)?;
            }
            self.check_currency(c)?;
            for (k, s) in other.foreign {
                self.foreign
                    .entry(k)
                    .or_default()
                    .add(s.earned, s.withheld)?;
            }
        }
        Ok(self)
    }

    /// The currency of the entries folded, if any.
    pub fn currency(&self) -> Option<Currency> {
        self.currency
    }

    /// The statement of the cycle `terms` describe, given what the previous cycle carried out.
    ///
    /// Entries payable in or before the cycle's month are due now; later ones are carried as
    /// pending (rule PAY-8). The amount due is paid unless it is not positive, the hold is on
    /// (rule PAY-6), no verified payout account is in effect (rule PAY-4) or it is under the
    /// threshold (rule PAY-8); whatever is not paid is carried out, to the cent.
    pub fn finish(&self, terms: &CycleTerms, carried_in: &CarryOver) -> Result<Statement, Error> {
        let cur = terms.currency;
        let same = |found: Currency| {
            if found == cur {
                Ok(())
            } else {
                Err(Error::CurrencyMismatch {
                    expected: cur,
                    found,
                })
            }
        };
        if let Some(c) = self.currency {
            same(c)?;
        }
        same(carried_in.balance.currency())?;
        let money = |units: i64| Money::from_minor_units(units, cur);
        let month = terms.month;

        let (mut earned, mut withheld, mut not_yet, mut due_new) = (0i64, 0i64, 0i64, 0i64);
        let mut pending: BTreeMap<PayoutMonth, i64> = BTreeMap::new();
        let mut not_yet_lines = Vec::new();
        // Converted sales join their month's sums after one rounding per line (rule PAY-10).
        let mut by_month: BTreeMap<PayoutMonth, Sums> = self.buckets.iter().copied().collect();
        let mut conversions = Vec::with_capacity(self.foreign.len());
        for ((m, from, rate), s) in &self.foreign {
            let line = ConversionLine::new(*m, *from, cur, *rate, s.earned, s.withheld)?;
            by_month.entry(*m).or_default().add(
                minor_units(line.converted)?,
                minor_units(line.converted_withheld)?,
            )?;
            conversions.push(line);
        }
        for (m, s) in &by_month {
            earned = add(earned, s.earned, "earned revenue")?;
            withheld = add(withheld, s.withheld, "withheld amount")?;
            let net = s.earned.checked_sub(s.withheld).ok_or(Error::Overflow {
                what: "net revenue".into(),
            })?;
            if *m <= month {
                due_new = add(due_new, net, "revenue due")?;
            } else {
                not_yet = add(not_yet, net, "revenue not yet payable")?;
                let p = pending.entry(*m).or_insert(0);
                *p = add(*p, net, "revenue not yet payable")?;
                not_yet_lines.push((*m, net));
            }
        }
        let mut became = 0i64;
        let mut became_lines = Vec::new();
        let mut still_lines = Vec::new();
        for p in &carried_in.pending {
            same(p.amount.currency())?;
            let a = minor_units(p.amount)?;
            if p.payable_in <= month {
                became = add(became, a, "revenue became payable")?;
                became_lines.push((p.payable_in, a));
            } else {
                let e = pending.entry(p.payable_in).or_insert(0);
                *e = add(*e, a, "revenue not yet payable")?;
                still_lines.push((p.payable_in, a));
            }
        }
        let balance_in = minor_units(carried_in.balance)?;
        let inflow = add(became, due_new, "revenue due")?;
        let due = add(balance_in, inflow, "amount due")?;
        let recouped = if balance_in < 0 && inflow > 0 {
            inflow.min(balance_in.checked_neg().unwrap_or(i64::MAX))
        } else {
            0
        };

        let outcome = if due < 0 {
            Outcome::NegativeBalance
        } else if due == 0 {
            Outcome::NothingDue
        } else if terms.hold.held {
            Outcome::Held
        } else {
            match &terms.payout_account {
                PayoutAccountAtCycle::None => Outcome::NoPayoutAccount,
                PayoutAccountAtCycle::Pending { id, .. } => Outcome::VerificationPending {
                    payout_account: *id,
                },
                PayoutAccountAtCycle::Rejected { id, .. } => Outcome::PayoutAccountRejected {
                    payout_account: *id,
                },
                PayoutAccountAtCycle::Verified { .. } => match terms.threshold {
                    Some(t) if t.currency() != cur => {
                        return Err(Error::CurrencyMismatch {
                            expected: cur,
                            found: t.currency(),
                        });
                    }
                    Some(t) if due < minor_units(t)? => Outcome::BelowThreshold { threshold: t },
                    _ => Outcome::Paid,
                },
            }
        };
        let paid = if outcome == Outcome::Paid { due } else { 0 };
        let balance_out = due.checked_sub(paid).ok_or_else(|| Error::Overflow {
            what: "the balance carried out".into(),
        })?;
        let neg = |x: i64| {
            x.checked_neg().ok_or(Error::Overflow {
                what: "a negated amount".into(),
            })
        };
        let withheld_line = neg(withheld)?;
        let not_yet_lines = not_yet_lines
            .into_iter()
            .map(|(m, a)| Ok((m, neg(a)?)))
            .collect::<Result<Vec<_>, Error>>()?;

        let mut lines = Vec::new();
        let mut line = |kind, units: i64, why: String| {
            lines.push(StatementLine {
                kind,
                amount: money(units),
                why,
            });
        };
        line(
            LineKind::Earned,
            earned,
            "revenue recorded this cycle from every source, refunds negative".into(),
        );
        line(
            LineKind::Withheld,
            withheld_line,
            "withheld for tax as the tax profile requires".into(),
        );
        for (m, a) in not_yet_lines {
            line(
                LineKind::NotYetPayable,
                a,
                format!("payable from {m} after the program's lag; carried as pending"),
            );
        }
        for (m, a) in became_lines {
            line(
                LineKind::BecamePayable,
                a,
                format!("earned in an earlier cycle, payable from {m}"),
            );
        }
        line(
            LineKind::CarriedIn,
            balance_in,
            "balance carried in from earlier cycles".into(),
        );
        line(LineKind::Due, due, format!("due for {month}"));
        if recouped > 0 {
            line(
                LineKind::Recouped,
                recouped,
                "recoups the negative balance carried in before anything is paid".into(),
            );
        }
        for (m, a) in still_lines {
            line(
                LineKind::StillPending,
                a,
                format!("earned earlier, still not payable until {m}"),
            );
        }
        let before = month
            .previous()
            .map_or_else(|_| format!("the month before {month}"), |m| m.to_string());
        let (kind, why) = match &outcome {
            Outcome::Paid => (LineKind::Paid, format!("sent by {}", terms.payment_date)),
            Outcome::NothingDue => (LineKind::Paid, "nothing was due".into()),
            Outcome::NegativeBalance => (
                LineKind::NegativeBalance,
                "refunds exceed revenue: recouped from later earnings before anything is paid"
                    .into(),
            ),
            Outcome::Held => (
                LineKind::Held,
                format!(
                    "the payout hold was on at the end of {}: revenue is recorded but not paid until the hold is turned off",
                    before
                ),
            ),
            Outcome::NoPayoutAccount => (
                LineKind::DelayedByVerification,
                format!("no payout account was set by the end of {}", before),
            ),
            Outcome::VerificationPending { .. } => (
                LineKind::DelayedByVerification,
                format!(
                    "the payout account was being verified at the end of {}: paid in full in the next cycle after verification",
                    before
                ),
            ),
            Outcome::PayoutAccountRejected { .. } => (
                LineKind::DelayedByVerification,
                "the payout account was rejected: set another one; nothing is lost".into(),
            ),
            Outcome::BelowThreshold { threshold } => (
                LineKind::BelowThreshold,
                format!("under the payment threshold of {threshold}: carried to the next cycle"),
            ),
        };
        if kind == LineKind::Paid {
            line(kind, paid, why);
        } else {
            line(LineKind::Paid, 0, "nothing paid this cycle".into());
            line(kind, balance_out, why);
        }
        line(
            LineKind::CarriedOut,
            balance_out,
            "carried to the next cycle".into(),
        );

        Ok(Statement {
            month,
            currency: cur,
            earned: money(earned),
            withheld: money(withheld),
            not_yet_payable: money(not_yet),
            became_payable: money(became),
            carried_in: money(balance_in),
            due: money(due),
            recouped: money(recouped),
            outcome,
            paid: money(paid),
            payment_date: (paid > 0).then_some(terms.payment_date),
            hold: terms.hold,
            carried_out: CarryOver {
                balance: money(balance_out),
                pending: pending
                    .into_iter()
                    .filter(|(_, a)| *a != 0)
                    .map(|(payable_in, a)| PendingAmount {
                        payable_in,
                        amount: money(a),
                    })
                    .collect(),
            },
            lines,
            conversions,
        })
    }
}
