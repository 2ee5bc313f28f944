//! The serde form of every event and of a state is public: a change shows here.

use chrono::Duration;
use partnerkit_core::testing::{default_now, given, id};
use partnerkit_core::{CountryCode, PersonName, PostalAddress, Rule};
use partnerkit_identity::{
    AccountType, CompanyApprover, DirectoryApp, DirectoryGroup, Error, Event, Identity,
    PasswordSetBy, SellerContact, StepState, VerificationStep,
};

use crate::support::*;

/// One event of every variant, in an order that folds into a sensible account.
pub(crate) fn every_event() -> Vec<Event> {
    let fp = secret("Passw0rd-123").fingerprint();
    vec![
        opened(AccountType::Company),
        Event::VerificationRecorded {
            step: VerificationStep::Business,
            state: StepState::Rejected {
                reason: "documents unreadable".into(),
            },
        },
        Event::DisplayNameChanged {
            display_name: "Contoso Games".parse().unwrap(),
        },
        Event::SellerContactSet {
            contact: SellerContact {
                name: PersonName::new("Ann", "Lind").unwrap(),
                email: "ann@contoso.com".parse().unwrap(),
                phone: "+14255550100".parse().unwrap(),
                address: PostalAddress::builder("1 Microsoft Way", "Redmond", CountryCode::US)
                    .region("WA")
                    .postal_code("98052")
                    .build()
                    .unwrap(),
            },
        },
        Event::CompanyApproverSet {
            approver: CompanyApprover {
                name: PersonName::new("Dan", "Berg").unwrap(),
                email: "dan@contoso.com".parse().unwrap(),
                phone: "+46812345678".parse().unwrap(),
            },
        },
        Event::TenantAssociationBegun {
            tenant: t1(),
            organization: "Contoso Ltd".parse().unwrap(),
            domain: "contoso.com".parse().unwrap(),
            synced_from_on_premises: false,
            first_user: Some(dir_user(11, "ann@contoso.com", true)),
        },
        Event::TenantAssociated {
            tenant: t1(),
            organization: "Contoso Ltd".parse().unwrap(),
            domain: "contoso.com".parse().unwrap(),
            synced_from_on_premises: false,
        },
        Event::TenantAssociationCancelled { tenant: id(4) },
        Event::TenantCreated {
            tenant: t2(),
            label: "contosolabs".parse().unwrap(),
            contact_email: "it@contoso.com".parse().unwrap(),
            first_admin: admin2(),
        },
        Event::UsersAdded {
            tenant: t1(),
            users: vec![dir_user(11, "ann@contoso.com", true)],
        },
        Event::UserCreated {
            tenant: t2(),
            user: admin2(),
            name: PersonName::new("Cy", "Dahl").unwrap(),
            username: "cy@contosolabs.onmicrosoft.com".parse().unwrap(),
            global_admin: true,
            reset_email: Some("it@contoso.com".parse().unwrap()),
            groups: vec![],
            password: fp.clone(),
        },
        Event::UserRenamed {
            tenant: t1(),
            user: admin1(),
            name: PersonName::new("Ann", "Lindqvist").unwrap(),
        },
        Event::GuestInvited {
            tenant: t1(),
            user: id(14),
            invitation: id(114),
            email: "guest@fabrikam.com".parse().unwrap(),
        },
        Event::InvitationResent {
            tenant: t1(),
            user: id(14),
            invitation: id(114),
        },
        Event::InvitationAccepted {
            tenant: t1(),
            user: id(14),
            invitation: id(114),
        },
        Event::GroupsAdded {
            tenant: t1(),
            groups: vec![DirectoryGroup {
                group: id(50),
                name: "Ops".parse().unwrap(),
                members: vec![admin1()],
            }],
        },
        Event::GroupCreated {
            tenant: t1(),
            group: id(51),
            name: "Release".parse().unwrap(),
            members: vec![admin1(), id(14)],
        },
        Event::GroupMembersChanged {
            tenant: t1(),
            group: id(51),
            added: vec![],
            removed: vec![id(14)],
        },
        Event::AppsAdded {
            tenant: t1(),
            apps: vec![DirectoryApp {
                app: id(60),
                name: "Deployer".parse().unwrap(),
                reply_url: Some("https://contoso.com/auth".parse().unwrap()),
                app_id_uri: None,
            }],
        },
        Event::AppCreated {
            tenant: t1(),
            app: id(61),
            name: "Reporter".parse().unwrap(),
            reply_url: "https://contoso.com/reports".parse().unwrap(),
            app_id_uri: "api://contoso.com/reporter".parse().unwrap(),
        },
        Event::KeyAdded {
            tenant: t1(),
            app: id(61),
            key: id(70),
            fingerprint: secret("k3y-v4lue-shown-0nce").fingerprint(),
            created_at: default_now(),
            expires_at: default_now() + Duration::days(365),
        },
        Event::KeyAdded {
            tenant: t1(),
            app: id(61),
            key: id(71),
            fingerprint: secret("another-k3y-v4lue").fingerprint(),
            created_at: default_now(),
            expires_at: default_now() + Duration::days(30),
        },
        Event::KeyDeleted {
            tenant: t1(),
            app: id(61),
            key: id(71),
        },
        Event::PasswordReset {
            tenant: t1(),
            user: admin1(),
            password: fp.into(),
            by: PasswordSetBy::GlobalAdmin,
        },
        Event::AppsRemoved {
            tenant: t1(),
            apps: vec![id(60)],
        },
        Event::GroupRemoved {
            tenant: t1(),
            group: id(50),
            members: vec![admin1()],
        },
        Event::UserRemoved {
            tenant: t1(),
            user: id(14),
            groups: vec![],
        },
        Event::TenantRemoved {
            tenant: t2(),
            users: vec![admin2()],
            groups: vec![],
            apps: vec![],
        },
    ]
}

#[test]
fn every_event_variant_has_a_stable_serde_form() {
    let events = every_event();
    let json = serde_json::to_value(&events).unwrap();
    insta::assert_json_snapshot!("events", json);
    // And each reads back to itself.
    let back: Vec<Event> = serde_json::from_value(json).unwrap();
    assert_eq!(back, events);
}

#[test]
fn a_state_has_a_stable_serde_form() {
    let state = given::<Identity>(every_event()).state();
    insta::assert_json_snapshot!("state", state);
    let back: partnerkit_identity::Account =
        serde_json::from_value(serde_json::to_value(&state).unwrap()).unwrap();
    assert_eq!(back, state);
}

#[test]
fn error_messages_say_what_to_do_and_name_the_rule() {
    let messages: Vec<String> = [
        Error::CannotRemoveOwnTenant { tenant: t1() },
        Error::OnlyTenantNeedsOwner { tenant: t1() },
        Error::NotSignedInFromTenant { tenant: t1() },
        Error::DirectorySynced {
            tenant: t1(),
            what: "user".into(),
        },
        Error::KeyLifetimeTooLong { max_months: 24 },
        Error::NotConfirmed {
            what: "a group".into(),
            rule: Rule::Grp3,
        },
    ]
    .iter()
    .map(ToString::to_string)
    .collect();
    insta::assert_debug_snapshot!(messages, @r#"
    [
        "you cannot remove tenant 00000000-0000-0000-0000-000000000001 while signed in from it: sign in as a Manager of another associated tenant (rule TEN-4)",
        "tenant 00000000-0000-0000-0000-000000000001 is the account's only tenant: only the owner account that opened the marketplace account can remove it (rule TEN-4)",
        "to manage users, groups and apps of tenant 00000000-0000-0000-0000-000000000001 sign in with a work account of that tenant (rule USR-2)",
        "tenant 00000000-0000-0000-0000-000000000001 synchronises from an on-premises directory: create the user there, then add it here (rule USR-6)",
        "a key lives at most 24 months: choose an expiry date no later than that (rule APP-4)",
        "removing a group needs confirmation: ask the user, then send confirmed = true (rule GRP-3)",
    ]
    "#);
}

fn some_errors() -> Vec<Error> {
    vec![
        Error::Value {
            error: partnerkit_core::EmailAddress::new("nope").unwrap_err(),
        },
        Error::AccountNotOpened,
        Error::MarketplaceOnly {
            action: "open an account".into(),
            rule: Rule::Acc2,
        },
        Error::StepNotRequired {
            step: VerificationStep::Business,
            account_type: AccountType::Individual,
        },
        Error::DomainTaken {
            domain: "contoso.com".into(),
        },
        Error::NotConfirmed {
            what: "a tenant".into(),
            rule: Rule::Ten4,
        },
        Error::OnlyTenantNeedsOwner { tenant: t1() },
        Error::CannotSignIn {
            tenant: t1(),
            user: admin1(),
        },
        Error::AlreadyInvited {
            email: "bo@fabrikam.com".parse().unwrap(),
            tenant: t1(),
        },
        Error::EmptyBatch {
            what: "user".into(),
            rule: Rule::Usr3,
        },
        Error::SecretTooShort {
            what: "password".into(),
            min: 8,
        },
        Error::PasswordTooLong { max: 256 },
        Error::ReplyUrlTaken {
            url: "https://contoso.com/auth".parse().unwrap(),
        },
        Error::KeyLifetimeTooLong { max_months: 24 },
        Error::KeyIdTaken { key: id(70) },
        Error::KeyExpiryInPast,
    ]
}

#[test]
fn errors_serialise_with_their_stable_code_and_read_back() {
    // rule: X-3 (a refusal is machine-readable: a stable code per variant)
    for e in some_errors() {
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(json["code"], e.code(), "{json}");
        let back: Error = serde_json::from_value(json).unwrap();
        assert_eq!(back, e);
    }
    let json = serde_json::to_value(&some_errors()[..2]).unwrap();
    insta::assert_json_snapshot!("error_value_and_unit", json);
    let only = serde_json::to_value(Error::OnlyTenantNeedsOwner { tenant: t1() }).unwrap();
    insta::assert_json_snapshot!("error_only_tenant", only);
}
