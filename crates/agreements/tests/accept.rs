//! Accepting a version: the acceptance list (AGR-1) and the exact-version rule (AGR-3).

use partnerkit_agreements::{AgreementText, Agreements, Command, Error, Event, ResolvedVersion};
use partnerkit_core::testing::{at, given};
use partnerkit_core::{Actor, Context, Decider, Envelope, SequentialIds, Url};

use crate::support::*;

#[test]
fn an_acceptance_records_agreement_version_time_and_user() {
    // rule: AGR-1
    // rule: X-1
    let now = today();
    let state = given::<Agreements>([])
        .at(now)
        .by(user(ann()))
        .when(accept_by_ann(MPA, "2027-01", now))
        .then([Event::AgreementAccepted {
            agreement: agreement(MPA),
            agreement_name: name("Microsoft Publisher Agreement"),
            version: version("2027-01"),
            version_published_at: at(2027, 1, 1, 0, 0, 0),
            text: AgreementText::new(
                Some(Url::new("https://contoso.com/mpa/2027-01").unwrap()),
                Some(
                    "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
                        .parse()
                        .unwrap(),
                ),
            )
            .unwrap(),
            accepted_at: now,
            accepted_by: ann(),
            name_shown: name("Ann Lind"),
        }]);
    let row = &state.list()[0];
    assert_eq!(row.agreement_name.as_str(), "Microsoft Publisher Agreement");
    assert_eq!(row.version.as_str(), "2027-01");
    assert_eq!(row.accepted_at, now);
    assert_eq!(row.accepted_by, ann());
    assert_eq!(row.name_shown.as_str(), "Ann Lind");
}

#[test]
fn the_event_is_the_audit_record_of_who_did_what_and_when() {
    // rule: X-1
    let now = today();
    let ids = SequentialIds::default();
    let ctx = Context::new(now, user(ann()), &ids);
    let events = Agreements::decide(
        &Default::default(),
        accept_by_ann(MPA, "2027-01", now),
        &ctx,
    )
    .unwrap();
    let envelopes: Vec<_> = events.into_iter().map(|e| Envelope::new(&ctx, e)).collect();
    assert_eq!(envelopes.len(), 1);
    assert_eq!(envelopes[0].at, now);
    assert_eq!(envelopes[0].actor, user(ann()));
    let Event::AgreementAccepted {
        accepted_at,
        accepted_by,
        version: v,
        ..
    } = &envelopes[0].event;
    assert_eq!(
        (*accepted_at, *accepted_by, v.as_str()),
        (now, ann(), "2027-01")
    );
}

#[test]
fn acceptances_are_listed_newest_first() {
    // rule: AGR-1
    let terms = accepted(TERMS, "v1", at(2026, 3, 2, 9, 0, 0), bob(), "Bob Berg");
    let old = accepted(MPA, "2026-07", at(2026, 7, 3, 9, 0, 0), ann(), "Ann Lind");
    let now = today();
    let state = given::<Agreements>([terms, old])
        .at(now)
        .by(user(ann()))
        .when(accept_by_ann(MPA, "2027-01", now))
        .then_events(|e| assert_eq!(e.len(), 1));
    let listed: Vec<_> = state
        .iter()
        .map(|a| {
            (
                a.agreement.as_str(),
                a.version.as_str(),
                a.name_shown.as_str(),
            )
        })
        .collect();
    assert_eq!(
        listed,
        [
            (MPA, "2027-01", "Ann Lind"),
            (MPA, "2026-07", "Ann Lind"),
            (TERMS, "v1", "Bob Berg"),
        ]
    );
}

#[test]
fn the_list_is_newest_first_even_if_events_are_replayed_out_of_time_order() {
    // rule: AGR-1
    let late = accepted(MPA, "2026-07", at(2026, 7, 3, 9, 0, 0), ann(), "Ann Lind");
    let early = accepted(TERMS, "v1", at(2026, 3, 2, 9, 0, 0), bob(), "Bob Berg");
    let state = Agreements::fold(&[late, early]);
    let times: Vec<_> = state.iter().map(|a| a.accepted_at).collect();
    assert_eq!(times, [at(2026, 7, 3, 9, 0, 0), at(2026, 3, 2, 9, 0, 0)]);
    assert_eq!(state.len(), 2);
    assert!(!state.is_empty());
}

#[test]
fn accepting_the_same_version_twice_is_refused() {
    // rule: AGR-3
    let first = at(2027, 1, 10, 8, 0, 0);
    let now = today();
    given::<Agreements>([accepted(MPA, "2027-01", first, ann(), "Ann Lind")])
        .at(now)
        .by(user(ann()))
        .when(accept_by_ann(MPA, "2027-01", now))
        .then_err(Error::AlreadyAccepted {
            agreement: agreement(MPA),
            version: version("2027-01"),
            accepted_at: first,
        });
}

#[test]
fn accepting_an_older_version_than_one_already_accepted_is_refused() {
    // rule: AGR-3
    // Ann opened the 2026-07 text in December; Bob accepted 2027-01 in January; Ann's stale
    // page then tries to accept 2026-07.
    let stale = accept_by_ann(MPA, "2026-07", at(2026, 12, 20, 10, 0, 0));
    let now = today();
    given::<Agreements>([accepted(
        MPA,
        "2027-01",
        at(2027, 1, 10, 8, 0, 0),
        bob(),
        "Bob Berg",
    )])
    .at(now)
    .by(user(ann()))
    .when(stale)
    .then_err(Error::OlderThanAccepted {
        agreement: agreement(MPA),
        version: version("2026-07"),
        accepted: version("2027-01"),
    });
}

#[test]
fn a_version_not_in_the_catalogue_cannot_be_accepted() {
    // rule: AGR-3
    let cat = catalogue();
    let now = today();
    assert_eq!(
        cat.resolve(&agreement(MPA), &version("2027-02"), now),
        Err(Error::UnknownVersion {
            agreement: agreement(MPA),
            version: version("2027-02"),
        })
    );
    assert_eq!(
        cat.resolve(&agreement("some-other-agreement"), &version("v1"), now),
        Err(Error::UnknownAgreement {
            agreement: agreement("some-other-agreement"),
        })
    );
}

#[test]
fn a_version_not_yet_published_cannot_be_accepted() {
    // rule: AGR-3
    let cat = catalogue();
    let announced = Error::VersionNotYetPublished {
        agreement: agreement(MPA),
        version: version("2027-07"),
        published_at: at(2027, 7, 1, 0, 0, 0),
    };
    assert_eq!(
        cat.resolve(&agreement(MPA), &version("2027-07"), today()),
        Err(announced.clone())
    );
    // decide checks again, against the command's own time: a command resolved later (or
    // read back from a queue) cannot be decided before the version is published.
    let resolved_in_july = accept_by_ann(MPA, "2027-07", at(2027, 7, 2, 0, 0, 0));
    given::<Agreements>([])
        .at(today())
        .by(user(ann()))
        .when(resolved_in_july)
        .then_err(announced);
}

#[test]
fn a_superseded_version_cannot_be_accepted() {
    // rule: AGR-3
    // The user must accept the version they read, and it must be the current one.
    assert_eq!(
        catalogue().resolve(&agreement(MPA), &version("2026-07"), today()),
        Err(Error::VersionSuperseded {
            agreement: agreement(MPA),
            version: version("2026-07"),
            latest: version("2027-01"),
        })
    );
}

#[test]
fn the_resolved_version_is_the_exact_version_read() {
    // rule: AGR-3
    let r: ResolvedVersion = catalogue()
        .resolve(&agreement(MPA), &version("2027-01"), today())
        .unwrap();
    assert_eq!(r.agreement(), &agreement(MPA));
    assert_eq!(r.name().as_str(), "Microsoft Publisher Agreement");
    assert_eq!(r.version(), &version("2027-01"));
    assert_eq!(r.published_at(), at(2027, 1, 1, 0, 0, 0));
    assert_eq!(
        r.text().url().map(|u| u.as_str()),
        Some("https://contoso.com/mpa/2027-01")
    );
}

#[test]
fn a_user_accepts_only_in_their_own_name() {
    // rule: AGR-1
    let now = today();
    given::<Agreements>([])
        .at(now)
        .by(user(bob()))
        .when(accept_by_ann(MPA, "2027-01", now))
        .then_err(Error::AcceptedByAnotherUser {
            actor: bob(),
            accepted_by: ann(),
        });
}

#[test]
fn the_marketplace_may_record_an_acceptance_made_elsewhere() {
    // rule: AGR-1
    let now = today();
    given::<Agreements>([])
        .at(now)
        .by(Actor::Marketplace)
        .when(accept_by_ann(MPA, "2027-01", now))
        .then_events(|e| {
            assert!(matches!(
                &e[0],
                Event::AgreementAccepted { accepted_by, .. } if *accepted_by == ann()
            ))
        });
}

#[test]
fn a_refused_acceptance_changes_nothing() {
    // rule: X-3
    let now = today();
    let ids = SequentialIds::default();
    let ctx = Context::new(now, user(ann()), &ids);
    let mut state = Agreements::fold(&[accepted(MPA, "2027-01", now, ann(), "Ann Lind")]);
    let before = state.clone();
    let err =
        Agreements::execute(&mut state, accept_by_ann(MPA, "2027-01", now), &ctx).unwrap_err();
    assert!(matches!(err, Error::AlreadyAccepted { .. }));
    assert_eq!(state, before);
}

#[test]
fn every_refusal_names_its_rule_and_what_to_do() {
    // rule: X-3
    let errors = [
        Error::UnknownAgreement {
            agreement: agreement("x"),
        },
        Error::UnknownVersion {
            agreement: agreement("x"),
            version: version("v1"),
        },
        Error::VersionNotYetPublished {
            agreement: agreement("x"),
            version: version("v1"),
            published_at: today(),
        },
        Error::VersionSuperseded {
            agreement: agreement("x"),
            version: version("v1"),
            latest: version("v2"),
        },
        Error::AlreadyAccepted {
            agreement: agreement("x"),
            version: version("v1"),
            accepted_at: today(),
        },
        Error::OlderThanAccepted {
            agreement: agreement("x"),
            version: version("v1"),
            accepted: version("v2"),
        },
    ];
    for e in errors {
        assert!(e.to_string().contains("(rule AGR-3)"), "{e}");
    }
    let other = Error::AcceptedByAnotherUser {
        actor: bob(),
        accepted_by: ann(),
    };
    assert!(other.to_string().contains("(rule AGR-1)"));
}

#[test]
fn commands_and_events_round_trip_through_json() {
    let cmd = accept_by_ann(MPA, "2027-01", today());
    let back: Command = serde_json::from_str(&serde_json::to_string(&cmd).unwrap()).unwrap();
    assert_eq!(back, cmd);
    let event = accepted(MPA, "2027-01", today(), ann(), "Ann Lind");
    let back: Event = serde_json::from_str(&serde_json::to_string(&event).unwrap()).unwrap();
    assert_eq!(back, event);
    let state = Agreements::fold(&[event]);
    let back = serde_json::from_str(&serde_json::to_string(&state).unwrap()).unwrap();
    assert_eq!(state, back);
}

#[test]
fn the_default_catalogue_is_empty_and_says_the_host_gives_one() {
    // rule: AGR-3
    let empty = partnerkit_agreements::Catalogue::default();
    assert!(empty.agreements().is_empty());
    let now = at(2027, 3, 1, 0, 0, 0);
    let err = empty
        .resolve(&agreement(MPA), &version("2027-01"), now)
        .unwrap_err();
    assert_eq!(
        err,
        Error::EmptyCatalogue {
            agreement: agreement(MPA)
        }
    );
    assert_eq!(err.code(), "empty_catalogue");
    assert!(err.to_string().contains("the host gives"), "{err}");
    // A catalogue that lists other agreements says the agreement is unknown.
    let err = catalogue()
        .resolve(&agreement("some-other-agreement"), &version("v1"), now)
        .unwrap_err();
    assert_eq!(err.code(), "unknown_agreement");
}
