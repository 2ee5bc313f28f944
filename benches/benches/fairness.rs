//! Fair writes on PostgreSQL (issue 22): while instance A writes in a loop on one account,
//! instance B — its own pool and service over the same database, as another process of the
//! host — sends a grant or a revocation every 100 ms on that account. How many tries does
//! each of B's commands take, how many fail to the caller with `conflict`, how long does B
//! wait, and what does it cost A?
//!
//! Tries are counted at the store: every `append` B's service makes is one try; a command
//! lands in one try when nobody wrote between B's read and B's write.
//!
//! A plain timed program (no criterion): it needs a server. The URL comes from
//! `PARTNERKIT_POSTGRES_URL`; without it the program prints one line and does nothing. It
//! works in a schema of its own, dropped at the end.
//!
//! Run: `PARTNERKIT_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test cargo bench -p
//! partnerkit-benches --features peers --bench fairness`. Results: docs/PERFORMANCE.md.
#![allow(missing_docs)]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::print_stdout,
    clippy::cast_precision_loss
)]

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use partnerkit::access::{Grant, Principal, Role};
use partnerkit::core::{AccountId, Context, UserId};
use partnerkit::{AccountCommand, AsyncAccountService, Error};
use partnerkit_postgres::PostgresStore;

mod postgres_setup;
use postgres_setup::{
    FIRST_USER, Meter, Metered, account_with, alice, id, ids, now, rename, run_in_schema,
};

/// B's commands per run, one every [`PERIOD`].
const COMMANDS: usize = 200;
const PERIOD: Duration = Duration::from_millis(100);
/// How long A writes alone, for its solo rate (before and after B's run).
const SOLO: Duration = Duration::from_secs(5);

type Service = AsyncAccountService<Metered>;

/// A service instance with its own pool, as another process of the host would have, with
/// write turns of `turn` or none.
fn instance(url: &str, schema: &str, turn: Option<Duration>) -> Arc<Service> {
    let store = PostgresStore::connect(url)
        .unwrap()
        .with_schema(schema)
        .unwrap()
        .with_write_turn(turn);
    Arc::new(AsyncAccountService::new(Metered {
        store,
        meter: Arc::new(Meter::default()),
    }))
}

/// A renames its own user until `stop`; returns how many commands it stored.
async fn writer(a: Arc<Service>, account: AccountId, stop: Arc<AtomicBool>) -> u64 {
    let ctx = Context::new(now(), alice(), ids());
    let mut n = 0u64;
    let mut done = 0u64;
    while !stop.load(Ordering::Relaxed) {
        n += 1;
        match a.execute(account, &ctx, rename(FIRST_USER, 0, n)).await {
            Ok(_) => done += 1,
            Err(Error::Conflict { .. }) => {}
            Err(e) => panic!("A's rename failed: {e}"),
        }
    }
    done
}

/// A's commands per second alone for [`SOLO`].
async fn solo(a: &Arc<Service>, account: AccountId) -> f64 {
    solo_for(a, account, SOLO).await
}

/// A's commands per second alone for `window`.
async fn solo_for(a: &Arc<Service>, account: AccountId, window: Duration) -> f64 {
    let stop = Arc::new(AtomicBool::new(false));
    let t = Instant::now();
    let task = tokio::spawn(writer(Arc::clone(a), account, Arc::clone(&stop)));
    tokio::time::sleep(window).await;
    stop.store(true, Ordering::Relaxed);
    let done = task.await.unwrap();
    done as f64 / t.elapsed().as_secs_f64()
}

/// B's command: a Manager role granted to a user A never touches, or revoked from it.
fn grant_or_revoke(held: bool) -> AccountCommand {
    let principal = Principal::User(id::<UserId>(FIRST_USER + 1));
    let grant = Grant::Role(Role::Manager);
    if held {
        AccountCommand::Revoke { principal, grant }
    } else {
        AccountCommand::Grant {
            principals: vec![principal],
            grant,
        }
    }
}

struct Contended {
    /// Per B command: store-level tries until it landed.
    tries: Vec<u64>,
    /// Per B command: from the first call until it landed.
    latencies: Vec<Duration>,
    /// B's commands that failed to the caller with `conflict` at least once.
    failed_commands: usize,
    /// `conflict` errors B's caller saw (each one sent the command again).
    failures: u64,
    a_rate: f64,
}

/// A writes in a loop while B sends [`COMMANDS`] commands, one every [`PERIOD`]. B's caller
/// sends a command again after a `conflict`, until it lands.
async fn contended(a: &Arc<Service>, b: &Arc<Service>, account: AccountId) -> Contended {
    let stop = Arc::new(AtomicBool::new(false));
    let start = Instant::now();
    let task = tokio::spawn(writer(Arc::clone(a), account, Arc::clone(&stop)));
    let ctx = Context::new(now(), alice(), ids());
    let mut out = Contended {
        tries: Vec::with_capacity(COMMANDS),
        latencies: Vec::with_capacity(COMMANDS),
        failed_commands: 0,
        failures: 0,
        a_rate: 0.0,
    };
    let mut held = false;
    let mut next = Instant::now();
    for _ in 0..COMMANDS {
        next += PERIOD;
        let before = b.store().meter.appends.load(Ordering::Relaxed);
        let t = Instant::now();
        let mut failures = 0;
        loop {
            match b.execute(account, &ctx, grant_or_revoke(held)).await {
                Ok(_) => break,
                Err(Error::Conflict { .. }) => failures += 1,
                Err(e) => panic!("B's command failed: {e}"),
            }
        }
        held = !held;
        out.latencies.push(t.elapsed());
        out.tries
            .push(b.store().meter.appends.load(Ordering::Relaxed) - before);
        out.failures += failures;
        out.failed_commands += usize::from(failures > 0);
        tokio::time::sleep_until(next.into()).await;
    }
    stop.store(true, Ordering::Relaxed);
    let done = task.await.unwrap();
    out.a_rate = done as f64 / start.elapsed().as_secs_f64();
    out
}

fn at<T: Copy>(sorted: &[T], q: f64) -> T {
    sorted[((sorted.len() - 1) as f64 * q).round() as usize]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn row(label: &str, run: &Contended, solo_rate: f64) {
    println!(
        "{label:<28} {:>14} {:>18} {:>14} {:>22}",
        format!(
            "{}/{}/{}",
            at(&run.tries, 0.5),
            at(&run.tries, 0.99),
            at(&run.tries, 1.0)
        ),
        format!("{}/{COMMANDS} ({})", run.failed_commands, run.failures),
        format!(
            "{:.1}/{:.1}",
            ms(at(&run.latencies, 0.5)),
            ms(at(&run.latencies, 0.99))
        ),
        format!(
            "{:.0}/{:.0} ({:.0}%)",
            run.a_rate,
            solo_rate,
            100.0 * run.a_rate / solo_rate
        ),
    );
}

async fn bench(url: &str, schema: &str) {
    let setup = instance(url, schema, None);
    setup.store().store.migrate().await.unwrap();
    println!(
        "{:<28} {:>14} {:>18} {:>14} {:>22}",
        "", "B tries", "B failed to caller", "B latency ms", "A commands/s"
    );
    println!(
        "{:<28} {:>14} {:>18} {:>14} {:>22}",
        "", "p50/p99/max", "cmds (conflicts)", "p50/p99", "contended/solo"
    );
    let turns = [
        ("no turns (as before)", None),
        (
            "turns of 200 ms (default)",
            Some(PostgresStore::DEFAULT_WRITE_TURN),
        ),
    ];
    for (n, (label, turn)) in (1_u128..).zip(turns) {
        // An account of its own per setting, so each starts alike.
        let account = id::<AccountId>(n);
        account_with(&setup, account, 10).await;
        let a = instance(url, schema, turn);
        let b = instance(url, schema, turn);
        // Warm both pools and caches.
        a.state(account).await.unwrap();
        b.state(account).await.unwrap();
        // A alone before and after, against the machine's drift (it is shared).
        let before = solo(&a, account).await;
        let mut run = contended(&a, &b, account).await;
        let solo_rate = f64::midpoint(before, solo(&a, account).await);
        run.tries.sort_unstable();
        run.latencies.sort_unstable();
        row(label, &run, solo_rate);
    }
    // What turns cost a writer alone (the shared lock in every write): A without and with
    // turns, in turns of 3 s, so the machine's drift falls on both.
    let account = id::<AccountId>(99);
    account_with(&setup, account, 10).await;
    let off = instance(url, schema, None);
    let on = instance(url, schema, Some(PostgresStore::DEFAULT_WRITE_TURN));
    let (mut rate_off, mut rate_on) = (0.0, 0.0);
    for _ in 0..ROUNDS {
        rate_off += solo_for(&off, account, Duration::from_secs(3)).await;
        rate_on += solo_for(&on, account, Duration::from_secs(3)).await;
    }
    let (rate_off, rate_on) = (rate_off / ROUNDS as f64, rate_on / ROUNDS as f64);
    println!(
        "A alone, {ROUNDS} rounds of 3 s each: {rate_off:.0} commands/s without turns, \
         {rate_on:.0} with ({:.0}%)",
        100.0 * rate_on / rate_off
    );
}

/// Rounds of the solo comparison.
const ROUNDS: usize = 4;

fn main() {
    run_in_schema("fairness", "fair", bench);
}
