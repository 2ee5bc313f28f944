//! Property tests: action needed is empty exactly when every latest version is accepted, and
//! accepting every listed item clears the list.

use chrono::{DateTime, Duration, Utc};
use partnerkit_agreements::{
    Acceptances, Agreement, AgreementText, Agreements, Catalogue, Command, PublishedVersion,
    action_needed, publishing_blocked,
};
use partnerkit_core::testing::at;
use partnerkit_core::{Context, Decider, SequentialIds, Url};
use proptest::prelude::*;

use crate::support::*;

fn base() -> DateTime<Utc> {
    at(2026, 1, 1, 0, 0, 0)
}

/// Per agreement: versions as (days after the previous one, optional accept-by days after
/// publishing), and which version (if any) the account accepted.
type AgreementSpec = (Vec<(i64, Option<i64>)>, Option<usize>);

fn spec() -> impl Strategy<Value = (Vec<AgreementSpec>, i64)> {
    let versions = prop::collection::vec((1i64..120, prop::option::of(0i64..90)), 1..5);
    let agreement = (versions, prop::option::of(0usize..5));
    (prop::collection::vec(agreement, 0..4), 0i64..600)
}

/// Builds the catalogue and the account's acceptances as they stand at `now`. Each accepted
/// version is accepted through `decide`, an hour after its publish date (when it was current);
/// acceptances after `now` have not happened yet.
fn build(specs: &[AgreementSpec], now: DateTime<Utc>) -> (Catalogue, Acceptances) {
    let mut agreements = Vec::new();
    for (i, (versions, _)) in specs.iter().enumerate() {
        let mut published = base();
        let mut list = Vec::new();
        for (j, (gap, deadline)) in versions.iter().enumerate() {
            published += Duration::days(*gap);
            let text =
                AgreementText::link(Url::new(&format!("https://contoso.com/{i}/{j}")).unwrap());
            let mut v = PublishedVersion::new(version(&format!("v{j}")), published, text);
            if let Some(d) = deadline {
                v = v.with_accept_by(published + Duration::days(*d)).unwrap();
            }
            list.push(v);
        }
        agreements.push(
            Agreement::new(
                agreement(&format!("agreement-{i}")),
                name(&format!("Agreement {i}")),
                list,
            )
            .unwrap(),
        );
    }
    let catalogue = Catalogue::new(agreements).unwrap();
    let mut state = Acceptances::default();
    let ids = SequentialIds::default();
    for (a, (_, chosen)) in catalogue.agreements().iter().zip(specs) {
        let Some(v) = chosen.and_then(|j| a.versions().get(j)) else {
            continue;
        };
        let when = v.published_at() + Duration::hours(1);
        if when > now {
            continue;
        }
        let cmd = Command::accept(
            &catalogue,
            a.id(),
            v.version(),
            when,
            ann(),
            name("Ann Lind"),
        )
        .unwrap();
        let ctx = Context::new(when, user(ann()), &ids);
        Agreements::execute(&mut state, cmd, &ctx).unwrap();
    }
    (catalogue, state)
}

proptest! {
    #[test]
    fn action_needed_is_empty_exactly_when_every_latest_version_is_accepted(
        (specs, day) in spec()
    ) {
        // rule: AGR-2
        let now = base() + Duration::days(day);
        let (catalogue, state) = build(&specs, now);
        let all_accepted = catalogue.agreements().iter().all(|a| {
            a.latest_at(now).is_none_or(|v| state.has_accepted(a.id(), v.version()))
        });
        let items = action_needed(&catalogue, &state, now);
        prop_assert_eq!(items.is_empty(), all_accepted);
        for item in &items {
            // Each item names the current version, not yet accepted.
            let latest = catalogue.latest(&item.agreement, now).unwrap();
            prop_assert_eq!(&item.version, latest.version());
            prop_assert!(!state.has_accepted(&item.agreement, &item.version));
            prop_assert!(item.pending_since <= latest.published_at());
            prop_assert!(item.pending_days >= 0);
            prop_assert_eq!(item.blocks_publishing, item.accept_by.is_some_and(|d| now > d));
        }
        prop_assert_eq!(
            publishing_blocked(&catalogue, &state, now),
            items.iter().any(|i| i.blocks_publishing)
        );
    }

    #[test]
    fn accepting_every_listed_version_clears_action_needed(
        (specs, day) in spec()
    ) {
        // rule: AGR-2
        // rule: AGR-3
        let now = base() + Duration::days(day);
        let (catalogue, mut state) = build(&specs, now);
        let ids = SequentialIds::default();
        let ctx = Context::new(now, user(bob()), &ids);
        for item in action_needed(&catalogue, &state, now) {
            let cmd = Command::accept(&catalogue, &item.agreement, &item.version, now, bob(), name("Bob Berg"))
                .unwrap();
            Agreements::execute(&mut state, cmd.clone(), &ctx).unwrap();
            // The same version a second time is refused and changes nothing.
            let before = state.clone();
            prop_assert!(Agreements::execute(&mut state, cmd, &ctx).is_err());
            prop_assert_eq!(&state, &before);
        }
        prop_assert!(action_needed(&catalogue, &state, now).is_empty());
        prop_assert!(!publishing_blocked(&catalogue, &state, now));
        // The list stays newest first.
        let times: Vec<_> = state.iter().map(|a| a.accepted_at).collect();
        prop_assert!(times.windows(2).all(|w| w[0] >= w[1]));
    }
}
