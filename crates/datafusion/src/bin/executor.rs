//! `partnerkit-executor`: Apache Ballista's executor with partnerkit's payout run registered
//! — the codec that decodes the run's node, so the executor can walk its partitions with the
//! per-account rules.
//!
//! ```text
//! partnerkit-executor [--bind 127.0.0.1] [--flight-port 50051] [--grpc-port 50052]
//!                     [--scheduler 127.0.0.1:50050] [--work-dir DIR] [--tasks N]
//! ```
//!
//! Each executor of a machine needs its own ports. `--work-dir` holds its shuffle files (a
//! temporary folder by default); `--tasks` is how many tasks it runs at once (its cores by
//! default).

use std::process::ExitCode;
use std::sync::Arc;

use ballista_executor::executor_process::start_executor_process;
use partnerkit_datafusion::ballista::{ExecutorAddress, executor_config};

mod cli;

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("partnerkit-executor: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), String> {
    let args = cli::Args::parse(&[
        "--bind",
        "--flight-port",
        "--grpc-port",
        "--scheduler",
        "--work-dir",
        "--tasks",
    ])?;
    let scheduler: String = args.get("--scheduler", "127.0.0.1:50050".to_owned())?;
    let (scheduler_host, scheduler_port) = scheduler
        .rsplit_once(':')
        .ok_or(format!("--scheduler {scheduler}: expected HOST:PORT"))?;
    let address = ExecutorAddress {
        host: args.get("--bind", "127.0.0.1".to_owned())?,
        flight_port: args.get("--flight-port", 50051)?,
        grpc_port: args.get("--grpc-port", 50052)?,
        scheduler_host: scheduler_host.to_owned(),
        scheduler_port: scheduler_port
            .parse()
            .map_err(|e| format!("--scheduler {scheduler}: {e}"))?,
    };
    let tasks = match args.optional("--tasks") {
        Some(t) => Some(t.parse().map_err(|e| format!("--tasks {t}: {e}"))?),
        None => None,
    };
    let config = executor_config(&address, args.optional("--work-dir"), tasks);
    println!(
        "partnerkit-executor: flight {}:{}, grpc {}, scheduler {scheduler}",
        address.host, address.flight_port, address.grpc_port
    );
    start_executor_process(Arc::new(config))
        .await
        .map_err(|e| e.to_string())
}
