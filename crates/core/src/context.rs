//! Time, ids and the acting principal come from the host (rule X-5).

use chrono::{DateTime, Utc};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use uuid::Uuid;

use crate::actor::Actor;
use crate::id::EntityId;

/// A source of the current time. Domain crates never read a clock themselves: the host passes
/// the time in a [`Context`].
pub trait Clock {
    /// The current instant.
    fn now(&self) -> DateTime<Utc>;
}

/// A source of fresh unique ids and of unpredictable bytes (for temporary passwords and key
/// values). Domain crates never draw randomness themselves.
///
/// A production host implements it over a CSPRNG (for example UUID v4); tests use
/// [`SequentialIds`].
pub trait IdSource {
    /// A fresh UUID, never returned before.
    fn next_uuid(&self) -> Uuid;

    /// Fills `buf` with unpredictable bytes. The default draws them from [`next_uuid`]; a host
    /// whose ids are not random (such as UUID v7) must override it.
    ///
    /// [`next_uuid`]: IdSource::next_uuid
    fn fill_bytes(&self, buf: &mut [u8]) {
        for chunk in buf.chunks_mut(16) {
            let bytes = self.next_uuid().into_bytes();
            for (dst, src) in chunk.iter_mut().zip(bytes) {
                *dst = src;
            }
        }
    }
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
    fn fill_bytes(&self, buf: &mut [u8]) {
        (**self).fill_bytes(buf)
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
    pub fn advance(&self, by: chrono::Duration) {
        let now = self.now();
        self.set(now + by);
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
/// Its [`IdSource::fill_bytes`] is deterministic too, so "random" secrets made in tests are
/// the same in every run. Never use it in production.
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
        let n = self.0.fetch_add(1, Ordering::Relaxed) + 1;
        Uuid::from_u128(u128::from(n))
    }
    fn fill_bytes(&self, buf: &mut [u8]) {
        // A simple deterministic mix (SplitMix64) so test secrets look varied.
        for chunk in buf.chunks_mut(8) {
            let mut z = self
                .0
                .fetch_add(1, Ordering::Relaxed)
                .wrapping_add(0x9E37_79B9_7F4A_7C15);
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^= z >> 31;
            for (dst, src) in chunk.iter_mut().zip(z.to_le_bytes()) {
                *dst = src;
            }
        }
    }
}

/// What every command is decided with: when it happens, who does it, and where fresh ids come
/// from (rule X-5).
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use partnerkit_core::{Actor, Context, SequentialIds, UserId};
///
/// let ids = SequentialIds::default();
/// let now = Utc.with_ymd_and_hms(2027, 3, 1, 9, 0, 0).unwrap();
/// let ctx = Context::new(now, Actor::Marketplace, &ids);
/// let user: UserId = ctx.new_id();
/// assert_eq!(user.to_string(), "00000000-0000-0000-0000-000000000001");
/// ```
#[derive(Clone, Copy)]
pub struct Context<'a> {
    now: DateTime<Utc>,
    actor: Actor,
    ids: &'a dyn IdSource,
}

impl<'a> Context<'a> {
    /// A context at `now`, for `actor`, drawing ids from `ids`.
    pub fn new(now: DateTime<Utc>, actor: Actor, ids: &'a dyn IdSource) -> Self {
        Context { now, actor, ids }
    }

    /// A context whose time is read once from `clock`.
    pub fn at_clock(clock: &dyn Clock, actor: Actor, ids: &'a dyn IdSource) -> Self {
        Context::new(clock.now(), actor, ids)
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

    /// The id source, for code that draws secrets (see [`crate::SecretString::generate`]).
    pub fn ids(&self) -> &'a dyn IdSource {
        self.ids
    }
}

impl std::fmt::Debug for Context<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Context")
            .field("now", &self.now)
            .field("actor", &self.actor)
            .finish_non_exhaustive()
    }
}
