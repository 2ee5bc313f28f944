//! "Action needed" (AGR-2) and the accept-by deadline that blocks publishing.

use partnerkit_agreements::{Acceptances, Agreements, action_needed, publishing_blocked};
use partnerkit_core::Decider;
use partnerkit_core::testing::at;

use crate::support::*;

fn summary(
    acceptances: &Acceptances,
    now: chrono::DateTime<chrono::Utc>,
) -> Vec<(String, String, Option<String>, i64, bool)> {
    action_needed(&catalogue(), acceptances, now)
        .into_iter()
        .map(|i| {
            (
                i.agreement.to_string(),
                i.version.to_string(),
                i.accepted.map(|v| v.to_string()),
                i.pending_days,
                i.blocks_publishing,
            )
        })
        .collect()
}

fn s(x: &str) -> String {
    x.to_owned()
}

#[test]
fn every_agreement_whose_latest_version_is_not_accepted_needs_action() {
    // rule: AGR-2
    let none = Acceptances::default();
    assert_eq!(
        summary(&none, today()),
        [
            // Never accepted: behind since the first version, 2026-03-01 (320 days).
            (s(TERMS), s("v1"), None, 320, false),
            (s(MPA), s("2027-01"), None, 198, false),
        ]
    );
}

#[test]
fn an_update_shows_the_version_accepted_and_how_long_it_has_been_pending() {
    // rule: AGR-2
    let state = Agreements::fold(&[
        accepted(MPA, "2026-07", at(2026, 7, 3, 9, 0, 0), ann(), "Ann Lind"),
        accepted(TERMS, "v1", at(2026, 3, 2, 9, 0, 0), bob(), "Bob Berg"),
    ]);
    let items = action_needed(&catalogue(), &state, today());
    assert_eq!(items.len(), 1);
    let item = &items[0];
    assert_eq!(item.agreement, agreement(MPA));
    assert_eq!(item.name.as_str(), "Microsoft Publisher Agreement");
    assert_eq!(item.version, version("2027-01"));
    assert_eq!(
        item.text.url().map(|u| u.as_str()),
        Some("https://contoso.com/mpa/2027-01")
    );
    assert_eq!(item.accepted, Some(version("2026-07")));
    assert_eq!(item.pending_since, at(2027, 1, 1, 0, 0, 0));
    assert_eq!(item.pending_days, 14);
    assert_eq!(item.accept_by, Some(at(2027, 3, 1, 0, 0, 0)));
    assert!(!item.blocks_publishing);
}

#[test]
fn versions_not_yet_published_need_no_action() {
    // rule: AGR-2
    let state = Agreements::fold(&[
        accepted(MPA, "2027-01", at(2027, 1, 2, 9, 0, 0), ann(), "Ann Lind"),
        accepted(TERMS, "v1", at(2026, 3, 2, 9, 0, 0), bob(), "Bob Berg"),
    ]);
    // 2027-07 is announced in the catalogue but not published until July.
    assert!(action_needed(&catalogue(), &state, at(2027, 6, 30, 23, 59, 59)).is_empty());
    assert_eq!(
        summary(&state, at(2027, 7, 11, 0, 0, 0)),
        [(s(MPA), s("2027-07"), Some(s("2027-01")), 10, false)]
    );
    // Before any version is published nothing is listed either.
    assert!(
        action_needed(
            &catalogue(),
            &Acceptances::default(),
            at(2026, 1, 1, 0, 0, 0)
        )
        .is_empty()
    );
}

#[test]
fn accepting_the_latest_version_clears_the_item() {
    // rule: AGR-2
    let now = today();
    let state = Agreements::fold(&[
        accepted(TERMS, "v1", at(2026, 3, 2, 9, 0, 0), bob(), "Bob Berg"),
        accepted(MPA, "2027-01", now, ann(), "Ann Lind"),
    ]);
    assert!(action_needed(&catalogue(), &state, now).is_empty());
    assert!(!publishing_blocked(&catalogue(), &state, now));
}

#[test]
fn past_the_accept_by_date_publishing_is_blocked_until_accepted() {
    // rule: AGR-2
    let mut state = Agreements::fold(&[
        accepted(MPA, "2026-07", at(2026, 7, 3, 9, 0, 0), ann(), "Ann Lind"),
        accepted(TERMS, "v1", at(2026, 3, 2, 9, 0, 0), bob(), "Bob Berg"),
    ]);
    let deadline = at(2027, 3, 1, 0, 0, 0);
    // Accepting at the deadline itself is still on time.
    assert!(!publishing_blocked(&catalogue(), &state, deadline));
    let after = at(2027, 3, 1, 0, 0, 1);
    assert!(publishing_blocked(&catalogue(), &state, after));
    let items = action_needed(&catalogue(), &state, after);
    assert!(items[0].blocks_publishing);
    assert_eq!(items[0].accept_by, Some(deadline));
    // A newer version without a deadline does not lift the missed one.
    let july = at(2027, 7, 2, 0, 0, 0);
    assert_eq!(
        summary(&state, july),
        [(s(MPA), s("2027-07"), Some(s("2026-07")), 182, true)]
    );
    // Accepting the latest version does.
    let ev = accepted(MPA, "2027-07", july, ann(), "Ann Lind");
    Agreements::apply(&mut state, &ev);
    assert!(!publishing_blocked(&catalogue(), &state, july));
    assert!(action_needed(&catalogue(), &state, july).is_empty());
}

#[test]
fn blocking_items_come_first_then_the_longest_pending() {
    // rule: AGR-2
    let after_deadline = at(2027, 3, 2, 0, 0, 0);
    let listed: Vec<_> = summary(&Acceptances::default(), after_deadline)
        .into_iter()
        .map(|(a, _, _, _, blocks)| (a, blocks))
        .collect();
    assert_eq!(listed, [(s(MPA), true), (s(TERMS), false)]);
}
