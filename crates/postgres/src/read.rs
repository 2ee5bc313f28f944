//! Reads: the version, a whole account (latest snapshot and the events after it) and the
//! events after a version, each in one consistent read-only transaction.

use partnerkit::codec::{self, EventRow, LoadPlan, Reader, SnapshotRow};
use partnerkit::core::{AccountId, Version};
use partnerkit::store::{Loaded, Recorded};
use tokio_postgres::IsolationLevel;

use crate::compress;
use crate::sql::{Sql, to_i64};
use crate::{Error, PostgresStore};

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

pub(crate) async fn stored_version(
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
        data: compress::unpack(row.try_get(2)?, row.try_get(3)?),
    }))
}

/// The event rows of `account` with `seq >= first`, in order.
pub(crate) async fn read_rows(
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

impl PostgresStore {
    /// The account: its latest snapshot and the events after it, read in one snapshot of the
    /// database.
    pub(crate) async fn load_account(&self, account: AccountId) -> Result<Option<Loaded>, Error> {
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

    /// The events after `after`, checked against the stored version.
    pub(crate) async fn events_after(
        &self,
        account: AccountId,
        after: Version,
    ) -> Result<Vec<Recorded>, Error> {
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

    /// The account's version as stored now: one query, no transaction.
    pub(crate) async fn version_now(&self, account: AccountId) -> Result<Version, Error> {
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
