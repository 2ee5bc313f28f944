//! `partnerkit-executor`: Apache Ballista's executor with partnerkit's payout run registered
//! — the codec that decodes the run's node, so the executor can walk its partitions with the
//! per-account rules.
//!
//! ```text
//! partnerkit-executor [--bind 127.0.0.1] [--flight-port 50051] [--grpc-port 50052]
//!                     [--scheduler 127.0.0.1:50050] [--work-dir DIR] [--tasks N]
//!                     [--memory-mb M]
//! ```
//!
//! Each executor of a machine needs its own ports. `--work-dir` holds its shuffle files (a
//! temporary folder by default); `--tasks` is how many tasks it runs at once (its cores by
//! default); `--memory-mb` is its memory pool, which its sorts spill past (Ballista's default,
//! a fraction of the machine's memory, if not given).

use std::process::ExitCode;
use std::sync::Arc;

use ballista_executor::executor_process::start_executor_process;
use partnerkit_datafusion::ballista::{ExecutorOptions, executor_config};

mod cli;

/// mimalloc, not glibc's malloc: the rules make many small allocations, which it serves faster,
/// and it holds less freed memory back (docs/PERFORMANCE.md: the year at 100,000,000 entries
/// 10 % faster, its peak 1.58 GB instead of 2.19 GB).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    cli::exit("partnerkit-executor", run().await)
}

async fn run() -> Result<(), String> {
    let args = cli::Args::parse(&[
        "--bind",
        "--flight-port",
        "--grpc-port",
        "--scheduler",
        "--work-dir",
        "--tasks",
        "--memory-mb",
    ])?;
    let scheduler: String = args.get("--scheduler", "127.0.0.1:50050".to_owned())?;
    let (scheduler_host, scheduler_port) = scheduler
        .rsplit_once(':')
        .ok_or(format!("--scheduler {scheduler}: expected HOST:PORT"))?;
    let defaults = ExecutorOptions::default();
    let memory_mb: Option<u64> = args.parsed("--memory-mb")?;
    let options = ExecutorOptions {
        host: args.get("--bind", defaults.host)?,
        flight_port: args.get("--flight-port", defaults.flight_port)?,
        grpc_port: args.get("--grpc-port", defaults.grpc_port)?,
        scheduler_host: scheduler_host.to_owned(),
        scheduler_port: scheduler_port
            .parse()
            .map_err(|e| format!("--scheduler {scheduler}: {e}"))?,
        work_dir: args.optional("--work-dir"),
        tasks: args.parsed("--tasks")?,
        memory_limit: memory_mb.map(|mb| mb.saturating_mul(1024 * 1024)),
    };
    println!(
        "partnerkit-executor: flight {}:{}, grpc {}, scheduler {scheduler}",
        options.host, options.flight_port, options.grpc_port
    );
    let config = executor_config(&options);
    start_executor_process(Arc::new(config))
        .await
        .map_err(|e| e.to_string())
}
