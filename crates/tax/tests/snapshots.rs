//! The public serde formats and error messages, pinned by insta snapshots.

use partnerkit_core::testing::given;
use partnerkit_core::{CountryCode as C, Currency, Money};
use partnerkit_tax::*;

use crate::support::*;

fn profile_events() -> Vec<Event> {
    vec![
        Event::ProfileStarted {
            details: individual(C::IN),
            on: Some(date(2027, 1, 10)),
        },
        w8_submitted(FormKind::W8Ben, Some(table_claim(C::IN)), date(2027, 1, 10)),
    ]
}

#[test]
fn events_serde_format() {
    let mut events = profile_events();
    events.push(Event::ProfileEdited {
        details: details(C::GB, C::IN, EntityType::Individual),
        on: None,
    });
    events.push(Event::FormWithdrawn {
        form: FormKind::W8Ben,
        reason: WithdrawalReason::ProfileChanged,
        on: date(2027, 1, 12),
    });
    let w9_events = given::<Tax>([Event::ProfileStarted {
        details: details(C::US, C::US, EntityType::Entity),
        on: None,
    }])
    .when(Command::SubmitW9(W9 {
        name: name("Contoso Apps LLC"),
        tin: UsTin::new("12-3456789").unwrap(),
        signature: signature(date(2027, 1, 15)),
    }))
    .result()
    .unwrap();
    events.extend(w9_events);
    insta::assert_json_snapshot!("events", events);
    let json = serde_json::to_string(&events).unwrap();
    assert_eq!(serde_json::from_str::<Vec<Event>>(&json).unwrap(), events);
}

#[test]
fn profile_serde_format() {
    let profile = Tax::fold(&profile_events());
    insta::assert_json_snapshot!("profile", profile);
    let json = serde_json::to_string(&profile).unwrap();
    assert_eq!(serde_json::from_str::<TaxProfile>(&json).unwrap(), profile);
}

#[test]
fn withholding_serde_format() {
    let profile = Tax::fold(&profile_events());
    let table = TreatyTable::irs_table_1();
    let decision = withholding_rate(&profile, date(2027, 6, 1), &table);
    let us = withhold(
        &Sale::new("9.99 USD".parse().unwrap(), C::US).unwrap(),
        &decision,
    );
    let se = withhold(
        &Sale::new("9.99 USD".parse().unwrap(), C::SE).unwrap(),
        &decision,
    );
    let expired = withholding_rate(&profile, date(2031, 1, 1), &table);
    insta::assert_json_snapshot!("withholding", (&decision, &us, &se, &expired));
    let json = serde_json::to_string(&us).unwrap();
    assert_eq!(serde_json::from_str::<Withholding>(&json).unwrap(), us);
}

#[test]
fn batch_summary_serde_format() {
    let sales = [
        Sale::from_minor_units(999, Currency::USD, C::US).unwrap(),
        Sale::from_minor_units(1_000, Currency::USD, C::US).unwrap(),
        Sale::from_minor_units(500, Currency::SEK, C::SE).unwrap(),
    ];
    let fold = WithholdingFold::from_sales("15%".parse().unwrap(), &sales);
    insta::assert_json_snapshot!("summary", fold.summary().unwrap());
    insta::assert_json_snapshot!("sales", sales);
}

#[test]
fn statement_withholding_serde_format() {
    // rule: TAX-9
    let foreign = RateDecision {
        rate: "15%".parse().unwrap(),
        reason: RateReason::NoValidForm,
    };
    let sales = [
        Sale::from_minor_units(5, Currency::USD, C::US).unwrap(),
        Sale::from_minor_units(5, Currency::USD, C::US).unwrap(),
        Sale::from_minor_units(5, Currency::USD, C::US).unwrap(),
        Sale::from_minor_units(999, Currency::USD, C::SE).unwrap(),
    ];
    let w = withhold_statement(sales.iter().map(|s| (s, &foreign))).unwrap();
    insta::assert_json_snapshot!("statement_withholding", w);
    let json = serde_json::to_string(&w).unwrap();
    assert_eq!(
        serde_json::from_str::<StatementWithholding>(&json).unwrap(),
        w
    );
}

#[test]
fn default_data_serde_format() {
    insta::assert_json_snapshot!("treaty_table", TreatyTable::irs_table_1());
    insta::assert_json_snapshot!("remittance_table", RemittanceTable::default_table());
    insta::assert_json_snapshot!(
        "reporting_rules",
        [
            ReportingRules::irs_1099_misc(),
            ReportingRules::irs_1099_k()
        ]
    );
}

#[test]
fn error_messages() {
    let errors = [
        Error::ProfileNotStarted,
        Error::ProfileAlreadyStarted,
        Error::WrongForm {
            submitted: FormKind::W9,
            required: FormKind::W8BenE,
        },
        Error::SignedInFuture {
            form: FormKind::W8Ben,
            signed_on: date(2027, 1, 17),
            today: date(2027, 1, 16),
        },
        Error::FormExpired {
            form: FormKind::W8Ben,
            signed_on: date(2015, 9, 30),
            valid_through: date(2018, 12, 31),
        },
        Error::TreatyCountryNotResidence {
            claimed: C::GB,
            residence: C::IN,
        },
        Error::NoTreaty { country: C::BR },
        Error::TreatyRateAboveDefault {
            claimed: "35%".parse().unwrap(),
        },
        Error::TreatyRateMismatch {
            country: C::IN,
            claimed: "10%".parse().unwrap(),
            table: "15%".parse().unwrap(),
        },
        Error::TreatyArticleMismatch {
            country: C::IN,
            claimed: "12(1)".into(),
            table: "12(2)".into(),
        },
        "1.234%".parse::<Rate>().unwrap_err(),
        "Art 12".parse::<TreatyArticle>().unwrap_err(),
        Sale::new(
            Money::new(rust_decimal_macros::dec!(1.005), Currency::USD),
            C::US,
        )
        .unwrap_err(),
    ];
    let messages: Vec<String> = errors.iter().map(ToString::to_string).collect();
    insta::assert_json_snapshot!("error_messages", messages);
}

#[test]
fn errors_serialise_with_a_stable_code() {
    // rule: X-3
    let mut errors = vec![
        Error::ProfileAlreadyStarted,
        Error::WrongForm {
            submitted: FormKind::W9,
            required: FormKind::W8Ben,
        },
        Sale::new(
            Money::new(rust_decimal_macros::dec!(1.005), Currency::USD),
            C::US,
        )
        .unwrap_err(),
        Error::NotUsd {
            amount: "10.00 SEK".into(),
        },
        Error::from(partnerkit_core::Error::Overflow {
            operation: "statement total".into(),
        }),
    ];
    errors.push("SE".parse::<TreatyArticle>().unwrap_err());
    insta::assert_json_snapshot!("error_serde_form", errors);
    for e in &errors {
        let json = serde_json::to_value(e).unwrap();
        assert_eq!(json["code"], e.code(), "{e}");
        assert_eq!(serde_json::from_value::<Error>(json).unwrap(), *e);
    }
    let value = serde_json::to_value(&errors[4]).unwrap();
    assert_eq!(value["error"]["code"], "overflow");
}
