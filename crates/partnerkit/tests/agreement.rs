//! `authorize`, `may` and `execute` never disagree on allow or deny: every command kind, by
//! every kind of actor, each on a fresh account (rules ROL-7, X-2).

use partnerkit::access::{ActsOn, Grant, Permission, Principal, Role};
use partnerkit::agreements::AgreementVersion;
use partnerkit::core::testing::id;
use partnerkit::core::{Actor, DisplayName, PersonName, Url};
use partnerkit::identity::{DomainLabel, DomainName, StepState, VerificationStep};
use partnerkit::payouts::VerificationOutcome;
use partnerkit::tax::ProfileDetails;
use partnerkit::{
    AccountCommand as C, CommandKind, Error, InMemoryStore, NewApp, NewTenant, NewUser,
    OpenAccount, Password, PayoutMethodInput, Requirement, Settings, TenantToAssociate,
};

use crate::fixture::*;

const DEV: u128 = 103;
const CUSTOM: u128 = 104;
const OWNERISH: u128 = 105;
const GUEST: u128 = 106;
const APP: u128 = 400;

/// An account with one principal of every kind.
fn world() -> World {
    let mut w = World::company(InMemoryStore::new());
    w.contact();
    let alice = w.ctx(user(T1, ALICE));
    let add = |n: u128, first: &str, grant: Grant| {
        w.svc
            .add_users(
                w.account,
                &alice,
                id(T1),
                vec![dir_user(n, first, "contoso.com", false)],
                grant,
            )
            .unwrap();
    };
    add(DEV, "Dev", Grant::Role(Role::Developer));
    add(
        CUSTOM,
        "Cus",
        Grant::custom([Permission::ManageGroups]).unwrap(),
    );
    add(OWNERISH, "Own", Grant::Role(Role::Developer));
    w.svc
        .grant(
            w.account,
            &w.ctx(owner()),
            vec![Principal::User(id(OWNERISH))],
            Grant::Role(Role::Owner),
        )
        .unwrap();
    w.svc
        .create_app(
            w.account,
            &alice,
            NewApp {
                tenant: id(T1),
                app: id(APP),
                name: DisplayName::new("Build bot").unwrap(),
                reply_url: Url::new("https://bot.contoso.com/reply").unwrap(),
                app_id_uri: Url::new("https://contoso.com/bot").unwrap(),
                grant: Some(Grant::Role(Role::Developer)),
            },
        )
        .unwrap();
    w.svc
        .invite_guests(
            w.account,
            &alice,
            id(T1),
            "guest@outlook.com",
            vec![id(GUEST)],
            Grant::Role(Role::Developer),
        )
        .unwrap();
    w
}

fn actors() -> Vec<(&'static str, Actor)> {
    vec![
        ("marketplace", Actor::Marketplace),
        ("owner account", owner()),
        (
            "another owner account",
            Actor::OwnerAccount { owner: id(901) },
        ),
        ("manager", user(T1, ALICE)),
        ("developer", user(T1, DEV)),
        ("custom groups", user(T1, CUSTOM)),
        ("work account with Owner", user(T1, OWNERISH)),
        ("pending guest", user(T1, GUEST)),
        (
            "app",
            Actor::App {
                tenant: id(T1),
                app: id(APP),
            },
        ),
        ("stranger", user(T2, 999)),
    ]
}

/// A command of each kind with data that a domain would accept where it can.
fn sample(kind: CommandKind, w: &World) -> C {
    use CommandKind as K;
    let name = |s: &str| DisplayName::new(s).unwrap();
    let details: ProfileDetails = serde_json::from_value(serde_json::json!({
        "residence": "US", "citizenship": "US", "entity_type": "entity"
    }))
    .unwrap_or_else(|e| panic!("profile details: {e}"));
    let w9: partnerkit::W9Input = serde_json::from_value(serde_json::json!({
        "name": "Contoso Apps", "tin": "12-3456789",
        "signature": {"signer": "Alice Lind", "signed_on": "2027-01-05"}
    }))
    .unwrap();
    let w8: partnerkit::W8Input = serde_json::from_value(serde_json::json!({
        "name": "Contoso Apps",
        "signature": {"signer": "Alice Lind", "signed_on": "2027-01-05"}
    }))
    .unwrap();
    match kind {
        K::OpenAccount => C::OpenAccount(OpenAccount {
            account: w.account,
            seller_id: partnerkit::core::SellerId::new("91234567").unwrap(),
            account_type: partnerkit::identity::AccountType::Company,
            display_name: name("Contoso"),
            owner: None,
            country: partnerkit::core::CountryCode::US,
            currency: partnerkit::core::Currency::USD,
        }),
        K::RecordVerification => C::RecordVerification {
            step: VerificationStep::Email,
            state: StepState::Verified,
        },
        K::ChangeDisplayName => C::ChangeDisplayName {
            display_name: name("Contoso Games"),
        },
        K::SetSellerContact => C::SetSellerContact {
            contact: w
                .state()
                .identity
                .profile()
                .unwrap()
                .seller_contact
                .clone()
                .unwrap(),
        },
        K::SetCompanyApprover => C::SetCompanyApprover {
            approver: w
                .state()
                .identity
                .profile()
                .unwrap()
                .company_approver
                .clone()
                .unwrap(),
        },
        K::BeginTenantAssociation => C::BeginTenantAssociation(TenantToAssociate {
            tenant: id(T2),
            organization: name("Fabrikam"),
            domain: DomainName::new("fabrikam.com").unwrap(),
            synced_from_on_premises: false,
            first_user: Some(dir_user(CARA, "Cara", "fabrikam.com", true)),
        }),
        K::ConfirmTenantAssociation => C::ConfirmTenantAssociation {
            tenant: id(T2),
            grant: None,
        },
        K::CancelTenantAssociation => C::CancelTenantAssociation { tenant: id(T2) },
        K::CreateTenant => C::CreateTenant(NewTenant {
            tenant: id(T2),
            label: DomainLabel::new("fabrikamapps").unwrap(),
            contact_email: email("it@fabrikam.com"),
            admin: id(250),
            admin_name: person("Cara"),
            admin_username: email("cara@fabrikamapps.onmicrosoft.com"),
            grant: None,
        }),
        K::RemoveTenant => C::RemoveTenant {
            tenant: id(T1),
            confirmed: true,
        },
        K::AddUsers => C::AddUsers {
            tenant: id(T1),
            users: vec![dir_user(120, "Finn", "contoso.com", false)],
            grant: Grant::custom([Permission::ManageUsers]).unwrap(),
        },
        K::CreateUser => C::CreateUser(NewUser {
            tenant: id(T1),
            user: id(121),
            name: PersonName::new("Gus", "Lind").unwrap(),
            username: email("gus@contoso.com"),
            global_admin: false,
            reset_email: None,
            groups: vec![],
            grant: None,
        }),
        K::RenameUser => C::RenameUser {
            user: id(DEV),
            name: person("Devin"),
        },
        K::InviteGuests => C::InviteGuests {
            tenant: id(T1),
            emails: "hal@outlook.com".into(),
            guests: vec![id(122)],
            grant: Grant::custom([Permission::ManageUsers]).unwrap(),
        },
        K::ResendInvitation => C::ResendInvitation { user: id(GUEST) },
        K::AcceptInvitation => C::AcceptInvitation { user: id(GUEST) },
        K::RemoveUser => C::RemoveUser {
            user: id(DEV),
            confirmed: true,
        },
        K::ResetPassword => C::ResetPassword { user: id(DEV) },
        K::ResetOwnPassword => C::ResetOwnPassword {
            password: Password::new("a long chosen passphrase"),
        },
        K::AddGroups => C::AddGroups {
            tenant: id(T1),
            groups: vec![partnerkit::identity::DirectoryGroup {
                group: id(310),
                name: name("Testers"),
                members: vec![],
            }],
            grant: Grant::custom([Permission::ManageGroups]).unwrap(),
        },
        K::CreateGroup => C::CreateGroup {
            tenant: id(T1),
            group: id(311),
            name: name("Writers"),
            members: vec![],
            grant: None,
        },
        K::ChangeGroupMembers => C::ChangeGroupMembers {
            group: id(311),
            add: vec![],
            remove: vec![],
        },
        K::RemoveGroup => C::RemoveGroup {
            group: id(311),
            confirmed: true,
        },
        K::AddApps => C::AddApps {
            tenant: id(T1),
            apps: vec![partnerkit::identity::DirectoryApp {
                app: id(401),
                name: name("Importer"),
                reply_url: None,
                app_id_uri: None,
            }],
            grant: Grant::custom([Permission::ManageApps]).unwrap(),
        },
        K::CreateApp => C::CreateApp(NewApp {
            tenant: id(T1),
            app: id(402),
            name: name("Exporter"),
            reply_url: Url::new("https://exporter.contoso.com/").unwrap(),
            app_id_uri: Url::new("https://contoso.com/exporter").unwrap(),
            grant: None,
        }),
        K::RemoveApps => C::RemoveApps {
            apps: vec![id(APP)],
            confirmed: true,
        },
        K::AddAppKey => C::AddAppKey {
            app: id(APP),
            key: id(500),
            expires_at: in_days(w.now, 90),
        },
        K::DeleteAppKey => C::DeleteAppKey {
            app: id(APP),
            key: id(500),
        },
        K::Grant => C::Grant {
            principals: vec![Principal::User(id(DEV))],
            grant: Grant::custom([Permission::ViewReports]).unwrap(),
        },
        K::Revoke => C::Revoke {
            principal: Principal::User(id(DEV)),
            grant: Grant::Role(Role::Developer),
        },
        K::SetGrants => C::SetGrants {
            principal: Principal::User(id(DEV)),
            grants: vec![Grant::Role(Role::Developer)],
        },
        K::AcceptAgreement => C::AcceptAgreement {
            agreement: agreement_id(),
            version: AgreementVersion::new("2026-06").unwrap(),
        },
        K::AssociateOwnerAccount => C::AssociateOwnerAccount { owner: id(902) },
        K::SetPayoutAccount => C::SetPayoutAccount {
            payout_account: id(600),
            method: PayoutMethodInput::PayPal {
                email: email("pay@contoso.com"),
            },
        },
        K::RecordPayoutVerification => C::RecordPayoutVerification {
            payout_account: id(600),
            outcome: VerificationOutcome::Verified,
        },
        K::SetPayoutHold => C::SetPayoutHold { on: true },
        K::StartTaxProfile => C::StartTaxProfile { details },
        K::EditTaxProfile => C::EditTaxProfile { details },
        K::SubmitW9 => C::SubmitW9 { form: w9 },
        K::SubmitW8Ben => C::SubmitW8Ben { form: w8.clone() },
        K::SubmitW8BenE => C::SubmitW8BenE { form: w8 },
        other => panic!("no sample for {other}: add one"),
    }
}

// rule: ROL-7, X-2
#[test]
fn may_authorize_and_execute_agree_for_every_kind_and_actor() {
    let mut checked = 0;
    for &kind in CommandKind::ALL {
        for (who, actor) in actors() {
            let w = world();
            let may = w.svc.may(w.account, &actor, kind).answer();
            let command = sample(kind, &w);
            assert_eq!(command.kind(), kind);
            let executed = w.svc.execute(w.account, &w.ctx(actor), command);
            let denied = match &executed {
                Err(Error::Denied(d)) => Some(d.code()),
                _ => None,
            };
            // Grants are checked against their data too (rule ROL-8), and so is every kind
            // that acts on principals (rule ROL-9): `may` is necessary, not sufficient, for
            // them, and their data is refused only by those two rules.
            let data_checked = kind.acts_on() != ActsOn::Nothing
                || matches!(
                    kind,
                    CommandKind::Grant | CommandKind::Revoke | CommandKind::SetGrants
                );
            match (&may, denied) {
                (Err(m), Some(e)) => assert_eq!(m.code(), e, "{kind} by {who}"),
                (Ok(()), None) => {}
                (Ok(()), Some("target_holds_more" | "permission")) if data_checked => {}
                (m, e) => panic!("{kind} by {who}: may says {m:?}, execute {executed:?} ({e:?})"),
            }
            // For a kind that needs one permission, `authorize` answers the same.
            if let Requirement::Holding { permissions } = kind.requirement(true)
                && permissions.len() == 1
            {
                let p = permissions.iter().next().unwrap();
                let answer = w.svc.authorize(w.account, &actor, p).answer();
                assert_eq!(
                    answer.is_ok(),
                    may.is_ok(),
                    "{kind} by {who}: authorize says {answer:?}"
                );
                // A no is the very denial the command got (rule ROL-7).
                if let (Err(a), Err(m)) = (&answer, &may) {
                    assert_eq!(a, m, "{kind} by {who}");
                }
            }
            checked += 1;
        }
    }
    assert_eq!(checked, CommandKind::ALL.len() * actors().len());
}

// rule: AGR-3
#[test]
fn with_default_settings_an_acceptance_says_the_host_gives_the_catalogue() {
    // The agreements are the marketplace's own: the default catalogue is empty, and says so.
    assert!(Settings::default().catalogue.agreements().is_empty());
    let w = World::company(InMemoryStore::new());
    let defaults = partnerkit::AccountService::new(w.svc.store());
    let alice = w.ctx(user(T1, ALICE));
    let err = defaults
        .accept_agreement(w.account, &alice, &agreement_id(), &v("2026-06"))
        .unwrap_err();
    assert_eq!(
        (err.code(), err.status()),
        ("empty_catalogue", 422),
        "{err}"
    );
    assert!(err.to_string().contains("Settings::catalogue"), "{err}");
    // With the host's catalogue, the same acceptance is taken.
    w.svc
        .accept_agreement(w.account, &alice, &agreement_id(), &v("2026-06"))
        .unwrap();
}
