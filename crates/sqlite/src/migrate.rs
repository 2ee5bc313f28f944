//! The schema: its migrations, in order, and how they run when a store opens a file.

use partnerkit::codec::Chain;
use partnerkit::core::AccountId;
use rusqlite::{Connection, params};

use crate::read::read_rows;
use crate::sql::to_i64;
use crate::{Error, corrupt};

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

/// The schema version the file says it has.
pub(crate) fn user_version(conn: &Connection) -> Result<i64, Error> {
    Ok(conn.pragma_query_value(None, "user_version", |r| r.get(0))?)
}

/// Brings the schema to [`SCHEMA_VERSION`]; writes nothing when it already is.
pub(crate) fn migrate(conn: &Connection, file: bool) -> Result<(), Error> {
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
