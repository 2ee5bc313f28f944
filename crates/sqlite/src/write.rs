//! The write of an append, inside the `IMMEDIATE` transaction that checked its version:
//! seals the new rows to the stored chain and stores them, the version and the snapshot.

use partnerkit::codec::{self, Append};
use rusqlite::{Connection, OptionalExtension, params};

use crate::Error;
use crate::sql::{EVENT_COLUMNS, to_i64};

/// The write of an append whose version was checked: seals its rows to the stored chain and
/// inserts them, the version and the snapshot.
pub(crate) fn insert(tx: &Connection, id: &str, append: &mut Append) -> Result<(), Error> {
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
    let snapshot = append.seal(last.as_ref().map(|(s, c)| (*s, c.as_str())))?;
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
