//! [`AsyncAccountService`]: the account service for async hosts, over an
//! [`AsyncAccountStore`]. It drives the same engine as [`AccountService`](crate::AccountService):
//! the same table, the same decide step, the same cache; only the store calls are awaited.

use chrono::{DateTime, Utc};
use partnerkit_access::{Decision, Denial, Permission};
use partnerkit_core::{AccountId, Actor, Context, Envelope, Version};
use partnerkit_payouts::{LedgerEntry, PayoutMonth, Statement};

use crate::authorize::authorize_kind;
use crate::cache::Slot;
use crate::command::AccountCommand;
use crate::error::Error;
use crate::kind::{CommandKind, ReadKind};
use crate::selling::Readiness;
use crate::service::{AfterFailure, Engine, Executed, Freshness, Standing, invitee_of};
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
    /// A service over `store` with the default data of every crate.
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
    ) -> Result<Executed, Error<S::Error>> {
        let kind = command.kind();
        let outcome = self.run(account, ctx, command, None).await;
        Engine::trace(account, kind, &outcome);
        outcome
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
    ) -> Result<Executed, Error<S::Error>> {
        let kind = command.kind();
        let outcome = self.run(account, ctx, command, Some(expected)).await;
        Engine::trace(account, kind, &outcome);
        outcome
    }

    async fn run(
        &self,
        account: AccountId,
        ctx: &Context<'_>,
        command: AccountCommand,
        expected: Option<Version>,
    ) -> Result<Executed, Error<S::Error>> {
        // A caller's expected version is never decided again: a conflict goes back to it.
        let mut attempt = if expected.is_some() { u32::MAX } else { 0 };
        loop {
            let slot = self.slot(account, Freshness::Current).await?;
            let mut entry = slot.lock().await;
            if entry.in_flight {
                drop(entry);
                self.engine.evict(account, &slot);
                continue;
            }
            // Authorised first: a stale version is told only to whom may act (rule X-2).
            let prepared =
                self.engine
                    .decide(account, &slot, &mut entry, ctx, command.clone(), expected)?;
            if prepared.events.is_empty() {
                let version = entry.version;
                return Ok(Engine::committed(&mut entry, prepared, version));
            }
            let snapshot = prepared.snapshot_due.then_some(&entry.state);
            let appended = self
                .store
                .append(account, entry.version, &prepared.events, snapshot)
                .await;
            match appended {
                Ok(stored) => return Ok(Engine::committed(&mut entry, prepared, stored)),
                Err(e) => {
                    drop(entry);
                    match self.engine.append_failed(account, &slot, e, &mut attempt) {
                        AfterFailure::Retry => continue,
                        AfterFailure::Fail(e) => return Err(e),
                    }
                }
            }
        }
    }

    async fn slot(
        &self,
        account: AccountId,
        freshness: Freshness,
    ) -> Result<Slot, Error<S::Error>> {
        if let Some(slot) = self.engine.cached(account) {
            if freshness == Freshness::Cached {
                return Ok(slot);
            }
            let stored = self.store.version(account).await.map_err(Error::Store)?;
            let current = {
                let mut entry = slot.lock().await;
                match Engine::standing(&entry, stored) {
                    Standing::Current => true,
                    Standing::Behind(after) => {
                        let newer = self
                            .store
                            .events(account, after)
                            .await
                            .map_err(Error::Store)?;
                        entry.catch_up(newer.iter().map(|r| &r.event));
                        entry.version == stored
                    }
                    Standing::Reload => false,
                }
            };
            if current {
                return Ok(slot);
            }
            self.engine.evict(account, &slot);
        }
        let loaded = self.store.load(account).await.map_err(Error::Store)?;
        Ok(self.engine.install(account, loaded))
    }

    /// [`AccountService::state`](crate::AccountService::state), awaited. **Checks no actor**;
    /// see [`state_for`](Self::state_for).
    pub async fn state(&self, account: AccountId) -> Result<Option<AccountState>, Error<S::Error>> {
        let slot = self.slot(account, Freshness::Current).await?;
        let entry = slot.lock().await;
        Ok((entry.version != Version::INITIAL).then(|| entry.state.clone()))
    }

    /// The account's version as stored now.
    pub async fn version(&self, account: AccountId) -> Result<Version, Error<S::Error>> {
        self.store.version(account).await.map_err(Error::Store)
    }

    /// [`AccountService::history`](crate::AccountService::history), awaited. **Checks no
    /// actor**; see [`history_for`](Self::history_for).
    pub async fn history(&self, account: AccountId) -> Result<Vec<Recorded>, Error<S::Error>> {
        self.store
            .events(account, Version::INITIAL)
            .await
            .map_err(Error::Store)
    }

    /// [`AccountService::may_read`](crate::AccountService::may_read), awaited.
    pub async fn may_read(
        &self,
        account: AccountId,
        actor: &Actor,
        kind: ReadKind,
    ) -> Result<Result<(), Denial>, Error<S::Error>> {
        let slot = self.slot(account, Freshness::Current).await?;
        let entry = slot.lock().await;
        Ok(Engine::may_read(&entry, actor, kind).map(|_| ()))
    }

    /// [`AccountService::state_for`](crate::AccountService::state_for), awaited.
    pub async fn state_for(
        &self,
        account: AccountId,
        actor: &Actor,
    ) -> Result<AccountView, Error<S::Error>> {
        let slot = self.slot(account, Freshness::Current).await?;
        let entry = slot.lock().await;
        let (state, classes) = Engine::admit(&entry, account, Some((actor, ReadKind::State)))?;
        Ok(AccountView::of(state, classes))
    }

    /// [`AccountService::history_for`](crate::AccountService::history_for), awaited.
    pub async fn history_for(
        &self,
        account: AccountId,
        actor: &Actor,
    ) -> Result<Vec<Envelope<AccountEventView>>, Error<S::Error>> {
        let classes = {
            let slot = self.slot(account, Freshness::Current).await?;
            let entry = slot.lock().await;
            Engine::admit::<S::Error>(&entry, account, Some((actor, ReadKind::History)))?.1
        };
        Ok(history_view(self.history(account).await?, classes))
    }

    /// [`AccountService::authorize`](crate::AccountService::authorize), awaited.
    pub async fn authorize(
        &self,
        account: AccountId,
        actor: &Actor,
        permission: Permission,
    ) -> Result<Result<Decision, Denial>, Error<S::Error>> {
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
    ) -> Result<Result<Decision, Denial>, Error<S::Error>> {
        let slot = self.slot(account, freshness).await?;
        let entry = slot.lock().await;
        Ok(Engine::authorize(&entry, actor, permission))
    }

    /// [`AccountService::may`](crate::AccountService::may), awaited.
    pub async fn may(
        &self,
        account: AccountId,
        actor: &Actor,
        kind: CommandKind,
    ) -> Result<Result<(), Denial>, Error<S::Error>> {
        let slot = self.slot(account, Freshness::Current).await?;
        let entry = slot.lock().await;
        Ok(authorize_kind(&entry.state, &entry.index, actor, kind, invitee_of(actor)).map(|_| ()))
    }

    /// [`AccountService::readiness`](crate::AccountService::readiness), awaited. **Checks no
    /// actor**; see [`readiness_for`](Self::readiness_for).
    pub async fn readiness(
        &self,
        account: AccountId,
        now: DateTime<Utc>,
    ) -> Result<Readiness, Error<S::Error>> {
        let slot = self.slot(account, Freshness::Current).await?;
        let entry = slot.lock().await;
        let (state, _) = Engine::admit(&entry, account, None)?;
        Ok(self.engine.readiness(state, now))
    }

    /// [`AccountService::readiness_for`](crate::AccountService::readiness_for), awaited.
    pub async fn readiness_for(
        &self,
        account: AccountId,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Readiness, Error<S::Error>> {
        let slot = self.slot(account, Freshness::Current).await?;
        let entry = slot.lock().await;
        let (state, _) = Engine::admit(&entry, account, Some((actor, ReadKind::Readiness)))?;
        Ok(self.engine.readiness(state, now))
    }

    /// [`AccountService::statements`](crate::AccountService::statements), awaited. **Checks
    /// no actor**; see [`statements_for`](Self::statements_for).
    pub async fn statements(
        &self,
        account: AccountId,
        entries: &[LedgerEntry],
        first: PayoutMonth,
        last: PayoutMonth,
    ) -> Result<Vec<Statement>, Error<S::Error>> {
        let slot = self.slot(account, Freshness::Current).await?;
        let entry = slot.lock().await;
        let (state, _) = Engine::admit(&entry, account, None)?;
        self.engine.statements(account, state, entries, first, last)
    }

    /// [`AccountService::statements_for`](crate::AccountService::statements_for), awaited.
    pub async fn statements_for(
        &self,
        account: AccountId,
        actor: &Actor,
        entries: &[LedgerEntry],
        first: PayoutMonth,
        last: PayoutMonth,
    ) -> Result<Vec<Statement>, Error<S::Error>> {
        let slot = self.slot(account, Freshness::Current).await?;
        let entry = slot.lock().await;
        let (state, _) = Engine::admit(&entry, account, Some((actor, ReadKind::Statements)))?;
        self.engine.statements(account, state, entries, first, last)
    }
}
