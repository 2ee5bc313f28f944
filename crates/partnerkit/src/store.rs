//! Storage traits: where a host keeps each account's state and its events.
//!
//! partnerkit never touches a database. The [`AccountService`](crate::AccountService) loads an
//! account's [`Snapshot`] (state + [`Version`]), decides a command, and asks the store to
//! [`append`](AccountStore::append) the new events and state **only if the version is still
//! the one it loaded** — optimistic concurrency. When two writers race, one wins and the other
//! gets [`StoreError::Conflict`]: it reloads and retries, so no update is ever lost.
//!
//! A store needs three methods. Here is a complete one, kept in a `Mutex<HashMap>` (the
//! shipped [`InMemoryStore`](crate::InMemoryStore) is the same with a few conveniences):
//!
//! ```
//! use std::collections::HashMap;
//! use std::sync::Mutex;
//! use partnerkit::core::{AccountId, Version};
//! use partnerkit::store::{AccountStore, Recorded, Snapshot, StoreError};
//! use partnerkit::{AccountEvent, AccountState};
//!
//! #[derive(Default)]
//! struct MapStore(Mutex<HashMap<AccountId, (AccountState, Vec<Recorded>)>>);
//!
//! #[derive(Debug, thiserror::Error)]
//! #[error("the store's lock was poisoned")]
//! struct Poisoned;
//!
//! impl AccountStore for MapStore {
//!     type Error = Poisoned;
//!
//!     fn load(&self, account: AccountId) -> Result<Option<Snapshot>, Poisoned> {
//!         let map = self.0.lock().map_err(|_| Poisoned)?;
//!         Ok(map.get(&account).map(|(state, events)| Snapshot {
//!             state: state.clone(),
//!             version: Version::new(events.len() as u64),
//!         }))
//!     }
//!
//!     fn append(
//!         &self,
//!         account: AccountId,
//!         expected: Version,
//!         state: &AccountState,
//!         events: &[Recorded],
//!     ) -> Result<Version, StoreError<Poisoned>> {
//!         let mut map = self.0.lock().map_err(|_| StoreError::Backend(Poisoned))?;
//!         let entry = map.entry(account).or_default();
//!         let actual = Version::new(entry.1.len() as u64);
//!         if actual != expected {
//!             return Err(StoreError::Conflict { expected, actual });
//!         }
//!         entry.0 = state.clone();
//!         entry.1.extend_from_slice(events);
//!         Ok(Version::new(entry.1.len() as u64))
//!     }
//!
//!     fn events(&self, account: AccountId, after: Version) -> Result<Vec<Recorded>, Poisoned> {
//!         let map = self.0.lock().map_err(|_| Poisoned)?;
//!         let skip = usize::try_from(after.get()).unwrap_or(usize::MAX);
//!         Ok(map.get(&account).map(|(_, e)| e.iter().skip(skip).cloned().collect()).unwrap_or_default())
//!     }
//! }
//!
//! // Every store can prove itself with the conformance kit (feature `testing`):
//! // partnerkit::testing::conformance::check_all(&MapStore::default());
//! ```

use partnerkit_core::{AccountId, Envelope, Version};
use serde::{Deserialize, Serialize};

use crate::state::{AccountEvent, AccountState};

/// An event as stored: the payload with who did it and when (rule X-1).
pub type Recorded = Envelope<AccountEvent>;

/// An account's state as loaded, with the version to pass to the next
/// [`append`](AccountStore::append).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    /// The state after every stored event.
    pub state: AccountState,
    /// How many events are stored: the precondition of the next write.
    pub version: Version,
}

/// Why a write failed.
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
    /// The storage backend failed.
    #[error("the store failed: {0}")]
    Backend(#[source] E),
}

/// Where a host keeps accounts: their current state and their append-only event log.
///
/// Three methods are required; everything else has a default. Implementations must make
/// [`append`](AccountStore::append) atomic: the state and all events are stored together, or
/// nothing is, and only if the stored version equals `expected`.
///
/// Run the conformance kit (`partnerkit::testing::conformance`, feature `testing`) against
/// your implementation in your own tests.
pub trait AccountStore {
    /// The backend's own error.
    type Error: std::error::Error + Send + Sync + 'static;

    /// The account's latest state and version, or `None` if nothing was ever stored for it.
    fn load(&self, account: AccountId) -> Result<Option<Snapshot>, Self::Error>;

    /// Stores `state` and appends `events` if, and only if, the account is still at
    /// `expected` (use [`Version::INITIAL`] for a new account). Returns the new version:
    /// `expected` plus the number of events.
    ///
    /// On a version mismatch returns [`StoreError::Conflict`] and stores nothing.
    fn append(
        &self,
        account: AccountId,
        expected: Version,
        state: &AccountState,
        events: &[Recorded],
    ) -> Result<Version, StoreError<Self::Error>>;

    /// The stored events after `after` (all of them for [`Version::INITIAL`]), oldest first:
    /// the account's audit trail.
    fn events(&self, account: AccountId, after: Version) -> Result<Vec<Recorded>, Self::Error>;

    /// The account's current version ([`Version::INITIAL`] if it does not exist).
    fn version(&self, account: AccountId) -> Result<Version, Self::Error> {
        Ok(self
            .load(account)?
            .map_or(Version::INITIAL, |snapshot| snapshot.version))
    }

    /// True if anything was stored for the account.
    fn exists(&self, account: AccountId) -> Result<bool, Self::Error> {
        Ok(self.load(account)?.is_some())
    }
}

impl<S: AccountStore + ?Sized> AccountStore for &S {
    type Error = S::Error;
    fn load(&self, account: AccountId) -> Result<Option<Snapshot>, Self::Error> {
        (**self).load(account)
    }
    fn append(
        &self,
        account: AccountId,
        expected: Version,
        state: &AccountState,
        events: &[Recorded],
    ) -> Result<Version, StoreError<Self::Error>> {
        (**self).append(account, expected, state, events)
    }
    fn events(&self, account: AccountId, after: Version) -> Result<Vec<Recorded>, Self::Error> {
        (**self).events(account, after)
    }
}

impl<S: AccountStore + ?Sized> AccountStore for std::sync::Arc<S> {
    type Error = S::Error;
    fn load(&self, account: AccountId) -> Result<Option<Snapshot>, Self::Error> {
        (**self).load(account)
    }
    fn append(
        &self,
        account: AccountId,
        expected: Version,
        state: &AccountState,
        events: &[Recorded],
    ) -> Result<Version, StoreError<Self::Error>> {
        (**self).append(account, expected, state, events)
    }
    fn events(&self, account: AccountId, after: Version) -> Result<Vec<Recorded>, Self::Error> {
        (**self).events(account, after)
    }
}
