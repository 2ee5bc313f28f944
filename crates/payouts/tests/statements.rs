//! Statements: verification delay, hold, sources, thresholds, lags, recoup, lines (PAY-4,
//! PAY-6..PAY-9).

use partnerkit_core::testing::{at, id};
use partnerkit_core::{CountryCode, Currency, Decider, Money};
use partnerkit_payouts::{
    CarryOver, Error, Event, LedgerEntry, LineKind, MethodKind, Outcome, PayoutPolicy, Payouts,
    RevenueSource, Statement, StatementFold,
};

use crate::support::*;

/// Runs cycles `months` in order over `profile`'s events, each with its entries, carrying over.
fn run(
    events: &[Event],
    policy: &PayoutPolicy,
    cycles: &[(&str, Vec<LedgerEntry>)],
) -> Vec<Statement> {
    let profile = Payouts::fold(events);
    let mut carry = zero();
    let mut out = Vec::new();
    for (m, entries) in cycles {
        let mut fold = StatementFold::default();
        for e in entries {
            fold.add(e).unwrap();
        }
        let terms = profile.cycle_terms(month(m), policy).unwrap();
        let s = fold.finish(&terms, &carry).unwrap();
        assert!(s.balances(), "{s:#?}");
        carry = s.carried_out.clone();
        out.push(s);
    }
    out
}

fn sale(amount: &str, y: i32, m: u32) -> LedgerEntry {
    entry(RevenueSource::APP_SALES, amount, date(y, m, 10))
}

fn usd(s: &str) -> Money {
    format!("{s} USD").parse().unwrap()
}

#[test]
fn a_verified_account_is_paid_monthly_by_the_15th() {
    // rule: PAY-5
    let s = run(
        &verified(),
        &PayoutPolicy::default(),
        &[("2027-04", vec![sale("120.00", 2027, 3)])],
    );
    assert_eq!(s[0].outcome, Outcome::Paid);
    assert_eq!(s[0].paid, usd("120.00"));
    assert_eq!(s[0].payment_date, Some(date(2027, 4, 15)));
}

#[test]
fn held_revenue_is_recorded_carried_and_paid_after_release() {
    // rule: PAY-6
    let mut events = verified();
    events.push(Event::HoldTurnedOn {
        at: at(2027, 3, 20, 0, 0, 0),
    });
    events.push(Event::HoldTurnedOff {
        at: at(2027, 5, 20, 0, 0, 0),
    });
    let s = run(
        &events,
        &PayoutPolicy::default(),
        &[
            ("2027-04", vec![sale("100.00", 2027, 3)]),
            ("2027-05", vec![sale("60.00", 2027, 4)]),
            ("2027-06", vec![sale("10.00", 2027, 5)]),
        ],
    );
    assert_eq!(s[0].outcome, Outcome::Held);
    assert_eq!(s[0].earned, usd("100.00")); // still recorded and shown
    assert_eq!(s[0].carried_out.balance, usd("100.00"));
    assert!(
        s[0].lines
            .iter()
            .any(|l| l.kind == LineKind::Held && l.amount == usd("100.00"))
    );
    assert_eq!(s[1].outcome, Outcome::Held);
    assert_eq!(s[1].carried_out.balance, usd("160.00"));
    assert_eq!(s[2].outcome, Outcome::Paid);
    assert_eq!(s[2].paid, usd("170.00"));
    assert_eq!(s[2].carried_out.balance, usd("0.00"));
}

#[test]
fn the_hold_covers_every_revenue_source() {
    // rule: PAY-7
    let mut events = verified();
    events.push(Event::HoldTurnedOn {
        at: at(2027, 2, 20, 0, 0, 0),
    });
    let d = date(2027, 1, 10);
    let entries = vec![
        entry(RevenueSource::APP_SALES, "10.00", date(2027, 2, 10)),
        entry(RevenueSource::EA_ORDER, "20.00", date(2027, 2, 10)),
        entry(RevenueSource::EA_USAGE, "30.00", d),
        entry("some_future_program", "40.00", date(2027, 2, 10)),
    ];
    let s = run(&events, &PayoutPolicy::default(), &[("2027-03", entries)]);
    assert_eq!(s[0].due, usd("100.00"));
    assert_eq!(s[0].outcome, Outcome::Held);
    assert_eq!(s[0].paid, usd("0.00"));
}

#[test]
fn a_changed_payout_account_delays_by_one_cycle_and_loses_nothing() {
    // rule: PAY-4
    let mut events = verified();
    events.push(Event::PayoutAccountSet {
        payout_account: id(11),
        method: us_bank_method(),
        at: at(2027, 4, 25, 0, 0, 0),
    });
    events.push(Event::PayoutAccountVerified {
        payout_account: id(11),
        at: at(2027, 5, 6, 0, 0, 0),
    });
    let s = run(
        &events,
        &PayoutPolicy::default(),
        &[
            ("2027-05", vec![sale("80.00", 2027, 4)]),
            ("2027-06", vec![sale("30.00", 2027, 5)]),
        ],
    );
    assert_eq!(
        s[0].outcome,
        Outcome::VerificationPending {
            payout_account: id(11)
        }
    );
    assert!(
        s[0].lines
            .iter()
            .any(|l| l.kind == LineKind::DelayedByVerification && l.amount == usd("80.00"))
    );
    assert_eq!(s[1].outcome, Outcome::Paid);
    assert_eq!(s[1].paid, usd("110.00")); // May's amount added to June's
}

#[test]
fn verified_before_the_cycle_ends_means_no_delay() {
    // rule: PAY-4
    let events = verified_at(at(2027, 4, 10, 0, 0, 0), at(2027, 4, 20, 0, 0, 0));
    let s = run(
        &events,
        &PayoutPolicy::default(),
        &[("2027-05", vec![sale("80.00", 2027, 4)])],
    );
    assert_eq!(s[0].outcome, Outcome::Paid);
}

#[test]
fn no_or_rejected_payout_account_carries_everything() {
    // rule: PAY-4
    let s = run(
        &with_owner(),
        &PayoutPolicy::default(),
        &[("2027-05", vec![sale("80.00", 2027, 4)])],
    );
    assert_eq!(s[0].outcome, Outcome::NoPayoutAccount);
    assert_eq!(s[0].carried_out.balance, usd("80.00"));
    let mut events = with_owner();
    events.push(Event::PayoutAccountSet {
        payout_account: id(10),
        method: us_bank_method(),
        at: at(2027, 4, 1, 0, 0, 0),
    });
    events.push(Event::PayoutAccountRejected {
        payout_account: id(10),
        reason: "closed account".parse().unwrap(),
        at: at(2027, 4, 2, 0, 0, 0),
    });
    let s = run(
        &events,
        &PayoutPolicy::default(),
        &[("2027-05", vec![sale("80.00", 2027, 4)])],
    );
    assert_eq!(
        s[0].outcome,
        Outcome::PayoutAccountRejected {
            payout_account: id(10)
        }
    );
}

#[test]
fn below_threshold_carries_over_until_met() {
    // rule: PAY-8
    let s = run(
        &verified(),
        &PayoutPolicy::default(),
        &[
            ("2027-04", vec![sale("30.00", 2027, 3)]),
            ("2027-05", vec![sale("19.99", 2027, 4)]),
            ("2027-06", vec![sale("0.01", 2027, 5)]),
        ],
    );
    assert_eq!(
        s[0].outcome,
        Outcome::BelowThreshold {
            threshold: usd("50.00")
        }
    );
    assert_eq!(s[1].carried_out.balance, usd("49.99"));
    assert_eq!(s[2].outcome, Outcome::Paid);
    assert_eq!(s[2].paid, usd("50.00"));
}

#[test]
fn thresholds_are_per_method_and_country_and_overridable() {
    // rule: PAY-8
    let legacy = PayoutPolicy::store_legacy();
    let usd_ = Currency::USD;
    assert_eq!(
        legacy
            .threshold(MethodKind::Bank, CountryCode::US, usd_)
            .unwrap(),
        usd("25.00")
    );
    assert_eq!(
        legacy
            .threshold(MethodKind::Bank, CountryCode::BR, usd_)
            .unwrap(),
        usd("200.00")
    );
    assert_eq!(
        legacy
            .threshold(MethodKind::PayPal, CountryCode::BR, usd_)
            .unwrap(),
        usd("25.00")
    );
    let s = run(
        &verified(),
        &legacy,
        &[("2027-04", vec![sale("30.00", 2027, 3)])],
    );
    assert_eq!(s[0].outcome, Outcome::Paid);
    // No threshold in the payout currency: a typed error telling the host to add one.
    assert_eq!(
        PayoutPolicy::default().threshold(MethodKind::Bank, CountryCode::SE, Currency::SEK),
        Err(Error::NoThreshold {
            method: MethodKind::Bank,
            country: CountryCode::SE,
            currency: Currency::SEK
        })
    );
    let custom = PayoutPolicy::default()
        .with_threshold(Some(MethodKind::Bank), vec![CountryCode::US], usd("10.00"))
        .unwrap();
    assert_eq!(
        custom
            .threshold(MethodKind::Bank, CountryCode::US, usd_)
            .unwrap(),
        usd("10.00")
    );
    assert!(
        PayoutPolicy::default()
            // A computed amount (a given one with a tenth of a cent is refused when read).
            .with_threshold(
                None,
                vec![],
                Money::new(rust_decimal_macros::dec!(0.001), Currency::USD)
            )
            .is_err()
    );
    assert!(
        PayoutPolicy::default()
            .source()
            .contains("payout-thresholds.md")
    );
    assert_eq!(PayoutPolicy::default().as_of(), date(2026, 11, 25));
}

#[test]
fn program_lags_decide_when_revenue_becomes_payable() {
    // rule: PAY-8
    let policy = PayoutPolicy::default();
    let jan = date(2027, 1, 15);
    assert_eq!(
        entry(RevenueSource::EA_USAGE, "1.00", jan).payable_in(),
        month("2027-03")
    );
    assert_eq!(
        entry(RevenueSource::EA_ORDER, "1.00", jan).payable_in(),
        month("2027-02")
    );
    assert_eq!(
        entry(RevenueSource::CSP_MCA_CUSTOMER_PAID, "1.00", jan).payable_in(),
        month("2027-04")
    );
    assert_eq!(
        entry(RevenueSource::APP_SALES, "1.00", jan).payable_in(),
        month("2027-02")
    );
    let s = run(
        &verified(),
        &policy,
        &[
            (
                "2027-02",
                vec![entry(RevenueSource::EA_USAGE, "70.00", jan)],
            ),
            ("2027-03", vec![]),
        ],
    );
    assert_eq!(s[0].not_yet_payable, usd("70.00"));
    assert_eq!(s[0].due, usd("0.00"));
    assert_eq!(s[0].outcome, Outcome::NothingDue);
    assert_eq!(s[0].carried_out.pending.len(), 1);
    assert_eq!(s[1].became_payable, usd("70.00"));
    assert_eq!(s[1].paid, usd("70.00"));
    // Lags are data.
    let fast = policy.with_lag(src(RevenueSource::EA_USAGE), 0);
    assert_eq!(fast.lag_months(&src(RevenueSource::EA_USAGE)), 0);
}

#[test]
fn a_negative_balance_is_recouped_before_anything_is_paid() {
    // rule: PAY-8
    let s = run(
        &verified(),
        &PayoutPolicy::default(),
        &[
            (
                "2027-04",
                vec![sale("20.00", 2027, 3), sale("-100.00", 2027, 3)],
            ),
            ("2027-05", vec![sale("50.00", 2027, 4)]),
            ("2027-06", vec![sale("90.00", 2027, 5)]),
        ],
    );
    assert_eq!(s[0].outcome, Outcome::NegativeBalance);
    assert_eq!(s[0].carried_out.balance, usd("-80.00"));
    assert_eq!(s[1].recouped, usd("50.00"));
    assert_eq!(s[1].outcome, Outcome::NegativeBalance);
    assert_eq!(s[1].carried_out.balance, usd("-30.00"));
    assert_eq!(s[2].recouped, usd("30.00"));
    assert_eq!(s[2].paid, usd("60.00"));
}

#[test]
fn every_cent_is_explained_line_by_line() {
    // rule: PAY-9
    let policy = PayoutPolicy::default();
    let withheld = sale("100.00", 2027, 3).with_withheld(usd("30.00")).unwrap();
    let lagged = entry(RevenueSource::EA_USAGE, "40.00", date(2027, 3, 2));
    let mut fold = StatementFold::default();
    fold.add(&withheld).unwrap();
    fold.add(&lagged).unwrap();
    fold.add(&sale("-5.00", 2027, 3)).unwrap();
    let profile = Payouts::fold(&verified());
    let terms = profile.cycle_terms(month("2027-04"), &policy).unwrap();
    let carried = CarryOver {
        balance: usd("12.00"),
        pending: vec![],
    };
    let s = fold.finish(&terms, &carried).unwrap();
    assert!(s.balances());
    let kinds: Vec<LineKind> = s.lines.iter().map(|l| l.kind).collect();
    assert_eq!(
        kinds,
        [
            LineKind::Earned,
            LineKind::Withheld,
            LineKind::NotYetPayable,
            LineKind::CarriedIn,
            LineKind::Due,
            LineKind::Paid,
            LineKind::CarriedOut
        ]
    );
    assert_eq!(s.earned, usd("135.00"));
    assert_eq!(s.withheld, usd("30.00"));
    assert_eq!(s.not_yet_payable, usd("40.00"));
    assert_eq!(s.due, usd("77.00"));
    assert_eq!(s.paid, usd("77.00"));
    assert!(s.lines.iter().all(|l| !l.why.is_empty()));
}

#[test]
fn bad_ledger_input_is_a_typed_error() {
    // rule: X-3
    let policy = PayoutPolicy::default();
    let eur = LedgerEntry::new(
        src(RevenueSource::APP_SALES),
        "10.00 EUR".parse().unwrap(),
        date(2027, 3, 1),
        CountryCode::FR,
        &policy,
    )
    .unwrap();
    let mut fold = StatementFold::default();
    fold.add(&eur).unwrap();
    let terms = Payouts::fold(&verified())
        .cycle_terms(month("2027-04"), &policy)
        .unwrap();
    assert_eq!(
        fold.finish(&terms, &zero()),
        Err(Error::CurrencyMismatch {
            expected: Currency::USD,
            found: Currency::EUR
        })
    );
    assert!(matches!(
        fold.add(&sale("1.00", 2027, 3)),
        Err(Error::CurrencyMismatch { .. })
    ));
    // Fractions of a cent, withholding larger than the amount or of the other sign.
    assert!(matches!(
        LedgerEntry::new(
            src("x"),
            Money::new(rust_decimal_macros::dec!(1.001), Currency::USD), // computed, not given
            date(2027, 3, 1),
            CountryCode::US,
            &policy
        ),
        Err(Error::NotInMinorUnits { .. })
    ));
    assert!(matches!(
        sale("10.00", 2027, 3).with_withheld(usd("10.01")),
        Err(Error::WithheldExceedsAmount { .. })
    ));
    assert!(matches!(
        sale("-10.00", 2027, 3).with_withheld(usd("1.00")),
        Err(Error::WithheldExceedsAmount { .. })
    ));
    assert!(sale("-10.00", 2027, 3).with_withheld(usd("-3.00")).is_ok());
    // Sums never wrap: an overflow is an error.
    let huge = Money::from_minor_units(i64::MAX - 1, Currency::USD);
    let big = LedgerEntry::new(src("x"), huge, date(2027, 3, 1), CountryCode::US, &policy).unwrap();
    let mut f = StatementFold::default();
    f.add(&big).unwrap();
    assert!(matches!(f.add(&big), Err(Error::Overflow { .. })));
    assert!(RevenueSource::new("Bad Name").is_err());
    // Profile not set up: no terms.
    assert_eq!(
        Payouts::fold(&[]).cycle_terms(month("2027-04"), &policy),
        Err(Error::NotSetUp)
    );
}

#[test]
fn ledger_entries_round_trip_through_serde_with_validation() {
    let e = sale("12.34", 2027, 3).with_withheld(usd("1.00")).unwrap();
    let json = serde_json::to_string(&e).unwrap();
    assert_eq!(serde_json::from_str::<LedgerEntry>(&json).unwrap(), e);
    let bad = json.replace("\"1.00\"", "\"99.00\"");
    assert!(serde_json::from_str::<LedgerEntry>(&bad).is_err());
    let policy = PayoutPolicy::store_legacy();
    let pj = serde_json::to_string(&policy).unwrap();
    assert_eq!(serde_json::from_str::<PayoutPolicy>(&pj).unwrap(), policy);
    let bad_day = pj.replace("\"payment_day\":15", "\"payment_day\":40");
    assert!(serde_json::from_str::<PayoutPolicy>(&bad_day).is_err());
}

#[test]
fn an_entry_payable_before_it_was_earned_is_refused_with_a_message_that_says_so() {
    let e = sale("12.34", 2027, 3);
    let json = serde_json::to_string(&e).unwrap();
    let early = json.replace(&format!("\"{}\"", e.payable_in()), "\"2027-02\"");
    assert_ne!(early, json);
    let err = serde_json::from_str::<LedgerEntry>(&early)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("cannot be payable in 2027-02, before the month it was earned"),
        "{err}"
    );
    assert!(
        !err.contains("YYYY-MM"),
        "names the dates, not a format: {err}"
    );
}

#[test]
fn the_cycle_of_an_entry_is_the_month_after_it_was_earned() {
    // rule: PAY-5
    let policy = PayoutPolicy::default();
    for (earned, cycle) in [
        (date(2027, 3, 1), "2027-04"),
        (date(2027, 3, 31), "2027-04"),
        (date(2027, 12, 31), "2028-01"),
    ] {
        let e = entry("app_sales", "1.00", earned);
        assert_eq!(policy.cycle_of(&e).unwrap(), month(cycle), "{earned}");
        // The program lag decides when it is payable, not which statement records it.
        let ea = entry("ea_usage", "1.00", earned);
        assert_eq!(policy.cycle_of(&ea).unwrap(), month(cycle));
        assert!(ea.payable_in() > policy.cycle_of(&ea).unwrap());
    }
    // Earned in the last month there is: no cycle, an error rather than a panic.
    let late = LedgerEntry::new(
        src("app_sales"),
        "1.00 USD".parse().unwrap(),
        date(9999, 12, 1),
        CountryCode::DE,
        &PayoutPolicy::default().with_default_lag(0),
    )
    .unwrap();
    assert!(matches!(
        policy.cycle_of(&late),
        Err(Error::MonthOutOfRange { .. })
    ));
    // …and a statement run simply leaves it out.
    let s = Payouts::fold(&verified())
        .statements(&policy, [&late], month("9999-11"), month("9999-12"), zero())
        .unwrap();
    assert!(s.iter().all(|s| s.earned.is_zero()));
}

#[test]
fn statement_fields_say_how_much_and_lines_are_signed_by_their_effect_on_the_amount_due() {
    // rule: PAY-9
    // The example: 300.00 earned at 30 %, 90.00 withheld.
    let entry = sale("300.00", 2027, 3).with_withheld(usd("90.00")).unwrap();
    let mut fold = StatementFold::default();
    fold.add(&entry).unwrap();
    let profile = Payouts::fold(&verified());
    let terms = profile
        .cycle_terms(month("2027-04"), &PayoutPolicy::default())
        .unwrap();
    let s = fold.finish(&terms, &zero()).unwrap();
    assert_eq!(s.earned, usd("300.00"));
    assert_eq!(s.withheld, usd("90.00")); // how much was withheld: positive
    let line = |kind| s.lines.iter().find(|l| l.kind == kind).unwrap().amount;
    assert_eq!(line(LineKind::Earned), usd("300.00"));
    assert_eq!(line(LineKind::Withheld), usd("-90.00")); // takes from the amount due
    assert_eq!(line(LineKind::Due), usd("210.00"));
    assert_eq!(s.paid, usd("210.00"));
    assert_eq!(line(LineKind::Paid), usd("210.00"));
    assert_eq!(line(LineKind::CarriedOut), usd("0.00"));
    // The lines before `due` add up to it; paid + carried out is due.
    let before = s
        .lines
        .iter()
        .take_while(|l| l.kind != LineKind::Due)
        .map(|l| l.amount);
    assert_eq!(Money::sum(Currency::USD, before).unwrap(), s.due);
    assert_eq!(s.paid.checked_add(s.carried_out.balance).unwrap(), s.due);
    assert!(s.balances());
}
