//! Reads: the stored version, the latest snapshot, the event rows from a number on, the
//! events after a version, and [`SqliteStore::verify`]'s audit of a whole history.

use partnerkit::AccountState;
use partnerkit::codec::{self, EventRow, LoadPlan, Reader, SnapshotRow};
use partnerkit::core::AccountId;
use partnerkit::store::Recorded;
use rusqlite::{Connection, OptionalExtension, params};

use crate::sql::{EVENT_COLUMNS, event_row, to_i64};
use crate::{Error, SqliteStore, corrupt};

/// The account's stored version (0 if it has no row).
pub(crate) fn stored_version(conn: &Connection, id: &str) -> Result<u64, Error> {
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

/// The account's latest snapshot row, if it has one.
pub(crate) fn read_snapshot(conn: &Connection, id: &str) -> Result<Option<SnapshotRow>, Error> {
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

/// The event rows with `seq >= first`, in order, each handed to `push` as it is read.
pub(crate) fn read_rows(
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
pub(crate) fn read_events(
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
