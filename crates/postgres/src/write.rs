//! The write: one transaction that checks the version under the account's row lock, then
//! stores the events and the snapshot.

use std::time::Duration;

use partnerkit::codec::{self, Append, EventRow};
use partnerkit::core::{AccountId, Version};
use partnerkit::store::StoreError;
use tokio_postgres::error::SqlState;

use crate::compress;
use crate::read::stored_version;
use crate::sql::{Sql, to_i64};
use crate::{Error, PostgresStore, turn};

/// The outcome of the write transaction, before it is mapped to the trait's error.
enum Written {
    Done(Version),
    Conflict(Version),
}

impl PostgresStore {
    /// [`AsyncAccountStore::append`](partnerkit::store::AsyncAccountStore::append) of the
    /// encoded `append`: writes it, and maps a lost race to [`StoreError::Conflict`] (after
    /// taking the account's turn, when turns are on).
    pub(crate) async fn append_encoded(
        &self,
        mut append: Append,
    ) -> Result<Version, StoreError<Error>> {
        let (account, expected) = (append.account(), append.expected());
        let key = turn::key(&self.schema, account);
        // The turn this store won by losing the last race, if any: its write waits for
        // nobody, and ends the turn when it is over. Otherwise the write waits (briefly) for
        // another instance's turn.
        let held = self.turns.take(account);
        let wait = match held {
            Some(_) => None,
            None => self.turns.length(),
        };
        let written = self.write(&mut append, key, wait).await;
        drop(held);
        let outcome = match written {
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
        };
        if matches!(outcome, Err(StoreError::Conflict { .. })) {
            // Lost: the next try (the caller's retry) is this store's turn.
            self.turns.acquire(&self.pool, key, account).await;
        }
        outcome
    }

    /// The version under the row lock, with the account's turn key taken shared, in one
    /// round trip; `None` (and no lock taken) if another instance holds the turn.
    async fn version_if_no_turn(
        &self,
        tx: &deadpool_postgres::Transaction<'_>,
        account: AccountId,
        key: i64,
    ) -> Result<Option<Option<u64>>, Error> {
        let stmt = tx
            .prepare_cached(&self.sql.version_for_update_no_turn)
            .await?;
        let row = tx.query_one(&stmt, &[&account.uuid(), &key]).await?;
        if !row.try_get::<_, bool>(0)? {
            return Ok(None);
        }
        let stored = row.try_get::<_, Option<i64>>(1)?;
        Ok(Some(
            stored
                .map(|v| {
                    codec::stored_number(v, || format!("the stored version of account {account}"))
                })
                .transpose()?,
        ))
    }

    async fn write(
        &self,
        append: &mut Append,
        key: i64,
        wait: Option<Duration>,
    ) -> Result<Written, Error> {
        let sql = &self.sql;
        let (account, expected) = (append.account(), append.expected());
        let new_version = append.new_version();
        let id = account.uuid();
        let mut client = self.pool.get().await?;
        let mut tx = client.transaction().await?;
        // With turns, the account's turn key is held shared for the write: at once if no turn
        // holds it (most writes, no extra round trip), else after waiting, at most `wait`,
        // for the turn; a turn that outlasts the wait is written past.
        let stored = match wait {
            None => stored_version(&tx, &sql.version_for_update, account).await?,
            Some(length) => match self.version_if_no_turn(&tx, account, key).await? {
                Some(stored) => stored,
                None => {
                    // Not under the row lock, which the turn's holder is about to need.
                    tx.rollback().await?;
                    tx = client.transaction().await?;
                    if !turn::wait(&tx, key, length).await? {
                        tx.rollback().await?;
                        tx = client.transaction().await?;
                    }
                    stored_version(&tx, &sql.version_for_update, account).await?
                }
            },
        };
        let actual = match stored {
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
        insert(&tx, sql, append).await?;
        tx.commit().await?;
        Ok(Written::Done(new_version))
    }
}

/// Stores a checked append in its transaction: seals its rows to the account's last stored row
/// and inserts them, the new version and the snapshot.
async fn insert(
    tx: &deadpool_postgres::Transaction<'_>,
    sql: &Sql,
    append: &mut Append,
) -> Result<(), Error> {
    let (account, expected, new_version) =
        (append.account(), append.expected(), append.new_version());
    let id = account.uuid();
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
    let snapshot = append.seal(last.as_ref().map(|(s, c)| (*s, c.as_str())))?;
    if expected != Version::INITIAL {
        let stmt = tx.prepare_cached(&sql.update_version).await?;
        tx.execute(&stmt, &[&id, &to_i64(new_version.get())?])
            .await?;
    }
    insert_rows(tx, sql, account, append.rows()).await?;
    if let Some(row) = snapshot {
        let stmt = tx.prepare_cached(&sql.upsert_snapshot).await?;
        let format = i16::try_from(row.format).unwrap_or(i16::MAX);
        let (compression, data) = compress::pack(&row.data);
        tx.execute(
            &stmt,
            &[&id, &to_i64(row.version)?, &format, &compression, &data],
        )
        .await?;
    }
    Ok(())
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
