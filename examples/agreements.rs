//! An agreement catalogue read from JSON, the "action needed" list as time passes, an
//! acceptance, and publishing blocked by a missed accept-by date (`partnerkit-agreements`).
//!
//! Run with `cargo run --example agreements`.

use std::error::Error;

use partnerkit_agreements::{
    Acceptances, Agreements, Catalogue, Command, action_needed, publishing_blocked,
};
use partnerkit_core::chrono::{DateTime, TimeZone, Utc};
use partnerkit_core::uuid::Uuid;
use partnerkit_core::{Actor, Context, Decider, DisplayName, SequentialIds, TenantId, UserId};

/// The host's catalogue, as it might come from a file or a configuration service. It is
/// validated as it is read: versions oldest first, each with a link and/or digest of its text.
const CATALOGUE: &str = r#"{"agreements": [
  {"id": "microsoft-publisher-agreement",
   "name": "Microsoft Publisher Agreement",
   "versions": [
     {"version": "2026-07", "published_at": "2026-07-01T00:00:00Z",
      "text": {"url": "https://contoso.com/mpa/2026-07"}},
     {"version": "2027-01", "published_at": "2027-01-01T00:00:00Z",
      "text": {"url": "https://contoso.com/mpa/2027-01"},
      "accept_by": "2027-03-01T00:00:00Z"}]},
  {"id": "marketplace-offer-terms",
   "name": "Marketplace Offer Terms",
   "versions": [
     {"version": "v1", "published_at": "2026-03-01T00:00:00Z",
      "text": {"sha256": "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae"}}]}
]}"#;

fn at(year: i32, month: u32, day: u32) -> Result<DateTime<Utc>, Box<dyn Error>> {
    Ok(Utc
        .with_ymd_and_hms(year, month, day, 9, 0, 0)
        .single()
        .ok_or("no such time")?)
}

fn show(when: &str, catalogue: &Catalogue, acceptances: &Acceptances, now: DateTime<Utc>) {
    let todo = action_needed(catalogue, acceptances, now);
    println!("{when} ({now}): {} agreement(s) need action", todo.len());
    for item in &todo {
        println!(
            "  {} version {}: pending {} days, accept by {}{}",
            item.name.as_str(),
            item.version.as_str(),
            item.pending_days,
            item.accept_by.map_or("-".to_owned(), |d| d.to_string()),
            if item.blocks_publishing {
                " — publishing is blocked"
            } else {
                ""
            },
        );
    }
    println!(
        "  publishing blocked: {}",
        publishing_blocked(catalogue, acceptances, now)
    );
}

fn main() -> Result<(), Box<dyn Error>> {
    let catalogue: Catalogue = serde_json::from_str(CATALOGUE)?;

    // First, deliberately, a broken copy: bad catalogue data is refused with a message that
    // says what to fix. The example's first line of output is that refusal.
    let broken = CATALOGUE.replace("\"2027-01-01T00:00:00Z\"", "\"2026-01-01T00:00:00Z\"");
    if let Err(err) = serde_json::from_str::<Catalogue>(&broken) {
        println!("refused on purpose — a catalogue with versions out of order: {err}");
    }

    // A new account has accepted nothing: the latest version of each agreement is due
    // (rule AGR-2), the oldest pending first.
    let mut acceptances = Acceptances::default();
    show("in January", &catalogue, &acceptances, at(2027, 1, 15)?);

    // After the accept-by date of the publisher agreement, publishing is blocked.
    show("in March", &catalogue, &acceptances, at(2027, 3, 2)?);

    // Ann accepts the exact version she read (rule AGR-3); the event records who and when
    // (rule X-1). Only the offer terms remain, and they block nothing.
    let ids = SequentialIds::default();
    let (tenant, ann) = (
        TenantId::from_uuid(Uuid::from_u128(1)),
        UserId::from_uuid(Uuid::from_u128(2)),
    );
    let now = at(2027, 3, 3)?;
    let ctx = Context::new(now, Actor::User { tenant, user: ann }, &ids);
    let mpa = "microsoft-publisher-agreement".parse()?;
    let version = "2027-01".parse()?;
    let name = DisplayName::new("Ann Lind")?;
    let accept = Command::accept(&catalogue, &mpa, &version, now, ann, name)?;
    Agreements::execute(&mut acceptances, accept, &ctx)?;
    show("after Ann accepted", &catalogue, &acceptances, now);

    // The list of what the account accepted, newest first (rule AGR-1).
    for accepted in acceptances.list() {
        println!(
            "accepted: {} {} on {} by {} (user {})",
            accepted.agreement_name.as_str(),
            accepted.version.as_str(),
            accepted.accepted_at,
            accepted.name_shown.as_str(),
            accepted.accepted_by,
        );
    }
    Ok(())
}
