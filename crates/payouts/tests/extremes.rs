//! Extreme dates, instants and sizes: every public function answers with an error, never a
//! panic, and every month it makes can be written and read back (issue 12 item 9; X-3).

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc};
use partnerkit_core::testing::{at, given};
use partnerkit_core::{AccountId, Context, CountryCode, Currency, Decider, SequentialIds};
use partnerkit_payouts::{
    Command, Error, Event, HoldToggle, LedgerBatch, LedgerEntry, PayoutMonth, PayoutPolicy,
    PayoutProfile, PayoutTimeZone, Payouts, hold_status,
};
use proptest::prelude::*;

use crate::support::*;

fn round_trips(m: PayoutMonth) {
    let json = serde_json::to_string(&m).unwrap();
    assert_eq!(
        serde_json::from_str::<PayoutMonth>(&json).unwrap(),
        m,
        "{json}"
    );
}

#[test]
fn months_outside_years_1_to_9999_are_refused_not_made() {
    // rule: X-3
    for (y, m, d) in [(0, 12, 31), (10_000, 1, 1), (-1, 6, 1), (-262_000, 1, 1)] {
        let date = NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert!(
            matches!(
                PayoutMonth::of_date(date),
                Err(Error::MonthOutOfRange { .. })
            ),
            "{date}"
        );
    }
    for date in [NaiveDate::MIN, NaiveDate::MAX] {
        assert!(PayoutMonth::of_date(date).is_err());
    }
    round_trips(PayoutMonth::of_date(date(1, 1, 1)).unwrap());
    round_trips(PayoutMonth::of_date(date(9999, 12, 31)).unwrap());
    assert_eq!(PayoutMonth::MIN.to_string(), "0001-01");
    assert_eq!(PayoutMonth::MAX.to_string(), "9999-12");
    assert!(PayoutMonth::MAX.next().is_err());
    assert!(PayoutMonth::MIN.previous().is_err());
    assert!(PayoutMonth::MIN.plus(i32::MAX).is_err());
    assert!(PayoutMonth::MAX.plus(i32::MIN).is_err());
    assert_eq!(
        PayoutMonth::MIN.plus(PayoutMonth::MIN.months_until(PayoutMonth::MAX)),
        Ok(PayoutMonth::MAX)
    );
    assert!(serde_json::from_str::<PayoutMonth>("\"0000-12\"").is_err());
    assert!(serde_json::from_str::<PayoutMonth>("\"10000-01\"").is_err());
}

#[test]
fn instants_at_the_ends_of_time_are_errors_in_every_time_zone() {
    // rule: X-3
    // rule: PAY-6
    let zones = [
        PayoutTimeZone::UsPacific,
        PayoutTimeZone::UTC,
        PayoutTimeZone::FixedOffset { minutes: 840 },
        PayoutTimeZone::FixedOffset { minutes: i16::MIN },
    ];
    for tz in zones {
        for t in [DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MAX_UTC] {
            // offset_at never fails; local and month_of say why they cannot answer.
            let _offset: Duration = tz.offset_at(t);
            assert!(tz.month_of(t).is_err(), "{tz:?} {t}");
        }
        // The first and last month start at an instant chrono can write.
        let first = tz.month_start(PayoutMonth::MIN).unwrap();
        let last = tz.month_start(PayoutMonth::MAX).unwrap();
        assert!(first < last);
        assert_eq!(tz.month_of(last).unwrap(), PayoutMonth::MAX);
    }
    assert!(
        PayoutTimeZone::UsPacific
            .local(DateTime::<Utc>::MIN_UTC)
            .is_err()
    );
    assert!(PayoutTimeZone::check_instant(DateTime::<Utc>::MIN_UTC).is_err());
    assert!(PayoutTimeZone::check_instant(DateTime::<Utc>::MAX_UTC).is_err());
    assert!(PayoutTimeZone::check_instant(at(2027, 4, 1, 0, 0, 0)).is_ok());
}

#[test]
fn a_hold_toggled_at_the_first_instant_is_refused_and_changes_nothing() {
    // rule: X-3
    // rule: PAY-6
    for now in [DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MAX_UTC] {
        given::<Payouts>(verified())
            .at(now)
            .by(by_owner())
            .when(Command::SetHold { on: true })
            .then_err(Error::InstantOutOfRange {
                at: now.to_string(),
            });
    }
    // A history forged with such a toggle gives an error, not a panic.
    let forged = [HoldToggle {
        on: true,
        at: DateTime::<Utc>::MIN_UTC,
    }];
    assert!(hold_status(&forged, month("2027-04"), PayoutTimeZone::UsPacific).is_err());
    let mut events = verified();
    events.push(Event::HoldTurnedOn {
        at: DateTime::<Utc>::MIN_UTC,
    });
    let profile = Payouts::fold(&events);
    assert!(
        profile
            .cycle_terms(month("2027-04"), &PayoutPolicy::default())
            .is_err()
    );
}

#[test]
fn ledger_entries_beyond_9999_are_refused() {
    // rule: X-3
    let policy = PayoutPolicy::default();
    let sale = |d: NaiveDate| {
        LedgerEntry::new(
            src("ea_usage"),
            "1.00 USD".parse().unwrap(),
            d,
            CountryCode::US,
            &policy,
        )
    };
    // Earned in 9999-12 but payable two months later: past the last month.
    assert!(matches!(
        sale(date(9999, 12, 1)),
        Err(Error::MonthOutOfRange { .. })
    ));
    assert!(sale(NaiveDate::MIN).is_err());
    assert!(sale(date(9999, 10, 1)).is_ok());
    let json = r#"{"source":"app_sales","amount":"1.00 USD","withheld":"0.00 USD","earned_on":"10000-01-01","country_of_sale":"US","payable_in":"9999-12"}"#;
    assert!(serde_json::from_str::<LedgerEntry>(json).is_err());
}

#[test]
fn batch_parts_out_of_range_are_errors_not_overflow() {
    // rule: X-3
    let mut batch = LedgerBatch::new(month("2027-04"), Currency::USD);
    let e = entry("app_sales", "10.00", date(2027, 3, 1));
    batch
        .push(AccountId::from_uuid(uuid::Uuid::from_u128(1)), &e)
        .unwrap();
    for (part, parts) in [(usize::MAX, usize::MAX), (0, 0), (3, 2), (usize::MAX, 1)] {
        assert!(
            matches!(
                batch.fold_part(part, parts),
                Err(Error::InvalidBatchPart { .. })
            ),
            "{part}/{parts}"
        );
    }
    // An absurd capacity hint does not abort.
    let big = LedgerBatch::with_capacity(month("2027-04"), Currency::USD, usize::MAX, usize::MAX);
    assert!(big.is_empty());
    // Huge part counts are fine: every part but the last is empty, and they still merge.
    let last = batch.fold_part(usize::MAX - 1, usize::MAX).unwrap();
    let first = batch.fold_part(0, usize::MAX).unwrap();
    assert_eq!(first.merge(last).unwrap(), batch.fold().unwrap());
}

#[test]
fn rejection_reasons_in_events_are_checked_when_read() {
    // rule: X-3
    // rule: PAY-4
    let id = "00000000-0000-0000-0000-00000000000a";
    for bad in ["", "   ", "line\\nbreak", "bell\\u0007"] {
        let json = format!(
            r#"{{"type":"payout_account_rejected","payout_account":"{id}","reason":"{bad}","at":"2027-04-01T00:00:00Z"}}"#
        );
        assert!(serde_json::from_str::<Event>(&json).is_err(), "{bad}");
    }
    let json = format!(
        r#"{{"type":"payout_account_rejected","payout_account":"{id}","reason":"closed","at":"2027-04-01T00:00:00Z"}}"#
    );
    assert!(serde_json::from_str::<Event>(&json).is_ok());
}

fn any_instant() -> impl Strategy<Value = DateTime<Utc>> {
    let lo = DateTime::<Utc>::MIN_UTC.timestamp();
    let hi = DateTime::<Utc>::MAX_UTC.timestamp();
    prop_oneof![
        Just(DateTime::<Utc>::MIN_UTC),
        Just(DateTime::<Utc>::MAX_UTC),
        (lo..=hi).prop_map(|s| Utc.timestamp_opt(s, 0).single().unwrap()),
        // Near the edges of the payout months.
        (-86_400 * 3..86_400 * 3i64).prop_map(|s| at(1, 1, 1, 0, 0, 0) + Duration::seconds(s)),
        (-86_400 * 3..86_400 * 3i64).prop_map(|s| at(9999, 12, 31, 0, 0, 0) + Duration::seconds(s)),
    ]
}

fn any_date() -> impl Strategy<Value = NaiveDate> {
    let lo = NaiveDate::MIN.num_days_from_ce();
    let hi = NaiveDate::MAX.num_days_from_ce();
    prop_oneof![
        Just(NaiveDate::MIN),
        Just(NaiveDate::MAX),
        (lo..=hi).prop_map(|d| NaiveDate::from_num_days_from_ce_opt(d).unwrap()),
        (-40i32..40).prop_map(|d| date(1, 1, 1) + Duration::days(d.into())),
        (-40i32..40).prop_map(|d| date(9999, 12, 31) + Duration::days(d.into())),
    ]
}

fn any_month() -> impl Strategy<Value = PayoutMonth> {
    prop_oneof![
        Just(PayoutMonth::MIN),
        Just(PayoutMonth::MAX),
        (1i32..=9999, 1u32..=12).prop_map(|(y, m)| PayoutMonth::new(y, m).unwrap()),
    ]
}

fn any_zone() -> impl Strategy<Value = PayoutTimeZone> {
    prop_oneof![
        Just(PayoutTimeZone::UsPacific),
        any::<i16>().prop_map(|minutes| PayoutTimeZone::FixedOffset { minutes }),
    ]
}

proptest! {
    #[test]
    fn no_time_function_panics_on_extreme_input(
        t in any_instant(),
        d in any_date(),
        m in any_month(),
        n in any::<i32>(),
        day in any::<u32>(),
        tz in any_zone(),
        toggles in prop::collection::vec((any::<bool>(), any_instant()), 0..4),
        lag in any::<u8>(),
    ) {
        // rule: X-3
        // rule: PAY-5
        // rule: PAY-6
        // Every month any of these returns can be written and read back.
        let ok = |r: Result<PayoutMonth, Error>| {
            if let Ok(m) = r {
                round_trips(m);
            }
        };
        let _offset = tz.offset_at(t);
        if let Ok(local) = tz.local(t) {
            prop_assert_eq!(local - t.naive_utc(), tz.offset_at(t));
        }
        ok(tz.month_of(t));
        if let Ok(start) = tz.month_start(m) {
            prop_assert_eq!(tz.month_of(start), Ok(m));
        }
        let checked = PayoutTimeZone::check_instant(t);
        if checked.is_ok() {
            // A checked instant has a month in every payout time zone.
            prop_assert!(tz.month_of(t).is_ok());
        }
        ok(PayoutMonth::of_date(d));
        ok(m.plus(n));
        ok(m.next());
        ok(m.previous());
        prop_assert!(m.day(day) >= m.first_day());
        prop_assert!((28..=31).contains(&m.days()));
        prop_assert_eq!(m.plus(m.months_until(PayoutMonth::MAX)), Ok(PayoutMonth::MAX));
        let history: Vec<HoldToggle> =
            toggles.iter().map(|(on, at)| HoldToggle { on: *on, at: *at }).collect();
        if let Ok(s) = hold_status(&history, m, tz) {
            round_trips(s.month);
        }
        let policy = PayoutPolicy::default()
            .with_time_zone(tz)
            .with_default_lag(lag);
        prop_assert!(policy.payment_date(m) >= m.first_day());
        if let Ok(e) = LedgerEntry::new(
            src("app_sales"),
            "1.00 USD".parse().unwrap(),
            d,
            CountryCode::SE,
            &policy,
        ) {
            round_trips(e.payable_in());
            let json = serde_json::to_string(&e).unwrap();
            prop_assert_eq!(serde_json::from_str::<LedgerEntry>(&json).unwrap(), e);
        }
        // Commands at any instant: refused or decided, never a panic, and a refused one
        // changes nothing.
        let ids = SequentialIds::default();
        let mut profile: PayoutProfile = Payouts::fold(&verified());
        for (on, at) in &toggles {
            let before = profile.clone();
            let ctx = Context::new(*at, by_owner(), &ids);
            if Payouts::execute(&mut profile, Command::SetHold { on: *on }, &ctx).is_err() {
                prop_assert_eq!(&profile, &before);
            }
        }
        let ctx = Context::new(t, by_owner(), &ids);
        let before = profile.clone();
        if Payouts::execute(&mut profile, Command::Close, &ctx).is_err() {
            prop_assert_eq!(&profile, &before);
        }
        // Whatever the profile recorded, its cycle can be asked about without a panic.
        if let Ok(terms) = profile.cycle_terms(m, &policy) {
            round_trips(terms.month);
        }
        prop_assert_eq!(
            profile.payout_account_at(m, tz).is_ok(),
            tz.month_start(m).is_ok()
        );
    }
}
