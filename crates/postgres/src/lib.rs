//! A PostgreSQL-backed [`AsyncAccountStore`] for [`partnerkit`]:
//! each account's append-only event log and its latest snapshot, shared by as many service
//! instances as the database serves.
//!
//! ```no_run
//! use partnerkit::core::{AccountId, Version};
//! use partnerkit::store::AsyncAccountStore;
//! use partnerkit_postgres::PostgresStore;
//!
//! # async fn example() -> Result<(), partnerkit_postgres::Error> {
//! let store = PostgresStore::connect("postgres://postgres@127.0.0.1:5432/test")?;
//! store.migrate().await?; // creates or upgrades the tables; safe to run from every instance
//! let account = AccountId::from_uuid(partnerkit::core::uuid::Uuid::from_u128(1));
//! assert_eq!(store.version(account).await?, Version::INITIAL);
//! # Ok(()) }
//! ```
//!
//! Built on `tokio-postgres` with a `deadpool-postgres` pool, so it runs on a tokio runtime.
//!
//! # How it stores
//!
//! In one PostgreSQL schema (`partnerkit` by default, [`PostgresStore::with_schema`]):
//!
//! - `accounts(id uuid primary key, version bigint)`: the version, one cheap read;
//! - `events(account_id, seq, at, actor, event, v smallint, id uuid, pv smallint, chain)`,
//!   primary key `(account_id, seq)`; `v` is the event's envelope format, `id` its event id
//!   (none for format 1, the events written before ids: migration 2 leaves them so), `pv` its
//!   payload format and `chain` its link in the account's event chain. Actor and event are
//!   `text`, kept byte for byte (the chain hashes them; `jsonb` would rewrite them);
//! - `snapshots(account_id primary key, version, format, data bytea)`: the latest snapshot
//!   per account;
//! - `migrations(version, applied_at)`: which embedded migrations ran.
//!
//! [`AsyncAccountStore::append`] runs in one transaction: it locks the account's row
//! (`SELECT … FOR UPDATE`, or inserts it for a new account), refuses with
//! [`StoreError::Conflict`] unless the version is the expected one, inserts the events and
//! (if given) replaces the snapshot. The unique `(account_id, seq)` key backs the version
//! check: two writers can never store the same sequence number, and a unique violation is
//! reported as a conflict. A connection lost mid-transaction commits nothing.
//!
//! Reads run in one `REPEATABLE READ` read-only transaction. What goes in the columns, and
//! every check on the way back (rule X-9: sequence, chain, unique ids, formats, a snapshot of
//! its own account and version), is partnerkit's codec ([`partnerkit::codec`]); this crate
//! keeps SQL and connection handling only. Damage is [`Error::Rows`] naming the row, as is a
//! value that would not read back, refused on the write.
//!
//! # Migrations
//!
//! [`PostgresStore::migrate`] applies the embedded, numbered migrations not yet recorded,
//! each in the same transaction as its record, under a transaction-scoped advisory lock, so
//! several instances starting at once migrate once. A database migrated by a newer version of
//! this crate is refused ([`Error::SchemaTooNew`]).
//!
//! # Fair writes: write turns
//!
//! The version check decides every write, so no update is ever lost; the loser's caller
//! tries again (the service reloads, decides again and retries,
//! [`conflict_retries`](partnerkit::Settings::conflict_retries) times). That alone is not
//! fair: while one instance writes to an account in a loop, another instance's retry reads
//! the account, decides, and finds it has moved on again. Measured (benches/fairness.rs, a
//! command every 100 ms from a second instance against a writer in a loop), one command in
//! six to twelve failed to its caller with `conflict` at least once, and the unluckiest took
//! hundreds of tries and seconds to land.
//!
//! So a write that loses takes the account's **write turn** before it reports the conflict:
//! a PostgreSQL advisory lock, `pg_advisory_xact_lock(key)` on a 64-bit key derived from the
//! schema and the account id, held in a transaction of its own on a connection of its own.
//! Every other write to the account first takes the same key *shared*, in its write
//! transaction (if a turn holds it, the write starts again and waits for the turn before it
//! locks the account's row, which the turn's holder is about to need): while a turn is
//! held, the other instances' writes to that account wait, and a turn waits for the writes
//! already under way. The loser's retry then reads the account
//! as they left it and writes without waiting; its write ends the turn, and the writes that
//! waited go on (one that read before the turn loses, and takes the next turn itself). A
//! loser lands on its next try: two tries in all, at p99 and at most, where it took
//! hundreds; none failed to its caller.
//!
//! - **Bounded.** A turn lasts at most its length, [`PostgresStore::DEFAULT_WRITE_TURN`]
//!   (200 ms) unless [`PostgresStore::with_write_turn`] says otherwise, and ends by itself
//!   then: its holder may never try again (a caller that gave up, or that sent its own
//!   expected version). No write waits longer than that for a turn (`lock_timeout`); one
//!   that would have to, goes ahead without it. Turns run out on tokio's timer: the
//!   runtime needs its time driver (`enable_all`), as [`PostgresStore::connect`]'s pool
//!   does for its timeouts.
//! - **Never held by the dead.** A turn is a transaction's lock: it ends with the holder's
//!   next write, at the end of its length, or when its connection closes. A holder whose
//!   process dies, or whose connection drops, holds nothing; one whose runtime is stuck loses
//!   its session to the server after twice the length idle
//!   (`idle_in_transaction_session_timeout`).
//! - **No deadlock.** A turn holds no row and waits only for writes already under way,
//!   which wait for nothing a turn holds; and every wait above is bounded.
//! - **Reads never wait.** A version check or a load during a turn sees the account as it
//!   is; only writes are put in order.
//! - **The cost.** Every write takes the key shared (`pg_try_advisory_xact_lock_shared`)
//!   in the statement that locks the account's row: no extra round trip unless a turn is
//!   held (a writer alone measured at 70–102% of its rate without turns over five runs on a
//!   shared, loaded machine: within its noise). A lost race costs a connection for the
//!   turn's length at most, and the others' writes to the account wait while the loser
//!   tries again. A turn nobody uses (the caller gave up) holds the other instances' writes
//!   to that account until it runs out.
//!
//! Turns are for fairness, never correctness: the version check under the row lock decides
//! every write, with them or without. Give every instance sharing a database the same
//! setting: a store without turns neither waits for a turn nor takes one, so another
//! instance's retry may lose to it again, as before turns.

use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use partnerkit::codec::{self, Append};
use partnerkit::core::{AccountId, Version};
use partnerkit::store::{AsyncAccountStore, Loaded, Recorded, StoreError, Write};
use tokio_postgres::NoTls;

pub use deadpool_postgres;
pub use tokio_postgres;

mod compress;
mod migrate;
mod read;
mod sql;
mod turn;
mod write;

pub use migrate::SCHEMA_VERSION;
use sql::{Sql, valid_schema};

/// What can go wrong in the PostgreSQL store.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// PostgreSQL refused an operation or the connection failed.
    #[error("PostgreSQL failed: {0}")]
    Postgres(#[from] tokio_postgres::Error),
    /// No connection could be taken from the pool (the server is unreachable, or every
    /// connection is busy for longer than the pool's timeout).
    #[error("no PostgreSQL connection available: {0}")]
    Pool(#[from] deadpool_postgres::PoolError),
    /// The connection URL or pool settings are invalid.
    #[error("the PostgreSQL configuration is invalid: {0}")]
    Config(String),
    /// The schema name is not a plain lower-case SQL identifier.
    #[error(
        "{name:?} is not a usable schema name: use 1 to 63 lower-case ASCII letters, digits and underscores, starting with a letter"
    )]
    InvalidSchemaName {
        /// The name given.
        name: String,
    },
    /// Stored rows cannot be trusted (rule X-9: a missing, reordered, repeated or moved row,
    /// a snapshot of another account or version, a format this release does not know, an
    /// impossible version), or a value would not read back and was not written: the codec's
    /// error, naming the account and the row. Its [`code`](partnerkit::codec::Error::code)
    /// (`corrupt`, `unstorable`) is this error's code.
    #[error(transparent)]
    Rows(#[from] codec::Error),
    /// The database was migrated by a newer version of this crate.
    #[error(
        "the database has schema version {found}; this crate knows up to {known}: upgrade partnerkit-postgres"
    )]
    SchemaTooNew {
        /// The newest migration recorded in the database.
        found: i64,
        /// The newest this crate knows.
        known: i64,
    },
    /// A version does not fit PostgreSQL's `bigint`.
    #[error("version {0} is too large for PostgreSQL")]
    VersionOutOfRange(u64),
}

impl Error {
    /// A stable, machine-readable code per variant (e.g. `"corrupt"`), for logs and APIs.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Postgres(_) => "postgres",
            Error::Pool(_) => "pool",
            Error::Config(_) => "config",
            Error::InvalidSchemaName { .. } => "invalid_schema_name",
            Error::Rows(e) => e.code(),
            Error::SchemaTooNew { .. } => "schema_too_new",
            Error::VersionOutOfRange(_) => "version_out_of_range",
        }
    }
}
/// An [`AsyncAccountStore`] over a pool of PostgreSQL connections. Cheap to clone (the pool
/// is shared); share one per process.
#[derive(Clone)]
pub struct PostgresStore {
    pool: Pool,
    schema: String,
    sql: std::sync::Arc<Sql>,
    turns: std::sync::Arc<turn::Turns>,
}

impl std::fmt::Debug for PostgresStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostgresStore")
            .field("schema", &self.schema)
            .field("pool", &self.pool.status())
            .field("write_turn", &self.turns.length())
            .finish_non_exhaustive()
    }
}
impl PostgresStore {
    /// The schema the tables live in unless [`with_schema`](Self::with_schema) says otherwise.
    pub const DEFAULT_SCHEMA: &'static str = "partnerkit";

    /// How long a write turn lasts at most unless [`with_write_turn`](Self::with_write_turn)
    /// says otherwise: also the longest a write waits for another instance's turn.
    pub const DEFAULT_WRITE_TURN: std::time::Duration = std::time::Duration::from_millis(200);

    /// A store over a new pool for `url` (e.g. `postgres://user@host:5432/db`), without TLS.
    /// Connects lazily: the first query opens the first connection, so this needs no
    /// runtime, but every query runs on tokio. Call [`migrate`](Self::migrate) before use.
    /// The pool holds up to 16 connections; an unreachable server fails a call after 10 s.
    pub fn connect(url: &str) -> Result<Self, Error> {
        let config: tokio_postgres::Config = url
            .parse()
            .map_err(|e: tokio_postgres::Error| Error::Config(e.to_string()))?;
        let manager = Manager::from_config(
            config,
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(16)
            .runtime(deadpool_postgres::Runtime::Tokio1)
            // An unreachable server is an error after 10 s, not a hang; a pool whose every
            // connection is busy makes a caller wait up to 30 s.
            .create_timeout(Some(std::time::Duration::from_secs(10)))
            .wait_timeout(Some(std::time::Duration::from_secs(30)))
            .build()
            .map_err(|e| Error::Config(e.to_string()))?;
        Ok(Self::from_pool(pool))
    }

    /// A store over the host's own pool (with its TLS and size settings).
    pub fn from_pool(pool: Pool) -> Self {
        PostgresStore {
            pool,
            schema: Self::DEFAULT_SCHEMA.to_string(),
            sql: std::sync::Arc::new(Sql::new(Self::DEFAULT_SCHEMA)),
            turns: std::sync::Arc::new(turn::Turns::new(Some(Self::DEFAULT_WRITE_TURN))),
        }
    }

    /// This store with its tables in another PostgreSQL schema (created by
    /// [`migrate`](Self::migrate) if missing): one database can hold several independent
    /// stores, e.g. one per test run.
    pub fn with_schema(mut self, schema: &str) -> Result<Self, Error> {
        if !valid_schema(schema) {
            return Err(Error::InvalidSchemaName {
                name: schema.to_string(),
            });
        }
        self.schema = schema.to_string();
        self.sql = std::sync::Arc::new(Sql::new(schema));
        self.turns = std::sync::Arc::new(turn::Turns::new(self.turns.length()));
        Ok(self)
    }

    /// This store with write turns of `turn` (see the crate docs, "Fair writes"), or without
    /// turns (`None`, or a zero length): then a write waits for no turn and a conflict takes
    /// none, as before turns. [`DEFAULT_WRITE_TURN`](Self::DEFAULT_WRITE_TURN) unless set.
    /// Every instance sharing the database should use the same setting: a store without
    /// turns ignores the others' turns, so their retries may lose to it again.
    #[must_use]
    pub fn with_write_turn(mut self, turn: Option<std::time::Duration>) -> Self {
        self.turns = std::sync::Arc::new(turn::Turns::new(turn));
        self
    }

    /// How long a write turn lasts at most, or `None` without turns.
    pub fn write_turn(&self) -> Option<std::time::Duration> {
        self.turns.length()
    }

    /// The schema the tables live in.
    pub fn schema(&self) -> &str {
        &self.schema
    }

    /// The pool, e.g. to check its status.
    pub fn pool(&self) -> &Pool {
        &self.pool
    }
}

impl AsyncAccountStore for PostgresStore {
    type Error = Error;

    async fn load(&self, account: AccountId) -> Result<Option<Loaded>, Error> {
        self.load_account(account).await
    }

    async fn append(&self, write: Write<'_>) -> Result<Version, StoreError<Error>> {
        // Encode (and prove readable) before taking a connection.
        let append = Append::new(write).map_err(|e| StoreError::Backend(e.into()))?;
        self.append_encoded(append).await
    }

    async fn events(&self, account: AccountId, after: Version) -> Result<Vec<Recorded>, Error> {
        self.events_after(account, after).await
    }

    async fn version(&self, account: AccountId) -> Result<Version, Error> {
        self.version_now(account).await
    }
}
