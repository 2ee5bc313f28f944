//! The one drive loop, as a step machine without I/O: what the service asks the store, in
//! which order, and what it does with each answer. Both services run it; the sync one answers
//! each [`Io`] with a blocking call, the async one with `.await`, so the order of the steps —
//! fetch the account, catch up or reload, lock, decide, append, retry on a conflict — and
//! every rule about them exist once.
//!
//! A machine is resumed with the [`Reply`] to its last [`Io`] (with [`Reply::Start`] first)
//! until it is [`Next::Done`]:
//!
//! - [`Fetch`]: the account's entry, locked and as current as [`Freshness`] asks: one
//!   `version` read says whether the cached entry is current; if another writer stored events
//!   meanwhile, only those are read and applied; an entry ahead of the store, or left in
//!   flight by a panic, is dropped and the account loaded again.
//! - [`Execute`]: fetch, decide on the locked entry, append at the version decided on, and
//!   on a conflict drop the entry and start again while retries last.

use async_lock::MutexGuardArc;
use partnerkit_core::{AccountId, Context, Version};

use crate::cache::{Guard, Slot};
use crate::command::AccountCommand;
use crate::engine::{AfterFailure, Engine, Prepared, Standing};
use crate::error::{Error, StoreFailure};
use crate::kind::CommandKind;
use crate::service::{Executed, Freshness};
use crate::store::{Loaded, Recorded, StoreError, Write};

/// What a machine waits for: a call to the store, or the lock of an account's entry.
pub(crate) enum Io<'m> {
    /// `store.version(account)`: answer [`Reply::Version`].
    Version,
    /// `store.events(account, after)`: answer [`Reply::Events`].
    Events(Version),
    /// `store.load(account)`: answer [`Reply::Loaded`].
    Load,
    /// Lock this entry (blocking, or awaited): answer [`Reply::Locked`].
    Lock(Slot),
    /// `store.append(write)`: answer [`Reply::Appended`].
    Append(Write<'m>),
}

/// The answer to an [`Io`], with the store's error boxed (the drivers box it).
// A loaded account is the large variant; a reply is moved once, into the machine, so boxing
// it would only add an allocation.
#[allow(clippy::large_enum_variant)]
pub(crate) enum Reply {
    /// Nothing asked yet: the first resume.
    Start,
    Version(Result<Version, StoreFailure>),
    Events(Result<Vec<Recorded>, StoreFailure>),
    Loaded(Result<Option<Loaded>, StoreFailure>),
    Locked(Guard),
    Appended(Result<Version, StoreError<StoreFailure>>),
}

/// A store error, boxed for a [`Reply`].
pub(crate) fn boxed<E: std::error::Error + Send + Sync + 'static>(error: E) -> StoreFailure {
    Box::new(error)
}

/// A failed append's error, the backend's error boxed for [`Reply::Appended`].
pub(crate) fn boxed_append<E: std::error::Error + Send + Sync + 'static>(
    error: StoreError<E>,
) -> StoreError<StoreFailure> {
    match error {
        StoreError::Conflict { expected, actual } => StoreError::Conflict { expected, actual },
        StoreError::Backend(e) => StoreError::Backend(Box::new(e)),
    }
}

/// What a machine does next: wait for an [`Io`], or end.
pub(crate) enum Next<'m, T> {
    Io(Io<'m>),
    Done(Result<T, Error>),
}

/// A step machine the services drive.
pub(crate) trait Machine {
    /// What it ends with.
    type Output;
    /// Takes the reply to the last [`Io`] and says what comes next.
    fn resume(&mut self, reply: Reply) -> Next<'_, Self::Output>;
}

/// The slot a locked entry belongs to.
fn slot_of(entry: &Guard) -> Slot {
    MutexGuardArc::source(entry).clone()
}

/// Fetches an account's entry, locked, as current as its [`Freshness`] asks.
pub(crate) struct Fetch<'e> {
    engine: &'e Engine,
    account: AccountId,
    freshness: Freshness,
    at: FetchAt,
}

/// Where a [`Fetch`] is: what it last asked for.
enum FetchAt {
    Start,
    /// The stored version, to compare with the cached entry's.
    Version(Slot),
    /// The entry's lock; then the entry is compared with the stored version, if one was read.
    Lock(Option<Version>),
    /// The events after the locked entry's version, which the store has up to `stored`.
    Events {
        entry: Guard,
        stored: Version,
    },
    /// The account as stored.
    Load,
}

impl<'e> Fetch<'e> {
    pub(crate) fn new(engine: &'e Engine, account: AccountId, freshness: Freshness) -> Self {
        Fetch {
            engine,
            account,
            freshness,
            at: FetchAt::Start,
        }
    }

    /// [`Machine::resume`], with nothing borrowed from the machine in what it asks.
    fn step(&mut self, reply: Reply) -> Next<'static, Guard> {
        let fail = |e| Next::Done(Err(Error::Store(e)));
        match (std::mem::replace(&mut self.at, FetchAt::Start), reply) {
            (FetchAt::Version(slot), Reply::Version(stored)) => match stored {
                Ok(stored) => self.ask(FetchAt::Lock(Some(stored)), Io::Lock(slot)),
                Err(e) => fail(e),
            },
            (FetchAt::Lock(stored), Reply::Locked(entry)) => self.check(entry, stored),
            (FetchAt::Events { mut entry, stored }, Reply::Events(newer)) => match newer {
                Ok(newer) => {
                    entry.catch_up(newer.iter().map(|r| &r.event));
                    if entry.version == stored {
                        Next::Done(Ok(entry))
                    } else {
                        self.reload(entry)
                    }
                }
                Err(e) => fail(e),
            },
            (FetchAt::Load, Reply::Loaded(loaded)) => match loaded {
                Ok(loaded) => {
                    let slot = self.engine.install(self.account, loaded);
                    self.ask(FetchAt::Lock(None), Io::Lock(slot))
                }
                Err(e) => fail(e),
            },
            // The start; or a reply to something not asked, which the drivers never give:
            // starting over is always safe.
            _ => self.start(),
        }
    }

    fn start(&mut self) -> Next<'static, Guard> {
        match self.engine.cached(self.account) {
            Some(slot) if self.freshness == Freshness::Cached => {
                self.ask(FetchAt::Lock(None), Io::Lock(slot))
            }
            Some(slot) => self.ask(FetchAt::Version(slot), Io::Version),
            None => self.ask(FetchAt::Load, Io::Load),
        }
    }

    fn ask(&mut self, at: FetchAt, io: Io<'static>) -> Next<'static, Guard> {
        self.at = at;
        Next::Io(io)
    }

    /// Compares the locked entry with the store's version, if one was read.
    fn check(&mut self, entry: Guard, stored: Option<Version>) -> Next<'static, Guard> {
        let Some(stored) = stored else {
            return Next::Done(Ok(entry));
        };
        match Engine::standing(&entry, stored) {
            Standing::Current => Next::Done(Ok(entry)),
            Standing::Behind(after) => {
                self.ask(FetchAt::Events { entry, stored }, Io::Events(after))
            }
            Standing::Reload => self.reload(entry),
        }
    }

    /// Drops the entry from the cache and loads the account again.
    fn reload(&mut self, entry: Guard) -> Next<'static, Guard> {
        let slot = slot_of(&entry);
        drop(entry);
        self.engine.evict(self.account, &slot);
        self.ask(FetchAt::Load, Io::Load)
    }
}

impl Machine for Fetch<'_> {
    type Output = Guard;

    fn resume(&mut self, reply: Reply) -> Next<'_, Guard> {
        self.step(reply)
    }
}

/// Executes one command: fetch the entry, decide on it, append its events at the version
/// they were decided on; on a conflict, drop the entry and decide again on fresh state while
/// [`Settings::conflict_retries`](crate::Settings::conflict_retries) last. A caller's
/// expected version is never decided again: its conflict goes back to it.
pub(crate) struct Execute<'e, 'c> {
    engine: &'e Engine,
    account: AccountId,
    ctx: &'c Context<'c>,
    command: AccountCommand,
    kind: CommandKind,
    expected: Option<Version>,
    attempt: u32,
    fetch: Fetch<'e>,
    /// The locked entry holding the decided events, while they are appended.
    appending: Option<(Guard, Prepared)>,
}

impl<'e, 'c> Execute<'e, 'c> {
    pub(crate) fn new(
        engine: &'e Engine,
        account: AccountId,
        ctx: &'c Context<'c>,
        command: AccountCommand,
        expected: Option<Version>,
    ) -> Self {
        Execute {
            engine,
            account,
            ctx,
            kind: command.kind(),
            command,
            expected,
            attempt: if expected.is_some() { u32::MAX } else { 0 },
            fetch: Fetch::new(engine, account, Freshness::Current),
            appending: None,
        }
    }

    fn step(&mut self, reply: Reply) -> Next<'_, Executed> {
        if let Some((entry, prepared)) = self.appending.take() {
            return match reply {
                Reply::Appended(result) => self.appended(entry, prepared, result),
                // Never given by the drivers; the entry holds unstored events: drop it.
                _ => self.again(entry),
            };
        }
        match self.fetch.step(reply) {
            Next::Io(io) => Next::Io(io),
            Next::Done(Ok(entry)) => self.decide(entry),
            Next::Done(Err(e)) => Next::Done(Err(e)),
        }
    }

    /// Decides the command on the locked, current entry (authorised first: a stale version
    /// is told only to whom may act, rule X-2), and asks to append its events.
    fn decide(&mut self, mut entry: Guard) -> Next<'_, Executed> {
        if entry.in_flight {
            // A command panicked while deciding on it: never use a half-applied entry.
            return self.again(entry);
        }
        let slot = slot_of(&entry);
        let command = self.command.clone();
        let decided = self.engine.decide(
            self.account,
            &slot,
            &mut entry,
            self.ctx,
            command,
            self.expected,
        );
        let prepared = match decided {
            Ok(prepared) => prepared,
            Err(e) => return Next::Done(Err(e)),
        };
        if prepared.events.is_empty() {
            let version = entry.version;
            return Next::Done(Ok(Engine::committed(&mut entry, prepared, version)));
        }
        let (entry, prepared) = self.appending.insert((entry, prepared));
        Next::Io(Io::Append(
            Write::new(self.account, entry.version, &prepared.events)
                .with_snapshot(prepared.snapshot_due.then_some(&entry.state)),
        ))
    }

    fn appended(
        &mut self,
        mut entry: Guard,
        prepared: Prepared,
        result: Result<Version, StoreError<StoreFailure>>,
    ) -> Next<'_, Executed> {
        let error = match result {
            Ok(stored) => return Next::Done(Ok(Engine::committed(&mut entry, prepared, stored))),
            Err(error) => error,
        };
        // The entry holds the refused events: it is dropped either way.
        let slot = slot_of(&entry);
        drop(entry);
        match self
            .engine
            .append_failed(self.account, &slot, error, &mut self.attempt)
        {
            AfterFailure::Retry => self.fetch_again(),
            AfterFailure::Fail(e) => Next::Done(Err(e)),
        }
    }

    /// Drops the entry from the cache and starts over on fresh state.
    fn again(&mut self, entry: Guard) -> Next<'_, Executed> {
        let slot = slot_of(&entry);
        drop(entry);
        self.engine.evict(self.account, &slot);
        self.fetch_again()
    }

    fn fetch_again(&mut self) -> Next<'_, Executed> {
        self.fetch = Fetch::new(self.engine, self.account, Freshness::Current);
        self.step(Reply::Start)
    }
}

impl Machine for Execute<'_, '_> {
    type Output = Executed;

    fn resume(&mut self, reply: Reply) -> Next<'_, Executed> {
        let (account, kind) = (self.account, self.kind);
        let next = self.step(reply);
        if let Next::Done(outcome) = &next {
            Engine::trace(account, kind, outcome);
        }
        next
    }
}

#[cfg(test)]
mod tests;
