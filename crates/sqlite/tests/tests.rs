//! The SQLite store passes the storage conformance kit, in memory and on disk, and refuses
//! what it cannot trust; its files migrate, open without writing, and wait for locks.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::PathBuf;
use std::time::{Duration, Instant};

use partnerkit::codec::{EventRow, SnapshotRow};
use partnerkit::core::{AccountId, Version};
use partnerkit::store::{AccountStore, Recorded, Write};
use partnerkit::testing::{Rows, conformance};
use partnerkit::{AccountEvent, AccountState};
use partnerkit_sqlite::{Error, Options, SCHEMA_VERSION, SqliteStore, Synchronous};
use rusqlite::{Connection, OptionalExtension};

/// A fresh directory for one test's files, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!(
            "partnerkit-sqlite-{name}-{}-{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
    fn file(&self) -> PathBuf {
        self.0.join("accounts.sqlite")
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        std::fs::remove_dir_all(&self.0).ok();
    }
}

fn account(n: u128) -> AccountId {
    AccountId::from_uuid(partnerkit::core::uuid::Uuid::from_u128(n))
}

/// `n` events with distinct contents, in the current envelope format with distinct ids.
fn sample_events(n: usize) -> Vec<Recorded> {
    use partnerkit::core::{Actor, DisplayName, ENVELOPE_FORMAT, Envelope, EventId, SellerId};
    use partnerkit::identity::{AccountType, Event};
    (0..n)
        .map(|i| Envelope {
            v: ENVELOPE_FORMAT,
            id: Some(EventId::from_uuid(partnerkit::core::uuid::Uuid::from_u128(
                0xE000 + i as u128,
            ))),
            at: partnerkit::core::chrono::DateTime::from_timestamp(1_800_000_000 + i as i64, 0)
                .unwrap(),
            actor: Actor::Marketplace,
            event: AccountEvent::Identity(Event::AccountOpened {
                account: account(i as u128 + 1),
                seller_id: SellerId::new(&(91_000_000 + i).to_string()).unwrap(),
                account_type: AccountType::Company,
                display_name: DisplayName::new(&format!("Publisher {i}")).unwrap(),
                owner: None,
            }),
        })
        .collect()
}

/// `e` with an id no other event of this test run has (ids are unique in a history, rule X-9),
/// also across the child processes of one test.
fn fresh_id(e: Recorded) -> Recorded {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let id = (u128::from(std::process::id()) << 64) | u128::from(n) | (1 << 127);
    Recorded {
        id: Some(partnerkit::core::EventId::from_uuid(
            partnerkit::core::uuid::Uuid::from_u128(id),
        )),
        ..e
    }
}

/// `e` as it was stored before event ids: envelope format 1, no id.
fn format_1(e: Recorded) -> Recorded {
    Recorded {
        v: 1,
        id: None,
        ..e
    }
}

fn fold(events: &[Recorded]) -> AccountState {
    AccountState::fold(events.iter().map(|e| &e.event))
}

#[test]
fn in_memory_database_conforms() {
    conformance::check_all(&SqliteStore::open_in_memory().unwrap());
}

#[test]
fn file_database_conforms_and_survives_reopening() {
    let dir = TempDir::new("conforms");
    {
        let store = SqliteStore::open(dir.file()).unwrap();
        conformance::check_all(&store);
    }
    // Reopening finds the schema in place and the checks pick fresh accounts again.
    let store = SqliteStore::open(dir.file()).unwrap();
    conformance::check_all(&store);
}

/// The store with a second connection to its file, for the kit's damaged rows: what an
/// operator with `sqlite3` could do.
struct Console {
    store: SqliteStore,
    raw: Connection,
}

impl AccountStore for Console {
    type Error = Error;
    fn load(&self, a: AccountId) -> Result<Option<partnerkit::store::Loaded>, Error> {
        self.store.load(a)
    }
    fn append(&self, write: Write<'_>) -> Result<Version, partnerkit::store::StoreError<Error>> {
        self.store.append(write)
    }
    fn events(&self, a: AccountId, after: Version) -> Result<Vec<Recorded>, Error> {
        self.store.events(a, after)
    }
    fn version(&self, a: AccountId) -> Result<Version, Error> {
        self.store.version(a)
    }
}

impl Rows for Console {
    fn rows(&self, a: AccountId) -> (Vec<EventRow>, Option<SnapshotRow>) {
        let id = a.to_string();
        let events = self
            .raw
            .prepare("SELECT seq, v, pv, id, at, actor, event, chain FROM events WHERE account_id = ?1 ORDER BY seq")
            .unwrap()
            .query_map([&id], |r| {
                Ok(EventRow {
                    seq: r.get::<_, i64>(0)? as u64,
                    envelope: r.get(1)?,
                    payload: r.get(2)?,
                    id: r.get(3)?,
                    at: r.get(4)?,
                    actor: r.get(5)?,
                    event: r.get(6)?,
                    chain: r.get(7)?,
                })
            })
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let snapshot = self
            .raw
            .query_row(
                "SELECT version, format, data FROM snapshots WHERE account_id = ?1",
                [&id],
                |r| {
                    Ok(SnapshotRow {
                        version: r.get::<_, i64>(0)? as u64,
                        format: r.get(1)?,
                        data: r.get(2)?,
                    })
                },
            )
            .optional()
            .unwrap();
        (events, snapshot)
    }

    fn replace_rows(&self, a: AccountId, events: Vec<EventRow>, snapshot: Option<SnapshotRow>) {
        let id = a.to_string();
        let raw = &self.raw;
        // The operator drops the index that keeps ids unique, so repeated ids can be written:
        // loading must still refuse them.
        raw.execute("DROP INDEX IF EXISTS events_ids", []).unwrap();
        raw.execute("DELETE FROM events WHERE account_id = ?1", [&id])
            .unwrap();
        raw.execute("DELETE FROM snapshots WHERE account_id = ?1", [&id])
            .unwrap();
        for e in events {
            raw.execute(
                "INSERT INTO events (account_id, seq, v, pv, id, at, actor, event, chain) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                rusqlite::params![id, e.seq as i64, e.envelope, e.payload, e.id, e.at, e.actor, e.event, e.chain],
            )
            .unwrap();
        }
        if let Some(s) = snapshot {
            raw.execute(
                "INSERT INTO snapshots (account_id, version, format, data) VALUES (?1, ?2, ?3, ?4)",
                rusqlite::params![id, s.version as i64, s.format, s.data],
            )
            .unwrap();
        }
    }
}

#[test]
fn damaged_rows_are_refused_or_rebuilt() {
    // rule: X-9
    let dir = TempDir::new("damaged");
    let console = Console {
        store: SqliteStore::open(dir.file()).unwrap(),
        raw: Connection::open(dir.file()).unwrap(),
    };
    conformance::check_damaged_rows(&console);
}

#[test]
fn the_issues_hand_edits_are_refused_by_load() {
    // rule: X-9 (rows swapped, an id repeated, a snapshot set back or moved: each refused on
    // load, naming the row)
    let dir = TempDir::new("hand-edits");
    let store = SqliteStore::open(dir.file()).unwrap();
    let raw = Connection::open(dir.file()).unwrap();
    let events = sample_events(6);
    let put = |id: AccountId, snapshot_at: usize| {
        let (head, tail) = events.split_at(snapshot_at);
        store
            .append(Write::new(id, Version::INITIAL, head).with_snapshot(&fold(head)))
            .unwrap();
        store
            .append(Write::new(id, Version::new(snapshot_at as u64), tail))
            .unwrap();
        id.to_string()
    };
    let refused = |id: AccountId, words: &str| {
        let err = store.load(id).unwrap_err();
        assert_eq!(err.code(), "corrupt");
        assert!(err.to_string().contains(words), "{err}");
    };
    let edit = |sql: &str, id: &str| {
        assert_eq!(raw.execute(sql, [id]).unwrap(), 1, "{sql}");
    };

    let id = account(910);
    let key = put(id, 1);
    for sql in [
        "UPDATE events SET seq = 100 WHERE account_id = ?1 AND seq = 2",
        "UPDATE events SET seq = 2 WHERE account_id = ?1 AND seq = 3",
        "UPDATE events SET seq = 3 WHERE account_id = ?1 AND seq = 100",
    ] {
        edit(sql, &key);
    }
    refused(id, "event row 2");

    let id = account(911);
    let key = put(id, 1);
    // The unique index refuses the edit itself; an operator who drops it gets past that.
    let err = raw
        .execute(
            "UPDATE events SET id = (SELECT id FROM events WHERE account_id = ?1 AND seq = 2) WHERE account_id = ?1 AND seq = 3",
            [&key],
        )
        .unwrap_err();
    assert!(err.to_string().contains("UNIQUE"), "{err}");
    raw.execute("DROP INDEX events_ids", []).unwrap();
    edit(
        "UPDATE events SET id = (SELECT id FROM events WHERE account_id = ?1 AND seq = 2) WHERE account_id = ?1 AND seq = 3",
        &key,
    );
    refused(id, "is already the id of event 2");

    let id = account(912);
    let key = put(id, 4);
    edit(
        "UPDATE snapshots SET version = 1 WHERE account_id = ?1",
        &key,
    );
    refused(id, "the row says v1");

    let (a, b) = (account(913), account(914));
    let key_a = put(a, 4);
    let key_b = put(b, 2);
    raw.execute("DELETE FROM snapshots WHERE account_id = ?1", [&key_b])
        .unwrap();
    raw.execute(
        "UPDATE snapshots SET account_id = ?2 WHERE account_id = ?1",
        [&key_a, &key_b],
    )
    .unwrap();
    refused(b, "not of this one");
}

#[test]
fn errors_for_damaged_rows_say_what_is_wrong_and_writes_refuse_a_missing_tail() {
    let dir = TempDir::new("damage");
    let store = SqliteStore::open(dir.file()).unwrap();
    let raw = Connection::open(dir.file()).unwrap();
    let id = account(900);
    let events = sample_events(9);
    store
        .append(Write::new(id, Version::INITIAL, &events))
        .unwrap();

    // The issue's case: 8 of 9 events must not pass for a history.
    raw.execute(
        "DELETE FROM events WHERE account_id = ?1 AND seq = 5",
        [id.to_string()],
    )
    .unwrap();
    let err = store.events(id, Version::INITIAL).unwrap_err();
    assert!(
        matches!(err, Error::Rows(partnerkit::codec::Error::Corrupt { .. })),
        "{err}"
    );
    assert_eq!(err.code(), "corrupt");
    assert!(!err.is_busy());
    assert!(err.to_string().contains("event row 5 is missing"), "{err}");

    // A missing last event: the load refuses, and so does the next write.
    let id = account(901);
    let v = store
        .append(Write::new(id, Version::INITIAL, &events))
        .unwrap();
    raw.execute(
        "DELETE FROM events WHERE account_id = ?1 AND seq = 9",
        [id.to_string()],
    )
    .unwrap();
    let err = store.load(id).unwrap_err();
    assert!(err.to_string().contains("event row 9 is missing"), "{err}");
    let err = store.append(Write::new(id, v, &events[..1])).unwrap_err();
    assert!(
        err.to_string().contains("last stored event row is 8"),
        "{err}"
    );
    assert_eq!(
        store.version(id).unwrap(),
        v,
        "the refused write stored nothing"
    );

    // A snapshot that does not decode is not guessed at: the events are folded instead
    // (rule X-9).
    let id = account(902);
    store
        .append(Write::new(id, Version::INITIAL, &events).with_snapshot(&fold(&events)))
        .unwrap();
    raw.execute(
        "UPDATE snapshots SET data = CAST('garbage' AS BLOB) WHERE account_id = ?1",
        [id.to_string()],
    )
    .unwrap();
    let loaded = store.load(id).unwrap().unwrap();
    assert!(loaded.snapshot.is_none() && loaded.refresh_snapshot);
    assert_eq!(loaded.fold(), (fold(&events), Version::new(9)));
}

#[test]
fn a_negative_stored_version_is_refused_not_read_as_zero() {
    let dir = TempDir::new("negative");
    let store = SqliteStore::open(dir.file()).unwrap();
    let raw = Connection::open(dir.file()).unwrap();
    let id = account(903);
    store
        .append(Write::new(id, Version::INITIAL, &sample_events(2)))
        .unwrap();
    raw.execute(
        "UPDATE accounts SET version = -5 WHERE id = ?1",
        [id.to_string()],
    )
    .unwrap();
    for err in [
        store.version(id).unwrap_err(),
        store.load(id).unwrap_err(),
        store.events(id, Version::INITIAL).unwrap_err(),
    ] {
        assert!(
            matches!(err, Error::Rows(partnerkit::codec::Error::Corrupt { .. })),
            "{err}"
        );
        assert!(err.to_string().contains("-5, a negative number"), "{err}");
    }
    let err = store
        .append(Write::new(id, Version::INITIAL, &sample_events(1)))
        .unwrap_err();
    assert!(err.to_string().contains("negative number"), "{err}");
}

#[test]
fn verify_checks_the_whole_history_against_the_snapshot() {
    let store = SqliteStore::open_in_memory().unwrap();
    let id = account(904);
    let events = sample_events(4);
    store
        .append(Write::new(id, Version::INITIAL, &events).with_snapshot(&fold(&events)))
        .unwrap();
    store.verify(id).unwrap();
    let wrong = AccountState::default();
    store
        .append(Write::new(id, Version::new(4), &[]).with_snapshot(&wrong))
        .unwrap();
    let err = store.verify(id).unwrap_err();
    assert!(err.to_string().contains("differs from the fold"), "{err}");
}

/// The whole schema and data of a file written by partnerkit-sqlite 0.1 (schema version 1).
const V1_SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS accounts (
    id      TEXT PRIMARY KEY,
    version INTEGER NOT NULL,
    state   TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS events (
    account_id TEXT NOT NULL,
    seq        INTEGER NOT NULL,
    at         TEXT NOT NULL,
    actor      TEXT NOT NULL,
    event      TEXT NOT NULL,
    PRIMARY KEY (account_id, seq)
) WITHOUT ROWID;
PRAGMA user_version = 1;
";

#[test]
fn a_version_1_database_is_migrated_and_nothing_is_lost() {
    let dir = TempDir::new("migrate");
    let id = account(905);
    // Schema version 1 stored envelope format 1: no format, no id.
    let events: Vec<Recorded> = sample_events(3).into_iter().map(format_1).collect();
    let state = fold(&events);
    {
        // Written as version 1 wrote it: the whole state beside the log.
        let raw = Connection::open(dir.file()).unwrap();
        raw.pragma_update(None, "journal_mode", "WAL").unwrap();
        raw.execute_batch(V1_SCHEMA).unwrap();
        raw.execute(
            "INSERT INTO accounts (id, version, state) VALUES (?1, 3, ?2)",
            [id.to_string(), serde_json::to_string(&state).unwrap()],
        )
        .unwrap();
        for (i, e) in events.iter().enumerate() {
            raw.execute(
                "INSERT INTO events (account_id, seq, at, actor, event) VALUES (?1, ?2, ?3, ?4, ?5)",
                rusqlite::params![
                    id.to_string(),
                    i as i64 + 1,
                    e.at.to_rfc3339_opts(partnerkit::core::chrono::SecondsFormat::AutoSi, true),
                    serde_json::to_string(&e.actor).unwrap(),
                    serde_json::to_string(&e.event).unwrap(),
                ],
            )
            .unwrap();
        }
    }
    let store = SqliteStore::open(dir.file()).unwrap();
    let loaded = store.load(id).unwrap().unwrap();
    assert!(
        loaded.snapshot.is_none() && loaded.refresh_snapshot,
        "version 1's state is kept as a snapshot in the format before formats were named, \
         so it is rebuilt from the events (rule X-9)"
    );
    assert_eq!(loaded.clone().fold(), (state.clone(), Version::new(3)));
    assert_eq!(loaded.events, events);
    assert_eq!(store.events(id, Version::INITIAL).unwrap(), events);
    store.verify(id).unwrap();
    // And it takes writes in the new shape.
    let more = sample_events(5);
    assert_eq!(
        store
            .append(Write::new(id, Version::new(3), &more[3..]))
            .unwrap(),
        Version::new(5)
    );
    let (folded, version) = store.load(id).unwrap().unwrap().fold();
    assert_eq!(version, Version::new(5));
    let mut all = events.clone();
    all.extend_from_slice(&more[3..]);
    assert_eq!(folded, fold(&all));
    // The old events stay format 1, the new ones keep their format and ids.
    assert_eq!(store.events(id, Version::INITIAL).unwrap(), all);
    drop(store);
    let raw = Connection::open(dir.file()).unwrap();
    let v: i64 = raw
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(v, SCHEMA_VERSION);
}

/// The events table as schema version 2 wrote it: no envelope format, no event id.
const V2_SCHEMA: &str = "
CREATE TABLE accounts (id TEXT PRIMARY KEY, version INTEGER NOT NULL);
CREATE TABLE events (
    account_id TEXT NOT NULL,
    seq        INTEGER NOT NULL,
    at         TEXT NOT NULL,
    actor      TEXT NOT NULL,
    event      TEXT NOT NULL,
    PRIMARY KEY (account_id, seq)
) WITHOUT ROWID;
CREATE TABLE snapshots (account_id TEXT PRIMARY KEY, version INTEGER NOT NULL, state TEXT NOT NULL);
PRAGMA user_version = 2;
";

#[test]
fn a_version_2_database_is_migrated_and_its_events_read_as_format_1() {
    // rule: X-1
    let dir = TempDir::new("migrate2");
    let id = account(906);
    let events: Vec<Recorded> = sample_events(2).into_iter().map(format_1).collect();
    {
        let raw = Connection::open(dir.file()).unwrap();
        raw.execute_batch(V2_SCHEMA).unwrap();
        raw.execute(
            "INSERT INTO accounts (id, version) VALUES (?1, 2)",
            [id.to_string()],
        )
        .unwrap();
        for (i, e) in events.iter().enumerate() {
            raw.execute(
                "INSERT INTO events (account_id, seq, at, actor, event) VALUES (?1, ?2, ?3, ?4, ?5)",
                rusqlite::params![
                    id.to_string(),
                    i as i64 + 1,
                    e.at.to_rfc3339_opts(partnerkit::core::chrono::SecondsFormat::AutoSi, true),
                    serde_json::to_string(&e.actor).unwrap(),
                    serde_json::to_string(&e.event).unwrap(),
                ],
            )
            .unwrap();
        }
    }
    let store = SqliteStore::open(dir.file()).unwrap();
    assert_eq!(store.events(id, Version::INITIAL).unwrap(), events);
    let more = sample_events(3);
    store
        .append(Write::new(id, Version::new(2), &more[2..]))
        .unwrap();
    let all = store.events(id, Version::INITIAL).unwrap();
    assert_eq!(all[..2], events[..]);
    assert_eq!(all[2], more[2], "a new event keeps its format and id");
    store.verify(id).unwrap();
}

/// The tables as schema version 3 wrote them: events without payload format or chain, the
/// snapshot as the state's JSON.
const V3_SCHEMA: &str = "
CREATE TABLE accounts (id TEXT PRIMARY KEY, version INTEGER NOT NULL);
CREATE TABLE events (
    account_id TEXT NOT NULL,
    seq        INTEGER NOT NULL,
    at         TEXT NOT NULL,
    actor      TEXT NOT NULL,
    event      TEXT NOT NULL,
    v          INTEGER NOT NULL DEFAULT 1,
    id         TEXT,
    PRIMARY KEY (account_id, seq)
) WITHOUT ROWID;
CREATE TABLE snapshots (account_id TEXT PRIMARY KEY, version INTEGER NOT NULL, state TEXT NOT NULL);
PRAGMA user_version = 3;
";

#[test]
fn a_version_3_database_is_chained_and_its_json_snapshot_rebuilt_from_the_events() {
    // rule: X-9 (an older snapshot format is rebuilt from the events, never guessed)
    let dir = TempDir::new("migrate3");
    let id = account(915);
    let events = sample_events(4);
    {
        let raw = Connection::open(dir.file()).unwrap();
        raw.execute_batch(V3_SCHEMA).unwrap();
        raw.execute(
            "INSERT INTO accounts (id, version) VALUES (?1, 4)",
            [id.to_string()],
        )
        .unwrap();
        for (i, e) in events.iter().enumerate() {
            raw.execute(
                "INSERT INTO events (account_id, seq, at, actor, event, v, id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                rusqlite::params![
                    id.to_string(),
                    i as i64 + 1,
                    e.at.to_rfc3339_opts(partnerkit::core::chrono::SecondsFormat::AutoSi, true),
                    serde_json::to_string(&e.actor).unwrap(),
                    serde_json::to_string(&e.event).unwrap(),
                    e.v,
                    e.id.map(|i| i.to_string()),
                ],
            )
            .unwrap();
        }
        raw.execute(
            "INSERT INTO snapshots (account_id, version, state) VALUES (?1, 3, ?2)",
            [
                id.to_string(),
                serde_json::to_string(&fold(&events[..3])).unwrap(),
            ],
        )
        .unwrap();
    }
    let store = SqliteStore::open(dir.file()).unwrap();
    let loaded = store.load(id).unwrap().unwrap();
    assert!(loaded.snapshot.is_none() && loaded.refresh_snapshot);
    assert_eq!(loaded.fold(), (fold(&events), Version::new(4)));
    assert_eq!(store.events(id, Version::INITIAL).unwrap(), events);
    store.verify(id).unwrap();

    // The service stores a fresh snapshot with its next write, and loads from it after.
    let service = partnerkit::AccountService::new(&store);
    let ids = partnerkit::core::SequentialIds::default();
    let marketplace =
        partnerkit::core::Context::new(events[0].at, partnerkit::core::Actor::Marketplace, &ids);
    service
        .record_verification(
            id,
            &marketplace,
            partnerkit::identity::VerificationStep::Email,
            partnerkit::identity::StepState::Verified,
        )
        .unwrap();
    let loaded = store.load(id).unwrap().unwrap();
    assert_eq!(loaded.snapshot.map(|s| s.version), Some(Version::new(5)));
    assert!(!loaded.refresh_snapshot);
    store.verify(id).unwrap();
}

#[test]
fn a_stored_event_whose_format_and_id_disagree_is_corrupt() {
    let dir = TempDir::new("format");
    let id = account(907);
    let store = SqliteStore::open(dir.file()).unwrap();
    store
        .append(Write::new(id, Version::INITIAL, &sample_events(1)))
        .unwrap();
    drop(store);
    let raw = Connection::open(dir.file()).unwrap();
    raw.execute("UPDATE events SET id = NULL", []).unwrap();
    drop(raw);
    let store = SqliteStore::open(dir.file()).unwrap();
    let err = store.events(id, Version::INITIAL).unwrap_err();
    assert!(err.to_string().contains("needs an \"id\""), "{err}");
}

#[test]
fn a_newer_schema_is_refused() {
    let dir = TempDir::new("newer");
    {
        let raw = Connection::open(dir.file()).unwrap();
        raw.pragma_update(None, "user_version", 99).unwrap();
    }
    let err = SqliteStore::open(dir.file()).unwrap_err();
    assert!(
        matches!(err, Error::SchemaTooNew { found: 99, .. }),
        "{err}"
    );
}

#[test]
fn open_writes_nothing_when_the_schema_is_current() {
    let dir = TempDir::new("nowrite");
    drop(SqliteStore::open(dir.file()).unwrap());
    // Another connection holds the write lock: opening must neither wait nor fail.
    let holder = Connection::open(dir.file()).unwrap();
    holder.execute_batch("BEGIN IMMEDIATE").unwrap();
    let started = Instant::now();
    let store = SqliteStore::open_with(
        dir.file(),
        &Options::default().busy_timeout(Duration::from_secs(3)),
    )
    .unwrap();
    assert!(started.elapsed() < Duration::from_secs(1));
    assert_eq!(store.version(account(1)).unwrap(), Version::INITIAL);
    holder.execute_batch("ROLLBACK").unwrap();
}

#[test]
fn a_read_only_file_opens_and_loads_but_refuses_writes() {
    let dir = TempDir::new("readonly");
    let id = account(906);
    {
        let store = SqliteStore::open(dir.file()).unwrap();
        store
            .append(Write::new(id, Version::INITIAL, &sample_events(2)))
            .unwrap();
    }
    let store = SqliteStore::open_read_only(dir.file()).unwrap();
    assert_eq!(store.load(id).unwrap().unwrap().version(), Version::new(2));
    let err = store
        .append(Write::new(id, Version::new(2), &sample_events(1)))
        .unwrap_err();
    assert!(err.to_string().contains("readonly"), "{err}");
    assert_eq!(store.version(id).unwrap(), Version::new(2));
}

#[test]
fn many_creators_of_one_new_file_all_succeed() {
    let dir = TempDir::new("creators");
    let path = dir.file();
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..8)
            .map(|i| {
                let path = &path;
                scope.spawn(move || {
                    let store = SqliteStore::open(path).unwrap();
                    store
                        .append(Write::new(
                            account(1000 + i),
                            Version::INITIAL,
                            &sample_events(1),
                        ))
                        .unwrap();
                })
            })
            .collect();
        for h in handles {
            h.join().unwrap();
        }
    });
    let store = SqliteStore::open(&path).unwrap();
    for i in 0..8 {
        assert_eq!(store.version(account(1000 + i)).unwrap(), Version::new(1));
    }
}

#[test]
fn a_writer_waits_for_a_locked_database_instead_of_failing() {
    let dir = TempDir::new("busy");
    let store = SqliteStore::open(dir.file()).unwrap();
    let (locked_tx, locked_rx) = std::sync::mpsc::channel();
    let path = dir.file();
    let id = account(907);
    std::thread::scope(|scope| {
        scope.spawn(move || {
            let holder = Connection::open(path).unwrap();
            holder.execute_batch("BEGIN IMMEDIATE").unwrap();
            locked_tx.send(()).unwrap();
            std::thread::sleep(Duration::from_millis(700));
            holder.execute_batch("COMMIT").unwrap();
        });
        locked_rx.recv().unwrap();
        let started = Instant::now();
        let v = store
            .append(Write::new(id, Version::INITIAL, &sample_events(1)))
            .unwrap();
        assert_eq!(v, Version::new(1));
        assert!(started.elapsed() >= Duration::from_millis(500));
    });
}

#[test]
fn many_connections_race_on_one_file_without_losing_a_write() {
    let dir = TempDir::new("race");
    let stores: Vec<SqliteStore> = (0..4)
        .map(|_| {
            SqliteStore::open_with(
                dir.file(),
                &Options::default().synchronous(Synchronous::Normal),
            )
            .unwrap()
        })
        .collect();
    // Each thread has its own connection, as separate processes would.
    struct Spread<'a>(&'a [SqliteStore], std::sync::atomic::AtomicUsize);
    impl AccountStore for Spread<'_> {
        type Error = Error;
        fn load(&self, a: AccountId) -> Result<Option<partnerkit::store::Loaded>, Error> {
            self.pick().load(a)
        }
        fn append(
            &self,
            write: Write<'_>,
        ) -> Result<Version, partnerkit::store::StoreError<Error>> {
            self.pick().append(write)
        }
        fn events(&self, a: AccountId, after: Version) -> Result<Vec<Recorded>, Error> {
            self.pick().events(a, after)
        }
        fn version(&self, a: AccountId) -> Result<Version, Error> {
            self.pick().version(a)
        }
    }
    impl Spread<'_> {
        fn pick(&self) -> &SqliteStore {
            let i = self.1.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            &self.0[i % self.0.len()]
        }
    }
    conformance::check_concurrent_writers(&Spread(&stores, 0.into()), 4, 20);
}

#[test]
fn commands_write_events_only_and_the_snapshot_only_when_asked() {
    let dir = TempDir::new("growth");
    let store = SqliteStore::open(dir.file()).unwrap();
    let events = sample_events(1);
    let id = account(908);
    let mut history = events.clone();
    let mut v = store
        .append(Write::new(id, Version::INITIAL, &events).with_snapshot(&fold(&history)))
        .unwrap();
    for _ in 0..50 {
        let events = vec![fresh_id(events[0].clone())];
        v = store.append(Write::new(id, v, &events)).unwrap();
        history.extend_from_slice(&events);
    }
    let raw = Connection::open(dir.file()).unwrap();
    let (rows, at): (i64, i64) = raw
        .query_row(
            "SELECT COUNT(*), MAX(version) FROM snapshots WHERE account_id = ?1",
            [id.to_string()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(
        (rows, at),
        (1, 1),
        "appends without a snapshot leave it alone"
    );
    let loaded = store.load(id).unwrap().unwrap();
    assert_eq!(
        loaded.events.len(),
        50,
        "the load is the snapshot + the events after it"
    );
    assert_eq!(loaded.fold(), (fold(&history), Version::new(51)));
    // A new snapshot replaces the old one: one row per account.
    let events = vec![fresh_id(events[0].clone())];
    store
        .append(
            Write::new(id, v, &events)
                .with_snapshot(&fold(&[history.clone(), events.clone()].concat())),
        )
        .unwrap();
    let rows: i64 = raw
        .query_row(
            "SELECT COUNT(*) FROM snapshots WHERE account_id = ?1",
            [id.to_string()],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(rows, 1);
    assert!(store.load(id).unwrap().unwrap().events.is_empty());
}

/// Set in a child process: the database file it writes to (see [`child_writer`]).
const CHILD: &str = "PARTNERKIT_SQLITE_CHILD_FILE";
const PER_CHILD: usize = 20;

/// The entry point of child processes: does nothing in an ordinary run (the variable is
/// unset); in a child it opens the file (maybe creating it, as the others do at the same
/// moment) and appends `PER_CHILD` events to one account, each after a fresh load.
#[test]
fn child_writer() {
    let Ok(path) = std::env::var(CHILD) else {
        return;
    };
    let store = SqliteStore::open(path).unwrap();
    let id = account(5000);
    for _ in 0..PER_CHILD {
        loop {
            let version = store
                .load(id)
                .unwrap()
                .map_or(Version::INITIAL, |l| l.version());
            let event = sample_events(1)
                .into_iter()
                .map(fresh_id)
                .collect::<Vec<_>>();
            match store.append(Write::new(id, version, &event)) {
                Ok(v) => {
                    println!("committed {}", v.get());
                    break;
                }
                Err(partnerkit::store::StoreError::Conflict { .. }) => continue,
                Err(e) => panic!("append failed: {e}"),
            }
        }
    }
}

#[test]
fn eight_processes_create_and_write_one_file_without_a_locked_error() {
    // rule: X-3 (no update is lost); issue 12 item 10: `database is locked` must wait
    let dir = TempDir::new("processes");
    let children: Vec<_> = (0..8)
        .map(|_| {
            std::process::Command::new(std::env::current_exe().unwrap())
                .args(["--exact", "child_writer", "--nocapture", "--test-threads=1"])
                .env(CHILD, dir.file())
                .stdout(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut committed = Vec::new();
    for child in children {
        let output = child.wait_with_output().unwrap();
        assert!(
            output.status.success(),
            "a writer failed: {}",
            output.status
        );
        let mut last = 0;
        for line in String::from_utf8(output.stdout).unwrap().lines() {
            if let Some((_, v)) = line.split_once("committed ") {
                let v: u64 = v.trim().parse().unwrap();
                assert!(v > last, "a writer's versions strictly increase");
                last = v;
                committed.push(v);
            }
        }
    }
    committed.sort_unstable();
    let total = 8 * PER_CHILD as u64;
    assert_eq!(committed, (1..=total).collect::<Vec<_>>());
    let store = SqliteStore::open(dir.file()).unwrap();
    let id = account(5000);
    let history = store.events(id, Version::INITIAL).unwrap();
    assert_eq!(history.len() as u64, total);
    assert_eq!(
        store.load(id).unwrap().unwrap().fold(),
        (fold(&history), Version::new(total))
    );
}
