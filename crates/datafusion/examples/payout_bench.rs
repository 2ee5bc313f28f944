//! The payout run's benchmark (issue 26), one step per process so that each step's peak
//! memory is its own (`scripts/benchmark.sh` runs them under `/usr/bin/time -v` and DuckDB's
//! plain aggregation on the same files):
//!
//! ```text
//! cargo run --release --example payout_bench -- write --dir D --accounts N --entries M
//! cargo run --release --example payout_bench -- run --dir D      # (a) the full rules, embedded
//! cargo run --release --example payout_bench -- fold --accounts N --entries M   # (c) in memory
//! ```
//!
//! `write` generates the seeded marketplace and writes it as Parquet (the ledger in 8 files);
//! `run` reads the folder with DataFusion and runs the year (every account's statements
//! January–December and its Forms 1042-S / 1099, over the whole ledger) and July's payouts;
//! `fold` generates the same marketplace, groups its entries by account and calls the facade's
//! rules account by account in memory, on one core: the rules' own cost, without Arrow,
//! Parquet or DataFusion. Each prints one line per timed part:
//! `part=<name> entries=<n> accounts=<n> seconds=<s> entries_per_s=<r>`.

use std::sync::Arc;
use std::time::Instant;

use partnerkit::Settings;
use partnerkit::payouts::PayoutMonth;
use partnerkit::tax::ReportingRules;
use partnerkit_datafusion::generate::{Marketplace, Spec};
use partnerkit_datafusion::{PayoutRun, RunOptions, register_folder, session};

mod args;

use args::flag;

fn report(part: &str, entries: u64, accounts: usize, started: Instant) {
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "part={part} entries={entries} accounts={accounts} seconds={seconds:.3} entries_per_s={:.0}",
        entries as f64 / seconds.max(1e-9)
    );
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let mode = args.get(1).cloned().unwrap_or_default();
    let month: PayoutMonth = "2027-07".parse()?;
    let since = PayoutMonth::new(2027, 1)?;
    let spec = Spec {
        seed: flag(&args, "--seed", 1),
        accounts: flag(&args, "--accounts", 100_000),
        entries: flag(&args, "--entries", 10_000_000),
        year: 2027,
        month,
    };
    let dir = std::path::PathBuf::from(flag(&args, "--dir", String::from("payout-bench")));
    let settings = Arc::new(Settings::default());
    let rules = ReportingRules::irs_1099_misc();
    match mode.as_str() {
        "write" => {
            let started = Instant::now();
            let marketplace = Marketplace::generate(spec, &settings)?;
            report("generate", spec.entries as u64, spec.accounts, started);
            let started = Instant::now();
            marketplace.write(&dir, 8, 65_536)?;
            report("write_parquet", spec.entries as u64, spec.accounts, started);
        }
        "run" => {
            let options = RunOptions::default();
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()?;
            let run = PayoutRun::new(settings, options.clone());
            let progress = run.progress();
            let started = Instant::now();
            let year = runtime.block_on(async {
                let ctx = session(&options)?;
                register_folder(&ctx, &dir).await?;
                run.year(&ctx, since, 2027, &rules).await
            })?;
            let accounts = usize::try_from(progress.accounts())?;
            report("run_year", progress.entries(), accounts, started);
            println!(
                "refused={} (accounts the rules refused)",
                year.failure_rows()
            );
            let before = progress.entries();
            let started = Instant::now();
            runtime.block_on(async {
                let ctx = session(&options)?;
                register_folder(&ctx, &dir).await?;
                run.month(&ctx, month).await
            })?;
            let entries = progress.entries() - before;
            report("run_month", entries, accounts, started);
        }
        "fold" => {
            let marketplace = Marketplace::generate(spec, &settings)?;
            let started = Instant::now();
            let ledger = marketplace.by_account();
            report("group", spec.entries as u64, ledger.len(), started);
            let rates = marketplace.fixed_rates();
            let started = Instant::now();
            let mut refused = 0;
            for a in &marketplace.accounts {
                let state = partnerkit::AccountState::fold(&a.events);
                let entries = ledger.get(&a.id).map(Vec::as_slice).unwrap_or_default();
                let year = partnerkit::year_statements_and_returns(
                    &state, &settings, entries, &rates, since, 2027, &rules,
                );
                refused += usize::from(year.is_err());
            }
            report("fold_year", spec.entries as u64, spec.accounts, started);
            println!("refused={refused} (accounts the rules refused)");
        }
        _ => return Err("say write, run or fold (see the example's docs)".into()),
    }
    Ok(())
}
