//! Monthly cycles, the payout time zone and the payout hold (PAY-5, PAY-6, PAY-7), with the
//! source's worked examples.

use chrono::{DateTime, Utc};
use partnerkit_core::testing::at;
use partnerkit_payouts::{
    HoldReason, HoldToggle, PayoutMonth, PayoutPolicy, PayoutTimeZone, hold_status,
};

use crate::support::month;

fn on(t: DateTime<Utc>) -> HoldToggle {
    HoldToggle { on: true, at: t }
}

fn off(t: DateTime<Utc>) -> HoldToggle {
    HoldToggle { on: false, at: t }
}

const PT: PayoutTimeZone = PayoutTimeZone::UsPacific;

#[test]
fn seed_worked_examples() {
    // rule: PAY-6
    // "Om du till exempel vill hålla aprils utbetalning måste du ange statusen för
    // utbetalningsspärren till [På] före slutet av mars." — and — "om du ... vill att en
    // utbetalning ska genereras i juni, måste du växla status för utbetalningsspärren till Av
    // före slutet av maj."
    struct Case {
        name: &'static str,
        history: Vec<HoldToggle>,
        month: &'static str,
        held: bool,
    }
    let cases = [
        Case {
            name: "hold for April set in March: April held",
            history: vec![on(at(2027, 3, 20, 18, 0, 0))],
            month: "2027-04",
            held: true,
        },
        Case {
            name: "hold set in March: March itself still paid",
            history: vec![on(at(2027, 3, 20, 18, 0, 0))],
            month: "2027-03",
            held: false,
        },
        Case {
            name: "released in May: May still held",
            history: vec![on(at(2027, 2, 10, 0, 0, 0)), off(at(2027, 5, 20, 18, 0, 0))],
            month: "2027-05",
            held: true,
        },
        Case {
            name: "released in May: June paid",
            history: vec![on(at(2027, 2, 10, 0, 0, 0)), off(at(2027, 5, 20, 18, 0, 0))],
            month: "2027-06",
            held: false,
        },
        Case {
            name: "set on April 1 (Pacific): April still paid",
            history: vec![on(at(2027, 4, 1, 16, 0, 0))],
            month: "2027-04",
            held: false,
        },
        Case {
            name: "set on April 1 (Pacific): May held",
            history: vec![on(at(2027, 4, 1, 16, 0, 0))],
            month: "2027-05",
            held: true,
        },
        Case {
            name: "2027-04-01T03:00Z is still March in Pacific time: April held",
            history: vec![on(at(2027, 4, 1, 3, 0, 0))],
            month: "2027-04",
            held: true,
        },
        Case {
            name: "one second before April in Pacific time (PDT): April held",
            history: vec![on(at(2027, 4, 1, 6, 59, 59))],
            month: "2027-04",
            held: true,
        },
        Case {
            name: "April begins 07:00Z (PDT): April not held",
            history: vec![on(at(2027, 4, 1, 7, 0, 0))],
            month: "2027-04",
            held: false,
        },
        Case {
            name: "January begins 08:00Z (PST): 07:59Z still December",
            history: vec![on(at(2028, 1, 1, 7, 59, 0))],
            month: "2028-01",
            held: true,
        },
        Case {
            name: "on and off within March: April paid",
            history: vec![on(at(2027, 3, 2, 0, 0, 0)), off(at(2027, 3, 30, 0, 0, 0))],
            month: "2027-04",
            held: false,
        },
        Case {
            name: "never turned on: paid",
            history: vec![],
            month: "2027-04",
            held: false,
        },
    ];
    for c in cases {
        let s = hold_status(&c.history, month(c.month), PT).unwrap();
        assert_eq!(s.held, c.held, "{}", c.name);
    }
}

#[test]
fn status_says_why_and_what_comes_too_late() {
    // rule: PAY-6
    let t = at(2027, 4, 1, 3, 0, 0);
    let s = hold_status(&[on(t)], month("2027-04"), PT).unwrap();
    assert_eq!(
        s.because,
        HoldReason::TurnedOn {
            at: t,
            in_month: month("2027-03")
        }
    );
    assert_eq!(s.cutoff, at(2027, 4, 1, 7, 0, 0));
    let late = on(at(2027, 4, 1, 16, 0, 0));
    let s = hold_status(&[late], month("2027-04"), PT).unwrap();
    assert_eq!(s.because, HoldReason::NeverTurnedOn);
    assert_eq!(s.too_late, Some(late));
}

#[test]
fn pacific_month_boundaries_follow_us_daylight_time() {
    // rule: PAY-6
    // Months start at local midnight: 08:00Z in standard time, 07:00Z in daylight time.
    for (m, hour) in [
        ("2027-01", 8),
        ("2027-03", 8), // DST starts 14 March 2027
        ("2027-04", 7),
        ("2027-11", 7), // DST ends 7 November 2027
        ("2026-11", 7), // DST ends 1 November 2026, at 02:00: midnight is still PDT
        ("2027-12", 8),
    ] {
        let mo = month(m);
        let start = PT.month_start(mo).unwrap();
        assert_eq!(
            start,
            at(mo.year(), mo.month(), 1, hour, 0, 0),
            "{m} starts at {hour}:00Z"
        );
        assert_eq!(PT.month_of(start).unwrap(), mo);
        assert_eq!(
            PT.month_of(start - chrono::Duration::seconds(1)).unwrap(),
            mo.previous().unwrap()
        );
    }
    // The transitions themselves.
    let before = at(2027, 3, 14, 9, 59, 59);
    let after = at(2027, 3, 14, 10, 0, 0);
    assert_eq!(PT.offset_at(before), chrono::Duration::hours(-8));
    assert_eq!(PT.offset_at(after), chrono::Duration::hours(-7));
    assert_eq!(
        PT.offset_at(at(2027, 11, 7, 8, 59, 59)),
        chrono::Duration::hours(-7)
    );
    assert_eq!(
        PT.offset_at(at(2027, 11, 7, 9, 0, 0)),
        chrono::Duration::hours(-8)
    );
}

#[test]
fn a_fixed_offset_time_zone_is_data_too() {
    // rule: PAY-6
    let t = at(2027, 4, 1, 3, 0, 0);
    let utc = PayoutTimeZone::UTC;
    assert!(!hold_status(&[on(t)], month("2027-04"), utc).unwrap().held);
    let stockholm_summer = PayoutTimeZone::FixedOffset { minutes: 120 };
    assert_eq!(
        stockholm_summer.month_start(month("2027-04")).unwrap(),
        at(2027, 3, 31, 22, 0, 0)
    );
    let policy = PayoutPolicy::default().with_time_zone(utc);
    assert_eq!(policy.time_zone(), utc);
    assert_eq!(PayoutPolicy::default().time_zone(), PT);
}

#[test]
fn payouts_are_monthly_and_sent_by_the_payment_day() {
    // rule: PAY-5
    let p = PayoutPolicy::default();
    assert_eq!(p.payment_day(), 15);
    let m: PayoutMonth = "2027-02".parse().unwrap();
    assert_eq!(p.payment_date(m).to_string(), "2027-02-15");
    assert_eq!(m.next().unwrap().to_string(), "2027-03");
    assert_eq!(month("2027-12").next().unwrap().to_string(), "2028-01");
    let p28 = p.clone().with_payment_day(28).unwrap();
    assert_eq!(p28.payment_date(m).to_string(), "2027-02-28");
    assert!(p.with_payment_day(31).is_err());
    for bad in ["2027-13", "2027-4", "27-04", "2027/04", ""] {
        assert!(bad.parse::<PayoutMonth>().is_err(), "{bad}");
    }
    assert!(serde_json::from_str::<PayoutMonth>("\"2027-00\"").is_err());
}
