//! One partition's work: each account's state and entries, cogrouped from the partition's
//! streams, given to the per-account rules (rule PAY-12); results and refusals as batches.

use std::sync::Arc;

use datafusion::arrow::array::RecordBatch;
use datafusion::execution::SendableRecordBatchStream;
use partnerkit::core::AccountId;
use partnerkit::payouts::{CarryOver, LedgerEntry, PayoutMonth, Statement};
use partnerkit::tax::{ReportingRules, YearEndReturns};
use partnerkit::{AccountEvent, AccountState};

use super::{FrameSender, Shared};
use crate::cogroup::{Cogroup, Group};
use crate::error::Error;
use crate::generate::reference::payout_currency;
use crate::output::{Failures, Refused, Returns, Statements};
use crate::plan::{frames, tables};

/// An account's state, rebuilt from its events (the facade's public JSON format).
fn state_of(events: &str) -> Result<AccountState, Refused> {
    let events: Vec<AccountEvent> = serde_json::from_str(events).map_err(|e| Refused {
        code: "invalid_events",
        message: e.to_string(),
    })?;
    Ok(AccountState::fold(&events))
}

/// What every account's work starts with.
struct Inputs {
    account: AccountId,
    state: AccountState,
    carried: Option<String>,
    entries: Vec<LedgerEntry>,
}

/// An account's state and entries, or why it has none.
fn inputs(group: Group) -> Result<Inputs, (AccountId, Refused)> {
    let account = group.account;
    let fail = |r: Refused| (account, r);
    if group.duplicate {
        return Err(fail(Refused {
            code: "duplicate_account",
            message: "the accounts table has more than one row for this account".into(),
        }));
    }
    let Some((events, carried)) = group.inputs else {
        return Err(fail(Refused {
            code: "unknown_account",
            message: format!(
                "{} ledger entries for an account the accounts table lacks",
                group.rows
            ),
        }));
    };
    let entries = group.entries.map_err(|e| fail(e.into()))?;
    let state = state_of(&events).map_err(fail)?;
    Ok(Inputs {
        account,
        state,
        carried,
        entries,
    })
}

/// An account's statement for `month` (rule PAY-12: the per-account rules, as the service gives
/// them): every entry must be in the month's cycle; what was carried in, or nothing.
fn month_statement(
    shared: &Shared,
    month: PayoutMonth,
    state: &AccountState,
    carried: Option<String>,
    entries: &[LedgerEntry],
) -> Result<Statement, Refused> {
    let settings = &shared.settings;
    for e in entries {
        if settings
            .policy
            .cycle_of(e)
            .map_err(partnerkit::DomainError::from)?
            != month
        {
            return Err(Refused {
                code: "not_in_cycle",
                message: format!(
                    "an entry earned {} is not in {month}'s cycle",
                    e.earned_on()
                ),
            });
        }
    }
    let carried_in = match carried {
        Some(json) => serde_json::from_str::<CarryOver>(&json).map_err(|e| Refused {
            code: "invalid_carried_in",
            message: e.to_string(),
        })?,
        None => CarryOver::zero(payout_currency(state)?),
    };
    let mut s = partnerkit::statements_converted(
        state,
        settings,
        entries,
        shared.rates.as_ref(),
        month,
        month,
        carried_in,
    )
    .map_err(Refused::from)?;
    s.pop().ok_or(Refused {
        code: "no_statement",
        message: format!("no statement for {month}"),
    })
}

/// An account's year-end returns for `year`, from its statements since `since` (rule PAY-12).
fn year_returns(
    shared: &Shared,
    (since, year): (PayoutMonth, i32),
    rules: &ReportingRules,
    state: &AccountState,
    entries: &[LedgerEntry],
) -> Result<YearEndReturns, Refused> {
    let (_, returns) = partnerkit::year_statements_and_returns(
        state,
        &shared.settings,
        entries,
        shared.rates.as_ref(),
        since,
        year,
        rules,
    )?;
    Ok(returns)
}

/// Where a partition's results go: [`Statements`] or [`Returns`].
trait Output {
    /// What it makes of the rows so far.
    type Batch;
    /// Rows not made into a batch yet.
    fn rows(&self) -> usize;
    /// The rows so far as a batch; none are left.
    fn finish(&mut self) -> Result<Self::Batch, Error>;
    /// A batch as the frames of its tables.
    fn frames(batch: &Self::Batch, out: &mut Vec<RecordBatch>) -> Result<(), Error>;
}

impl Output for Statements {
    type Batch = RecordBatch;
    fn rows(&self) -> usize {
        Statements::rows(self)
    }
    fn finish(&mut self) -> Result<RecordBatch, Error> {
        Statements::finish(self)
    }
    fn frames(batch: &RecordBatch, out: &mut Vec<RecordBatch>) -> Result<(), Error> {
        frames(tables::STATEMENTS, batch, out)
    }
}

impl Output for Returns {
    type Batch = (RecordBatch, RecordBatch);
    fn rows(&self) -> usize {
        Returns::rows(self)
    }
    fn finish(&mut self) -> Result<(RecordBatch, RecordBatch), Error> {
        Returns::finish(self)
    }
    fn frames(
        (year_end, forms): &(RecordBatch, RecordBatch),
        out: &mut Vec<RecordBatch>,
    ) -> Result<(), Error> {
        frames(tables::YEAR_END, year_end, out)?;
        frames(tables::FORMS, forms, out)
    }
}

/// Sends `frames` down the node's stream as soon as they are cut, so a partition holds at most
/// one batch of results (and the channel's two frames) however many accounts it has. False if
/// the stream was dropped: nobody wants the rest.
async fn send(tx: &FrameSender, frames: Vec<RecordBatch>) -> bool {
    for frame in frames {
        if tx.send(Ok(frame)).await.is_err() {
            return false;
        }
    }
    true
}

/// Walks one partition's accounts: `each` gives an account's result to `out`, or the reason
/// it has none, which becomes a failure row. Results and failures are cut into batches of
/// `shared.batch_rows` and sent to `tx` as frames when cut.
async fn walk<O: Output>(
    shared: &Shared,
    (ledger, accounts): (SendableRecordBatchStream, SendableRecordBatchStream),
    mut out: O,
    tx: &FrameSender,
    mut each: impl FnMut(Inputs, u64, &mut O) -> Result<(), Refused>,
) -> Result<(), Error> {
    let mut failures = Failures::new();
    let mut groups = Cogroup::new(ledger, accounts, &shared.settings.policy);
    let mut ready = Vec::new();
    let mut more = true;
    while more {
        let group = groups.next().await?;
        more = group.is_some();
        if let Some(group) = group {
            let rows = group.rows;
            let result = inputs(group).and_then(|inputs| {
                let account = inputs.account;
                each(inputs, rows, &mut out).map_err(|r| (account, r))
            });
            if let Err((account, r)) = result {
                failures.push(account, r.code, &r.message)?;
            }
            shared.progress.add(rows);
        }
        let limit = if more { shared.batch_rows } else { 1 };
        if out.rows() >= limit {
            O::frames(&out.finish()?, &mut ready)?;
        }
        if failures.rows() >= limit {
            frames(tables::FAILURES, &failures.finish()?, &mut ready)?;
        }
        if !ready.is_empty() && !send(tx, std::mem::take(&mut ready)).await {
            break;
        }
    }
    Ok(())
}

/// The month's statements of one partition's accounts, and its refusals, sent as frames.
pub(crate) async fn month_partition(
    shared: Arc<Shared>,
    month: PayoutMonth,
    inputs: (SendableRecordBatchStream, SendableRecordBatchStream),
    tx: &FrameSender,
) -> Result<(), Error> {
    let out = Statements::new(shared.json);
    walk(&shared, inputs, out, tx, |inputs, rows, out| {
        let Inputs {
            account,
            state,
            carried,
            entries,
        } = inputs;
        let statement = month_statement(&shared, month, &state, carried, &entries)?;
        out.push(account, rows, &statement)
    })
    .await
}

/// The year-end returns of one partition's accounts, and its refusals, sent as frames.
pub(crate) async fn year_partition(
    shared: Arc<Shared>,
    since: PayoutMonth,
    year: i32,
    rules: Arc<ReportingRules>,
    inputs: (SendableRecordBatchStream, SendableRecordBatchStream),
    tx: &FrameSender,
) -> Result<(), Error> {
    let out = Returns::new(shared.json);
    walk(&shared, inputs, out, tx, |inputs, rows, out| {
        let Inputs {
            account,
            state,
            entries,
            ..
        } = inputs;
        let returns = year_returns(&shared, (since, year), &rules, &state, &entries)?;
        out.push(account, rows, &returns)
    })
    .await
}
