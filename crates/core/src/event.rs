//! The event envelope and the version used for optimistic concurrency (rule X-1).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize};

use crate::actor::Actor;
use crate::context::Context;
use crate::id::EventId;

/// The format version of the envelopes this crate writes: [`Envelope::v`] of every envelope
/// made by [`Envelope::new`].
///
/// | `v` | written by | JSON fields |
/// |-----|------------|-------------|
/// | 1 | partnerkit before event ids | `at`, `actor`, `event` (no `v`, no `id`) |
/// | 2 | this version | `v`, `id`, `at`, `actor`, `event` |
///
/// Decoding accepts every version up to this one; a higher `v` (written by a newer
/// partnerkit) is refused with a message saying to upgrade, never misread.
pub const ENVELOPE_FORMAT: u16 = 2;

/// An event with who caused it and when (rule X-1): the unit of the audit trail.
///
/// Domain crates return bare events; the facade wraps each in an envelope with the command's
/// [`Context`] before storing it.
///
/// # Ids and format versions
///
/// Every envelope made by [`Envelope::new`] has format [`ENVELOPE_FORMAT`] (2) and an
/// [`EventId`] drawn from the context's [`IdSource`](crate::IdSource), so the host decides
/// how ids are made (UUID v4/v7 in production, [`SequentialIds`](crate::SequentialIds) in
/// tests). Hosts use it to de-duplicate events they deliver or project at least once.
///
/// Events stored before ids existed decode as format 1 with `id: None`. No id is invented
/// for them: a made-up id (nil, or random on each load) would either collide or change
/// between loads, and a host that de-duplicates on it would drop or repeat events. A host
/// that needs a key for such an event uses its account and position in the stream, which
/// is what identified it before.
///
/// Stored events are immutable, so a format-1 envelope stays format 1: encoding it again
/// gives back the format-1 JSON it was read from (no `v`, no `id`), byte for byte the same
/// fields. Only new events are written in the current format; an account's history may mix
/// both.
///
/// The JSON form, format 2:
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use partnerkit_core::{Actor, Context, Envelope, SequentialIds};
///
/// let ids = SequentialIds::default();
/// let ctx = Context::new(Utc.with_ymd_and_hms(2027, 3, 1, 9, 0, 0).unwrap(), Actor::Marketplace, &ids);
/// let e = Envelope::new(&ctx, "opened");
/// assert_eq!(e.v, 2);
/// assert_eq!(
///     serde_json::to_string(&e)?,
///     r#"{"v":2,"id":"00000000-0000-0000-0000-000000000001","at":"2027-03-01T09:00:00Z","actor":{"kind":"marketplace"},"event":"opened"}"#
/// );
///
/// // A format-1 envelope (stored before ids) still decodes, and stays format 1.
/// let old = r#"{"at":"2027-03-01T09:00:00Z","actor":{"kind":"marketplace"},"event":"opened"}"#;
/// let e: Envelope<String> = serde_json::from_str(old)?;
/// assert_eq!((e.v, e.id), (1, None));
/// assert_eq!(serde_json::to_string(&e)?, old);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Envelope<E> {
    /// The format version the envelope was written in: [`ENVELOPE_FORMAT`] for new ones,
    /// 1 for events stored before ids. Format 1 has `id == None`, every later format has an
    /// id.
    #[serde(skip_serializing_if = "is_format_1")]
    pub v: u16,
    /// The event's id, drawn from the host's [`IdSource`](crate::IdSource); `None` only for
    /// format-1 events, stored before ids existed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<EventId>,
    /// When the command that caused the event was decided.
    pub at: DateTime<Utc>,
    /// Who performed it.
    pub actor: Actor,
    /// What changed.
    pub event: E,
}

fn is_format_1(v: &u16) -> bool {
    *v == 1
}

fn format_1() -> u16 {
    1
}

/// The envelope's fields as stored, before the format rules are checked.
#[derive(Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
struct StoredEnvelope<E> {
    #[serde(default = "format_1")]
    v: u16,
    #[serde(default)]
    id: Option<EventId>,
    at: DateTime<Utc>,
    actor: Actor,
    event: E,
}

impl<'de, E: Deserialize<'de>> Deserialize<'de> for Envelope<E> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::Error as _;
        let s = StoredEnvelope::<E>::deserialize(deserializer)?;
        let envelope = Envelope {
            v: s.v,
            id: s.id,
            at: s.at,
            actor: s.actor,
            event: s.event,
        };
        match envelope.format_problem() {
            None => Ok(envelope),
            Some(problem) => Err(D::Error::custom(problem)),
        }
    }
}

impl<E> Envelope<E> {
    /// Why this envelope is not a valid one of its format, or `None` if it is: format 1 has no
    /// id, format 2 has one, and no other format exists in this version of partnerkit.
    ///
    /// Decoding checks it; a store that keeps the format and id in columns of its own checks
    /// it when it reads them back.
    pub fn format_problem(&self) -> Option<String> {
        match (self.v, self.id.is_some()) {
            (1, false) | (2, true) => None,
            (1, true) => Some(
                "an event envelope of format 1 has no id: store it with \"v\": 2, or without its id"
                    .into(),
            ),
            (2, false) => Some(
                "an event envelope of format 2 needs an \"id\": store the id it was written with"
                    .into(),
            ),
            (0, _) => Some("event envelope format 0 does not exist: formats start at 1".into()),
            (v, _) => Some(format!(
                "event envelope format {v} is newer than this partnerkit knows (up to {ENVELOPE_FORMAT}): upgrade partnerkit to read it"
            )),
        }
    }

    /// Wraps `event` with the time and actor of `ctx` and a fresh id from its
    /// [`IdSource`](crate::IdSource), in the current format ([`ENVELOPE_FORMAT`]).
    pub fn new(ctx: &Context<'_>, event: E) -> Self {
        Envelope {
            v: ENVELOPE_FORMAT,
            id: Some(ctx.new_id()),
            at: ctx.now(),
            actor: ctx.actor(),
            event,
        }
    }

    /// Transforms the payload, keeping format, id, time and actor.
    pub fn map<F, T>(self, f: F) -> Envelope<T>
    where
        F: FnOnce(E) -> T,
    {
        Envelope {
            v: self.v,
            id: self.id,
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
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
