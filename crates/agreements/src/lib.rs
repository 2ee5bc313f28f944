//! Publishing agreements: the versions a marketplace publishes, the ones an account accepted,
//! and what still needs its action.
//!
//! ```
//! use partnerkit_agreements::{Agreements, Acceptances, Catalogue, Command, Error, action_needed};
//! use partnerkit_core::chrono::{TimeZone, Utc};
//! use partnerkit_core::{Actor, Context, Decider, DisplayName, SequentialIds, TenantId, UserId};
//! use partnerkit_core::uuid::Uuid;
//!
//! // The host supplies the catalogue as data.
//! let catalogue: Catalogue = serde_json::from_str(r#"{"agreements": [{
//!     "id": "microsoft-publisher-agreement",
//!     "name": "Microsoft Publisher Agreement",
//!     "versions": [
//!         {"version": "2026-07", "published_at": "2026-07-01T00:00:00Z",
//!          "text": {"url": "https://contoso.com/mpa/2026-07"}},
//!         {"version": "2027-01", "published_at": "2027-01-01T00:00:00Z",
//!          "text": {"url": "https://contoso.com/mpa/2027-01"},
//!          "accept_by": "2027-03-01T00:00:00Z"}
//!     ]}]}"#)?;
//! let mpa = "microsoft-publisher-agreement".parse()?;
//!
//! // Nothing accepted yet: the latest version needs action (rule AGR-2).
//! let now = Utc.with_ymd_and_hms(2027, 1, 15, 9, 0, 0).unwrap();
//! let mut acceptances = Acceptances::default();
//! let todo = action_needed(&catalogue, &acceptances, now);
//! assert_eq!(todo[0].version.as_str(), "2027-01");
//!
//! // Ann accepts the exact version she read (rule AGR-3); the event records it (rule X-1).
//! let (tenant, ann) = (TenantId::from_uuid(Uuid::from_u128(1)), UserId::from_uuid(Uuid::from_u128(2)));
//! let ids = SequentialIds::default();
//! let ctx = Context::new(now, Actor::User { tenant, user: ann }, &ids);
//! let version = "2027-01".parse()?;
//! let accept = Command::accept(&catalogue, &mpa, &version, now, ann, DisplayName::new("Ann Lind")?)?;
//! Agreements::execute(&mut acceptances, accept.clone(), &ctx)?;
//!
//! // The list shows who accepted what and when (rule AGR-1); nothing needs action any more.
//! assert_eq!(acceptances.list()[0].name_shown.as_str(), "Ann Lind");
//! assert!(action_needed(&catalogue, &acceptances, now).is_empty());
//!
//! // Accepting the same version twice is a typed error (rule AGR-3).
//! let err = Agreements::decide(&acceptances, accept, &ctx).unwrap_err();
//! assert!(matches!(err, Error::AlreadyAccepted { .. }));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Overview
//!
//! - **The catalogue** ([`Catalogue`], [`Agreement`], [`PublishedVersion`], [`AgreementId`],
//!   [`AgreementVersion`], [`AgreementText`], [`TextDigest`]): the agreements and their
//!   versions, each with a publish date, the link and/or SHA-256 digest of its text and an
//!   optional accept-by date. The host supplies it as data (usually JSON): the agreements are
//!   the marketplace's own, so no catalogue ships with this crate and
//!   [`Catalogue::default`] is empty. It is validated on construction and deserialisation
//!   alike.
//! - **Acceptances** ([`Agreements`], [`Acceptances`], [`Command`], [`Event`]): the account's
//!   accepted versions, with when and by whom, newest first (rule AGR-1). `Agreements`
//!   implements [`partnerkit_core::Decider`].
//! - **Action needed** ([`action_needed`], [`ActionNeeded`], [`publishing_blocked`]): the
//!   agreements whose latest version the account has not accepted, for how long, and whether
//!   a missed accept-by date blocks publishing (rule AGR-2).
//! - **Errors** ([`Error`]): one enum for bad catalogue data and refused acceptances; every
//!   refusal names its rule (rule X-3).
//!
//! This crate is pure: it performs no I/O, reads no clock and draws no randomness. Time and
//! the actor arrive in a [`Context`](partnerkit_core::Context) or as a `now` argument (rule X-5).
//!
//! # The catalogue
//!
//! Versions are listed oldest first, each published strictly later than the one before; their
//! labels are opaque text, ordered only by publish date. A version whose publish date is
//! still in the future is in the catalogue but not yet *current*:
//! [`Catalogue::latest`] and [`action_needed`] ignore it and it cannot be accepted. This lets
//! a host announce an update before it takes effect. Unknown JSON keys are refused.
//!
//! # Accepting a version
//!
//! Accepting refers to the exact version the user read (rule AGR-3). Because
//! [`Decider::decide`](partnerkit_core::Decider::decide) receives only the account's state,
//! the command carries the version already checked against the catalogue: a
//! [`ResolvedVersion`], made by [`Catalogue::resolve`] or directly by [`Command::accept`].
//!
//! | refused when | error | checked by |
//! |---|---|---|
//! | the agreement or version is not in the catalogue | [`Error::UnknownAgreement`], [`Error::UnknownVersion`] | `resolve` |
//! | the catalogue is empty (the host gave none) | [`Error::EmptyCatalogue`] | `resolve` |
//! | the version is not yet published | [`Error::VersionNotYetPublished`] | `resolve` and `decide` |
//! | a later version replaced it (the user read a stale page) | [`Error::VersionSuperseded`] | `resolve` |
//! | the account already accepted it | [`Error::AlreadyAccepted`] | `decide` |
//! | the account already accepted a later version | [`Error::OlderThanAccepted`] | `decide` |
//! | a signed-in user names another user as accepting | [`Error::AcceptedByAnotherUser`] | `decide` |
//!
//! The event, [`Event::AgreementAccepted`], records the agreement and its name, the version,
//! its publish date and text (link and/or digest), when, and who: user id and the name shown.
//! [`Acceptances`] is rebuilt from these events alone.
//!
//! *Who* may accept agreements is not this crate's question: the facade asks the access crate
//! before deciding (rule X-2).
//!
//! # Action needed
//!
//! [`action_needed`] lists the agreements whose latest published version the account has not
//! accepted, with how long the account has been behind (rule AGR-2). It is empty exactly when
//! every latest published version is accepted. When a missed version's accept-by date has
//! passed, the item says so in [`ActionNeeded::blocks_publishing`];
//! [`publishing_blocked`] answers the same for the whole account, for the facade to check
//! before publishing.
#![cfg_attr(docsrs, feature(doc_cfg))]

mod action;
mod catalogue;
mod command;
mod decide;
mod error;
mod event;
mod names;
mod state;

pub use action::{ActionNeeded, action_needed, publishing_blocked};
pub use catalogue::{
    Agreement, AgreementId, AgreementText, AgreementVersion, Catalogue, PublishedVersion,
    ResolvedVersion, TextDigest,
};
pub use command::Command;
pub use decide::Agreements;
pub use error::{Error, Result};
pub use event::Event;
pub use state::{Acceptance, Acceptances};
