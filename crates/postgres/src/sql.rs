//! The statements, with the store's schema name filled in, and the checks on names and
//! numbers they need.

use crate::Error;

/// The statements, with the schema name filled in.
#[derive(Debug)]
pub(crate) struct Sql {
    pub(crate) schema: String,
    pub(crate) version: String,
    pub(crate) version_for_update: String,
    pub(crate) version_for_update_no_turn: String,
    pub(crate) create_account: String,
    pub(crate) update_version: String,
    pub(crate) last_row: String,
    pub(crate) insert_events: String,
    pub(crate) upsert_snapshot: String,
    pub(crate) snapshot: String,
    pub(crate) events_after: String,
}

impl Sql {
    pub(crate) fn new(s: &str) -> Self {
        Sql {
            schema: s.to_string(),
            version: format!("SELECT version FROM {s}.accounts WHERE id = $1"),
            version_for_update: format!(
                "SELECT version FROM {s}.accounts WHERE id = $1 FOR UPDATE"
            ),
            // The account's turn key taken shared if no turn holds it (without waiting), and
            // the version under the row lock: both in one round trip.
            version_for_update_no_turn: format!(
                "SELECT pg_try_advisory_xact_lock_shared($2),
                        (SELECT version FROM {s}.accounts WHERE id = $1 FOR UPDATE)"
            ),
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
                "INSERT INTO {s}.snapshots (account_id, version, format, compression, data)
                 VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (account_id) DO UPDATE SET version = excluded.version,
                   format = excluded.format, compression = excluded.compression,
                   data = excluded.data"
            ),
            snapshot: format!(
                "SELECT version, format, compression, data FROM {s}.snapshots WHERE account_id = $1"
            ),
            events_after: format!(
                "SELECT seq, v, pv, id::text, at, actor, event, chain FROM {s}.events
                 WHERE account_id = $1 AND seq >= $2 ORDER BY seq"
            ),
        }
    }
}

pub(crate) fn valid_schema(name: &str) -> bool {
    let mut chars = name.chars();
    name.len() <= 63
        && chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

pub(crate) fn to_i64(v: u64) -> Result<i64, Error> {
    i64::try_from(v).map_err(|_| Error::VersionOutOfRange(v))
}
