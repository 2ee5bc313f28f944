//! `partnerkit-scheduler`: Apache Ballista's scheduler with partnerkit's payout run
//! registered — the planner that plans the run's node and the codecs that carry it to the
//! executors (`partnerkit-executor`).
//!
//! ```text
//! partnerkit-scheduler [--bind 127.0.0.1] [--port 50050]
//! ```
//!
//! Clients connect with `partnerkit_datafusion::ballista::remote("df://HOST:PORT", ..)`.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;

use ballista_scheduler::cluster::BallistaCluster;
use ballista_scheduler::scheduler_process::start_server;
use partnerkit_datafusion::ballista::scheduler_config;

mod cli;

/// mimalloc, not glibc's malloc: the rules make many small allocations, which it serves faster,
/// and it holds less freed memory back (docs/PERFORMANCE.md: the year at 100,000,000 entries
/// 10 % faster, its peak 1.58 GB instead of 2.19 GB).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    cli::exit("partnerkit-scheduler", run().await)
}

async fn run() -> Result<(), String> {
    let args = cli::Args::parse(&["--bind", "--port"])?;
    let host: String = args.get("--bind", "127.0.0.1".to_owned())?;
    let port: u16 = args.get("--port", 50050)?;
    let address: SocketAddr = format!("{host}:{port}")
        .parse()
        .map_err(|e| format!("--bind {host} --port {port}: {e}"))?;
    let config = scheduler_config(&host, port);
    let cluster = BallistaCluster::new_from_config(&config)
        .await
        .map_err(|e| e.to_string())?;
    println!("partnerkit-scheduler: listening on {address}");
    start_server(cluster, address, Arc::new(config))
        .await
        .map_err(|e| e.to_string())
}
