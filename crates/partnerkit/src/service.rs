//! [`AccountService`]: the one entry point a host calls.

use chrono::{DateTime, Utc};
use partnerkit_access::{Decision, Denial, Permission, Principal, Request};
use partnerkit_core::{AccountId, Actor, Context, DataClasses, Envelope, Version};
use partnerkit_payouts::{CarryOver, LedgerEntry, PayoutMonth, Statement};

use crate::authorize::{authorize_kind, authorize_read, can_sign_in};
use crate::cache::{Cache, Slot};
use crate::command::AccountCommand;
use crate::entry::{Entry, Revealed};
use crate::error::{DomainError, Error};
use crate::execute::{self, Refusal};
use crate::kind::{CommandKind, ReadKind};
use crate::selling::Readiness;
use crate::settings::Settings;
use crate::state::AccountState;
use crate::store::{AccountStore, Loaded, Recorded, StoreError};
use crate::view::{AccountEventView, AccountView, history_view};

/// What an accepted command did.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Executed {
    /// The events, each with who and when (rule X-1), as stored. Empty if the command's effect
    /// already held (a no-op stores nothing).
    pub events: Vec<Recorded>,
    /// The account's version after them.
    pub version: Version,
    /// The secret the command generated — an initial or temporary password, a key value —
    /// shown now and never again (rules USR-8, APP-4, X-4).
    pub revealed: Option<Revealed>,
}

/// How fresh an answer from the cache must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Freshness {
    /// Check the account's version with the store first (one cheap read), so a revocation
    /// another instance stored is seen at once. The default.
    Current,
    /// Answer from the cache without asking the store: the host accepts that a change made
    /// through another service instance may not be seen yet. Changes made through this
    /// instance are always seen.
    Cached,
}

/// The account service: authorise, decide, store — one path for every command (rule X-2).
///
/// Each [`execute`](Self::execute) authorises the actor in the command's [`Context`] against
/// the one table ([`CommandKind::requirement`]), decides every domain's part on the cached
/// account, and appends the events only if the account did not change meanwhile; a conflict
/// with another writer catches up and decides again. A denied or invalid command changes
/// nothing and stores nothing.
///
/// The service keeps recently used accounts in memory ([`Settings::cache_capacity`]) with a
/// live access index, so a command's cost and an [`authorize`](Self::authorize) call follow
/// what they touch, not the account's size. It is `Sync`: share one per process (in an `Arc`).
///
/// See the crate's front page for a walk-through.
#[derive(Debug)]
pub struct AccountService<S> {
    store: S,
    engine: Engine,
}

/// What the sync and the async service share: the settings, the cache, and every step of the
/// one path except the store calls themselves. No rule or check is written twice.
#[derive(Debug)]
pub(crate) struct Engine {
    pub(crate) settings: Settings,
    cache: Cache,
}

/// How a cached entry stands against the store's version.
pub(crate) enum Standing {
    /// Current: use it.
    Current,
    /// Behind: apply the events after this version.
    Behind(Version),
    /// Not usable (ahead of the store, or left half-decided by a panic): reload.
    Reload,
}

/// A decided command ready to append: its recorded events, and whether a snapshot is due.
pub(crate) struct Prepared {
    pub(crate) events: Vec<Recorded>,
    pub(crate) snapshot_due: bool,
    pub(crate) revealed: Option<Revealed>,
}

/// What to do after a failed append.
pub(crate) enum AfterFailure<E> {
    /// Decide again on fresh state.
    Retry,
    /// Give up with this error.
    Fail(Error<E>),
}

impl Engine {
    pub(crate) fn new(settings: Settings) -> Self {
        let cache = Cache::new(settings.cache_capacity);
        Engine { settings, cache }
    }

    pub(crate) fn cached(&self, account: AccountId) -> Option<Slot> {
        self.cache.get(account)
    }

    pub(crate) fn cached_accounts(&self) -> usize {
        self.cache.len()
    }

    /// How `entry` stands against the store's `stored` version.
    pub(crate) fn standing(entry: &Entry, stored: Version) -> Standing {
        if entry.in_flight || stored < entry.version {
            Standing::Reload
        } else if stored == entry.version {
            Standing::Current
        } else {
            Standing::Behind(entry.version)
        }
    }

    /// Caches what the store loaded (latest snapshot plus the events after it); an account
    /// the store does not know gets an empty, uncached entry, in which nobody can sign in.
    pub(crate) fn install(&self, account: AccountId, loaded: Option<Loaded>) -> Slot {
        match loaded {
            Some(loaded) => {
                // A snapshot the store could not use (rule X-9) is replaced on the next write.
                let since = if loaded.refresh_snapshot {
                    u64::MAX / 2
                } else {
                    loaded.events.len() as u64
                };
                let (state, version) = loaded.fold();
                self.cache
                    .insert(account, Entry::new(state, version, since))
            }
            None => crate::cache::slot(Entry::default()),
        }
    }

    pub(crate) fn evict(&self, account: AccountId, slot: &Slot) {
        self.cache.remove(account, slot);
    }

    /// The one decide step: authorise, decide and apply on the locked entry, and record the
    /// events. A failure that left the entry half-applied evicts it.
    pub(crate) fn decide<E>(
        &self,
        account: AccountId,
        slot: &Slot,
        entry: &mut Entry,
        ctx: &Context<'_>,
        command: AccountCommand,
        expected: Option<Version>,
    ) -> Result<Prepared, Error<E>> {
        entry.in_flight = true;
        let decided = execute::decide(entry, account, ctx, command, &self.settings);
        entry.in_flight = false;
        // The caller's version is checked after authorising and deciding (so a stranger learns
        // nothing from it) and before anything is stored.
        if let (Some(expected), Ok(_)) = (expected, &decided)
            && entry.version != expected
        {
            let actual = entry.version;
            // Deciding applied the events to the entry: it no longer matches the store.
            self.evict(account, slot);
            return Err(Error::Conflict { expected, actual });
        }
        match decided {
            Ok(d) => {
                let events: Vec<Recorded> = d
                    .events
                    .into_iter()
                    .map(|e| Envelope::new(ctx, e))
                    .collect();
                let count = events.len() as u64;
                Ok(Prepared {
                    snapshot_due: !events.is_empty()
                        && entry.since_snapshot + count
                            >= self.settings.snapshot_interval(entry.principals()),
                    events,
                    revealed: d.revealed,
                })
            }
            Err(failed) => {
                if failed.dirty {
                    self.evict(account, slot);
                }
                Err(match failed.error {
                    Refusal::Denied(d) => d.into(),
                    Refusal::Domain(d) => d.into(),
                })
            }
        }
    }

    /// The store took the events at `stored`: advance the entry.
    pub(crate) fn committed(entry: &mut Entry, prepared: Prepared, stored: Version) -> Executed {
        entry.version = stored;
        entry.since_snapshot = if prepared.snapshot_due {
            0
        } else {
            entry.since_snapshot + prepared.events.len() as u64
        };
        Executed {
            events: prepared.events,
            version: stored,
            revealed: prepared.revealed,
        }
    }

    /// The store refused the events: the entry holds them, so it is dropped; a conflict is
    /// decided again while retries last.
    pub(crate) fn append_failed<E>(
        &self,
        account: AccountId,
        slot: &Slot,
        error: StoreError<E>,
        attempt: &mut u32,
    ) -> AfterFailure<E> {
        self.evict(account, slot);
        match error {
            StoreError::Conflict { expected, actual } => {
                *attempt = attempt.saturating_add(1);
                if *attempt > self.settings.conflict_retries {
                    AfterFailure::Fail(Error::Conflict { expected, actual })
                } else {
                    AfterFailure::Retry
                }
            }
            StoreError::Backend(e) => AfterFailure::Fail(Error::Store(e)),
        }
    }

    /// Reports an executed command to `tracing` (feature `tracing`): the account, the command
    /// kind, the outcome's code, the version and how many events were stored. Nothing from
    /// the command's data, and never a secret.
    #[allow(unused_variables)]
    pub(crate) fn trace<E: std::fmt::Display>(
        account: AccountId,
        kind: CommandKind,
        outcome: &Result<Executed, Error<E>>,
    ) {
        #[cfg(feature = "tracing")]
        match outcome {
            Ok(done) => tracing::info!(
                target: "partnerkit",
                %account,
                command = %kind,
                outcome = "ok",
                version = done.version.get(),
                events = done.events.len(),
                "command executed"
            ),
            Err(Error::Store(e)) => tracing::error!(
                target: "partnerkit",
                %account,
                command = %kind,
                outcome = "store",
                error = %e,
                "command failed in the store"
            ),
            Err(e) => tracing::info!(
                target: "partnerkit",
                %account,
                command = %kind,
                outcome = e.code(),
                kind = e.kind(),
                "command refused"
            ),
        }
    }

    /// The read table's check (rule X-2): may `actor` see `kind` of the account in `entry`?
    /// It comes before the existence check in [`admit`](Self::admit), so an actor who may
    /// not see is denied whether or not the account exists. On success, the data classes the
    /// actor may see (rule X-8).
    pub(crate) fn may_read(
        entry: &Entry,
        actor: &Actor,
        kind: ReadKind,
    ) -> Result<DataClasses, Denial> {
        authorize_read(&entry.state, &entry.index, actor, kind).map(|a| a.classes())
    }

    /// [`may_read`](Self::may_read), then the account's state if it exists, with the classes
    /// the actor may see (all of them when no actor is given: the host's own reads).
    pub(crate) fn admit<'e, E>(
        entry: &'e Entry,
        account: AccountId,
        actor: Option<(&Actor, ReadKind)>,
    ) -> Result<(&'e AccountState, DataClasses), Error<E>> {
        let classes = match actor {
            Some((actor, kind)) => Self::may_read(entry, actor, kind)?,
            None => DataClasses::ALL,
        };
        if entry.version == Version::INITIAL {
            return Err(DomainError::AccountNotFound { account }.into());
        }
        Ok((&entry.state, classes))
    }

    /// What the account lacks before it may sell (rule ACC-4).
    pub(crate) fn readiness(&self, state: &AccountState, now: DateTime<Utc>) -> Readiness {
        crate::selling::readiness(state, &self.settings, now)
    }

    /// Statements of `first..=last` for `entries`, carry-over chained from zero.
    pub(crate) fn statements<E>(
        &self,
        account: AccountId,
        state: &AccountState,
        entries: &[LedgerEntry],
        first: PayoutMonth,
        last: PayoutMonth,
    ) -> Result<Vec<Statement>, Error<E>> {
        let currency = state
            .payouts
            .registration()
            .map(|r| r.currency)
            .ok_or(DomainError::AccountNotFound { account })?;
        Ok(crate::selling::statements(
            state,
            &self.settings,
            entries,
            first,
            last,
            CarryOver::zero(currency),
        )?)
    }

    /// The answer of [`AccountService::authorize`] on a current entry.
    pub(crate) fn authorize(
        entry: &Entry,
        actor: &Actor,
        permission: Permission,
    ) -> Result<Decision, Denial> {
        match Principal::from_actor(actor) {
            Some(p) if can_sign_in(&entry.state, actor) => {
                Ok(entry.index.authorize(&Request::new(p, permission)))
            }
            _ => Err(Denial::CannotSignIn { actor: *actor }),
        }
    }
}

impl<S: AccountStore> AccountService<S> {
    /// A service over `store` with the default data of every crate.
    pub fn new(store: S) -> Self {
        Self::with_settings(store, Settings::default())
    }

    /// A service over `store` with the host's own data and tuning.
    pub fn with_settings(store: S, settings: Settings) -> Self {
        AccountService {
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

    /// How many accounts are in memory now.
    pub fn cached_accounts(&self) -> usize {
        self.engine.cached_accounts()
    }

    // ------------------------------------------------------------------ the one path

    /// Runs `command` on `account` for the context's actor: authorise first (rule X-2), then
    /// decide and store. The one path every command takes.
    ///
    /// # Errors
    /// [`Error::Denied`] if the actor may not (nothing else is told: not whether the account
    /// exists, not whether the input was valid); [`Error::Domain`] if a rule refuses it;
    /// [`Error::Conflict`] if other writers won every retry; [`Error::Store`] if the store
    /// failed. In every case nothing was stored.
    pub fn execute(
        &self,
        account: AccountId,
        ctx: &Context<'_>,
        command: AccountCommand,
    ) -> Result<Executed, Error<S::Error>> {
        let kind = command.kind();
        let outcome = self.run(account, ctx, command, None);
        Engine::trace(account, kind, &outcome);
        outcome
    }

    /// [`execute`](Self::execute), but only if the account is still at `expected` — the
    /// version the caller decided on (an HTTP `If-Match`). Otherwise [`Error::Conflict`],
    /// without deciding again: the caller looks at the account anew. The store enforces the
    /// version on append, so the check and the write are one step.
    ///
    /// # Errors
    /// As [`execute`](Self::execute); a conflict is never retried.
    pub fn execute_expecting(
        &self,
        account: AccountId,
        ctx: &Context<'_>,
        command: AccountCommand,
        expected: Version,
    ) -> Result<Executed, Error<S::Error>> {
        let kind = command.kind();
        let outcome = self.run(account, ctx, command, Some(expected));
        Engine::trace(account, kind, &outcome);
        outcome
    }

    fn run(
        &self,
        account: AccountId,
        ctx: &Context<'_>,
        command: AccountCommand,
        expected: Option<Version>,
    ) -> Result<Executed, Error<S::Error>> {
        // A caller's expected version is never decided again: a conflict goes back to it.
        let mut attempt = if expected.is_some() { u32::MAX } else { 0 };
        loop {
            let slot = self.slot(account, Freshness::Current)?;
            let mut entry = slot.lock_blocking();
            if entry.in_flight {
                // A command panicked while deciding on it: never use a half-applied entry.
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
            match self
                .store
                .append(account, entry.version, &prepared.events, snapshot)
            {
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

    /// The account's cached slot, caught up with the store as `freshness` asks.
    fn slot(&self, account: AccountId, freshness: Freshness) -> Result<Slot, Error<S::Error>> {
        if let Some(slot) = self.engine.cached(account) {
            if freshness == Freshness::Cached {
                return Ok(slot);
            }
            let stored = self.store.version(account).map_err(Error::Store)?;
            let current = {
                let mut entry = slot.lock_blocking();
                match Engine::standing(&entry, stored) {
                    Standing::Current => true,
                    Standing::Behind(after) => {
                        let newer = self.store.events(account, after).map_err(Error::Store)?;
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
        let loaded = self.store.load(account).map_err(Error::Store)?;
        Ok(self.engine.install(account, loaded))
    }

    // ------------------------------------------------------------------ reading

    /// The account's current state, or `None` if it was never opened.
    ///
    /// **Checks no actor**: for the host's own work (jobs, migrations, tests). On behalf of a
    /// signed-in actor, call [`state_for`](Self::state_for).
    pub fn state(&self, account: AccountId) -> Result<Option<AccountState>, Error<S::Error>> {
        let slot = self.slot(account, Freshness::Current)?;
        let entry = slot.lock_blocking();
        Ok((entry.version != Version::INITIAL).then(|| entry.state.clone()))
    }

    /// The account's version as stored now.
    pub fn version(&self, account: AccountId) -> Result<Version, Error<S::Error>> {
        self.store.version(account).map_err(Error::Store)
    }

    /// The account's audit trail: every event, oldest first, with who and when (rule X-1).
    ///
    /// **Checks no actor**: for the host's own work. On behalf of a signed-in actor, call
    /// [`history_for`](Self::history_for).
    pub fn history(&self, account: AccountId) -> Result<Vec<Recorded>, Error<S::Error>> {
        self.store
            .events(account, Version::INITIAL)
            .map_err(Error::Store)
    }

    /// May `actor` see `kind` of the account? The read table's answer
    /// ([`ReadKind::requirement`]), the same one [`state_for`](Self::state_for) and the other
    /// reads on behalf of an actor get. The marketplace may see everything.
    pub fn may_read(
        &self,
        account: AccountId,
        actor: &Actor,
        kind: ReadKind,
    ) -> Result<Result<(), Denial>, Error<S::Error>> {
        let slot = self.slot(account, Freshness::Current)?;
        let entry = slot.lock_blocking();
        Ok(Engine::may_read(&entry, actor, kind).map(|_| ()))
    }

    /// The account as `actor` may see it (rule X-8): only the parts whose data classes the
    /// actor's permissions cover ([`AccountView`]), and never a credential verifier — a user
    /// manager sees the directory, not the payout account or the tax profile.
    ///
    /// # Errors
    /// [`Error::Denied`] if the actor may see no part of it — also when the account does not
    /// exist, so nobody but the marketplace learns whether it does (rule X-2); for the
    /// marketplace, [`DomainError::AccountNotFound`] if it does not; [`Error::Store`] if the
    /// store failed.
    pub fn state_for(
        &self,
        account: AccountId,
        actor: &Actor,
    ) -> Result<AccountView, Error<S::Error>> {
        self.read(account, Some((actor, ReadKind::State)), |state, classes| {
            Ok(AccountView::of(state, classes))
        })
    }

    /// The account's audit trail (rule X-1) as `actor` may see it (rule X-8): only the events
    /// of classes its permissions cover, without credential verifiers. Errors as for
    /// [`state_for`](Self::state_for).
    pub fn history_for(
        &self,
        account: AccountId,
        actor: &Actor,
    ) -> Result<Vec<Envelope<AccountEventView>>, Error<S::Error>> {
        let classes = self.read(account, Some((actor, ReadKind::History)), |_, c| Ok(c))?;
        Ok(history_view(self.history(account)?, classes))
    }

    /// May `actor` do what `permission` covers? The same answer every command needing
    /// `permission` gets (rule ROL-7): for an actor that can sign in, the [`Decision`] says yes
    /// or no and explains itself (rule ROL-6); an actor that cannot sign in (unknown, removed,
    /// a pending guest, any actor of an account that does not exist) gets the [`Denial`]
    /// (rules USR-1, TEN-4, X-2).
    ///
    /// Answers from the live index of the cached account after one cheap version read, so a
    /// revocation stored by another instance is seen at once; see
    /// [`authorize_with`](Self::authorize_with) to skip that read.
    pub fn authorize(
        &self,
        account: AccountId,
        actor: &Actor,
        permission: Permission,
    ) -> Result<Result<Decision, Denial>, Error<S::Error>> {
        self.authorize_with(account, actor, permission, Freshness::Current)
    }

    /// [`authorize`](Self::authorize) with the freshness the host chooses.
    pub fn authorize_with(
        &self,
        account: AccountId,
        actor: &Actor,
        permission: Permission,
        freshness: Freshness,
    ) -> Result<Result<Decision, Denial>, Error<S::Error>> {
        let slot = self.slot(account, freshness)?;
        let entry = slot.lock_blocking();
        Ok(Engine::authorize(&entry, actor, permission))
    }

    /// May `actor` ask for a command of `kind` at all? The authorisation table's answer
    /// ([`CommandKind::requirement`]), without any command data — what a host checks before
    /// it reads a request's body, and what a UI uses to show or hide an action. A command
    /// of this kind by this actor is denied exactly when this is an `Err`; its data may still
    /// be refused by a domain rule (or, for grants, need more: rule ROL-8).
    pub fn may(
        &self,
        account: AccountId,
        actor: &Actor,
        kind: CommandKind,
    ) -> Result<Result<(), Denial>, Error<S::Error>> {
        let slot = self.slot(account, Freshness::Current)?;
        let entry = slot.lock_blocking();
        Ok(authorize_kind(&entry.state, &entry.index, actor, kind, invitee_of(actor)).map(|_| ()))
    }

    /// What the account still lacks before it may sell (rule ACC-4), joined from identity,
    /// agreements, payouts and tax.
    ///
    /// **Checks no actor**: for the host's own work. On behalf of a signed-in actor, call
    /// [`readiness_for`](Self::readiness_for).
    pub fn readiness(
        &self,
        account: AccountId,
        now: DateTime<Utc>,
    ) -> Result<Readiness, Error<S::Error>> {
        self.read(account, None, |state, _| {
            Ok(self.engine.readiness(state, now))
        })
    }

    /// [`readiness`](Self::readiness), shown to `actor` if the read table lets it see it
    /// ([`ReadKind::Readiness`]: `view_account_settings`). Errors as for
    /// [`state_for`](Self::state_for).
    pub fn readiness_for(
        &self,
        account: AccountId,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Readiness, Error<S::Error>> {
        self.read(account, Some((actor, ReadKind::Readiness)), |state, _| {
            Ok(self.engine.readiness(state, now))
        })
    }

    /// The payout statements of cycles `first..=last` for the host's ledger `entries`, with
    /// US withholding joined in and carry-over chained from zero (rules PAY-5..9, TAX-4).
    ///
    /// **Checks no actor**: for the host's own work (a payout run). On behalf of a signed-in
    /// actor, call [`statements_for`](Self::statements_for).
    pub fn statements(
        &self,
        account: AccountId,
        entries: &[LedgerEntry],
        first: PayoutMonth,
        last: PayoutMonth,
    ) -> Result<Vec<Statement>, Error<S::Error>> {
        self.read(account, None, |state, _| {
            self.engine.statements(account, state, entries, first, last)
        })
    }

    /// [`statements`](Self::statements), shown to `actor` if the read table lets it see them
    /// ([`ReadKind::Statements`]: `view_financial_reports`, which a Developer does not hold,
    /// rule ROL-2). Errors as for [`state_for`](Self::state_for).
    pub fn statements_for(
        &self,
        account: AccountId,
        actor: &Actor,
        entries: &[LedgerEntry],
        first: PayoutMonth,
        last: PayoutMonth,
    ) -> Result<Vec<Statement>, Error<S::Error>> {
        self.read(account, Some((actor, ReadKind::Statements)), |state, _| {
            self.engine.statements(account, state, entries, first, last)
        })
    }

    /// Runs `f` on the account's current state without copying it, after the read table
    /// admitted the actor, if one is given, with the classes it may see.
    fn read<T>(
        &self,
        account: AccountId,
        actor: Option<(&Actor, ReadKind)>,
        f: impl FnOnce(&AccountState, DataClasses) -> Result<T, Error<S::Error>>,
    ) -> Result<T, Error<S::Error>> {
        let slot = self.slot(account, Freshness::Current)?;
        let entry = slot.lock_blocking();
        let (state, classes) = Engine::admit(&entry, account, actor)?;
        f(state, classes)
    }
}

/// For [`AccountService::may`] on an invitation: a user may accept only their own.
pub(crate) fn invitee_of(actor: &Actor) -> Option<partnerkit_core::UserId> {
    match actor {
        Actor::User { user, .. } => Some(*user),
        _ => None,
    }
}
