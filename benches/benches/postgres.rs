//! The async service over the PostgreSQL store (issue 15): one command and one `authorize`
//! at 10 and 100,000 users, and commands per second with 1, 4 and 16 concurrent clients on
//! one account and on 16 accounts.
//!
//! A plain timed program (no criterion): it needs a server. The URL comes from
//! `PARTNERKIT_POSTGRES_URL`; without it the program prints one line and does nothing. It
//! works in a schema of its own, dropped at the end.
//!
//! Run: `PARTNERKIT_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test cargo bench -p
//! partnerkit-benches --features peers --bench postgres`. Results: docs/PERFORMANCE.md.
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
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use partnerkit::access::Permission;
use partnerkit::core::{AccountId, Context};
use partnerkit::{AsyncAccountService, Error, Freshness};
use partnerkit_postgres::PostgresStore;

mod postgres_setup;
use postgres_setup::{
    ALICE, BATCH, FIRST_USER, Meter, Metered, account_with, alice, id, ids, now, rename,
    run_in_schema,
};

/// Timed repetitions of one command or one `authorize`.
const SAMPLES: usize = 300;
const WINDOW: Duration = Duration::from_secs(10);
/// Fresh instances timed for a cold start.
const COLD_RUNS: usize = 9;

/// Between measurements, and the means the report prints.
impl Meter {
    fn reset(&self) {
        for a in [
            &self.conflicts,
            &self.version_ns,
            &self.versions,
            &self.append_ns,
            &self.appends,
            &self.events_ns,
            &self.events,
        ] {
            a.store(0, Ordering::Relaxed);
        }
    }

    fn mean_us(ns: &AtomicU64, n: &AtomicU64) -> f64 {
        let n = n.load(Ordering::Relaxed).max(1);
        ns.load(Ordering::Relaxed) as f64 / n as f64 / 1_000.0
    }
}

type Service = AsyncAccountService<Metered>;

/// A service instance with its own pool, as another process of the host would have.
fn instance(url: &str, schema: &str, meter: &Arc<Meter>) -> Service {
    let store = PostgresStore::connect(url)
        .unwrap()
        .with_schema(schema)
        .unwrap();
    AsyncAccountService::new(Metered {
        store,
        meter: Arc::clone(meter),
    })
}

fn median_us(mut v: Vec<Duration>) -> (f64, f64) {
    v.sort();
    let at = |q: f64| v[((v.len() - 1) as f64 * q) as usize].as_secs_f64() * 1e6;
    (at(0.5), at(0.9))
}

/// One rename and one `authorize`, each [`SAMPLES`] times, on a warm service.
async fn single(svc: &Service, meter: &Meter, account: AccountId, users: usize) {
    let ctx = Context::new(now(), alice(), ids());
    // Warm: the account is in this instance's cache.
    svc.execute(account, &ctx, rename(ALICE, 0, 0))
        .await
        .unwrap();
    meter.reset();
    let mut times = Vec::with_capacity(SAMPLES);
    for n in 1..=SAMPLES as u64 {
        let t = Instant::now();
        svc.execute(account, &ctx, rename(ALICE, 0, n))
            .await
            .unwrap();
        times.push(t.elapsed());
    }
    let (med, p90) = median_us(times);
    println!(
        "command  rename_user  {users:>7} users: median {med:>8.1} µs  p90 {p90:>8.1} µs  \
         (store: version {:.1} µs, append {:.1} µs per command)",
        Meter::mean_us(&meter.version_ns, &meter.versions),
        Meter::mean_us(&meter.append_ns, &meter.appends),
    );
    meter.reset();
    let user = alice();
    let mut times = Vec::with_capacity(SAMPLES);
    for _ in 0..SAMPLES {
        let t = Instant::now();
        let decision = svc
            .authorize_with(account, &user, Permission::ManageUsers, Freshness::Current)
            .await;
        times.push(t.elapsed());
        assert!(decision.is_ok(), "{decision:?}");
    }
    let (med, p90) = median_us(times);
    println!(
        "authorize Current     {users:>7} users: median {med:>8.1} µs  p90 {p90:>8.1} µs  \
         (store: version {:.1} µs per call)",
        Meter::mean_us(&meter.version_ns, &meter.versions),
    );
}

/// The first use of the account by a fresh instance: the load (snapshot + events after it).
/// Nine fresh instances, one after the other; the median and the range.
async fn cold(url: &str, schema: &str, account: AccountId, users: usize) {
    cold_as(url, schema, account, users, "loads the account").await;
}

/// [`cold`], its line ending in `what`.
async fn cold_as(url: &str, schema: &str, account: AccountId, users: usize, what: &str) {
    let mut times = Vec::with_capacity(COLD_RUNS);
    for _ in 0..COLD_RUNS {
        let meter = Arc::new(Meter::default());
        let svc = instance(url, schema, &meter);
        let t = Instant::now();
        let decision = svc
            .authorize(account, &alice(), Permission::ManageUsers)
            .await;
        times.push(t.elapsed());
        assert!(decision.is_ok(), "{decision:?}");
    }
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!(
        "first authorize of a fresh instance {users:>7} users: median {:>7.1} ms  \
         (min {:.1}, max {:.1}, {COLD_RUNS} instances; {what})",
        ms(times[COLD_RUNS / 2]),
        ms(times[0]),
        ms(times[COLD_RUNS - 1]),
    );
}

/// The cold start at 100,000 users with the snapshot stored as before migration 4 (issue 22)
/// and as now, alternating three times so the machine's drift hits both: before, 17 MB that
/// PostgreSQL compresses itself (pglz), so each load makes the server decompress and send all
/// of it; now an LZ4 block of about 2 MB that the server stores and sends as it is, and the
/// client decompresses.
async fn cold_compression(url: &str, schema: &str, account: AccountId) {
    let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    let row = client
        .query_one(
            &format!("SELECT compression, data FROM {schema}.snapshots WHERE account_id = $1"),
            &[&account.uuid()],
        )
        .await
        .unwrap();
    assert_eq!(row.get::<_, i16>(0), 1, "the store writes LZ4");
    let packed: Vec<u8> = row.get(1);
    let plain = lz4_flex::block::decompress_size_prepended(&packed).unwrap();
    println!(
        "snapshot at 100,000 users: {} bytes as the codec writes it, {} as LZ4",
        plain.len(),
        packed.len()
    );
    let store = async |compression: i16, data: &[u8], storage: &str| {
        client
            .batch_execute(&format!(
                "ALTER TABLE {schema}.snapshots ALTER COLUMN data SET STORAGE {storage}"
            ))
            .await
            .unwrap();
        client
            .execute(
                &format!(
                    "UPDATE {schema}.snapshots SET compression = $2, data = $3
                     WHERE account_id = $1"
                ),
                &[&account.uuid(), &compression, &data],
            )
            .await
            .unwrap();
    };
    for _ in 0..3 {
        store(0, &plain, "EXTENDED").await;
        cold_as(
            url,
            schema,
            account,
            100_000,
            "snapshot as before: pglz on the server",
        )
        .await;
        store(1, &packed, "EXTERNAL").await;
        cold_as(
            url,
            schema,
            account,
            100_000,
            "snapshot as now: LZ4 on the client",
        )
        .await;
    }
}

/// `clients` clients, each its own service instance (own pool), renaming for [`WINDOW`];
/// client `c` works on `accounts[c % len]`, or on every `accounts[i]` with
/// `i % clients == c` when there are more accounts than clients.
async fn throughput(url: &str, schema: &str, accounts: &[AccountId], clients: usize) {
    let meter = Arc::new(Meter::default());
    let failed = Arc::new(AtomicU64::new(0));
    let done = Arc::new(AtomicU64::new(0));
    let services: Vec<Arc<Service>> = (0..clients)
        .map(|_| Arc::new(instance(url, schema, &meter)))
        .collect();
    let assigned: Vec<Vec<AccountId>> = (0..clients)
        .map(|c| {
            if accounts.len() >= clients {
                accounts
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| i % clients == c)
                    .map(|(_, a)| *a)
                    .collect()
            } else {
                vec![accounts[c % accounts.len()]]
            }
        })
        .collect();
    // Warm each instance's pool and cache before the clock starts.
    for (svc, mine) in services.iter().zip(&assigned) {
        for a in mine {
            svc.state(*a).await.unwrap();
        }
    }
    meter.reset();
    let start = Instant::now();
    let deadline = start + WINDOW;
    let mut tasks = Vec::new();
    for (c, (svc, mine)) in services.into_iter().zip(assigned).enumerate() {
        let (failed, done) = (Arc::clone(&failed), Arc::clone(&done));
        // Each client renames its own user (one of the ten), so names never collide.
        let user = FIRST_USER + (c % 9) as u128;
        tasks.push(tokio::spawn(async move {
            // One id source for every client: two instances never mint the same event id,
            // which the store would refuse (rule X-9).
            let ctx = Context::new(now(), alice(), ids());
            let mut n = 0u64;
            while Instant::now() < deadline {
                for a in &mine {
                    n += 1;
                    match svc.execute(*a, &ctx, rename(user, c, n)).await {
                        Ok(_) => done.fetch_add(1, Ordering::Relaxed),
                        Err(Error::Conflict { .. }) => failed.fetch_add(1, Ordering::Relaxed),
                        Err(e) => panic!("rename failed: {e}"),
                    };
                }
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let secs = start.elapsed().as_secs_f64();
    let ok = done.load(Ordering::Relaxed);
    println!(
        "throughput {clients:>2} clients on {:>2} account(s): {:>7.0} commands/s  ({ok} in {secs:.1} s; \
         {} write conflicts retried, {} commands gave up after the retries; \
         store per call: version {:.0} µs, catch-up {:.0} µs, append {:.0} µs)",
        accounts.len(),
        ok as f64 / secs,
        meter.conflicts.load(Ordering::Relaxed),
        failed.load(Ordering::Relaxed),
        Meter::mean_us(&meter.version_ns, &meter.versions),
        Meter::mean_us(&meter.events_ns, &meter.events),
        Meter::mean_us(&meter.append_ns, &meter.appends),
    );
}

async fn bench(url: &str, schema: &str) {
    let meter = Arc::new(Meter::default());
    let svc = instance(url, schema, &meter);
    svc.store().store.migrate().await.unwrap();

    let small = id::<AccountId>(1);
    let large = id::<AccountId>(2);
    account_with(&svc, small, 10).await;
    let t = Instant::now();
    account_with(&svc, large, 100_000).await;
    println!(
        "setup: 100,000 users in {} AddUsers commands of {BATCH}: {:.1} s",
        100_000 / BATCH,
        t.elapsed().as_secs_f64()
    );

    single(&svc, &meter, small, 10).await;
    single(&svc, &meter, large, 100_000).await;
    cold(url, schema, small, 10).await;
    cold(url, schema, large, 100_000).await;
    cold_compression(url, schema, large).await;

    let many: Vec<AccountId> = (0..16).map(|i| id::<AccountId>(100 + i)).collect();
    let one = id::<AccountId>(99);
    account_with(&svc, one, 10).await;
    for a in &many {
        account_with(&svc, *a, 10).await;
    }
    for clients in [1, 4, 16] {
        throughput(url, schema, &[one], clients).await;
    }
    for clients in [1, 4, 16] {
        throughput(url, schema, &many, clients).await;
    }
}

fn main() {
    run_in_schema("postgres", "bench", bench);
}
