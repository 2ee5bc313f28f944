//! The run on an [Apache Ballista](https://datafusion.apache.org/ballista/) cluster (feature
//! `ballista`): the same plan as the embedded run, split by Ballista's scheduler into shuffle
//! stages at the repartitions by account and executed by its executors.
//!
//! Three processes take part, and each needs the run's plan node and its codec:
//!
//! - **the client** (the host): [`remote`] gives a [`SessionContext`] on the cluster, with
//!   [`PayoutLogicalCodec`] to send the run's logical plan to the scheduler. Register the
//!   tables ([`register_folder`](crate::register_folder): files every executor can read at
//!   the same path) and call [`PayoutRun`](crate::PayoutRun) as embedded.
//! - **the scheduler**: the `partnerkit-scheduler` binary of this crate, or
//!   [`scheduler_config`] in a host's own: Ballista's scheduler with the
//!   [`PayoutPlanner`](crate::PayoutPlanner) and both codecs.
//! - **the executors**: the `partnerkit-executor` binary, or [`executor_config`]: Ballista's
//!   executor with [`PayoutPhysicalCodec`], which carries the walk (its job, the settings the
//!   rules read, the exchange rates) to them.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use std::sync::Arc;
//! use partnerkit::Settings;
//! use partnerkit_datafusion::{PayoutRun, RunOptions, ballista, register_folder};
//!
//! // partnerkit-scheduler --port 50050, and partnerkit-executor --scheduler 127.0.0.1:50050
//! // on every machine, are running.
//! let options = RunOptions::default();
//! let ctx = ballista::remote("df://127.0.0.1:50050", &options).await?;
//! register_folder(&ctx, std::path::Path::new("/data/marketplace")).await?;
//! let run = PayoutRun::new(Arc::new(Settings::default()), options);
//! let month = run.month(&ctx, "2027-07".parse()?).await?;
//! println!("{} statements", month.statement_rows());
//! # Ok(()) }
//! ```

use std::sync::Arc;

use ballista::prelude::{SessionConfigExt, SessionContextExt};
use ballista_core::serde::{BallistaLogicalExtensionCodec, BallistaPhysicalExtensionCodec};
use ballista_executor::executor_process::ExecutorProcessConfig;
use ballista_scheduler::config::SchedulerConfig;
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::catalog::TableProvider;
use datafusion::common::TableReference;
use datafusion::datasource::file_format::FileFormatFactory;
use datafusion::error::DataFusionError;
use datafusion::execution::TaskContext;
use datafusion::execution::session_state::SessionStateBuilder;
use datafusion::logical_expr::{Extension, LogicalPlan};
use datafusion::physical_plan::ExecutionPlan;
use datafusion::prelude::{SessionConfig, SessionContext};
use datafusion_proto::logical_plan::LogicalExtensionCodec;
use datafusion_proto::physical_plan::{PhysicalExtensionCodec, PhysicalProtoConverterExtension};

use crate::error::Error;
use crate::plan::exec::WalkExec;
use crate::plan::{Walk, WalkNode, payout_state};
use crate::run::{RunOptions, engine_config};

/// What the run's node is encoded behind: a leading zero byte is never the start of a
/// protobuf message (field number 0 does not exist), so nothing Ballista's own codecs write
/// can be taken for it.
const MAGIC: &[u8] = b"\0partnerkit-walk\0";

fn walk_of(buf: &[u8]) -> Option<Result<Walk, DataFusionError>> {
    buf.strip_prefix(MAGIC).map(|bytes| {
        Walk::from_bytes(bytes)
            .map_err(|e| DataFusionError::Internal(format!("partnerkit walk: {e}")))
    })
}

fn encode(walk: &[u8], buf: &mut Vec<u8>) {
    buf.extend_from_slice(MAGIC);
    buf.extend_from_slice(walk);
}

fn two<T: Clone>(inputs: &[T]) -> Result<(T, T), DataFusionError> {
    match inputs {
        [ledger, accounts] => Ok((ledger.clone(), accounts.clone())),
        _ => Err(DataFusionError::Plan(
            "PartnerkitWalk takes two inputs: the ledger and the accounts".into(),
        )),
    }
}

/// Ballista's logical codec, and the run's node: between the client and the scheduler.
#[derive(Debug, Default)]
pub struct PayoutLogicalCodec {
    inner: BallistaLogicalExtensionCodec,
}

impl LogicalExtensionCodec for PayoutLogicalCodec {
    fn try_decode(
        &self,
        buf: &[u8],
        inputs: &[LogicalPlan],
        ctx: &TaskContext,
    ) -> datafusion::error::Result<Extension> {
        let Some(walk) = walk_of(buf) else {
            return self.inner.try_decode(buf, inputs, ctx);
        };
        let (ledger, accounts) = two(inputs)?;
        let node = WalkNode::new(Arc::new(walk?), ledger, accounts)
            .map_err(|e| DataFusionError::External(Box::new(e)))?;
        Ok(Extension {
            node: Arc::new(node),
        })
    }

    fn try_encode(&self, node: &Extension, buf: &mut Vec<u8>) -> datafusion::error::Result<()> {
        match node.node.as_any().downcast_ref::<WalkNode>() {
            Some(walk) => {
                encode(walk.key(), buf);
                Ok(())
            }
            None => self.inner.try_encode(node, buf),
        }
    }

    fn try_decode_table_provider(
        &self,
        buf: &[u8],
        table_ref: &TableReference,
        schema: SchemaRef,
        ctx: &TaskContext,
    ) -> datafusion::error::Result<Arc<dyn TableProvider>> {
        self.inner
            .try_decode_table_provider(buf, table_ref, schema, ctx)
    }

    fn try_encode_table_provider(
        &self,
        table_ref: &TableReference,
        node: Arc<dyn TableProvider>,
        buf: &mut Vec<u8>,
    ) -> datafusion::error::Result<()> {
        self.inner.try_encode_table_provider(table_ref, node, buf)
    }

    fn try_decode_file_format(
        &self,
        buf: &[u8],
        ctx: &TaskContext,
    ) -> datafusion::error::Result<Arc<dyn FileFormatFactory>> {
        self.inner.try_decode_file_format(buf, ctx)
    }

    fn try_encode_file_format(
        &self,
        buf: &mut Vec<u8>,
        node: Arc<dyn FileFormatFactory>,
    ) -> datafusion::error::Result<()> {
        self.inner.try_encode_file_format(buf, node)
    }
}

/// Ballista's physical codec, and the run's node: between the scheduler and the executors.
#[derive(Debug, Default)]
pub struct PayoutPhysicalCodec {
    inner: BallistaPhysicalExtensionCodec,
}

impl PhysicalExtensionCodec for PayoutPhysicalCodec {
    fn try_decode(
        &self,
        buf: &[u8],
        inputs: &[Arc<dyn ExecutionPlan>],
        ctx: &TaskContext,
        proto_converter: &dyn PhysicalProtoConverterExtension,
    ) -> datafusion::error::Result<Arc<dyn ExecutionPlan>> {
        let Some(walk) = walk_of(buf) else {
            return self.inner.try_decode(buf, inputs, ctx, proto_converter);
        };
        let (ledger, accounts) = two(inputs)?;
        Ok(Arc::new(WalkExec::try_new(
            Arc::new(walk?),
            ledger,
            accounts,
        )?))
    }

    fn try_encode(
        &self,
        node: Arc<dyn ExecutionPlan>,
        buf: &mut Vec<u8>,
        proto_converter: &dyn PhysicalProtoConverterExtension,
    ) -> datafusion::error::Result<()> {
        match node.downcast_ref::<WalkExec>() {
            Some(walk) => {
                let bytes = walk
                    .walk()
                    .to_bytes()
                    .map_err(|e| DataFusionError::Internal(format!("partnerkit walk: {e}")))?;
                encode(&bytes, buf);
                Ok(())
            }
            None => self.inner.try_encode(node, buf, proto_converter),
        }
    }
}

/// A client session on the Ballista cluster whose scheduler is at `url`
/// (`df://host:port`), with `options`' partitions and batch size and the run's codecs.
/// The memory pool and the spill directory are the executors' own ([`ExecutorOptions`]);
/// `options.memory_limit` should be the executors' pool, so the sorts keep back no more of it
/// than they may.
pub async fn remote(url: &str, options: &RunOptions) -> Result<SessionContext, Error> {
    let config = engine_config(SessionConfig::new_with_ballista(), options)
        .with_ballista_logical_extension_codec(Arc::new(PayoutLogicalCodec::default()))
        .with_ballista_physical_extension_codec(Arc::new(PayoutPhysicalCodec::default()));
    let state = SessionStateBuilder::new()
        .with_config(config)
        .with_default_features()
        .build();
    Ok(SessionContext::remote_with_state(url, state).await?)
}

/// Ballista's scheduler, listening on `host:port`, with the [`PayoutPlanner`](crate::PayoutPlanner)
/// (it plans the run's node) and the run's codecs. Ballista's other settings keep their
/// defaults; change them on the value returned.
pub fn scheduler_config(host: &str, port: u16) -> SchedulerConfig {
    SchedulerConfig {
        bind_host: host.to_owned(),
        external_host: host.to_owned(),
        bind_port: port,
        override_logical_codec: Some(Arc::new(PayoutLogicalCodec::default())),
        override_physical_codec: Some(Arc::new(PayoutPhysicalCodec::default())),
        override_session_builder: Some(Arc::new(payout_state)),
        ..SchedulerConfig::default()
    }
}

/// Where an executor listens, whom it works for, and what it may use.
#[derive(Debug, Clone)]
pub struct ExecutorOptions {
    /// The host it binds to and tells the scheduler (`127.0.0.1` for a cluster on one
    /// machine).
    pub host: String,
    /// Its Arrow Flight port: the scheduler and the client fetch results from it.
    pub flight_port: u16,
    /// Its gRPC port: the scheduler sends it tasks.
    pub grpc_port: u16,
    /// The scheduler's host.
    pub scheduler_host: String,
    /// The scheduler's port.
    pub scheduler_port: u16,
    /// Where its shuffle files go (a temporary folder if `None`).
    pub work_dir: Option<String>,
    /// How many tasks it runs at once (its cores if `None`).
    pub tasks: Option<usize>,
    /// Its memory pool in bytes, shared by its tasks: their sorts spill to disk rather than
    /// go past it. `None`: Ballista's default, a fraction of the machine's memory.
    pub memory_limit: Option<u64>,
}

impl Default for ExecutorOptions {
    /// Ballista's defaults: 127.0.0.1, ports 50051 (Flight) and 50052 (gRPC), the scheduler
    /// at 127.0.0.1:50050.
    fn default() -> Self {
        ExecutorOptions {
            host: "127.0.0.1".into(),
            flight_port: 50051,
            grpc_port: 50052,
            scheduler_host: "127.0.0.1".into(),
            scheduler_port: 50050,
            work_dir: None,
            tasks: None,
            memory_limit: None,
        }
    }
}

/// Ballista's executor as `options` say, with the run's codecs.
pub fn executor_config(options: &ExecutorOptions) -> ExecutorProcessConfig {
    let mut config = ExecutorProcessConfig {
        bind_host: options.host.clone(),
        external_host: Some(options.host.clone()),
        port: options.flight_port,
        grpc_port: options.grpc_port,
        scheduler_host: options.scheduler_host.clone(),
        scheduler_port: options.scheduler_port,
        work_dir: options.work_dir.clone(),
        memory_pool_size: options.memory_limit,
        override_logical_codec: Some(Arc::new(PayoutLogicalCodec::default())),
        override_physical_codec: Some(Arc::new(PayoutPhysicalCodec::default())),
        ..ExecutorProcessConfig::default()
    };
    if let Some(tasks) = options.tasks {
        config.vcores = tasks.max(1);
    }
    config
}
