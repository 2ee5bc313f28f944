//! Batch withholding: totals per country and per rate, with merge (rules TAX-4, TAX-7,
//! TAX-8, TAX-9).

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
fn fold_totals_equal_the_statement_withholding() {
    // rule: TAX-7
    // rule: TAX-9
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
    let d = decision(rate);
    let statement = withhold_statement(sales.iter().map(|s| (s, &d))).unwrap();
    let summary = fold.summary().unwrap();
    assert_eq!(summary.by_rate, statement.by_rate);
    // 15 % of 16.67 USD = 2.5005 → 2.50 USD, rounded once.
    let us = summary
        .by_rate
        .iter()
        .find(|r| r.rate == rate && r.amounts.gross.currency() == Currency::USD)
        .unwrap();
    assert_eq!(us.amounts.withheld.to_string(), "2.50 USD");
    for row in &summary.by_country {
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
    let by_rate = fold.by_rate().unwrap();
    assert_eq!(
        by_rate[&(Rate::DEFAULT_WITHHOLDING, Currency::USD)].withheld_minor,
        300
    );
    assert_eq!(by_rate[&(Rate::ZERO, Currency::USD)].withheld_minor, 0);
    assert_eq!(by_rate[&(Rate::ZERO, Currency::USD)].gross_minor, 1_000);
}

#[test]
fn a_backup_withholding_fold_withholds_every_sale() {
    // rule: TAX-8
    let backup = RateDecision {
        rate: Rate::BACKUP_WITHHOLDING,
        reason: RateReason::BackupWithholding {
            presumption: Presumption::UsPersonWithoutProfile,
        },
    };
    let mut fold = WithholdingFold::for_decision(&backup);
    assert_eq!(fold.base(), WithholdingBase::AllSales);
    fold.add(&sale(1_000, Currency::USD, C::US));
    fold.add(&sale(1_000, Currency::USD, C::GB));
    let by_rate = fold.by_rate().unwrap();
    assert_eq!(
        by_rate[&(Rate::BACKUP_WITHHOLDING, Currency::USD)].withheld_minor,
        480
    );
    assert!(!by_rate.contains_key(&(Rate::ZERO, Currency::USD)));
    // add_with gives the same as a fold made for the decision.
    let mut other = WithholdingFold::new(Rate::ZERO);
    other.add_with(&sale(1_000, Currency::USD, C::US), &backup);
    other.add_with(&sale(1_000, Currency::USD, C::GB), &backup);
    assert_eq!(other, fold);
}

#[test]
fn folds_of_different_rates_merge_into_totals_per_rate() {
    // rule: TAX-7
    // rule: TAX-9
    let thirty = Rate::DEFAULT_WITHHOLDING;
    let fifteen: Rate = "15%".parse().unwrap();
    let us = sale(1_000, Currency::USD, C::US);
    let mut a = WithholdingFold::from_sales(thirty, &[us]);
    let b = WithholdingFold::from_sales(fifteen, &[us, us]);
    a.merge(b.clone());
    let by_rate = a.by_rate().unwrap();
    assert_eq!(by_rate[&(thirty, Currency::USD)].withheld_minor, 300);
    assert_eq!(by_rate[&(fifteen, Currency::USD)].withheld_minor, 300);
    assert_eq!(by_rate[&(fifteen, Currency::USD)].sales, 2);
    assert_eq!(
        a.by_country().unwrap()[&(C::US, Currency::USD)].withheld_minor,
        600
    );
    // add_at gives the same as a fold made at that rate.
    let mut c = WithholdingFold::new(thirty);
    c.add(&us);
    c.add_at(&us, fifteen);
    c.add_at(&us, fifteen);
    assert_eq!(c, a);
    assert_eq!(b.rate(), fifteen);
}

#[test]
fn a_million_cent_sales_at_30_percent_withhold_3000_usd() {
    // rule: TAX-9
    let d = decision(Rate::DEFAULT_WITHHOLDING);
    for (cents, expected) in [(1, "3000.00 USD"), (5, "15000.00 USD")] {
        let sales = vec![sale(cents, Currency::USD, C::US); 1_000_000];
        let statement = withhold_statement(sales.iter().map(|s| (s, &d))).unwrap();
        assert_eq!(
            statement.withheld(Currency::USD).unwrap().to_string(),
            expected
        );
        // The per-sale lines are allocated: they sum to the total, each within a cent of its
        // exact share.
        let lines = Money::sum(Currency::USD, statement.lines.iter().map(|l| l.withheld)).unwrap();
        assert_eq!(lines.to_string(), expected);
        let fold = WithholdingFold::from_sales(Rate::DEFAULT_WITHHOLDING, &sales);
        assert_eq!(
            fold.summary().unwrap().by_rate[0]
                .amounts
                .withheld
                .to_string(),
            expected
        );
    }
}

#[test]
fn lines_are_allocated_by_largest_remainder() {
    // rule: TAX-9
    let d = decision(Rate::DEFAULT_WITHHOLDING);
    // Exact shares 0.3, 0.9, 0.6 cents: total 1.8 → 2 cents; floors 0, 0, 0; the two largest
    // remainders (0.9, 0.6) get a cent each.
    let sales = [
        sale(1, Currency::USD, C::US),
        sale(3, Currency::USD, C::US),
        sale(2, Currency::USD, C::US),
    ];
    let s = withhold_statement(sales.iter().map(|x| (x, &d))).unwrap();
    let minor: Vec<i64> = s
        .lines
        .iter()
        .map(|l| l.withheld.minor_units().unwrap())
        .collect();
    assert_eq!(minor, [0, 1, 1]);
    // Ties go to the earlier sale; a refund line is rounded down or up too.
    let sales = [
        sale(1, Currency::USD, C::US),
        sale(1, Currency::USD, C::US),
        sale(-1, Currency::USD, C::US),
        sale(1, Currency::USD, C::SE),
    ];
    let s = withhold_statement(sales.iter().map(|x| (x, &d))).unwrap();
    let minor: Vec<i64> = s
        .lines
        .iter()
        .map(|l| l.withheld.minor_units().unwrap())
        .collect();
    // 0.3 + 0.3 − 0.3 = 0.3 → 0: floors 0, 0, −1; one cent given back to the largest
    // remainder (0.7 of the refund).
    assert_eq!(minor, [0, 0, 0, 0]);
    assert_eq!(s.lines[3].reason, WithholdingReason::NotUsSale);
    for l in &s.lines {
        assert_eq!(l.withheld.checked_add(l.net).unwrap(), l.gross);
    }
}

#[test]
fn an_empty_fold_has_no_totals() {
    // rule: TAX-7
    let f = WithholdingFold::new(Rate::ZERO);
    assert!(f.cells().unwrap().is_empty());
    let s = f.summary().unwrap();
    assert!(s.by_country.is_empty() && s.by_rate.is_empty());
    assert_eq!(f, WithholdingFold::new(Rate::DEFAULT_WITHHOLDING));
    let empty = withhold_statement(std::iter::empty()).unwrap();
    assert!(empty.lines.is_empty() && empty.by_rate.is_empty());
}
