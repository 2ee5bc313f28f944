//! Tenants: several per account, two-step association, creation, removal.

use partnerkit_core::testing::{given, id};
use partnerkit_core::{Actor, AppId, GroupId, PersonName, Rule, TenantId, UserId};
use partnerkit_identity::{
    Command, DirectoryApp, DirectoryGroup, DomainLabel, Error, Event, Identity, TenantOrigin,
};

use crate::support::*;

fn t3() -> TenantId {
    id(3)
}

fn begin(tenant: TenantId, domain: &str) -> Command {
    Command::BeginTenantAssociation {
        tenant,
        organization: "Northwind".parse().unwrap(),
        domain: domain.parse().unwrap(),
        synced_from_on_premises: false,
        first_user: Some(dir_user(31, "dee@northwind.com", true)),
    }
}

fn begun(tenant: TenantId, domain: &str) -> Event {
    Event::TenantAssociationBegun {
        tenant,
        organization: "Northwind".parse().unwrap(),
        domain: domain.parse().unwrap(),
        synced_from_on_premises: false,
        first_user: Some(dir_user(31, "dee@northwind.com", true)),
    }
}

fn create(label: &str, username: &str) -> Command {
    Command::CreateTenant {
        tenant: None,
        admin: None,
        label: label.parse().unwrap(),
        contact_email: "it@contoso.com".parse().unwrap(),
        admin_name: PersonName::new("Eva", "Ek").unwrap(),
        admin_username: username.parse().unwrap(),
        admin_password: secret("Initial-Passw0rd"),
    }
}

#[test]
fn an_account_can_have_several_tenants() {
    // rule: TEN-1 (identity's part: any number of tenants; the Manager check is the facade's)
    let state = given::<Identity>(base())
        .by(as_admin2())
        .when(create("contosolabs", "eva@contosolabs.onmicrosoft.com"))
        .then_events(|e| assert_eq!(e.len(), 2));
    assert_eq!(state.tenants().count(), 3);
}

#[test]
fn association_takes_two_steps_and_nothing_is_associated_before_confirm() {
    // rule: TEN-2
    let state = given::<Identity>(base())
        .by(as_admin1())
        .when(begin(t3(), "northwind.com"))
        .then([begun(t3(), "northwind.com")]);
    assert!(state.tenant(t3()).is_none());
    assert!(state.pending_association(t3()).is_some());
    assert!(!state.can_sign_in(&user(t3(), id(31))));
    assert!(state.user(id(31)).is_none());

    let state = given::<Identity>(base_with([begun(t3(), "northwind.com")]))
        .by(as_admin1())
        .when(Command::ConfirmTenantAssociation { tenant: t3() })
        .then([
            Event::TenantAssociated {
                tenant: t3(),
                organization: "Northwind".parse().unwrap(),
                domain: "northwind.com".parse().unwrap(),
                synced_from_on_premises: false,
            },
            Event::UsersAdded {
                tenant: t3(),
                users: vec![dir_user(31, "dee@northwind.com", true)],
            },
        ]);
    assert_eq!(state.tenant(t3()).unwrap().origin, TenantOrigin::Associated);
    assert!(state.pending_association(t3()).is_none());
    assert!(state.can_sign_in(&user(t3(), id(31))));
}

#[test]
fn a_begun_association_can_be_cancelled() {
    // rule: TEN-2
    let state = given::<Identity>(base_with([begun(t3(), "northwind.com")]))
        .by(as_admin1())
        .when(Command::CancelTenantAssociation { tenant: t3() })
        .then([Event::TenantAssociationCancelled { tenant: t3() }]);
    assert!(state.pending_association(t3()).is_none());
    assert!(state.tenant(t3()).is_none());
    given::<Identity>(base())
        .by(as_admin1())
        .when(Command::ConfirmTenantAssociation { tenant: t3() })
        .then_err(Error::NoPendingAssociation { tenant: t3() });
    // Cancelling again finds nothing waiting: a no-op.
    given::<Identity>(base())
        .by(as_admin1())
        .when(Command::CancelTenantAssociation { tenant: t3() })
        .then([]);
}

#[test]
fn association_refuses_duplicates() {
    // rule: TEN-2
    given::<Identity>(base())
        .by(as_admin1())
        .when(begin(t2(), "northwind.com"))
        .then_err(Error::TenantAlreadyAssociated { tenant: t2() });
    // The same association again is a no-op; a different one for the tenant is refused.
    given::<Identity>(base_with([begun(t3(), "northwind.com")]))
        .by(as_admin1())
        .when(begin(t3(), "northwind.com"))
        .then([]);
    given::<Identity>(base_with([begun(t3(), "northwind.com")]))
        .by(as_admin1())
        .when(begin(t3(), "northwind.org"))
        .then_err(Error::AssociationAlreadyPending { tenant: t3() });
    given::<Identity>(base())
        .by(as_admin1())
        .when(begin(t3(), "Fabrikam.com"))
        .then_err(Error::DomainTaken {
            domain: "fabrikam.com".into(),
        });
}

#[test]
fn the_first_tenant_is_associated_by_the_owner_account_never_by_a_user_of_it() {
    // rule: TEN-2, X-2 (bootstrap: before any tenant no user can sign in, so the first one is
    // associated by the owner account — or the marketplace — and a user of the tenant being
    // associated is refused like any stranger; the facade's model says the same)
    let first = Command::BeginTenantAssociation {
        tenant: t1(),
        organization: "Contoso".parse().unwrap(),
        domain: "contoso.com".parse().unwrap(),
        synced_from_on_premises: false,
        first_user: Some(dir_user(11, "ann@contoso.com", true)),
    };
    given::<Identity>([opened(partnerkit_identity::AccountType::Company)])
        .by(owner())
        .when(first.clone())
        .then_events(|e| assert_eq!(e.len(), 1));
    given::<Identity>([opened(partnerkit_identity::AccountType::Company)])
        .by(Actor::Marketplace)
        .when(first.clone())
        .then_events(|e| assert_eq!(e.len(), 1));
    let Actor::User {
        tenant,
        user: admin,
    } = as_admin1()
    else {
        unreachable!()
    };
    given::<Identity>([opened(partnerkit_identity::AccountType::Company)])
        .by(as_admin1())
        .when(first.clone())
        .then_err(Error::CannotSignIn {
            tenant,
            user: admin,
        });
    // Once a tenant exists, a user who cannot sign in cannot associate another.
    given::<Identity>(one_tenant())
        .by(user(t3(), id(31)))
        .when(begin(t3(), "northwind.com"))
        .then_err(Error::CannotSignIn {
            tenant: t3(),
            user: id(31),
        });
}

#[test]
fn a_created_tenant_gets_a_unique_onmicrosoft_domain_and_a_first_global_admin() {
    // rule: TEN-3
    let state = given::<Identity>(base())
        .by(as_admin1())
        .when(create("ContosoLabs", "eva@contosolabs.onmicrosoft.com"))
        .then_events(|e| {
            let Event::TenantCreated {
                tenant,
                label,
                first_admin,
                ..
            } = &e[0]
            else {
                panic!("{e:?}")
            };
            assert_eq!(*tenant, id::<TenantId>(1_000_001));
            assert_eq!(label.as_str(), "contosolabs");
            let Event::UserCreated {
                user,
                global_admin,
                reset_email,
                password,
                ..
            } = &e[1]
            else {
                panic!("{e:?}")
            };
            assert_eq!(user, first_admin);
            assert!(global_admin);
            assert_eq!(reset_email.as_ref().unwrap().as_str(), "it@contoso.com");
            assert!(password.matches(&secret("Initial-Passw0rd")));
        });
    let tenant = state.tenant(id(1_000_001)).unwrap();
    assert_eq!(tenant.domain.as_str(), "contosolabs.onmicrosoft.com");
    assert!(state.is_global_admin(tenant.id, id(1_000_002)));
    assert!(state.can_sign_in(&user(tenant.id, id(1_000_002))));

    // Unique: the same name again is refused.
    let mut events = base();
    events.extend(
        given::<Identity>(base())
            .by(as_admin1())
            .when(create("contosolabs", "eva@contosolabs.onmicrosoft.com"))
            .result()
            .unwrap(),
    );
    given::<Identity>(events)
        .by(as_admin1())
        .when(create("CONTOSOLABS", "max@contosolabs.onmicrosoft.com"))
        .then_err(Error::DomainTaken {
            domain: "contosolabs.onmicrosoft.com".into(),
        });
}

#[test]
fn tenant_creation_validates_its_inputs() {
    // rule: TEN-3
    assert!(DomainLabel::new("").is_err());
    assert!(DomainLabel::new("contoso.com").is_err());
    assert!(DomainLabel::new("a".repeat(28).as_str()).is_err());
    assert!(DomainLabel::new("a".repeat(27).as_str()).is_ok());
    let err = "con toso".parse::<DomainLabel>().unwrap_err();
    assert!(err.to_string().contains("rule TEN-3"), "{err}");
    assert!(serde_json::from_str::<DomainLabel>("\"con_toso\"").is_err());

    given::<Identity>(base())
        .by(as_admin1())
        .when(create("contosolabs", "eva@contoso.com"))
        .then_err(Error::UsernameOutsideDomain {
            username: "eva@contoso.com".parse().unwrap(),
            domain: "contosolabs.onmicrosoft.com".into(),
        });
    given::<Identity>(base())
        .by(as_admin1())
        .when(Command::CreateTenant {
            tenant: None,
            admin: None,
            label: "contosolabs".parse().unwrap(),
            contact_email: "it@contoso.com".parse().unwrap(),
            admin_name: PersonName::new("Eva", "Ek").unwrap(),
            admin_username: "eva@contosolabs.onmicrosoft.com".parse().unwrap(),
            admin_password: secret("short"),
        })
        .then_err(Error::SecretTooShort {
            what: "password".into(),
            min: 8,
        });
}

fn with_principals() -> Vec<partnerkit_identity::Event> {
    base_with([
        Event::GroupsAdded {
            tenant: t1(),
            groups: vec![DirectoryGroup {
                group: id::<GroupId>(50),
                name: "Ops".parse().unwrap(),
                members: vec![member1(), id(13)],
            }],
        },
        Event::AppsAdded {
            tenant: t1(),
            apps: vec![DirectoryApp {
                app: id::<AppId>(60),
                name: "Deployer".parse().unwrap(),
                reply_url: None,
                app_id_uri: None,
            }],
        },
        Event::GuestInvited {
            tenant: t1(),
            user: id(14),
            invitation: id(70),
            email: "guest@example.com".parse().unwrap(),
        },
    ])
}

#[test]
fn removing_a_tenant_revokes_sign_in_of_everyone_in_it() {
    // rule: TEN-4
    let before = given::<Identity>(with_principals()).state();
    assert!(before.can_sign_in(&user(t1(), admin1())));
    assert!(before.can_sign_in(&user(t1(), id(13)))); // a group member
    let state = given::<Identity>(with_principals())
        .by(as_admin2())
        .when(Command::RemoveTenant {
            tenant: t1(),
            confirmed: true,
        })
        .then([Event::TenantRemoved {
            tenant: t1(),
            users: vec![admin1(), member1(), id(14)],
            groups: vec![id(50)],
            apps: vec![id(60)],
        }]);
    for u in [admin1(), member1(), id::<UserId>(13), id(14)] {
        assert!(!state.can_sign_in(&user(t1(), u)));
        assert!(state.user(u).is_none());
    }
    assert!(state.group(id(50)).is_none());
    assert!(state.app(id(60)).is_none());
    assert!(state.can_sign_in(&user(t2(), admin2())));
    // The removed tenant's app cannot act any more either.
    let mut after = with_principals();
    after.push(Event::TenantRemoved {
        tenant: t1(),
        users: vec![admin1(), member1(), id(14)],
        groups: vec![id(50)],
        apps: vec![id(60)],
    });
    given::<Identity>(after)
        .by(Actor::App {
            tenant: t1(),
            app: id(60),
        })
        .when(Command::ChangeDisplayName {
            display_name: "X".parse().unwrap(),
        })
        .then_err(Error::AppCannotSignIn {
            tenant: t1(),
            app: id(60),
        });
}

#[test]
fn removing_a_tenant_needs_confirmation() {
    // rule: TEN-4
    given::<Identity>(base())
        .by(as_admin2())
        .when(Command::RemoveTenant {
            tenant: t1(),
            confirmed: false,
        })
        .then_err(Error::NotConfirmed {
            what: "a tenant".into(),
            rule: Rule::Ten4,
        });
}

#[test]
fn nobody_removes_the_tenant_they_are_signed_in_from() {
    // rule: TEN-4
    given::<Identity>(base())
        .by(as_admin1())
        .when(Command::RemoveTenant {
            tenant: t1(),
            confirmed: true,
        })
        .then_err(Error::CannotRemoveOwnTenant { tenant: t1() });
}

#[test]
fn only_the_owner_account_removes_the_only_tenant() {
    // rule: TEN-4 (a Manager of the only tenant hears the only-tenant rule, not "sign in
    // from another tenant", which does not exist)
    given::<Identity>(one_tenant())
        .by(as_admin1())
        .when(Command::RemoveTenant {
            tenant: t1(),
            confirmed: true,
        })
        .then_err(Error::OnlyTenantNeedsOwner { tenant: t1() });
    given::<Identity>(one_tenant())
        .by(Actor::Marketplace)
        .when(Command::RemoveTenant {
            tenant: t1(),
            confirmed: true,
        })
        .then_err(Error::OnlyTenantNeedsOwner { tenant: t1() });
    let state = given::<Identity>(one_tenant())
        .by(owner())
        .when(Command::RemoveTenant {
            tenant: t1(),
            confirmed: true,
        })
        .then([Event::TenantRemoved {
            tenant: t1(),
            users: vec![admin1()],
            groups: vec![],
            apps: vec![],
        }]);
    assert_eq!(state.tenants().count(), 0);
    assert!(!state.can_sign_in(&user(t1(), admin1())));
}

#[test]
fn removing_a_tenant_that_is_not_associated_is_a_no_op() {
    // rule: TEN-4
    given::<Identity>(base())
        .by(as_admin2())
        .when(Command::RemoveTenant {
            tenant: t3(),
            confirmed: true,
        })
        .then([]); // no-op: nobody signs in from a tenant that is not associated
}

#[test]
fn identity_trusts_the_owner_account_actor_and_keeps_no_owner_of_its_own() {
    // rule: TEN-4 (the facade builds an owner-account actor only for the account's signed-in
    // owner; identity is not a second store of the owner)
    for opened_by in [None, Some(id(900))] {
        let mut history = one_tenant();
        if let Some(Event::AccountOpened { owner, .. }) = history.first_mut() {
            *owner = opened_by;
        }
        given::<Identity>(history)
            .by(Actor::OwnerAccount { owner: id(901) })
            .when(Command::RemoveTenant {
                tenant: t1(),
                confirmed: true,
            })
            .then([Event::TenantRemoved {
                tenant: t1(),
                users: vec![admin1()],
                groups: vec![],
                apps: vec![],
            }]);
    }
    // A profile stored while identity still kept the owner loads, and drops it.
    let state = given::<Identity>(one_tenant()).state();
    let mut json = serde_json::to_value(&state).unwrap();
    json["profile"]["owner"] = serde_json::json!("00000000-0000-0000-0000-000000000384");
    let back: partnerkit_identity::Account = serde_json::from_value(json).unwrap();
    assert_eq!(back, state);
    assert!(!serde_json::to_string(&back).unwrap().contains("\"owner\""));
}
