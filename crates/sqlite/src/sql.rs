//! The event columns the reads and the write share, how a row of them reads, and the
//! conversion of versions and row numbers to SQLite's integers.

use partnerkit::codec::EventRow;

use crate::Error;

/// The columns of an event row, in the order [`event_row`] reads them.
pub(crate) const EVENT_COLUMNS: &str = "seq, v, pv, id, at, actor, event, chain";

/// A row of [`EVENT_COLUMNS`]: its `seq`, `v` and `pv` as stored, and the rest of the row
/// (whose numbers the caller fills in once it has checked them).
pub(crate) fn event_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(i64, i64, i64, EventRow)> {
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

/// A version or row number as SQLite's signed integer.
pub(crate) fn to_i64(v: u64) -> Result<i64, Error> {
    i64::try_from(v).map_err(|_| Error::VersionOutOfRange(v))
}
