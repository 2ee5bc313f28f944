//! A SQLite-backed [`AccountStore`] for [partnerkit](https://docs.rs/partnerkit): each
//! account's append-only event log and its latest snapshot, in one file.
//!
//! ```
//! use partnerkit::AccountStore;
//! use partnerkit::core::{AccountId, Version};
//! use partnerkit_sqlite::SqliteStore;
//!
//! let store = SqliteStore::open_in_memory()?; // or SqliteStore::open("accounts.sqlite")?
//! let account = AccountId::from_uuid(partnerkit::core::uuid::Uuid::from_u128(1));
//! assert_eq!(store.version(account)?, Version::INITIAL);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # How it stores
//!
//! Three tables (schema version 3, kept in SQLite's `user_version`):
//!
//! - `accounts(id, version)`: one row per account, its version (the number of events) — the
//!   one cheap read behind [`AccountStore::version`];
//! - `events(account_id, seq, at, actor, event, v, id)`: the append-only log, `seq` counting
//!   from 1, `v` the event's envelope format and `id` its event id (none for format 1);
//! - `snapshots(account_id, version, state)`: the latest snapshot per account, if any.
//!
//! Actor, event and state are JSON (partnerkit's snapshot-tested public formats).
//! [`AccountStore::append`] runs in one `IMMEDIATE` transaction: it reads the stored version,
//! refuses with [`StoreError::Conflict`] unless it is the expected one, and otherwise inserts
//! the new events, bumps the version and (if one is given) replaces the snapshot. A command
//! therefore writes its few events, not the whole state: the file grows with the events
//! written, plus one state per snapshot the caller asks for.
//!
//! Every value is checked to read back from its JSON before it is written, so a value that
//! could not be loaded again is refused on the write instead of bricking the account.
//!
//! # What it refuses
//!
//! Reads check what they read: a missing event (a gap in `seq`, or fewer events than the
//! version says), a row that does not decode, or a negative or impossible version is an
//! [`Error::Corrupt`] naming the account and the row — never a silently shorter history.
//! Writes check the account's version and its last event before appending; a service loads
//! (and so checks) the snapshot and the events after it before every write. Corruption in
//! events older than the latest snapshot is found by [`AccountStore::events`] (the audit
//! trail) and by [`SqliteStore::verify`], not by every write: that would make a write's cost
//! grow with the history again.
//!
//! # Concurrency, locking and durability
//!
//! - Files use write-ahead logging (`journal_mode = WAL`, set when the file is created or
//!   migrated): readers never block the writer, and several processes may share a file.
//! - A busy timeout ([`Options::busy_timeout`], 30 s by default) makes a connection that finds
//!   the file locked by another writer **wait** for it instead of failing with `database is
//!   locked`. Writes take the write lock up front (`BEGIN IMMEDIATE`) and loads read in one
//!   read transaction, so SQLite never has to give up on a lock upgrade.
//! - `synchronous` is [`Synchronous::Full`] by default: a write acknowledged to the caller
//!   survives a process crash **and** a power loss. [`Synchronous::Normal`] (an option) is
//!   faster and still survives a crashed or killed process, but may roll back the last
//!   commits on power loss or an OS crash. The choice is the host's.
//!
//! # Opening and migrations
//!
//! [`SqliteStore::open`] reads `user_version`; when the schema is current it writes
//! **nothing**, so it works while another connection holds the write lock, on a file opened
//! read-only ([`SqliteStore::open_read_only`]), and when many processes open one file at once.
//! An older schema (a file written by an earlier partnerkit-sqlite: version 1 kept the whole
//! state in `accounts.state`) is migrated in one transaction, each step numbered; nothing is
//! lost (version 1's state becomes the account's snapshot; version 2's events, written before
//! event ids, stay envelope format 1 without an id). A newer schema is refused.
//!
//! The store passes partnerkit's conformance kit (`partnerkit::testing::conformance`).

use std::path::Path;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use partnerkit::AccountState;
use partnerkit::core::chrono::SecondsFormat;
use partnerkit::core::{AccountId, Version};
use partnerkit::store::{AccountStore, Loaded, Recorded, Snapshot, StoreError};
use rusqlite::{Connection, OpenFlags, OptionalExtension, TransactionBehavior, params};

/// The SQLite bindings this crate uses, for [`SqliteStore::with_connection`].
pub use rusqlite;

/// What can go wrong in the SQLite store.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// SQLite refused an operation (file missing, disk full, locked for longer than the busy
    /// timeout, read-only file, …).
    #[error("SQLite failed: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// Stored data cannot be trusted: a missing event, a row that does not decode, or an
    /// impossible version. Restore the file from a backup; do not write to the account.
    #[error("the SQLite store holds corrupt data: {what}; restore it from a backup")]
    Corrupt {
        /// What is wrong, and where.
        what: String,
    },
    /// A value to be written has no JSON form that reads back as the same value; nothing was
    /// written. Fix the code that built the value.
    #[error("refused to store {what}")]
    Unstorable {
        /// Which value, and why.
        what: String,
    },
    /// The database was written by a newer schema than this crate knows.
    #[error(
        "the database has schema version {found}; this crate knows up to {known}: upgrade partnerkit-sqlite"
    )]
    SchemaTooNew {
        /// The schema version found in the file.
        found: i64,
        /// The newest this crate knows.
        known: i64,
    },
    /// The database needs a migration, but was opened read-only.
    #[error(
        "the database has schema version {found} and needs migrating to {known}: open it once with SqliteStore::open (read-write)"
    )]
    NeedsMigration {
        /// The schema version found in the file.
        found: i64,
        /// The version this crate uses.
        known: i64,
    },
    /// A thread panicked while holding the connection.
    #[error("the SQLite connection's lock was poisoned by a panicking thread: reopen the store")]
    Poisoned,
    /// A version or sequence number does not fit SQLite's signed 64-bit integers.
    #[error("version {0} is too large for SQLite")]
    VersionOutOfRange(u64),
}

impl Error {
    /// A stable, machine-readable code per variant (e.g. `"corrupt"`), for logs and APIs.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Sqlite(_) => "sqlite",
            Error::Corrupt { .. } => "corrupt",
            Error::Unstorable { .. } => "unstorable",
            Error::SchemaTooNew { .. } => "schema_too_new",
            Error::NeedsMigration { .. } => "needs_migration",
            Error::Poisoned => "poisoned",
            Error::VersionOutOfRange(_) => "version_out_of_range",
        }
    }

    /// True if SQLite gave up waiting for another connection's lock (the busy timeout ran
    /// out): retrying later may succeed.
    pub fn is_busy(&self) -> bool {
        matches!(
            self,
            Error::Sqlite(rusqlite::Error::SqliteFailure(e, _))
                if matches!(e.code, rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
        )
    }
}

fn corrupt(what: String) -> Error {
    Error::Corrupt { what }
}

/// How durable a commit is (SQLite's `synchronous` setting, per connection).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Synchronous {
    /// `synchronous = FULL` (the default): a commit is on disk before `append` returns; it
    /// survives a power loss.
    #[default]
    Full,
    /// `synchronous = NORMAL`: with write-ahead logging, a commit survives a crashed or
    /// killed process, but the last commits may roll back on power loss or an OS crash.
    Normal,
}

/// How [`SqliteStore::open_with`] configures its connection.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Options {
    /// How long to wait for another connection's lock before failing with `database is
    /// locked` (30 s by default).
    pub busy_timeout: Duration,
    /// The durability of a commit ([`Synchronous::Full`] by default).
    pub synchronous: Synchronous,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            busy_timeout: Duration::from_secs(30),
            synchronous: Synchronous::Full,
        }
    }
}

impl Options {
    /// These options with another busy timeout.
    pub fn busy_timeout(mut self, timeout: Duration) -> Self {
        self.busy_timeout = timeout;
        self
    }

    /// These options with another durability.
    pub fn synchronous(mut self, synchronous: Synchronous) -> Self {
        self.synchronous = synchronous;
        self
    }
}

/// The schema version this crate writes.
pub const SCHEMA_VERSION: i64 = 3;

/// The migrations, in order: migration `n` brings `user_version` from `n - 1` to `n`.
const MIGRATIONS: [&str; 3] = [
    // 1: accounts with their whole state, and the event log.
    "CREATE TABLE IF NOT EXISTS accounts (
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
    ) WITHOUT ROWID;",
    // 2: event-only writes: the state moves to a snapshot, accounts keep only the version.
    "CREATE TABLE snapshots (
        account_id TEXT PRIMARY KEY,
        version    INTEGER NOT NULL,
        state      TEXT NOT NULL
    );
    INSERT INTO snapshots (account_id, version, state) SELECT id, version, state FROM accounts;
    CREATE TABLE accounts_v2 (
        id      TEXT PRIMARY KEY,
        version INTEGER NOT NULL
    );
    INSERT INTO accounts_v2 (id, version) SELECT id, version FROM accounts;
    DROP TABLE accounts;
    ALTER TABLE accounts_v2 RENAME TO accounts;",
    // 3: every event's envelope format and id; the events before are format 1, without ids.
    "ALTER TABLE events ADD COLUMN v INTEGER NOT NULL DEFAULT 1;
    ALTER TABLE events ADD COLUMN id TEXT;",
];

/// An [`AccountStore`] over one SQLite connection.
///
/// The connection sits behind a mutex, so the store can be shared between threads (in an
/// `Arc`); writes are serialised by SQLite's own locking as well, so several processes may
/// open the same file.
#[derive(Debug)]
pub struct SqliteStore {
    conn: Mutex<Connection>,
}

impl SqliteStore {
    /// Opens (creating if needed) the database file at `path` with the default [`Options`],
    /// migrating an older schema. Writes nothing if the schema is current.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, Error> {
        Self::open_with(path, &Options::default())
    }

    /// [`open`](Self::open) with the host's [`Options`].
    pub fn open_with(path: impl AsRef<Path>, options: &Options) -> Result<Self, Error> {
        let conn = Connection::open(path)?;
        configure(&conn, options)?;
        migrate(&conn, true)?;
        Ok(Self::wrap(conn))
    }

    /// Opens an existing file for reading only. Appends fail; the schema must be current.
    pub fn open_read_only(path: impl AsRef<Path>) -> Result<Self, Error> {
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY
                | OpenFlags::SQLITE_OPEN_NO_MUTEX
                | OpenFlags::SQLITE_OPEN_URI,
        )?;
        conn.busy_timeout(Options::default().busy_timeout)?;
        let found = user_version(&conn)?;
        if found != SCHEMA_VERSION {
            return Err(if found > SCHEMA_VERSION {
                Error::SchemaTooNew {
                    found,
                    known: SCHEMA_VERSION,
                }
            } else {
                Error::NeedsMigration {
                    found,
                    known: SCHEMA_VERSION,
                }
            });
        }
        Ok(Self::wrap(conn))
    }

    /// A private database in memory, gone when the store is dropped.
    pub fn open_in_memory() -> Result<Self, Error> {
        let conn = Connection::open_in_memory()?;
        migrate(&conn, false)?;
        Ok(Self::wrap(conn))
    }

    /// Uses an already opened and configured connection (its busy timeout and `synchronous`
    /// are left as they are), migrating an older schema.
    pub fn with_connection(conn: Connection) -> Result<Self, Error> {
        migrate(&conn, false)?;
        Ok(Self::wrap(conn))
    }

    fn wrap(conn: Connection) -> Self {
        SqliteStore {
            conn: Mutex::new(conn),
        }
    }

    fn conn(&self) -> Result<MutexGuard<'_, Connection>, Error> {
        self.conn.lock().map_err(|_| Error::Poisoned)
    }

    /// Checks an account's whole stored history: every event present and decodable, and the
    /// latest snapshot equal to the fold of the events it covers. Reads the whole history:
    /// for audits and repairs, not for every request.
    pub fn verify(&self, account: AccountId) -> Result<(), Error> {
        let (history, snapshot) = {
            let mut conn = self.conn()?;
            let tx = conn.transaction()?;
            let id = account.to_string();
            let version = stored_version(&tx, &id)?;
            let history = read_events(&tx, account, &id, 0, version)?;
            let snapshot = read_snapshot(&tx, account, &id, version)?;
            tx.commit()?;
            (history, snapshot)
        };
        if let Some(snapshot) = snapshot {
            let covered = usize::try_from(snapshot.version.get()).unwrap_or(usize::MAX);
            let folded = AccountState::fold(history.iter().take(covered).map(|e| &e.event));
            if folded != snapshot.state {
                return Err(corrupt(format!(
                    "account {account}: its snapshot at {} differs from the fold of its first {covered} events",
                    snapshot.version
                )));
            }
        }
        Ok(())
    }
}

fn configure(conn: &Connection, options: &Options) -> Result<(), Error> {
    // Set first, so that everything after it waits for locks instead of failing.
    conn.busy_timeout(options.busy_timeout)?;
    let level = match options.synchronous {
        Synchronous::Full => "FULL",
        Synchronous::Normal => "NORMAL",
    };
    // A per-connection setting: it writes nothing to the file.
    conn.pragma_update(None, "synchronous", level)?;
    Ok(())
}

fn user_version(conn: &Connection) -> Result<i64, Error> {
    Ok(conn.pragma_query_value(None, "user_version", |r| r.get(0))?)
}

/// Brings the schema to [`SCHEMA_VERSION`]; writes nothing when it already is.
fn migrate(conn: &Connection, file: bool) -> Result<(), Error> {
    let found = user_version(conn)?;
    if found == SCHEMA_VERSION {
        return Ok(());
    }
    if found > SCHEMA_VERSION {
        return Err(Error::SchemaTooNew {
            found,
            known: SCHEMA_VERSION,
        });
    }
    if file {
        // Needs no transaction, and is a no-op if another creator set it first. A file system
        // that cannot do WAL keeps the rollback journal, which works too (readers then block
        // the writer briefly), so the mode SQLite answers with is not an error.
        //
        // SQLite answers a journal-mode change that races another creator with SQLITE_BUSY at
        // once, without calling the busy handler (waiting could deadlock), so it is retried
        // here for up to the busy timeout's order of magnitude.
        let mut tries = 0;
        loop {
            match conn
                .pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get::<_, String>(0))
            {
                Ok(_mode) => break,
                Err(rusqlite::Error::SqliteFailure(e, _))
                    if tries < 500
                        && matches!(
                            e.code,
                            rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked
                        ) =>
                {
                    tries += 1;
                    std::thread::sleep(std::time::Duration::from_millis(10));
                }
                Err(e) => return Err(e.into()),
            }
        }
    }
    // Take the write lock, then look again: another process may have migrated meanwhile.
    conn.execute_batch("BEGIN IMMEDIATE")?;
    let result = (|| {
        let found = user_version(conn)?;
        if found > SCHEMA_VERSION {
            return Err(Error::SchemaTooNew {
                found,
                known: SCHEMA_VERSION,
            });
        }
        if found < 0 {
            return Err(corrupt(format!("the schema version is {found}")));
        }
        for (n, sql) in (1_i64..).zip(MIGRATIONS.iter()) {
            if n > found {
                conn.execute_batch(sql)?;
                conn.pragma_update(None, "user_version", n)?;
            }
        }
        Ok(())
    })();
    match result {
        Ok(()) => Ok(conn.execute_batch("COMMIT")?),
        Err(e) => {
            conn.execute_batch("ROLLBACK").ok();
            Err(e)
        }
    }
}

fn to_i64(v: u64) -> Result<i64, Error> {
    i64::try_from(v).map_err(|_| Error::VersionOutOfRange(v))
}

fn checked_version(v: i64, what: impl FnOnce() -> String) -> Result<u64, Error> {
    u64::try_from(v).map_err(|_| corrupt(format!("{} is {v}, a negative version", what())))
}

fn stored_version(conn: &Connection, id: &str) -> Result<u64, Error> {
    let v: Option<i64> = conn
        .prepare_cached("SELECT version FROM accounts WHERE id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?;
    match v {
        Some(v) => checked_version(v, || format!("the stored version of account {id}")),
        None => Ok(0),
    }
}

fn read_snapshot(
    conn: &Connection,
    account: AccountId,
    id: &str,
    version: u64,
) -> Result<Option<Snapshot>, Error> {
    let row: Option<(i64, String)> = conn
        .prepare_cached("SELECT version, state FROM snapshots WHERE account_id = ?1")?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let Some((at, state)) = row else {
        return Ok(None);
    };
    let at = checked_version(at, || format!("the snapshot version of account {account}"))?;
    if at > version {
        return Err(corrupt(format!(
            "account {account}: its snapshot is at v{at} but the account is at v{version}"
        )));
    }
    let state = serde_json::from_str(&state).map_err(|e| {
        corrupt(format!(
            "account {account}: its snapshot at v{at} does not decode: {e}"
        ))
    })?;
    Ok(Some(Snapshot {
        state,
        version: Version::new(at),
    }))
}

/// The events `after + 1 ..= version`, refusing any gap, extra or undecodable row.
fn read_events(
    conn: &Connection,
    account: AccountId,
    id: &str,
    after: u64,
    version: u64,
) -> Result<Vec<Recorded>, Error> {
    let mut out = Vec::new();
    if after >= version {
        return Ok(out);
    }
    let mut stmt = conn.prepare_cached(
        "SELECT seq, at, actor, event, v, id FROM events WHERE account_id = ?1 AND seq > ?2 ORDER BY seq",
    )?;
    let mut rows = stmt.query(params![id, to_i64(after)?])?;
    let mut next = after.saturating_add(1);
    while let Some(row) = rows.next()? {
        let seq = checked_version(row.get(0)?, || {
            format!("an event sequence number of account {account}")
        })?;
        if let Some(problem) = partnerkit::store::sequence_problem(account, seq, next, version) {
            return Err(corrupt(problem));
        }
        let bad = |part: &str, e: serde_json::Error| {
            corrupt(format!(
                "account {account}: event {seq}'s {part} does not decode: {e}"
            ))
        };
        let at: String = row.get(1)?;
        let actor: String = row.get(2)?;
        let event: String = row.get(3)?;
        let v: i64 = row.get(4)?;
        let event_id: Option<String> = row.get(5)?;
        let recorded = Recorded {
            v: u16::try_from(v).map_err(|_| {
                corrupt(format!(
                    "account {account}: event {seq}'s envelope format {v} is not a format"
                ))
            })?,
            id: event_id
                .map(|i| serde_json::from_value(serde_json::Value::String(i)))
                .transpose()
                .map_err(|e| bad("id", e))?,
            at: serde_json::from_value(serde_json::Value::String(at))
                .map_err(|e| bad("time", e))?,
            actor: serde_json::from_str(&actor).map_err(|e| bad("actor", e))?,
            event: serde_json::from_str(&event).map_err(|e| bad("payload", e))?,
        };
        if let Some(problem) = recorded.format_problem() {
            return Err(corrupt(format!(
                "account {account}: event {seq}: {problem}"
            )));
        }
        out.push(recorded);
        next = next.saturating_add(1);
    }
    if next <= version {
        return Err(corrupt(format!(
            "account {account}: event {next} is missing (the account is at v{version})"
        )));
    }
    Ok(out)
}

/// One event's columns, checked to read back as the same event.
struct EncodedEvent {
    v: u16,
    id: Option<String>,
    at: String,
    actor: String,
    event: String,
}

fn encode_event(e: &Recorded, n: usize) -> Result<EncodedEvent, Error> {
    let unstorable = |why: String| Error::Unstorable {
        what: format!("event {n} of this append: {why}"),
    };
    if let Some(problem) = e.format_problem() {
        return Err(unstorable(problem));
    }
    let encoded = EncodedEvent {
        v: e.v,
        id: e.id.map(|i| i.to_string()),
        at: e.at.to_rfc3339_opts(SecondsFormat::AutoSi, true),
        actor: serde_json::to_string(&e.actor)
            .map_err(|err| unstorable(format!("its actor has no JSON form: {err}")))?,
        event: serde_json::to_string(&e.event)
            .map_err(|err| unstorable(format!("it has no JSON form: {err}")))?,
    };
    let back = Recorded {
        v: encoded.v,
        id: encoded
            .id
            .as_ref()
            .map(|i| serde_json::from_value(serde_json::Value::String(i.clone())))
            .transpose()
            .map_err(|err| unstorable(format!("its id would not read back: {err}")))?,
        at: serde_json::from_value(serde_json::Value::String(encoded.at.clone()))
            .map_err(|err| unstorable(format!("its time would not read back: {err}")))?,
        actor: serde_json::from_str(&encoded.actor)
            .map_err(|err| unstorable(format!("its actor would not read back: {err}")))?,
        event: serde_json::from_str(&encoded.event)
            .map_err(|err| unstorable(format!("its JSON would not read back: {err}")))?,
    };
    if &back != e {
        return Err(unstorable(
            "its JSON reads back as a different event".into(),
        ));
    }
    Ok(encoded)
}

fn encode_state(state: &AccountState) -> Result<String, Error> {
    partnerkit::store::snapshot_json(state).map_err(|why| Error::Unstorable {
        what: format!("the snapshot: {why}"),
    })
}

impl AccountStore for SqliteStore {
    type Error = Error;

    fn load(&self, account: AccountId) -> Result<Option<Loaded>, Error> {
        let mut conn = self.conn()?;
        // One read transaction: the snapshot and the events are of one moment.
        let tx = conn.transaction()?;
        let id = account.to_string();
        let version = stored_version(&tx, &id)?;
        if version == 0 {
            return Ok(None);
        }
        let snapshot = read_snapshot(&tx, account, &id, version)?;
        let after = snapshot.as_ref().map_or(0, |s| s.version.get());
        let events = read_events(&tx, account, &id, after, version)?;
        tx.commit()?;
        Ok(Some(Loaded { snapshot, events }))
    }

    fn append(
        &self,
        account: AccountId,
        expected: Version,
        events: &[Recorded],
        snapshot: Option<&AccountState>,
    ) -> Result<Version, StoreError<Error>> {
        let backend = StoreError::Backend;
        let sql = |e: rusqlite::Error| StoreError::Backend(Error::Sqlite(e));
        // Encode (and prove readable) before taking the write lock.
        let encoded = events
            .iter()
            .enumerate()
            .map(|(i, e)| encode_event(e, i + 1))
            .collect::<Result<Vec<_>, _>>()
            .map_err(backend)?;
        let snapshot = snapshot.map(encode_state).transpose().map_err(backend)?;
        let n = u64::try_from(events.len()).unwrap_or(u64::MAX);
        let new_version = expected.after(n);
        let id = account.to_string();

        let mut conn = self.conn().map_err(backend)?;
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(sql)?;
        let actual = Version::new(stored_version(&tx, &id).map_err(backend)?);
        if actual != expected {
            return Err(StoreError::Conflict { expected, actual });
        }
        if new_version == Version::INITIAL {
            return Ok(new_version);
        }
        if expected != Version::INITIAL {
            // The tail of the log must be where the version says.
            let last: Option<i64> = tx
                .prepare_cached("SELECT MAX(seq) FROM events WHERE account_id = ?1")
                .map_err(sql)?
                .query_row([&id], |r| r.get(0))
                .map_err(sql)?;
            if last != Some(to_i64(expected.get()).map_err(backend)?) {
                return Err(backend(corrupt(format!(
                    "account {account}: it is at {expected} but its last stored event is {}",
                    last.map_or_else(|| "none".to_string(), |l| l.to_string())
                ))));
            }
        }
        tx.prepare_cached(
            "INSERT INTO accounts (id, version) VALUES (?1, ?2)
             ON CONFLICT (id) DO UPDATE SET version = excluded.version",
        )
        .map_err(sql)?
        .execute(params![id, to_i64(new_version.get()).map_err(backend)?])
        .map_err(sql)?;
        {
            let mut insert = tx
                .prepare_cached(
                    "INSERT INTO events (account_id, seq, at, actor, event, v, id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                )
                .map_err(sql)?;
            let mut seq = expected.get();
            for e in &encoded {
                seq = seq.saturating_add(1);
                insert
                    .execute(params![
                        id,
                        to_i64(seq).map_err(backend)?,
                        e.at,
                        e.actor,
                        e.event,
                        e.v,
                        e.id
                    ])
                    .map_err(sql)?;
            }
        }
        if let Some(state) = snapshot {
            tx.prepare_cached(
                "INSERT INTO snapshots (account_id, version, state) VALUES (?1, ?2, ?3)
                 ON CONFLICT (account_id) DO UPDATE SET version = excluded.version, state = excluded.state",
            )
            .map_err(sql)?
            .execute(params![id, to_i64(new_version.get()).map_err(backend)?, state])
            .map_err(sql)?;
        }
        tx.commit().map_err(sql)?;
        Ok(new_version)
    }

    fn events(&self, account: AccountId, after: Version) -> Result<Vec<Recorded>, Error> {
        let mut conn = self.conn()?;
        let tx = conn.transaction()?;
        let id = account.to_string();
        let version = stored_version(&tx, &id)?;
        let events = read_events(&tx, account, &id, after.get(), version)?;
        tx.commit()?;
        Ok(events)
    }

    fn version(&self, account: AccountId) -> Result<Version, Error> {
        let conn = self.conn()?;
        Ok(Version::new(stored_version(&conn, &account.to_string())?))
    }
}
