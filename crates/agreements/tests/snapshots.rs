//! The serde forms of the catalogue, the acceptance list, the action-needed list, commands and
//! events are public formats: changing them shows here. Error messages too.

use partnerkit_agreements::{Agreements, Error, action_needed};
use partnerkit_core::Decider;
use partnerkit_core::testing::at;

use crate::support::*;

fn history() -> Vec<partnerkit_agreements::Event> {
    vec![
        accepted(TERMS, "v1", at(2026, 3, 2, 9, 30, 0), bob(), "Bob Berg"),
        accepted(MPA, "2026-07", at(2026, 7, 3, 14, 0, 0), ann(), "Ann Lind"),
    ]
}

#[test]
fn catalogue() {
    insta::assert_json_snapshot!("catalogue", crate::support::catalogue());
}

#[test]
fn events() {
    // rule: X-1
    let mut events = history();
    events.push(accepted(MPA, "2027-01", today(), ann(), "Ann Lind"));
    insta::assert_json_snapshot!("events", events);
}

#[test]
fn accept_command() {
    insta::assert_json_snapshot!("accept_command", accept_by_ann(MPA, "2027-01", today()));
}

#[test]
fn acceptance_list() {
    // rule: AGR-1
    let mut events = history();
    events.push(accepted(MPA, "2027-01", today(), ann(), "Ann Lind"));
    insta::assert_json_snapshot!("acceptance_list", Agreements::fold(&events));
}

#[test]
fn action_needed_list() {
    // rule: AGR-2
    // Terms accepted; the publisher agreement an update behind, a day past its deadline; and
    // a fresh account that accepted nothing.
    let state = Agreements::fold(&history());
    let now = at(2027, 3, 2, 0, 0, 0);
    insta::assert_json_snapshot!(
        "action_needed",
        serde_json::json!({
            "account_behind_on_an_update": action_needed(&crate::support::catalogue(), &state, now),
            "new_account": action_needed(&crate::support::catalogue(), &Default::default(), now),
        })
    );
}

#[test]
fn error_messages() {
    // rule: X-3
    let messages: Vec<String> = [
        "Microsoft"
            .parse::<partnerkit_agreements::AgreementId>()
            .unwrap_err(),
        "v 2"
            .parse::<partnerkit_agreements::AgreementVersion>()
            .unwrap_err(),
        Error::UnknownVersion {
            agreement: agreement(MPA),
            version: version("2027-02"),
        },
        Error::VersionSuperseded {
            agreement: agreement(MPA),
            version: version("2026-07"),
            latest: version("2027-01"),
        },
        Error::AlreadyAccepted {
            agreement: agreement(MPA),
            version: version("2027-01"),
            accepted_at: today(),
        },
        Error::OlderThanAccepted {
            agreement: agreement(MPA),
            version: version("2026-07"),
            accepted: version("2027-01"),
        },
    ]
    .iter()
    .map(ToString::to_string)
    .collect();
    insta::assert_json_snapshot!(messages, @r#"
    [
      "agreement id \"Microsoft\" is not valid (it holds a character other than a lower-case letter, a digit or a hyphen): use 1 to 64 lower-case letters, digits and single hyphens, starting with a letter, such as \"microsoft-publisher-agreement\"",
      "agreement version \"v 2\" is not valid (it holds a character other than a letter, a digit, '.', '-' or '_'): use 1 to 32 letters, digits, '.', '-' or '_', starting with a letter or digit, such as \"2027-01\" or \"v3.1\"",
      "agreement microsoft-publisher-agreement has no version 2027-02: accept the exact version you read, as the catalogue names it (rule AGR-3)",
      "version 2026-07 of agreement microsoft-publisher-agreement has been replaced by version 2027-01: read version 2027-01 and accept it (rule AGR-3)",
      "version 2027-01 of agreement microsoft-publisher-agreement was already accepted at 2027-01-15 12:00:00 UTC: there is nothing to accept (rule AGR-3)",
      "version 2026-07 of agreement microsoft-publisher-agreement is older than version 2027-01, which the account already accepted: there is nothing to accept (rule AGR-3)"
    ]
    "#);
}

#[test]
fn errors_serialise_with_a_stable_code() {
    // rule: X-3
    let errors = [
        "Microsoft"
            .parse::<partnerkit_agreements::AgreementId>()
            .unwrap_err(),
        Error::AlreadyAccepted {
            agreement: agreement(MPA),
            version: version("2027-01"),
            accepted_at: today(),
        },
        Error::TextNotIdentified,
        Error::from(partnerkit_core::Error::InvalidAmount { given: "x".into() }),
    ];
    insta::assert_json_snapshot!("error_serde_form", errors);
    for e in &errors {
        let json = serde_json::to_value(e).unwrap();
        assert_eq!(json["code"], e.code(), "{e}");
        assert_eq!(serde_json::from_value::<Error>(json).unwrap(), *e);
    }
}
