//! Shared fixtures: a small catalogue, its users, and helpers to accept versions.

use chrono::{DateTime, Utc};
use partnerkit_agreements::{
    Acceptances, AgreementId, AgreementVersion, Agreements, Catalogue, Command, Event,
};
use partnerkit_core::testing::{at, id};
use partnerkit_core::{Actor, Context, Decider, DisplayName, SequentialIds, TenantId, UserId};

pub(crate) const MPA: &str = "microsoft-publisher-agreement";
pub(crate) const TERMS: &str = "marketplace-offer-terms";

/// The catalogue the tests share. At the harness's default time (2027-01-15 12:00 UTC):
///
/// - the publisher agreement has versions 2026-07 (old), 2027-01 (current, accept by
///   2027-03-01) and 2027-07 (announced, not yet published);
/// - the offer terms have one version, v1, identified by digest only.
pub(crate) const CATALOGUE_JSON: &str = r#"{"agreements": [
  {"id": "microsoft-publisher-agreement", "name": "Microsoft Publisher Agreement",
   "versions": [
     {"version": "2026-07", "published_at": "2026-07-01T00:00:00Z",
      "text": {"url": "https://contoso.com/mpa/2026-07"}},
     {"version": "2027-01", "published_at": "2027-01-01T00:00:00Z",
      "text": {"url": "https://contoso.com/mpa/2027-01",
               "sha256": "9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08"},
      "accept_by": "2027-03-01T00:00:00Z"},
     {"version": "2027-07", "published_at": "2027-07-01T00:00:00Z",
      "text": {"url": "https://contoso.com/mpa/2027-07"}}
   ]},
  {"id": "marketplace-offer-terms", "name": "Marketplace Offer Terms",
   "versions": [
     {"version": "v1", "published_at": "2026-03-01T00:00:00Z",
      "text": {"sha256": "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae"}}
   ]}
]}"#;

pub(crate) fn catalogue() -> Catalogue {
    serde_json::from_str(CATALOGUE_JSON).unwrap()
}

pub(crate) fn agreement(s: &str) -> AgreementId {
    s.parse().unwrap()
}

pub(crate) fn version(s: &str) -> AgreementVersion {
    s.parse().unwrap()
}

pub(crate) fn name(s: &str) -> DisplayName {
    DisplayName::new(s).unwrap()
}

pub(crate) fn tenant() -> TenantId {
    id(1)
}

pub(crate) fn ann() -> UserId {
    id(2)
}

pub(crate) fn bob() -> UserId {
    id(3)
}

/// The actor for a signed-in user of the fixture tenant.
pub(crate) fn user(u: UserId) -> Actor {
    Actor::User {
        tenant: tenant(),
        user: u,
    }
}

/// The harness's default time: 2027-01-15 12:00 UTC.
pub(crate) fn today() -> DateTime<Utc> {
    at(2027, 1, 15, 12, 0, 0)
}

/// The accept command for `version` of `agreement`, resolved against the fixture catalogue at
/// `now`, by Ann.
pub(crate) fn accept_by_ann(agreement_id: &str, label: &str, now: DateTime<Utc>) -> Command {
    Command::accept(
        &catalogue(),
        &agreement(agreement_id),
        &version(label),
        now,
        ann(),
        name("Ann Lind"),
    )
    .unwrap()
}

/// The event of `user` accepting `version` of `agreement` at `now`, as decide makes it.
pub(crate) fn accepted(
    agreement_id: &str,
    label: &str,
    now: DateTime<Utc>,
    by: UserId,
    shown: &str,
) -> Event {
    let cmd = Command::accept(
        &catalogue(),
        &agreement(agreement_id),
        &version(label),
        now,
        by,
        name(shown),
    )
    .unwrap();
    let ids = SequentialIds::default();
    let ctx = Context::new(now, user(by), &ids);
    let mut events = Agreements::decide(&Acceptances::default(), cmd, &ctx).unwrap();
    assert_eq!(events.len(), 1);
    events.remove(0)
}
