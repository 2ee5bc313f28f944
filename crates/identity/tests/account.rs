//! Account profile: type and verification status, publisher IDs, contact info, sell readiness.

use partnerkit_core::testing::{given, id};
use partnerkit_core::{Actor, CountryCode, EmailAddress, PersonName, PostalAddress, Rule};
use partnerkit_identity::{
    AccountStatus, AccountType, Command, CompanyApprover, Error, Event, Identity, MissingForSale,
    SellerContact, StepState, StepStatus, VerificationStep, sell_readiness,
};

use crate::support::*;

fn verified(step: VerificationStep) -> Event {
    Event::VerificationRecorded {
        step,
        state: StepState::Verified,
    }
}

fn contact() -> SellerContact {
    SellerContact {
        name: PersonName::new("Ann", "Lind").unwrap(),
        email: "ann@contoso.com".parse().unwrap(),
        phone: "+1 425 555 0100".parse().unwrap(),
        address: PostalAddress::builder("1 Microsoft Way", "Redmond", CountryCode::US)
            .region("WA")
            .postal_code("98052")
            .build()
            .unwrap(),
    }
}

fn approver() -> CompanyApprover {
    CompanyApprover {
        name: PersonName::new("Dan", "Berg").unwrap(),
        email: "dan@contoso.com".parse().unwrap(),
        phone: "+46 8 123 456 78".parse().unwrap(),
    }
}

#[test]
fn a_company_is_verified_only_when_email_employment_and_business_are() {
    // rule: ACC-1
    let state = given::<Identity>([
        opened(AccountType::Company),
        verified(VerificationStep::Email),
        verified(VerificationStep::Employment),
    ])
    .state();
    assert_eq!(
        state.status(),
        Some(AccountStatus::InVerification {
            steps: vec![
                StepStatus {
                    step: VerificationStep::Email,
                    state: StepState::Verified
                },
                StepStatus {
                    step: VerificationStep::Employment,
                    state: StepState::Verified
                },
                StepStatus {
                    step: VerificationStep::Business,
                    state: StepState::NotStarted
                },
            ]
        })
    );
    let state = given::<Identity>([
        opened(AccountType::Company),
        verified(VerificationStep::Email),
        verified(VerificationStep::Employment),
    ])
    .when(Command::RecordVerification {
        step: VerificationStep::Business,
        state: StepState::Verified,
    })
    .then([verified(VerificationStep::Business)]);
    assert!(state.status().unwrap().is_verified());
}

#[test]
fn an_individual_needs_email_verification_only() {
    // rule: ACC-1
    let state = given::<Identity>([opened(AccountType::Individual)])
        .when(Command::RecordVerification {
            step: VerificationStep::Email,
            state: StepState::Verified,
        })
        .then([verified(VerificationStep::Email)]);
    assert_eq!(state.status(), Some(AccountStatus::Verified));
    given::<Identity>([opened(AccountType::Individual)])
        .when(Command::RecordVerification {
            step: VerificationStep::Business,
            state: StepState::Pending,
        })
        .then_err(Error::StepNotRequired {
            step: VerificationStep::Business,
            account_type: AccountType::Individual,
        });
}

#[test]
fn a_rejected_step_shows_as_needing_action() {
    // rule: ACC-1
    let state = given::<Identity>([opened(AccountType::Company)])
        .when(Command::RecordVerification {
            step: VerificationStep::Business,
            state: StepState::Rejected {
                reason: "  documents unreadable ".into(),
            },
        })
        .then([Event::VerificationRecorded {
            step: VerificationStep::Business,
            state: StepState::Rejected {
                reason: "documents unreadable".into(),
            },
        }]);
    assert!(matches!(
        state.status(),
        Some(AccountStatus::ActionNeeded { steps }) if steps.len() == 3
    ));
}

#[test]
fn only_the_marketplace_records_verification() {
    // rule: ACC-1
    given::<Identity>(base())
        .by(as_admin1())
        .when(Command::RecordVerification {
            step: VerificationStep::Email,
            state: StepState::Verified,
        })
        .then_err(Error::MarketplaceOnly {
            action: "record verification outcomes".into(),
            rule: Rule::Acc1,
        });
}

#[test]
fn publisher_ids_are_assigned_once_and_listed_with_the_tenants() {
    // rule: ACC-2
    let state = given::<Identity>(base()).state();
    let ids = state.publisher_ids().unwrap();
    assert_eq!(ids.account, id(100));
    assert_eq!(ids.seller_id.as_str(), "91234567");
    let domains: Vec<&str> = ids.tenants.iter().map(|(_, d)| d.as_str()).collect();
    assert_eq!(domains, ["contoso.com", "fabrikam.com"]);

    given::<Identity>(base())
        .when(Command::OpenAccount {
            account: id(101),
            seller_id: "5".parse().unwrap(),
            account_type: AccountType::Individual,
            display_name: "Other".parse().unwrap(),
        })
        .then_err(Error::AccountAlreadyOpened);

    // Even a second opening event in a stream cannot change them.
    let mut events = base();
    events.push(Event::AccountOpened {
        account: id(101),
        seller_id: "5".parse().unwrap(),
        account_type: AccountType::Individual,
        display_name: "Other".parse().unwrap(),
        owner: None,
    });
    let state = given::<Identity>(events).state();
    assert_eq!(state.profile().unwrap().account, id(100));
    assert_eq!(state.profile().unwrap().account_type, AccountType::Company);
}

#[test]
fn only_the_marketplace_opens_an_account_and_nothing_happens_before() {
    // rule: ACC-2
    given::<Identity>([])
        .by(owner())
        .when(Command::OpenAccount {
            account: id(100),
            seller_id: "91234567".parse().unwrap(),
            account_type: AccountType::Company,
            display_name: "Contoso".parse().unwrap(),
        })
        .then_err(Error::MarketplaceOnly {
            action: "open an account".into(),
            rule: Rule::Acc2,
        });
    given::<Identity>([])
        .when(Command::ChangeDisplayName {
            display_name: "Contoso".parse().unwrap(),
        })
        .then_err(Error::AccountNotOpened);
}

#[test]
fn contact_info_is_set_from_validated_values() {
    // rule: ACC-3
    let state = given::<Identity>(base())
        .by(as_admin1())
        .when(Command::SetSellerContact { contact: contact() })
        .then([Event::SellerContactSet { contact: contact() }]);
    assert_eq!(
        state
            .profile()
            .unwrap()
            .seller_contact
            .as_ref()
            .unwrap()
            .phone
            .as_str(),
        "+14255550100"
    );
    given::<Identity>(base())
        .by(as_admin1())
        .when(Command::SetCompanyApprover {
            approver: approver(),
        })
        .then([Event::CompanyApproverSet {
            approver: approver(),
        }]);
    given::<Identity>(base())
        .by(as_admin1())
        .when(Command::ChangeDisplayName {
            display_name: "Contoso Games".parse().unwrap(),
        })
        .then([Event::DisplayNameChanged {
            display_name: "Contoso Games".parse().unwrap(),
        }]);

    // Invalid email, phone or address cannot even be built, and the error says why.
    let e = "ann-at-contoso".parse::<EmailAddress>().unwrap_err();
    assert!(e.to_string().contains("name@example.com"), "{e}");
    let e = partnerkit_core::PhoneNumber::new("425 555").unwrap_err();
    assert!(e.to_string().contains("E.164"), "{e}");
    assert!(
        PostalAddress::builder("1 Main St", "Springfield", CountryCode::US)
            .build()
            .is_err()
    );
    // A contact read from JSON goes through the same validation.
    let bad = serde_json::json!({
        "name": {"first": "Ann", "last": "Lind"}, "email": "nope", "phone": "+14255550100",
        "address": {"line1": "x", "city": "y", "postal_code": "98052", "country": "US"}
    });
    assert!(serde_json::from_value::<SellerContact>(bad).is_err());
}

#[test]
fn an_individual_account_has_no_company_approver() {
    // rule: ACC-3
    let mut events = vec![opened(AccountType::Individual)];
    events.extend(base().into_iter().skip(1));
    given::<Identity>(events)
        .by(as_admin1())
        .when(Command::SetCompanyApprover {
            approver: approver(),
        })
        .then_err(Error::ApproverOnlyForCompanies);
}

#[test]
fn sell_readiness_lists_what_identity_still_lacks() {
    // rule: ACC-4
    let state = given::<Identity>([]).state();
    assert_eq!(sell_readiness(&state), [MissingForSale::AccountNotOpened]);

    let state = given::<Identity>(base()).state();
    let missing = sell_readiness(&state);
    assert!(matches!(&missing[0], MissingForSale::Verification { steps } if steps.len() == 3));
    assert_eq!(
        missing[1..],
        [
            MissingForSale::SellerContact,
            MissingForSale::CompanyApprover
        ]
    );

    let state = given::<Identity>(base_with([
        verified(VerificationStep::Email),
        verified(VerificationStep::Employment),
        verified(VerificationStep::Business),
        Event::SellerContactSet { contact: contact() },
        Event::CompanyApproverSet {
            approver: approver(),
        },
    ]))
    .state();
    assert_eq!(sell_readiness(&state), []);

    // An individual needs no approver; an account with only free offers needs nothing more
    // from identity than being open, so none of this blocks it.
    let state = given::<Identity>([
        opened(AccountType::Individual),
        verified(VerificationStep::Email),
        Event::SellerContactSet { contact: contact() },
    ])
    .state();
    assert_eq!(sell_readiness(&state), []);
}

#[test]
fn a_refused_command_changes_nothing_and_names_its_rule() {
    // rule: X-3
    let before = given::<Identity>(base()).state();
    let mut state = before.clone();
    let ids = partnerkit_core::SequentialIds::default();
    let ctx = partnerkit_core::Context::new(
        partnerkit_core::testing::default_now(),
        Actor::Marketplace,
        &ids,
    );
    let err = <Identity as partnerkit_core::Decider>::execute(
        &mut state,
        Command::RemoveTenant {
            tenant: t1(),
            confirmed: false,
        },
        &ctx,
    )
    .unwrap_err();
    assert_eq!(state, before);
    assert!(matches!(&err, Error::NotConfirmed { rule, .. } if *rule == Rule::Ten4));
    assert!(err.to_string().ends_with("(rule TEN-4)"), "{err}");
}

#[test]
fn a_stored_rejection_reason_is_checked_as_the_decider_checks_it() {
    // rule: ACC-1 (issue 12 item 7: serde accepts nothing the constructor refuses)
    use partnerkit_identity::StepState;
    let read = |json: &str| serde_json::from_str::<StepState>(json);
    assert!(read(r#"{"state":"rejected","reason":""}"#).is_err());
    assert!(read(r#"{"state":"rejected","reason":"bad\u0007"}"#).is_err());
    assert!(
        read(&format!(
            r#"{{"state":"rejected","reason":"{}"}}"#,
            "x".repeat(501)
        ))
        .is_err()
    );
    assert_eq!(
        read(r#"{"state":"rejected","reason":"  unreadable  "}"#).unwrap(),
        StepState::Rejected {
            reason: "unreadable".into()
        }
    );
    assert_eq!(
        read(r#"{"state":"verified"}"#).unwrap(),
        StepState::Verified
    );
    // An event holding a bad reason does not load either.
    let event = r#"{"type":"verification_recorded","step":"business","state":{"state":"rejected","reason":" "}}"#;
    assert!(serde_json::from_str::<Event>(event).is_err());
}

#[test]
fn setting_a_value_to_what_it_already_is_decides_no_events() {
    // rule: ACC-3, ACC-1, USR-4 (a no-op command decides to no events, not an error)
    let mut history = base();
    history.push(Event::VerificationRecorded {
        step: VerificationStep::Email,
        state: StepState::Verified,
    });
    let state = given::<Identity>(history.clone()).state();
    given::<Identity>(history.clone())
        .by(as_admin1())
        .when(Command::ChangeDisplayName {
            display_name: "Contoso Apps".parse().unwrap(),
        })
        .then([]);
    given::<Identity>(history.clone())
        .when(Command::RecordVerification {
            step: VerificationStep::Email,
            state: StepState::Verified,
        })
        .then([]);
    let name = state.user(admin1()).unwrap().name.clone().unwrap();
    given::<Identity>(history.clone())
        .by(as_admin1())
        .when(Command::RenameUser {
            user: admin1(),
            name,
        })
        .then([]);
    // A different value still changes it.
    given::<Identity>(history)
        .by(as_admin1())
        .when(Command::ChangeDisplayName {
            display_name: "Contoso Games".parse().unwrap(),
        })
        .then([Event::DisplayNameChanged {
            display_name: "Contoso Games".parse().unwrap(),
        }]);
}
