//! [`AsyncAccountService`]: the account service for async hosts, over an
//! [`AsyncAccountStore`]. It drives the same engine as [`AccountService`](crate::AccountService):
//! the same table, the same decide step, the same cache; only the store calls are awaited.

use chrono::{DateTime, Utc};
use partnerkit_access::{Decision, Permission};
use partnerkit_core::{AccountId, Actor, Context, DataClasses, Envelope, Version};
use partnerkit_payouts::{LedgerEntry, PayoutMonth, Statement};

use crate::cache::Guard;
use crate::command::AccountCommand;
use crate::drive::{Execute, Fetch, Io, Machine, Next, Reply, boxed, boxed_append};
use crate::engine::Engine;
use crate::error::Error;
use crate::kind::{CommandKind, ReadKind};
use crate::selling::Readiness;
use crate::service::{Executed, Freshness};
use crate::settings::Settings;
use crate::state::AccountState;
use crate::store::{AsyncAccountStore, Recorded};
use crate::view::{AccountEventView, AccountView, history_view};

/// The account service for async hosts (axum, tonic, …): every method of
/// [`AccountService`](crate::AccountService) that touches the store, awaited.
///
/// It is `Send + Sync`; its futures are `Send`, so a handler can hold them across `.await` on
/// a multi-threaded runtime. Deciding is pure and quick (microseconds, no I/O), so it runs on
/// the calling task; only the store is awaited. Share one per process in an `Arc`.
///
/// ```
/// use partnerkit::core::{AccountId, Actor, Context, SequentialIds};
/// use partnerkit::core::chrono::{TimeZone, Utc};
/// use partnerkit::core::uuid::Uuid;
/// use partnerkit::identity::{StepState, VerificationStep};
/// use partnerkit::{AccountCommand, AsyncAccountService, InMemoryStore};
/// # fn block_on<F: std::future::Future>(f: F) -> F::Output {
/// #     use std::task::{Context, Poll, Wake, Waker};
/// #     struct Noop;
/// #     impl Wake for Noop { fn wake(self: std::sync::Arc<Self>) {} }
/// #     let waker = Waker::from(std::sync::Arc::new(Noop));
/// #     let mut f = std::pin::pin!(f);
/// #     loop {
/// #         if let Poll::Ready(v) = f.as_mut().poll(&mut Context::from_waker(&waker)) { return v; }
/// #     }
/// # }
///
/// // Any store that implements the sync trait works through its async twin too.
/// let service = AsyncAccountService::new(InMemoryStore::new());
/// let ids = SequentialIds::default();
/// let now = Utc.with_ymd_and_hms(2027, 1, 5, 9, 0, 0).unwrap();
/// let account = AccountId::from_uuid(Uuid::from_u128(1));
/// let ctx = Context::new(now, Actor::Marketplace, &ids);
/// // In a handler: `service.execute(account, &ctx, command).await`.
/// let verify = AccountCommand::RecordVerification {
///     step: VerificationStep::Email,
///     state: StepState::Verified,
/// };
/// let err = block_on(service.execute(account, &ctx, verify)).unwrap_err();
/// assert_eq!(err.code(), "account_not_found", "told to the marketplace only (rule X-2)");
/// ```
#[derive(Debug)]
pub struct AsyncAccountService<S> {
    store: S,
    engine: Engine,
}

impl<S: AsyncAccountStore> AsyncAccountService<S> {
    /// A service over `store` with [`Settings::default`]: the data shipped with the payouts
    /// and tax crates, and an empty agreements catalogue (the host gives the marketplace's
    /// own with [`with_settings`](Self::with_settings)).
    pub fn new(store: S) -> Self {
        Self::with_settings(store, Settings::default())
    }

    /// A service over `store` with the host's own data and tuning.
    pub fn with_settings(store: S, settings: Settings) -> Self {
        AsyncAccountService {
            store,
            engine: Engine::new(settings),
        }
    }

    /// The store.
    pub fn store(&self) -> &S {
        &self.store
    }

    /// The data the service decides with.
    pub fn settings(&self) -> &Settings {
        &self.engine.settings
    }

    /// [`AccountService::execute`](crate::AccountService::execute), awaited.
    ///
    /// # Errors
    /// As the sync service.
    pub async fn execute(
        &self,
        account: AccountId,
        ctx: &Context<'_>,
        command: AccountCommand,
    ) -> Result<Executed, Error> {
        let execute = Execute::new(&self.engine, account, ctx, command, None);
        self.drive(account, execute).await
    }

    /// [`AccountService::execute_expecting`](crate::AccountService::execute_expecting),
    /// awaited.
    ///
    /// # Errors
    /// As the sync service.
    pub async fn execute_expecting(
        &self,
        account: AccountId,
        ctx: &Context<'_>,
        command: AccountCommand,
        expected: Version,
    ) -> Result<Executed, Error> {
        let execute = Execute::new(&self.engine, account, ctx, command, Some(expected));
        self.drive(account, execute).await
    }

    /// Runs a step machine of the engine to its end, awaiting each store call.
    async fn drive<M: Machine>(
        &self,
        account: AccountId,
        mut machine: M,
    ) -> Result<M::Output, Error> {
        let mut reply = Reply::Start;
        loop {
            reply = match machine.resume(reply) {
                Next::Done(outcome) => return outcome,
                Next::Io(Io::Version) => {
                    Reply::Version(self.store.version(account).await.map_err(boxed))
                }
                Next::Io(Io::Events(after)) => {
                    Reply::Events(self.store.events(account, after).await.map_err(boxed))
                }
                Next::Io(Io::Load) => Reply::Loaded(self.store.load(account).await.map_err(boxed)),
                Next::Io(Io::Lock(slot)) => Reply::Locked(slot.lock_arc().await),
                Next::Io(Io::Append(write)) => {
                    let appended = self.store.append(write);
                    Reply::Appended(appended.await.map_err(boxed_append))
                }
            };
        }
    }

    /// The account's entry, locked and caught up with the store as `freshness` asks.
    async fn entry(&self, account: AccountId, freshness: Freshness) -> Result<Guard, Error> {
        self.drive(account, Fetch::new(&self.engine, account, freshness))
            .await
    }

    /// Runs `f` on the account's current state, after the read table admitted the actor, if
    /// one is given, with the classes it may see.
    async fn read<T>(
        &self,
        account: AccountId,
        actor: Option<(&Actor, ReadKind)>,
        f: impl FnOnce(&AccountState, DataClasses) -> Result<T, Error>,
    ) -> Result<T, Error> {
        let entry = self.entry(account, Freshness::Current).await?;
        let (state, classes) = Engine::admit(&entry, account, actor)?;
        f(state, classes)
    }

    /// [`AccountService::state`](crate::AccountService::state), awaited. **Checks no actor**;
    /// see [`state_for`](Self::state_for).
    pub async fn state(&self, account: AccountId) -> Result<Option<AccountState>, Error> {
        let entry = self.entry(account, Freshness::Current).await?;
        Ok((entry.version != Version::INITIAL).then(|| entry.state.clone()))
    }

    /// The account's version as stored now.
    pub async fn version(&self, account: AccountId) -> Result<Version, Error> {
        self.store.version(account).await.map_err(Error::store)
    }

    /// [`AccountService::history`](crate::AccountService::history), awaited. **Checks no
    /// actor**; see [`history_for`](Self::history_for).
    pub async fn history(&self, account: AccountId) -> Result<Vec<Recorded>, Error> {
        self.store
            .events(account, Version::INITIAL)
            .await
            .map_err(Error::store)
    }

    /// [`AccountService::may_read`](crate::AccountService::may_read), awaited.
    pub async fn may_read(
        &self,
        account: AccountId,
        actor: &Actor,
        kind: ReadKind,
    ) -> Result<(), Error> {
        let entry = self.entry(account, Freshness::Current).await?;
        Engine::may_read(&entry, actor, kind)?;
        Ok(())
    }

    /// [`AccountService::state_for`](crate::AccountService::state_for), awaited.
    pub async fn state_for(&self, account: AccountId, actor: &Actor) -> Result<AccountView, Error> {
        self.read(account, Some((actor, ReadKind::State)), |state, classes| {
            Ok(AccountView::of(state, classes))
        })
        .await
    }

    /// [`AccountService::history_for`](crate::AccountService::history_for), awaited.
    pub async fn history_for(
        &self,
        account: AccountId,
        actor: &Actor,
    ) -> Result<Vec<Envelope<AccountEventView>>, Error> {
        let history = Some((actor, ReadKind::History));
        let classes = self.read(account, history, |_, c| Ok(c)).await?;
        Ok(history_view(self.history(account).await?, classes))
    }

    /// [`AccountService::authorize`](crate::AccountService::authorize), awaited.
    pub async fn authorize(
        &self,
        account: AccountId,
        actor: &Actor,
        permission: Permission,
    ) -> Result<Decision, Error> {
        self.authorize_with(account, actor, permission, Freshness::Current)
            .await
    }

    /// [`AccountService::authorize_with`](crate::AccountService::authorize_with), awaited.
    pub async fn authorize_with(
        &self,
        account: AccountId,
        actor: &Actor,
        permission: Permission,
        freshness: Freshness,
    ) -> Result<Decision, Error> {
        let entry = self.entry(account, freshness).await?;
        Engine::authorize(&entry, actor, permission)
    }

    /// [`AccountService::may`](crate::AccountService::may), awaited.
    pub async fn may(
        &self,
        account: AccountId,
        actor: &Actor,
        kind: CommandKind,
    ) -> Result<(), Error> {
        let entry = self.entry(account, Freshness::Current).await?;
        Engine::may(&entry, actor, kind)
    }

    /// [`AccountService::readiness`](crate::AccountService::readiness), awaited. **Checks no
    /// actor**; see [`readiness_for`](Self::readiness_for).
    pub async fn readiness(
        &self,
        account: AccountId,
        now: DateTime<Utc>,
    ) -> Result<Readiness, Error> {
        self.read(account, None, |state, _| {
            Ok(self.engine.readiness(state, now))
        })
        .await
    }

    /// [`AccountService::readiness_for`](crate::AccountService::readiness_for), awaited.
    pub async fn readiness_for(
        &self,
        account: AccountId,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Readiness, Error> {
        self.read(account, Some((actor, ReadKind::Readiness)), |state, _| {
            Ok(self.engine.readiness(state, now))
        })
        .await
    }

    /// [`AccountService::statements`](crate::AccountService::statements), awaited. **Checks
    /// no actor**; see [`statements_for`](Self::statements_for).
    pub async fn statements(
        &self,
        account: AccountId,
        entries: &[LedgerEntry],
        first: PayoutMonth,
        last: PayoutMonth,
    ) -> Result<Vec<Statement>, Error> {
        self.read(account, None, |state, _| {
            self.engine.statements(account, state, entries, first, last)
        })
        .await
    }

    /// [`AccountService::statements_for`](crate::AccountService::statements_for), awaited.
    pub async fn statements_for(
        &self,
        account: AccountId,
        actor: &Actor,
        entries: &[LedgerEntry],
        first: PayoutMonth,
        last: PayoutMonth,
    ) -> Result<Vec<Statement>, Error> {
        self.read(account, Some((actor, ReadKind::Statements)), |state, _| {
            self.engine.statements(account, state, entries, first, last)
        })
        .await
    }
}
