//! [`Blocking`]: any synchronous [`AccountStore`] as an [`AsyncAccountStore`], each call on
//! tokio's blocking pool.

use std::sync::Arc;

use partnerkit::AsyncAccountStore;
use partnerkit::core::{AccountId, Version};
use partnerkit::store::{AccountStore, Loaded, Recorded, StoreError, Write};

/// Any synchronous [`AccountStore`] (`SqliteStore`, your own) as an [`AsyncAccountStore`]:
/// each call runs on tokio's blocking pool (`spawn_blocking`), so file I/O and lock waits never
/// stall a runtime worker. Deciding stays on the calling task: it is pure and quick.
///
/// A blocking task is not cancelled when its future is dropped (the client hung up): an append
/// it started still completes or fails atomically, and the service catches up on its next use
/// of the account.
///
/// ```no_run
/// use partnerkit::AsyncAccountService;
/// use partnerkit::InMemoryStore;
/// use partnerkit_axum::Blocking;
///
/// // Any `AccountStore`; `partnerkit_sqlite::SqliteStore::open(path)?` in a real host.
/// let service = AsyncAccountService::new(Blocking::new(InMemoryStore::new()));
/// # let _ = service;
/// ```
#[derive(Debug)]
pub struct Blocking<S>(Arc<S>);

impl<S> Clone for Blocking<S> {
    fn clone(&self) -> Self {
        Blocking(Arc::clone(&self.0))
    }
}

impl<S> Blocking<S> {
    /// Wraps a synchronous store.
    pub fn new(store: S) -> Self {
        Blocking(Arc::new(store))
    }

    /// The synchronous store inside.
    pub fn inner(&self) -> &S {
        &self.0
    }
}

/// A synchronous store's error, or a blocking task that did not finish (it panicked, or the
/// runtime is shutting down).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BlockingError<E> {
    /// The store's own error.
    #[error(transparent)]
    Store(E),
    /// The blocking task failed.
    #[error("the store's blocking task failed: {0}")]
    Task(String),
}

impl<S: AccountStore + Send + Sync + 'static> Blocking<S> {
    async fn run<T, F>(&self, call: F) -> Result<T, BlockingError<S::Error>>
    where
        F: FnOnce(&S) -> T + Send + 'static,
        T: Send + 'static,
    {
        let store = Arc::clone(&self.0);
        tokio::task::spawn_blocking(move || call(&store))
            .await
            .map_err(|e| BlockingError::Task(e.to_string()))
    }
}

impl<S: AccountStore + Send + Sync + 'static> AsyncAccountStore for Blocking<S> {
    type Error = BlockingError<S::Error>;

    async fn load(&self, account: AccountId) -> Result<Option<Loaded>, Self::Error> {
        self.run(move |s| s.load(account))
            .await?
            .map_err(BlockingError::Store)
    }

    async fn append(&self, write: Write<'_>) -> Result<Version, StoreError<Self::Error>> {
        // The blocking task outlives this borrow, so it gets its own copies.
        let (account, expected) = (write.account, write.expected);
        let (events, snapshot) = (write.events.to_vec(), write.snapshot.cloned());
        let appended = self
            .run(move |s| {
                s.append(Write::new(account, expected, &events).with_snapshot(snapshot.as_ref()))
            })
            .await
            .map_err(StoreError::Backend)?;
        appended.map_err(|e| match e {
            StoreError::Conflict { expected, actual } => StoreError::Conflict { expected, actual },
            StoreError::Backend(e) => StoreError::Backend(BlockingError::Store(e)),
            other => StoreError::Backend(BlockingError::Task(other.to_string())),
        })
    }

    async fn events(
        &self,
        account: AccountId,
        after: Version,
    ) -> Result<Vec<Recorded>, Self::Error> {
        self.run(move |s| s.events(account, after))
            .await?
            .map_err(BlockingError::Store)
    }

    async fn version(&self, account: AccountId) -> Result<Version, Self::Error> {
        self.run(move |s| s.version(account))
            .await?
            .map_err(BlockingError::Store)
    }
}
