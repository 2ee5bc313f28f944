//! [`StatementFold`]: one account's ledger entries folded into sums per payable month, and a
//! cycle's [`Statement`] finished from them in named steps — the cycle's own revenue, what
//! was carried in, the amount due and its outcome, then the lines that explain every cent.

use std::collections::BTreeMap;

use partnerkit_core::{Currency, Money};

use super::{
    CarryOver, CycleTerms, LineKind, Outcome, PayoutAccountAtCycle, PendingAmount, Statement,
    StatementLine, Sums, add,
};
use crate::error::Error;
use crate::exchange::{ConversionLine, Rate};
use crate::ledger::{LedgerEntry, minor_units};
use crate::month::PayoutMonth;

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
        if let Some(c) = self.currency {
            same_currency(cur, c)?;
        }
        same_currency(cur, carried_in.balance.currency())?;
        let month = terms.month;
        let mut revenue = self.revenue(cur, month)?;
        let carried = Carried::of(carried_in, cur, month, &mut revenue.pending)?;
        let settled = Settled::of(&revenue, &carried, terms)?;
        let lines = explain(&revenue, &carried, &settled, terms)?;
        let money = |units: i64| Money::from_minor_units(units, cur);
        Ok(Statement {
            month,
            currency: cur,
            earned: money(revenue.earned),
            withheld: money(revenue.withheld),
            not_yet_payable: money(revenue.not_yet),
            became_payable: money(carried.became),
            carried_in: money(carried.balance),
            due: money(settled.due),
            recouped: money(settled.recouped),
            outcome: settled.outcome,
            paid: money(settled.paid),
            payment_date: (settled.paid > 0).then_some(terms.payment_date),
            hold: terms.hold,
            carried_out: CarryOver {
                balance: money(settled.balance_out),
                pending: revenue
                    .pending
                    .into_iter()
                    .filter(|(_, a)| *a != 0)
                    .map(|(payable_in, a)| PendingAmount {
                        payable_in,
                        amount: money(a),
                    })
                    .collect(),
            },
            lines,
            conversions: revenue.conversions,
        })
    }

    /// Step 1 of [`finish`](StatementFold::finish): the cycle's own revenue, in the payout
    /// currency. Converted sales join their month's sums after one rounding per line (rule
    /// PAY-10); then each payable month is due now (in or before `month`) or not yet payable
    /// (rule PAY-8).
    fn revenue(&self, cur: Currency, month: PayoutMonth) -> Result<Revenue, Error> {
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
        let mut r = Revenue {
            earned: 0,
            withheld: 0,
            due: 0,
            not_yet: 0,
            not_yet_lines: Vec::new(),
            pending: BTreeMap::new(),
            conversions,
        };
        for (m, s) in &by_month {
            r.earned = add(r.earned, s.earned, "earned revenue")?;
            r.withheld = add(r.withheld, s.withheld, "withheld amount")?;
            let net = s.earned.checked_sub(s.withheld).ok_or(Error::Overflow {
                what: "net revenue".into(),
            })?;
            if *m <= month {
                r.due = add(r.due, net, "revenue due")?;
            } else {
                r.not_yet = add(r.not_yet, net, "revenue not yet payable")?;
                let p = r.pending.entry(*m).or_insert(0);
                *p = add(*p, net, "revenue not yet payable")?;
                r.not_yet_lines.push((*m, net));
            }
        }
        Ok(r)
    }
}

/// `found` is the payout currency `cur`, or [`Error::CurrencyMismatch`].
fn same_currency(cur: Currency, found: Currency) -> Result<(), Error> {
    if found == cur {
        Ok(())
    } else {
        Err(Error::CurrencyMismatch {
            expected: cur,
            found,
        })
    }
}

/// A cycle's own revenue, in minor units of the payout currency.
struct Revenue {
    /// Recorded this cycle, every payable month.
    earned: i64,
    /// Withheld from it.
    withheld: i64,
    /// The net payable in or before the cycle's month.
    due: i64,
    /// The net payable only in a later month.
    not_yet: i64,
    /// The same, per later month, in month order.
    not_yet_lines: Vec<(PayoutMonth, i64)>,
    /// Not payable yet, by month: this cycle's, then [`Carried::of`] adds what stays pending.
    pending: BTreeMap<PayoutMonth, i64>,
    /// The sales converted from other currencies (rule PAY-10).
    conversions: Vec<ConversionLine>,
}

/// Step 2: what the previous cycle carried out, in minor units.
struct Carried {
    /// Earlier revenue whose payable month has come.
    became: i64,
    /// The same, per month.
    became_lines: Vec<(PayoutMonth, i64)>,
    /// Earlier revenue still not payable, per month.
    still_lines: Vec<(PayoutMonth, i64)>,
    /// The balance carried in.
    balance: i64,
}

impl Carried {
    /// Splits the pending amounts carried in into those payable by `month` and those still
    /// pending, which join `pending`.
    fn of(
        carried_in: &CarryOver,
        cur: Currency,
        month: PayoutMonth,
        pending: &mut BTreeMap<PayoutMonth, i64>,
    ) -> Result<Carried, Error> {
        let mut became = 0i64;
        let mut became_lines = Vec::new();
        let mut still_lines = Vec::new();
        for p in &carried_in.pending {
            same_currency(cur, p.amount.currency())?;
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
        Ok(Carried {
            became,
            became_lines,
            still_lines,
            balance: minor_units(carried_in.balance)?,
        })
    }
}

/// Step 3: the amount due, and what happened to it.
struct Settled {
    /// Due this cycle: the balance carried in plus everything payable now.
    due: i64,
    /// Of what became payable, the part that paid back a negative balance carried in.
    recouped: i64,
    /// Why it was paid or not.
    outcome: Outcome,
    /// Paid this cycle: all of `due`, or nothing.
    paid: i64,
    /// Carried to the next cycle: `due − paid`.
    balance_out: i64,
}

impl Settled {
    /// The amount due is paid unless it is not positive, the hold is on (rule PAY-6), no
    /// verified payout account is in effect (rule PAY-4) or it is under the threshold (rule
    /// PAY-8).
    fn of(revenue: &Revenue, carried: &Carried, terms: &CycleTerms) -> Result<Settled, Error> {
        let balance_in = carried.balance;
        let inflow = add(carried.became, revenue.due, "revenue due")?;
        let due = add(balance_in, inflow, "amount due")?;
        let recouped = if balance_in < 0 && inflow > 0 {
            inflow.min(balance_in.checked_neg().unwrap_or(i64::MAX))
        } else {
            0
        };
        let outcome = outcome(terms, due)?;
        let paid = if outcome == Outcome::Paid { due } else { 0 };
        let balance_out = due.checked_sub(paid).ok_or_else(|| Error::Overflow {
            what: "the balance carried out".into(),
        })?;
        Ok(Settled {
            due,
            recouped,
            outcome,
            paid,
            balance_out,
        })
    }
}

/// What happens to `due` under `terms`: see [`Settled::of`].
fn outcome(terms: &CycleTerms, due: i64) -> Result<Outcome, Error> {
    let cur = terms.currency;
    Ok(if due < 0 {
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
    })
}

/// Step 4: the statement's lines, in order — earned, withheld, not yet payable, became
/// payable, carried in, due, recouped, still pending, paid (or not, and why), carried out
/// (rule PAY-9). The signed lines before `due` add up to it.
fn explain(
    revenue: &Revenue,
    carried: &Carried,
    settled: &Settled,
    terms: &CycleTerms,
) -> Result<Vec<StatementLine>, Error> {
    let month = terms.month;
    let withheld_line = neg(revenue.withheld)?;
    let not_yet_lines = (revenue.not_yet_lines.iter())
        .map(|(m, a)| Ok((*m, neg(*a)?)))
        .collect::<Result<Vec<_>, Error>>()?;

    let mut lines = Vec::new();
    let mut line = |kind, units: i64, why: String| {
        lines.push(StatementLine {
            kind,
            amount: Money::from_minor_units(units, terms.currency),
            why,
        });
    };
    line(
        LineKind::Earned,
        revenue.earned,
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
    for (m, a) in &carried.became_lines {
        line(
            LineKind::BecamePayable,
            *a,
            format!("earned in an earlier cycle, payable from {m}"),
        );
    }
    line(
        LineKind::CarriedIn,
        carried.balance,
        "balance carried in from earlier cycles".into(),
    );
    line(LineKind::Due, settled.due, format!("due for {month}"));
    if settled.recouped > 0 {
        line(
            LineKind::Recouped,
            settled.recouped,
            "recoups the negative balance carried in before anything is paid".into(),
        );
    }
    for (m, a) in &carried.still_lines {
        line(
            LineKind::StillPending,
            *a,
            format!("earned earlier, still not payable until {m}"),
        );
    }
    let (kind, why) = outcome_line(&settled.outcome, terms);
    if kind == LineKind::Paid {
        line(kind, settled.paid, why);
    } else {
        line(LineKind::Paid, 0, "nothing paid this cycle".into());
        line(kind, settled.balance_out, why);
    }
    line(
        LineKind::CarriedOut,
        settled.balance_out,
        "carried to the next cycle".into(),
    );
    Ok(lines)
}

/// `-x`, for a line that takes from the amount due.
fn neg(x: i64) -> Result<i64, Error> {
    x.checked_neg().ok_or(Error::Overflow {
        what: "a negated amount".into(),
    })
}

/// The line that says what happened to the amount due, and why in words.
fn outcome_line(outcome: &Outcome, terms: &CycleTerms) -> (LineKind, String) {
    let month = terms.month;
    let before = month
        .previous()
        .map_or_else(|_| format!("the month before {month}"), |m| m.to_string());
    match outcome {
        Outcome::Paid => (LineKind::Paid, format!("sent by {}", terms.payment_date)),
        Outcome::NothingDue => (LineKind::Paid, "nothing was due".into()),
        Outcome::NegativeBalance => (
            LineKind::NegativeBalance,
            "refunds exceed revenue: recouped from later earnings before anything is paid".into(),
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
    }
}
