//! A store wrapper that injects faults: write conflicts, backend errors, and a failure
//! between deciding and appending.

use std::sync::Mutex;

use partnerkit::InMemoryStore;
use partnerkit::core::{AccountId, Version};
use partnerkit::store::{AccountStore, Loaded, Recorded, StoreError, Write};

/// A fault the simulator injects into the next store call of its kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Fault {
    /// The append reports a conflict, as if another writer had stored first.
    Conflict,
    /// The append fails in the backend: the command was decided, nothing is stored.
    AppendFails,
    /// The freshness read fails before the command is decided.
    VersionFails,
}

/// The injected failure.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Injected {
    /// A fault the simulator injected.
    #[error("injected fault: {0:?}")]
    Fault(Fault),
    /// The wrapped store failed.
    #[error("in-memory store: {0}")]
    Inner(String),
}

/// [`InMemoryStore`] with one armed fault at a time.
#[derive(Debug, Default)]
pub struct FaultyStore {
    inner: InMemoryStore,
    armed: Mutex<Option<Fault>>,
}

impl FaultyStore {
    /// A new, empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// Arms `fault` for the next call it applies to (or disarms with `None`).
    pub fn arm(&self, fault: Option<Fault>) {
        *self.armed.lock().unwrap_or_else(|e| e.into_inner()) = fault;
    }

    /// Takes the armed fault if it is `kind`.
    fn take(&self, kind: Fault) -> bool {
        let mut armed = self.armed.lock().unwrap_or_else(|e| e.into_inner());
        if *armed == Some(kind) {
            *armed = None;
            true
        } else {
            false
        }
    }

    /// The wrapped store, for checks that must bypass the faults.
    pub fn inner(&self) -> &InMemoryStore {
        &self.inner
    }
}

impl AccountStore for FaultyStore {
    type Error = Injected;

    fn load(&self, account: AccountId) -> Result<Option<Loaded>, Injected> {
        self.inner
            .load(account)
            .map_err(|e| Injected::Inner(e.to_string()))
    }

    fn append(&self, write: Write<'_>) -> Result<Version, StoreError<Injected>> {
        if self.take(Fault::Conflict) {
            return Err(StoreError::Conflict {
                expected: write.expected,
                actual: write.expected.after(1),
            });
        }
        if self.take(Fault::AppendFails) {
            return Err(StoreError::Backend(Injected::Fault(Fault::AppendFails)));
        }
        self.inner.append(write).map_err(|e| match e {
            StoreError::Conflict { expected, actual } => StoreError::Conflict { expected, actual },
            other => StoreError::Backend(Injected::Inner(other.to_string())),
        })
    }

    fn events(&self, account: AccountId, after: Version) -> Result<Vec<Recorded>, Injected> {
        self.inner
            .events(account, after)
            .map_err(|e| Injected::Inner(e.to_string()))
    }

    fn version(&self, account: AccountId) -> Result<Version, Injected> {
        if self.take(Fault::VersionFails) {
            return Err(Injected::Fault(Fault::VersionFails));
        }
        self.inner
            .version(account)
            .map_err(|e| Injected::Inner(e.to_string()))
    }
}
