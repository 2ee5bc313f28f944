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

use partnerkit::AccountState;
use partnerkit::codec::{self, Append, Chain, EventRow, LoadPlan, Reader, SnapshotRow};
use partnerkit::core::{AccountId, Version};
use partnerkit::store::{AccountStore, Loaded, Recorded, StoreError};
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

fn corrupt(what: String) -> Error {
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

/// The schema version this crate writes.
pub const SCHEMA_VERSION: i64 = 4;

/// The migrations, in order: migration `n` brings `user_version` from `n - 1` to `n`. After
/// migration 4's SQL, [`chain_all`] links every stored event.
const MIGRATIONS: [&str; 4] = [
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
    // 4: every event's payload format and chain link (filled in by `chain_all`); snapshots
    // name their format, and the JSON states written before are format 1.
    "ALTER TABLE events ADD COLUMN pv INTEGER NOT NULL DEFAULT 1;
    ALTER TABLE events ADD COLUMN chain TEXT NOT NULL DEFAULT '';
    CREATE TABLE snapshots_v4 (
        account_id TEXT PRIMARY KEY,
        version    INTEGER NOT NULL,
        format     INTEGER NOT NULL,
        data       BLOB NOT NULL
    );
    INSERT INTO snapshots_v4 (account_id, version, format, data)
        SELECT account_id, version, 1, CAST(state AS BLOB) FROM snapshots;
    DROP TABLE snapshots;
    ALTER TABLE snapshots_v4 RENAME TO snapshots;
    CREATE UNIQUE INDEX events_ids ON events (account_id, id) WHERE id IS NOT NULL;",
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
                if n == 4 {
                    chain_all(conn)?;
                }
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

fn stored_version(conn: &Connection, id: &str) -> Result<u64, Error> {
    let v: Option<i64> = conn
        .prepare_cached("SELECT version FROM accounts WHERE id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?;
    match v {
        Some(v) => Ok(codec::stored_number(v, || {
            format!("the stored version of account {id}")
        })?),
        None => Ok(0),
    }
}

fn read_snapshot(conn: &Connection, id: &str) -> Result<Option<SnapshotRow>, Error> {
    let row: Option<(i64, i64, Vec<u8>)> = conn
        .prepare_cached("SELECT version, format, data FROM snapshots WHERE account_id = ?1")?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    row.map(|(version, format, data)| {
        Ok(SnapshotRow {
            version: codec::stored_number(version, || {
                format!("the snapshot version of account {id}")
            })?,
            format: u16::try_from(format).unwrap_or(u16::MAX),
            data,
        })
    })
    .transpose()
}

const EVENT_COLUMNS: &str = "seq, v, pv, id, at, actor, event, chain";

fn event_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(i64, i64, i64, EventRow)> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        EventRow {
            seq: 0,
            envelope: 0,
            payload: 0,
            id: r.get(3)?,
            at: r.get(4)?,
            actor: r.get(5)?,
            event: r.get(6)?,
            chain: r.get(7)?,
        },
    ))
}

/// The event rows with `seq >= first`, in order, each handed to `push` as it is read.
fn read_rows(
    conn: &Connection,
    id: &str,
    first: u64,
    mut push: impl FnMut(EventRow) -> Result<(), codec::Error>,
) -> Result<(), Error> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {EVENT_COLUMNS} FROM events WHERE account_id = ?1 AND seq >= ?2 ORDER BY seq"
    ))?;
    let mut rows = stmt.query(params![id, to_i64(first)?])?;
    while let Some(row) = rows.next()? {
        let (seq, v, pv, row) = event_row(row)?;
        let seq = codec::stored_number(seq, || format!("an event row number of account {id}"))?;
        // A format out of range reads as one no release wrote, and the codec names it.
        let format = |f: i64| u16::try_from(f).unwrap_or(u16::MAX);
        push(EventRow {
            seq,
            envelope: format(v),
            payload: format(pv),
            ..row
        })?;
    }
    Ok(())
}

/// The events after `after`, checked by the codec.
fn read_events(
    conn: &Connection,
    account: AccountId,
    id: &str,
    after: u64,
) -> Result<Vec<Recorded>, Error> {
    let version = stored_version(conn, id)?;
    let mut reader = Reader::after(account, version, after);
    read_rows(conn, id, reader.first_seq(), |row| reader.push(row))?;
    Ok(reader.finish()?)
}

/// Migration 4's data step: links every stored event of every account, in order.
fn chain_all(conn: &Connection) -> Result<(), Error> {
    let accounts: Vec<String> = conn
        .prepare("SELECT DISTINCT account_id FROM events")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let mut update =
        conn.prepare("UPDATE events SET chain = ?3 WHERE account_id = ?1 AND seq = ?2")?;
    for id in accounts {
        let account: AccountId = id
            .parse::<partnerkit::core::uuid::Uuid>()
            .map(AccountId::from_uuid)
            .map_err(|e| corrupt(format!("the account id {id:?} is not a UUID: {e}")))?;
        let mut links = Vec::new();
        let mut chain = Chain::start(account);
        read_rows(conn, &id, 0, |row| {
            chain = chain.next(&row);
            links.push((row.seq, chain.to_hex()));
            Ok(())
        })?;
        for (seq, link) in links {
            update.execute(params![id, to_i64(seq)?, link])?;
        }
    }
    Ok(())
}

impl SqliteStore {
    /// Checks an account's whole stored history: every event present, in order and
    /// decodable, and the latest snapshot (if usable) equal to the fold of the events it
    /// covers. Reads the whole history: for audits and repairs, not for every request.
    pub fn verify(&self, account: AccountId) -> Result<(), Error> {
        let mut conn = self.conn()?;
        let tx = conn.transaction()?;
        let id = account.to_string();
        let version = stored_version(&tx, &id)?;
        let mut rows = Vec::new();
        read_rows(&tx, &id, 0, |row| {
            rows.push(row);
            Ok(())
        })?;
        let mut plan = LoadPlan::new(account, version, read_snapshot(&tx, &id)?)?;
        tx.commit()?;
        drop(conn);
        let mut whole = Reader::whole(account, version);
        for row in &rows {
            whole.push(row.clone())?;
            if row.seq >= plan.first_seq() {
                plan.push(row.clone())?;
            }
        }
        let history = whole.finish()?;
        if let Some(snapshot) = plan.finish()?.snapshot {
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

    fn append(
        &self,
        account: AccountId,
        expected: Version,
        events: &[Recorded],
        snapshot: Option<&AccountState>,
    ) -> Result<Version, StoreError<Error>> {
        let backend = |e: Error| StoreError::Backend(e);
        // Encode (and prove readable) before taking the write lock.
        let mut append = Append::new(expected, events, snapshot).map_err(|e| backend(e.into()))?;
        let new_version = append.new_version();
        let id = account.to_string();
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
        write(&tx, account, &id, &mut append).map_err(backend)?;
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

/// The write of an append whose version was checked: seals its rows to the stored chain and
/// inserts them, the version and the snapshot.
fn write(tx: &Connection, account: AccountId, id: &str, append: &mut Append) -> Result<(), Error> {
    let last: Option<(i64, String)> = tx
        .prepare_cached(
            "SELECT seq, chain FROM events WHERE account_id = ?1 ORDER BY seq DESC LIMIT 1",
        )?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let last = last
        .map(|(seq, chain)| {
            Ok::<_, Error>((
                codec::stored_number(seq, || format!("the last event row of account {id}"))?,
                chain,
            ))
        })
        .transpose()?;
    let snapshot = append.seal(account, last.as_ref().map(|(s, c)| (*s, c.as_str())))?;
    tx.prepare_cached(
        "INSERT INTO accounts (id, version) VALUES (?1, ?2)
         ON CONFLICT (id) DO UPDATE SET version = excluded.version",
    )?
    .execute(params![id, to_i64(append.new_version().get())?])?;
    let mut insert = tx.prepare_cached(&format!(
        "INSERT INTO events (account_id, {EVENT_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
    ))?;
    for e in append.rows() {
        insert
            .execute(params![
                id,
                to_i64(e.seq)?,
                e.envelope,
                e.payload,
                e.id,
                e.at,
                e.actor,
                e.event,
                e.chain
            ])
            .map_err(|err| match (&err, &e.id) {
                // Only the id index can fail here: `seq` follows the version just checked.
                (rusqlite::Error::SqliteFailure(f, _), Some(taken))
                    if f.code == rusqlite::ErrorCode::ConstraintViolation =>
                {
                    Error::Rows(codec::repeated_id(taken))
                }
                _ => err.into(),
            })?;
    }
    if let Some(row) = snapshot {
        tx.prepare_cached(
            "INSERT INTO snapshots (account_id, version, format, data) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (account_id) DO UPDATE SET version = excluded.version,
               format = excluded.format, data = excluded.data",
        )?
        .execute(params![id, to_i64(row.version)?, row.format, row.data])?;
    }
    Ok(())
}
