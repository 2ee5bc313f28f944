//! Property tests of the money rules (rules TAX-4, TAX-5, TAX-7).

use partnerkit_core::{CountryCode, Currency, Money};
use partnerkit_tax::*;
use proptest::prelude::*;

use crate::support::*;

fn currency() -> impl Strategy<Value = Currency> {
    prop_oneof![
        Just(Currency::USD),
        Just(Currency::EUR),
        Just(Currency::JPY),
        Just(Currency::BHD)
    ]
}

fn country() -> impl Strategy<Value = CountryCode> {
    prop_oneof![
        4 => Just(CountryCode::US),
        1 => Just(CountryCode::SE),
        1 => Just(CountryCode::GB),
        1 => Just(CountryCode::IN),
        1 => Just(CountryCode::BR),
    ]
}

fn amount() -> impl Strategy<Value = i64> {
    prop_oneof![
        -1_000_000i64..1_000_000,
        -Sale::MAX_MINOR_UNITS..=Sale::MAX_MINOR_UNITS,
        Just(Sale::MAX_MINOR_UNITS),
        Just(-Sale::MAX_MINOR_UNITS),
    ]
}

fn sale() -> impl Strategy<Value = Sale> {
    (amount(), currency(), country()).prop_map(|(m, c, k)| Sale::from_minor_units(m, c, k).unwrap())
}

fn rate() -> impl Strategy<Value = Rate> {
    prop_oneof![
        (0u32..=10_000).prop_map(|b| Rate::from_basis_points(b).unwrap()),
        (0u32..=30).prop_map(|p| Rate::from_percent(p).unwrap()),
    ]
}

fn decision(rate: Rate) -> RateDecision {
    RateDecision {
        rate,
        reason: RateReason::NoValidForm,
    }
}

proptest! {
    #[test]
    fn withheld_plus_net_is_gross(s in sale(), r in rate()) {
        // rule: TAX-7
        let w = withhold(&s, &decision(r));
        prop_assert_eq!(w.withheld.checked_add(w.net).unwrap(), w.gross);
        prop_assert!(w.withheld.minor_units().is_ok());
        prop_assert!(w.withheld.amount().abs() <= w.gross.amount().abs());
    }

    #[test]
    fn the_integer_path_equals_the_decimal_path(g in amount(), c in currency(), r in rate()) {
        // rule: TAX-7
        let gross = Money::from_minor_units(g, c);
        let decimal = gross.mul_decimal(r.as_fraction()).unwrap().round(WITHHOLDING_ROUNDING);
        prop_assert_eq!(Money::from_minor_units(withheld_minor_units(g, r), c), decimal);
        let via_withhold = withhold(&Sale::from_minor_units(g, c, CountryCode::US).unwrap(), &decision(r));
        prop_assert_eq!(via_withhold.withheld, decimal);
    }

    #[test]
    fn sales_outside_the_us_are_never_withheld(s in sale(), r in rate()) {
        // rule: TAX-4
        prop_assume!(s.country() != CountryCode::US);
        let w = withhold(&s, &decision(r));
        prop_assert!(w.withheld.is_zero());
        prop_assert_eq!(w.net, w.gross);
        let fold = WithholdingFold::from_sales(r, &[s]);
        prop_assert!(fold.cells().unwrap().values().all(|t| t.withheld_minor == 0));
    }

    #[test]
    fn a_w8_rate_is_never_above_30_percent_nor_below_the_treaty_rate(
        idx in 0usize..16,
        with_claim in any::<bool>(),
        signed_days in 0i64..3_000,
        on_days in 0i64..4_000,
        table_bps in proptest::option::of(0u32..=3_000),
    ) {
        // rule: TAX-5
        let default = TreatyTable::irs_table_1();
        let entry = default.entries()[idx].clone();
        let signed = date(2020, 1, 1) + chrono::Duration::days(signed_days);
        let on = date(2020, 1, 1) + chrono::Duration::days(on_days);
        let profile = w8_profile(entry.country, signed, with_claim && entry.has_treaty());
        // The table in force at `on` may differ from the one the claim was made under.
        let table = match table_bps {
            None => default.clone(),
            Some(bps) => TreatyTable::new("t", "s", date(2020, 1, 1), [TreatyEntry {
                rate: if entry.has_treaty() { Rate::from_basis_points(bps).unwrap() } else { entry.rate },
                ..entry.clone()
            }]).unwrap(),
        };
        let d = withholding_rate(&profile, on, &table);
        prop_assert!(d.rate <= Rate::DEFAULT_WITHHOLDING);
        if let Some(t) = table.treaty(entry.country, IncomeType::OtherRoyalties) {
            prop_assert!(d.rate >= t.rate);
        }
        let valid = on >= signed && on <= w8_valid_through(signed);
        if !(valid && with_claim && entry.has_treaty()) {
            prop_assert_eq!(d.rate, Rate::DEFAULT_WITHHOLDING);
        }
    }

    #[test]
    fn merge_of_a_split_equals_the_whole(
        sales in proptest::collection::vec(sale(), 0..200),
        cuts in proptest::collection::vec(any::<prop::sample::Index>(), 0..5),
        r in rate(),
    ) {
        // rule: TAX-7
        let whole = WithholdingFold::from_sales(r, &sales);
        let mut points: Vec<usize> = cuts.iter().map(|i| i.index(sales.len() + 1)).collect();
        points.push(0);
        points.push(sales.len());
        points.sort_unstable();
        let mut parts: Vec<WithholdingFold> = points
            .windows(2)
            .map(|w| WithholdingFold::from_sales(r, &sales[w[0]..w[1]]))
            .collect();
        // Merge right to left, to vary the grouping.
        let mut merged = WithholdingFold::new(r);
        while let Some(p) = parts.pop() {
            merged.merge(p);
        }
        prop_assert_eq!(&merged, &whole);
        prop_assert_eq!(merged.summary().unwrap(), whole.summary().unwrap());
        // And the fold agrees with the statement rule, withheld rounded once per rate.
        let d = decision(r);
        let statement = withhold_statement(sales.iter().map(|s| (s, &d))).unwrap();
        prop_assert_eq!(&whole.summary().unwrap().by_rate, &statement.by_rate);
        let cells = whole.cells().unwrap();
        let total_withheld: i128 = statement
            .lines
            .iter()
            .map(|l| i128::from(l.withheld.minor_units().unwrap()))
            .sum();
        prop_assert_eq!(cells.values().map(|t| t.withheld_minor).sum::<i128>(), total_withheld);
        let total_gross: i128 = sales.iter().map(|s| i128::from(s.gross_minor_units())).sum();
        prop_assert_eq!(cells.values().map(|t| t.gross_minor).sum::<i128>(), total_gross);
    }

    #[test]
    fn statement_withholding_is_within_half_a_minor_unit_of_rate_times_total(
        statements in proptest::collection::vec(
            proptest::collection::vec((sale(), 0usize..4), 0..60),
            1..6,
        ),
        rates in proptest::collection::vec(rate(), 4),
    ) {
        // rule: TAX-9
        // rule: TAX-8
        // Each sale carries one of four seller decisions (the rate can change within a month);
        // the third is backup withholding on every sale.
        let decisions: Vec<RateDecision> = rates
            .iter()
            .enumerate()
            .map(|(i, r)| RateDecision {
                rate: *r,
                reason: if i == 2 {
                    RateReason::BackupWithholding { presumption: Presumption::UsPersonWithoutProfile }
                } else {
                    RateReason::NoValidForm
                },
            })
            .collect();
        for ledger in &statements {
            let w = withhold_statement(ledger.iter().map(|(s, i)| (s, &decisions[*i]))).unwrap();
            prop_assert_eq!(w.lines.len(), ledger.len());
            // Recompute each (rate, currency) base independently.
            let mut base: std::collections::BTreeMap<(Rate, Currency), (i128, i128)> =
                std::collections::BTreeMap::new();
            for ((s, i), line) in ledger.iter().zip(&w.lines) {
                let d = &decisions[*i];
                let applied = if d.base() == WithholdingBase::AllSales || s.country() == CountryCode::US {
                    d.rate
                } else {
                    Rate::ZERO
                };
                prop_assert_eq!(line.rate, applied);
                let g = i128::from(s.gross_minor_units());
                let wl = i128::from(line.withheld.minor_units().unwrap());
                // Each line is its exact share rounded down or up.
                let exact = g * i128::from(applied.basis_points());
                prop_assert!(wl * 10_000 >= exact - 9_999 && wl * 10_000 <= exact + 9_999);
                prop_assert_eq!(line.withheld.checked_add(line.net).unwrap(), line.gross);
                let e = base.entry((applied, s.currency())).or_default();
                e.0 += g;
                e.1 += wl;
            }
            prop_assert_eq!(w.by_rate.len(), base.len());
            for row in &w.by_rate {
                let (gross, lines) = base[&(row.rate, row.amounts.gross.currency())];
                let withheld = i128::from(row.amounts.withheld.minor_units().unwrap());
                // |withheld − rate × total| ≤ half a minor unit, and the lines sum to it.
                let exact = gross * i128::from(row.rate.basis_points());
                prop_assert!((withheld * 10_000 - exact).abs() <= 5_000, "{} {}", withheld, exact);
                prop_assert_eq!(lines, withheld);
                prop_assert_eq!(i128::from(row.amounts.gross.minor_units().unwrap()), gross);
            }
        }
    }

    #[test]
    fn rates_round_trip_through_text(bps in 0u32..=10_000) {
        // rule: TAX-5
        let r = Rate::from_basis_points(bps).unwrap();
        prop_assert_eq!(r.to_string().parse::<Rate>().unwrap(), r);
        prop_assert_eq!(serde_json::from_str::<Rate>(&serde_json::to_string(&r).unwrap()).unwrap(), r);
    }
}
