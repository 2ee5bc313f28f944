//! The walk's physical node.

use std::fmt;
use std::sync::Arc;

use datafusion::common::tree_node::TreeNodeRecursion;
use datafusion::error::DataFusionError;
use datafusion::execution::{SendableRecordBatchStream, TaskContext};
use datafusion::physical_expr::expressions::col as physical_col;
use datafusion::physical_expr::{
    Distribution, EquivalenceProperties, LexRequirement, OrderingRequirements, Partitioning,
    PhysicalExpr, PhysicalSortRequirement,
};
use datafusion::physical_plan::execution_plan::{Boundedness, EmissionType};
use datafusion::physical_plan::stream::RecordBatchReceiverStream;
use datafusion::physical_plan::{
    DisplayAs, DisplayFormatType, ExecutionPlan, ExecutionPlanProperties,
    InputDistributionRequirements, PlanProperties,
};

use super::{Job, Walk, frames_schema};
use crate::error::Error;
use crate::run::{FrameSender, month_partition, year_partition};
use crate::schema::col as c;

/// The walk over one partition of each input: the ledger (`account`, `entry`, …) and the
/// accounts (`account`, `events`, `carried_in`), both hash-partitioned by account into the
/// same partitions (the engine repartitions them: [`input_distribution_requirements`]) and
/// sorted by account (and entry) in each.
///
/// [`input_distribution_requirements`]: ExecutionPlan::input_distribution_requirements
#[derive(Debug)]
pub(crate) struct WalkExec {
    walk: Arc<Walk>,
    ledger: Arc<dyn ExecutionPlan>,
    accounts: Arc<dyn ExecutionPlan>,
    properties: Arc<PlanProperties>,
}

impl WalkExec {
    /// The walk over `ledger` and `accounts`.
    pub(crate) fn try_new(
        walk: Arc<Walk>,
        ledger: Arc<dyn ExecutionPlan>,
        accounts: Arc<dyn ExecutionPlan>,
    ) -> Result<Self, DataFusionError> {
        let properties = Arc::new(PlanProperties::new(
            EquivalenceProperties::new(frames_schema()),
            Partitioning::UnknownPartitioning(ledger.output_partitioning().partition_count()),
            EmissionType::Final,
            Boundedness::Bounded,
        ));
        Ok(WalkExec {
            walk,
            ledger,
            accounts,
            properties,
        })
    }

    /// The walk.
    #[cfg(feature = "ballista")]
    pub(crate) fn walk(&self) -> &Arc<Walk> {
        &self.walk
    }

    fn account(plan: &Arc<dyn ExecutionPlan>) -> Result<Arc<dyn PhysicalExpr>, DataFusionError> {
        physical_col(c::ACCOUNT, &plan.schema())
    }

    fn ascending(plan: &Arc<dyn ExecutionPlan>, keys: &[&str]) -> Option<OrderingRequirements> {
        let schema = plan.schema();
        let mut reqs = Vec::with_capacity(keys.len());
        for k in keys {
            reqs.push(PhysicalSortRequirement::new(
                physical_col(k, &schema).ok()?,
                Some(Default::default()),
            ));
        }
        LexRequirement::new(reqs).map(OrderingRequirements::new)
    }
}

impl DisplayAs for WalkExec {
    fn fmt_as(&self, _t: DisplayFormatType, f: &mut fmt::Formatter) -> fmt::Result {
        match &self.walk.job {
            Job::Month { month } => write!(f, "PartnerkitWalkExec: statements for {month}"),
            Job::Year { since, year, .. } => {
                write!(
                    f,
                    "PartnerkitWalkExec: returns for {year} (cycles since {since})"
                )
            }
        }
    }
}

impl ExecutionPlan for WalkExec {
    fn name(&self) -> &str {
        "PartnerkitWalkExec"
    }

    fn properties(&self) -> &Arc<PlanProperties> {
        &self.properties
    }

    fn input_distribution_requirements(&self) -> InputDistributionRequirements {
        match (Self::account(&self.ledger), Self::account(&self.accounts)) {
            // Not `co_partitioned`: a Ballista stage's shuffle readers do not report the hash
            // partitioning their writers used, so DataFusion's invariant check would refuse
            // the plan on the executors. Both inputs are hashed on the same key type into the
            // same number of partitions (`execute` checks the count), which puts an
            // account's entries and its row in the same partition.
            (Ok(l), Ok(a)) => InputDistributionRequirements::new(vec![
                Distribution::KeyPartitioned(vec![l]),
                Distribution::KeyPartitioned(vec![a]),
            ]),
            // No account column: execute reports it.
            _ => InputDistributionRequirements::new(vec![
                Distribution::UnspecifiedDistribution,
                Distribution::UnspecifiedDistribution,
            ]),
        }
    }

    fn required_input_ordering(&self) -> Vec<Option<OrderingRequirements>> {
        vec![
            Self::ascending(&self.ledger, &[c::ACCOUNT, c::ENTRY]),
            Self::ascending(&self.accounts, &[c::ACCOUNT]),
        ]
    }

    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        vec![&self.ledger, &self.accounts]
    }

    fn apply_expressions(
        &self,
        _f: &mut dyn FnMut(&Arc<dyn PhysicalExpr>) -> datafusion::error::Result<TreeNodeRecursion>,
    ) -> datafusion::error::Result<TreeNodeRecursion> {
        Ok(TreeNodeRecursion::Continue)
    }

    #[allow(deprecated)]
    fn with_new_children(
        self: Arc<Self>,
        children: Vec<Arc<dyn ExecutionPlan>>,
    ) -> datafusion::error::Result<Arc<dyn ExecutionPlan>> {
        let [ledger, accounts] = <[_; 2]>::try_from(children)
            .map_err(|_| DataFusionError::Plan("PartnerkitWalkExec takes two inputs".into()))?;
        Ok(Arc::new(WalkExec::try_new(
            self.walk.clone(),
            ledger,
            accounts,
        )?))
    }

    fn execute(
        &self,
        partition: usize,
        context: Arc<TaskContext>,
    ) -> datafusion::error::Result<SendableRecordBatchStream> {
        let (l, a) = (
            self.ledger.output_partitioning().partition_count(),
            self.accounts.output_partitioning().partition_count(),
        );
        if l != a {
            return Err(DataFusionError::Plan(format!(
                "PartnerkitWalkExec: the ledger has {l} partitions and the accounts {a}; \
                 both must be hash-partitioned by account into as many"
            )));
        }
        let ledger = self.ledger.execute(partition, context.clone())?;
        let accounts = self.accounts.execute(partition, context)?;
        let mut builder = RecordBatchReceiverStream::builder(frames_schema(), 2);
        let tx = builder.tx();
        let walk = self.walk.clone();
        builder.spawn(async move {
            walk_partition(walk, ledger, accounts, tx)
                .await
                .map_err(|e| DataFusionError::External(Box::new(e)))
        });
        Ok(builder.build())
    }
}

/// One partition's walk, its results sent as frames as they are made.
async fn walk_partition(
    walk: Arc<Walk>,
    ledger: SendableRecordBatchStream,
    accounts: SendableRecordBatchStream,
    tx: FrameSender,
) -> Result<(), Error> {
    let shared = walk.shared.clone();
    match &walk.job {
        Job::Month { month } => month_partition(shared, *month, (ledger, accounts), &tx).await,
        Job::Year { since, year, rules } => {
            let rules = Arc::new(rules.clone());
            year_partition(shared, *since, *year, rules, (ledger, accounts), &tx).await
        }
    }
}
