//! The [`Engine`] both services drive: the settings, the cache, and every step of the one
//! path except the store calls themselves — deciding a command on a locked entry, what to do
//! after an append, the read table's check, tracing. The order of the steps (fetch, lock,
//! decide, append, retry) is the step machine in [`drive`](crate::drive); the services only
//! answer its store calls.

use chrono::{DateTime, Utc};
use partnerkit_access::{Decision, Denial, Permission, Principal, Request};
use partnerkit_core::{AccountId, Actor, Context, DataClasses, Envelope, Version};
use partnerkit_payouts::{CarryOver, LedgerEntry, PayoutMonth, Statement};

use crate::authorize::{authorize_kind, authorize_read, can_sign_in};
use crate::cache::{Cache, Slot};
use crate::command::AccountCommand;
use crate::entry::{Entry, Revealed};
use crate::error::{DomainError, Error, StoreFailure};
use crate::execute::{self, Refusal};
use crate::kind::{CommandKind, ReadKind};
use crate::selling::Readiness;
use crate::service::Executed;
use crate::settings::Settings;
use crate::state::AccountState;
use crate::store::{Loaded, Recorded, StoreError};

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
pub(crate) enum AfterFailure {
    /// Decide again on fresh state.
    Retry,
    /// Give up with this error.
    Fail(Error),
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
    pub(crate) fn decide(
        &self,
        account: AccountId,
        slot: &Slot,
        entry: &mut Entry,
        ctx: &Context<'_>,
        command: AccountCommand,
        expected: Option<Version>,
    ) -> Result<Prepared, Error> {
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
    pub(crate) fn append_failed(
        &self,
        account: AccountId,
        slot: &Slot,
        error: StoreError<StoreFailure>,
        attempt: &mut u32,
    ) -> AfterFailure {
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
    pub(crate) fn trace(account: AccountId, kind: CommandKind, outcome: &Result<Executed, Error>) {
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
    pub(crate) fn admit<'e>(
        entry: &'e Entry,
        account: AccountId,
        actor: Option<(&Actor, ReadKind)>,
    ) -> Result<(&'e AccountState, DataClasses), Error> {
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
    pub(crate) fn statements(
        &self,
        account: AccountId,
        state: &AccountState,
        entries: &[LedgerEntry],
        first: PayoutMonth,
        last: PayoutMonth,
    ) -> Result<Vec<Statement>, Error> {
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

    /// The answer of [`AccountService::authorize`](crate::AccountService::authorize) on a
    /// current entry: the allowing decision, or the denial a command needing `permission`
    /// gets (rule ROL-7) — its explained decision (rule ROL-6), or that the actor cannot sign
    /// in (rule X-2).
    pub(crate) fn authorize(
        entry: &Entry,
        actor: &Actor,
        permission: Permission,
    ) -> Result<Decision, Error> {
        match Principal::from_actor(actor) {
            Some(p) if can_sign_in(&entry.state, actor) => {
                let decision = entry.index.authorize(&Request::new(p, permission));
                if decision.is_allowed() {
                    Ok(decision)
                } else {
                    Err(Denial::Permission(decision).into())
                }
            }
            _ => Err(Denial::CannotSignIn { actor: *actor }.into()),
        }
    }

    /// The answer of [`AccountService::may`](crate::AccountService::may) on a current entry.
    pub(crate) fn may(entry: &Entry, actor: &Actor, kind: CommandKind) -> Result<(), Error> {
        let invitee = match actor {
            // A user may accept only their own invitation.
            Actor::User { user, .. } => Some(*user),
            _ => None,
        };
        authorize_kind(&entry.state, &entry.index, actor, kind, invitee)?;
        Ok(())
    }
}
