//! The run as one node of a DataFusion plan: [`WalkNode`] (logical) and its physical form,
//! [`exec::WalkExec`], which asks the engine for both inputs hash-partitioned by account into
//! the same partitions and sorted by account, and walks each partition with the per-account
//! rules.
//!
//! Because the rules are a plan node, the same plan runs embedded (DataFusion in the host's
//! process) and on a Ballista cluster (the scheduler splits it at the repartitions into
//! shuffle stages and sends the walk to the executors with the codec of the `ballista`
//! feature). The node's output is a stream of *frames*: one row per result batch, naming the
//! table it belongs to (statements, year-end, forms, failures) and holding the batch in Arrow
//! IPC — one node, four tables, and nothing the cluster's result transport does not carry.

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::io::Cursor;
use std::sync::{Arc, LazyLock};

use async_trait::async_trait;
use datafusion::arrow::array::{Array, BinaryArray, RecordBatch, StringArray};
use datafusion::arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use datafusion::arrow::ipc::reader::StreamReader;
use datafusion::arrow::ipc::writer::StreamWriter;
use datafusion::common::{DFSchema, DFSchemaRef};
use datafusion::error::DataFusionError;
use datafusion::execution::context::{QueryPlanner, SessionState};
use datafusion::execution::session_state::SessionStateBuilder;
use datafusion::logical_expr::physical_planning_context::PhysicalPlanningContext;
use datafusion::logical_expr::{LogicalPlan, UserDefinedLogicalNode, UserDefinedLogicalNodeCore};
use datafusion::physical_plan::ExecutionPlan;
use datafusion::physical_planner::{DefaultPhysicalPlanner, ExtensionPlanner, PhysicalPlanner};
use datafusion::prelude::Expr;
use partnerkit::Settings;
use partnerkit::payouts::{FixedRates, PayoutMonth, PayoutPolicy};
use partnerkit::tax::{RemittanceTable, ReportingRules, TreatyTable};
use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::run::{Progress, Shared};

pub(crate) mod exec;

/// What a walk computes.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Job {
    /// Every account's statement for the month.
    Month {
        /// The payout month.
        month: PayoutMonth,
    },
    /// Every account's year-end returns.
    Year {
        /// The first cycle (nothing carried in).
        since: PayoutMonth,
        /// The tax year.
        year: i32,
        /// The reporting rules.
        rules: ReportingRules,
    },
}

/// A walk: the job and what every partition shares (settings, rates, output options).
#[derive(Debug)]
pub(crate) struct Walk {
    pub(crate) job: Job,
    pub(crate) shared: Arc<Shared>,
}

/// A walk as the codec carries it between processes. Of the host's [`Settings`] it carries
/// what the payout and tax rules read — the payout policy, the treaty table and the
/// remittance table; the rest (agreement catalogue, cache and snapshot sizes) is the
/// per-account service's and takes its default on the far side.
#[derive(Serialize, Deserialize)]
struct Wire {
    job: Job,
    policy: PayoutPolicy,
    treaties: TreatyTable,
    remittance: RemittanceTable,
    rates: FixedRates,
    statement_json: bool,
    batch_rows: usize,
}

impl Walk {
    /// The walk as bytes (JSON), for the codec.
    pub(crate) fn to_bytes(&self) -> Result<Vec<u8>, serde_json::Error> {
        let s = &self.shared;
        serde_json::to_vec(&Wire {
            job: self.job.clone(),
            policy: s.settings.policy.clone(),
            treaties: s.settings.treaties.clone(),
            remittance: s.settings.remittance.clone(),
            rates: s.rates.as_ref().clone(),
            statement_json: s.json,
            batch_rows: s.batch_rows,
        })
    }

    /// The walk [`to_bytes`](Self::to_bytes) made, with a progress counter of its own.
    #[cfg_attr(not(feature = "ballista"), allow(dead_code))]
    pub(crate) fn from_bytes(bytes: &[u8]) -> Result<Walk, serde_json::Error> {
        let w: Wire = serde_json::from_slice(bytes)?;
        Ok(Walk {
            job: w.job,
            shared: Arc::new(Shared {
                settings: Arc::new(Settings {
                    policy: w.policy,
                    treaties: w.treaties,
                    remittance: w.remittance,
                    ..Settings::default()
                }),
                rates: Arc::new(w.rates),
                progress: Arc::new(Progress::default()),
                json: w.statement_json,
                batch_rows: w.batch_rows.max(1),
            }),
        })
    }
}

/// The tables a walk's frames belong to.
pub(crate) mod tables {
    /// [`schema::statements`](crate::schema::statements).
    pub(crate) const STATEMENTS: &str = "statements";
    /// [`schema::year_end`](crate::schema::year_end).
    pub(crate) const YEAR_END: &str = "year_end";
    /// [`schema::forms`](crate::schema::forms).
    pub(crate) const FORMS: &str = "forms";
    /// [`schema::failures`](crate::schema::failures).
    pub(crate) const FAILURES: &str = "failures";
}

const TABLE: &str = "table";
const FRAME: &str = "frame";

/// A frame's IPC bytes stay under this, so one fits in a gRPC message of the cluster's
/// result transport (16 MiB by default in Ballista); a bigger batch is cut in two, and again.
const FRAME_BYTES: usize = 4 * 1024 * 1024;

/// The walk's output schema: `table` (which table the batch belongs to), `frame` (the batch
/// in Arrow IPC stream format).
pub(crate) fn frames_schema() -> SchemaRef {
    static SCHEMA: LazyLock<SchemaRef> = LazyLock::new(|| {
        Arc::new(Schema::new(vec![
            Field::new(TABLE, DataType::Utf8, false),
            Field::new(FRAME, DataType::Binary, false),
        ]))
    });
    SCHEMA.clone()
}

fn ipc(batch: &RecordBatch) -> Result<Vec<u8>, Error> {
    let mut writer = StreamWriter::try_new(Vec::new(), &batch.schema())?;
    writer.write(batch)?;
    writer.finish()?;
    Ok(writer.into_inner()?)
}

/// `batch` of `table` as frames (one row each), cut so each frame's bytes stay under
/// [`FRAME_BYTES`].
pub(crate) fn frames(
    table: &str,
    batch: &RecordBatch,
    out: &mut Vec<RecordBatch>,
) -> Result<(), Error> {
    let bytes = ipc(batch)?;
    let rows = batch.num_rows();
    if bytes.len() > FRAME_BYTES && rows > 1 {
        let half = rows / 2;
        frames(table, &batch.slice(0, half), out)?;
        return frames(table, &batch.slice(half, rows - half), out);
    }
    out.push(RecordBatch::try_new(
        frames_schema(),
        vec![
            Arc::new(StringArray::from(vec![table])),
            Arc::new(BinaryArray::from(vec![bytes.as_slice()])),
        ],
    )?);
    Ok(())
}

/// Adds the tables `batch`'s frames hold to `out`, decoded, in frame order.
pub(crate) fn unframe(
    batch: &RecordBatch,
    out: &mut BTreeMap<String, Vec<RecordBatch>>,
) -> Result<(), Error> {
    let bad = |reason: String| Error::Column {
        column: FRAME,
        reason,
    };
    let table = batch
        .column_by_name(TABLE)
        .and_then(|a| a.as_any().downcast_ref::<StringArray>())
        .ok_or_else(|| bad("no table column".into()))?;
    let frame = batch
        .column_by_name(FRAME)
        .and_then(|a| a.as_any().downcast_ref::<BinaryArray>())
        .ok_or_else(|| bad("no frame column".into()))?;
    for i in 0..batch.num_rows() {
        if table.is_null(i) || frame.is_null(i) {
            return Err(bad(format!("row {i} has a null")));
        }
        let reader = StreamReader::try_new(Cursor::new(frame.value(i)), None)?;
        let tables = out.entry(table.value(i).to_owned()).or_default();
        for decoded in reader {
            tables.push(decoded?);
        }
    }
    Ok(())
}

/// The logical node: a walk over two inputs, the ledger and the accounts.
#[derive(Debug, Clone)]
pub(crate) struct WalkNode {
    walk: Arc<Walk>,
    /// The walk's bytes: what the node is, for equality, hashing and order.
    key: Arc<[u8]>,
    ledger: LogicalPlan,
    accounts: LogicalPlan,
    schema: DFSchemaRef,
}

impl WalkNode {
    /// A walk over `ledger` and `accounts`.
    pub(crate) fn new(
        walk: Arc<Walk>,
        ledger: LogicalPlan,
        accounts: LogicalPlan,
    ) -> Result<Self, Error> {
        let key = walk.to_bytes().map_err(|e| Error::Column {
            column: FRAME,
            reason: e.to_string(),
        })?;
        Ok(WalkNode {
            walk,
            key: key.into(),
            ledger,
            accounts,
            schema: Arc::new(DFSchema::try_from(frames_schema().as_ref().clone())?),
        })
    }

    /// The walk.
    pub(crate) fn walk(&self) -> &Arc<Walk> {
        &self.walk
    }

    /// The walk's bytes, as the codec carries them.
    #[cfg(feature = "ballista")]
    pub(crate) fn key(&self) -> &[u8] {
        &self.key
    }
}

impl PartialEq for WalkNode {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key && self.ledger == other.ledger && self.accounts == other.accounts
    }
}

impl Eq for WalkNode {}

impl Hash for WalkNode {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.key.hash(state);
        self.ledger.hash(state);
        self.accounts.hash(state);
    }
}

impl PartialOrd for WalkNode {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        match self.key.cmp(&other.key) {
            Ordering::Equal => match self.ledger.partial_cmp(&other.ledger) {
                Some(Ordering::Equal) => self.accounts.partial_cmp(&other.accounts),
                other => other,
            },
            other => Some(other),
        }
    }
}

impl UserDefinedLogicalNodeCore for WalkNode {
    fn name(&self) -> &str {
        "PartnerkitWalk"
    }

    fn inputs(&self) -> Vec<&LogicalPlan> {
        vec![&self.ledger, &self.accounts]
    }

    fn schema(&self) -> &DFSchemaRef {
        &self.schema
    }

    fn expressions(&self) -> Vec<Expr> {
        Vec::new()
    }

    fn fmt_for_explain(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match &self.walk.job {
            Job::Month { month } => write!(f, "PartnerkitWalk: statements for {month}"),
            Job::Year { since, year, .. } => {
                write!(
                    f,
                    "PartnerkitWalk: returns for {year} (cycles since {since})"
                )
            }
        }
    }

    fn with_exprs_and_inputs(
        &self,
        _exprs: Vec<Expr>,
        mut inputs: Vec<LogicalPlan>,
    ) -> datafusion::error::Result<Self> {
        let (Some(accounts), Some(ledger), None) = (inputs.pop(), inputs.pop(), inputs.pop())
        else {
            return Err(DataFusionError::Plan(
                "PartnerkitWalk takes two inputs: the ledger and the accounts".into(),
            ));
        };
        Ok(WalkNode {
            ledger,
            accounts,
            ..self.clone()
        })
    }
}

/// Plans [`WalkNode`] as [`exec::WalkExec`].
#[derive(Debug, Default)]
struct WalkPlanner;

#[async_trait]
impl ExtensionPlanner for WalkPlanner {
    async fn plan_extension(
        &self,
        _planner: &dyn PhysicalPlanner,
        node: &dyn UserDefinedLogicalNode,
        _logical_inputs: &[&LogicalPlan],
        physical_inputs: &[Arc<dyn ExecutionPlan>],
        _session: &dyn datafusion::catalog::Session,
        _planning: &PhysicalPlanningContext,
    ) -> datafusion::error::Result<Option<Arc<dyn ExecutionPlan>>> {
        let Some(node) = node.as_any().downcast_ref::<WalkNode>() else {
            return Ok(None);
        };
        let [ledger, accounts] = physical_inputs else {
            return Err(DataFusionError::Plan(
                "PartnerkitWalk takes two inputs: the ledger and the accounts".into(),
            ));
        };
        Ok(Some(Arc::new(exec::WalkExec::try_new(
            node.walk().clone(),
            ledger.clone(),
            accounts.clone(),
        )?)))
    }
}

/// The query planner a session needs to run the payout run: DataFusion's own, which also
/// plans the run's node. [`session`](crate::session) installs it; a host that builds its own
/// session adds it with [`with_payout_planner`].
#[derive(Debug, Default)]
pub struct PayoutPlanner;

#[async_trait]
impl QueryPlanner for PayoutPlanner {
    async fn create_physical_plan(
        &self,
        logical_plan: &LogicalPlan,
        session: &dyn datafusion::catalog::Session,
    ) -> datafusion::error::Result<Arc<dyn ExecutionPlan>> {
        DefaultPhysicalPlanner::with_extension_planners(vec![Arc::new(WalkPlanner)])
            .create_physical_plan(logical_plan, session)
            .await
    }
}

/// `builder` with the [`PayoutPlanner`]: for a host's own session (on a Ballista scheduler
/// too).
pub fn with_payout_planner(builder: SessionStateBuilder) -> SessionStateBuilder {
    builder.with_query_planner(Arc::new(PayoutPlanner))
}

/// A session state with DataFusion's defaults, `config` and the [`PayoutPlanner`]: what a
/// Ballista scheduler builds for each job (the `ballista` module's scheduler uses it).
pub fn payout_state(
    config: datafusion::prelude::SessionConfig,
) -> datafusion::error::Result<SessionState> {
    Ok(with_payout_planner(
        SessionStateBuilder::new()
            .with_config(config)
            .with_default_features(),
    )
    .build())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn a_walk_crosses_the_codec_with_the_settings_the_rules_read() {
        // rule: PAY-12 (a cluster's executors apply the host's policy, treaties and rates)
        let policy = PayoutPolicy::default()
            .with_payment_day(20)
            .unwrap()
            .with_default_lag(2);
        let rates = FixedRates::new().with(
            "EUR".parse().unwrap(),
            "USD".parse().unwrap(),
            "2027-06".parse().unwrap(),
            "1.0825".parse().unwrap(),
        );
        let walk = Walk {
            job: Job::Year {
                since: "2027-01".parse().unwrap(),
                year: 2027,
                rules: ReportingRules::irs_1099_misc(),
            },
            shared: Arc::new(Shared {
                settings: Arc::new(Settings {
                    policy: policy.clone(),
                    ..Settings::default()
                }),
                rates: Arc::new(rates.clone()),
                progress: Arc::new(Progress::default()),
                json: true,
                batch_rows: 17,
            }),
        };
        let back = Walk::from_bytes(&walk.to_bytes().unwrap()).unwrap();
        assert_eq!(back.shared.settings.policy, policy);
        assert_ne!(back.shared.settings.policy, PayoutPolicy::default());
        assert_eq!(back.shared.settings.treaties, walk.shared.settings.treaties);
        assert_eq!(
            back.shared.settings.remittance,
            walk.shared.settings.remittance
        );
        assert_eq!(*back.shared.rates, rates);
        assert!(back.shared.json);
        assert_eq!(back.shared.batch_rows, 17);
        assert_eq!(back.to_bytes().unwrap(), walk.to_bytes().unwrap());
    }

    #[test]
    fn a_large_batch_is_cut_into_frames_and_put_back_together() {
        use datafusion::arrow::array::Int64Array;
        let schema = Arc::new(Schema::new(vec![Field::new("n", DataType::Int64, false)]));
        let n = 1_000_000i64;
        let batch =
            RecordBatch::try_new(schema, vec![Arc::new(Int64Array::from_iter_values(0..n))])
                .unwrap();
        let mut out = Vec::new();
        frames(tables::STATEMENTS, &batch, &mut out).unwrap();
        assert!(out.len() >= 2, "8 MB in one frame");
        let mut back = BTreeMap::new();
        for frame in &out {
            unframe(frame, &mut back).unwrap();
        }
        let rows: usize = back[tables::STATEMENTS]
            .iter()
            .map(RecordBatch::num_rows)
            .sum();
        assert_eq!(rows, 1_000_000);
        let firsts: Vec<i64> = back[tables::STATEMENTS]
            .iter()
            .map(|b| {
                b.column(0)
                    .as_any()
                    .downcast_ref::<Int64Array>()
                    .unwrap()
                    .value(0)
            })
            .collect();
        assert!(firsts.windows(2).all(|w| w[0] < w[1]), "in order");
    }
}
