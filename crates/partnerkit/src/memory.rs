//! An in-memory [`AccountStore`] for tests, examples and single-process hosts.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

use partnerkit_core::{AccountId, Version};

use crate::state::AccountState;
use crate::store::{AccountStore, Loaded, Recorded, Snapshot, StoreError};

/// Accounts kept in memory behind a mutex. Safe to share between threads (wrap it in an
/// `Arc`); everything is lost when it is dropped.
///
/// Like a database it keeps **bytes**: every event and snapshot is written as JSON and read
/// back from JSON, so a value that would not survive a real store (one whose JSON form does
/// not decode again) fails here too, on the write, instead of bricking the account later.
/// Event sequence numbers are stored and checked on every read, as a database's rows are.
#[derive(Debug, Default)]
pub struct InMemoryStore {
    accounts: Mutex<HashMap<AccountId, Stored>>,
}

#[derive(Debug, Default)]
struct Stored {
    /// `(seq, json)`, seq counting from 1.
    events: Vec<(u64, Vec<u8>)>,
    /// The latest snapshot: its version and JSON.
    snapshot: Option<(u64, Vec<u8>)>,
}

impl Stored {
    fn version(&self) -> Version {
        Version::new(self.events.last().map_or(0, |(seq, _)| *seq))
    }
}

/// What can go wrong in the in-memory store.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MemoryError {
    /// A thread panicked while holding the store's lock.
    #[error("the in-memory store's lock was poisoned by a panicking thread: rebuild the store")]
    Poisoned,
    /// A value could not be written as JSON that reads back, or a stored value is corrupt
    /// (does not decode, or an event is missing).
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

fn corrupt(what: String) -> MemoryError {
    MemoryError::Corrupt { what }
}

/// Encodes a value as JSON and proves it decodes to the same value; `what` names it in
/// an error.
fn encode<T>(value: &T, what: impl Fn() -> String) -> Result<Vec<u8>, MemoryError>
where
    T: serde::Serialize + serde::de::DeserializeOwned + PartialEq,
{
    let bytes = serde_json::to_vec(value)
        .map_err(|e| corrupt(format!("to write {}: it has no JSON form: {e}", what())))?;
    let back: T = serde_json::from_slice(&bytes).map_err(|e| {
        corrupt(format!(
            "to write {}: its JSON form would not read back ({e}); the value must be fixed where it was built",
            what()
        ))
    })?;
    if &back != value {
        return Err(corrupt(format!(
            "to write {}: its JSON form reads back as a different value",
            what()
        )));
    }
    Ok(bytes)
}

fn decode<T: serde::de::DeserializeOwned>(
    bytes: &[u8],
    what: impl FnOnce() -> String,
) -> Result<T, MemoryError> {
    serde_json::from_slice(bytes)
        .map_err(|e| corrupt(format!("{}: it does not decode: {e}", what())))
}

/// Decodes the events with `seq > after`, refusing a gap.
fn events_after(
    account: AccountId,
    stored: &Stored,
    after: u64,
) -> Result<Vec<Recorded>, MemoryError> {
    let mut out = Vec::new();
    let mut next = after.saturating_add(1);
    for (seq, bytes) in stored.events.iter().filter(|(seq, _)| *seq > after) {
        if *seq != next {
            return Err(corrupt(format!(
                "account {account}'s history: event {next} is missing (found {seq} after it)"
            )));
        }
        out.push(decode(bytes, || {
            format!("event {seq} of account {account}")
        })?);
        next = next.saturating_add(1);
    }
    Ok(out)
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

    /// Test support: removes the stored event `seq` of `account` (as a deleted database row
    /// would), so tests can prove gaps are refused. Returns whether there was such an event.
    #[cfg(any(test, feature = "testing"))]
    pub fn remove_event(&self, account: AccountId, seq: u64) -> bool {
        let Ok(mut map) = self.lock() else {
            return false;
        };
        let Some(stored) = map.get_mut(&account) else {
            return false;
        };
        let before = stored.events.len();
        stored.events.retain(|(s, _)| *s != seq);
        stored.events.len() != before
    }

    /// Test support: replaces the stored bytes of event `seq` of `account` (as a row edited
    /// by hand would be), so tests can prove corrupt data is refused. Returns whether there was
    /// such an event.
    #[cfg(any(test, feature = "testing"))]
    pub fn overwrite_event(&self, account: AccountId, seq: u64, bytes: &[u8]) -> bool {
        let Ok(mut map) = self.lock() else {
            return false;
        };
        map.get_mut(&account)
            .and_then(|s| s.events.iter_mut().find(|(s, _)| *s == seq))
            .map(|(_, stored)| *stored = bytes.to_vec())
            .is_some()
    }
}

impl AccountStore for InMemoryStore {
    type Error = MemoryError;

    fn load(&self, account: AccountId) -> Result<Option<Loaded>, MemoryError> {
        let map = self.lock()?;
        let Some(stored) = map.get(&account) else {
            return Ok(None);
        };
        if stored.events.is_empty() {
            return Ok(None);
        }
        let snapshot = match &stored.snapshot {
            Some((version, bytes)) => Some(Snapshot {
                state: decode(bytes, || {
                    format!("the snapshot at v{version} of account {account}")
                })?,
                version: Version::new(*version),
            }),
            None => None,
        };
        let after = snapshot.as_ref().map_or(0, |s| s.version.get());
        let events = events_after(account, stored, after)?;
        let loaded = Loaded { snapshot, events };
        if loaded.version() != stored.version() {
            return Err(corrupt(format!(
                "account {account}: its snapshot and events add up to {}, but its last event is {}",
                loaded.version(),
                stored.version()
            )));
        }
        Ok(Some(loaded))
    }

    fn append(
        &self,
        account: AccountId,
        expected: Version,
        events: &[Recorded],
        snapshot: Option<&AccountState>,
    ) -> Result<Version, StoreError<MemoryError>> {
        // Encode before taking the lock: a value that cannot be stored changes nothing.
        let mut encoded = Vec::with_capacity(events.len());
        for (i, e) in events.iter().enumerate() {
            encoded.push(
                encode(e, || format!("event {} of this append", i + 1))
                    .map_err(StoreError::Backend)?,
            );
        }
        let snapshot = snapshot
            .map(|s| encode(s, || "the snapshot".to_string()))
            .transpose()
            .map_err(StoreError::Backend)?;
        let mut map = self.lock().map_err(StoreError::Backend)?;
        let actual = map.get(&account).map_or(Version::INITIAL, Stored::version);
        if actual != expected {
            return Err(StoreError::Conflict { expected, actual });
        }
        let version = expected.after(u64::try_from(events.len()).unwrap_or(u64::MAX));
        if version == Version::INITIAL {
            return Ok(version);
        }
        let stored = map.entry(account).or_default();
        let mut seq = expected.get();
        for bytes in encoded {
            seq = seq.saturating_add(1);
            stored.events.push((seq, bytes));
        }
        if let Some(bytes) = snapshot {
            stored.snapshot = Some((version.get(), bytes));
        }
        Ok(version)
    }

    fn events(&self, account: AccountId, after: Version) -> Result<Vec<Recorded>, MemoryError> {
        let map = self.lock()?;
        match map.get(&account) {
            Some(stored) => events_after(account, stored, after.get()),
            None => Ok(Vec::new()),
        }
    }

    fn version(&self, account: AccountId) -> Result<Version, MemoryError> {
        Ok(self
            .lock()?
            .get(&account)
            .map_or(Version::INITIAL, Stored::version))
    }
}

/// The in-memory store serves async hosts too: nothing in it blocks.
impl crate::store::AsyncAccountStore for InMemoryStore {
    type Error = MemoryError;

    async fn load(&self, account: AccountId) -> Result<Option<Loaded>, MemoryError> {
        AccountStore::load(self, account)
    }

    async fn append(
        &self,
        account: AccountId,
        expected: Version,
        events: &[Recorded],
        snapshot: Option<&AccountState>,
    ) -> Result<Version, StoreError<MemoryError>> {
        AccountStore::append(self, account, expected, events, snapshot)
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
    fn in_memory_store_refuses_gaps_and_corrupt_events() {
        // rule: X-1 (the audit trail is never silently shortened)
        let store = InMemoryStore::new();
        conformance::check_gaps_are_refused(&store, |account, seq| {
            assert!(store.remove_event(account, seq));
        });
        conformance::check_corrupt_events_are_refused(&store, |account, seq| {
            assert!(store.overwrite_event(account, seq, b"{\"domain\": \"nonsense\"}"));
        });
    }
}
