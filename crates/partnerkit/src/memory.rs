//! An in-memory [`AccountStore`] for tests, examples and single-process hosts.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

use partnerkit_core::{AccountId, Version};

use crate::state::AccountState;
use crate::store::{AccountStore, Recorded, Snapshot, StoreError};

/// Accounts kept in memory behind a mutex. Safe to share between threads (wrap it in an
/// `Arc`); everything is lost when it is dropped.
#[derive(Debug, Default)]
pub struct InMemoryStore {
    accounts: Mutex<HashMap<AccountId, Stored>>,
}

#[derive(Debug, Default)]
struct Stored {
    state: AccountState,
    events: Vec<Recorded>,
}

/// The in-memory store's lock was poisoned by a panic in another thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the in-memory store's lock was poisoned by a panicking thread: rebuild the store")]
pub struct Poisoned;

impl InMemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> Result<MutexGuard<'_, HashMap<AccountId, Stored>>, Poisoned> {
        self.accounts.lock().map_err(|_| Poisoned)
    }

    /// How many accounts are stored.
    pub fn len(&self) -> usize {
        self.lock().map_or(0, |m| m.len())
    }

    /// True if no account is stored.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

fn version_of(events: &[Recorded]) -> Version {
    Version::new(u64::try_from(events.len()).unwrap_or(u64::MAX))
}

impl AccountStore for InMemoryStore {
    type Error = Poisoned;

    fn load(&self, account: AccountId) -> Result<Option<Snapshot>, Poisoned> {
        Ok(self.lock()?.get(&account).map(|s| Snapshot {
            state: s.state.clone(),
            version: version_of(&s.events),
        }))
    }

    fn append(
        &self,
        account: AccountId,
        expected: Version,
        state: &AccountState,
        events: &[Recorded],
    ) -> Result<Version, StoreError<Poisoned>> {
        let mut map = self.lock().map_err(StoreError::Backend)?;
        let actual = map
            .get(&account)
            .map_or(Version::INITIAL, |s| version_of(&s.events));
        if actual != expected {
            return Err(StoreError::Conflict { expected, actual });
        }
        let stored = map.entry(account).or_default();
        stored.state = state.clone();
        stored.events.extend_from_slice(events);
        Ok(version_of(&stored.events))
    }

    fn events(&self, account: AccountId, after: Version) -> Result<Vec<Recorded>, Poisoned> {
        let skip = usize::try_from(after.get()).unwrap_or(usize::MAX);
        Ok(self
            .lock()?
            .get(&account)
            .map(|s| s.events.iter().skip(skip).cloned().collect())
            .unwrap_or_default())
    }
}
