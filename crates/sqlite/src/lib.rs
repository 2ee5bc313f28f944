//! A SQLite-backed [`AccountStore`] for [partnerkit](https://docs.rs/partnerkit): each
//! account's latest state and its append-only event log, in one file.
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
//! Two tables: `accounts(id, version, state)` and `events(account_id, seq, at, actor, event)`,
//! with state, actor and event as JSON (their serde forms are partnerkit's snapshot-tested
//! public formats). [`AccountStore::append`] runs in one `IMMEDIATE` transaction: it reads the
//! stored version, refuses with [`StoreError::Conflict`] if it is not the expected one, and
//! otherwise writes the state and the events together. Files use write-ahead logging, so
//! readers never block the writer.
//!
//! The store passes partnerkit's conformance kit (`partnerkit::testing::conformance`), and
//! is the store the quickstart example writes to.

use std::path::Path;
use std::sync::{Mutex, MutexGuard};

use partnerkit::AccountState;
use partnerkit::core::{AccountId, Version};
use partnerkit::store::{AccountStore, Recorded, Snapshot, StoreError};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

/// What can go wrong in the SQLite store.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// SQLite refused an operation (file missing, disk full, locked for too long, …).
    #[error("SQLite failed: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// A stored row could not be read back: it was written by an incompatible version or
    /// edited by hand.
    #[error("a stored value could not be read as partnerkit JSON: {0}")]
    Json(#[from] serde_json::Error),
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
    /// A thread panicked while holding the connection.
    #[error("the SQLite connection's lock was poisoned by a panicking thread: reopen the store")]
    Poisoned,
    /// A version or sequence number does not fit SQLite's signed 64-bit integers.
    #[error("version {0} is too large for SQLite")]
    VersionOutOfRange(u64),
}

const SCHEMA_VERSION: i64 = 1;

const SCHEMA: &str = "
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
";

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
    /// Opens (creating if needed) the database file at `path` and brings its schema up to date.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, Error> {
        let conn = Connection::open(path)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        Self::with_connection(conn)
    }

    /// A private database in memory, gone when the store is dropped.
    pub fn open_in_memory() -> Result<Self, Error> {
        Self::with_connection(Connection::open_in_memory()?)
    }

    /// Uses an already opened connection and brings its schema up to date.
    pub fn with_connection(conn: Connection) -> Result<Self, Error> {
        let found: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        if found > SCHEMA_VERSION {
            return Err(Error::SchemaTooNew {
                found,
                known: SCHEMA_VERSION,
            });
        }
        conn.execute_batch(SCHEMA)?;
        conn.pragma_update(None, "user_version", SCHEMA_VERSION)?;
        Ok(SqliteStore {
            conn: Mutex::new(conn),
        })
    }

    fn conn(&self) -> Result<MutexGuard<'_, Connection>, Error> {
        self.conn.lock().map_err(|_| Error::Poisoned)
    }
}

fn to_i64(v: u64) -> Result<i64, Error> {
    i64::try_from(v).map_err(|_| Error::VersionOutOfRange(v))
}

fn to_version(v: i64) -> Version {
    Version::new(u64::try_from(v).unwrap_or(0))
}

fn stored_version(conn: &Connection, id: &str) -> Result<Version, Error> {
    let v: Option<i64> = conn
        .query_row("SELECT version FROM accounts WHERE id = ?1", [id], |r| {
            r.get(0)
        })
        .optional()?;
    Ok(v.map_or(Version::INITIAL, to_version))
}

impl AccountStore for SqliteStore {
    type Error = Error;

    fn load(&self, account: AccountId) -> Result<Option<Snapshot>, Error> {
        let conn = self.conn()?;
        let row: Option<(i64, String)> = conn
            .query_row(
                "SELECT version, state FROM accounts WHERE id = ?1",
                [account.to_string()],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        row.map(|(version, state)| {
            Ok(Snapshot {
                state: serde_json::from_str(&state)?,
                version: to_version(version),
            })
        })
        .transpose()
    }

    fn append(
        &self,
        account: AccountId,
        expected: Version,
        state: &AccountState,
        events: &[Recorded],
    ) -> Result<Version, StoreError<Error>> {
        let backend = |e: Error| StoreError::Backend(e);
        let sql = |e: rusqlite::Error| StoreError::Backend(Error::Sqlite(e));
        let json = |e: serde_json::Error| StoreError::Backend(Error::Json(e));
        let id = account.to_string();
        let state_json = serde_json::to_string(state).map_err(json)?;
        let mut conn = self.conn().map_err(backend)?;
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(sql)?;
        let actual = stored_version(&tx, &id).map_err(backend)?;
        if actual != expected {
            return Err(StoreError::Conflict { expected, actual });
        }
        let n = u64::try_from(events.len()).unwrap_or(u64::MAX);
        let new_version = expected.after(n);
        tx.execute(
            "INSERT INTO accounts (id, version, state) VALUES (?1, ?2, ?3)
             ON CONFLICT (id) DO UPDATE SET version = excluded.version, state = excluded.state",
            params![id, to_i64(new_version.get()).map_err(backend)?, state_json],
        )
        .map_err(sql)?;
        {
            let mut insert = tx
                .prepare_cached(
                    "INSERT INTO events (account_id, seq, at, actor, event) VALUES (?1, ?2, ?3, ?4, ?5)",
                )
                .map_err(sql)?;
            for (i, e) in events.iter().enumerate() {
                let seq = expected.after(u64::try_from(i).unwrap_or(u64::MAX) + 1);
                insert
                    .execute(params![
                        id,
                        to_i64(seq.get()).map_err(backend)?,
                        e.at.to_rfc3339_opts(partnerkit::core::chrono::SecondsFormat::AutoSi, true),
                        serde_json::to_string(&e.actor).map_err(json)?,
                        serde_json::to_string(&e.event).map_err(json)?,
                    ])
                    .map_err(sql)?;
            }
        }
        tx.commit().map_err(sql)?;
        Ok(new_version)
    }

    fn events(&self, account: AccountId, after: Version) -> Result<Vec<Recorded>, Error> {
        let conn = self.conn()?;
        let mut stmt = conn.prepare_cached(
            "SELECT at, actor, event FROM events WHERE account_id = ?1 AND seq > ?2 ORDER BY seq",
        )?;
        let rows = stmt.query_map(params![account.to_string(), to_i64(after.get())?], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (at, actor, event) = row?;
            out.push(Recorded {
                at: serde_json::from_value(serde_json::Value::String(at))?,
                actor: serde_json::from_str(&actor)?,
                event: serde_json::from_str(&event)?,
            });
        }
        Ok(out)
    }

    fn version(&self, account: AccountId) -> Result<Version, Error> {
        let conn = self.conn()?;
        stored_version(&conn, &account.to_string())
    }

    fn exists(&self, account: AccountId) -> Result<bool, Error> {
        let conn = self.conn()?;
        let found: Option<i64> = conn
            .query_row(
                "SELECT 1 FROM accounts WHERE id = ?1",
                [account.to_string()],
                |r| r.get(0),
            )
            .optional()?;
        Ok(found.is_some())
    }
}
