//! The marketplace's monthly payout run, embedded: generates a seeded marketplace as Parquet
//! in a temporary folder, runs July's payouts with DataFusion in-process, writes the
//! statements as Parquet beside it and prints a summary.
//!
//! ```text
//! cargo run --release --example payout_run -- --accounts 10000 --entries 1000000
//! ```
//!
//! Flags: `--accounts N` (2,000), `--entries N` (200,000), `--seed N` (1), `--month YYYY-MM`
//! (2027-07), `--partitions N` (the cores), `--memory-mb N` (no limit), `--year` (then also the
//! year's Forms 1042-S and 1099, over every entry).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use datafusion::arrow::array::{Array, AsArray, RecordBatch};
use datafusion::arrow::datatypes::Int64Type;
use indicatif::{ProgressBar, ProgressStyle};
use partnerkit::Settings;
use partnerkit::payouts::PayoutMonth;
use partnerkit::tax::ReportingRules;
use partnerkit_datafusion::generate::{Marketplace, Spec};
use partnerkit_datafusion::{
    PayoutRun, RunOptions, register_folder, schema, session, write_parquet,
};

mod args;

use args::flag;

/// mimalloc, not glibc's malloc: the rules make many small allocations, which it serves faster,
/// and it holds less freed memory back (docs/PERFORMANCE.md: the year at 100,000,000 entries
/// 10 % faster, its peak 1.58 GB instead of 2.19 GB).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let month: PayoutMonth = flag(&args, "--month", "2027-07".parse()?);
    let spec = Spec {
        seed: flag(&args, "--seed", 1),
        accounts: flag(&args, "--accounts", 2_000),
        entries: flag(&args, "--entries", 200_000),
        year: month.year(),
        month,
    };
    let mut options = RunOptions::default();
    options.partitions = flag(&args, "--partitions", options.partitions);
    options.memory_limit = args
        .iter()
        .any(|a| a == "--memory-mb")
        .then(|| flag::<usize>(&args, "--memory-mb", 512) * 1024 * 1024);

    let settings = Arc::new(Settings::default());
    let dir = tempfile::tempdir()?;
    let started = Instant::now();
    eprintln!(
        "generating {} accounts and {} ledger entries (seed {})…",
        spec.accounts, spec.entries, spec.seed
    );
    let marketplace = Marketplace::generate(spec, &settings)?;
    marketplace.write(dir.path(), options.partitions, 65_536)?;
    let generated = started.elapsed();

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let run = PayoutRun::new(settings, options.clone());
    let progress = run.progress();
    let bar = ProgressBar::new(spec.accounts as u64);
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} {msg} [{bar:40}] {pos}/{len} accounts ({per_sec}, {eta} left)",
        )?
        .progress_chars("=> "),
    );
    bar.set_message(format!("payout run {month}"));
    let started = Instant::now();
    let result = runtime.block_on(async {
        let ctx = session(&options)?;
        register_folder(&ctx, dir.path()).await?;
        let watch = {
            let bar = bar.clone();
            let progress = progress.clone();
            tokio::spawn(async move {
                loop {
                    bar.set_position(progress.accounts());
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            })
        };
        let result = run.month(&ctx, month).await;
        watch.abort();
        result
    })?;
    let took = started.elapsed();
    bar.set_position(progress.accounts());
    bar.finish_and_clear();

    let out = dir.path().join("statements.parquet");
    write_parquet(&out, schema::statements(), &result.statements)?;
    write_parquet(
        &dir.path().join("failures.parquet"),
        schema::failures(),
        &result.failures,
    )?;
    summary(
        &result.statements,
        &result.failures,
        month,
        progress.entries(),
        took,
    );
    if args.iter().any(|a| a == "--year") {
        let before = progress.entries();
        let started = Instant::now();
        let since = PayoutMonth::new(month.year(), 1)?;
        let year = runtime.block_on(async {
            let ctx = session(&options)?;
            register_folder(&ctx, dir.path()).await?;
            run.year(&ctx, since, month.year(), &ReportingRules::irs_1099_misc())
                .await
        })?;
        let took = started.elapsed();
        let entries = progress.entries().saturating_sub(before);
        let forms: usize = year.forms.iter().map(RecordBatch::num_rows).sum();
        let accounts: usize = year.year_end.iter().map(RecordBatch::num_rows).sum();
        println!(
            "year {}: {forms} forms (1042-S, 1099) for {accounts} accounts, {entries} ledger entries in {:.2}s ({:.0} entries/s); {} refused",
            year.year,
            took.as_secs_f64(),
            entries as f64 / took.as_secs_f64().max(1e-9),
            year.failure_rows()
        );
    }
    println!(
        "generated in {:.1}s; statements written to {} (deleted on exit)",
        generated.as_secs_f64(),
        out.display()
    );
    Ok(())
}

/// The month in a few lines: accounts, outcomes, what was paid per currency, refusals.
fn summary(
    statements: &[RecordBatch],
    failures: &[RecordBatch],
    month: PayoutMonth,
    entries: u64,
    took: Duration,
) {
    let mut outcomes: BTreeMap<String, usize> = BTreeMap::new();
    let mut paid: BTreeMap<String, (i64, i64, i64)> = BTreeMap::new();
    for b in statements {
        let outcome = b
            .column_by_name("outcome")
            .map(|c| c.as_string::<i32>().clone());
        let currency = b
            .column_by_name("currency")
            .map(|c| c.as_string::<i32>().clone());
        let amount = |name: &str| {
            b.column_by_name(name)
                .map(|c| c.as_primitive::<Int64Type>().clone())
        };
        let (Some(outcome), Some(currency), Some(p), Some(e), Some(w)) = (
            outcome,
            currency,
            amount("paid"),
            amount("earned"),
            amount("withheld"),
        ) else {
            continue;
        };
        for i in 0..b.num_rows() {
            *outcomes.entry(outcome.value(i).to_owned()).or_default() += 1;
            let t = paid.entry(currency.value(i).to_owned()).or_default();
            t.0 += e.value(i);
            t.1 += w.value(i);
            t.2 += p.value(i);
        }
    }
    let mut refused: BTreeMap<String, usize> = BTreeMap::new();
    for b in failures {
        if let Some(codes) = b
            .column_by_name("code")
            .map(|c| c.as_string::<i32>().clone())
        {
            for i in 0..codes.len() {
                *refused.entry(codes.value(i).to_owned()).or_default() += 1;
            }
        }
    }
    let accounts: usize = outcomes.values().sum();
    println!(
        "payout run {month}: {accounts} statements, {entries} ledger entries in {:.2}s ({:.0} entries/s)",
        took.as_secs_f64(),
        entries as f64 / took.as_secs_f64().max(1e-9)
    );
    for (outcome, n) in &outcomes {
        println!("  {outcome:<22} {n:>8}");
    }
    for (currency, (earned, withheld, p)) in &paid {
        println!(
            "  {currency}: earned {:.2}, withheld {:.2}, paid {:.2} (in major units)",
            *earned as f64 / 100.0,
            *withheld as f64 / 100.0,
            *p as f64 / 100.0
        );
    }
    if !refused.is_empty() {
        let list: Vec<String> = refused.iter().map(|(c, n)| format!("{c} ×{n}")).collect();
        println!("  refused by the rules: {}", list.join(", "));
    }
}
