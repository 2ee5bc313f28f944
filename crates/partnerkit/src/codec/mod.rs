//! The store codec: how events and snapshots become rows and come back, checked (rule X-9).
//!
//! A store keeps plain rows — [`EventRow`]s and one [`SnapshotRow`] per account — and leaves
//! everything about their contents to this module, so every store (the shipped ones and a
//! host's own) refuses the same damage with the same words:
//!
//! - **Order and membership.** Each event row carries a [`Chain`] link: a hash over the link
//!   before it and the row's columns, starting from the account's id. Rows swapped, copied
//!   from another account, given another row's id or payload, or missing, break the chain,
//!   and the [`Reader`] names the first row that does.
//! - **Unique ids.** An event id seen twice in one read is refused.
//! - **Snapshots of their own account and version.** A snapshot's header names its account,
//!   its version and the link of the last event it folds; the events after it must continue
//!   from that link. A snapshot moved to another account, or whose row claims another
//!   version, is refused ([`LoadPlan`]).
//! - **Every format named.** Envelopes (`Envelope::v`), payloads ([`PAYLOAD_FORMAT`], with
//!   [`Upcaster`]s for earlier ones) and snapshots ([`SNAPSHOT_FORMAT`]) each carry their
//!   format. A snapshot in another format, or that does not decode, is never guessed at: the
//!   account is folded from its events and [`Loaded::refresh_snapshot`](crate::store::Loaded::refresh_snapshot) asks the caller to
//!   store a fresh one (the services do, on the account's next write).
//!
//! # Using it in a store
//!
//! Writing ([`Append`]): prepare the rows before taking the write lock (encoding is the
//! expensive part), then, inside the transaction, after checking the version, read the last
//! stored row's `seq` and `chain` and [`seal`](Append::seal) the rows to it; insert them and
//! the snapshot row, if any.
//!
//! Reading: [`LoadPlan::new`] with the stored version and snapshot row, then push the event
//! rows from [`LoadPlan::first_seq`] on, in order, and [`finish`](LoadPlan::finish). The
//! audit trail reads with a [`Reader`] the same way.
//!
//! ```
//! use partnerkit::codec::{Append, LoadPlan};
//! use partnerkit::core::{AccountId, Version};
//! use partnerkit::store::Write;
//! # let account = AccountId::from_uuid(partnerkit::core::uuid::Uuid::from_u128(7));
//! # let events = Vec::new();
//! // Writing events to a new account, with no snapshot:
//! let mut append = Append::new(Write::new(account, Version::INITIAL, &events))?;
//! let snapshot_row = append.seal(None)?; // the last stored row: none yet
//! let rows = append.rows(); // insert these
//! # assert!(rows.is_empty() && snapshot_row.is_none());
//! # Ok::<(), partnerkit::codec::Error>(())
//! ```

pub(crate) mod body;
mod rows;
mod snapshot;
mod upcast;

pub use rows::{Chain, EventRow, Reader};
pub use snapshot::{LoadPlan, PreparedSnapshot, SnapshotRow};
pub use upcast::{UPCASTERS, Upcaster};

use partnerkit_core::{AccountId, Version};

use crate::store::Write;

#[cfg(test)]
pub(crate) use upcast::decode_with;

/// The payload format this release writes; see [`Upcaster`].
pub const PAYLOAD_FORMAT: u16 = 1;

/// The snapshot row format this release writes: a header (account, version, last event's
/// chain link, body format) and the body.
pub const SNAPSHOT_FORMAT: u16 = 2;

/// What the codec refuses.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Stored rows cannot be trusted: what is wrong, naming the account and the row. Restore
    /// the account's rows from a backup; do not write to it.
    #[error("stored rows cannot be trusted: {what}")]
    Corrupt {
        /// What is wrong, and where.
        what: String,
    },
    /// A value has no stored form that reads back as the same value; nothing was written.
    /// Fix the code that built it.
    #[error("refused to store {what}")]
    Unstorable {
        /// Which value, and why.
        what: String,
    },
}

impl Error {
    /// A stable, machine-readable code per variant (`"corrupt"`, `"unstorable"`).
    pub fn code(&self) -> &'static str {
        match self {
            Error::Corrupt { .. } => "corrupt",
            Error::Unstorable { .. } => "unstorable",
        }
    }
}

pub(crate) fn corrupt(what: String) -> Error {
    Error::Corrupt { what }
}

/// The error for an append whose event id is already taken in its account (rule X-9): the
/// host's id source repeats itself. Stores that keep ids unique with an index report a
/// violation of it with this.
pub fn repeated_id(id: &str) -> Error {
    Error::Unstorable {
        what: format!(
            "event id {id}: the account already has an event with this id; event ids are unique \
             (rule X-9): give the context an id source that never repeats (e.g. random UUIDs), \
             one per process is not enough if it counts from 1 in each"
        ),
    }
}

/// Checks a stored version or sequence number read from a signed column.
pub fn stored_number(value: i64, what: impl FnOnce() -> String) -> Result<u64, Error> {
    u64::try_from(value).map_err(|_| corrupt(format!("{} is {value}, a negative number", what())))
}

/// One [`Write`]'s rows, encoded and proven to read back; sealed to the stored chain inside
/// the write.
#[derive(Debug)]
pub struct Append {
    account: AccountId,
    expected: Version,
    rows: Vec<EventRow>,
    snapshot: Option<PreparedSnapshot>,
}

impl Append {
    /// Encodes the write's events (to follow its `expected` version) and its snapshot state.
    /// Refuses a value that would not read back as itself, and one id given to two events.
    pub fn new(write: Write<'_>) -> Result<Append, Error> {
        let mut seq = write.expected.get();
        let mut rows = Vec::with_capacity(write.events.len());
        let mut ids = std::collections::HashSet::with_capacity(write.events.len());
        let mut encoder = rows::Encoder::default();
        for (i, e) in write.events.iter().enumerate() {
            seq = seq.checked_add(1).ok_or_else(|| Error::Unstorable {
                what: format!("event {}: the version would overflow", i + 1),
            })?;
            if let Some(id) = e.id
                && !ids.insert(id)
            {
                return Err(repeated_id(&id.to_string()));
            }
            rows.push(encoder.row(e, seq, i + 1)?);
        }
        let snapshot = write.snapshot.map(PreparedSnapshot::new).transpose()?;
        Ok(Append {
            account: write.account,
            expected: write.expected,
            rows,
            snapshot,
        })
    }

    /// The account written to.
    pub fn account(&self) -> AccountId {
        self.account
    }

    /// The version the account must still be at for this append to be stored.
    pub fn expected(&self) -> Version {
        self.expected
    }

    /// The version after this append.
    pub fn new_version(&self) -> Version {
        self.expected
            .after(u64::try_from(self.rows.len()).unwrap_or(u64::MAX))
    }

    /// Links the rows to the account's stored chain — `last` is the store's last event row
    /// (`seq` and `chain`), `None` if it has none — and returns the snapshot row to store, if
    /// any. Refuses a tail that is not where the expected version says.
    pub fn seal(&mut self, last: Option<(u64, &str)>) -> Result<Option<SnapshotRow>, Error> {
        let account = self.account;
        let mut chain = rows::tail_chain(account, self.expected, last)?;
        for row in &mut self.rows {
            chain = chain.next(row);
            row.chain = chain.to_hex();
        }
        let version = self.new_version();
        Ok(self
            .snapshot
            .as_ref()
            .filter(|_| version != Version::INITIAL)
            .map(|s| s.row(account, version, chain)))
    }

    /// The event rows to insert (sealed by [`seal`](Self::seal)).
    pub fn rows(&self) -> &[EventRow] {
        &self.rows
    }

    /// The event rows, for a store that keeps them as they are (sealed by
    /// [`seal`](Self::seal)).
    pub fn into_rows(self) -> Vec<EventRow> {
        self.rows
    }
}

#[cfg(test)]
mod tests;
