//! The run: its options and session, the walk's plan (the ledger filtered to what the run
//! reads, the accounts, and the [`WalkNode`] over both) and its results by table.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use datafusion::arrow::array::{Array, RecordBatch, StringArray};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::DataType;
use datafusion::common::ScalarValue;
use datafusion::execution::disk_manager::DiskManagerBuilder;
use datafusion::execution::memory_pool::FairSpillPool;
use datafusion::execution::runtime_env::RuntimeEnvBuilder;
use datafusion::execution::session_state::SessionStateBuilder;
use datafusion::logical_expr::{Extension, LogicalPlan};
use datafusion::physical_plan::{ExecutionPlan, execute_stream};
use datafusion::prelude::{DataFrame, Expr, SessionConfig, SessionContext, col, lit};
use futures::StreamExt;
use partnerkit::Settings;
use partnerkit::core::Currency;
use partnerkit::payouts::{FixedRates, PayoutMonth, Rate};
use partnerkit::tax::ReportingRules;

mod partition;

pub(crate) use partition::{month_partition, year_partition};

use crate::cogroup::days_of;
use crate::error::Error;
use crate::plan::{Job, Walk, WalkNode, tables, unframe};
use crate::schema::col as c;
use crate::table;

/// How a run uses the machine.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Partitions the ledger is split into by account, each folded by its own task. The
    /// number of cores by default.
    pub partitions: usize,
    /// The memory pool's limit in bytes ([`FairSpillPool`]): the sorts spill to disk rather
    /// than go past it. `None`: no limit. On a Ballista cluster the pool is each executor's
    /// (`ExecutorOptions::memory_limit` of the `ballista` module); give the same here, so the
    /// sorts keep back no more of it than they may.
    pub memory_limit: Option<usize>,
    /// Where spill files go; the OS's temporary directory by default.
    pub spill_dir: Option<PathBuf>,
    /// Each statement (and each year's returns) also as JSON, lines and all, in the
    /// `statement` (`returns`) column. Off by default: the typed columns carry the figures.
    pub statement_json: bool,
    /// Accounts per output batch.
    pub batch_rows: usize,
    /// Rows per batch inside the engine (DataFusion's `batch_size`, 8192 by default). With a
    /// small memory limit, smaller batches let a sort hold at least one.
    pub engine_batch_rows: usize,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            partitions: std::thread::available_parallelism().map_or(1, |n| n.get()),
            memory_limit: None,
            spill_dir: None,
            statement_json: false,
            batch_rows: 8192,
            engine_batch_rows: 8192,
        }
    }
}

/// A DataFusion session for the run: `options`' partitions, memory limit and spill
/// directory, and the [`PayoutPlanner`](crate::PayoutPlanner) that plans the run's node.
pub fn session(options: &RunOptions) -> Result<SessionContext, Error> {
    let mut runtime = RuntimeEnvBuilder::new();
    if let Some(limit) = options.memory_limit {
        runtime = runtime.with_memory_pool(Arc::new(FairSpillPool::new(limit)));
    }
    runtime = runtime.with_disk_manager_builder(DiskManagerBuilder::default());
    if let Some(dir) = &options.spill_dir {
        runtime = runtime.with_temp_file_path(dir.clone());
    }
    let config = engine_config(SessionConfig::new(), options);
    Ok(SessionContext::new_with_state(
        crate::plan::with_payout_planner(
            SessionStateBuilder::new()
                .with_config(config)
                .with_runtime_env(runtime.build_arc()?)
                .with_default_features(),
        )
        .build(),
    ))
}

/// `config` with `options`' partitions and batch size, and, under a memory limit, sorts that
/// keep back little enough of it to spill rather than fail: embedded, the session's pool; on a
/// cluster, each executor's.
pub(crate) fn engine_config(config: SessionConfig, options: &RunOptions) -> SessionConfig {
    let mut config = config
        .with_target_partitions(options.partitions.max(1))
        .with_batch_size(options.engine_batch_rows.max(1));
    if let Some(limit) = options.memory_limit {
        // What each sort keeps back for merging its spill files (10 MiB by default): at most
        // an eighth of a partition's share of the pool, so a small pool spills instead of
        // failing.
        let share = limit / options.partitions.max(1) / 8;
        let execution = &mut config.options_mut().execution;
        execution.sort_spill_reservation_bytes = execution
            .sort_spill_reservation_bytes
            .min(share.max(64 * 1024));
    }
    config
}

/// How far a run has got, for a progress bar: updated by every partition as it goes.
#[derive(Debug, Default)]
pub struct Progress {
    accounts: AtomicU64,
    entries: AtomicU64,
}

impl Progress {
    /// Accounts done so far.
    pub fn accounts(&self) -> u64 {
        self.accounts.load(Ordering::Relaxed)
    }

    /// Ledger entries done so far.
    pub fn entries(&self) -> u64 {
        self.entries.load(Ordering::Relaxed)
    }

    fn add(&self, entries: u64) {
        self.accounts.fetch_add(1, Ordering::Relaxed);
        self.entries.fetch_add(entries, Ordering::Relaxed);
    }
}

/// A month's run: every account's statement, and the accounts the rules refused.
#[derive(Debug, Clone)]
pub struct MonthResult {
    /// The month.
    pub month: PayoutMonth,
    /// Statements ([`schema::statements`](crate::schema::statements)).
    pub statements: Vec<RecordBatch>,
    /// Refused accounts ([`schema::failures`](crate::schema::failures)).
    pub failures: Vec<RecordBatch>,
    /// Bytes the sorts spilled to disk (embedded; on a cluster 0: the executors keep their
    /// metrics).
    pub spilled_bytes: usize,
}

impl MonthResult {
    /// The number of statements.
    pub fn statement_rows(&self) -> usize {
        self.statements.iter().map(RecordBatch::num_rows).sum()
    }

    /// The number of refused accounts.
    pub fn failure_rows(&self) -> usize {
        self.failures.iter().map(RecordBatch::num_rows).sum()
    }
}

/// A year's run: every account's year-end totals and forms, and the refused accounts.
#[derive(Debug, Clone)]
pub struct YearResult {
    /// The tax year (of payment).
    pub year: i32,
    /// Per-account totals ([`schema::year_end`](crate::schema::year_end)).
    pub year_end: Vec<RecordBatch>,
    /// Forms 1042-S and 1099 ([`schema::forms`](crate::schema::forms)).
    pub forms: Vec<RecordBatch>,
    /// Refused accounts ([`schema::failures`](crate::schema::failures)).
    pub failures: Vec<RecordBatch>,
    /// Bytes the sorts spilled to disk (embedded; on a cluster 0: the executors keep their
    /// metrics).
    pub spilled_bytes: usize,
}

impl YearResult {
    /// The number of refused accounts.
    pub fn failure_rows(&self) -> usize {
        self.failures.iter().map(RecordBatch::num_rows).sum()
    }
}

/// The marketplace's payout run over the tables registered in a session
/// ([`table::LEDGER`], [`table::ACCOUNTS`], [`table::RATES`]), with the host's settings
/// (payout policy, treaty table).
#[derive(Clone)]
pub struct PayoutRun {
    settings: Arc<Settings>,
    options: RunOptions,
    progress: Arc<Progress>,
}

/// Where a partition's walk sends its frames: the plan node's output stream.
pub(crate) type FrameSender = tokio::sync::mpsc::Sender<datafusion::error::Result<RecordBatch>>;

/// The inputs every partition shares.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) settings: Arc<Settings>,
    pub(crate) rates: Arc<FixedRates>,
    pub(crate) progress: Arc<Progress>,
    pub(crate) json: bool,
    pub(crate) batch_rows: usize,
}

impl PayoutRun {
    /// A run with `settings` (the same the per-account service uses) and `options`.
    pub fn new(settings: Arc<Settings>, options: RunOptions) -> Self {
        PayoutRun {
            settings,
            options,
            progress: Arc::new(Progress::default()),
        }
    }

    /// The run's progress, to watch from another task while it runs.
    pub fn progress(&self) -> Arc<Progress> {
        self.progress.clone()
    }

    /// Every account's statement for `month` (rules PAY-5..10, TAX-9, PAY-12): the ledger
    /// entries whose payout cycle is `month` (earned in the month before), the account's
    /// events, the balance carried in ([`CarryOver`](partnerkit::payouts::CarryOver) JSON;
    /// none: zero) and the host's rates, given to
    /// [`statements_converted`](partnerkit::statements_converted) for that one
    /// month. An account of the accounts table without entries gets its statement too (its
    /// carried-in balance may be paid); an account the rules refuse is a failure row.
    pub async fn month(
        &self,
        ctx: &SessionContext,
        month: PayoutMonth,
    ) -> Result<MonthResult, Error> {
        // The cycle rule (policy.cycle_of: the month after the month earned) is checked per
        // entry below; the engine only narrows the scan to that month's days.
        let earned = month.previous().map_err(|e| Error::Column {
            column: c::EARNED_ON,
            reason: e.to_string(),
        })?;
        let filter = date_range(earned, month);
        let (mut tables, spilled_bytes) =
            self.walk(ctx, Job::Month { month }, Some(filter)).await?;
        Ok(MonthResult {
            month,
            statements: tables.remove(tables::STATEMENTS).unwrap_or_default(),
            failures: tables.remove(tables::FAILURES).unwrap_or_default(),
            spilled_bytes,
        })
    }

    /// Every account's year-end returns for tax year `year` (rule TAX-10, PAY-12): the
    /// account's statements from the cycle `since` (its first; nothing carried in) through
    /// December of `year`, then
    /// [`year_end_returns`](partnerkit::year_end_returns) over them.
    ///
    /// Each account's **whole** ledger is given to the rules, as a per-account host gives it:
    /// not only the entries of the year's cycles. The facade refuses an account paid in
    /// another currency than US dollars if any of its entries would be withheld
    /// (`not_usd`), a December sale included, although no statement of the year pays it; a
    /// filter on the year's days here would pay such an account where the per-account rules
    /// refuse it. (The 10,000-account differential found this.)
    pub async fn year(
        &self,
        ctx: &SessionContext,
        since: PayoutMonth,
        year: i32,
        rules: &ReportingRules,
    ) -> Result<YearResult, Error> {
        let bad = |e: partnerkit::payouts::Error| Error::Column {
            column: c::EARNED_ON,
            reason: e.to_string(),
        };
        // Checked before any work: the year's last cycle exists.
        PayoutMonth::new(year, 12).map_err(bad)?;
        let job = Job::Year {
            since,
            year,
            rules: rules.clone(),
        };
        let (mut tables, spilled_bytes) = self.walk(ctx, job, None).await?;
        Ok(YearResult {
            year,
            year_end: tables.remove(tables::YEAR_END).unwrap_or_default(),
            forms: tables.remove(tables::FORMS).unwrap_or_default(),
            failures: tables.remove(tables::FAILURES).unwrap_or_default(),
            spilled_bytes,
        })
    }

    /// Plans the walk over the ledger (`filter`ed) and the accounts, runs it in `ctx` —
    /// embedded, or on the cluster a Ballista session points at — and gives its output back
    /// by table, with the bytes the plan's sorts spilled (embedded only: a cluster's metrics
    /// stay on its executors).
    async fn walk(
        &self,
        ctx: &SessionContext,
        job: Job,
        filter: Option<Expr>,
    ) -> Result<(BTreeMap<String, Vec<RecordBatch>>, usize), Error> {
        let (ledger, accounts) = self.inputs(ctx, filter).await?;
        let walk = Arc::new(Walk {
            job,
            shared: self.shared(ctx).await?,
        });
        let node = WalkNode::new(walk, ledger, accounts)?;
        let plan = LogicalPlan::Extension(Extension {
            node: Arc::new(node),
        });
        let physical = DataFrame::new(ctx.state(), plan)
            .create_physical_plan()
            .await?;
        // Each frame decoded as it comes: the run holds its tables, not their bytes too.
        let mut frames = execute_stream(physical.clone(), ctx.task_ctx())?;
        let mut tables = BTreeMap::new();
        while let Some(frame) = frames.next().await {
            unframe(&frame?, &mut tables)?;
        }
        Ok((tables, spilled(&physical)))
    }

    async fn shared(&self, ctx: &SessionContext) -> Result<Arc<Shared>, Error> {
        Ok(Arc::new(Shared {
            settings: self.settings.clone(),
            rates: Arc::new(load_rates(ctx).await?),
            progress: self.progress.clone(),
            json: self.options.statement_json,
            batch_rows: self.options.batch_rows.max(1),
        }))
    }

    /// The ledger (filtered, the columns the rules read) and the accounts, as logical plans.
    async fn inputs(
        &self,
        ctx: &SessionContext,
        filter: Option<Expr>,
    ) -> Result<(LogicalPlan, LogicalPlan), Error> {
        let mut ledger = ctx.table(table::LEDGER).await?;
        if let Some(filter) = filter {
            ledger = ledger.filter(filter)?;
        }
        let ledger = ledger.select_columns(&[
            c::ACCOUNT,
            c::ENTRY,
            c::AMOUNT,
            c::CURRENCY,
            c::EARNED_ON,
            c::COUNTRY,
            c::SOURCE,
        ])?;
        let accounts = ctx.table(table::ACCOUNTS).await?.select_columns(&[
            c::ACCOUNT,
            c::EVENTS,
            c::CARRIED_IN,
        ])?;
        Ok((
            ledger.into_unoptimized_plan(),
            accounts.into_unoptimized_plan(),
        ))
    }
}

/// `earned_on` in the months `from..until` (from the first day of `from`, before the first
/// day of `until`).
fn date_range(from: PayoutMonth, until: PayoutMonth) -> Expr {
    let day = |m: PayoutMonth| lit(ScalarValue::Date32(Some(days_of(m.first_day()))));
    col(c::EARNED_ON)
        .gt_eq(day(from))
        .and(col(c::EARNED_ON).lt(day(until)))
}

/// The bytes every node of `plan` spilled.
fn spilled(plan: &Arc<dyn ExecutionPlan>) -> usize {
    let own = plan.metrics().and_then(|m| m.spilled_bytes()).unwrap_or(0);
    plan.children()
        .into_iter()
        .fold(own, |sum, child| sum.saturating_add(spilled(child)))
}

/// The rates table as [`FixedRates`]; none if the session has no rates table.
async fn load_rates(ctx: &SessionContext) -> Result<FixedRates, Error> {
    let mut rates = FixedRates::new();
    if !ctx.table_exist(table::RATES)? {
        return Ok(rates);
    }
    let batches = ctx.table(table::RATES).await?.collect().await?;
    let bad = |reason: String| Error::Rate { reason };
    for batch in batches {
        let column = |name: &'static str| -> Result<StringArray, Error> {
            let a = batch.column_by_name(name).ok_or(Error::Column {
                column: name,
                reason: "missing".into(),
            })?;
            let a = cast(a, &DataType::Utf8)?;
            a.as_any()
                .downcast_ref::<StringArray>()
                .cloned()
                .ok_or(Error::Column {
                    column: name,
                    reason: "not a string".into(),
                })
        };
        let (from, to, month, rate) = (
            column(c::FROM)?,
            column(c::TO)?,
            column(c::MONTH)?,
            column(c::RATE)?,
        );
        for i in 0..batch.num_rows() {
            if from.is_null(i) || to.is_null(i) || month.is_null(i) || rate.is_null(i) {
                return Err(bad(format!("row {i} has a null")));
            }
            let f: Currency = from.value(i).parse().map_err(|e| bad(format!("{e}")))?;
            let t: Currency = to.value(i).parse().map_err(|e| bad(format!("{e}")))?;
            let m: PayoutMonth = month.value(i).parse().map_err(|e| bad(format!("{e}")))?;
            let r: Rate = rate.value(i).parse().map_err(|e| bad(format!("{e}")))?;
            rates = rates.with(f, t, m, r);
        }
    }
    Ok(rates)
}
