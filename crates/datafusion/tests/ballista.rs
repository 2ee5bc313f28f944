//! The payout run on an Apache Ballista cluster — one scheduler and two executors, each its
//! own process on 127.0.0.1 (this crate's `partnerkit-scheduler` and `partnerkit-executor`) —
//! against the embedded run, row for row, and against the per-account rules, to the cent
//! (rule PAY-12). Feature `ballista`: `cargo test --features ballista --test ballista`.
#![cfg(feature = "ballista")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use datafusion::arrow::array::RecordBatch;
use datafusion::arrow::util::display::{ArrayFormatter, FormatOptions};
use partnerkit::Settings;
use partnerkit::payouts::PayoutMonth;
use partnerkit::tax::ReportingRules;
use partnerkit_datafusion::generate::Marketplace;
use partnerkit_datafusion::{
    MonthResult, PayoutRun, RunOptions, YearResult, ballista, register_folder, session,
};

use support::*;

/// One scheduler and two executors, each a process of its own, each executor with a memory
/// pool of [`EXECUTOR_MEMORY_MB`]; killed when dropped.
struct Cluster {
    url: String,
    children: Vec<Child>,
    _work: tempfile::TempDir,
}

impl Drop for Cluster {
    fn drop(&mut self) {
        for c in &mut self.children {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// `n` ports free on 127.0.0.1, all different (every listener is held until all are chosen).
fn free_ports(n: usize) -> Vec<u16> {
    let listeners: Vec<TcpListener> = (0..n)
        .map(|_| TcpListener::bind("127.0.0.1:0").unwrap())
        .collect();
    listeners
        .iter()
        .map(|l| l.local_addr().unwrap().port())
        .collect()
}

fn wait_for(port: u16, who: &str, child: &mut Child) {
    let start = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        if let Some(status) = child.try_wait().unwrap() {
            panic!("{who} exited: {status}");
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "{who} is not listening on {port} after a minute"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn spawn(binary: &str, args: &[String]) -> Child {
    Command::new(binary)
        .args(args)
        .stdout(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("{binary}: {e}"))
}

impl Cluster {
    fn start() -> Cluster {
        let work = tempfile::tempdir().unwrap();
        let ports = free_ports(5);
        let scheduler_port = ports[0];
        let mut children = vec![spawn(
            env!("CARGO_BIN_EXE_partnerkit-scheduler"),
            &["--port".into(), scheduler_port.to_string()],
        )];
        wait_for(scheduler_port, "the scheduler", &mut children[0]);
        for (i, pair) in ports[1..].chunks(2).enumerate() {
            let dir = work.path().join(format!("executor-{i}"));
            std::fs::create_dir_all(&dir).unwrap();
            let mut executor = spawn(
                env!("CARGO_BIN_EXE_partnerkit-executor"),
                &[
                    "--scheduler".into(),
                    format!("127.0.0.1:{scheduler_port}"),
                    "--flight-port".into(),
                    pair[0].to_string(),
                    "--grpc-port".into(),
                    pair[1].to_string(),
                    "--work-dir".into(),
                    dir.display().to_string(),
                    "--tasks".into(),
                    "2".into(),
                    "--memory-mb".into(),
                    EXECUTOR_MEMORY_MB.to_string(),
                ],
            );
            wait_for(pair[0], "an executor", &mut executor);
            wait_for(pair[1], "an executor", &mut executor);
            children.push(executor);
        }
        Cluster {
            url: format!("df://127.0.0.1:{scheduler_port}"),
            children,
            _work: work,
        }
    }
}

fn month() -> PayoutMonth {
    "2027-07".parse().unwrap()
}

fn since() -> PayoutMonth {
    "2027-01".parse().unwrap()
}

/// The executors' memory pool (`--memory-mb`), and the embedded run's: bounded, as a host
/// would run it. (The embedded spill test, in tests/run.rs, goes lower; on the cluster the
/// executors' sorts report their spills only to the executors.)
const EXECUTOR_MEMORY_MB: usize = 256;

fn options(partitions: usize) -> RunOptions {
    RunOptions {
        partitions,
        statement_json: true,
        memory_limit: Some(EXECUTOR_MEMORY_MB * 1024 * 1024),
        ..RunOptions::default()
    }
}

/// Every row of `batches`, each column formatted, sorted: the table as a multiset.
fn canonical(batches: &[RecordBatch]) -> Vec<String> {
    let mut rows = Vec::new();
    let format = FormatOptions::default().with_null("∅");
    for b in batches {
        let columns: Vec<ArrayFormatter> = b
            .columns()
            .iter()
            .map(|c| ArrayFormatter::try_new(c.as_ref(), &format).unwrap())
            .collect();
        for i in 0..b.num_rows() {
            let row: Vec<String> = columns.iter().map(|c| c.value(i).to_string()).collect();
            rows.push(row.join(" | "));
        }
    }
    rows.sort();
    rows
}

async fn run(
    ctx: &datafusion::prelude::SessionContext,
    dir: &Path,
    partitions: usize,
    rules: &ReportingRules,
) -> (MonthResult, YearResult) {
    register_folder(ctx, dir).await.unwrap();
    let run = PayoutRun::new(Arc::new(Settings::default()), options(partitions));
    let month = run.month(ctx, month()).await.unwrap();
    let year = run.year(ctx, since(), 2027, rules).await.unwrap();
    (month, year)
}

/// The month and the year over the marketplace (`files` Parquet files) on the cluster, in
/// `partitions` partitions: every table equal, row for row, to the embedded run's, and every
/// account's result to the per-account rules'.
fn differential(m: &Marketplace, files: usize, partitions: usize) {
    let settings = Settings::default();
    let dir = tempfile::tempdir().unwrap();
    m.write(dir.path(), files, 8192).unwrap();
    let rules = ReportingRules::irs_1099_misc();
    let cluster = Cluster::start();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let ((cm, cy), (em, ey)) = rt.block_on(async {
        let remote = ballista::remote(&cluster.url, &options(partitions))
            .await
            .unwrap();
        // A cluster that lost its executors would wait for them for ever: fail instead.
        let on_cluster = tokio::time::timeout(
            Duration::from_secs(900),
            run(&remote, dir.path(), partitions, &rules),
        )
        .await
        .expect("the cluster's run took more than 15 minutes");
        let embedded = session(&options(partitions)).unwrap();
        (
            on_cluster,
            run(&embedded, dir.path(), partitions, &rules).await,
        )
    });
    drop(cluster);
    assert_eq!(canonical(&cm.statements), canonical(&em.statements));
    assert_eq!(canonical(&cm.failures), canonical(&em.failures));
    assert_eq!(canonical(&cy.year_end), canonical(&ey.year_end));
    assert_eq!(canonical(&cy.forms), canonical(&ey.forms));
    assert_eq!(canonical(&cy.failures), canonical(&ey.failures));
    let (ok, _) = assert_month_equal(
        &m.reference_month(&settings, month()),
        &cm.statements,
        &cm.failures,
    );
    assert!(ok > m.accounts.len() * 9 / 10, "{ok} statements");
    let (ok, _) = assert_year_equal(
        &m.reference_year(&settings, since(), 2027, &rules),
        &cy.year_end,
        &cy.forms,
        &cy.failures,
    );
    assert!(ok > m.accounts.len() * 9 / 10, "{ok} returns");
}

#[test]
fn on_a_ballista_cluster_every_account_gets_what_the_embedded_run_gives() {
    // rule: PAY-12
    let settings = Settings::default();
    let m = Marketplace::generate(spec(11, 1_000, 100_000), &settings).unwrap();
    differential(&m, 4, 4);
}

#[test]
#[ignore = "10,000 accounts and 1,000,000 entries on the cluster: .ci/run runs it with -- --ignored"]
fn at_the_issues_scale_on_a_ballista_cluster_every_account_gets_what_the_rules_give() {
    // rule: PAY-12
    let settings = Settings::default();
    let m = Marketplace::generate(spec(26, 10_000, 1_000_000), &settings).unwrap();
    differential(&m, 8, 4);
}
