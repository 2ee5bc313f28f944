//! Through the service: what a host pays per command and per `authorize` call on an account
//! of 10 to 100,000 users, in memory and on a SQLite file; a cold load at 100,000 users; the
//! bytes a single-user command writes, amortised over snapshots; and one `add_users` of
//! 1,000 to 16,000 users, to show that filling stays linear.
//!
//! Each account is built through the service itself: the marketplace opens it and associates
//! its first tenant, whose first user (a Manager) then adds N users with `add_users`, 1,000
//! per command (Developers). The fills, the cold-load breakdown and the bytes written are
//! printed to stderr; criterion times the rest.
//!
//! `PARTNERKIT_BENCH_MAX_USERS` (e.g. `1000`) caps the account sizes, for a quick try.
// `criterion_group!` makes a public function without documentation.
#![allow(missing_docs)]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use partnerkit::access::{AccessIndex, Grant, Permission, Role};
use partnerkit::codec::{Chain, PreparedSnapshot};
use partnerkit::core::chrono::{DateTime, TimeZone, Utc};
use partnerkit::core::uuid::Uuid;
use partnerkit::core::{
    AccountId, Actor, Context, CountryCode, Currency, DisplayName, EmailAddress, PersonName,
    SellerId, SequentialIds, TenantId, UserId, Version,
};
use partnerkit::identity::{AccountType, DirectoryUser, DomainName};
use partnerkit::store::{AccountStore, Loaded, Recorded, StoreError, Write};
use partnerkit::{
    AccountService, Freshness, InMemoryStore, OpenAccount, Settings, TenantToAssociate,
};
use partnerkit_sqlite::SqliteStore;

const SIZES: [usize; 4] = [10, 1_000, 10_000, 100_000];
const CHUNK: usize = 1_000;
const FILL_SIZES: [usize; 5] = [1_000, 2_000, 4_000, 8_000, 16_000];

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2027, 1, 5, 9, 0, 0).unwrap()
}

fn id(n: u128) -> Uuid {
    Uuid::from_u128(n)
}

fn account_id() -> AccountId {
    AccountId::from_uuid(id(1))
}

fn tenant_id() -> TenantId {
    TenantId::from_uuid(id(2))
}

fn manager() -> UserId {
    UserId::from_uuid(id(3))
}

/// The n-th added user.
fn user(n: usize) -> UserId {
    UserId::from_uuid(id(1_000_000 + n as u128))
}

fn person(n: usize) -> DirectoryUser {
    DirectoryUser {
        user: user(n),
        name: PersonName::new("User", &format!("Number {n}")).unwrap(),
        username: EmailAddress::new(&format!("user{n}@contoso.com")).unwrap(),
        global_admin: false,
    }
}

/// A store the bench can name: the file (if any) it lives in.
struct Bench<S: AccountStore> {
    service: AccountService<Arc<S>>,
    store: Arc<S>,
    ids: SequentialIds,
    users: usize,
    file: Option<PathBuf>,
}

impl<S: AccountStore> Bench<S>
where
    S::Error: std::fmt::Debug,
{
    /// Opens the account and associates its first tenant; its first user is a Manager.
    fn open(store: S, file: Option<PathBuf>) -> Self {
        let store = Arc::new(store);
        let bench = Bench {
            service: AccountService::new(store.clone()),
            store,
            ids: SequentialIds::starting_after(1 << 40),
            users: 0,
            file,
        };
        let marketplace = Context::new(now(), Actor::Marketplace, &bench.ids);
        let account = account_id();
        bench
            .service
            .open_account(
                &marketplace,
                OpenAccount {
                    account,
                    seller_id: SellerId::new("91234567").unwrap(),
                    account_type: AccountType::Company,
                    display_name: DisplayName::new("Contoso Apps").unwrap(),
                    owner: None,
                    country: CountryCode::US,
                    currency: Currency::USD,
                },
            )
            .unwrap();
        bench
            .service
            .begin_tenant_association(
                account,
                &marketplace,
                TenantToAssociate {
                    tenant: tenant_id(),
                    organization: DisplayName::new("Contoso").unwrap(),
                    domain: DomainName::new("contoso.com").unwrap(),
                    synced_from_on_premises: false,
                    first_user: Some(DirectoryUser {
                        user: manager(),
                        name: PersonName::new("Alice", "Lind").unwrap(),
                        username: EmailAddress::new("alice@contoso.com").unwrap(),
                        global_admin: true,
                    }),
                },
            )
            .unwrap();
        bench
            .service
            .confirm_tenant_association(account, &marketplace, tenant_id(), None)
            .unwrap();
        bench
    }

    /// A second service over a store that already holds the account (`users` users).
    fn attach(store: S, file: Option<PathBuf>, users: usize) -> Self {
        let store = Arc::new(store);
        Bench {
            service: AccountService::new(store.clone()),
            store,
            ids: SequentialIds::starting_after(1 << 41),
            users,
            file,
        }
    }

    fn as_manager(&self) -> Context<'_> {
        Context::new(
            now(),
            Actor::User {
                tenant: tenant_id(),
                user: manager(),
            },
            &self.ids,
        )
    }

    /// Adds `count` users in one `add_users` command; returns how long it took.
    fn add_users(&mut self, count: usize) -> Duration {
        let users: Vec<DirectoryUser> = (self.users..self.users + count).map(person).collect();
        let ctx = self.as_manager();
        let start = Instant::now();
        self.service
            .add_users(
                account_id(),
                &ctx,
                tenant_id(),
                users,
                Grant::Role(Role::Developer),
            )
            .unwrap();
        let took = start.elapsed();
        self.users += count;
        took
    }

    /// Fills the account up to `total` users, `CHUNK` per command; prints how long it took.
    fn fill_to(&mut self, total: usize, label: &str) {
        let start = Instant::now();
        let mut slowest = Duration::ZERO;
        while self.users < total {
            let took = self.add_users(CHUNK.min(total - self.users));
            slowest = slowest.max(took);
        }
        eprintln!(
            "fill {label}: {} users in {:.2?} (slowest add_users of up to {CHUNK}: {:.2?}); version {}",
            self.users,
            start.elapsed(),
            slowest,
            self.service.version(account_id()).unwrap(),
        );
    }

    /// The user the benches rename and ask about: one in the middle.
    fn target(&self) -> UserId {
        user(self.users / 2)
    }

    fn rename(&self, name: &PersonName) {
        let done = self
            .service
            .rename_user(
                account_id(),
                &self.as_manager(),
                self.target(),
                name.clone(),
            )
            .unwrap();
        debug_assert_eq!(done.events.len(), 1);
        black_box(done);
    }

    fn authorize(&self, service: &AccountService<Arc<S>>) -> bool {
        let actor = Actor::User {
            tenant: tenant_id(),
            user: self.target(),
        };
        match service.authorize_with(
            account_id(),
            &actor,
            Permission::ManageOffers,
            Freshness::Current,
        ) {
            Ok(_) => true,
            Err(no) if no.is_denied() => false,
            Err(e) => panic!("authorize failed: {e}"),
        }
    }

    /// The stored snapshot's version and length, read through a connection of its own.
    fn snapshot_row(&self) -> Option<(i64, i64)> {
        let file = self.file.as_ref()?;
        let conn = partnerkit_sqlite::rusqlite::Connection::open(file).ok()?;
        conn.query_row("SELECT version, length(state) FROM snapshots", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .ok()
    }

    /// The bytes the store's file takes now, with its write-ahead log.
    fn file_bytes(&self) -> Option<u64> {
        let file = self.file.as_ref()?;
        Some(file_len(file) + file_len(&wal(file)))
    }
}

fn file_len(path: &Path) -> u64 {
    std::fs::metadata(path).map_or(0, |m| m.len())
}

fn wal(path: &Path) -> PathBuf {
    let mut p = path.as_os_str().to_owned();
    p.push("-wal");
    PathBuf::from(p)
}

/// The bytes this process has written with `write` and friends (Linux `/proc/self/io`).
fn written_by_process() -> Option<u64> {
    let io = std::fs::read_to_string("/proc/self/io").ok()?;
    io.lines()
        .find_map(|l| l.strip_prefix("wchar: "))
        .and_then(|v| v.trim().parse().ok())
}

fn two_names() -> [PersonName; 2] {
    [
        PersonName::new("Renamed", "Once").unwrap(),
        PersonName::new("Renamed", "Twice").unwrap(),
    ]
}

/// A temporary SQLite file, removed with its log when dropped.
struct TempFile(PathBuf);

impl TempFile {
    fn new(label: &str) -> Self {
        let path = std::env::temp_dir().join(format!(
            "partnerkit-bench-{}-{label}.sqlite",
            std::process::id()
        ));
        let tmp = TempFile(path);
        tmp.remove();
        tmp
    }

    fn remove(&self) {
        for suffix in ["", "-wal", "-shm"] {
            let mut p = self.0.as_os_str().to_owned();
            p.push(suffix);
            std::fs::remove_file(PathBuf::from(p)).ok();
        }
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        self.remove();
    }
}

/// A store that counts what the service asks it to write: events, snapshots and the bytes of
/// their JSON (the form every store keeps). Used only outside timed code.
struct Counting<S> {
    inner: S,
    events: AtomicU64,
    event_bytes: AtomicU64,
    snapshots: AtomicU64,
    snapshot_bytes: AtomicU64,
}

impl<S> Counting<S> {
    fn new(inner: S) -> Self {
        Counting {
            inner,
            events: AtomicU64::new(0),
            event_bytes: AtomicU64::new(0),
            snapshots: AtomicU64::new(0),
            snapshot_bytes: AtomicU64::new(0),
        }
    }
}

impl<S: AccountStore> AccountStore for Counting<S> {
    type Error = S::Error;

    fn load(&self, account: AccountId) -> Result<Option<Loaded>, S::Error> {
        self.inner.load(account)
    }

    fn append(&self, write: Write<'_>) -> Result<Version, StoreError<S::Error>> {
        let stored = self.inner.append(write)?;
        let (events, snapshot) = (write.events, write.snapshot);
        self.events
            .fetch_add(events.len() as u64, Ordering::Relaxed);
        let bytes: usize = events
            .iter()
            .map(|e| serde_json::to_vec(e).unwrap().len())
            .sum();
        self.event_bytes.fetch_add(bytes as u64, Ordering::Relaxed);
        if let Some(state) = snapshot {
            self.snapshots.fetch_add(1, Ordering::Relaxed);
            let bytes = serde_json::to_vec(state).unwrap().len();
            self.snapshot_bytes
                .fetch_add(bytes as u64, Ordering::Relaxed);
        }
        Ok(stored)
    }

    fn events(&self, account: AccountId, after: Version) -> Result<Vec<Recorded>, S::Error> {
        self.inner.events(account, after)
    }

    fn version(&self, account: AccountId) -> Result<Version, S::Error> {
        self.inner.version(account)
    }
}

fn max_users() -> usize {
    std::env::var("PARTNERKIT_BENCH_MAX_USERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(usize::MAX)
}

/// Times one command and one `authorize` at `users` users on `bench`.
fn measure<S: AccountStore>(c: &mut Criterion, bench: &Bench<S>, label: &str)
where
    S::Error: std::fmt::Debug,
{
    assert!(
        bench.authorize(&bench.service),
        "a Developer may manage offers"
    );
    let names = two_names();
    let mut g = c.benchmark_group(format!("service/{label}"));
    let mut i = 0_usize;
    g.bench_function(format!("rename_user/{}", bench.users), |b| {
        b.iter(|| {
            i = i.wrapping_add(1);
            bench.rename(&names[i % 2]);
        })
    });
    g.bench_function(format!("authorize/{}", bench.users), |b| {
        b.iter(|| black_box(bench.authorize(&bench.service)))
    });
    g.finish();
}

/// A cold load: a fresh service over the same store, and its first `authorize` (the load of
/// the latest snapshot and the events after it, the fold, the access index, the freshness
/// read). Then, untimed by criterion, the same in parts.
fn cold_load<S: AccountStore>(c: &mut Criterion, bench: &Bench<S>, label: &str)
where
    S::Error: std::fmt::Debug,
{
    let mut g = c.benchmark_group(format!("service/{label}"));
    g.sample_size(10);
    g.bench_function(format!("cold_load/{}", bench.users), |b| {
        b.iter_batched(
            || AccountService::new(bench.store.clone()),
            |service| {
                let allowed = bench.authorize(&service);
                (service, allowed)
            },
            BatchSize::PerIteration,
        )
    });
    g.finish();

    let mut load = Duration::MAX;
    let mut fold = Duration::MAX;
    let mut index = Duration::MAX;
    let mut replayed = 0;
    let mut prepare = Duration::MAX;
    let mut snapshot_bytes = 0;
    for _ in 0..3 {
        let t = Instant::now();
        let loaded = bench.store.load(account_id()).unwrap().unwrap();
        load = load.min(t.elapsed());
        replayed = loaded.events.len();
        let t = Instant::now();
        let (state, _) = loaded.fold();
        fold = fold.min(t.elapsed());
        let t = Instant::now();
        black_box(AccessIndex::build(&state.access));
        index = index.min(t.elapsed());
        // What a snapshot costs before the store writes it: the body encoded, and proven to
        // read back to the same state.
        let t = Instant::now();
        let prepared = PreparedSnapshot::new(&state).unwrap();
        prepare = prepare.min(t.elapsed());
        snapshot_bytes = prepared
            .row(account_id(), Version::INITIAL, Chain::start(account_id()))
            .data
            .len();
        drop(state);
    }
    eprintln!(
        "cold load {label}/{}: store.load {load:.2?} (snapshot + {replayed} events), fold {fold:.2?}, AccessIndex::build {index:.2?} (best of 3)",
        bench.users
    );
    eprintln!(
        "snapshot {label}/{}: row {snapshot_bytes} bytes (header and body); encoded with its proof (PreparedSnapshot::new) in {prepare:.2?} (best of 3)",
        bench.users
    );
    snapshot_commands(bench, label);
}

/// The command that writes a snapshot: a service over the same store that writes one with
/// every command, so each `rename_user` below stores its event and a snapshot of the whole
/// account (encoded, proven, written by the store). The first call also loads the account.
fn snapshot_commands<S: AccountStore>(bench: &Bench<S>, label: &str)
where
    S::Error: std::fmt::Debug,
{
    let settings = Settings {
        snapshot_every: 1,
        snapshot_principals_per_event: u64::MAX,
        ..Settings::default()
    };
    let service = AccountService::with_settings(bench.store.clone(), settings);
    let names = two_names();
    let mut times = Vec::new();
    for (n, name) in names.iter().cycle().take(6).enumerate() {
        let t = Instant::now();
        service
            .rename_user(
                account_id(),
                &bench.as_manager(),
                bench.target(),
                name.clone(),
            )
            .unwrap();
        if n > 0 {
            times.push(t.elapsed());
        }
    }
    times.sort();
    eprintln!(
        "snapshot-writing command {label}/{}: best {:.2?}, median {:.2?}, slowest {:.2?} (5 commands, each with a snapshot)",
        bench.users,
        times[0],
        times[times.len() / 2],
        times[times.len() - 1]
    );
}

/// Runs `commands` single-user commands, timing each; prints mean, median, slowest, and the
/// file's growth.
fn per_command<S: AccountStore>(bench: &Bench<S>, label: &str, commands: usize)
where
    S::Error: std::fmt::Debug,
{
    let names = two_names();
    let before_file = bench.file_bytes();
    let before_snapshot = bench.snapshot_row();
    let before_written = written_by_process();
    let mut times = Vec::with_capacity(commands);
    let start = Instant::now();
    for i in 0..commands {
        let t = Instant::now();
        bench.rename(&names[i % 2]);
        times.push(t.elapsed());
    }
    let total = start.elapsed();
    times.sort();
    let written = written_by_process()
        .zip(before_written)
        .map(|(a, b)| a.saturating_sub(b));
    let grown = bench
        .file_bytes()
        .zip(before_file)
        .map(|(a, b)| a as i64 - b as i64);
    if let Some(((v0, l0), (v1, l1))) = before_snapshot.zip(bench.snapshot_row()) {
        eprintln!(
            "per command {label}: stored snapshot before: v{v0} ({l0} bytes), after: v{v1} ({l1} bytes)"
        );
    }
    eprintln!(
        "per command {label}/{}: {commands} rename_user: mean {:.2?}, median {:.2?}, p99 {:.2?}, slowest {:.2?}; process wrote {} bytes ({} per command); file grew {} bytes ({} per command)",
        bench.users,
        total / commands as u32,
        times[commands / 2],
        times[commands * 99 / 100],
        times[commands - 1],
        written.map_or("?".into(), |w| w.to_string()),
        written.map_or("?".into(), |w| (w / commands as u64).to_string()),
        grown.map_or("-".into(), |g| g.to_string()),
        grown.map_or("-".into(), |g| (g / commands as i64).to_string()),
    );
}

/// The JSON the service asks the store to write per single-user command, over `commands`
/// commands on a fresh service with the default snapshot interval.
fn bytes_per_command<S: AccountStore>(bench: &Bench<S>, label: &str, commands: usize)
where
    S::Error: std::fmt::Debug,
{
    let counting = Counting::new(bench.store.clone());
    let service = AccountService::new(counting);
    let names = two_names();
    let ctx = bench.as_manager();
    for i in 0..commands {
        let name = names[i % 2].clone();
        service
            .rename_user(account_id(), &ctx, bench.target(), name)
            .unwrap();
    }
    let store = service.store();
    let events = store.events.load(Ordering::Relaxed);
    let event_bytes = store.event_bytes.load(Ordering::Relaxed);
    let snapshots = store.snapshots.load(Ordering::Relaxed);
    let snapshot_bytes = store.snapshot_bytes.load(Ordering::Relaxed);
    let per = (event_bytes + snapshot_bytes) / commands as u64;
    eprintln!(
        "bytes {label}/{}: {commands} rename_user -> {events} events ({} bytes each), {snapshots} snapshots ({} bytes each); {per} bytes per command amortised (snapshot every {} events)",
        bench.users,
        event_bytes / events.max(1),
        snapshot_bytes / snapshots.max(1),
        service.settings().snapshot_every,
    );
}

fn sqlite(label: &str) -> (SqliteStore, TempFile) {
    let file = TempFile::new(label);
    let store = SqliteStore::open(&file.0).unwrap();
    (store, file)
}

fn sqlite_bench(label: &str) -> (Bench<SqliteStore>, TempFile) {
    let (store, file) = sqlite(label);
    let path = file.0.clone();
    (Bench::open(store, Some(path)), file)
}

fn service(c: &mut Criterion) {
    let cap = max_users();
    eprintln!(
        "SQLite: SqliteStore::open with the default Options (synchronous = {:?}, journal_mode = WAL), a file in the temporary directory",
        partnerkit_sqlite::Options::default().synchronous
    );

    for &n in SIZES.iter().filter(|&&n| n <= cap) {
        let mut memory = Bench::open(InMemoryStore::new(), None);
        memory.fill_to(n, "in memory");
        measure(c, &memory, "memory");
        let (mut file, tmp) = sqlite_bench(&format!("n{n}"));
        file.fill_to(n, "SQLite");
        measure(c, &file, "sqlite");
        // The same file through a second connection with synchronous = NORMAL.
        let options = partnerkit_sqlite::Options::default()
            .synchronous(partnerkit_sqlite::Synchronous::Normal);
        let normal = Bench::attach(
            SqliteStore::open_with(&tmp.0, &options).unwrap(),
            file.file.clone(),
            file.users,
        );
        measure(c, &normal, "sqlite-normal");
        if n == *SIZES.iter().filter(|&&n| n <= cap).max().unwrap() {
            cold_load(c, &memory, "memory");
            cold_load(c, &file, "sqlite");
            let commands = 2 * memory.service.settings().snapshot_every as usize;
            per_command(&memory, "in memory", commands);
            per_command(&file, "SQLite", commands);
            per_command(&normal, "SQLite NORMAL", commands);
            bytes_per_command(&memory, "in memory", commands);
            bytes_per_command(&file, "SQLite", commands);
        }
    }

    // Filling stays linear: one add_users of b users on an account with only its Manager.
    let mut g = c.benchmark_group("service/memory/add_users");
    g.sample_size(10);
    for &b in FILL_SIZES.iter().filter(|&&b| b <= cap.max(1_000)) {
        g.bench_function(format!("{b}"), |bencher| {
            bencher.iter_batched(
                || Bench::open(InMemoryStore::new(), None),
                |mut bench| {
                    bench.add_users(b);
                    bench
                },
                BatchSize::PerIteration,
            )
        });
    }
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = service
}
criterion_main!(benches);
