//! Snapshot rows: a header that binds the state to its account, its version and the last
//! event it folds, around a [`body`](super::body).

use partnerkit_core::{AccountId, Version};

use super::rows::{Chain, EventRow, Reader};
use super::{Error, SNAPSHOT_FORMAT, body, corrupt};
use crate::state::AccountState;
use crate::store::Snapshot;

/// An account's latest snapshot, as a store's row keeps it.
#[derive(Clone, PartialEq, Eq)]
pub struct SnapshotRow {
    /// How many events it folds (the version it is at).
    pub version: u64,
    /// Its format: [`SNAPSHOT_FORMAT`] when written by this release. Snapshots written before
    /// formats were named are format 1 (the state's JSON, without a header).
    pub format: u16,
    /// The header and body, as bytes.
    pub data: Vec<u8>,
}

impl std::fmt::Debug for SnapshotRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SnapshotRow")
            .field("version", &self.version)
            .field("format", &self.format)
            .field("bytes", &self.data.len())
            .finish()
    }
}

const MAGIC: &[u8; 4] = b"PKSN";
const HEADER: usize = 4 + 16 + 8 + 16 + 2;

/// A state encoded for a snapshot, proven to decode back, waiting for the account, version
/// and chain link the write gives it. Encoding is the expensive part: do it before taking a
/// write lock.
#[derive(Clone)]
pub struct PreparedSnapshot {
    body: Vec<u8>,
}

impl std::fmt::Debug for PreparedSnapshot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PreparedSnapshot")
            .field("bytes", &self.body.len())
            .finish()
    }
}

impl PreparedSnapshot {
    /// Encodes `state`, or says why it cannot be stored.
    pub fn new(state: &AccountState) -> Result<PreparedSnapshot, Error> {
        let body = body::encode(state).map_err(|why| Error::Unstorable {
            what: format!("the snapshot: {why}"),
        })?;
        Ok(PreparedSnapshot { body })
    }

    /// The row of this state as `account`'s snapshot at `version`, whose last event's link
    /// is `chain`.
    pub fn row(&self, account: AccountId, version: Version, chain: Chain) -> SnapshotRow {
        let mut data = Vec::with_capacity(HEADER + self.body.len());
        data.extend_from_slice(MAGIC);
        data.extend_from_slice(account.uuid().as_bytes());
        data.extend_from_slice(&version.get().to_be_bytes());
        data.extend_from_slice(&chain.to_bytes());
        data.extend_from_slice(&body::FORMAT.to_be_bytes());
        data.extend_from_slice(&self.body);
        SnapshotRow {
            version: version.get(),
            format: SNAPSHOT_FORMAT,
            data,
        }
    }
}

/// What a stored snapshot row is good for.
#[derive(Debug)]
pub(super) enum Opened {
    /// Use it; the events after it start at its version, whose row must carry `chain`.
    Use(Box<Snapshot>, Chain),
    /// Its format is older (or newer) than this release writes, or it does not decode: fold
    /// the whole history instead, and store a fresh snapshot.
    Rebuild,
}

/// The header's fields.
struct Header {
    account: [u8; 16],
    version: u64,
    chain: [u8; 16],
    body_format: u16,
}

fn header(data: &[u8]) -> Option<(Header, &[u8])> {
    let (head, body) = data.split_at_checked(HEADER)?;
    let (magic, rest) = head.split_first_chunk::<4>()?;
    let (account, rest) = rest.split_first_chunk::<16>()?;
    let (version, rest) = rest.split_first_chunk::<8>()?;
    let (chain, rest) = rest.split_first_chunk::<16>()?;
    let (format, _) = rest.split_first_chunk::<2>()?;
    (magic == MAGIC).then_some((
        Header {
            account: *account,
            version: u64::from_be_bytes(*version),
            chain: *chain,
            body_format: u16::from_be_bytes(*format),
        },
        body,
    ))
}

/// Checks `account`'s snapshot row against the account's stored `version`: a snapshot of
/// another account, or whose row version disagrees with its header or is past the account, is
/// refused; one in another format, or that does not decode, is to be rebuilt.
pub(super) fn open(account: AccountId, version: u64, row: SnapshotRow) -> Result<Opened, Error> {
    let here = |what: String| corrupt(format!("account {account}: its snapshot row: {what}"));
    if row.version == 0 || row.version > version {
        return Err(here(format!(
            "it is at v{} but the account is at v{version}",
            row.version
        )));
    }
    if row.format != SNAPSHOT_FORMAT {
        return Ok(Opened::Rebuild);
    }
    let Some((h, body)) = header(&row.data) else {
        return Ok(Opened::Rebuild);
    };
    if h.account != *account.uuid().as_bytes() {
        return Err(here(format!(
            "it is the snapshot of account {}, not of this one",
            uuid::Uuid::from_bytes(h.account)
        )));
    }
    if h.version != row.version {
        return Err(here(format!(
            "the row says v{} but the snapshot it holds is at v{}",
            row.version, h.version
        )));
    }
    if h.body_format != body::FORMAT {
        return Ok(Opened::Rebuild);
    }
    match body::decode(body) {
        Ok(state) => Ok(Opened::Use(
            Box::new(Snapshot {
                state,
                version: Version::new(h.version),
            }),
            Chain::from_bytes(h.chain),
        )),
        Err(_) => Ok(Opened::Rebuild),
    }
}

/// How an account loads: from its snapshot (if it can be used) and the rows after it.
#[derive(Debug)]
pub struct LoadPlan {
    snapshot: Option<Snapshot>,
    refresh: bool,
    reader: Reader,
}

impl LoadPlan {
    /// The plan for `account` at its stored `version` (greater than 0) with its snapshot row,
    /// if one is stored: refuses a snapshot that is not this account's or not at a version of
    /// its history (rule X-9).
    pub fn new(
        account: AccountId,
        version: u64,
        snapshot: Option<SnapshotRow>,
    ) -> Result<LoadPlan, Error> {
        let opened = snapshot
            .map(|row| open(account, version, row))
            .transpose()?;
        Ok(match opened {
            Some(Opened::Use(snapshot, chain)) => LoadPlan {
                reader: Reader::after_snapshot(account, version, snapshot.version.get(), chain),
                snapshot: Some(*snapshot),
                refresh: false,
            },
            other => LoadPlan {
                snapshot: None,
                refresh: matches!(other, Some(Opened::Rebuild)),
                reader: Reader::whole(account, version),
            },
        })
    }

    /// The first event row to read: the store reads the rows with `seq >=` it, in order.
    pub fn first_seq(&self) -> u64 {
        self.reader.first_seq()
    }

    /// Checks the next row (see [`Reader::push`]).
    pub fn push(&mut self, row: EventRow) -> Result<(), Error> {
        self.reader.push(row)
    }

    /// The account as loaded, once every row from [`first_seq`](Self::first_seq) on was
    /// pushed.
    pub fn finish(self) -> Result<crate::store::Loaded, Error> {
        Ok(crate::store::Loaded {
            snapshot: self.snapshot,
            events: self.reader.finish()?,
            refresh_snapshot: self.refresh,
        })
    }
}
