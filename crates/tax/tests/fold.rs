//! Batch withholding: totals per country and per rate, with merge (rules TAX-4, TAX-7).

use std::collections::BTreeMap;

use partnerkit_core::CountryCode as C;
use partnerkit_core::{Currency, Money};
use partnerkit_tax::*;

fn sale(minor: i64, currency: Currency, country: partnerkit_core::CountryCode) -> Sale {
    Sale::from_minor_units(minor, currency, country).unwrap()
}

fn decision(rate: Rate) -> RateDecision {
    RateDecision {
        rate,
        reason: RateReason::NoValidForm,
    }
}

#[test]
fn fold_totals_equal_the_sum_of_per_sale_withholding() {
    // rule: TAX-7
    let rate: Rate = "15%".parse().unwrap();
    let sales = [
        sale(999, Currency::USD, C::US),
        sale(1_001, Currency::USD, C::US),
        sale(-333, Currency::USD, C::US),
        sale(500, Currency::SEK, C::SE),
        sale(700, Currency::EUR, C::DE),
        sale(1_234, Currency::USD, C::DE), // a second currency in one country
        sale(5, Currency::JPY, C::US),     // a second currency in the US
    ];
    let fold = WithholdingFold::from_sales(rate, &sales);
    let mut expected: BTreeMap<(partnerkit_core::CountryCode, Currency), (u64, Money, Money)> =
        BTreeMap::new();
    for s in &sales {
        let w = withhold(s, &decision(rate));
        let e = expected.entry((s.country(), s.currency())).or_insert((
            0,
            Money::zero(s.currency()),
            Money::zero(s.currency()),
        ));
        e.0 += 1;
        e.1 = e.1.checked_add(w.gross).unwrap();
        e.2 = e.2.checked_add(w.withheld).unwrap();
    }
    let summary = fold.summary().unwrap();
    assert_eq!(summary.by_country.len(), expected.len());
    for row in &summary.by_country {
        let (n, gross, withheld) = expected[&(row.country, row.amounts.gross.currency())];
        assert_eq!(row.amounts.sales, n);
        assert_eq!(row.amounts.gross, gross);
        assert_eq!(row.amounts.withheld, withheld);
        assert_eq!(
            row.amounts.withheld.checked_add(row.amounts.net).unwrap(),
            row.amounts.gross
        );
    }
}

#[test]
fn only_us_sales_are_withheld_in_a_batch() {
    // rule: TAX-4
    let fold = WithholdingFold::from_sales(
        Rate::DEFAULT_WITHHOLDING,
        &[
            sale(1_000, Currency::USD, C::US),
            sale(1_000, Currency::USD, C::GB),
        ],
    );
    let by_rate = fold.by_rate();
    assert_eq!(
        by_rate[&(Rate::DEFAULT_WITHHOLDING, Currency::USD)].withheld_minor,
        300
    );
    assert_eq!(by_rate[&(Rate::ZERO, Currency::USD)].withheld_minor, 0);
    assert_eq!(by_rate[&(Rate::ZERO, Currency::USD)].gross_minor, 1_000);
}

#[test]
fn folds_of_different_sellers_merge_into_totals_per_rate() {
    // rule: TAX-7
    let thirty = Rate::DEFAULT_WITHHOLDING;
    let fifteen: Rate = "15%".parse().unwrap();
    let us = sale(1_000, Currency::USD, C::US);
    let mut a = WithholdingFold::from_sales(thirty, &[us]);
    let b = WithholdingFold::from_sales(fifteen, &[us, us]);
    a.merge(b.clone());
    let by_rate = a.by_rate();
    assert_eq!(by_rate[&(thirty, Currency::USD)].withheld_minor, 300);
    assert_eq!(by_rate[&(fifteen, Currency::USD)].withheld_minor, 300);
    assert_eq!(by_rate[&(fifteen, Currency::USD)].sales, 2);
    assert_eq!(a.by_country()[&(C::US, Currency::USD)].withheld_minor, 600);
    // add_at gives the same as a fold made at that rate.
    let mut c = WithholdingFold::new(thirty);
    c.add(&us);
    c.add_at(&us, fifteen);
    c.add_at(&us, fifteen);
    assert_eq!(c, a);
    assert_eq!(b.rate(), fifteen);
}

#[test]
fn an_empty_fold_has_no_totals() {
    // rule: TAX-7
    let f = WithholdingFold::new(Rate::ZERO);
    assert!(f.cells().is_empty());
    let s = f.summary().unwrap();
    assert!(s.by_country.is_empty() && s.by_rate.is_empty());
    assert_eq!(f, WithholdingFold::new(Rate::DEFAULT_WITHHOLDING));
}
