//! Storage traits: where a host keeps each account's events and, now and then, a snapshot.
//!
//! partnerkit never touches a database. The [`AccountService`](crate::AccountService) loads an
//! account ([`Loaded`]: the latest snapshot and every event after it), decides a command, and
//! asks the store to [`append`](AccountStore::append) the new events **only if the version is
//! still the one it loaded** — optimistic concurrency. When two writers race, one wins and the
//! other gets [`StoreError::Conflict`]: it reloads and retries, so no update is ever lost.
//!
//! Writes are event-only: a command stores its few new events, not the whole state. Every so
//! often the writer also passes the state after those events as a snapshot, stored in the same
//! atomic write, so loading reads "the latest snapshot + the events after it" instead of the
//! whole history. When to snapshot is the writer's choice; the store keeps what it is given.
//!
//! # Contract
//!
//! - An account's **version** is the number of events stored for it; [`Version::INITIAL`] (no
//!   events) means the account does not exist, and [`load`](AccountStore::load) returns `None`.
//! - [`append`](AccountStore::append) is atomic: all events (and the snapshot, if given) are
//!   stored, or nothing is, and only if the stored version equals `expected`. Appending no
//!   events stores nothing but an optional snapshot (not for an account that does not exist).
//! - Reads refuse what they cannot trust (rule X-9): an event that does not decode, a missing
//!   event, events out of order or from another account, a repeated event id, a snapshot of
//!   another account or version, a format this release does not know, or an impossible version
//!   is an error of the backend's own [`Error`](AccountStore::Error) type (e.g. a `Corrupt`
//!   variant naming the row), never a silently different history. A snapshot in an older
//!   format, or that does not decode, is not an error: the account is folded from its events
//!   and [`Loaded::refresh_snapshot`] asks for a fresh one. [`StoreError`] is only for writes, where a conflict must be
//!   told apart from a failure.
//! - Stores keep **rows of bytes**, not Rust values: events go through their JSON form (a
//!   snapshot-tested public format) and snapshots through the [`codec`](crate::codec), so what
//!   loads is what any process would read back.
//!
//! # Rows, and the codec that checks them
//!
//! A store keeps rows: an [`EventRow`](crate::codec::EventRow) per event and one
//! [`SnapshotRow`](crate::codec::SnapshotRow) per account. The [`codec`](crate::codec) turns
//! events and states into rows and back, and refuses stored history that does not prove
//! itself (rule X-9): rows out of order, repeated ids, a snapshot of another account or
//! version, a format this release does not know. A store then needs only its own storage and
//! four methods. Here is a complete one, kept in a `Mutex<HashMap>` (the shipped
//! [`InMemoryStore`](crate::InMemoryStore) is the same with a few conveniences):
//!
//! ```
//! use std::collections::HashMap;
//! use std::sync::Mutex;
//! use partnerkit::codec::{self, Append, EventRow, LoadPlan, Reader, SnapshotRow};
//! use partnerkit::core::{AccountId, Version};
//! use partnerkit::store::{AccountStore, Loaded, Recorded, StoreError, Write};
//!
//! /// Per account: its event rows, in order, and its latest snapshot row.
//! #[derive(Default)]
//! struct MapStore(Mutex<HashMap<AccountId, (Vec<EventRow>, Option<SnapshotRow>)>>);
//!
//! #[derive(Debug, thiserror::Error)]
//! enum MapError {
//!     #[error("the store's lock was poisoned")]
//!     Poisoned,
//!     #[error(transparent)]
//!     Codec(#[from] codec::Error),
//! }
//!
//! impl MapStore {
//!     fn rows(&self) -> Result<std::sync::MutexGuard<'_, HashMap<AccountId, (Vec<EventRow>, Option<SnapshotRow>)>>, MapError> {
//!         self.0.lock().map_err(|_| MapError::Poisoned)
//!     }
//! }
//!
//! fn version_of(rows: &[EventRow]) -> u64 {
//!     rows.last().map_or(0, |r| r.seq)
//! }
//!
//! impl AccountStore for MapStore {
//!     type Error = MapError;
//!
//!     fn load(&self, account: AccountId) -> Result<Option<Loaded>, MapError> {
//!         let map = self.rows()?;
//!         let Some((events, snapshot)) = map.get(&account) else { return Ok(None) };
//!         let mut plan = LoadPlan::new(account, version_of(events), snapshot.clone())?;
//!         let first = plan.first_seq();
//!         for row in events.iter().filter(|r| r.seq >= first) {
//!             plan.push(row.clone())?;
//!         }
//!         Ok(Some(plan.finish()?))
//!     }
//!
//!     fn append(&self, write: Write<'_>) -> Result<Version, StoreError<MapError>> {
//!         let backend = |e: MapError| StoreError::Backend(e);
//!         let (account, expected) = (write.account, write.expected);
//!         // Encode before taking the lock: it is the expensive part.
//!         let mut append = Append::new(write).map_err(|e| backend(e.into()))?;
//!         let mut map = self.rows().map_err(backend)?;
//!         let (rows, stored) = map.entry(account).or_default();
//!         let actual = Version::new(version_of(rows));
//!         if actual != expected {
//!             return Err(StoreError::Conflict { expected, actual });
//!         }
//!         // Event ids are unique in a history (rule X-9); a database keeps a unique index.
//!         let taken = |id: &String| rows.iter().any(|r| r.id.as_ref() == Some(id));
//!         if let Some(id) = append.rows().iter().filter_map(|r| r.id.as_ref()).find(|id| taken(id)) {
//!             return Err(backend(codec::repeated_id(id).into()));
//!         }
//!         let last = rows.last().map(|r| (r.seq, r.chain.as_str()));
//!         let snapshot = append.seal(last).map_err(|e| backend(e.into()))?;
//!         rows.extend_from_slice(append.rows());
//!         if snapshot.is_some() {
//!             *stored = snapshot;
//!         }
//!         Ok(append.new_version())
//!     }
//!
//!     fn events(&self, account: AccountId, after: Version) -> Result<Vec<Recorded>, MapError> {
//!         let map = self.rows()?;
//!         let Some((events, _)) = map.get(&account) else { return Ok(Vec::new()) };
//!         let mut reader = Reader::after(account, version_of(events), after.get());
//!         let first = reader.first_seq();
//!         for row in events.iter().filter(|r| r.seq >= first) {
//!             reader.push(row.clone())?;
//!         }
//!         Ok(reader.finish()?)
//!     }
//!
//!     fn version(&self, account: AccountId) -> Result<Version, MapError> {
//!         Ok(Version::new(self.rows()?.get(&account).map_or(0, |(e, _)| version_of(e))))
//!     }
//! }
//!
//! // Every store can prove itself with the conformance kit (feature `testing`):
//! // partnerkit::testing::conformance::check_all(&MapStore::default());
//! ```
//!
//! # Async stores
//!
//! [`AsyncAccountStore`] is the same contract with methods returning `Send` futures, for
//! stores over an async client (e.g. the `partnerkit-postgres` crate). It has no runtime of its
//! own: any executor can drive it.

use std::future::Future;
use std::sync::Arc;

use partnerkit_core::{AccountId, Envelope, Version};
use serde::{Deserialize, Serialize};

use crate::state::{AccountEvent, AccountState};

/// An event as stored: the payload with who did it and when (rule X-1).
pub type Recorded = Envelope<AccountEvent>;

/// An account's state at a version: a snapshot as stored beside the event log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Snapshot {
    /// The state after the first `version` events.
    pub state: AccountState,
    /// How many events this state folds.
    pub version: Version,
}

/// An account as loaded: its latest snapshot (if any) and every event stored after it.
///
/// The account's version is the snapshot's version plus the number of events
/// ([`Loaded::version`]); [`Loaded::fold`] turns it into the current state.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Loaded {
    /// The latest snapshot, or `None` if none was stored (then `events` is the whole history).
    pub snapshot: Option<Snapshot>,
    /// Every event after the snapshot, oldest first.
    pub events: Vec<Recorded>,
    /// True if a stored snapshot was not used because it is in a format this release does not
    /// write or does not decode (rule X-9): `snapshot` is `None`, `events` is the whole
    /// history, and the caller should store a fresh snapshot with its next write.
    pub refresh_snapshot: bool,
}

impl Loaded {
    /// The account's version: the snapshot's version plus the events after it. Pass it to the
    /// next [`append`](AccountStore::append) as `expected`.
    pub fn version(&self) -> Version {
        let base = self
            .snapshot
            .as_ref()
            .map_or(Version::INITIAL, |s| s.version);
        base.after(u64::try_from(self.events.len()).unwrap_or(u64::MAX))
    }

    /// The current state and version: the snapshot's state (or the empty state) with every
    /// event after it applied, oldest first.
    pub fn fold(self) -> (AccountState, Version) {
        let version = self.version();
        let mut state = self.snapshot.map(|s| s.state).unwrap_or_default();
        for e in &self.events {
            state.apply(&e.event);
        }
        (state, version)
    }
}

/// One write to an account: what [`AccountStore::append`] is asked to store.
///
/// Built with [`Write::new`] (the events to append after the version the writer loaded) and,
/// now and then, [`with_snapshot`](Write::with_snapshot) (the state after those events). A
/// store reads the fields; the codec turns the whole request into rows
/// ([`codec::Append::new`](crate::codec::Append::new)). It is `#[non_exhaustive]`: a later
/// field (with a default) reaches every store without changing the trait, so outside this
/// crate a `Write` is built with [`Write::new`], never as a struct literal.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct Write<'a> {
    /// The account written to.
    pub account: AccountId,
    /// The version the writer loaded ([`Version::INITIAL`] for a new account): the write is
    /// stored only if the account is still at it.
    pub expected: Version,
    /// The new events, oldest first.
    pub events: &'a [Recorded],
    /// The state after `events`, to store as the account's snapshot in the same atomic write.
    pub snapshot: Option<&'a AccountState>,
}

impl<'a> Write<'a> {
    /// Appends `events` to `account` if it is still at version `expected`; no snapshot.
    pub fn new(account: AccountId, expected: Version, events: &'a [Recorded]) -> Write<'a> {
        Write {
            account,
            expected,
            events,
            snapshot: None,
        }
    }

    /// Stores `snapshot` — the state after this write's events — with them (`None`: none).
    #[must_use]
    pub fn with_snapshot(self, snapshot: impl Into<Option<&'a AccountState>>) -> Write<'a> {
        Write {
            snapshot: snapshot.into(),
            ..self
        }
    }

    /// The account's version once this write is stored: `expected` plus the number of events.
    pub fn new_version(&self) -> Version {
        self.expected
            .after(u64::try_from(self.events.len()).unwrap_or(u64::MAX))
    }
}

/// Why a write failed.
///
/// Reads return the backend's own error; a write needs one more case, [`Conflict`](Self::Conflict),
/// which calls for a retry rather than an alarm. Corrupt data is reported inside the backend
/// error (each backend names what it found, e.g. `partnerkit_sqlite::Error::Corrupt`), so the
/// four methods stay one contract.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError<E> {
    /// Someone else wrote to the account since it was loaded. Reload it, decide the command
    /// again against the fresh state, and retry.
    #[error(
        "the account changed since it was loaded (expected {expected}, found {actual}): reload and retry"
    )]
    Conflict {
        /// The version the writer loaded.
        expected: Version,
        /// The version the store holds now.
        actual: Version,
    },
    /// The storage backend failed, or refused stored data it cannot trust.
    #[error("the store failed: {0}")]
    Backend(#[source] E),
}

/// Where a host keeps accounts: each account's append-only event log and its snapshots.
///
/// See the [module documentation](self) for the contract and a complete implementation. Run
/// the conformance kit (`partnerkit::testing::conformance`, feature `testing`) against your
/// implementation in your own tests.
pub trait AccountStore {
    /// The backend's own error.
    type Error: std::error::Error + Send + Sync + 'static;

    /// The account's latest snapshot and every event after it, or `None` if the account has
    /// no events. Refuses (with an error) a gap in the events or a value that does not decode.
    fn load(&self, account: AccountId) -> Result<Option<Loaded>, Self::Error>;

    /// Stores the write's `events` if, and only if, its account is still at `expected` (use
    /// [`Version::INITIAL`] for a new account), together with its `snapshot` — the state after
    /// these events — if given, in one atomic write. Returns the new version
    /// ([`Write::new_version`]: `expected` plus the number of events).
    ///
    /// On a version mismatch returns [`StoreError::Conflict`] and stores nothing.
    fn append(&self, write: Write<'_>) -> Result<Version, StoreError<Self::Error>>;

    /// The stored events after `after` (all of them for [`Version::INITIAL`]), oldest first:
    /// the account's audit trail. Refuses a gap or an event that does not decode.
    fn events(&self, account: AccountId, after: Version) -> Result<Vec<Recorded>, Self::Error>;

    /// The account's current version ([`Version::INITIAL`] if it does not exist), in one cheap
    /// read: callers use it to check a cached state is current.
    fn version(&self, account: AccountId) -> Result<Version, Self::Error>;
}

/// [`AccountStore`] for async backends: the same four methods, each returning a `Send`
/// future, with the same contract. Runtime-agnostic: it names no executor.
///
/// Implement it with `async fn` bodies wrapped in `async move { … }` (or plain `async fn`
/// where the compiler can prove the future is `Send`).
pub trait AsyncAccountStore: Send + Sync {
    /// The backend's own error.
    type Error: std::error::Error + Send + Sync + 'static;

    /// See [`AccountStore::load`].
    fn load(
        &self,
        account: AccountId,
    ) -> impl Future<Output = Result<Option<Loaded>, Self::Error>> + Send;

    /// See [`AccountStore::append`].
    fn append(
        &self,
        write: Write<'_>,
    ) -> impl Future<Output = Result<Version, StoreError<Self::Error>>> + Send;

    /// See [`AccountStore::events`].
    fn events(
        &self,
        account: AccountId,
        after: Version,
    ) -> impl Future<Output = Result<Vec<Recorded>, Self::Error>> + Send;

    /// See [`AccountStore::version`].
    fn version(
        &self,
        account: AccountId,
    ) -> impl Future<Output = Result<Version, Self::Error>> + Send;
}

/// The return type of a sync store method: the result itself.
macro_rules! now {
    ($ok:ty, $err:ty) => { Result<$ok, $err> };
}

/// The return type of an async store method: a `Send` future of the result.
macro_rules! later {
    ($ok:ty, $err:ty) => { impl Future<Output = Result<$ok, $err>> + Send };
}

/// A store trait implemented for a reference or an `Arc` of a store, forwarding each method:
/// one body for the sync trait and its async twin, whose methods differ only in what they
/// return (`$out`: [`now`] or [`later`]).
macro_rules! forward {
    ($store:ident for $ty:ty, $out:ident) => {
        impl<S: $store + ?Sized> $store for $ty {
            type Error = S::Error;
            fn load(&self, account: AccountId) -> $out!(Option<Loaded>, Self::Error) {
                (**self).load(account)
            }
            fn append(&self, write: Write<'_>) -> $out!(Version, StoreError<Self::Error>) {
                (**self).append(write)
            }
            fn events(
                &self,
                account: AccountId,
                after: Version,
            ) -> $out!(Vec<Recorded>, Self::Error) {
                (**self).events(account, after)
            }
            fn version(&self, account: AccountId) -> $out!(Version, Self::Error) {
                (**self).version(account)
            }
        }
    };
}

forward!(AccountStore for &S, now);
forward!(AccountStore for Arc<S>, now);
forward!(AsyncAccountStore for &S, later);
forward!(AsyncAccountStore for Arc<S>, later);
