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
//! - Reads refuse what they cannot trust: an event or snapshot that does not decode, a missing
//!   event (a gap in the sequence) or an impossible version is an error of the backend's own
//!   [`Error`](AccountStore::Error) type (e.g. a `Corrupt` variant naming what is wrong), never
//!   a silently shorter history. [`StoreError`] is only for writes, where a conflict must be
//!   told apart from a failure.
//! - Stores keep **bytes**, not Rust values: events and snapshots go through their JSON form
//!   (a snapshot-tested public format), so what loads is what any process would read back.
//!
//! A store needs four methods. Here is a complete one, kept as JSON in a `Mutex<HashMap>`
//! (the shipped [`InMemoryStore`](crate::InMemoryStore) is the same with gap checks and a
//! few conveniences):
//!
//! ```
//! use std::collections::HashMap;
//! use std::sync::Mutex;
//! use partnerkit::core::{AccountId, Version};
//! use partnerkit::store::{AccountStore, Loaded, Recorded, Snapshot, StoreError};
//! use partnerkit::AccountState;
//!
//! /// Per account: every event as JSON, and the latest snapshot (its version and JSON).
//! #[derive(Default)]
//! struct MapStore(Mutex<HashMap<AccountId, (Vec<String>, Option<(u64, String)>)>>);
//!
//! #[derive(Debug, thiserror::Error)]
//! enum MapError {
//!     #[error("the store's lock was poisoned")]
//!     Poisoned,
//!     #[error("a stored value is corrupt: {0}")]
//!     Corrupt(#[from] serde_json::Error),
//! }
//!
//! impl AccountStore for MapStore {
//!     type Error = MapError;
//!
//!     fn load(&self, account: AccountId) -> Result<Option<Loaded>, MapError> {
//!         let map = self.0.lock().map_err(|_| MapError::Poisoned)?;
//!         let Some((events, snapshot)) = map.get(&account) else { return Ok(None) };
//!         let (snapshot, from) = match snapshot {
//!             Some((v, json)) => {
//!                 let state = serde_json::from_str(json)?;
//!                 (Some(Snapshot { state, version: Version::new(*v) }), *v as usize)
//!             }
//!             None => (None, 0),
//!         };
//!         let events = events.iter().skip(from).map(|e| serde_json::from_str(e)).collect::<Result<_, _>>()?;
//!         Ok(Some(Loaded { snapshot, events }))
//!     }
//!
//!     fn append(
//!         &self,
//!         account: AccountId,
//!         expected: Version,
//!         events: &[Recorded],
//!         snapshot: Option<&AccountState>,
//!     ) -> Result<Version, StoreError<MapError>> {
//!         let backend = |e| StoreError::Backend(MapError::Corrupt(e));
//!         let new: Vec<String> = events.iter().map(serde_json::to_string).collect::<Result<_, _>>().map_err(backend)?;
//!         let snapshot = snapshot.map(serde_json::to_string).transpose().map_err(backend)?;
//!         let mut map = self.0.lock().map_err(|_| StoreError::Backend(MapError::Poisoned))?;
//!         let actual = Version::new(map.get(&account).map_or(0, |(e, _)| e.len() as u64));
//!         if actual != expected {
//!             return Err(StoreError::Conflict { expected, actual });
//!         }
//!         let version = expected.after(new.len() as u64);
//!         if version == Version::INITIAL {
//!             return Ok(version); // nothing to store for an account that does not exist
//!         }
//!         let entry = map.entry(account).or_default();
//!         entry.0.extend(new);
//!         if let Some(json) = snapshot {
//!             entry.1 = Some((version.get(), json));
//!         }
//!         Ok(version)
//!     }
//!
//!     fn events(&self, account: AccountId, after: Version) -> Result<Vec<Recorded>, MapError> {
//!         let map = self.0.lock().map_err(|_| MapError::Poisoned)?;
//!         let Some((events, _)) = map.get(&account) else { return Ok(Vec::new()) };
//!         Ok(events.iter().skip(after.get() as usize).map(|e| serde_json::from_str(e)).collect::<Result<_, _>>()?)
//!     }
//!
//!     fn version(&self, account: AccountId) -> Result<Version, MapError> {
//!         let map = self.0.lock().map_err(|_| MapError::Poisoned)?;
//!         Ok(Version::new(map.get(&account).map_or(0, |(e, _)| e.len() as u64)))
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

/// A snapshot's JSON, proven to read back as the same state before a store writes it, so a
/// store never keeps a snapshot it could not load. Returns what is wrong, for the store's own
/// error, if the state has no JSON form or reads back differently.
pub fn snapshot_json(state: &AccountState) -> Result<String, String> {
    let json = serde_json::to_string(state).map_err(|e| format!("it has no JSON form: {e}"))?;
    let back: AccountState =
        serde_json::from_str(&json).map_err(|e| format!("its JSON would not read back: {e}"))?;
    if &back != state {
        return Err("its JSON reads back as a different state".into());
    }
    Ok(json)
}

/// The contract's sequence rule, for stores that read events row by row: the event numbered
/// `seq` must be the `next` one expected, and not past the account's stored `version`.
/// Returns what is wrong, for the store's own corruption error, or `None` if it is in order.
pub fn sequence_problem(account: AccountId, seq: u64, next: u64, version: u64) -> Option<String> {
    if seq > version {
        Some(format!(
            "account {account}: event {seq} is stored but the account is at v{version}"
        ))
    } else if seq != next {
        Some(format!(
            "account {account}: event {next} is missing (the next stored is {seq})"
        ))
    } else {
        None
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

    /// Appends `events` if, and only if, the account is still at `expected` (use
    /// [`Version::INITIAL`] for a new account), together with `snapshot` — the state after
    /// these events — if given, in one atomic write. Returns the new version: `expected` plus
    /// the number of events.
    ///
    /// On a version mismatch returns [`StoreError::Conflict`] and stores nothing.
    fn append(
        &self,
        account: AccountId,
        expected: Version,
        events: &[Recorded],
        snapshot: Option<&AccountState>,
    ) -> Result<Version, StoreError<Self::Error>>;

    /// The stored events after `after` (all of them for [`Version::INITIAL`]), oldest first:
    /// the account's audit trail. Refuses a gap or an event that does not decode.
    fn events(&self, account: AccountId, after: Version) -> Result<Vec<Recorded>, Self::Error>;

    /// The account's current version ([`Version::INITIAL`] if it does not exist), in one cheap
    /// read: callers use it to check a cached state is current.
    fn version(&self, account: AccountId) -> Result<Version, Self::Error>;
}

macro_rules! forward_sync {
    ($ty:ty) => {
        impl<S: AccountStore + ?Sized> AccountStore for $ty {
            type Error = S::Error;
            fn load(&self, account: AccountId) -> Result<Option<Loaded>, Self::Error> {
                (**self).load(account)
            }
            fn append(
                &self,
                account: AccountId,
                expected: Version,
                events: &[Recorded],
                snapshot: Option<&AccountState>,
            ) -> Result<Version, StoreError<Self::Error>> {
                (**self).append(account, expected, events, snapshot)
            }
            fn events(
                &self,
                account: AccountId,
                after: Version,
            ) -> Result<Vec<Recorded>, Self::Error> {
                (**self).events(account, after)
            }
            fn version(&self, account: AccountId) -> Result<Version, Self::Error> {
                (**self).version(account)
            }
        }
    };
}

forward_sync!(&S);
forward_sync!(Arc<S>);

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
        account: AccountId,
        expected: Version,
        events: &[Recorded],
        snapshot: Option<&AccountState>,
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

macro_rules! forward_async {
    ($ty:ty) => {
        impl<S: AsyncAccountStore + ?Sized> AsyncAccountStore for $ty {
            type Error = S::Error;
            fn load(
                &self,
                account: AccountId,
            ) -> impl Future<Output = Result<Option<Loaded>, Self::Error>> + Send {
                (**self).load(account)
            }
            fn append(
                &self,
                account: AccountId,
                expected: Version,
                events: &[Recorded],
                snapshot: Option<&AccountState>,
            ) -> impl Future<Output = Result<Version, StoreError<Self::Error>>> + Send {
                (**self).append(account, expected, events, snapshot)
            }
            fn events(
                &self,
                account: AccountId,
                after: Version,
            ) -> impl Future<Output = Result<Vec<Recorded>, Self::Error>> + Send {
                (**self).events(account, after)
            }
            fn version(
                &self,
                account: AccountId,
            ) -> impl Future<Output = Result<Version, Self::Error>> + Send {
                (**self).version(account)
            }
        }
    };
}

forward_async!(&S);
forward_async!(Arc<S>);
