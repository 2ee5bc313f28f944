//! Test support: a given/when/then harness for [`Decider`]s, with a deterministic clock and id
//! source and a predictable random source. Enabled by the `testing` feature; meant for `[dev-dependencies]`.
//!
//! ```
//! # use partnerkit_core::{Context, Decider};
//! use partnerkit_core::testing::given;
//!
//! // A toy decider: a counter that refuses to go above 2.
//! struct Counter;
//! #[derive(Debug, PartialEq, thiserror::Error)]
//! #[error("the counter is full")]
//! struct Full;
//! impl Decider for Counter {
//!     type State = u32;
//!     type Command = ();
//!     type Event = u32;
//!     type Error = Full;
//!     fn decide(s: &u32, _: (), _: &Context<'_>) -> Result<Vec<u32>, Full> {
//!         if *s >= 2 { Err(Full) } else { Ok(vec![*s + 1]) }
//!     }
//!     fn apply(s: &mut u32, e: &u32) { *s = *e; }
//! }
//!
//! given::<Counter>([1]).when(()).then([2]);
//! given::<Counter>([1, 2]).when(()).then_err(Full);
//! ```

use chrono::{DateTime, TimeZone, Utc};
use uuid::Uuid;

use crate::actor::Actor;
use crate::context::{Context, SequentialIds};
use crate::decider::Decider;
use crate::id::EntityId;
use crate::random::SeededRandom;

/// The instant every harness run happens at unless told otherwise: 2027-01-15 12:00 UTC.
pub fn default_now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2027, 1, 15, 12, 0, 0)
        .single()
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

/// A UTC instant from its parts, for tests. Invalid parts give `DateTime::MIN_UTC`, which
/// every test notices.
pub fn at(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, s)
        .single()
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

/// A typed id from a small number, for readable tests: `id::<UserId>(7)` is
/// `UserId(00000000-0000-0000-0000-000000000007)`.
pub fn id<I: EntityId>(n: u128) -> I {
    I::from_uuid(Uuid::from_u128(n))
}

/// Ids drawn by the harness start after this number, so they never clash with the small ids a
/// test builds with [`id`].
pub const HARNESS_IDS_START: u64 = 1_000_000;

/// The seed of the harness's [`SeededRandom`], so secrets made in a scenario are the same in
/// every run.
pub const HARNESS_SEED: u64 = 42;

/// Starts a scenario from past events. Its context has the time [`default_now`], the actor
/// [`Actor::Marketplace`], ids after [`HARNESS_IDS_START`] and a [`SeededRandom`] seeded with
/// [`HARNESS_SEED`].
pub fn given<D: Decider>(events: impl IntoIterator<Item = D::Event>) -> Given<D> {
    Given {
        events: events.into_iter().collect(),
        now: default_now(),
        actor: Actor::Marketplace,
        ids: SequentialIds::starting_after(HARNESS_IDS_START),
        rng: SeededRandom::new(HARNESS_SEED),
    }
}

/// A scenario's past: the events so far, and the time and actor of the next command.
pub struct Given<D: Decider> {
    events: Vec<D::Event>,
    now: DateTime<Utc>,
    actor: Actor,
    ids: SequentialIds,
    rng: SeededRandom,
}

impl<D: Decider> Given<D> {
    /// The next command happens at `now`.
    pub fn at(mut self, now: DateTime<Utc>) -> Self {
        self.now = now;
        self
    }

    /// The next command is performed by `actor`.
    pub fn by(mut self, actor: Actor) -> Self {
        self.actor = actor;
        self
    }

    /// The state the given events fold to.
    pub fn state(&self) -> D::State {
        D::fold(&self.events)
    }

    /// Decides `command` against the state of the given events.
    pub fn when(self, command: D::Command) -> When<D> {
        let state = self.state();
        let ctx = Context::new(self.now, self.actor, &self.ids).with_rng(&self.rng);
        let result = D::decide(&state, command, &ctx);
        When {
            given: self.events,
            state,
            result,
        }
    }
}

/// The outcome of a command, to be checked with one of the `then` methods.
pub struct When<D: Decider> {
    given: Vec<D::Event>,
    state: D::State,
    result: Result<Vec<D::Event>, D::Error>,
}

impl<D: Decider> When<D> {
    /// Asserts that the command was accepted with exactly `expected` events; returns the state
    /// after them. Also checks that every event reads back through JSON as itself, and that
    /// folding all of them, read back, from scratch gives the same state.
    #[track_caller]
    pub fn then(self, expected: impl IntoIterator<Item = D::Event>) -> D::State
    where
        D::State: PartialEq,
        D::Event: serde::Serialize + serde::de::DeserializeOwned,
    {
        let expected: Vec<D::Event> = expected.into_iter().collect();
        match self.result {
            Ok(events) => {
                assert_eq!(
                    events, expected,
                    "the command caused other events than expected"
                );
                Self::state_after(self.given, self.state, &events)
            }
            Err(e) => panic!("expected events {expected:?}, but the command was refused: {e}"),
        }
    }

    /// Asserts that the command was accepted and hands its events to `check`; returns the state
    /// after them.
    #[track_caller]
    pub fn then_events(self, check: impl FnOnce(&[D::Event])) -> D::State
    where
        D::State: PartialEq,
        D::Event: serde::Serialize + serde::de::DeserializeOwned,
    {
        match self.result {
            Ok(events) => {
                check(&events);
                Self::state_after(self.given, self.state, &events)
            }
            Err(e) => panic!("expected the command to be accepted, but it was refused: {e}"),
        }
    }

    /// Asserts that the command was refused with exactly `expected`.
    #[track_caller]
    pub fn then_err(self, expected: D::Error)
    where
        D::Error: PartialEq,
    {
        match self.result {
            Ok(events) => {
                panic!("expected the error {expected:?}, but the command caused {events:?}")
            }
            Err(e) => assert_eq!(e, expected, "the command was refused for another reason"),
        }
    }

    /// Asserts that the command was refused with an error for which `check` is true.
    #[track_caller]
    pub fn then_err_matches(self, check: impl FnOnce(&D::Error) -> bool) {
        match self.result {
            Ok(events) => panic!("expected an error, but the command caused {events:?}"),
            Err(e) => assert!(
                check(&e),
                "the command was refused for another reason: {e:?}"
            ),
        }
    }

    /// The raw outcome, for checks the `then` methods do not cover.
    pub fn result(self) -> Result<Vec<D::Event>, D::Error> {
        self.result
    }

    #[track_caller]
    fn state_after(given: Vec<D::Event>, mut state: D::State, events: &[D::Event]) -> D::State
    where
        D::State: PartialEq,
        D::Event: serde::Serialize + serde::de::DeserializeOwned,
    {
        for e in events {
            D::apply(&mut state, e);
        }
        // Replay what a store would give back: every event written as JSON and read again.
        let stored: Vec<D::Event> = given
            .iter()
            .chain(events)
            .map(|e| {
                let json = serde_json::to_string(e)
                    .unwrap_or_else(|err| panic!("event {e:?} does not serialise: {err}"));
                let back: D::Event = serde_json::from_str(&json)
                    .unwrap_or_else(|err| panic!("event {json} does not read back: {err}"));
                assert_eq!(&back, e, "event {json} reads back as another event");
                back
            })
            .collect();
        let replayed = D::fold(&stored);
        assert_eq!(
            replayed, state,
            "folding the events read back through JSON gave another state"
        );
        state
    }
}
