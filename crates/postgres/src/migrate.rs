//! The embedded migrations and how they run.

use partnerkit::codec::Chain;
use partnerkit::core::AccountId;

use crate::read::read_rows;
use crate::sql::{Sql, to_i64};
use crate::{Error, PostgresStore};

/// The embedded migrations, in order: migration `n` is `MIGRATIONS[n - 1]`. `{schema}` is
/// replaced by the store's (validated) schema name. After migration 3's SQL, `chain_all`
/// links every stored event.
const MIGRATIONS: [&str; 4] = [
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
    // 4: snapshots compressed by this crate before they are sent (see `compress.rs`):
    // `compression` says how `data` is stored, 0 as the codec wrote it (every snapshot
    // before); the server no longer compresses the column itself, the data is compressed
    // already.
    "ALTER TABLE {schema}.snapshots
        ADD COLUMN compression smallint NOT NULL DEFAULT 0,
        ALTER COLUMN data SET STORAGE EXTERNAL;",
];

/// The newest schema version this crate writes.
pub const SCHEMA_VERSION: i64 = 4;

impl PostgresStore {
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
