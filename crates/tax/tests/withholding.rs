//! The seller's rate and withholding on one sale (rules TAX-4, TAX-5, TAX-7).

use partnerkit_core::CountryCode as C;
use partnerkit_core::{Currency, Money};
use partnerkit_tax::*;

use crate::support::*;

fn sale(amount: &str, country: partnerkit_core::CountryCode) -> Sale {
    Sale::new(amount.parse().unwrap(), country).unwrap()
}

fn decision(rate: &str) -> RateDecision {
    RateDecision {
        rate: rate.parse().unwrap(),
        reason: RateReason::NoValidForm,
    }
}

#[test]
fn only_sales_made_in_the_us_are_withheld() {
    // rule: TAX-4
    let d = decision("30%");
    for country in [C::SE, C::GB, C::IN, C::BR, C::CA] {
        let w = withhold(&sale("100.00 USD", country), &d);
        assert!(w.withheld.is_zero(), "{country}");
        assert_eq!(w.net, w.gross);
        assert_eq!(w.rate, Rate::ZERO);
        assert_eq!(w.reason, WithholdingReason::NotUsSale);
    }
    let w = withhold(&sale("100.00 USD", C::US), &d);
    assert_eq!(w.withheld.to_string(), "30.00 USD");
    assert_eq!(w.rate, Rate::DEFAULT_WITHHOLDING);
}

#[test]
fn the_default_rate_for_sellers_outside_the_us_is_30_percent() {
    // rule: TAX-5
    let table = TreatyTable::irs_table_1();
    let on = date(2027, 6, 1);
    // No form.
    let started = Tax::fold(&[Event::ProfileStarted {
        details: individual(C::SE),
        on: None,
    }]);
    assert_eq!(
        withholding_rate(&started, on, &table),
        RateDecision {
            rate: Rate::DEFAULT_WITHHOLDING,
            reason: RateReason::NoValidForm
        }
    );
    // (No profile at all: backup withholding, rule TAX-8, tests/backup.rs.)
    // A W-8BEN without a treaty claim.
    let p = w8_profile(C::SE, date(2027, 1, 10), false);
    assert_eq!(
        withholding_rate(&p, on, &table),
        RateDecision {
            rate: Rate::DEFAULT_WITHHOLDING,
            reason: RateReason::NoTreatyClaim {
                form: FormKind::W8Ben
            }
        }
    );
}

#[test]
fn a_treaty_claim_lowers_the_rate_to_the_treaty_rate() {
    // rule: TAX-5
    let table = TreatyTable::irs_table_1();
    let p = w8_profile(C::IN, date(2027, 1, 10), true);
    let d = withholding_rate(&p, date(2027, 6, 1), &table);
    assert_eq!(d.rate.to_string(), "15%");
    assert_eq!(
        d.reason,
        RateReason::Treaty {
            country: C::IN,
            article: "12(2)".parse().unwrap(),
            income: IncomeType::OtherRoyalties
        }
    );
    let w = withhold(&sale("10.00 USD", C::US), &d);
    assert_eq!(
        (w.withheld.to_string(), w.net.to_string()),
        ("1.50 USD".into(), "8.50 USD".into())
    );
}

#[test]
fn an_expired_w8_falls_back_to_the_default_rate() {
    // rule: TAX-5
    // Signed 2015-09-30 → valid through 2018-12-31.
    let table = TreatyTable::irs_table_1();
    let p = w8_profile(C::IN, date(2015, 9, 30), true);
    assert_eq!(
        withholding_rate(&p, date(2018, 12, 31), &table)
            .rate
            .to_string(),
        "15%"
    );
    assert_eq!(
        withholding_rate(&p, date(2019, 1, 1), &table),
        RateDecision {
            rate: Rate::DEFAULT_WITHHOLDING,
            reason: RateReason::FormExpired {
                form: FormKind::W8Ben,
                valid_through: date(2018, 12, 31)
            }
        }
    );
}

#[test]
fn sales_before_the_form_was_signed_get_the_default_rate() {
    // rule: TAX-5
    let p = w8_profile(C::IN, date(2027, 3, 1), true);
    let d = withholding_rate(&p, date(2027, 2, 28), &TreatyTable::irs_table_1());
    assert_eq!(d.rate, Rate::DEFAULT_WITHHOLDING);
    assert_eq!(d.reason, RateReason::NoValidForm);
}

#[test]
fn w9_sellers_are_not_withheld() {
    // rule: TAX-5
    let p = Tax::fold(&[
        Event::ProfileStarted {
            details: individual(C::US),
            on: None,
        },
        Event::FormSubmitted {
            form: SubmittedForm {
                kind: FormKind::W9,
                name: name("Contoso Apps LLC"),
                tin: None,
                treaty_claim: None,
                signature: signature(date(2020, 1, 1)),
            },
            on: date(2020, 1, 1),
        },
    ]);
    let d = withholding_rate(&p, date(2027, 6, 1), &TreatyTable::irs_table_1());
    assert_eq!(
        d,
        RateDecision {
            rate: Rate::ZERO,
            reason: RateReason::UsPerson
        }
    );
    let w = withhold(&sale("100.00 USD", C::US), &d);
    assert!(w.withheld.is_zero());
}

#[test]
fn a_newer_table_is_honoured_never_below_the_treaty_rate() {
    // rule: TAX-5
    let p = w8_profile(C::ES, date(2027, 1, 10), true); // claimed 0 % under 12(1)
    let raised = TreatyTable::new(
        "host/2028",
        "host table",
        date(2028, 1, 1),
        [TreatyEntry::treaty(
            C::ES,
            IncomeType::OtherRoyalties,
            "5%".parse().unwrap(),
            "12(1)".parse().unwrap(),
        )],
    )
    .unwrap();
    assert_eq!(
        withholding_rate(&p, date(2028, 2, 1), &raised)
            .rate
            .to_string(),
        "5%"
    );
    let dropped = TreatyTable::new("host/2029", "host table", date(2029, 1, 1), []).unwrap();
    assert_eq!(
        withholding_rate(&p, date(2029, 2, 1), &dropped),
        RateDecision {
            rate: Rate::DEFAULT_WITHHOLDING,
            reason: RateReason::TreatyNotInTable {
                country: C::ES,
                table_version: "host/2029".into()
            }
        }
    );
}

#[test]
fn withholding_rounds_half_away_from_zero_and_conserves_the_gross() {
    // rule: TAX-7
    assert_eq!(
        WITHHOLDING_ROUNDING,
        partnerkit_core::Rounding::HalfAwayFromZero
    );
    let cases = [
        // gross, rate, withheld, net
        ("9.99 USD", "30%", "3.00 USD", "6.99 USD"), // 2.997
        ("0.05 USD", "10%", "0.01 USD", "0.04 USD"), // 0.005: the half cent is withheld
        ("0.15 USD", "10%", "0.02 USD", "0.13 USD"), // 0.015: away from zero, not to even
        ("-0.05 USD", "10%", "-0.01 USD", "-0.04 USD"), // a refund reverses it exactly
        ("0.01 USD", "4.9%", "0.00 USD", "0.01 USD"),
        ("1005 JPY", "10%", "101 JPY", "904 JPY"), // no minor unit
        ("1.005 BHD", "30%", "0.302 BHD", "0.703 BHD"), // three decimals: 0.3015
    ];
    for (gross, rate, withheld, net) in cases {
        let w = withhold(&sale(gross, C::US), &decision(rate));
        assert_eq!(
            (w.withheld.to_string(), w.net.to_string()),
            (withheld.into(), net.into()),
            "{gross} at {rate}"
        );
        assert_eq!(w.withheld.checked_add(w.net).unwrap(), w.gross);
    }
}

#[test]
fn sales_must_be_whole_minor_units_within_range() {
    // rule: TAX-7
    // rule: X-3
    let not_minor = Sale::new(
        Money::new(rust_decimal_macros::dec!(1.005), Currency::USD),
        C::US,
    )
    .unwrap_err();
    assert!(
        matches!(not_minor, Error::InvalidSale { .. }),
        "{not_minor}"
    );
    assert!(Sale::from_minor_units(Sale::MAX_MINOR_UNITS, Currency::USD, C::US).is_ok());
    assert!(Sale::from_minor_units(-Sale::MAX_MINOR_UNITS, Currency::USD, C::US).is_ok());
    assert!(Sale::from_minor_units(Sale::MAX_MINOR_UNITS + 1, Currency::USD, C::US).is_err());
    let json = r#"{"gross":{"amount":"1.005","currency":"USD"},"country":"US"}"#;
    assert!(serde_json::from_str::<Sale>(json).is_err());
    let ok: Sale =
        serde_json::from_str(r#"{"gross":{"amount":"1.5","currency":"USD"},"country":"US"}"#)
            .unwrap();
    assert_eq!(ok.gross(), Money::from_minor_units(150, Currency::USD));
}

#[test]
fn the_integer_path_agrees_beyond_the_sale_range() {
    // rule: TAX-7
    for g in [i64::MAX, i64::MIN, i64::MIN + 1, Sale::MAX_MINOR_UNITS + 1] {
        let w = withheld_minor_units(g, Rate::DEFAULT_WITHHOLDING);
        let exact = (i128::from(g) * 3_000 + if g < 0 { -5_000 } else { 5_000 }) / 10_000;
        assert_eq!(i128::from(w), exact);
    }
}

#[test]
fn withholding_in_another_currency_than_dollars_is_refused() {
    // rule: TAX-10
    // rule: TAX-9
    let sek = |s: &str| -> Money { format!("{s} SEK").parse().unwrap() };
    let usd = |s: &str| -> Money { format!("{s} USD").parse().unwrap() };
    assert!(check_withheld_in_usd([usd("30.00"), usd("0.00"), usd("-0.30")]).is_ok());
    assert!(check_withheld_in_usd([sek("0.00"), Money::zero(Currency::JPY)]).is_ok());
    assert!(check_withheld_in_usd(std::iter::empty()).is_ok());
    let err =
        check_withheld_in_usd([usd("1.00"), sek("0.00"), sek("-3.00"), sek("4.00")]).unwrap_err();
    assert_eq!(
        err,
        Error::NotUsd {
            amount: "-3.00 SEK".into()
        }
    );
    assert_eq!(err.code(), "not_usd");
}
