//! A PostgreSQL-backed [`AsyncAccountStore`] for [partnerkit](https://docs.rs/partnerkit):
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

use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use partnerkit::AccountState;
use partnerkit::codec::{self, Append, Chain, EventRow, LoadPlan, Reader, SnapshotRow};
use partnerkit::core::{AccountId, Version};
use partnerkit::store::{AsyncAccountStore, Loaded, Recorded, StoreError};
use tokio_postgres::error::SqlState;
use tokio_postgres::{IsolationLevel, NoTls};

pub use deadpool_postgres;
pub use tokio_postgres;

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

/// The embedded migrations, in order: migration `n` is `MIGRATIONS[n - 1]`. `{schema}` is
/// replaced by the store's (validated) schema name. After migration 3's SQL, `chain_all`
/// links every stored event.
const MIGRATIONS: [&str; 3] = [
    // 1: accounts, the event log and snapshots.
    "CREATE TABLE {schema}.accounts (
        id      uuid PRIMARY KEY,
        version bigint NOT NULL CHECK (version >= 0)
    );
    CREATE TABLE {schema}.events (
        account_id uuid NOT NULL,
        seq        bigint NOT NULL CHECK (seq > 0),
        at         text NOT NULL,
        actor      jsonb NOT NULL,
        event      jsonb NOT NULL,
        PRIMARY KEY (account_id, seq)
    );
    CREATE TABLE {schema}.snapshots (
        account_id uuid PRIMARY KEY,
        version    bigint NOT NULL CHECK (version > 0),
        state      text NOT NULL
    );",
    // 2: every event's envelope format and id; the events before are format 1, without ids.
    "ALTER TABLE {schema}.events
        ADD COLUMN v  smallint NOT NULL DEFAULT 1 CHECK (v > 0),
        ADD COLUMN id uuid;",
    // 3: actor and event kept as written (text), each event's payload format and chain link
    // (filled in by `chain_all`); snapshots name their format, the JSON states before are 1.
    "ALTER TABLE {schema}.events
        ALTER COLUMN actor TYPE text USING actor::text,
        ALTER COLUMN event TYPE text USING event::text,
        ADD COLUMN pv smallint NOT NULL DEFAULT 1,
        ADD COLUMN chain text NOT NULL DEFAULT '';
    ALTER TABLE {schema}.snapshots
        ADD COLUMN format smallint NOT NULL DEFAULT 1,
        ADD COLUMN data bytea;
    UPDATE {schema}.snapshots SET data = convert_to(state, 'UTF8');
    ALTER TABLE {schema}.snapshots DROP COLUMN state, ALTER COLUMN data SET NOT NULL;
    CREATE UNIQUE INDEX events_ids ON {schema}.events (account_id, id) WHERE id IS NOT NULL;",
];

/// The newest schema version this crate writes.
pub const SCHEMA_VERSION: i64 = 3;

/// An [`AsyncAccountStore`] over a pool of PostgreSQL connections. Cheap to clone (the pool
/// is shared); share one per process.
#[derive(Clone)]
pub struct PostgresStore {
    pool: Pool,
    schema: String,
    sql: std::sync::Arc<Sql>,
}

impl std::fmt::Debug for PostgresStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostgresStore")
            .field("schema", &self.schema)
            .field("pool", &self.pool.status())
            .finish_non_exhaustive()
    }
}

/// The statements, with the schema name filled in.
#[derive(Debug)]
struct Sql {
    schema: String,
    version: String,
    version_for_update: String,
    create_account: String,
    update_version: String,
    last_row: String,
    insert_events: String,
    upsert_snapshot: String,
    snapshot: String,
    events_after: String,
}

impl Sql {
    fn new(s: &str) -> Self {
        Sql {
            schema: s.to_string(),
            version: format!("SELECT version FROM {s}.accounts WHERE id = $1"),
            version_for_update: format!("SELECT version FROM {s}.accounts WHERE id = $1 FOR UPDATE"),
            create_account: format!(
                "INSERT INTO {s}.accounts (id, version) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING"
            ),
            update_version: format!("UPDATE {s}.accounts SET version = $2 WHERE id = $1"),
            last_row: format!(
                "SELECT seq, chain FROM {s}.events WHERE account_id = $1 ORDER BY seq DESC LIMIT 1"
            ),
            insert_events: format!(
                "INSERT INTO {s}.events (account_id, seq, v, pv, id, at, actor, event, chain)
                 SELECT $1, seq, v, pv, id::uuid, at, actor, event, chain
                 FROM unnest($2::bigint[], $3::smallint[], $4::smallint[], $5::text[], $6::text[],
                             $7::text[], $8::text[], $9::text[])
                   AS t(seq, v, pv, id, at, actor, event, chain)"
            ),
            upsert_snapshot: format!(
                "INSERT INTO {s}.snapshots (account_id, version, format, data) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (account_id) DO UPDATE SET version = excluded.version,
                   format = excluded.format, data = excluded.data"
            ),
            snapshot: format!(
                "SELECT version, format, data FROM {s}.snapshots WHERE account_id = $1"
            ),
            events_after: format!(
                "SELECT seq, v, pv, id::text, at, actor, event, chain FROM {s}.events
                 WHERE account_id = $1 AND seq >= $2 ORDER BY seq"
            ),
        }
    }
}

fn valid_schema(name: &str) -> bool {
    let mut chars = name.chars();
    name.len() <= 63
        && chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

impl PostgresStore {
    /// The schema the tables live in unless [`with_schema`](Self::with_schema) says otherwise.
    pub const DEFAULT_SCHEMA: &'static str = "partnerkit";

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
        Ok(self)
    }

    /// The schema the tables live in.
    pub fn schema(&self) -> &str {
        &self.schema
    }

    /// The pool, e.g. to check its status.
    pub fn pool(&self) -> &Pool {
        &self.pool
    }

    /// Creates the schema and applies every embedded migration not yet applied, each in one
    /// transaction with its record. Safe to call from several instances at once (an advisory
    /// lock serialises them) and on every start (nothing to do is quick).
    pub async fn migrate(&self) -> Result<(), Error> {
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        // One lock per schema name, held until the transaction ends.
        tx.execute(
            "SELECT pg_advisory_xact_lock(hashtextextended($1, 7426))",
            &[&format!("partnerkit-migrate:{}", self.schema)],
        )
        .await?;
        let s = &self.schema;
        tx.batch_execute(&format!(
            "CREATE SCHEMA IF NOT EXISTS {s};
             CREATE TABLE IF NOT EXISTS {s}.migrations (
                 version    bigint PRIMARY KEY,
                 applied_at timestamptz NOT NULL DEFAULT now()
             );"
        ))
        .await?;
        let found: Option<i64> = tx
            .query_one(&format!("SELECT MAX(version) FROM {s}.migrations"), &[])
            .await?
            .get(0);
        let found = found.unwrap_or(0);
        if found > SCHEMA_VERSION {
            return Err(Error::SchemaTooNew {
                found,
                known: SCHEMA_VERSION,
            });
        }
        for (n, sql) in (1_i64..).zip(MIGRATIONS.iter()) {
            if n > found {
                tx.batch_execute(&sql.replace("{schema}", s)).await?;
                if n == 3 {
                    chain_all(&tx, &self.sql).await?;
                }
                tx.execute(
                    &format!("INSERT INTO {s}.migrations (version) VALUES ($1)"),
                    &[&n],
                )
                .await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }

    /// Drops the store's schema with every table and row in it. For tests and teardown.
    pub async fn drop_schema(&self) -> Result<(), Error> {
        let client = self.pool.get().await?;
        client
            .batch_execute(&format!("DROP SCHEMA IF EXISTS {} CASCADE", self.schema))
            .await?;
        Ok(())
    }
}

/// Starts a consistent read: one snapshot of the database for every query in it.
async fn read_tx(
    client: &mut deadpool_postgres::Object,
) -> Result<deadpool_postgres::Transaction<'_>, Error> {
    Ok(client
        .build_transaction()
        .isolation_level(IsolationLevel::RepeatableRead)
        .read_only(true)
        .start()
        .await?)
}

fn to_i64(v: u64) -> Result<i64, Error> {
    i64::try_from(v).map_err(|_| Error::VersionOutOfRange(v))
}

async fn stored_version(
    tx: &deadpool_postgres::Transaction<'_>,
    sql: &str,
    account: AccountId,
) -> Result<Option<u64>, Error> {
    let stmt = tx.prepare_cached(sql).await?;
    let row = tx.query_opt(&stmt, &[&account.uuid()]).await?;
    row.map(|r| {
        Ok(codec::stored_number(r.try_get(0)?, || {
            format!("the stored version of account {account}")
        })?)
    })
    .transpose()
}

async fn read_snapshot(
    tx: &deadpool_postgres::Transaction<'_>,
    sql: &Sql,
    account: AccountId,
) -> Result<Option<SnapshotRow>, Error> {
    let stmt = tx.prepare_cached(&sql.snapshot).await?;
    let Some(row) = tx.query_opt(&stmt, &[&account.uuid()]).await? else {
        return Ok(None);
    };
    let format: i16 = row.try_get(1)?;
    Ok(Some(SnapshotRow {
        version: codec::stored_number(row.try_get(0)?, || {
            format!("the snapshot version of account {account}")
        })?,
        format: u16::try_from(format).unwrap_or(u16::MAX),
        data: row.try_get(2)?,
    }))
}

/// The event rows of `account` with `seq >= first`, in order.
async fn read_rows(
    tx: &deadpool_postgres::Transaction<'_>,
    sql: &Sql,
    account: AccountId,
    first: u64,
) -> Result<Vec<EventRow>, Error> {
    let stmt = tx.prepare_cached(&sql.events_after).await?;
    let rows = tx.query(&stmt, &[&account.uuid(), &to_i64(first)?]).await?;
    // A format out of range reads as one no release wrote, and the codec names it.
    let format = |f: i16| u16::try_from(f).unwrap_or(u16::MAX);
    rows.iter()
        .map(|row| {
            Ok(EventRow {
                seq: codec::stored_number(row.try_get(0)?, || {
                    format!("an event row number of account {account}")
                })?,
                envelope: format(row.try_get(1)?),
                payload: format(row.try_get(2)?),
                id: row.try_get(3)?,
                at: row.try_get(4)?,
                actor: row.try_get(5)?,
                event: row.try_get(6)?,
                chain: row.try_get(7)?,
            })
        })
        .collect()
}

/// Migration 3's data step: links every stored event of every account, in order.
async fn chain_all(tx: &deadpool_postgres::Transaction<'_>, sql: &Sql) -> Result<(), Error> {
    let accounts = tx
        .query(
            &format!("SELECT DISTINCT account_id FROM {}.events", sql.schema),
            &[],
        )
        .await?;
    let update = format!(
        "UPDATE {}.events SET chain = $3 WHERE account_id = $1 AND seq = $2",
        sql.schema
    );
    for row in accounts {
        let account = AccountId::from_uuid(row.try_get(0)?);
        let mut chain = Chain::start(account);
        for row in read_rows(tx, sql, account, 0).await? {
            chain = chain.next(&row);
            tx.execute(
                &update,
                &[&account.uuid(), &to_i64(row.seq)?, &chain.to_hex()],
            )
            .await?;
        }
    }
    Ok(())
}

/// The outcome of the write transaction, before it is mapped to the trait's error.
enum Written {
    Done(Version),
    Conflict(Version),
}

impl PostgresStore {
    async fn write(
        &self,
        account: AccountId,
        expected: Version,
        append: &mut Append,
    ) -> Result<Written, Error> {
        let sql = &self.sql;
        let new_version = append.new_version();
        let id = account.uuid();
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        let actual = match stored_version(&tx, &sql.version_for_update, account).await? {
            Some(v) => Version::new(v),
            None if expected == Version::INITIAL && new_version != Version::INITIAL => {
                // Create the row; if another writer created it meanwhile, this one lost.
                let stmt = tx.prepare_cached(&sql.create_account).await?;
                let created = tx
                    .execute(&stmt, &[&id, &to_i64(new_version.get())?])
                    .await?;
                if created == 0 {
                    let now = stored_version(&tx, &sql.version, account).await?;
                    return Ok(Written::Conflict(Version::new(now.unwrap_or(0))));
                }
                Version::INITIAL
            }
            None => Version::INITIAL,
        };
        if actual != expected {
            return Ok(Written::Conflict(actual));
        }
        if new_version == Version::INITIAL {
            return Ok(Written::Done(new_version));
        }
        let stmt = tx.prepare_cached(&sql.last_row).await?;
        let last = match tx.query_opt(&stmt, &[&id]).await? {
            Some(row) => Some((
                codec::stored_number(row.try_get(0)?, || {
                    format!("the last event row of account {account}")
                })?,
                row.try_get::<_, String>(1)?,
            )),
            None => None,
        };
        let snapshot = append.seal(account, last.as_ref().map(|(s, c)| (*s, c.as_str())))?;
        if expected != Version::INITIAL {
            let stmt = tx.prepare_cached(&sql.update_version).await?;
            tx.execute(&stmt, &[&id, &to_i64(new_version.get())?])
                .await?;
        }
        insert_rows(&tx, sql, account, append.rows()).await?;
        if let Some(row) = snapshot {
            let stmt = tx.prepare_cached(&sql.upsert_snapshot).await?;
            let format = i16::try_from(row.format).unwrap_or(i16::MAX);
            tx.execute(&stmt, &[&id, &to_i64(row.version)?, &format, &row.data])
                .await?;
        }
        tx.commit().await?;
        Ok(Written::Done(new_version))
    }
}

/// Inserts event rows in one statement, column by column.
async fn insert_rows(
    tx: &deadpool_postgres::Transaction<'_>,
    sql: &Sql,
    account: AccountId,
    rows: &[EventRow],
) -> Result<(), Error> {
    if rows.is_empty() {
        return Ok(());
    }
    let format = |f: u16| i16::try_from(f).unwrap_or(i16::MAX);
    let seqs = rows
        .iter()
        .map(|r| to_i64(r.seq))
        .collect::<Result<Vec<_>, _>>()?;
    let vs: Vec<i16> = rows.iter().map(|r| format(r.envelope)).collect();
    let pvs: Vec<i16> = rows.iter().map(|r| format(r.payload)).collect();
    let ids: Vec<Option<&str>> = rows.iter().map(|r| r.id.as_deref()).collect();
    let text = |f: fn(&EventRow) -> &str| rows.iter().map(f).collect::<Vec<_>>();
    let (ats, actors) = (text(|r| &r.at), text(|r| &r.actor));
    let (events, chains) = (text(|r| &r.event), text(|r| &r.chain));
    let stmt = tx.prepare_cached(&sql.insert_events).await?;
    tx.execute(
        &stmt,
        &[
            &account.uuid(),
            &seqs,
            &vs,
            &pvs,
            &ids,
            &ats,
            &actors,
            &events,
            &chains,
        ],
    )
    .await?;
    Ok(())
}

/// The unique constraint a failed write violated, if that is why it failed.
fn unique_violation(e: &Error) -> Option<&str> {
    let Error::Postgres(pg) = e else { return None };
    let db = pg.as_db_error()?;
    (db.code() == &SqlState::UNIQUE_VIOLATION).then(|| db.constraint().unwrap_or(""))
}

impl AsyncAccountStore for PostgresStore {
    type Error = Error;

    async fn load(&self, account: AccountId) -> Result<Option<Loaded>, Error> {
        let sql = &self.sql;
        let mut client = self.pool.get().await?;
        let tx = read_tx(&mut client).await?;
        let version = stored_version(&tx, &sql.version, account)
            .await?
            .unwrap_or(0);
        if version == 0 {
            return Ok(None);
        }
        let mut plan = LoadPlan::new(account, version, read_snapshot(&tx, sql, account).await?)?;
        let rows = read_rows(&tx, sql, account, plan.first_seq()).await?;
        tx.commit().await?;
        for row in rows {
            plan.push(row)?;
        }
        Ok(Some(plan.finish()?))
    }

    async fn append(
        &self,
        account: AccountId,
        expected: Version,
        events: &[Recorded],
        snapshot: Option<&AccountState>,
    ) -> Result<Version, StoreError<Error>> {
        // Encode (and prove readable) before taking a connection.
        let mut append =
            Append::new(expected, events, snapshot).map_err(|e| StoreError::Backend(e.into()))?;
        match self.write(account, expected, &mut append).await {
            Ok(Written::Done(v)) => Ok(v),
            Ok(Written::Conflict(actual)) => Err(StoreError::Conflict { expected, actual }),
            Err(e) if unique_violation(&e) == Some("events_ids") => Err(StoreError::Backend(
                Error::Rows(codec::repeated_id("of this append")),
            )),
            Err(e) if unique_violation(&e).is_some() => {
                // The unique (account, seq) key caught a concurrent writer.
                let actual = self
                    .version_now(account)
                    .await
                    .map_err(StoreError::Backend)?;
                Err(StoreError::Conflict { expected, actual })
            }
            Err(e) => Err(StoreError::Backend(e)),
        }
    }

    async fn events(&self, account: AccountId, after: Version) -> Result<Vec<Recorded>, Error> {
        let sql = &self.sql;
        let mut client = self.pool.get().await?;
        let tx = read_tx(&mut client).await?;
        let version = stored_version(&tx, &sql.version, account)
            .await?
            .unwrap_or(0);
        let mut reader = Reader::after(account, version, after.get());
        let rows = read_rows(&tx, sql, account, reader.first_seq()).await?;
        tx.commit().await?;
        for row in rows {
            reader.push(row)?;
        }
        Ok(reader.finish()?)
    }

    async fn version(&self, account: AccountId) -> Result<Version, Error> {
        self.version_now(account).await
    }
}

impl PostgresStore {
    async fn version_now(&self, account: AccountId) -> Result<Version, Error> {
        let client = self.pool.get().await?;
        let stmt = client.prepare_cached(&self.sql.version).await?;
        let row = client.query_opt(&stmt, &[&account.uuid()]).await?;
        match row {
            Some(r) => Ok(Version::new(codec::stored_number(r.try_get(0)?, || {
                format!("the stored version of account {account}")
            })?)),
            None => Ok(Version::INITIAL),
        }
    }
}
