//! A SQLite-backed [`AccountStore`] for [`partnerkit`]: each
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
//! Three tables (schema version 4, kept in SQLite's `user_version`):
//!
//! - `accounts(id, version)`: one row per account, its version (the number of events) — the
//!   one cheap read behind [`AccountStore::version`];
//! - `events(account_id, seq, at, actor, event, v, id, pv, chain)`: the append-only log, `seq`
//!   counting from 1, `v` the event's envelope format, `id` its event id (none for format 1),
//!   `pv` its payload format and `chain` its link in the account's event chain;
//! - `snapshots(account_id, version, format, data)`: the latest snapshot per account, if any.
//!
//! What goes in the columns, and every check on the way back, is
//! [`partnerkit::codec`]: this crate keeps SQL and connection handling only.
//! [`AccountStore::append`] runs in one `IMMEDIATE` transaction: it reads the stored version,
//! refuses with [`StoreError::Conflict`] unless it is the expected one, and otherwise inserts
//! the new events, bumps the version and (if one is given) replaces the snapshot. A command
//! therefore writes its few events, not the whole state: the file grows with the events
//! written, plus one state per snapshot the caller asks for.
//!
//! Every value is checked to read back before it is written, so a value that could not be
//! loaded again is refused on the write instead of bricking the account.
//!
//! # What it refuses
//!
//! Reads check what they read (rule X-9): a missing event (a gap in `seq`, or fewer events
//! than the version says), rows out of order or from another account (the chain), a repeated
//! event id, a row that does not decode or is in a format this release does not know, a
//! snapshot of another account or version, or a negative or impossible version is an
//! [`Error::Rows`] naming the account and the row — never a silently different history. A
//! snapshot in an older format, or that does not decode, is not an error: the account is
//! folded from its events and the service stores a fresh snapshot with its next write.
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
//! lost (version 1's state becomes the account's snapshot, in the format before formats were
//! named, so it is rebuilt from the events on the first load; version 2's events, written
//! before event ids, stay envelope format 1 without an id; version 4 chains every stored
//! event, in order, and names every snapshot's format). A newer schema is refused.
//!
//! The store passes partnerkit's conformance kit (`partnerkit::testing::conformance`).

use std::path::Path;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use partnerkit::codec::{self, Append, LoadPlan};
use partnerkit::core::{AccountId, Version};
use partnerkit::store::{AccountStore, Loaded, Recorded, StoreError, Write};
use rusqlite::{Connection, OpenFlags, TransactionBehavior};

/// The SQLite bindings this crate uses, for [`SqliteStore::with_connection`].
pub use rusqlite;

mod migrate;
mod read;
mod sql;
mod write;

pub use migrate::SCHEMA_VERSION;
use migrate::{migrate, user_version};
use read::{read_events, read_rows, read_snapshot, stored_version};
use write::insert;

/// What can go wrong in the SQLite store.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// SQLite refused an operation (file missing, disk full, locked for longer than the busy
    /// timeout, read-only file, …).
    #[error("SQLite failed: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// Stored rows cannot be trusted (rule X-9: a missing, reordered, repeated or moved row,
    /// a snapshot of another account or version, a format this release does not know, an
    /// impossible version), or a value would not read back and was not written: the codec's
    /// error, naming the account and the row. Its [`code`](partnerkit::codec::Error::code)
    /// (`corrupt`, `unstorable`) is this error's code.
    #[error(transparent)]
    Rows(#[from] codec::Error),
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
            Error::Rows(e) => e.code(),
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

/// The codec's `Corrupt` error for what this crate itself finds wrong in the file.
pub(crate) fn corrupt(what: String) -> Error {
    Error::Rows(codec::Error::Corrupt { what })
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
        let mut plan = LoadPlan::new(account, version, read_snapshot(&tx, &id)?)?;
        read_rows(&tx, &id, plan.first_seq(), |row| plan.push(row))?;
        tx.commit()?;
        Ok(Some(plan.finish()?))
    }

    fn append(&self, write: Write<'_>) -> Result<Version, StoreError<Error>> {
        let backend = |e: Error| StoreError::Backend(e);
        // Encode (and prove readable) before taking the write lock.
        let mut append = Append::new(write).map_err(|e| backend(e.into()))?;
        let (expected, new_version) = (append.expected(), append.new_version());
        let id = append.account().to_string();
        let mut conn = self.conn().map_err(backend)?;
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| backend(e.into()))?;
        let actual = Version::new(stored_version(&tx, &id).map_err(backend)?);
        if actual != expected {
            return Err(StoreError::Conflict { expected, actual });
        }
        if new_version == Version::INITIAL {
            return Ok(new_version);
        }
        insert(&tx, &id, &mut append).map_err(backend)?;
        tx.commit().map_err(|e| backend(e.into()))?;
        Ok(new_version)
    }

    fn events(&self, account: AccountId, after: Version) -> Result<Vec<Recorded>, Error> {
        let mut conn = self.conn()?;
        let tx = conn.transaction()?;
        let events = read_events(&tx, account, &account.to_string(), after.get())?;
        tx.commit()?;
        Ok(events)
    }

    fn version(&self, account: AccountId) -> Result<Version, Error> {
        let conn = self.conn()?;
        Ok(Version::new(stored_version(&conn, &account.to_string())?))
    }
}
