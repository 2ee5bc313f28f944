//! The event envelope and the version used for optimistic concurrency (rule X-1).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::actor::Actor;
use crate::context::Context;

/// An event with who caused it and when (rule X-1): the unit of the audit trail.
///
/// Domain crates return bare events; the facade wraps each in an envelope with the command's
/// [`Context`] before storing it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Envelope<E> {
    /// When the command that caused the event was decided.
    pub at: DateTime<Utc>,
    /// Who performed it.
    pub actor: Actor,
    /// What changed.
    pub event: E,
}

impl<E> Envelope<E> {
    /// Wraps `event` with the time and actor of `ctx`.
    pub fn new(ctx: &Context<'_>, event: E) -> Self {
        Envelope {
            at: ctx.now(),
            actor: ctx.actor(),
            event,
        }
    }

    /// Transforms the payload, keeping time and actor.
    pub fn map<F, T>(self, f: F) -> Envelope<T>
    where
        F: FnOnce(E) -> T,
    {
        Envelope {
            at: self.at,
            actor: self.actor,
            event: f(self.event),
        }
    }
}

/// How many events an account's stream holds: the precondition of the next write
/// (optimistic concurrency).
///
/// A store saves new events only if the stream is still at the version the writer loaded;
/// otherwise the writer reloads and retries.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Version(u64);

impl Version {
    /// The version of a stream with no events.
    pub const INITIAL: Version = Version(0);

    /// A version from its number.
    pub const fn new(n: u64) -> Self {
        Version(n)
    }

    /// The number of events in the stream.
    pub const fn get(self) -> u64 {
        self.0
    }

    /// The version after `n` more events.
    pub const fn after(self, n: u64) -> Version {
        Version(self.0.saturating_add(n))
    }
}

impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "v{}", self.0)
    }
}
