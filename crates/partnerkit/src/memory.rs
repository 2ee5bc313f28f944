//! An in-memory [`AccountStore`] for tests, examples and single-process hosts.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

use partnerkit_core::{AccountId, Version};

use crate::codec::{self, Append, EventRow, LoadPlan, Reader, SnapshotRow};
use crate::store::{AccountStore, Loaded, Recorded, StoreError, Write};

/// Accounts kept in memory behind a mutex. Safe to share between threads (wrap it in an
/// `Arc`); everything is lost when it is dropped.
///
/// Like a database it keeps **rows of bytes** through the [`codec`](crate::codec): every
/// event and snapshot is encoded, proven to read back, and checked again on every read
/// (rule X-9), so a value that would not survive a real store fails here too, on the write,
/// instead of bricking the account later.
#[derive(Debug, Default)]
pub struct InMemoryStore {
    accounts: Mutex<HashMap<AccountId, Stored>>,
}

#[derive(Debug, Default, Clone)]
struct Stored {
    /// The event rows, in the order they were stored.
    events: Vec<EventRow>,
    /// The latest snapshot row.
    snapshot: Option<SnapshotRow>,
    /// The event ids stored, kept unique as a database's unique index would (rule X-9).
    ids: std::collections::HashSet<String>,
}

impl Stored {
    fn version(&self) -> u64 {
        self.events.last().map_or(0, |r| r.seq)
    }
}

/// What can go wrong in the in-memory store.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MemoryError {
    /// A thread panicked while holding the store's lock.
    #[error("the in-memory store's lock was poisoned by a panicking thread: rebuild the store")]
    Poisoned,
    /// A value could not be stored so that it reads back, or stored rows cannot be trusted
    /// (rule X-9): the codec's words for what and where.
    #[error("the in-memory store refused {what}")]
    Corrupt {
        /// What was wrong, and where.
        what: String,
    },
}

impl MemoryError {
    /// A stable, machine-readable code per variant (`"poisoned"`, `"corrupt"`).
    pub fn code(&self) -> &'static str {
        match self {
            MemoryError::Poisoned => "poisoned",
            MemoryError::Corrupt { .. } => "corrupt",
        }
    }
}

impl From<codec::Error> for MemoryError {
    fn from(e: codec::Error) -> Self {
        MemoryError::Corrupt {
            what: e.to_string(),
        }
    }
}

impl InMemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> Result<MutexGuard<'_, HashMap<AccountId, Stored>>, MemoryError> {
        self.accounts.lock().map_err(|_| MemoryError::Poisoned)
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

/// Test support: the rows as an operator with a console would see and edit them.
#[cfg(any(test, feature = "testing"))]
impl crate::testing::Rows for InMemoryStore {
    fn rows(&self, account: AccountId) -> (Vec<EventRow>, Option<SnapshotRow>) {
        self.lock()
            .ok()
            .and_then(|m| m.get(&account).cloned())
            .map_or((Vec::new(), None), |s| (s.events, s.snapshot))
    }

    fn replace_rows(
        &self,
        account: AccountId,
        events: Vec<EventRow>,
        snapshot: Option<SnapshotRow>,
    ) {
        if let Ok(mut map) = self.lock() {
            // As a hand edit that bypassed the unique index would leave it.
            let ids = events.iter().filter_map(|r| r.id.clone()).collect();
            map.insert(
                account,
                Stored {
                    events,
                    snapshot,
                    ids,
                },
            );
        }
    }
}

impl AccountStore for InMemoryStore {
    type Error = MemoryError;

    fn load(&self, account: AccountId) -> Result<Option<Loaded>, MemoryError> {
        let map = self.lock()?;
        let Some(stored) = map.get(&account).filter(|s| s.version() > 0) else {
            return Ok(None);
        };
        let mut plan = LoadPlan::new(account, stored.version(), stored.snapshot.clone())?;
        let first = plan.first_seq();
        for row in stored.events.iter().filter(|r| r.seq >= first) {
            plan.push(row.clone())?;
        }
        Ok(Some(plan.finish()?))
    }

    fn append(&self, write: Write<'_>) -> Result<Version, StoreError<MemoryError>> {
        let backend = |e: codec::Error| StoreError::Backend(e.into());
        // Encode before taking the lock: a value that cannot be stored changes nothing.
        let (account, expected) = (write.account, write.expected);
        let mut append = Append::new(write).map_err(backend)?;
        let mut map = self.lock().map_err(StoreError::Backend)?;
        let actual = Version::new(map.get(&account).map_or(0, Stored::version));
        if actual != expected {
            return Err(StoreError::Conflict { expected, actual });
        }
        let version = append.new_version();
        if version == Version::INITIAL {
            return Ok(version);
        }
        let stored = map.entry(account).or_default();
        if let Some(taken) = append
            .rows()
            .iter()
            .filter_map(|r| r.id.as_ref())
            .find(|id| stored.ids.contains(*id))
        {
            return Err(backend(codec::repeated_id(taken)));
        }
        let last = stored.events.last().map(|r| (r.seq, r.chain.as_str()));
        let snapshot = append.seal(last).map_err(backend)?;
        let rows = append.into_rows();
        stored.ids.extend(rows.iter().filter_map(|r| r.id.clone()));
        stored.events.extend(rows);
        if snapshot.is_some() {
            stored.snapshot = snapshot;
        }
        Ok(version)
    }

    fn events(&self, account: AccountId, after: Version) -> Result<Vec<Recorded>, MemoryError> {
        let map = self.lock()?;
        let Some(stored) = map.get(&account) else {
            return Ok(Vec::new());
        };
        let mut reader = Reader::after(account, stored.version(), after.get());
        let first = reader.first_seq();
        for row in stored.events.iter().filter(|r| r.seq >= first) {
            reader.push(row.clone())?;
        }
        Ok(reader.finish()?)
    }

    fn version(&self, account: AccountId) -> Result<Version, MemoryError> {
        Ok(Version::new(
            self.lock()?.get(&account).map_or(0, Stored::version),
        ))
    }
}

/// The in-memory store serves async hosts too: nothing in it blocks.
impl crate::store::AsyncAccountStore for InMemoryStore {
    type Error = MemoryError;

    async fn load(&self, account: AccountId) -> Result<Option<Loaded>, MemoryError> {
        AccountStore::load(self, account)
    }

    async fn append(&self, write: Write<'_>) -> Result<Version, StoreError<MemoryError>> {
        AccountStore::append(self, write)
    }

    async fn events(
        &self,
        account: AccountId,
        after: Version,
    ) -> Result<Vec<Recorded>, MemoryError> {
        AccountStore::events(self, account, after)
    }

    async fn version(&self, account: AccountId) -> Result<Version, MemoryError> {
        AccountStore::version(self, account)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::InMemoryStore;
    use crate::testing::conformance;

    #[test]
    fn in_memory_store_conforms() {
        conformance::check_all(&InMemoryStore::new());
    }

    #[test]
    fn in_memory_store_refuses_damaged_rows() {
        // rule: X-9
        conformance::check_damaged_rows(&InMemoryStore::new());
    }
}
