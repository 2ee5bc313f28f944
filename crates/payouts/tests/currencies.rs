//! Sales in any currency, converted at the host's rate per currency and month with one
//! rounding step per statement line; thresholds per currency (PAY-10).

use partnerkit_core::testing::{at, id};
use partnerkit_core::{CountryCode, Currency, Decider, Money, PostalAddress};
use partnerkit_payouts::{
    CONVERSION_ROUNDING, CarryOver, Error, Event, FixedRates, LedgerBatch, LedgerEntry, MethodKind,
    NewPayoutAccount, Outcome, PayoutMonth, PayoutPolicy, PayoutProfile, Payouts, Rate,
    StatementFold, convert_ledger,
};
use proptest::prelude::*;
use rust_decimal::Decimal;

use crate::support::*;

fn sek_profile() -> PayoutProfile {
    let se = PostalAddress::builder("Drottninggatan 1", "Stockholm", CountryCode::SE)
        .postal_code("111 51")
        .build()
        .unwrap();
    let method = NewPayoutAccount::bank(se_bank_details(se))
        .unwrap()
        .method()
        .clone();
    Payouts::fold(&[
        set_up_event(CountryCode::SE, Currency::SEK),
        Event::OwnerAccountAssociated { owner: owner() },
        Event::PayoutAccountSet {
            payout_account: id(10),
            method,
            at: at(2027, 1, 5, 12, 0, 0),
        },
        Event::PayoutAccountVerified {
            payout_account: id(10),
            at: at(2027, 1, 9, 12, 0, 0),
        },
    ])
}

fn sale(amount: &str, earned: chrono::NaiveDate) -> LedgerEntry {
    LedgerEntry::new(
        src("app_sales"),
        amount.parse().unwrap(),
        earned,
        CountryCode::DE,
        &PayoutPolicy::default(),
    )
    .unwrap()
}

fn rate(s: &str) -> Rate {
    s.parse().unwrap()
}

#[test]
fn a_swedish_seller_is_paid_in_sek_for_sales_in_any_currency() {
    // rule: PAY-10
    let march = month("2027-03");
    let rates = FixedRates::new()
        .with(Currency::EUR, Currency::SEK, march, rate("11.2034"))
        .with(Currency::USD, Currency::SEK, march, rate("10.4215"));
    let entries = [
        sale("100.00 EUR", date(2027, 3, 2)),
        sale("20.00 EUR", date(2027, 3, 20)),
        sale("50.00 USD", date(2027, 3, 5)),
        sale("300.00 SEK", date(2027, 3, 9)),
    ];
    let profile = sek_profile();
    let policy = PayoutPolicy::default();
    // With the default policy (50 USD) a SEK account has no threshold of its own…
    assert!(matches!(
        profile.cycle_terms(month("2027-04"), &policy),
        Err(Error::NoThreshold { .. })
    ));
    // …but gets statements: the threshold is 50 USD at March's USD→SEK rate.
    let s = profile
        .statements_converted(
            &policy,
            &rates,
            &entries,
            month("2027-04"),
            month("2027-04"),
            CarryOver::zero(Currency::SEK),
        )
        .unwrap();
    let s = &s[0];
    assert_eq!(s.currency, Currency::SEK);
    // Every conversion line shows the original amount, the rate and the converted amount.
    let lines: Vec<(String, String, String)> = s
        .conversions
        .iter()
        .map(|c| {
            (
                c.original.to_string(),
                c.rate.to_string(),
                c.converted.to_string(),
            )
        })
        .collect();
    assert_eq!(
        lines,
        [
            ("120.00 EUR".into(), "11.2034".into(), "1344.41 SEK".into()),
            ("50.00 USD".into(), "10.4215".into(), "521.08 SEK".into()),
        ]
    );
    // 1344.408 + 521.075 rounded once per line, plus the SEK sale.
    assert_eq!(s.earned.to_string(), "2165.49 SEK");
    assert_eq!(s.outcome, Outcome::Paid);
    assert_eq!(s.paid.to_string(), "2165.49 SEK");
    assert!(s.balances());
    let terms = profile
        .cycle_terms_with(month("2027-04"), &policy, &rates)
        .unwrap();
    assert_eq!(terms.threshold.unwrap().to_string(), "521.08 SEK");
    // The JSON of a statement carries the conversions.
    let json = serde_json::to_value(s).unwrap();
    assert_eq!(json["conversions"][0]["rate"], "11.2034");
    assert_eq!(json["conversions"][0]["original"]["currency"], "EUR");
}

#[test]
fn rounding_happens_once_per_line_not_per_sale() {
    // rule: PAY-10
    let march = month("2027-03");
    let rates = FixedRates::new().with(Currency::EUR, Currency::USD, march, rate("1.07"));
    let one = sale("0.01 EUR", date(2027, 3, 3))
        .convert(Currency::USD, &rates)
        .unwrap();
    let mut fold = StatementFold::default();
    for _ in 0..100_000 {
        fold.add(&one).unwrap();
    }
    let terms = Payouts::fold(&verified())
        .cycle_terms(month("2027-04"), &PayoutPolicy::default())
        .unwrap();
    let s = fold.finish(&terms, &zero()).unwrap();
    // 100,000 × 0.0107 = 1,070.00; rounding each sale would have given 1,000.00.
    assert_eq!(s.earned.to_string(), "1070.00 USD");
    assert_eq!(s.conversions.len(), 1);
    assert_eq!(s.conversions[0].original.to_string(), "1000.00 EUR");
    assert_eq!(
        CONVERSION_ROUNDING,
        partnerkit_core::Rounding::HalfAwayFromZero
    );
}

#[test]
fn rates_come_from_the_host_and_are_checked() {
    // rule: PAY-10
    let s = sale("10.00 EUR", date(2027, 3, 3));
    let err = s
        .clone()
        .convert(Currency::USD, &FixedRates::new())
        .unwrap_err();
    assert_eq!(
        err,
        Error::NoExchangeRate {
            from: Currency::EUR,
            to: Currency::USD,
            month: month("2027-03"),
        }
    );
    // The rate of the month earned, not of another month.
    let april = FixedRates::new().with(Currency::EUR, Currency::USD, month("2027-04"), rate("1.1"));
    assert!(s.clone().convert(Currency::USD, &april).is_err());
    for bad in ["0", "-1", "abc", "0.0000000000001", "1000000001"] {
        assert!(bad.parse::<Rate>().is_err(), "{bad}");
        let json = format!("\"{bad}\"");
        assert!(serde_json::from_str::<Rate>(&json).is_err(), "{bad}");
    }
    assert_eq!(Rate::new(Decimal::new(10700, 4)).unwrap(), rate("1.07"));
    // A converted entry and a rate table read back as they were written.
    let rates =
        FixedRates::new().with(Currency::EUR, Currency::USD, month("2027-03"), rate("1.07"));
    let converted = s.convert(Currency::USD, &rates).unwrap();
    let json = serde_json::to_string(&converted).unwrap();
    assert_eq!(
        serde_json::from_str::<LedgerEntry>(&json).unwrap(),
        converted
    );
    let json = serde_json::to_string(&rates).unwrap();
    assert_eq!(serde_json::from_str::<FixedRates>(&json).unwrap(), rates);
    // A batch folds entries already in its currency only.
    let mut batch = LedgerBatch::new(month("2027-04"), Currency::USD);
    assert!(matches!(
        batch.push(id(1), &converted),
        Err(Error::ConvertedEntryInBatch { .. })
    ));
}

#[test]
fn thresholds_are_per_currency_data() {
    // rule: PAY-10
    // rule: PAY-8
    let march = month("2027-03");
    let rates = FixedRates::new().with(Currency::USD, Currency::JPY, march, rate("149.537"));
    let p = PayoutPolicy::default();
    let jpy = p
        .threshold_converted(
            MethodKind::Bank,
            CountryCode::JP,
            Currency::JPY,
            march,
            &rates,
        )
        .unwrap();
    assert_eq!(jpy.to_string(), "7477 JPY"); // 7476.85 rounded once, yen have no minor unit
    let p = p
        .with_threshold(None, vec![], "8000 JPY".parse().unwrap())
        .unwrap();
    assert_eq!(
        p.threshold_converted(
            MethodKind::Bank,
            CountryCode::JP,
            Currency::JPY,
            march,
            &rates
        )
        .unwrap()
        .to_string(),
        "8000 JPY"
    );
    assert!(matches!(
        PayoutPolicy::default().threshold_converted(
            MethodKind::Bank,
            CountryCode::JP,
            Currency::JPY,
            march,
            &FixedRates::new()
        ),
        Err(Error::NoExchangeRate { .. })
    ));
}

const CURRENCIES: [Currency; 3] = [Currency::EUR, Currency::SEK, Currency::JPY];

proptest! {
    #[test]
    fn converting_then_summing_equals_summing_converted_lines(
        sales in prop::collection::vec((0usize..4, -5_000i64..200_000, 1u32..=28, 0i32..2), 1..40),
        rates_bp in prop::collection::vec(1u32..5_000_000, 6),
        split in 0usize..40,
    ) {
        // rule: PAY-10
        let cycle = month("2027-04");
        let mut rates = FixedRates::new();
        for (k, c) in CURRENCIES.iter().enumerate() {
            for back in 0..2 {
                let r = Decimal::new(i64::from(rates_bp[k * 2 + back]), 4);
                rates = rates.with(*c, Currency::USD, cycle.plus(-1 - back as i32).unwrap(), Rate::new(r).unwrap());
            }
        }
        let entries: Vec<LedgerEntry> = sales
            .iter()
            .map(|(c, units, day, back)| {
                let currency = CURRENCIES.get(*c).copied().unwrap_or(Currency::USD);
                let earned = cycle.plus(-1 - back).unwrap().day(*day);
                let amount = Money::from_minor_units(*units, currency);
                LedgerEntry::new(src("app_sales"), amount, earned, CountryCode::DE, &PayoutPolicy::default())
                    .unwrap()
                    .convert(Currency::USD, &rates)
                    .unwrap()
            })
            .collect();
        let terms = Payouts::fold(&verified())
            .cycle_terms(cycle, &PayoutPolicy::default())
            .unwrap();
        let mut whole = StatementFold::default();
        for e in &entries {
            whole.add(e).unwrap();
        }
        let s = whole.finish(&terms, &zero()).unwrap();
        prop_assert!(s.balances());
        // The statement's earned total is the domestic sales plus the converted lines.
        let domestic: i64 = entries
            .iter()
            .filter(|e| e.conversion().is_none())
            .map(LedgerEntry::amount_minor)
            .sum();
        let converted: i64 = s.conversions.iter().map(|c| c.converted.minor_units().unwrap()).sum();
        prop_assert_eq!(s.earned.minor_units().unwrap(), domestic + converted);
        for line in &s.conversions {
            // Each line: the exact sum of its sales in their currency, times the rate,
            // rounded once, half away from zero.
            let sum: i64 = entries
                .iter()
                .filter(|e| e.currency() == line.original.currency()
                    && e.conversion().map(|c| c.rate) == Some(line.rate)
                    && e.payable_in() == line.payable_in)
                .map(LedgerEntry::amount_minor)
                .sum();
            prop_assert_eq!(line.original, Money::from_minor_units(sum, line.original.currency()));
            let exact = line.original.amount() * line.rate.value();
            let expected = Money::new(exact, Currency::USD).to_minor_scale(CONVERSION_ROUNDING);
            prop_assert_eq!(line.converted, expected);
            prop_assert!((line.converted.amount() - exact).abs() <= Decimal::new(5, 3));
        }
        // Folding in two parts and merging converts the same lines.
        let cut = split.min(entries.len());
        let (a, b) = entries.split_at(cut);
        let mut left = StatementFold::default();
        for e in a { left.add(e).unwrap(); }
        let mut right = StatementFold::default();
        for e in b { right.add(e).unwrap(); }
        prop_assert_eq!(left.merge(right).unwrap().finish(&terms, &zero()).unwrap(), s);
    }
}

#[test]
fn months_of_rates_follow_the_month_earned() {
    // rule: PAY-10
    let rates = FixedRates::new()
        .with(Currency::EUR, Currency::USD, month("2027-02"), rate("1.05"))
        .with(Currency::EUR, Currency::USD, month("2027-03"), rate("1.10"));
    let feb = sale("10.00 EUR", date(2027, 2, 28))
        .convert(Currency::USD, &rates)
        .unwrap();
    let mar = sale("10.00 EUR", date(2027, 3, 1))
        .convert(Currency::USD, &rates)
        .unwrap();
    assert_eq!(feb.conversion().unwrap().rate, rate("1.05"));
    assert_eq!(mar.conversion().unwrap().rate, rate("1.10"));
    assert_eq!(
        PayoutMonth::of_date(feb.earned_on()).unwrap(),
        month("2027-02")
    );
}

#[test]
fn conversion_serde_forms() {
    // rule: PAY-10
    let march = month("2027-03");
    let rates = FixedRates::new().with(Currency::EUR, Currency::SEK, march, rate("11.2034"));
    let entry = sale("100.00 EUR", date(2027, 3, 2))
        .convert(Currency::SEK, &rates)
        .unwrap();
    let s = sek_profile()
        .statements_converted(
            &PayoutPolicy::default(),
            &rates
                .clone()
                .with(Currency::USD, Currency::SEK, march, rate("10.4215")),
            [&entry],
            month("2027-04"),
            month("2027-04"),
            CarryOver::zero(Currency::SEK),
        )
        .unwrap();
    insta::assert_json_snapshot!("converted_entry", entry);
    insta::assert_json_snapshot!("rates", rates);
    insta::assert_json_snapshot!("conversion_lines", s[0].conversions);
}

#[test]
fn huge_conversions_are_errors_not_panics() {
    // rule: PAY-10
    // rule: X-3
    let march = month("2027-03");
    let rates = FixedRates::new().with(Currency::EUR, Currency::USD, march, rate("1000000000"));
    let huge = LedgerEntry::new(
        src("app_sales"),
        Money::from_minor_units(i64::MAX, Currency::EUR),
        date(2027, 3, 3),
        CountryCode::DE,
        &PayoutPolicy::default(),
    )
    .unwrap()
    .convert(Currency::USD, &rates)
    .unwrap();
    let mut fold = StatementFold::default();
    fold.add(&huge).unwrap();
    let terms = Payouts::fold(&verified())
        .cycle_terms(month("2027-04"), &PayoutPolicy::default())
        .unwrap();
    assert!(matches!(
        fold.finish(&terms, &zero()),
        Err(Error::Overflow { .. })
    ));
    // Summing two of them in their own currency overflows too, as an error.
    assert!(matches!(fold.add(&huge), Err(Error::Overflow { .. })));
}

/// Sales for `convert_ledger`: (currency index, minor units, day, months back).
fn ledger_sales() -> impl Strategy<Value = Vec<(usize, i64, u32, i32)>> {
    prop::collection::vec((0usize..5, -5_000i64..200_000, 1u32..=28, 0i32..2), 0..40)
}

const FROM: [Currency; 5] = [
    Currency::EUR,
    Currency::SEK,
    Currency::JPY,
    Currency::BHD,
    Currency::USD,
];

proptest! {
    #[test]
    fn converted_sales_add_up_to_their_line_and_stay_within_a_minor_unit(
        sales in ledger_sales(),
        rate_units in prop::collection::vec(1i64..5_000_000_000, 10),
        rate_scale in 0u32..=Rate::MAX_SCALE,
        to in prop::sample::select(vec![Currency::USD, Currency::JPY, Currency::BHD]),
    ) {
        // rule: PAY-10
        let policy = PayoutPolicy::default();
        let cycle = month("2027-04");
        let mut rates = FixedRates::new();
        for (k, c) in FROM.iter().enumerate() {
            for back in 0..2 {
                let r = Decimal::new(rate_units[k * 2 + back], rate_scale);
                if let Ok(r) = Rate::new(r) {
                    rates = rates.with(*c, to, cycle.plus(-1 - back as i32).unwrap(), r);
                }
            }
        }
        let entries: Vec<LedgerEntry> = sales
            .iter()
            .map(|(c, units, day, back)| {
                let amount = Money::from_minor_units(*units, FROM[*c]);
                let earned = cycle.plus(-1 - back).unwrap().day(*day);
                LedgerEntry::new(src("app_sales"), amount, earned, CountryCode::DE, &policy).unwrap()
            })
            .collect();
        let Ok(converted) = convert_ledger(&policy, to, &entries, &rates) else {
            // Only a missing rate (out of Rate's range) refuses the ledger.
            prop_assert!(entries.iter().any(|e| e.clone().convert(to, &rates).is_err()));
            return Ok(());
        };
        prop_assert_eq!(converted.entries.len(), entries.len());
        let scale = Decimal::from(10i64.pow(to.minor_unit_scale()));
        for (e, c) in entries.iter().zip(&converted.entries) {
            let c = c.as_ref().unwrap();
            prop_assert_eq!(c.currency(), to);
            prop_assert_eq!((c.earned_on(), c.payable_in(), c.source()), (e.earned_on(), e.payable_in(), e.source()));
            if e.currency() == to {
                prop_assert_eq!(c, e);
                continue;
            }
            // Within one minor unit of the sale's exact conversion.
            let rate = e.clone().convert(to, &rates).unwrap().conversion().unwrap().rate;
            let exact = e.amount().amount() * rate.value() * scale;
            let got = Decimal::from(c.amount_minor());
            prop_assert!((got - exact).abs() < Decimal::ONE, "{} vs exact {}", got, exact);
        }
        for ((line_cycle, payable_in, from, rate), line) in &converted.lines {
            let on_line = entries.iter().zip(&converted.entries).filter(|(e, _)| {
                e.currency() == *from
                    && policy.cycle_of(e).unwrap() == *line_cycle
                    && e.payable_in() == *payable_in
                    && LedgerEntry::clone(e).convert(to, &rates).unwrap().conversion().map(|c| c.rate) == Some(*rate)
            });
            let (original, paid) = on_line.fold((0i64, 0i64), |(o, p), (e, c)| {
                (o + e.amount_minor(), p + c.as_ref().unwrap().amount_minor())
            });
            prop_assert_eq!(line.original, Money::from_minor_units(original, *from));
            prop_assert_eq!(line.converted.minor_units().unwrap(), paid);
            prop_assert_eq!(line.converted, rate.convert(line.original, to).unwrap());
        }
        let by_cycle = converted.lines_of(month("2027-03")).len() + converted.lines_of(cycle).len();
        prop_assert_eq!(by_cycle, converted.lines.len());
        prop_assert!(converted.lines_of(month("2027-05")).is_empty());
    }
}

#[test]
fn the_spare_minor_units_of_a_line_go_to_the_earliest_of_equal_sales() {
    // rule: PAY-10
    let policy = PayoutPolicy::default();
    let march = month("2027-03");
    let rates = FixedRates::new().with(Currency::EUR, Currency::USD, march, rate("1.0712"));
    let cents = |e: &Option<LedgerEntry>| e.as_ref().unwrap().amount_minor();
    // 3 × 0.05 EUR = 0.15 EUR → 0.16068 → 0.16 USD: 5.356 cents each, one spare cent.
    let sales: Vec<LedgerEntry> = (0..3).map(|_| sale("0.05 EUR", date(2027, 3, 3))).collect();
    let c = convert_ledger(&policy, Currency::USD, &sales, &rates).unwrap();
    assert_eq!(c.entries.iter().map(cents).collect::<Vec<_>>(), [6, 5, 5]);
    // A refund takes its share too: 0.10 − 0.03 EUR = 0.07 → 0.074984 → 0.07 USD. Exact
    // shares 10.712 and −3.2136 cents start at 10 and −4; the spare cent goes to the larger
    // remainder, the refund's 0.7864.
    let sales = [
        sale("0.10 EUR", date(2027, 3, 3)),
        sale("-0.03 EUR", date(2027, 3, 4)),
    ];
    let c = convert_ledger(&policy, Currency::USD, &sales, &rates).unwrap();
    assert_eq!(c.entries.iter().map(cents).collect::<Vec<_>>(), [10, -3]);
    let line = &c.lines_of(month("2027-04"))[0];
    assert_eq!(line.converted.to_string(), "0.07 USD");
    assert_eq!(line.original_withheld, Money::zero(Currency::EUR));
}

#[test]
fn a_ledger_built_with_another_policy_is_refused() {
    // rule: PAY-8
    // rule: PAY-10
    let march = month("2027-03");
    let rates = FixedRates::new().with(Currency::EUR, Currency::USD, march, rate("1.0712"));
    let fast = PayoutPolicy::default().with_lag(src("app_sales"), 0);
    let sales = [sale("10.00 EUR", date(2027, 3, 3))];
    let err = convert_ledger(&fast, Currency::USD, &sales, &rates).unwrap_err();
    assert_eq!(err.code(), "entry_month", "{err}");
    assert!(err.to_string().contains("2027-03-03"), "{err}");
    assert!(
        err.to_string().contains("settings.policy"),
        "says what to do: {err}"
    );
    assert!(sales[0].check_policy(&PayoutPolicy::default()).is_ok());
    // No rate, no conversion; an entry in the payout currency needs none.
    let err = convert_ledger(&fast, Currency::SEK, &sales, &rates).unwrap_err();
    assert!(matches!(err, Error::NoExchangeRate { .. }), "{err}");
    let usd = [sale("10.00 USD", date(2027, 3, 3))];
    let c = convert_ledger(&PayoutPolicy::default(), Currency::USD, &usd, &rates).unwrap();
    assert_eq!(c.entries, [Some(usd[0].clone())]);
    assert!(c.lines.is_empty());
}

#[test]
fn huge_ledger_conversions_are_errors_not_panics() {
    // rule: PAY-10
    // rule: X-3
    let march = month("2027-03");
    let rates = FixedRates::new().with(Currency::EUR, Currency::USD, march, rate("1000000000"));
    let policy = PayoutPolicy::default();
    let huge = |units| {
        LedgerEntry::new(
            src("app_sales"),
            Money::from_minor_units(units, Currency::EUR),
            date(2027, 3, 3),
            CountryCode::DE,
            &policy,
        )
        .unwrap()
    };
    for sales in [
        vec![huge(i64::MAX)],
        vec![huge(i64::MAX), huge(i64::MAX)],
        vec![huge(i64::MAX), huge(-i64::MAX)],
    ] {
        assert!(matches!(
            convert_ledger(&policy, Currency::USD, &sales, &rates),
            Err(Error::Overflow { .. })
        ));
    }
}
