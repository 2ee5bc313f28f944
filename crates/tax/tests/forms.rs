//! Submitting W-9 / W-8BEN / W-8BEN-E forms, and refusing bad ones (rules TAX-2, TAX-3, TAX-5, X-3).

use partnerkit_core::CountryCode as C;
use partnerkit_core::testing::{at, given};
use partnerkit_core::{Actor, Context, SequentialIds};
use partnerkit_tax::*;

use crate::support::*;

fn submit_w8ben(form: W8) -> Command {
    Command::SubmitW8Ben {
        form,
        treaties: TreatyTable::irs_table_1(),
    }
}

#[test]
fn a_us_person_submits_a_w9_signed_electronically() {
    // rule: TAX-2
    let state = given::<Tax>([Event::ProfileStarted {
        details: individual(C::US),
        on: None,
    }])
    .when(Command::SubmitW9(w9(date(2027, 1, 15))))
    .then_events(|events| {
        let [Event::FormSubmitted { form, on }] = events else {
            panic!("{events:?}")
        };
        assert_eq!(form.kind, FormKind::W9);
        assert_eq!(*on, date(2027, 1, 15), "the day of the command");
        assert_eq!(form.signature, signature(date(2027, 1, 15)));
        assert_eq!(form.tin.as_ref().unwrap().masked.as_str(), "•••••6789");
    });
    assert_eq!(state.status(date(2027, 1, 15)), ProfileStatus::Complete);
}

#[test]
fn a_tin_is_kept_only_masked() {
    // rule: X-4
    let events = given::<Tax>([Event::ProfileStarted {
        details: individual(C::US),
        on: None,
    }])
    .when(Command::SubmitW9(w9(date(2027, 1, 15))))
    .result()
    .unwrap();
    let json = serde_json::to_string(&events).unwrap();
    let debug = format!("{events:?}");
    for shown in [json, debug] {
        assert!(!shown.contains("3456789"), "{shown}");
    }
    let Event::FormSubmitted { form, .. } = &events[0] else {
        panic!()
    };
    assert_eq!(form.tin.as_ref().unwrap().masked.as_str(), "•••••6789");
}

#[test]
fn a_w9_for_a_non_us_person_is_refused() {
    // rule: TAX-2
    // rule: X-3
    given::<Tax>([Event::ProfileStarted {
        details: individual(C::SE),
        on: None,
    }])
    .when(Command::SubmitW9(w9(date(2027, 1, 15))))
    .then_err(Error::WrongForm {
        submitted: FormKind::W9,
        required: FormKind::W8Ben,
    });
}

#[test]
fn a_w8_for_the_wrong_person_is_refused() {
    // rule: TAX-2
    given::<Tax>([Event::ProfileStarted {
        details: individual(C::US),
        on: None,
    }])
    .when(submit_w8ben(w8(None, date(2027, 1, 15))))
    .then_err(Error::WrongForm {
        submitted: FormKind::W8Ben,
        required: FormKind::W9,
    });
    given::<Tax>([Event::ProfileStarted {
        details: details(C::SE, C::SE, EntityType::Entity),
        on: None,
    }])
    .when(submit_w8ben(w8(None, date(2027, 1, 15))))
    .then_err(Error::WrongForm {
        submitted: FormKind::W8Ben,
        required: FormKind::W8BenE,
    });
    given::<Tax>([Event::ProfileStarted {
        details: individual(C::SE),
        on: None,
    }])
    .when(Command::SubmitW8BenE {
        form: w8(None, date(2027, 1, 15)),
        treaties: TreatyTable::irs_table_1(),
    })
    .then_err(Error::WrongForm {
        submitted: FormKind::W8BenE,
        required: FormKind::W8Ben,
    });
}

#[test]
fn a_foreign_entity_submits_a_w8ben_e_with_a_treaty_claim() {
    // rule: TAX-2
    let entity = details(C::IN, C::IN, EntityType::Entity);
    let claim = table_claim(C::IN);
    given::<Tax>([Event::ProfileStarted {
        details: entity,
        on: None,
    }])
    .when(Command::SubmitW8BenE {
        form: w8(Some(claim.clone()), date(2027, 1, 15)),
        treaties: TreatyTable::irs_table_1(),
    })
    .then([w8_submitted(
        FormKind::W8BenE,
        Some(claim),
        date(2027, 1, 15),
    )]);
}

#[test]
fn no_itin_is_needed_to_claim_treaty_benefits() {
    // rule: TAX-3
    // W8 has no US TIN or ITIN field at all; with no foreign TIN either, the claim is accepted
    // and lowers the rate.
    let claim = table_claim(C::JP);
    let state = given::<Tax>([Event::ProfileStarted {
        details: individual(C::JP),
        on: None,
    }])
    .when(submit_w8ben(W8 {
        name: name("Ann Lind"),
        foreign_tin: None,
        treaty_claim: Some(claim.clone()),
        signature: signature(date(2027, 1, 15)),
    }))
    .then([w8_submitted(
        FormKind::W8Ben,
        Some(claim),
        date(2027, 1, 15),
    )]);
    assert_eq!(state.form.as_ref().unwrap().tin, None);
    let decision = withholding_rate(&state, date(2027, 2, 1), &TreatyTable::irs_table_1());
    assert_eq!(decision.rate, Rate::ZERO);
}

#[test]
fn a_foreign_tin_is_optional_and_checked_when_given() {
    // rule: TAX-3
    let mut form = w8(None, date(2027, 1, 15));
    form.foreign_tin = Some(ForeignTin::new("19900101-1234").unwrap());
    given::<Tax>([Event::ProfileStarted {
        details: individual(C::SE),
        on: None,
    }])
    .when(submit_w8ben(form.clone()))
    .then_events(|e| {
        let Event::FormSubmitted { form: f, .. } = &e[0] else {
            panic!()
        };
        assert_eq!(f.tin.as_ref().unwrap().masked.as_str(), "•••••••••1234");
    });
    // A bad one is refused when the form is filled in, before any decision.
    let err = ForeignTin::new("bad\u{7}tin").unwrap_err();
    assert!(matches!(err, Error::InvalidTin { .. }), "{err}");
    assert!(ForeignTin::new(&"1".repeat(31)).is_err());
    assert!(ForeignTin::new(" / ").is_err());
}

#[test]
fn a_bad_us_tin_is_refused_without_repeating_it() {
    // rule: X-3
    // rule: X-4
    for bad in ["12345", "1234567890", "12-345678a", "000-00-0000"] {
        let err = UsTin::new(bad).unwrap_err();
        assert!(matches!(err, Error::InvalidTin { .. }), "{bad}");
        assert!(!err.to_string().contains(bad), "{err}");
    }
}

#[test]
fn a_form_signed_in_the_future_is_refused() {
    // rule: TAX-2
    // rule: X-3
    // At 2027-01-15 12:00 UTC it is already 2027-01-16 in Kiribati (UTC+14), not the 17th.
    given::<Tax>([Event::ProfileStarted {
        details: individual(C::SE),
        on: None,
    }])
    .at(at(2027, 1, 15, 12, 0, 0))
    .when(submit_w8ben(w8(None, date(2027, 1, 17))))
    .then_err(Error::SignedInFuture {
        form: FormKind::W8Ben,
        signed_on: date(2027, 1, 17),
        today: date(2027, 1, 16),
    });
    given::<Tax>([Event::ProfileStarted {
        details: individual(C::AU),
        on: None,
    }])
    .at(at(2027, 1, 15, 12, 0, 0))
    .when(submit_w8ben(w8(None, date(2027, 1, 16))))
    .then_events(|e| assert_eq!(e.len(), 1));
    given::<Tax>([Event::ProfileStarted {
        details: individual(C::US),
        on: None,
    }])
    .when(Command::SubmitW9(w9(date(2028, 1, 1))))
    .then_err_matches(|e| {
        matches!(
            e,
            Error::SignedInFuture {
                form: FormKind::W9,
                ..
            }
        )
    });
}

#[test]
fn an_already_expired_w8_is_refused() {
    // rule: TAX-5
    given::<Tax>([Event::ProfileStarted {
        details: individual(C::SE),
        on: None,
    }])
    .at(at(2027, 1, 15, 12, 0, 0))
    .when(submit_w8ben(w8(None, date(2023, 12, 31))))
    .then_err(Error::FormExpired {
        form: FormKind::W8Ben,
        signed_on: date(2023, 12, 31),
        valid_through: date(2026, 12, 31),
    });
    // Signed in 2024: valid through 2027-12-31, accepted.
    given::<Tax>([Event::ProfileStarted {
        details: individual(C::SE),
        on: None,
    }])
    .when(submit_w8ben(w8(None, date(2024, 1, 1))))
    .then_events(|e| assert_eq!(e.len(), 1));
}

#[test]
fn a_treaty_claim_for_a_country_without_a_treaty_is_refused() {
    // rule: TAX-5
    // rule: X-3
    given::<Tax>([Event::ProfileStarted {
        details: individual(C::BR),
        on: None,
    }])
    .when(submit_w8ben(w8(
        Some(claim(C::BR, "12(1)", "10%")),
        date(2027, 1, 15),
    )))
    .then_err(Error::NoTreaty { country: C::BR });
    // Norway is not in the default table at all.
    let no: partnerkit_core::CountryCode = "NO".parse().unwrap();
    given::<Tax>([Event::ProfileStarted {
        details: individual(no),
        on: None,
    }])
    .when(submit_w8ben(w8(
        Some(claim(no, "12(1)", "0%")),
        date(2027, 1, 15),
    )))
    .then_err(Error::NoTreaty { country: no });
}

#[test]
fn a_treaty_claim_above_the_default_is_refused() {
    // rule: TAX-5
    given::<Tax>([Event::ProfileStarted {
        details: individual(C::IN),
        on: None,
    }])
    .when(submit_w8ben(w8(
        Some(claim(C::IN, "12(2)", "35%")),
        date(2027, 1, 15),
    )))
    .then_err(Error::TreatyRateAboveDefault {
        claimed: "35%".parse().unwrap(),
    });
}

#[test]
fn a_treaty_claim_not_matching_the_table_is_refused() {
    // rule: TAX-5
    given::<Tax>([Event::ProfileStarted {
        details: individual(C::IN),
        on: None,
    }])
    .when(submit_w8ben(w8(
        Some(claim(C::IN, "12(2)", "10%")),
        date(2027, 1, 15),
    )))
    .then_err(Error::TreatyRateMismatch {
        country: C::IN,
        claimed: "10%".parse().unwrap(),
        table: "15%".parse().unwrap(),
    });
    given::<Tax>([Event::ProfileStarted {
        details: individual(C::IN),
        on: None,
    }])
    .when(submit_w8ben(w8(
        Some(claim(C::IN, "12(1)", "15%")),
        date(2027, 1, 15),
    )))
    .then_err(Error::TreatyArticleMismatch {
        country: C::IN,
        claimed: "12(1)".into(),
        table: "12(2)".into(),
    });
}

#[test]
fn a_treaty_claim_for_another_country_than_residence_is_refused() {
    // rule: TAX-5
    given::<Tax>([Event::ProfileStarted {
        details: details(C::IN, C::GB, EntityType::Individual),
        on: None,
    }])
    .when(submit_w8ben(w8(
        Some(table_claim(C::GB)),
        date(2027, 1, 15),
    )))
    .then_err(Error::TreatyCountryNotResidence {
        claimed: C::GB,
        residence: C::IN,
    });
}

#[test]
fn a_host_table_decides_which_claims_are_accepted() {
    // rule: TAX-5
    let table = TreatyTable::new(
        "host/2026",
        "host's own copy of IRS Tax Treaty Table 1",
        date(2026, 1, 1),
        [TreatyEntry::no_treaty(C::IN, IncomeType::OtherRoyalties)],
    )
    .unwrap();
    given::<Tax>([Event::ProfileStarted {
        details: individual(C::IN),
        on: None,
    }])
    .when(Command::SubmitW8Ben {
        form: w8(Some(table_claim(C::IN)), date(2027, 1, 15)),
        treaties: table,
    })
    .then_err(Error::NoTreaty { country: C::IN });
}

#[test]
fn every_refusal_names_its_rule_and_changes_nothing() {
    // rule: X-3
    let errors = [
        Error::ProfileNotStarted,
        Error::ProfileAlreadyStarted,
        Error::WrongForm {
            submitted: FormKind::W9,
            required: FormKind::W8Ben,
        },
        Error::SignedInFuture {
            form: FormKind::W9,
            signed_on: date(2027, 1, 2),
            today: date(2027, 1, 1),
        },
        Error::FormExpired {
            form: FormKind::W8Ben,
            signed_on: date(2020, 1, 1),
            valid_through: date(2023, 12, 31),
        },
        Error::TreatyCountryNotResidence {
            claimed: C::GB,
            residence: C::IN,
        },
        Error::NoTreaty { country: C::BR },
        Error::TreatyRateAboveDefault { claimed: Rate::MAX },
        Error::TreatyRateMismatch {
            country: C::IN,
            claimed: Rate::ZERO,
            table: Rate::ZERO,
        },
        Error::TreatyArticleMismatch {
            country: C::IN,
            claimed: "1".into(),
            table: "2".into(),
        },
    ];
    for e in errors {
        assert!(e.to_string().contains("(rule TAX-"), "{e}");
    }
    // A refused command leaves the state as it was.
    let ids = SequentialIds::default();
    let ctx = Context::new(at(2027, 1, 15, 12, 0, 0), Actor::Marketplace, &ids);
    let mut state = Tax::fold(&[Event::ProfileStarted {
        details: individual(C::SE),
        on: None,
    }]);
    let before = state.clone();
    assert!(Tax::execute(&mut state, Command::SubmitW9(w9(date(2027, 1, 15))), &ctx).is_err());
    assert_eq!(state, before);
}

/// What the W-9 decider says of `tin` for a US individual.
fn w9_tin(tin: &str) -> Result<Vec<Event>, Error> {
    let mut form = w9(date(2027, 1, 15));
    form.tin = UsTin::new(tin)?;
    given::<Tax>([Event::ProfileStarted {
        details: individual(C::US),
        on: None,
    }])
    .when(Command::SubmitW9(form))
    .result()
}

#[test]
fn us_tins_the_ssa_and_irs_never_issue_are_refused() {
    // rule: TAX-2
    // rule: X-4
    // standard: SSA, Social Security Number Randomization (effective 2011-06-25); SSA voided
    // numbers 078-05-1120 and 219-09-9999
    // standard: IRS ITIN group ranges (IRS Publication 1915); IRS valid EIN prefixes
    for bad in [
        "078-05-1120", // the Woolworth card, voided
        "219-09-9999", // a 1940 SSA pamphlet's sample, voided
        "666-12-3456", // area 666
        "000-12-3456", // area 000
        "123-00-4567", // group 00
        "123-45-0000", // serial 0000
        "900-12-3456", // area 900-999 outside the ITIN groups
        "999-49-1234",
        "912-66-1234", // ITIN group 66-69 is not issued
        "912-89-1234", // nor 89
        "912-93-1234", // nor 93
        "912-00-1234",
        "07-1234567", // EIN prefixes never assigned
        "00-1234567",
        "17-1234567",
        "28-1234567",
        "49-1234567",
        "69-1234567",
        "70-1234567",
        "79-1234567",
        "89-1234567",
        "96-1234567",
        "97-1234567",
        "1234-56789", // neither SSN nor EIN layout
        "1-2-3-456789",
        "078051120", // undashed: no valid reading as an SSN/ITIN (voided) or EIN (07)
        "000000000",
    ] {
        let err = w9_tin(bad).unwrap_err();
        assert!(matches!(err, Error::InvalidTin { .. }), "{bad}: {err}");
        assert!(!err.to_string().contains(bad), "{err}");
        let digits: String = bad.chars().filter(char::is_ascii_digit).collect();
        assert!(!err.to_string().contains(&digits), "{err}");
    }
}

#[test]
fn us_tins_of_every_kind_that_are_issued_are_accepted() {
    // rule: TAX-2
    // standard: SSA, Social Security Number Randomization (effective 2011-06-25)
    // standard: IRS ITIN group ranges (IRS Publication 1915); IRS valid EIN prefixes
    for good in [
        "123-45-6789",
        "001-01-0001",
        "665-99-9999",
        "667-01-0001",
        "899-99-9999",
        "078-05-1121",
        "900-50-1234", // ITINs: groups 50-65, 70-88, 90-92, 94-99
        "912-65-1234",
        "912-70-1234",
        "912-88-1234",
        "912-90-1234",
        "912-92-1234",
        "912-94-1234",
        "999-99-9999",
        "12-3456789", // EINs
        "01-0000001",
        "06-1234567",
        "27-1234567",
        "68-1234567",
        "71-1234567",
        "88-1234567",
        "95-1234567",
        "98-1234567",
        "99-1234567",
        "123456789",  // undashed: valid as an SSN
        "912701234",  // undashed: valid as an ITIN
        "071234567",  // undashed: valid as an SSN (area 071), though no EIN (07)
        "666123456",  // undashed: no SSN (area 666), but EIN prefix 66 is assigned
        "12 3456789", // spaces for dashes
        "123 45 6789",
    ] {
        assert!(w9_tin(good).is_ok(), "{good}: {:?}", w9_tin(good));
    }
}

#[test]
fn tins_are_their_own_checked_secret_types() {
    // rule: TAX-2
    // rule: X-4
    let ssn = UsTin::new(" 123-45-6789 ").unwrap();
    assert_eq!(ssn.expose_secret(), "123456789");
    // Never shown: Debug, Display and serde give only the masked form.
    assert_eq!(format!("{ssn:?}"), "UsTin(•••••6789)");
    assert_eq!(ssn.to_string(), "•••••6789");
    assert_eq!(serde_json::to_string(&ssn).unwrap(), r#""•••••6789""#);
    assert_eq!(ssn.record().masked.as_str(), "•••••6789");
    // The same number however it is written; another number is another TIN.
    assert_eq!(ssn, UsTin::new("123456789").unwrap());
    assert_ne!(ssn, UsTin::new("123-45-6780").unwrap());
    // serde reads through the same check, with the same message, never repeating the number.
    let read: UsTin = serde_json::from_str(r#""12-3456789""#).unwrap();
    assert_eq!(read.expose_secret(), "123456789");
    for bad in [
        "666-12-3456",
        "07-1234567",
        "12345",
        "000-00-0000",
        "•••••6789",
    ] {
        let by_new = UsTin::new(bad).unwrap_err();
        let json = serde_json::to_string(bad).unwrap();
        let by_serde = serde_json::from_str::<UsTin>(&json).unwrap_err();
        assert!(
            by_serde.to_string().contains(&by_new.to_string()),
            "{by_serde}"
        );
        assert!(!by_serde.to_string().contains(bad), "{by_serde}");
    }
    let foreign = ForeignTin::new("19900101-1234").unwrap();
    assert_eq!(
        format!("{foreign:?} {foreign}"),
        "ForeignTin(•••••••••1234) •••••••••1234"
    );
    assert_eq!(
        serde_json::to_string(&foreign).unwrap(),
        r#""•••••••••1234""#
    );
    let read: ForeignTin = serde_json::from_str(r#"" 19900101-1234""#).unwrap();
    assert_eq!(read, foreign);
    assert!(serde_json::from_str::<ForeignTin>(r#""bad\u0007tin""#).is_err());
}
