//! Notices: what needs attention, and when.

use chrono::{DateTime, Days, Duration, NaiveDate, Utc};
use partnerkit::agreements::{Agreement, AgreementText, Catalogue, PublishedVersion};
use partnerkit::core::testing::{at, id};
use partnerkit::core::{Actor, CountryCode, DisplayName, KeyId, Money, Url};
use partnerkit::identity::AccountType;
use partnerkit::payouts::{
    LedgerEntry, PayoutMonth, RejectionReason, RevenueSource, Statement, Verification,
    VerificationOutcome,
};
use partnerkit::tax::{ElectronicSignature, EntityType, FormKind, ProfileDetails};
use partnerkit::{InMemoryStore, NewApp, Notice, NoticeKind, Settings, W8Input, notices};
use proptest::prelude::*;

use crate::financial::{PAYOUT_ACCOUNT, set_up_payouts, us_bank};
use crate::fixture::*;

const APP: u128 = 400;

fn list(w: &World, statements: &[Statement], now: DateTime<Utc>, days: u64) -> Vec<Notice> {
    notices(
        &w.state(),
        w.svc.settings(),
        statements,
        now,
        Days::new(days),
    )
}

fn codes(list: &[Notice]) -> Vec<&'static str> {
    list.iter().map(|n| n.about.code()).collect()
}

fn of_kind<'a>(list: &'a [Notice], code: &str) -> Vec<&'a Notice> {
    list.iter().filter(|n| n.about.code() == code).collect()
}

fn create_app(w: &World) {
    w.svc
        .create_app(
            w.account,
            &w.ctx(user(T1, ALICE)),
            NewApp {
                tenant: id(T1),
                app: id(APP),
                name: DisplayName::new("Release bot").unwrap(),
                reply_url: Url::new("https://bot.contoso.com/auth").unwrap(),
                app_id_uri: Url::new("api://bot.contoso.com").unwrap(),
                grant: None,
            },
        )
        .unwrap();
}

fn add_key(w: &World, key: u128, expires_at: DateTime<Utc>) {
    let done = w
        .svc
        .add_app_key(
            w.account,
            &w.ctx(user(T1, ALICE)),
            id(APP),
            id(key),
            expires_at,
        )
        .unwrap();
    assert!(done.revealed.is_some());
}

/// A Swedish individual (tenant T1, Alice) whose W-8BEN, signed on 2027-01-05, is valid
/// through 2030-12-31 (rule TAX-5).
fn swedish_seller_with_w8() -> World {
    let mut w: World = World {
        svc: partnerkit::AccountService::with_settings(
            InMemoryStore::new(),
            Settings {
                catalogue: catalogue(),
                ..Default::default()
            },
        ),
        ids: partnerkit::core::SequentialIds::starting_after(1_000_000),
        now: at(2027, 1, 5, 9, 0, 0),
        account: id(2),
        random: partnerkit::core::SeededRandom::new(3),
    };
    w.open(CountryCode::SE, AccountType::Individual);
    w.verify_all();
    w.associate(
        T1,
        "contoso.com",
        Some(dir_user(ALICE, "Alice", "contoso.com", true)),
        Actor::Marketplace,
    );
    let details = ProfileDetails {
        residence: CountryCode::SE,
        citizenship: CountryCode::SE,
        entity_type: EntityType::Individual,
    };
    w.svc
        .start_tax_profile(w.account, &w.ctx(owner()), details)
        .unwrap();
    let form = W8Input {
        name: DisplayName::new("Alice Lind").unwrap(),
        foreign_tin: None,
        treaty_claim: None,
        signature: ElectronicSignature::new(
            DisplayName::new("Alice Lind").unwrap(),
            w.now.date_naive(),
        ),
    };
    w.svc
        .submit_w8ben(w.account, &w.ctx(owner()), form)
        .unwrap();
    w
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn sale(amount: &str, earned_on: NaiveDate, w: &World) -> LedgerEntry {
    LedgerEntry::new(
        RevenueSource::new(RevenueSource::APP_SALES).unwrap(),
        format!("{amount} USD").parse::<Money>().unwrap(),
        earned_on,
        CountryCode::DE,
        &w.svc.settings().policy,
    )
    .unwrap()
}

#[test]
fn app_keys_expiring_within_the_horizon_are_noticed_with_their_dates() {
    // rule: X-7
    // rule: APP-4
    let w = World::company(InMemoryStore::new());
    create_app(&w);
    add_key(&w, 501, in_days(w.now, 10));
    add_key(&w, 502, in_days(w.now, 100));

    let within_30 = list(&w, &[], w.now, 30);
    let keys = of_kind(&within_30, "app_key_expiring");
    assert_eq!(keys.len(), 1, "{within_30:?}");
    let NoticeKind::AppKeyExpiring {
        tenant,
        app,
        app_name,
        key,
        created_at,
        expires_at,
        replaced,
    } = &keys[0].about
    else {
        panic!("{:?}", keys[0])
    };
    assert_eq!(
        (*tenant, *app, *key),
        (id(T1), id(APP), id(501)),
        "the ids a host needs to write the message"
    );
    assert_eq!(app_name.as_str(), "Release bot");
    assert_eq!(*created_at, w.now);
    assert_eq!(*expires_at, in_days(w.now, 10));
    assert_eq!(keys[0].date, in_days(w.now, 10).date_naive());
    assert!(*replaced, "key 502 stays active after 501 expires");

    // A longer horizon reaches the second key, which nothing replaces.
    let within_200 = list(&w, &[], w.now, 200);
    let keys = of_kind(&within_200, "app_key_expiring");
    assert_eq!(keys.len(), 2);
    assert!(matches!(
        keys[1].about,
        NoticeKind::AppKeyExpiring { key, replaced: false, .. } if key == id(502)
    ));

    // A key that has already expired is history, not a notice.
    let later = list(&w, &[], in_days(w.now, 11), 30);
    assert!(of_kind(&later, "app_key_expiring").is_empty(), "{later:?}");
}

#[test]
fn the_horizon_bounds_are_exact() {
    // rule: X-7
    let w = World::company(InMemoryStore::new());
    create_app(&w);
    let expires = in_days(w.now, 30);
    add_key(&w, 501, expires);
    let keys_at = |now: DateTime<Utc>, days: u64| {
        of_kind(&list(&w, &[], now, days), "app_key_expiring").len()
    };
    // Expiring exactly at the end of the horizon: listed.
    assert_eq!(keys_at(w.now, 30), 1);
    // One second later than the horizon reaches: not listed.
    assert_eq!(keys_at(w.now + Duration::seconds(-1), 30), 0);
    // Expiring exactly now: already expired, not listed; a zero horizon lists nothing expiring.
    assert_eq!(keys_at(expires, 30), 0);
    assert_eq!(keys_at(expires - Duration::seconds(1), 0), 0);
    // A horizon past the last representable instant is not an error: it reaches everything.
    assert_eq!(keys_at(w.now, u64::MAX), 1);
}

#[test]
fn a_w8_expiring_at_the_end_of_the_year_is_noticed_then_its_expiry() {
    // rule: X-7
    // rule: TAX-5
    let w = swedish_seller_with_w8();
    // Valid through 2030-12-31: it stops at the start of 2031-01-01 (UTC).
    let early = list(&w, &[], at(2030, 10, 1, 0, 0, 0), 60);
    assert!(of_kind(&early, "w8_expiring").is_empty(), "{early:?}");

    let near = list(&w, &[], at(2030, 11, 15, 0, 0, 0), 60);
    let w8 = of_kind(&near, "w8_expiring");
    assert_eq!(w8.len(), 1, "{near:?}");
    assert_eq!(w8[0].date, day(2030, 12, 31));
    assert_eq!(
        w8[0].about,
        NoticeKind::W8Expiring {
            form: FormKind::W8Ben,
            signed_on: day(2027, 1, 5),
            valid_through: day(2030, 12, 31),
        }
    );
    assert_eq!(w8[0].about.expires_at(), Some(at(2031, 1, 1, 0, 0, 0)));
    // The last valid second still warns; from the first invalid one, it has expired.
    let last = list(&w, &[], at(2030, 12, 31, 23, 59, 59), 1);
    assert_eq!(of_kind(&last, "w8_expiring").len(), 1);
    let expired = list(&w, &[], at(2031, 1, 1, 0, 0, 0), 60);
    assert!(of_kind(&expired, "w8_expiring").is_empty());
    let gone = of_kind(&expired, "w8_expired");
    assert_eq!(gone.len(), 1, "{expired:?}");
    assert_eq!(gone[0].date, day(2030, 12, 31));

    // A W-9 never expires: a US seller gets no W-8 notice.
    let mut us = World::company(InMemoryStore::new());
    set_up_payouts(&mut us);
    let any = list(&us, &[], at(2035, 1, 1, 0, 0, 0), 3650);
    assert!(!codes(&any).iter().any(|c| c.starts_with("w8")), "{any:?}");
}

#[test]
fn agreements_needing_acceptance_carry_their_accept_by_date() {
    // rule: X-7
    // rule: AGR-2
    let text = AgreementText::link(Url::new("https://contoso.example/mpa/2027-03").unwrap());
    let catalogue = Catalogue::new(vec![
        Agreement::new(
            agreement_id(),
            DisplayName::new("Publisher Agreement").unwrap(),
            vec![
                PublishedVersion::new(v("2027-03"), at(2027, 1, 1, 0, 0, 0), text)
                    .with_accept_by(at(2027, 3, 1, 0, 0, 0))
                    .unwrap(),
            ],
        )
        .unwrap(),
    ])
    .unwrap();
    let w = World::company(InMemoryStore::new());
    let settings = Settings {
        catalogue,
        ..Default::default()
    };
    let at_now = notices(&w.state(), &settings, &[], w.now, Days::new(0));
    let pending = of_kind(&at_now, "agreement_needs_acceptance");
    assert_eq!(pending.len(), 1, "listed whatever the horizon: {at_now:?}");
    assert_eq!(pending[0].date, day(2027, 3, 1), "dated its accept-by day");
    let NoticeKind::AgreementNeedsAcceptance {
        agreement,
        version,
        accepted,
        pending_since,
        accept_by,
        blocks_publishing,
        ..
    } = &pending[0].about
    else {
        panic!("{:?}", pending[0])
    };
    assert_eq!((agreement, version), (&agreement_id(), &v("2027-03")));
    assert_eq!(accepted, &None);
    assert_eq!(*pending_since, at(2027, 1, 1, 0, 0, 0));
    assert_eq!(*accept_by, Some(at(2027, 3, 1, 0, 0, 0)));
    assert!(!blocks_publishing);

    let overdue = notices(
        &w.state(),
        &settings,
        &[],
        at(2027, 3, 2, 0, 0, 0),
        Days::new(0),
    );
    assert!(matches!(
        of_kind(&overdue, "agreement_needs_acceptance")[0].about,
        NoticeKind::AgreementNeedsAcceptance {
            blocks_publishing: true,
            ..
        }
    ));

    // Without an accept-by date it is dated the day it became pending; accepting clears it.
    let fixture = list(&w, &[], w.now, 0);
    let pending = of_kind(&fixture, "agreement_needs_acceptance");
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].date, day(2026, 6, 1));
    w.svc
        .accept_agreement(
            w.account,
            &w.ctx(user(T1, ALICE)),
            &agreement_id(),
            &v("2026-06"),
        )
        .unwrap();
    assert!(of_kind(&list(&w, &[], w.now, 0), "agreement_needs_acceptance").is_empty());
}

#[test]
fn an_unverified_payout_account_is_noticed_until_verified() {
    // rule: X-7
    // rule: PAY-4
    let w = World::company(InMemoryStore::new());
    w.svc
        .set_payout_account(w.account, &w.ctx(owner()), id(PAYOUT_ACCOUNT), us_bank())
        .unwrap();
    let pending = list(&w, &[], w.now, 0);
    let unverified = of_kind(&pending, "payout_account_unverified");
    assert_eq!(unverified.len(), 1, "{pending:?}");
    assert_eq!(unverified[0].date, w.now.date_naive());
    assert_eq!(
        unverified[0].about,
        NoticeKind::PayoutAccountUnverified {
            payout_account: id(PAYOUT_ACCOUNT),
            set_at: w.now,
            verification: Verification::Pending,
        }
    );

    // Rejected: still not paid to, dated the rejection.
    let reason = RejectionReason::new("holder name does not match").unwrap();
    w.svc
        .record_payout_verification(
            w.account,
            &w.ctx(Actor::Marketplace),
            id(PAYOUT_ACCOUNT),
            VerificationOutcome::Rejected {
                reason: reason.clone(),
            },
        )
        .unwrap();
    let rejected = list(&w, &[], w.now, 0);
    assert!(matches!(
        &of_kind(&rejected, "payout_account_unverified")[0].about,
        NoticeKind::PayoutAccountUnverified {
            verification: Verification::Rejected { reason: r, .. },
            ..
        } if *r == reason
    ));

    // A verified account needs nothing.
    let mut ok = World::company(InMemoryStore::new());
    set_up_payouts(&mut ok);
    assert!(of_kind(&list(&ok, &[], ok.now, 0), "payout_account_unverified").is_empty());
}

#[test]
fn a_payout_hold_left_on_is_noticed_from_when_it_was_turned_on() {
    // rule: X-7
    // rule: PAY-6
    let mut w = World::company(InMemoryStore::new());
    set_up_payouts(&mut w);
    assert!(of_kind(&list(&w, &[], w.now, 0), "payout_hold_on").is_empty());
    w.now = at(2027, 3, 10, 12, 0, 0);
    w.svc
        .set_payout_hold(w.account, &w.ctx(owner()), true)
        .unwrap();
    let later = at(2027, 6, 1, 0, 0, 0);
    let on = list(&w, &[], later, 0);
    let hold = of_kind(&on, "payout_hold_on");
    assert_eq!(hold.len(), 1, "{on:?}");
    assert_eq!(hold[0].date, day(2027, 3, 10));
    assert_eq!(
        hold[0].about,
        NoticeKind::PayoutHoldOn {
            since: at(2027, 3, 10, 12, 0, 0)
        }
    );
    w.svc
        .set_payout_hold(w.account, &w.ctx(owner()), false)
        .unwrap();
    assert!(of_kind(&list(&w, &[], later, 0), "payout_hold_on").is_empty());
}

#[test]
fn a_closed_payout_profile_gives_no_payout_notices() {
    // rule: X-7
    let w = World::company(InMemoryStore::new());
    w.svc
        .set_payout_account(w.account, &w.ctx(owner()), id(PAYOUT_ACCOUNT), us_bank())
        .unwrap();
    w.svc
        .set_payout_hold(w.account, &w.ctx(owner()), true)
        .unwrap();
    let mut state = w.state();
    let open = notices(&state, w.svc.settings(), &[], w.now, Days::new(0));
    assert_eq!(of_kind(&open, "payout_account_unverified").len(), 1);
    assert_eq!(of_kind(&open, "payout_hold_on").len(), 1);
    state.apply(&partnerkit::AccountEvent::Payouts(
        partnerkit::payouts::Event::Closed { at: w.now },
    ));
    let closed = notices(&state, w.svc.settings(), &[], w.now, Days::new(0));
    assert!(
        !codes(&closed).iter().any(|c| c.starts_with("payout")),
        "{closed:?}"
    );
}

#[test]
fn a_payment_carried_over_below_threshold_is_noticed_from_the_last_statement() {
    // rule: X-7
    // rule: PAY-8
    let mut w = World::company(InMemoryStore::new());
    set_up_payouts(&mut w);
    let feb: PayoutMonth = "2027-02".parse().unwrap();
    let mar: PayoutMonth = "2027-03".parse().unwrap();
    // 10.00 in January (paid in February's cycle) is under the 50.00 USD bank threshold.
    let small = vec![sale("10.00", day(2027, 1, 10), &w)];
    let statements = w.svc.statements(w.account, &small, feb, feb).unwrap();
    let found = list(&w, &statements, w.now, 0);
    let carried = of_kind(&found, "carried_below_threshold");
    assert_eq!(carried.len(), 1, "{found:?}");
    assert_eq!(
        carried[0].about,
        NoticeKind::CarriedBelowThreshold {
            month: feb,
            carried: "10.00 USD".parse().unwrap(),
            threshold: "50.00 USD".parse().unwrap(),
        }
    );
    assert_eq!(
        carried[0].date,
        w.svc.settings().policy.payment_date(feb),
        "dated the month's payment date"
    );

    // Only the last statement counts: once March pays, nothing is carried.
    let more = vec![
        sale("10.00", day(2027, 1, 10), &w),
        sale("90.00", day(2027, 2, 10), &w),
    ];
    let statements = w.svc.statements(w.account, &more, feb, mar).unwrap();
    assert_eq!(statements.len(), 2);
    assert!(
        of_kind(&list(&w, &statements, w.now, 0), "carried_below_threshold").is_empty(),
        "{statements:?}"
    );
    // The last statement is the latest month, whatever the order given.
    let reversed: Vec<Statement> = statements.iter().rev().cloned().collect();
    assert!(of_kind(&list(&w, &reversed, w.now, 0), "carried_below_threshold").is_empty());
    assert_eq!(
        of_kind(
            &list(&w, &statements[..1], w.now, 0),
            "carried_below_threshold"
        )
        .len(),
        1
    );
}

/// A US company with something of every kind but the W-8 to say: two app keys, a pending
/// agreement, a payment carried below threshold, a hold left on, a new payout account
/// awaiting verification.
fn everything_at_once() -> (World, Vec<Statement>) {
    let mut w = World::company(InMemoryStore::new());
    set_up_payouts(&mut w);
    create_app(&w);
    add_key(&w, 501, at(2027, 3, 20, 8, 0, 0));
    add_key(&w, 502, at(2027, 12, 31, 0, 0, 0));
    let feb: PayoutMonth = "2027-02".parse().unwrap();
    let small = vec![sale("12.34", day(2027, 1, 10), &w)];
    let statements = w.svc.statements(w.account, &small, feb, feb).unwrap();
    w.now = at(2027, 3, 10, 12, 0, 0);
    w.svc
        .set_payout_hold(w.account, &w.ctx(owner()), true)
        .unwrap();
    w.svc
        .set_payout_account(w.account, &w.ctx(owner()), id(701), us_bank())
        .unwrap();
    (w, statements)
}

#[test]
fn the_notices_format() {
    // rule: X-7
    let (w, statements) = everything_at_once();
    let found = list(&w, &statements, w.now, 30);
    assert_eq!(
        codes(&found),
        [
            "agreement_needs_acceptance",
            "carried_below_threshold",
            "payout_account_unverified",
            "payout_hold_on",
            "app_key_expiring",
        ],
        "sorted by date: {found:?}"
    );
    assert!(found.windows(2).all(|p| p[0].date <= p[1].date));
    insta::assert_json_snapshot!("notices_of_a_us_company", found);
    for n in &found {
        assert_eq!(serde_json::to_value(n).unwrap()["kind"], n.about.code());
    }
    let json = serde_json::to_string(&found).unwrap();
    assert_eq!(serde_json::from_str::<Vec<Notice>>(&json).unwrap(), found);

    let se = swedish_seller_with_w8();
    let mut w8 = list(&se, &[], at(2030, 11, 15, 0, 0, 0), 60);
    w8.extend(list(&se, &[], at(2031, 1, 1, 0, 0, 0), 60));
    let w8: Vec<Notice> = w8
        .into_iter()
        .filter(|n| n.about.code().starts_with("w8"))
        .collect();
    assert_eq!(codes(&w8), ["w8_expiring", "w8_expired"]);
    insta::assert_json_snapshot!("notices_of_a_w8", w8);
    let json = serde_json::to_string(&w8).unwrap();
    assert_eq!(serde_json::from_str::<Vec<Notice>>(&json).unwrap(), w8);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Nothing expiring outside the horizon is listed, and everything expiring inside it is:
    /// for random keys, a W-8, a random day to ask on and a random horizon.
    #[test]
    fn exactly_what_expires_within_the_horizon_is_listed(
        key_hours in proptest::collection::vec(1i64..(24 * 700), 0..6),
        ask_hours in 0i64..(24 * 365 * 5),
        pin in proptest::option::of(0usize..6),
        days in 0u64..400,
    ) {
        // rule: X-7
        let w = swedish_seller_with_w8();
        create_app(&w);
        for (i, h) in key_hours.iter().enumerate() {
            add_key(&w, 600 + i as u128, w.now + Duration::hours(*h));
        }
        // Sometimes ask exactly one horizon before a key expires, to hit the bound.
        let now = match pin.and_then(|i| key_hours.get(i)) {
            Some(h) => w.now + Duration::hours(*h) - Duration::days(days as i64),
            None => w.now + Duration::hours(ask_hours),
        };
        let until = now + Duration::days(days as i64);
        let found = list(&w, &[], now, days);

        let mut want: Vec<KeyId> = key_hours
            .iter()
            .enumerate()
            .filter(|(_, h)| {
                let t = w.now + Duration::hours(**h);
                now < t && t <= until
            })
            .map(|(i, _)| id(600 + i as u128))
            .collect();
        want.sort();
        let mut got: Vec<KeyId> = found
            .iter()
            .filter_map(|n| match &n.about {
                NoticeKind::AppKeyExpiring { key, .. } => Some(*key),
                _ => None,
            })
            .collect();
        got.sort();
        prop_assert_eq!(got, want);

        let w8_ends = at(2031, 1, 1, 0, 0, 0);
        let w8_listed = !of_kind(&found, "w8_expiring").is_empty();
        prop_assert_eq!(w8_listed, now < w8_ends && w8_ends <= until);
        prop_assert_eq!(!of_kind(&found, "w8_expired").is_empty(), now >= w8_ends);

        for n in &found {
            if let Some(t) = n.about.expires_at() {
                prop_assert!(now < t && t <= until, "{:?} outside ({}, {}]", n, now, until);
            }
        }
        prop_assert!(found.windows(2).all(|p| p[0].date <= p[1].date));
    }
}
