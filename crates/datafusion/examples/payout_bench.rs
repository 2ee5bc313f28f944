//! The payout run's benchmark (issue 26), one step per process so that each step's peak
//! memory is its own (`scripts/benchmark.sh` runs them under `/usr/bin/time -v` and DuckDB's
//! plain aggregation on the same files):
//!
//! ```text
//! cargo run --release --example payout_bench -- write --dir D --accounts N --entries M [--chunks K]
//! cargo run --release --example payout_bench -- run --dir D [--memory-mb L]  # (a) the full rules, embedded
//! cargo run --release --features ballista --example payout_bench -- run --dir D --cluster df://HOST:PORT  # (a) on Ballista
//! cargo run --release --example payout_bench -- fold --accounts N --entries M [--chunks K]  # (c)
//! cargo run --release --example payout_bench -- aggregate --dir D [--memory-mb L]  # (d)
//! ```
//!
//! The marketplace is made in `K` chunks (default 1), each a seeded marketplace of its own
//! with `N / K` accounts and `M / K` entries (seeds `seed`, `seed + 1`, …; entry ids offset so
//! they stay unique), so that no step holds more than one chunk: 100,000,000 entries in 10
//! chunks need the memory of 10,000,000. The exchange rates are the first chunk's.
//!
//! `write` writes the chunks as one folder of Parquet (the ledger 8 files a chunk); `run`
//! reads the folder with DataFusion and runs the year (every account's statements
//! January–December and its Forms 1042-S / 1099, over the whole ledger) and July's payouts,
//! under a memory limit of `L` MiB if given (the sorts spill past it); `fold` makes the same
//! chunks, groups each chunk's entries by account and calls the facade's rules account by
//! account in memory, on one core: the rules' own cost, without Arrow, Parquet or
//! DataFusion; `aggregate` runs DuckDB's plain aggregation (sum per account, month and
//! currency: `scripts/duckdb_aggregate.py`) on DataFusion over the same folder, with none of
//! the rules — what the engine the run is built on costs for the peer's query. With
//! `--cluster`, `run` runs on the Ballista cluster whose scheduler is at that address (feature
//! `ballista`; the scheduler and executors read the same folder). Each prints
//! one line per timed part:
//! `part=<name> entries=<n> accounts=<n> seconds=<s> entries_per_s=<r>`.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use datafusion::prelude::SessionContext;
use partnerkit::payouts::PayoutMonth;
use partnerkit::tax::ReportingRules;
use partnerkit::{AccountState, Settings, year_statements_and_returns};
use partnerkit_datafusion::generate::{Marketplace, Spec};
use partnerkit_datafusion::{PayoutRun, RunOptions, register_folder, schema, session};
use partnerkit_datafusion::{table, write_parquet};

mod args;

use args::flag;

/// mimalloc, not glibc's malloc: the rules make many small allocations, which it serves faster,
/// and it holds less freed memory back (docs/PERFORMANCE.md: the year at 100,000,000 entries
/// 10 % faster, its peak 1.58 GB instead of 2.19 GB).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn report(part: &str, entries: u64, accounts: usize, seconds: f64) {
    println!(
        "part={part} entries={entries} accounts={accounts} seconds={seconds:.3} entries_per_s={:.0}",
        entries as f64 / seconds.max(1e-9)
    );
}

/// Chunk `k` of `chunks`: its own seed, its share of the accounts and entries, and its entry
/// ids moved past the chunks before it.
fn chunk(
    spec: Spec,
    k: usize,
    chunks: usize,
    settings: &Settings,
) -> Result<Marketplace, Box<dyn std::error::Error>> {
    let part = Spec {
        seed: spec.seed + k as u64,
        accounts: spec.accounts / chunks,
        entries: spec.entries / chunks,
        ..spec
    };
    let mut m = Marketplace::generate(part, settings)?;
    let offset = i64::try_from(k * part.entries)?;
    for row in &mut m.ledger {
        row.entry += offset;
        row.refund_of = row.refund_of.map(|e| e + offset);
    }
    Ok(m)
}

/// Writes the chunks as one folder [`register_folder`] reads.
fn write(
    dir: &Path,
    spec: Spec,
    chunks: usize,
    settings: &Settings,
) -> Result<(), Box<dyn std::error::Error>> {
    let (mut generating, mut writing) = (Duration::ZERO, Duration::ZERO);
    for name in [table::LEDGER, table::ACCOUNTS, table::RATES] {
        std::fs::create_dir_all(dir.join(name))?;
    }
    for k in 0..chunks {
        let started = Instant::now();
        let m = chunk(spec, k, chunks, settings)?;
        generating += started.elapsed();
        let started = Instant::now();
        let ledger = m.ledger_batches(65_536)?;
        for i in 0..8 {
            let part: Vec<_> = ledger.iter().skip(i).step_by(8).cloned().collect();
            let path = dir
                .join(table::LEDGER)
                .join(format!("part-{k}-{i}.parquet"));
            write_parquet(&path, schema::ledger(), &part)?;
        }
        let path = dir.join(table::ACCOUNTS).join(format!("part-{k}.parquet"));
        write_parquet(&path, schema::accounts(), &m.accounts_batches(65_536)?)?;
        if k == 0 {
            let path = dir.join(table::RATES).join("part-0.parquet");
            write_parquet(&path, schema::rates(), &[m.rates_batch()?])?;
        }
        writing += started.elapsed();
    }
    report(
        "generate",
        spec.entries as u64,
        spec.accounts,
        generating.as_secs_f64(),
    );
    report(
        "write_parquet",
        spec.entries as u64,
        spec.accounts,
        writing.as_secs_f64(),
    );
    Ok(())
}

/// A session: embedded, or on the Ballista cluster at `cluster`.
async fn context(
    options: &RunOptions,
    cluster: Option<&str>,
) -> Result<SessionContext, Box<dyn std::error::Error>> {
    match cluster {
        None => Ok(session(options)?),
        #[cfg(feature = "ballista")]
        Some(url) => Ok(partnerkit_datafusion::ballista::remote(url, options).await?),
        #[cfg(not(feature = "ballista"))]
        Some(_) => Err("--cluster needs the ballista feature (--features ballista)".into()),
    }
}

/// (a): the year and July over the folder, embedded or on a cluster.
fn run(
    dir: &Path,
    options: RunOptions,
    settings: Arc<Settings>,
    cluster: Option<&str>,
) -> Result<(), Box<dyn std::error::Error>> {
    let (month, since): (PayoutMonth, _) = ("2027-07".parse()?, PayoutMonth::new(2027, 1)?);
    let rules = ReportingRules::irs_1099_misc();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let run = PayoutRun::new(settings, options.clone());
    let progress = run.progress();
    let ctx = runtime.block_on(async {
        let ctx = context(&options, cluster).await?;
        register_folder(&ctx, dir).await?;
        Ok::<_, Box<dyn std::error::Error>>(ctx)
    })?;
    // The ledger's size, counted before the clock starts: a cluster's executors keep their
    // progress to themselves.
    let total = runtime.block_on(async { ctx.table(table::LEDGER).await?.count().await })?;
    let started = Instant::now();
    let year = runtime.block_on(run.year(&ctx, since, 2027, &rules))?;
    let accounts: usize =
        year.year_end.iter().map(|b| b.num_rows()).sum::<usize>() + year.failure_rows();
    report(
        "run_year",
        total as u64,
        accounts,
        started.elapsed().as_secs_f64(),
    );
    println!(
        "refused={} spilled_bytes={} (the year)",
        year.failure_rows(),
        year.spilled_bytes
    );
    let before = progress.entries();
    let started = Instant::now();
    runtime.block_on(run.month(&ctx, month))?;
    // Embedded, the entries of the month's cycle the walk saw; on a cluster, unknown (0).
    let entries = progress.entries() - before;
    report(
        "run_month",
        entries,
        accounts,
        started.elapsed().as_secs_f64(),
    );
    Ok(())
}

/// (d): DuckDB's query on DataFusion — `SELECT count(*) FROM (SELECT account,
/// date_trunc('month', earned_on), currency, sum(amount_minor) FROM ledger GROUP BY ALL)` —
/// in the run's own session (same threads, memory pool and Parquet reader).
fn aggregate(dir: &Path, options: RunOptions) -> Result<(), Box<dyn std::error::Error>> {
    use datafusion::functions::expr_fn::date_trunc;
    use datafusion::functions_aggregate::expr_fn::sum;
    use datafusion::prelude::{col, lit};
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let ctx = session(&options)?;
        register_folder(&ctx, dir).await?;
        let ledger = ctx.table(table::LEDGER).await?;
        let total = ledger.clone().count().await?;
        let started = Instant::now();
        let month = date_trunc(lit("month"), col(schema::col::EARNED_ON));
        let keys = vec![col(schema::col::ACCOUNT), month, col(schema::col::CURRENCY)];
        let groups = ledger
            .aggregate(keys, vec![sum(col(schema::col::AMOUNT))])?
            .count()
            .await?;
        report(
            "datafusion_aggregate",
            total as u64,
            0,
            started.elapsed().as_secs_f64(),
        );
        println!("groups={groups}");
        Ok(())
    })
}

/// (c): the rules account by account in memory, one core, chunk by chunk.
fn fold(spec: Spec, chunks: usize, settings: &Settings) -> Result<(), Box<dyn std::error::Error>> {
    let since = PayoutMonth::new(2027, 1)?;
    let rules = ReportingRules::irs_1099_misc();
    let (mut grouping, mut folding, mut refused) = (Duration::ZERO, Duration::ZERO, 0);
    for k in 0..chunks {
        let m = chunk(spec, k, chunks, settings)?;
        let started = Instant::now();
        let ledger = m.by_account();
        grouping += started.elapsed();
        let rates = m.fixed_rates();
        let started = Instant::now();
        for a in &m.accounts {
            let state = AccountState::fold(&a.events);
            let entries = ledger.get(&a.id).map(Vec::as_slice).unwrap_or_default();
            let year =
                year_statements_and_returns(&state, settings, entries, &rates, since, 2027, &rules);
            refused += usize::from(year.is_err());
        }
        folding += started.elapsed();
    }
    report(
        "group",
        spec.entries as u64,
        spec.accounts,
        grouping.as_secs_f64(),
    );
    report(
        "fold_year",
        spec.entries as u64,
        spec.accounts,
        folding.as_secs_f64(),
    );
    println!("refused={refused} (accounts the rules refused)");
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let spec = Spec {
        seed: flag(&args, "--seed", 1),
        accounts: flag(&args, "--accounts", 100_000),
        entries: flag(&args, "--entries", 10_000_000),
        year: 2027,
        month: "2027-07".parse()?,
    };
    let chunks = flag(&args, "--chunks", 1_usize).max(1);
    let dir = std::path::PathBuf::from(flag(&args, "--dir", String::from("payout-bench")));
    let settings = Arc::new(Settings::default());
    let options = RunOptions {
        memory_limit: args
            .iter()
            .any(|a| a == "--memory-mb")
            .then(|| flag::<usize>(&args, "--memory-mb", 1536) * 1024 * 1024),
        ..RunOptions::default()
    };
    match args.get(1).map(String::as_str) {
        Some("write") => write(&dir, spec, chunks, &settings),
        Some("run") => {
            let cluster = args
                .iter()
                .any(|a| a == "--cluster")
                .then(|| flag(&args, "--cluster", String::from("df://127.0.0.1:50050")));
            run(&dir, options, settings, cluster.as_deref())
        }
        Some("fold") => fold(spec, chunks, &settings),
        Some("aggregate") => aggregate(&dir, options),
        _ => Err("say write, run, fold or aggregate (see the example's docs)".into()),
    }
}
