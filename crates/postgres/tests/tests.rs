//! The PostgreSQL store against a real server: the async conformance kit, refusals of
//! damaged rows, migrations, several OS processes racing on one account, and writers killed
//! mid-transaction.
//!
//! The server's URL comes from `PARTNERKIT_POSTGRES_URL`; without it every test prints one
//! line saying it was not run and passes. With `PARTNERKIT_REQUIRE_POSTGRES=1` a missing
//! variable or an unreachable server fails. Each test works in its own PostgreSQL schema,
//! dropped at the end.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use partnerkit::codec::{EventRow, SnapshotRow};
use partnerkit::core::{AccountId, Actor, DisplayName, Envelope, SellerId, Version};
use partnerkit::identity::{AccountType, Event};
use partnerkit::store::{AsyncAccountStore, Recorded, StoreError, Write};
use partnerkit::testing::{AsyncRows, asynchronous};
use partnerkit::{AccountEvent, AccountState};
use partnerkit_postgres::{Error, PostgresStore};

mod support;
use support::{URL, runtime, url};

/// Set in a child process: which role it plays (see [`child_process`]).
const CHILD: &str = "PARTNERKIT_POSTGRES_CHILD";

/// A schema name no other test or run uses.
fn unique_schema(test: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!(
        "pk_{test}_{}_{}",
        std::process::id(),
        nanos % 1_000_000_000_000
    )
}

/// A migrated store in a fresh schema; the server must answer.
async fn store(url: &str, test: &str) -> PostgresStore {
    let store = PostgresStore::connect(url)
        .unwrap()
        .with_schema(&unique_schema(test))
        .unwrap();
    store
        .migrate()
        .await
        .unwrap_or_else(|e| panic!("the PostgreSQL server at {url} must answer: {e}"));
    store
}

/// Runs `f` with a fresh store when the server is configured, dropping the schema after.
fn with_store(test: &str, f: impl AsyncFnOnce(&PostgresStore, &str)) {
    let Some(url) = url() else { return };
    let rt = runtime();
    let store = rt.block_on(store(&url, test));
    // Drop the schema even when the test fails, then report the failure.
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        rt.block_on(f(&store, &url));
    }));
    rt.block_on(store.drop_schema()).unwrap();
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

fn account(n: u128) -> AccountId {
    AccountId::from_uuid(partnerkit::core::uuid::Uuid::from_u128(n))
}

/// An event naming `writer` and `n`, so each is told apart in the history.
fn event(writer: u32, n: u32) -> Recorded {
    Envelope {
        v: partnerkit::core::ENVELOPE_FORMAT,
        id: Some(partnerkit::core::EventId::from_uuid(
            partnerkit::core::uuid::Uuid::from_u128(u128::from(writer) << 32 | u128::from(n)),
        )),
        at: partnerkit::core::chrono::DateTime::from_timestamp(1_800_000_000, n * 1000 + 7)
            .unwrap(),
        actor: Actor::Marketplace,
        event: AccountEvent::Identity(Event::AccountOpened {
            account: account(u128::from(writer) + 1),
            seller_id: SellerId::new(&(91_000_000 + n).to_string()).unwrap(),
            account_type: AccountType::Company,
            display_name: DisplayName::new(&format!("writer {writer} #{n}")).unwrap(),
            owner: None,
        }),
    }
}

fn fold(events: &[Recorded]) -> AccountState {
    AccountState::fold(events.iter().map(|e| &e.event))
}

async fn raw(url: &str) -> tokio_postgres::Client {
    let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    client
}

/// The store with a second client, for the kit's damaged rows: what an operator with `psql`
/// could do.
struct Console<'a> {
    store: &'a PostgresStore,
    raw: &'a tokio_postgres::Client,
}

impl AsyncAccountStore for Console<'_> {
    type Error = Error;
    async fn load(&self, a: AccountId) -> Result<Option<partnerkit::store::Loaded>, Error> {
        self.store.load(a).await
    }
    async fn append(&self, write: Write<'_>) -> Result<Version, StoreError<Error>> {
        self.store.append(write).await
    }
    async fn events(&self, a: AccountId, after: Version) -> Result<Vec<Recorded>, Error> {
        self.store.events(a, after).await
    }
    async fn version(&self, a: AccountId) -> Result<Version, Error> {
        self.store.version(a).await
    }
}

impl AsyncRows for Console<'_> {
    async fn rows(&self, a: AccountId) -> (Vec<EventRow>, Option<SnapshotRow>) {
        let s = self.store.schema();
        let events = self
            .raw
            .query(
                &format!("SELECT seq, v, pv, id::text, at, actor, event, chain FROM {s}.events WHERE account_id = $1 ORDER BY seq"),
                &[&a.uuid()],
            )
            .await
            .unwrap()
            .iter()
            .map(|r| EventRow {
                seq: r.get::<_, i64>(0) as u64,
                envelope: r.get::<_, i16>(1) as u16,
                payload: r.get::<_, i16>(2) as u16,
                id: r.get(3),
                at: r.get(4),
                actor: r.get(5),
                event: r.get(6),
                chain: r.get(7),
            })
            .collect();
        let snapshot = self
            .raw
            .query_opt(
                &format!("SELECT version, format, compression, data FROM {s}.snapshots WHERE account_id = $1"),
                &[&a.uuid()],
            )
            .await
            .unwrap()
            .map(|r| SnapshotRow {
                version: r.get::<_, i64>(0) as u64,
                format: r.get::<_, i16>(1) as u16,
                // The store writes snapshots as LZ4 blocks after their length (compression 1);
                // the operator reads them as the codec wrote them, and writes them back plain
                // (compression 0, as before migration 4), which the store must still read.
                data: match r.get::<_, i16>(2) {
                    0 => r.get(3),
                    1 => lz4_flex::block::decompress_size_prepended(r.get(3)).unwrap(),
                    other => panic!("compression {other}"),
                },
            });
        (events, snapshot)
    }

    async fn replace_rows(
        &self,
        a: AccountId,
        events: Vec<EventRow>,
        snapshot: Option<SnapshotRow>,
    ) {
        let s = self.store.schema();
        let raw = self.raw;
        // The operator drops the index that keeps ids unique, so repeated ids can be written:
        // loading must still refuse them.
        raw.execute(&format!("DROP INDEX IF EXISTS {s}.events_ids"), &[])
            .await
            .unwrap();
        for table in ["events", "snapshots"] {
            raw.execute(
                &format!("DELETE FROM {s}.{table} WHERE account_id = $1"),
                &[&a.uuid()],
            )
            .await
            .unwrap();
        }
        for e in events {
            raw.execute(
                &format!("INSERT INTO {s}.events (account_id, seq, v, pv, id, at, actor, event, chain) VALUES ($1, $2, $3, $4, $5::text::uuid, $6, $7, $8, $9)"),
                &[&a.uuid(), &(e.seq as i64), &(e.envelope as i16), &(e.payload as i16), &e.id, &e.at, &e.actor, &e.event, &e.chain],
            )
            .await
            .unwrap();
        }
        if let Some(r) = snapshot {
            raw.execute(
                &format!("INSERT INTO {s}.snapshots (account_id, version, format, data) VALUES ($1, $2, $3, $4)"),
                &[&a.uuid(), &(r.version as i64), &(r.format as i16), &r.data],
            )
            .await
            .unwrap();
        }
    }
}

#[test]
fn the_store_conforms() {
    with_store("conforms", async |store, _| {
        asynchronous::check_all(store).await;
        asynchronous::check_concurrent_writers(store, 8, 10).await;
        // Running migrations again does nothing and loses nothing.
        store.migrate().await.unwrap();
        asynchronous::check_append_then_load(store).await;
    });
}

#[test]
fn deleted_corrupt_and_negative_rows_are_refused() {
    // rule: X-1 (the audit trail is never silently shortened)
    // rule: X-9
    with_store("damage", async |store, url| {
        let raw = raw(url).await;
        let s = store.schema().to_string();
        asynchronous::check_damaged_rows(&Console { store, raw: &raw }).await;

        let id = account(77);
        let events: Vec<Recorded> = (0..3).map(|n| event(0, n)).collect();
        store
            .append(Write::new(id, Version::INITIAL, &events))
            .await
            .unwrap();
        raw.execute(
            &format!("DELETE FROM {s}.events WHERE account_id = $1 AND seq = 3"),
            &[&id.uuid()],
        )
        .await
        .unwrap();
        let err = store
            .append(Write::new(id, Version::new(3), &events[..1]))
            .await
            .unwrap_err();
        assert!(
            err.to_string().contains("last stored event row is 2"),
            "{err}"
        );
        let err = store.load(id).await.unwrap_err();
        assert!(err.to_string().contains("event row 3 is missing"), "{err}");

        // A negative version cannot even be stored (a CHECK constraint), and is refused on reads.
        let err = raw
            .execute(
                &format!("UPDATE {s}.accounts SET version = -5 WHERE id = $1"),
                &[&id.uuid()],
            )
            .await
            .unwrap_err();
        assert_eq!(
            err.code(),
            Some(&tokio_postgres::error::SqlState::CHECK_VIOLATION),
            "{err}"
        );
    });
}

#[test]
fn a_newer_schema_is_refused_and_bad_schema_names_too() {
    with_store("newer", async |store, url| {
        let raw = raw(url).await;
        raw.execute(
            &format!(
                "INSERT INTO {}.migrations (version) VALUES (99)",
                store.schema()
            ),
            &[],
        )
        .await
        .unwrap();
        let err = store.migrate().await.unwrap_err();
        assert!(
            matches!(err, Error::SchemaTooNew { found: 99, .. }),
            "{err}"
        );
    });
    for bad in ["", "Public", "a-b", "x; DROP TABLE y", "1abc"] {
        let err = PostgresStore::connect("postgres://nobody@127.0.0.1:1/none")
            .unwrap()
            .with_schema(bad)
            .unwrap_err();
        assert!(
            matches!(err, Error::InvalidSchemaName { .. }),
            "{bad}: {err}"
        );
    }
}

#[test]
fn concurrent_migrations_migrate_once() {
    let Some(url) = url() else { return };
    runtime().block_on(async {
        let schema = unique_schema("migrations");
        let stores: Vec<PostgresStore> = (0..4)
            .map(|_| {
                PostgresStore::connect(&url)
                    .unwrap()
                    .with_schema(&schema)
                    .unwrap()
            })
            .collect();
        let results = asynchronous::join_all(
            stores
                .iter()
                .map(|s| {
                    Box::pin(s.migrate())
                        as std::pin::Pin<Box<dyn Future<Output = Result<(), Error>> + Send>>
                })
                .collect(),
        )
        .await;
        for r in results {
            r.unwrap();
        }
        asynchronous::check_append_then_load(&stores[0]).await;
        stores[0].drop_schema().await.unwrap();
    });
}

/// How many events each child appends in the race.
const PER_CHILD: u32 = 15;

/// The entry point of child processes: does nothing in an ordinary run (the variable is
/// unset); in a child it plays the role the parent named.
#[test]
fn child_process() {
    let Ok(role) = std::env::var(CHILD) else {
        return;
    };
    let url = std::env::var(URL).unwrap();
    let schema = std::env::var("PARTNERKIT_POSTGRES_SCHEMA").unwrap();
    let id: AccountId = std::env::var("PARTNERKIT_POSTGRES_ACCOUNT")
        .unwrap()
        .parse::<partnerkit::core::uuid::Uuid>()
        .map(AccountId::from_uuid)
        .unwrap();
    let writer: u32 = std::env::var("PARTNERKIT_POSTGRES_WRITER")
        .unwrap()
        .parse()
        .unwrap();
    runtime().block_on(async {
        let store = PostgresStore::connect(&url)
            .unwrap()
            .with_schema(&schema)
            .unwrap();
        match role.as_str() {
            // Append PER_CHILD single events, each after a fresh load, retrying conflicts;
            // print each committed version.
            "race" => {
                for n in 0..PER_CHILD {
                    loop {
                        let (mut state, version) = match store.load(id).await.unwrap() {
                            Some(l) => l.fold(),
                            None => (AccountState::default(), Version::INITIAL),
                        };
                        let e = event(writer, n);
                        state.apply(&e.event);
                        let snapshot = (version.get() % 4 == 3).then_some(&state);
                        match store
                            .append(Write::new(id, version, &[e]).with_snapshot(snapshot))
                            .await
                        {
                            Ok(v) => {
                                println!("committed {} {writer} {n}", v.get());
                                break;
                            }
                            Err(StoreError::Conflict { .. }) => continue,
                            Err(e) => panic!("append failed: {e}"),
                        }
                    }
                }
            }
            // Append batches of 50 events with a snapshot, forever, until killed.
            "batches" => {
                let mut n = 0;
                loop {
                    let (mut state, version) = match store.load(id).await.unwrap() {
                        Some(l) => l.fold(),
                        None => (AccountState::default(), Version::INITIAL),
                    };
                    let batch: Vec<Recorded> = (0..50).map(|i| event(writer, n + i)).collect();
                    for e in &batch {
                        state.apply(&e.event);
                    }
                    match store
                        .append(Write::new(id, version, &batch).with_snapshot(&state))
                        .await
                    {
                        Ok(v) => println!("committed {}", v.get()),
                        Err(StoreError::Conflict { .. }) => {}
                        Err(e) => panic!("append failed: {e}"),
                    }
                    n += 50;
                }
            }
            other => panic!("unknown child role {other}"),
        }
    });
}

fn spawn_child(
    role: &str,
    url: &str,
    schema: &str,
    id: AccountId,
    writer: u32,
) -> std::process::Child {
    Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "child_process",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD, role)
        .env(URL, url)
        .env("PARTNERKIT_POSTGRES_SCHEMA", schema)
        .env("PARTNERKIT_POSTGRES_ACCOUNT", id.uuid().to_string())
        .env("PARTNERKIT_POSTGRES_WRITER", writer.to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap()
}

#[test]
fn several_processes_race_on_one_account_and_nothing_is_lost() {
    // rule: X-3 (optimistic concurrency: no update is lost)
    with_store("processes", async |store, url| {
        let id = account(4242);
        const CHILDREN: u32 = 4;
        let children: Vec<_> = (0..CHILDREN)
            .map(|w| spawn_child("race", url, store.schema(), id, w))
            .collect();
        let mut committed: Vec<(u64, u32, u32)> = Vec::new();
        for child in children {
            let output = child.wait_with_output().unwrap();
            assert!(output.status.success(), "a child failed: {}", output.status);
            let mut last = 0;
            for line in String::from_utf8(output.stdout).unwrap().lines() {
                // The harness prints "test child_process ... " before the first line.
                let Some((_, rest)) = line.split_once("committed ") else {
                    continue;
                };
                let parts: Vec<&str> = rest.split(' ').collect();
                let v: u64 = parts[0].parse().unwrap();
                assert!(v > last, "a child's versions strictly increase");
                last = v;
                committed.push((v, parts[1].parse().unwrap(), parts[2].parse().unwrap()));
            }
        }
        let total = u64::from(CHILDREN * PER_CHILD);
        committed.sort();
        assert_eq!(
            committed.iter().map(|c| c.0).collect::<Vec<_>>(),
            (1..=total).collect::<Vec<_>>(),
            "every version was committed once, by one process"
        );
        let history = store.events(id, Version::INITIAL).await.unwrap();
        assert_eq!(history.len() as u64, total);
        for (v, writer, n) in &committed {
            assert_eq!(
                history[*v as usize - 1],
                event(*writer, *n),
                "event {v} is the one its process committed"
            );
        }
        let (state, version) = store.load(id).await.unwrap().unwrap().fold();
        assert_eq!(version, Version::new(total));
        assert_eq!(state, fold(&history), "state == fold(history)");
    });
}

#[test]
fn a_writer_killed_mid_transaction_stores_nothing_of_it() {
    with_store("killed", async |store, url| {
        let id = account(4343);
        for round in 0..3 {
            let mut child = spawn_child("batches", url, store.schema(), id, round);
            // Wait until it has committed at least once, then kill it while it writes.
            let stdout = child.stdout.take().unwrap();
            let mut lines = BufReader::new(stdout).lines();
            // (The harness prints "running 1 test" first.)
            loop {
                let line = lines.next().expect("the child commits a batch").unwrap();
                if line.contains("committed ") {
                    break;
                }
            }
            std::thread::sleep(Duration::from_millis(150 + 70 * round as u64));
            child.kill().unwrap();
            let status = child.wait().unwrap();
            {
                use std::os::unix::process::ExitStatusExt;
                assert_eq!(
                    status.signal(),
                    Some(9),
                    "the writer was killed, not ended: {status}"
                );
            }
            drop(lines);
            // Let the server notice the dropped connection and roll back.
            tokio::time::sleep(Duration::from_millis(200)).await;
            let version = store.version(id).await.unwrap();
            assert_eq!(
                version.get() % 50,
                0,
                "only whole batches are stored: {version}"
            );
            let history = store.events(id, Version::INITIAL).await.unwrap();
            assert_eq!(history.len() as u64, version.get());
            let loaded = store.load(id).await.unwrap().unwrap();
            assert_eq!(
                loaded.snapshot.as_ref().map(|s| s.version),
                Some(version),
                "the snapshot came with the last whole batch"
            );
            assert_eq!(loaded.fold().0, fold(&history));
        }
    });
}

#[test]
fn a_connection_dropped_inside_an_open_transaction_stores_nothing() {
    with_store("dropped", async |store, url| {
        // Do by hand what append does, and lose the connection before COMMIT.
        let id = account(4444);
        let s = store.schema();
        let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
            .await
            .unwrap();
        let task = tokio::spawn(connection);
        client.batch_execute("BEGIN").await.unwrap();
        client
            .execute(
                &format!("INSERT INTO {s}.accounts (id, version) VALUES ($1, 1)"),
                &[&id.uuid()],
            )
            .await
            .unwrap();
        client
            .execute(
                &format!(
                    "INSERT INTO {s}.events (account_id, seq, at, actor, event) VALUES ($1, 1, 'x', '{{}}', '{{}}')"
                ),
                &[&id.uuid()],
            )
            .await
            .unwrap();
        task.abort();
        drop(client);
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert_eq!(store.version(id).await.unwrap(), Version::INITIAL);
        assert!(store.load(id).await.unwrap().is_none());
        // The account is free to be created.
        assert_eq!(
            store
                .append(Write::new(id, Version::INITIAL, &[event(0, 0)]))
                .await
                .unwrap(),
            Version::new(1)
        );
    });
}

#[test]
fn an_unreachable_server_is_an_error_not_a_hang() {
    let Some(_) = url() else { return };
    runtime().block_on(async {
        let store = PostgresStore::connect("postgres://postgres@127.0.0.1:1/test").unwrap();
        let err = store.migrate().await.unwrap_err();
        assert!(matches!(err, Error::Pool(_)), "{err}");
    });
}

#[test]
fn a_schema_1_database_is_migrated_and_its_events_read_as_format_1() {
    // rule: X-1
    with_store("format1", async |store, url| {
        let raw = raw(url).await;
        let s = store.schema();
        // Back to schema 1 as it was written: events without an envelope format or id, JSON
        // kept as jsonb, the snapshot as the state's JSON.
        raw.batch_execute(&format!(
            "DROP TABLE {s}.events, {s}.snapshots;
             CREATE TABLE {s}.events (
                 account_id uuid NOT NULL,
                 seq        bigint NOT NULL CHECK (seq > 0),
                 at         text NOT NULL,
                 actor      jsonb NOT NULL,
                 event      jsonb NOT NULL,
                 PRIMARY KEY (account_id, seq)
             );
             CREATE TABLE {s}.snapshots (
                 account_id uuid PRIMARY KEY,
                 version    bigint NOT NULL CHECK (version > 0),
                 state      text NOT NULL
             );
             DELETE FROM {s}.migrations WHERE version > 1;"
        ))
        .await
        .unwrap();
        let id = account(77);
        let old = Recorded {
            v: 1,
            id: None,
            ..event(1, 1)
        };
        raw.execute(
            &format!("INSERT INTO {s}.accounts (id, version) VALUES ($1, 1)"),
            &[&id.uuid()],
        )
        .await
        .unwrap();
        raw.execute(
            &format!(
                "INSERT INTO {s}.events (account_id, seq, at, actor, event)
                 VALUES ($1, 1, $2, $3::text::jsonb, $4::text::jsonb)"
            ),
            &[
                &id.uuid(),
                &old.at
                    .to_rfc3339_opts(partnerkit::core::chrono::SecondsFormat::AutoSi, true),
                &serde_json::to_string(&old.actor).unwrap(),
                &serde_json::to_string(&old.event).unwrap(),
            ],
        )
        .await
        .unwrap();
        raw.execute(
            &format!("INSERT INTO {s}.snapshots (account_id, version, state) VALUES ($1, 1, $2)"),
            &[
                &id.uuid(),
                &serde_json::to_string(&fold(std::slice::from_ref(&old))).unwrap(),
            ],
        )
        .await
        .unwrap();
        store.migrate().await.unwrap();
        assert_eq!(
            store.events(id, Version::INITIAL).await.unwrap(),
            vec![old.clone()]
        );
        // rule: X-9 (the JSON snapshot of schema 1 is an older format: rebuilt from the events)
        let loaded = store.load(id).await.unwrap().unwrap();
        assert!(loaded.snapshot.is_none() && loaded.refresh_snapshot);
        assert_eq!(
            loaded.fold(),
            (fold(std::slice::from_ref(&old)), Version::new(1))
        );
        let new = event(1, 2);
        store
            .append(Write::new(id, Version::new(1), std::slice::from_ref(&new)))
            .await
            .unwrap();
        assert_eq!(
            store.events(id, Version::INITIAL).await.unwrap(),
            vec![old, new],
            "the old event stays format 1, the new one keeps its format and id"
        );
        // A row whose format and id disagree is corrupt, not misread.
        raw.execute(
            &format!("UPDATE {s}.events SET id = NULL WHERE seq = 2"),
            &[],
        )
        .await
        .unwrap();
        let err = store.events(id, Version::INITIAL).await.unwrap_err();
        assert!(err.to_string().contains("needs an \"id\""), "{err}");
    });
}

#[test]
fn snapshots_are_stored_compressed_and_a_damaged_one_is_rebuilt_from_the_events() {
    // rule: X-9 (a snapshot that does not read back is rebuilt from the events, never guessed)
    with_store("compressed", async |store, url| {
        let raw = raw(url).await;
        let s = store.schema();
        let id = account(78);
        let events: Vec<Recorded> = (0..4).map(|n| event(0, n)).collect();
        let state = fold(&events);
        store
            .append(Write::new(id, Version::INITIAL, &events).with_snapshot(&state))
            .await
            .unwrap();
        let compression: i16 = raw
            .query_one(
                &format!("SELECT compression FROM {s}.snapshots WHERE account_id = $1"),
                &[&id.uuid()],
            )
            .await
            .unwrap()
            .get(0);
        assert_eq!(compression, 1, "written as an LZ4 block");
        // PostgreSQL keeps the column as sent, without compressing it again ('e': EXTERNAL).
        let storage: i8 = raw
            .query_one(
                "SELECT attstorage FROM pg_attribute
                 WHERE attrelid = ($1 || '.snapshots')::regclass AND attname = 'data'",
                &[&s],
            )
            .await
            .unwrap()
            .get(0);
        assert_eq!(storage as u8, b'e');
        let loaded = store.load(id).await.unwrap().unwrap();
        assert!(loaded.snapshot.is_some() && !loaded.refresh_snapshot);
        assert_eq!(loaded.fold(), (state.clone(), Version::new(4)));

        for damage in [
            "data = substring(data from 1 for octet_length(data) / 2)",
            "data = '\\xffffffff00'::bytea",
            "compression = 9",
        ] {
            raw.execute(
                &format!("UPDATE {s}.snapshots SET {damage} WHERE account_id = $1"),
                &[&id.uuid()],
            )
            .await
            .unwrap();
            let loaded = store.load(id).await.unwrap().unwrap();
            assert!(
                loaded.snapshot.is_none() && loaded.refresh_snapshot,
                "{damage}: rebuilt from the events"
            );
            assert_eq!(loaded.fold(), (state.clone(), Version::new(4)), "{damage}");
        }
    });
}
