//! [`AccountService`]: the one entry point a host calls.

use chrono::{DateTime, Utc};
use partnerkit_access::{Decision, Permission};
use partnerkit_core::{AccountId, Actor, Context, DataClasses, Envelope, Version};
use partnerkit_payouts::{LedgerEntry, PayoutMonth, Statement};

use crate::cache::Guard;
use crate::command::AccountCommand;
use crate::drive::{Execute, Fetch, Io, Machine, Next, Reply, boxed, boxed_append};
use crate::engine::Engine;
use crate::entry::Revealed;
use crate::error::Error;
use crate::kind::{CommandKind, ReadKind};
use crate::selling::Readiness;
use crate::settings::Settings;
use crate::state::AccountState;
use crate::store::{AccountStore, Recorded};
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

impl<S: AccountStore> AccountService<S> {
    /// A service over `store` with [`Settings::default`]: the data shipped with the payouts
    /// and tax crates, and an empty agreements catalogue (the host gives the marketplace's
    /// own with [`with_settings`](Self::with_settings)).
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
    ) -> Result<Executed, Error> {
        self.drive(
            account,
            Execute::new(&self.engine, account, ctx, command, None),
        )
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
    ) -> Result<Executed, Error> {
        let execute = Execute::new(&self.engine, account, ctx, command, Some(expected));
        self.drive(account, execute)
    }

    /// Runs a step machine of the engine to its end, answering each store call at once.
    fn drive<M: Machine>(&self, account: AccountId, mut machine: M) -> Result<M::Output, Error> {
        let mut reply = Reply::Start;
        loop {
            reply = match machine.resume(reply) {
                Next::Done(outcome) => return outcome,
                Next::Io(Io::Version) => Reply::Version(self.store.version(account).map_err(boxed)),
                Next::Io(Io::Events(after)) => {
                    Reply::Events(self.store.events(account, after).map_err(boxed))
                }
                Next::Io(Io::Load) => Reply::Loaded(self.store.load(account).map_err(boxed)),
                Next::Io(Io::Lock(slot)) => Reply::Locked(slot.lock_arc_blocking()),
                Next::Io(Io::Append(write)) => {
                    let appended = self.store.append(write);
                    Reply::Appended(appended.map_err(boxed_append))
                }
            };
        }
    }

    /// The account's entry, locked and caught up with the store as `freshness` asks.
    fn entry(&self, account: AccountId, freshness: Freshness) -> Result<Guard, Error> {
        self.drive(account, Fetch::new(&self.engine, account, freshness))
    }

    // ------------------------------------------------------------------ reading

    /// The account's current state, or `None` if it was never opened.
    ///
    /// **Checks no actor**: for the host's own work (jobs, migrations, tests). On behalf of a
    /// signed-in actor, call [`state_for`](Self::state_for).
    pub fn state(&self, account: AccountId) -> Result<Option<AccountState>, Error> {
        let entry = self.entry(account, Freshness::Current)?;
        Ok((entry.version != Version::INITIAL).then(|| entry.state.clone()))
    }

    /// The account's version as stored now.
    pub fn version(&self, account: AccountId) -> Result<Version, Error> {
        self.store.version(account).map_err(Error::store)
    }

    /// The account's audit trail: every event, oldest first, with who and when (rule X-1).
    ///
    /// **Checks no actor**: for the host's own work. On behalf of a signed-in actor, call
    /// [`history_for`](Self::history_for).
    pub fn history(&self, account: AccountId) -> Result<Vec<Recorded>, Error> {
        self.store
            .events(account, Version::INITIAL)
            .map_err(Error::store)
    }

    /// May `actor` see `kind` of the account? The read table's answer
    /// ([`ReadKind::requirement`]), the same one [`state_for`](Self::state_for) and the other
    /// reads on behalf of an actor get. The marketplace may see everything.
    ///
    /// # Errors
    /// [`Error::Denied`] with the [`Denial`](crate::Denial) the read would get, if the
    /// answer is no; [`Error::Store`] if the store failed.
    pub fn may_read(&self, account: AccountId, actor: &Actor, kind: ReadKind) -> Result<(), Error> {
        let entry = self.entry(account, Freshness::Current)?;
        Engine::may_read(&entry, actor, kind)?;
        Ok(())
    }

    /// The account as `actor` may see it (rule X-8): only the parts whose data classes the
    /// actor's permissions cover ([`AccountView`]), and never a credential verifier — a user
    /// manager sees the directory, not the payout account or the tax profile.
    ///
    /// # Errors
    /// [`Error::Denied`] if the actor may see no part of it — also when the account does not
    /// exist, so nobody but the marketplace learns whether it does (rule X-2); for the
    /// marketplace, [`DomainError::AccountNotFound`](crate::DomainError::AccountNotFound) if
    /// it does not; [`Error::Store`] if the store failed.
    pub fn state_for(&self, account: AccountId, actor: &Actor) -> Result<AccountView, Error> {
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
    ) -> Result<Vec<Envelope<AccountEventView>>, Error> {
        let classes = self.read(account, Some((actor, ReadKind::History)), |_, c| Ok(c))?;
        Ok(history_view(self.history(account)?, classes))
    }

    /// May `actor` do what `permission` covers? The same answer every command needing
    /// `permission` gets (rule ROL-7): `Ok` with the allowing [`Decision`] (which grant
    /// allowed it), or [`Error::Denied`] with the same [`Denial`](crate::Denial) the command
    /// would get — an explained [`Denial::Permission`](crate::Denial::Permission) (what is
    /// missing, which roles grant it: rule ROL-6) for an actor that can sign in,
    /// [`Denial::CannotSignIn`](crate::Denial::CannotSignIn) for one that cannot (unknown,
    /// removed, a pending guest, any actor of an account that does not exist: rules USR-1,
    /// TEN-4, X-2).
    ///
    /// A no is an error like a command's refusal, so a handler guards with `?` and answers
    /// 403 from the error's JSON form; to show or hide an action, tell a no from a failure
    /// with [`Error::is_denied`]:
    ///
    /// ```
    /// # use partnerkit::prelude::*;
    /// # use partnerkit::core::uuid::Uuid;
    /// # let service = AccountService::new(InMemoryStore::new());
    /// # let account = AccountId::from_uuid(Uuid::from_u128(1));
    /// # let actor = Actor::User { tenant: TenantId::from_uuid(Uuid::from_u128(2)), user: UserId::from_uuid(Uuid::from_u128(3)) };
    /// let show_users_page = match service.authorize(account, &actor, Permission::ManageUsers) {
    ///     Ok(_) => true,
    ///     Err(no) if no.is_denied() => false,
    ///     Err(failure) => return Err(failure),
    /// };
    /// assert!(!show_users_page);
    /// # Ok::<(), partnerkit::Error>(())
    /// ```
    ///
    /// Answers from the live index of the cached account after one cheap version read, so a
    /// revocation stored by another instance is seen at once; see
    /// [`authorize_with`](Self::authorize_with) to skip that read.
    ///
    /// # Errors
    /// [`Error::Denied`] if the answer is no; [`Error::Store`] if the store failed.
    pub fn authorize(
        &self,
        account: AccountId,
        actor: &Actor,
        permission: Permission,
    ) -> Result<Decision, Error> {
        self.authorize_with(account, actor, permission, Freshness::Current)
    }

    /// [`authorize`](Self::authorize) with the freshness the host chooses.
    pub fn authorize_with(
        &self,
        account: AccountId,
        actor: &Actor,
        permission: Permission,
        freshness: Freshness,
    ) -> Result<Decision, Error> {
        let entry = self.entry(account, freshness)?;
        Engine::authorize(&entry, actor, permission)
    }

    /// May `actor` ask for a command of `kind` at all? The authorisation table's answer
    /// ([`CommandKind::requirement`]), without any command data — what a host checks before
    /// it reads a request's body, and what a UI uses to show or hide an action. A command
    /// of this kind by this actor is denied exactly when this is an [`Error::Denied`], with
    /// the same [`Denial`](crate::Denial); its data may still be refused by a domain rule
    /// (or, for grants, need more: rule ROL-8).
    ///
    /// # Errors
    /// [`Error::Denied`] if the answer is no; [`Error::Store`] if the store failed.
    pub fn may(&self, account: AccountId, actor: &Actor, kind: CommandKind) -> Result<(), Error> {
        let entry = self.entry(account, Freshness::Current)?;
        Engine::may(&entry, actor, kind)
    }

    /// What the account still lacks before it may sell (rule ACC-4), joined from identity,
    /// agreements, payouts and tax.
    ///
    /// **Checks no actor**: for the host's own work. On behalf of a signed-in actor, call
    /// [`readiness_for`](Self::readiness_for).
    pub fn readiness(&self, account: AccountId, now: DateTime<Utc>) -> Result<Readiness, Error> {
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
    ) -> Result<Readiness, Error> {
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
    ) -> Result<Vec<Statement>, Error> {
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
    ) -> Result<Vec<Statement>, Error> {
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
        f: impl FnOnce(&AccountState, DataClasses) -> Result<T, Error>,
    ) -> Result<T, Error> {
        let entry = self.entry(account, Freshness::Current)?;
        let (state, classes) = Engine::admit(&entry, account, actor)?;
        f(state, classes)
    }
}
