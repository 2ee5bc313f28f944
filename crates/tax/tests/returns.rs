//! Year-end information returns: Form 1042-S for foreign payees, Form 1099 for US payees, by
//! the year paid (rule TAX-10).

use partnerkit_core::CountryCode as C;
use partnerkit_core::uuid::Uuid;
use partnerkit_core::{AccountId, Currency, Money};
use partnerkit_tax::*;
use proptest::prelude::*;

use crate::support::*;

fn payee(n: u128) -> AccountId {
    AccountId::from_uuid(Uuid::from_u128(n))
}

fn usd(minor: i64) -> Money {
    Money::from_minor_units(minor, Currency::USD)
}

fn treaty(country: partnerkit_core::CountryCode, article: &str) -> RateReason {
    RateReason::Treaty {
        country,
        article: article.parse().unwrap(),
        income: IncomeType::OtherRoyalties,
    }
}

fn backup() -> RateReason {
    RateReason::BackupWithholding {
        presumption: Presumption::UsPersonWithoutProfile,
    }
}

fn income(
    source: IncomeSource,
    rate: &str,
    reason: RateReason,
    sales: u64,
    gross: i64,
    withheld: i64,
) -> PaidIncome {
    PaidIncome {
        income: IncomeType::OtherRoyalties,
        source,
        rate: rate.parse().unwrap(),
        reason,
        sales,
        gross: usd(gross),
        withheld: usd(withheld),
    }
}

fn paid(who: AccountId, on: chrono::NaiveDate, income: Vec<PaidIncome>) -> PaidStatement {
    PaidStatement {
        payee: who,
        paid_on: on,
        income,
    }
}

#[test]
fn a_swedish_seller_gets_a_1042s_with_the_treaty_exemption() {
    // rule: TAX-10
    let ann = payee(1);
    let profile = w8_profile(C::SE, date(2027, 1, 10), true);
    let mut fold = InformationReturnsFold::default();
    fold.add(&paid(
        ann,
        date(2027, 2, 28),
        vec![
            income(IncomeSource::Us, "0%", treaty(C::SE, "12(1)"), 3, 2_997, 0),
            income(
                IncomeSource::Foreign,
                "0%",
                treaty(C::SE, "12(1)"),
                2,
                1_998,
                0,
            ),
        ],
    ))
    .unwrap();
    fold.add(&paid(
        ann,
        date(2027, 3, 31),
        vec![income(
            IncomeSource::Us,
            "0%",
            treaty(C::SE, "12(1)"),
            1,
            999,
            0,
        )],
    ))
    .unwrap();
    let returns = fold
        .finish(
            2027,
            |p| (p == ann).then_some(&profile),
            &ReportingRules::default(),
        )
        .unwrap();
    let [form] = returns.forms_1042s.as_slice() else {
        panic!("{returns:?}")
    };
    assert_eq!(form.income_code, 12);
    assert_eq!(form.exemption_code, ExemptionCode::Treaty);
    assert_eq!(form.exemption_code.code(), "04");
    assert_eq!(form.rate, Rate::ZERO);
    assert_eq!(form.gross_income, usd(3_996));
    assert_eq!(form.tax_withheld, usd(0));
    assert_eq!(form.chapter, 3);
    assert_eq!(form.recipient.country, Some(C::SE));
    assert_eq!(form.recipient.name.as_ref().unwrap().as_str(), "Ann Lind");
    assert_eq!(form.furnish_by, date(2028, 3, 15));
    // Sales made outside the US are foreign-source income: on no form, but accounted for.
    assert_eq!(returns.not_reported.len(), 1);
    assert_eq!(returns.not_reported[0].gross, usd(1_998));
    assert!(returns.forms_1099.is_empty());
    assert_eq!(returns.paid_gross, usd(5_994));
    assert!(returns.reconciles().unwrap());
    insta::assert_json_snapshot!("returns_1042s", returns);
}

#[test]
fn withheld_foreign_income_is_reported_per_rate_with_exemption_code_00() {
    // rule: TAX-10
    let raj = payee(2);
    let mut fold = InformationReturnsFold::default();
    fold.add(&paid(
        raj,
        date(2027, 5, 31),
        vec![
            income(
                IncomeSource::Us,
                "15%",
                treaty(C::IN, "12(2)"),
                4,
                10_000,
                1_500,
            ),
            income(
                IncomeSource::Us,
                "30%",
                RateReason::NoValidForm,
                1,
                1_000,
                300,
            ),
        ],
    ))
    .unwrap();
    let returns = fold
        .finish(2027, |_| None, &ReportingRules::default())
        .unwrap();
    let rates: Vec<(String, &str, Money)> = returns
        .forms_1042s
        .iter()
        .map(|f| (f.rate.to_string(), f.exemption_code.code(), f.tax_withheld))
        .collect();
    assert_eq!(
        rates,
        [
            ("15%".to_owned(), "00", usd(1_500)),
            ("30%".to_owned(), "00", usd(300))
        ]
    );
    assert!(returns.reconciles().unwrap());
}

#[test]
fn a_us_payee_gets_a_1099_misc_from_10_dollars_or_when_backup_withheld() {
    // rule: TAX-10
    // rule: TAX-8
    let rules = ReportingRules::irs_1099_misc();
    let cases = [
        (RateReason::UsPerson, 999, 0, false),
        (RateReason::UsPerson, 1_000, 0, true),
        (backup(), 100, 24, true), // under $10, but tax was withheld
    ];
    for (reason, gross, withheld, required) in cases {
        let mut fold = InformationReturnsFold::default();
        fold.add(&paid(
            payee(3),
            date(2027, 6, 30),
            vec![
                income(
                    IncomeSource::Us,
                    "0%",
                    reason.clone(),
                    1,
                    gross / 2,
                    withheld,
                ),
                // A US person's sales abroad are reportable too.
                income(IncomeSource::Foreign, "0%", reason, 1, gross - gross / 2, 0),
            ],
        ))
        .unwrap();
        let returns = fold.finish(2027, |_| None, &rules).unwrap();
        let [form] = returns.forms_1099.as_slice() else {
            panic!("{returns:?}")
        };
        assert_eq!(form.amount, usd(gross));
        assert_eq!(form.federal_tax_withheld, usd(withheld));
        assert_eq!(form.required, required, "{gross} {withheld}");
        assert_eq!(form.furnish_by, date(2028, 1, 31));
        assert!(returns.forms_1042s.is_empty() && returns.not_reported.is_empty());
        assert!(returns.reconciles().unwrap());
    }
}

#[test]
fn a_payment_settlement_entity_files_1099k_over_20000_and_200_transactions() {
    // rule: TAX-10
    let rules = ReportingRules::irs_1099_k();
    for (sales, gross, required) in [
        (201, 2_000_001, true),
        (200, 2_000_001, false),
        (201, 2_000_000, false),
    ] {
        let mut fold = InformationReturnsFold::default();
        fold.add(&paid(
            payee(4),
            date(2027, 6, 30),
            vec![income(
                IncomeSource::Us,
                "0%",
                RateReason::UsPerson,
                sales,
                gross,
                0,
            )],
        ))
        .unwrap();
        let form = &fold.finish(2027, |_| None, &rules).unwrap().forms_1099[0];
        assert_eq!(form.transactions, sales);
        assert_eq!(form.required, required, "{sales} {gross}");
        assert!(matches!(form.form, UsReturnForm::K1099 { .. }));
    }
}

#[test]
fn income_falls_in_the_year_it_is_paid_not_earned() {
    // rule: TAX-10
    let mut fold = InformationReturnsFold::default();
    // December's sales, paid on January 31.
    fold.add(&paid(
        payee(5),
        date(2028, 1, 31),
        vec![income(
            IncomeSource::Us,
            "30%",
            RateReason::NoValidForm,
            1,
            1_000,
            300,
        )],
    ))
    .unwrap();
    assert_eq!(fold.years(), [2028]);
    let y2027 = fold
        .finish(2027, |_| None, &ReportingRules::default())
        .unwrap();
    assert!(y2027.forms_1042s.is_empty());
    assert_eq!(y2027.paid_gross, usd(0));
    let y2028 = fold
        .finish(2028, |_| None, &ReportingRules::default())
        .unwrap();
    assert_eq!(y2028.forms_1042s[0].tax_withheld, usd(300));
}

#[test]
fn reporting_deadlines_are_days_of_every_year() {
    // rule: TAX-10
    // rule: X-3
    assert_eq!(MonthDay::new(3, 15).unwrap(), MonthDay::MARCH_15);
    for (m, d) in [(2, 29), (13, 1), (0, 1), (4, 31)] {
        assert!(MonthDay::new(m, d).is_err(), "{m}-{d}");
    }
    assert!(serde_json::from_str::<MonthDay>(r#"{"month":2,"day":29}"#).is_err());
    let ok: MonthDay = serde_json::from_str(r#"{"month":1,"day":31}"#).unwrap();
    assert_eq!((ok.month(), ok.day()), (1, 31));
}

#[test]
fn a_payment_not_in_dollars_is_refused_and_changes_nothing() {
    // rule: TAX-10
    // rule: X-3
    let mut fold = InformationReturnsFold::default();
    let mut sek = income(
        IncomeSource::Us,
        "30%",
        RateReason::NoValidForm,
        1,
        1_000,
        300,
    );
    sek.gross = Money::from_minor_units(1_000, Currency::SEK);
    let err = fold
        .add(&paid(
            payee(6),
            date(2027, 1, 31),
            vec![
                income(
                    IncomeSource::Us,
                    "30%",
                    RateReason::NoValidForm,
                    1,
                    1_000,
                    300,
                ),
                sek,
            ],
        ))
        .unwrap_err();
    assert!(matches!(err, Error::NotUsd { .. }), "{err}");
    assert_eq!(fold, InformationReturnsFold::default());
}

#[test]
fn paid_statements_are_built_from_the_statement_withholding() {
    // rule: TAX-10
    // rule: TAX-9
    let us_person = RateDecision {
        rate: Rate::ZERO,
        reason: RateReason::UsPerson,
    };
    let presumed = RateDecision {
        rate: Rate::BACKUP_WITHHOLDING,
        reason: backup(),
    };
    let sales = [
        (
            Sale::new("10.00 USD".parse().unwrap(), C::US).unwrap(),
            &us_person,
        ),
        (
            Sale::new("10.00 USD".parse().unwrap(), C::SE).unwrap(),
            &us_person,
        ),
        (
            Sale::new("10.01 USD".parse().unwrap(), C::SE).unwrap(),
            &presumed,
        ),
    ];
    let w = withhold_statement(sales.iter().map(|(s, d)| (s, *d))).unwrap();
    let statement = PaidStatement::from_sales(
        payee(8),
        date(2027, 2, 28),
        IncomeType::OtherRoyalties,
        sales
            .iter()
            .zip(&w.lines)
            .map(|((s, d), l)| (s, *d, l.withheld)),
    )
    .unwrap();
    assert_eq!(statement.income.len(), 3);
    let mut fold = InformationReturnsFold::default();
    fold.add(&statement).unwrap();
    let returns = fold
        .finish(2027, |_| None, &ReportingRules::default())
        .unwrap();
    let [form] = returns.forms_1099.as_slice() else {
        panic!("{returns:?}")
    };
    assert_eq!(form.amount.to_string(), "30.01 USD");
    assert_eq!(form.federal_tax_withheld.to_string(), "2.40 USD");
    assert_eq!(
        form.federal_tax_withheld,
        w.withheld(Currency::USD).unwrap()
    );
    assert!(returns.reconciles().unwrap());
    insta::assert_json_snapshot!("returns_1099", returns);
    let json = serde_json::to_string(&returns).unwrap();
    assert_eq!(
        serde_json::from_str::<YearEndReturns>(&json).unwrap(),
        returns
    );
}

#[derive(Debug, Clone)]
struct Pay {
    payee: u128,
    day: i64,
    parts: Vec<(u8, bool, u32, u64, i64)>, // (reason, us source, rate bps, sales, gross)
}

fn reason(i: u8) -> RateReason {
    match i % 5 {
        0 => RateReason::UsPerson,
        1 => backup(),
        2 => RateReason::NoValidForm,
        3 => treaty(C::IN, "12(2)"),
        _ => RateReason::NoTreatyClaim {
            form: FormKind::W8Ben,
        },
    }
}

fn pay() -> impl Strategy<Value = Pay> {
    (
        0u128..4,
        0i64..1_100,
        proptest::collection::vec(
            (
                any::<u8>(),
                any::<bool>(),
                0u32..=3_000,
                1u64..400,
                -100_000i64..10_000_000,
            ),
            0..4,
        ),
    )
        .prop_map(|(payee, day, parts)| Pay { payee, day, parts })
}

proptest! {
    #[test]
    fn the_years_returns_add_up_to_the_years_paid_statements(
        pays in proptest::collection::vec(pay(), 0..40),
        split in any::<prop::sample::Index>(),
        k in any::<bool>(),
    ) {
        // rule: TAX-10
        let statements: Vec<PaidStatement> = pays
            .iter()
            .map(|p| paid(
                payee(p.payee),
                date(2027, 1, 1) + chrono::Duration::days(p.day),
                p.parts
                    .iter()
                    .map(|(r, us, bps, sales, gross)| {
                        let rate = Rate::from_basis_points(*bps).unwrap();
                        let withheld = withheld_minor_units(*gross, rate);
                        PaidIncome {
                            income: IncomeType::OtherRoyalties,
                            source: if *us { IncomeSource::Us } else { IncomeSource::Foreign },
                            rate,
                            reason: reason(*r),
                            sales: *sales,
                            gross: usd(*gross),
                            withheld: usd(withheld),
                        }
                    })
                    .collect(),
            ))
            .collect();
        let mut whole = InformationReturnsFold::default();
        for s in &statements {
            whole.add(s).unwrap();
        }
        // A fold split in two and merged is the same fold.
        let cut = split.index(statements.len() + 1);
        let mut left = InformationReturnsFold::default();
        let mut right = InformationReturnsFold::default();
        for s in &statements[..cut] { left.add(s).unwrap(); }
        for s in &statements[cut..] { right.add(s).unwrap(); }
        left.merge(right);
        prop_assert_eq!(&left, &whole);
        let rules = if k { ReportingRules::irs_1099_k() } else { ReportingRules::irs_1099_misc() };
        for year in 2026..=2030 {
            let r = whole.finish(year, |_| None, &rules).unwrap();
            // Independently: the year's payments, by the day paid.
            let (mut gross, mut withheld) = (0i64, 0i64);
            for s in statements.iter().filter(|s| chrono::Datelike::year(&s.paid_on) == year) {
                for i in &s.income {
                    gross += i.gross.minor_units().unwrap();
                    withheld += i.withheld.minor_units().unwrap();
                }
            }
            prop_assert_eq!(r.paid_gross, usd(gross));
            prop_assert_eq!(r.paid_withheld, usd(withheld));
            prop_assert!(r.reconciles().unwrap());
            let forms_gross: i64 = r.forms_1042s.iter().map(|f| f.gross_income.minor_units().unwrap())
                .chain(r.forms_1099.iter().map(|f| f.amount.minor_units().unwrap()))
                .chain(r.not_reported.iter().map(|n| n.gross.minor_units().unwrap()))
                .sum();
            let forms_withheld: i64 = r.forms_1042s.iter().map(|f| f.tax_withheld.minor_units().unwrap())
                .chain(r.forms_1099.iter().map(|f| f.federal_tax_withheld.minor_units().unwrap()))
                .chain(r.not_reported.iter().map(|n| n.withheld.minor_units().unwrap()))
                .sum();
            prop_assert_eq!(forms_gross, gross);
            prop_assert_eq!(forms_withheld, withheld);
            // Every 1099 with tax withheld is required.
            for f in &r.forms_1099 {
                if !f.federal_tax_withheld.is_zero() { prop_assert!(f.required); }
            }
        }
    }
}
