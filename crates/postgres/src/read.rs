//! Reads: the version, a whole account (latest snapshot and the events after it) and the
//! events after a version, each in one consistent read-only transaction.

use partnerkit::codec::{self, EventRow, LoadPlan, Reader, SnapshotRow};
use partnerkit::core::{AccountId, Version};
use partnerkit::store::{Loaded, Recorded};
use tokio_postgres::IsolationLevel;

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

/// The account's stored version and its snapshot's, if it has one; `None` for an account
/// the store does not know.
async fn head(
    tx: &deadpool_postgres::Transaction<'_>,
    sql: &Sql,
    account: AccountId,
) -> Result<Option<(u64, Option<u64>)>, Error> {
    let stmt = tx.prepare_cached(&sql.head).await?;
    let Some(row) = tx.query_opt(&stmt, &[&account.uuid()]).await? else {
        return Ok(None);
    };
    let version = codec::stored_number(row.try_get(0)?, || {
        format!("the stored version of account {account}")
    })?;
    let snapshot = row
        .try_get::<_, Option<i64>>(1)?
        .map(|v| codec::stored_number(v, || format!("the snapshot version of account {account}")))
        .transpose()?;
    Ok(Some((version, snapshot)))
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
    ///
    /// One query reads the account's version and its snapshot's; then the snapshot and the
    /// events after it are asked for together (one pipelined round trip), and the snapshot
    /// is decoded on a blocking thread while the event rows arrive. Should the snapshot turn
    /// out unusable (rule X-9: it is then rebuilt from the events), the events before it are
    /// read too, in the same transaction.
    pub(crate) async fn load_account(&self, account: AccountId) -> Result<Option<Loaded>, Error> {
        let sql = &self.sql;
        let mut client = self.pool.get().await?;
        let tx = read_tx(&mut client).await?;
        let Some((version, snapshot_at)) = head(&tx, sql, account).await? else {
            return Ok(None);
        };
        if version == 0 {
            return Ok(None);
        }
        let first = snapshot_at.map_or(1, |v| v.saturating_add(1));
        let plan = async {
            let row = read_snapshot(&tx, sql, account).await?;
            let decode = tokio::task::spawn_blocking(move || LoadPlan::new(account, version, row));
            match decode.await {
                Ok(plan) => Ok::<_, Error>(plan?),
                // A panic while decoding is the decoder's bug: it goes on as it would have.
                Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
                Err(_) => Err(Error::ShutDown),
            }
        };
        let (mut plan, rows) = tokio::try_join!(plan, read_rows(&tx, sql, account, first))?;
        let rows = match plan.first_seq() {
            seq if seq == first => rows,
            seq => read_rows(&tx, sql, account, seq).await?,
        };
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
