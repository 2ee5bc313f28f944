//! Time, ids and the acting principal come from the host (rule X-5).

use chrono::{DateTime, Utc};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use uuid::Uuid;

use crate::actor::Actor;
use crate::error::Error;
use crate::id::EntityId;
use crate::random::SecureRandom;

/// A source of the current time. Domain crates never read a clock themselves: the host passes
/// the time in a [`Context`].
pub trait Clock {
    /// The current instant.
    fn now(&self) -> DateTime<Utc>;
}

/// A source of fresh unique ids. Domain crates never make ids themselves (rule X-5).
///
/// Ids are not secrets: they appear in URLs, logs and events. Secrets (passwords, key values)
/// come from a [`SecureRandom`] instead.
///
/// A production host implements it with UUID v4 or v7; tests use [`SequentialIds`].
pub trait IdSource {
    /// A fresh UUID, never returned before.
    fn next_uuid(&self) -> Uuid;
}

impl<T: Clock + ?Sized> Clock for &T {
    fn now(&self) -> DateTime<Utc> {
        (**self).now()
    }
}

impl<T: IdSource + ?Sized> IdSource for &T {
    fn next_uuid(&self) -> Uuid {
        (**self).next_uuid()
    }
}

/// A clock that always says the same instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FixedClock(pub DateTime<Utc>);

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        self.0
    }
}

/// A clock a test moves by hand.
#[derive(Debug)]
pub struct ManualClock(Mutex<DateTime<Utc>>);

impl ManualClock {
    /// A clock showing `at`.
    pub fn new(at: DateTime<Utc>) -> Self {
        ManualClock(Mutex::new(at))
    }
    /// Moves the clock to `at`.
    pub fn set(&self, at: DateTime<Utc>) {
        match self.0.lock() {
            Ok(mut g) => *g = at,
            Err(p) => *p.into_inner() = at,
        }
    }
    /// Moves the clock forward by `by`.
    ///
    /// A move past the end (or start) of representable time leaves the clock at the last
    /// (or first) representable instant.
    pub fn advance(&self, by: chrono::Duration) {
        let now = self.now();
        let limit = if by < chrono::Duration::zero() {
            DateTime::<Utc>::MIN_UTC
        } else {
            DateTime::<Utc>::MAX_UTC
        };
        self.set(now.checked_add_signed(by).unwrap_or(limit));
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        match self.0.lock() {
            Ok(g) => *g,
            Err(p) => *p.into_inner(),
        }
    }
}

/// Deterministic ids for tests and examples: `00000000-0000-0000-0000-000000000001`, `…02`, …
///
/// Never use it in production: its ids are guessable.
#[derive(Debug, Default)]
pub struct SequentialIds(AtomicU64);

impl SequentialIds {
    /// Ids starting after `n`: the first one is `n + 1`.
    pub fn starting_after(n: u64) -> Self {
        SequentialIds(AtomicU64::new(n))
    }
}

impl IdSource for SequentialIds {
    fn next_uuid(&self) -> Uuid {
        let n = self.0.fetch_add(1, Ordering::Relaxed).wrapping_add(1);
        Uuid::from_u128(u128::from(n))
    }
}

/// What every command is decided with: when it happens, who does it, where fresh ids come
/// from and, for commands that make secrets, the randomness to make them with (rule X-5).
///
/// A context is `Copy + Send + Sync`: it holds only shared references, so it can be passed
/// to other threads and tasks.
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use partnerkit_core::{Actor, Context, OsRandom, SequentialIds, UserId};
///
/// let ids = SequentialIds::default();
/// let now = Utc.with_ymd_and_hms(2027, 3, 1, 9, 0, 0).unwrap();
/// let ctx = Context::new(now, Actor::Marketplace, &ids);
/// let user: UserId = ctx.new_id();
/// assert_eq!(user.to_string(), "00000000-0000-0000-0000-000000000001");
///
/// // Without randomness, commands that make secrets are refused ...
/// assert!(ctx.rng().is_err());
/// // ... so a host that runs them gives its secure random source.
/// let ctx = ctx.with_rng(&OsRandom);
/// assert!(ctx.rng().is_ok());
/// ```
#[derive(Clone, Copy)]
pub struct Context<'a> {
    now: DateTime<Utc>,
    actor: Actor,
    ids: &'a (dyn IdSource + Sync),
    rng: Option<&'a dyn SecureRandom>,
}

impl<'a> Context<'a> {
    /// A context at `now`, for `actor`, drawing ids from `ids`, without randomness (add it
    /// with [`with_rng`](Context::with_rng)).
    pub fn new(now: DateTime<Utc>, actor: Actor, ids: &'a (dyn IdSource + Sync)) -> Self {
        Context {
            now,
            actor,
            ids,
            rng: None,
        }
    }

    /// A context whose time is read once from `clock`.
    pub fn at_clock(clock: &dyn Clock, actor: Actor, ids: &'a (dyn IdSource + Sync)) -> Self {
        Context::new(clock.now(), actor, ids)
    }

    /// This context with `rng` as its source of secure randomness (rule X-6), such as
    /// [`OsRandom`](crate::OsRandom).
    #[must_use]
    pub fn with_rng(self, rng: &'a dyn SecureRandom) -> Context<'a> {
        Context {
            rng: Some(rng),
            ..self
        }
    }

    /// When the command happens.
    pub fn now(&self) -> DateTime<Utc> {
        self.now
    }

    /// Who performs it.
    pub fn actor(&self) -> Actor {
        self.actor
    }

    /// A fresh id of any entity type.
    pub fn new_id<I: EntityId>(&self) -> I {
        I::from_uuid(self.ids.next_uuid())
    }

    /// The id source.
    pub fn ids(&self) -> &'a (dyn IdSource + Sync) {
        self.ids
    }

    /// The secure random source, for code that makes secrets (see
    /// [`SecretString::generate_password`](crate::SecretString::generate_password)).
    ///
    /// # Errors
    ///
    /// [`Error::NoRandomness`] if the context was made without one: call
    /// [`Context::with_rng`].
    pub fn rng(&self) -> Result<&'a dyn SecureRandom, Error> {
        self.rng.ok_or(Error::NoRandomness)
    }
}

impl std::fmt::Debug for Context<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Context")
            .field("now", &self.now)
            .field("actor", &self.actor)
            .field("has_rng", &self.rng.is_some())
            .finish_non_exhaustive()
    }
}
