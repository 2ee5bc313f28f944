//! The marketplace's monthly payout run and its year-end returns on Apache DataFusion
//! (issue 26, rule PAY-12): the whole marketplace's ledger as Arrow record batches — a folder
//! of Parquet or any table the host registers — and, for every account, exactly what
//! partnerkit's per-account rules give for that account alone.
//!
//! # How it runs
//!
//! The run is one node of a DataFusion plan over two inputs: the ledger (filtered to the
//! entries the run needs, a predicate the Parquet reader pushes down) and the accounts. The
//! node asks for both **hash-partitioned by account** into the same partitions and **sorted by
//! account** (the ledger also by entry); DataFusion puts in the repartitions and the sorts
//! (spilling to disk under the memory pool's limit), so an account's entries and its events
//! arrive in the same partition, in the same order. The node's task for each partition walks
//! both streams side by side, account by account, and calls the facade's own rules for each:
//! [`statements_converted`](partnerkit::statements_converted) for the month's statement and
//! [`year_end_returns`](partnerkit::year_end_returns) for the year's Forms 1042-S and 1099 —
//! never a re-implementation of them in SQL. Only one account's entries are in memory in a
//! task at a time.
//!
//! Embedded, DataFusion runs the plan in the host's process ([`session`]). On an Apache
//! Ballista cluster (feature `ballista`, module `ballista`), the scheduler splits the same
//! plan into shuffle stages at the repartitions and the executors walk the partitions; the
//! crate's `partnerkit-scheduler` and `partnerkit-executor` binaries are Ballista's processes
//! with the run registered.
//!
//! The rules are order-sensitive where they spread a rounded total over sales (conversion
//! per line, withholding per rate); the run takes an account's entries in `entry` order,
//! whatever order or split the ledger has, so the result does not depend on either
//! (rule PAY-12).
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use std::sync::Arc;
//! use partnerkit::Settings;
//! use partnerkit_datafusion::{PayoutRun, RunOptions, register_folder, session};
//!
//! let options = RunOptions::default();
//! let ctx = session(&options)?;
//! register_folder(&ctx, std::path::Path::new("/data/marketplace")).await?; // ledger/, accounts/, rates/
//! let run = PayoutRun::new(Arc::new(Settings::default()), options);
//! let month = run.month(&ctx, "2027-07".parse()?).await?;
//! println!("{} statements, {} accounts refused", month.statement_rows(), month.failure_rows());
//! # Ok(()) }
//! ```
//!
//! # Tables
//!
//! The [`schema`] module gives every table's Arrow schema: the ledger, the accounts (their
//! events in the facade's public JSON format, and what was carried in), the exchange rates;
//! and what the run writes: statements, year-end totals, forms, and the accounts the rules
//! refused (with the domain error's code).

#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(feature = "ballista")]
#[cfg_attr(docsrs, doc(cfg(feature = "ballista")))]
pub mod ballista;
mod cogroup;
mod error;
pub mod generate;
mod io;
mod output;
mod plan;
mod run;
pub mod schema;

pub use error::Error;
pub use io::{register_batches, register_folder, write_folder, write_parquet};
pub use plan::{PayoutPlanner, payout_state, with_payout_planner};
pub use run::{MonthResult, PayoutRun, Progress, RunOptions, YearResult, session};

/// The table names the run reads.
pub mod table {
    /// The ledger ([`schema::ledger`](crate::schema::ledger)).
    pub const LEDGER: &str = "ledger";
    /// The accounts ([`schema::accounts`](crate::schema::accounts)).
    pub const ACCOUNTS: &str = "accounts";
    /// The exchange rates ([`schema::rates`](crate::schema::rates)); optional.
    pub const RATES: &str = "rates";
}
