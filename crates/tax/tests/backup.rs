//! Backup withholding and the presumption of US or foreign status without a valid form
//! (rule TAX-8).

use partnerkit_core::CountryCode as C;
use partnerkit_core::testing::given;
use partnerkit_core::{Actor, Context, SequentialIds};
use partnerkit_tax::*;
use proptest::prelude::*;

use crate::support::*;

fn sale(amount: &str, country: partnerkit_core::CountryCode) -> Sale {
    Sale::new(amount.parse().unwrap(), country).unwrap()
}

fn started(d: ProfileDetails) -> TaxProfile {
    Tax::fold(&[Event::ProfileStarted {
        details: d,
        on: None,
    }])
}

#[test]
fn the_backup_withholding_rate_is_24_percent() {
    // rule: TAX-8
    assert_eq!(Rate::BACKUP_WITHHOLDING.to_string(), "24%");
    assert_eq!(Rate::BACKUP_WITHHOLDING.basis_points(), 2_400);
}

#[test]
fn a_us_person_without_a_w9_is_backup_withheld_at_24_percent_on_every_sale() {
    // rule: TAX-8
    let table = TreatyTable::irs_table_1();
    for d in [
        individual(C::US),
        details(C::US, C::US, EntityType::Entity),
        details(C::SE, C::US, EntityType::Individual), // a US citizen abroad
        details(C::US, C::IN, EntityType::Individual), // a US resident
    ] {
        let decision = withholding_rate(&started(d), date(2027, 6, 1), &table);
        assert_eq!(
            decision,
            RateDecision {
                rate: Rate::BACKUP_WITHHOLDING,
                reason: RateReason::BackupWithholding {
                    presumption: Presumption::UsPerson {
                        residence: d.residence,
                        citizenship: d.citizenship
                    }
                }
            },
            "{d:?}"
        );
        assert_eq!(decision.base(), WithholdingBase::AllSales);
        // Reportable payments: the sale's place does not matter, unlike chapter 3 (TAX-4).
        for country in [C::US, C::SE, C::BR] {
            let w = withhold(&sale("100.00 USD", country), &decision);
            assert_eq!(w.withheld.to_string(), "24.00 USD", "{d:?} {country}");
            assert_eq!(w.rate, Rate::BACKUP_WITHHOLDING);
            assert_eq!(w.withheld.checked_add(w.net).unwrap(), w.gross);
        }
    }
}

#[test]
fn a_foreign_person_without_a_form_is_withheld_30_percent_on_us_sales_only() {
    // rule: TAX-8
    // rule: TAX-4
    let table = TreatyTable::irs_table_1();
    for d in [
        individual(C::SE),
        details(C::IN, C::GB, EntityType::Individual),
        details(C::DE, C::DE, EntityType::Entity),
    ] {
        let decision = withholding_rate(&started(d), date(2027, 6, 1), &table);
        assert_eq!(decision.rate, Rate::DEFAULT_WITHHOLDING, "{d:?}");
        assert_eq!(decision.reason, RateReason::NoValidForm);
        assert_eq!(decision.base(), WithholdingBase::UsSales);
        assert_eq!(
            withhold(&sale("100.00 USD", C::US), &decision)
                .withheld
                .to_string(),
            "30.00 USD"
        );
        assert!(
            withhold(&sale("100.00 USD", C::SE), &decision)
                .withheld
                .is_zero()
        );
        assert!(!Presumption::of(Some(&d)).is_us_person());
    }
}

#[test]
fn without_a_profile_the_payee_is_presumed_a_us_person() {
    // rule: TAX-8
    let d = withholding_rate(
        &TaxProfile::default(),
        date(2027, 6, 1),
        &TreatyTable::irs_table_1(),
    );
    assert_eq!(
        d,
        RateDecision {
            rate: Rate::BACKUP_WITHHOLDING,
            reason: RateReason::BackupWithholding {
                presumption: Presumption::UsPersonWithoutProfile
            }
        }
    );
    assert_eq!(Presumption::of(None).rate(), Rate::BACKUP_WITHHOLDING);
}

#[test]
fn a_valid_form_overrides_the_presumption() {
    // rule: TAX-8
    let table = TreatyTable::irs_table_1();
    // A W-9 on file: a documented US person is not backup withheld.
    let us = given::<Tax>([Event::ProfileStarted {
        details: individual(C::US),
        on: None,
    }])
    .at(noon(date(2027, 1, 15)))
    .when(Command::SubmitW9(w9(date(2027, 1, 15))))
    .result()
    .unwrap();
    let mut events = vec![Event::ProfileStarted {
        details: individual(C::US),
        on: None,
    }];
    events.extend(us);
    let p = Tax::fold(&events);
    assert_eq!(
        withholding_rate(&p, date(2027, 2, 1), &table).rate,
        Rate::ZERO
    );
    assert_eq!(
        withholding_rate(&p, date(2027, 1, 14), &table).rate,
        Rate::BACKUP_WITHHOLDING
    );
    // An expired W-8 documented foreign status: 30 % on US sales, not backup withholding.
    let expired = w8_profile(C::IN, date(2015, 9, 30), true);
    let d = withholding_rate(&expired, date(2019, 1, 1), &table);
    assert_eq!(d.rate, Rate::DEFAULT_WITHHOLDING);
    assert_eq!(d.base(), WithholdingBase::UsSales);
}

#[test]
fn the_presumption_follows_the_details_in_effect_on_the_day_of_the_sale() {
    // rule: TAX-8
    let table = TreatyTable::irs_table_1();
    let ids = SequentialIds::default();
    let mut profile = TaxProfile::default();
    let at = |d| Context::new(noon(d), Actor::Marketplace, &ids);
    Tax::execute(
        &mut profile,
        Command::StartProfile(individual(C::US)),
        &at(date(2027, 3, 1)),
    )
    .unwrap();
    Tax::execute(
        &mut profile,
        Command::EditProfile(individual(C::SE)),
        &at(date(2027, 5, 1)),
    )
    .unwrap();
    let reason = |d| withholding_rate(&profile, d, &table).reason;
    assert_eq!(
        reason(date(2027, 2, 28)),
        RateReason::BackupWithholding {
            presumption: Presumption::UsPersonWithoutProfile
        }
    );
    assert_eq!(
        reason(date(2027, 4, 30)),
        RateReason::BackupWithholding {
            presumption: Presumption::UsPerson {
                residence: C::US,
                citizenship: C::US
            }
        }
    );
    assert_eq!(reason(date(2027, 5, 1)), RateReason::NoValidForm);
    assert_eq!(profile.details_on(date(2027, 2, 28)), None);
    assert_eq!(
        profile.details_on(date(2027, 5, 1)),
        Some(&individual(C::SE))
    );
}

#[test]
fn the_presumption_and_the_decision_serialise_with_their_basis() {
    // rule: TAX-8
    let d = withholding_rate(
        &started(details(C::SE, C::US, EntityType::Individual)),
        date(2027, 6, 1),
        &TreatyTable::irs_table_1(),
    );
    insta::assert_json_snapshot!("backup_withholding", d);
    let json = serde_json::to_string(&d).unwrap();
    assert_eq!(serde_json::from_str::<RateDecision>(&json).unwrap(), d);
}

fn country() -> impl Strategy<Value = partnerkit_core::CountryCode> {
    prop_oneof![
        Just(C::US),
        Just(C::SE),
        Just(C::IN),
        Just(C::BR),
        Just(C::GB)
    ]
}

proptest! {
    #[test]
    fn presumed_us_exactly_when_residence_or_citizenship_is_the_us(
        residence in country(),
        citizenship in country(),
        entity in any::<bool>(),
        amount in -1_000_000i64..1_000_000,
        sold_in in country(),
    ) {
        // rule: TAX-8
        let entity_type = if entity { EntityType::Entity } else { EntityType::Individual };
        let d = details(residence, citizenship, entity_type);
        let us = residence == C::US || citizenship == C::US;
        let decision = withholding_rate(&started(d), date(2027, 6, 1), &TreatyTable::irs_table_1());
        let s = Sale::from_minor_units(amount, partnerkit_core::Currency::USD, sold_in).unwrap();
        let w = withhold(&s, &decision);
        let expected = if us {
            Rate::BACKUP_WITHHOLDING
        } else if sold_in == C::US {
            Rate::DEFAULT_WITHHOLDING
        } else {
            Rate::ZERO
        };
        prop_assert_eq!(w.rate, expected);
        prop_assert_eq!(decision.rate_for(&s), expected);
        prop_assert_eq!(Presumption::of(Some(&d)).is_us_person(), us);
        prop_assert_eq!(w.withheld.checked_add(w.net).unwrap(), w.gross);
    }
}
