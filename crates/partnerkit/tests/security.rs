//! Regression tests for the holes issue 12 found, each through `AccountService` and named
//! after what it closes.

use partnerkit::access::{Grant, Permission, Principal, Role};
use partnerkit::core::testing::id;
use partnerkit::core::{Actor, CountryCode, DisplayName, EmailAddress, PersonName, PhoneNumber};
use partnerkit::core::{Currency, PostalAddress, SellerId};
use partnerkit::identity::{AccountType, SellerContact};
use partnerkit::{
    AccountCommand, Denial, DomainError, Error, InMemoryStore, NewUser, OpenAccount,
    PayoutMethodInput,
};

use crate::fixture::*;

fn denial(result: Result<partnerkit::Executed, Error>) -> Denial {
    match result {
        Err(Error::Denied(d)) => *d,
        other => panic!("expected a denial, got {other:?}"),
    }
}

fn paypal() -> PayoutMethodInput {
    PayoutMethodInput::PayPal {
        email: email("pay@contoso.com"),
    }
}

// rule: PAY-1
#[test]
fn a_stranger_owner_account_cannot_claim_an_account_without_owner() {
    let mut w = World::company(InMemoryStore::new());
    // A second account, opened without an owner account.
    w.account = id(2);
    w.svc
        .open_account(
            &w.ctx(Actor::Marketplace),
            OpenAccount {
                account: id(2),
                seller_id: SellerId::new("91234568").unwrap(),
                account_type: AccountType::Company,
                display_name: DisplayName::new("Orphan Apps").unwrap(),
                owner: None,
                country: CountryCode::US,
                currency: Currency::USD,
            },
        )
        .unwrap();
    let thief = Actor::OwnerAccount { owner: id(666) };
    let d = denial(
        w.svc
            .associate_owner_account(w.account, &w.ctx(thief), id(666)),
    );
    // It is not this account's owner account: it cannot sign in, and is told only that.
    assert!(matches!(d, Denial::CannotSignIn { .. }), "{d}");
    let d = denial(
        w.svc
            .set_payout_account(w.account, &w.ctx(thief), id(5), paypal()),
    );
    assert!(matches!(d, Denial::CannotSignIn { .. }), "{d}");
    assert_eq!(w.state().payouts.owner(), None);
    // Only the marketplace associates one.
    w.svc
        .associate_owner_account(w.account, &w.ctx(Actor::Marketplace), id(667))
        .unwrap();
    assert_eq!(w.state().payouts.owner(), Some(id(667)));
}

// rule: ROL-8
#[test]
fn a_group_manager_cannot_join_a_group_that_gives_more_than_they_hold() {
    let w = World::company(InMemoryStore::new());
    let custom = Grant::custom([Permission::ManageGroups]).unwrap();
    w.svc
        .add_users(
            w.account,
            &w.ctx(user(T1, ALICE)),
            id(T1),
            vec![dir_user(BOB, "Bob", "contoso.com", false)],
            custom,
        )
        .unwrap();
    let alice = w.ctx(user(T1, ALICE));
    w.svc
        .create_group(
            w.account,
            &alice,
            id(T1),
            id(300),
            DisplayName::new("Managers").unwrap(),
            vec![],
            Some(Grant::Role(Role::Manager)),
        )
        .unwrap();
    let before = w.version();
    let d = denial(w.svc.change_group_members(
        w.account,
        &w.ctx(user(T1, BOB)),
        id(300),
        vec![id(BOB)],
        vec![],
    ));
    // Joining the group gives Bob its grants (rule ROL-8) and changes the group's members
    // (rule ROL-9): the group holds Manager, which Bob does not, and the refusal says so.
    let Denial::TargetHoldsMore { target, missing } = d else {
        panic!("{d}")
    };
    assert_eq!(target, Principal::Group(id(300)));
    assert!(missing.contains(Permission::ManageUsers), "{missing}");
    assert_eq!(w.version(), before, "a denied command stores nothing");
    let held = w
        .svc
        .authorize(w.account, &user(T1, BOB), Permission::ManageUsers)
        .decision();
    assert!(!held.is_allowed(), "Bob gained nothing");
}

// rule: ROL-8, ROL-7
#[test]
fn a_manager_cannot_join_or_create_users_into_a_group_the_owner_granted_owner() {
    let w = World::company(InMemoryStore::new());
    let alice = w.ctx(user(T1, ALICE));
    w.svc
        .create_group(
            w.account,
            &alice,
            id(T1),
            id(301),
            DisplayName::new("Owners").unwrap(),
            vec![],
            None,
        )
        .unwrap();
    w.svc
        .grant(
            w.account,
            &w.ctx(owner()),
            vec![Principal::Group(id(301))],
            Grant::Role(Role::Owner),
        )
        .unwrap();
    let d = denial(
        w.svc
            .change_group_members(w.account, &alice, id(301), vec![id(ALICE)], vec![]),
    );
    // The group holds Owner: only the owner account acts on it (rules ROL-8, ROL-9).
    assert!(matches!(d, Denial::TargetHoldsMore { .. }), "{d}");
    let d = denial(w.svc.create_user(
        w.account,
        &alice,
        NewUser {
            tenant: id(T1),
            user: id(150),
            name: PersonName::new("Eve", "Lind").unwrap(),
            username: email("eve@contoso.com"),
            global_admin: false,
            reset_email: None,
            groups: vec![id(301)],
            grant: None,
        },
    ));
    assert!(matches!(d, Denial::TargetHoldsMore { .. }), "{d}");
    assert!(w.state().identity.user(id(150)).is_none());
}

// rule: ROL-8, TEN-2, X-2
#[test]
fn the_first_tenant_is_associated_by_the_marketplace_and_never_grants_owner() {
    let mut w = World::company(InMemoryStore::new());
    w.account = id(3);
    w.open(CountryCode::US, AccountType::Company);
    let t = partnerkit::TenantToAssociate {
        tenant: id(T2),
        organization: DisplayName::new("Fabrikam").unwrap(),
        domain: partnerkit::identity::DomainName::new("fabrikam.com").unwrap(),
        synced_from_on_premises: false,
        first_user: Some(dir_user(CARA, "Cara", "fabrikam.com", true)),
    };
    // A directory user cannot attach their tenant to someone else's account: it cannot sign
    // in to it, and is told only that (rule X-2).
    let d = denial(
        w.svc
            .begin_tenant_association(w.account, &w.ctx(user(T2, CARA)), t.clone()),
    );
    assert!(matches!(d, Denial::CannotSignIn { .. }), "{d}");
    let m = w.ctx(Actor::Marketplace);
    w.svc.begin_tenant_association(w.account, &m, t).unwrap();
    let d = denial(w.svc.confirm_tenant_association(
        w.account,
        &m,
        id(T2),
        Some(Grant::Role(Role::Owner)),
    ));
    assert!(matches!(d, Denial::GrantTooHigh { .. }), "{d}");
    w.svc
        .confirm_tenant_association(w.account, &m, id(T2), None)
        .unwrap();
    let cara = user(T2, CARA);
    let payout = w
        .svc
        .authorize(w.account, &cara, Permission::ManagePayoutSettings)
        .decision();
    assert!(!payout.is_allowed(), "{payout}");
}

// rule: USR-7
#[test]
fn a_pending_guest_manager_does_not_let_the_last_active_manager_go() {
    let w = World::company(InMemoryStore::new());
    let alice = w.ctx(user(T1, ALICE));
    w.svc
        .invite_guests(
            w.account,
            &alice,
            id(T1),
            "guest@outlook.com",
            vec![id(160)],
            Grant::Role(Role::Manager),
        )
        .unwrap();
    let err = w
        .svc
        .revoke(
            w.account,
            &alice,
            Principal::User(id(ALICE)),
            Grant::Role(Role::Manager),
        )
        .unwrap_err();
    assert_eq!(err.code(), "last_manager", "{err}");
}

// rule: X-2
#[test]
fn a_stranger_learns_nothing_not_even_that_the_input_is_invalid() {
    let w = World::company(InMemoryStore::new());
    let stranger = Actor::User {
        tenant: id(T1),
        user: id(999),
    };
    let d = denial(w.svc.invite_guests(
        w.account,
        &w.ctx(stranger),
        id(T1),
        "not an email",
        vec![],
        Grant::Role(Role::Manager),
    ));
    assert!(matches!(d, Denial::CannotSignIn { .. }), "{d}");
    // Nor whether an account exists.
    let d = denial(
        w.svc
            .rename_user(id(12345), &w.ctx(stranger), id(ALICE), person("X")),
    );
    assert!(matches!(d, Denial::CannotSignIn { .. }), "{d}");
    let open = OpenAccount {
        account: w.account,
        seller_id: SellerId::new("91234567").unwrap(),
        account_type: AccountType::Company,
        display_name: DisplayName::new("Contoso Apps").unwrap(),
        owner: None,
        country: CountryCode::US,
        currency: Currency::USD,
    };
    let d = denial(w.svc.open_account(&w.ctx(stranger), open.clone()));
    assert!(matches!(d, Denial::CannotSignIn { .. }), "{d}");
    let err = w
        .svc
        .open_account(&w.ctx(Actor::Marketplace), open)
        .unwrap_err();
    assert!(
        matches!(err, Error::Domain(DomainError::AccountExists { .. })),
        "{err}"
    );
}

// rule: ROL-7
#[test]
fn authorize_and_the_payout_commands_agree_for_a_user_granted_owner() {
    let mut w = World::company(InMemoryStore::new());
    w.bob(Role::Developer);
    w.svc
        .grant(
            w.account,
            &w.ctx(owner()),
            vec![Principal::User(id(BOB))],
            Grant::Role(Role::Owner),
        )
        .unwrap();
    let bob = user(T1, BOB);
    let answer = w
        .svc
        .authorize(w.account, &bob, Permission::ManagePayoutSettings)
        .decision();
    assert!(!answer.is_allowed(), "{answer}");
    let d = denial(w.svc.set_payout_hold(w.account, &w.ctx(bob), true));
    assert!(matches!(d, Denial::Permission(_)), "{d}");
    // The owner account itself may.
    w.svc
        .set_payout_hold(w.account, &w.ctx(owner()), true)
        .unwrap();
}

// rule: TEN-4
#[test]
fn removing_the_only_tenant_as_a_manager_is_refused_by_identity() {
    let w = World::company(InMemoryStore::new());
    let err = w
        .svc
        .remove_tenant(w.account, &w.ctx(user(T1, ALICE)), id(T1), true)
        .unwrap_err();
    assert!(
        matches!(err, Error::Domain(DomainError::Identity(_))),
        "{err}"
    );
}

// rule: ACC-3, X-3
#[test]
fn a_seller_contact_with_a_tricky_email_reads_back_from_the_store() {
    // The in-memory store keeps JSON, as SQLite and PostgreSQL do: what cannot be read back
    // fails here too.
    let mut w = World::company(InMemoryStore::new());
    w.contact();
    let address = PostalAddress::builder("1 Main St", "Redmond", CountryCode::US)
        .postal_code("98052")
        .build()
        .unwrap();
    if let Ok(tricky) = EmailAddress::new("a@İ.com") {
        // Whatever the constructor returns must pass it again and read back from the store.
        assert_eq!(EmailAddress::new(tricky.as_str()).unwrap(), tricky);
        let contact = SellerContact {
            name: person("Alice"),
            email: tricky,
            phone: PhoneNumber::new("+14255550100").unwrap(),
            address,
        };
        w.svc
            .set_seller_contact(w.account, &w.ctx(user(T1, ALICE)), contact)
            .unwrap();
    }
    let fresh = partnerkit::AccountService::new(w.svc.store());
    assert_eq!(fresh.state(w.account).unwrap().unwrap(), w.state());
    assert!(fresh.history(w.account).unwrap().len() > 3);
}

// rule: X-6
#[test]
fn generated_passwords_differ_and_are_never_stored() {
    let mut w = World::company(InMemoryStore::new());
    let make = |n: u128, name: &str| NewUser {
        tenant: id(T1),
        user: id(n),
        name: PersonName::new(name, "Lind").unwrap(),
        username: email(&format!("{}@contoso.com", name.to_lowercase())),
        global_admin: false,
        reset_email: None,
        groups: vec![],
        grant: None,
    };
    let alice = w.ctx(user(T1, ALICE));
    let a = w
        .svc
        .create_user(w.account, &alice, make(170, "Dana"))
        .unwrap();
    let b = w
        .svc
        .create_user(w.account, &alice, make(171, "Erik"))
        .unwrap();
    let (a, b) = (a.revealed.unwrap().secret, b.revealed.unwrap().secret);
    assert_ne!(a.expose_secret(), b.expose_secret());
    assert!(a.expose_secret().len() >= 22);
    let stored = serde_json::to_string(&w.svc.history(w.account).unwrap()).unwrap();
    assert!(!stored.contains(a.expose_secret()));
    w.now = in_days(w.now, 1);
    let command = AccountCommand::ResetPassword { user: id(170) };
    let done = w
        .svc
        .execute(w.account, &w.ctx(user(T1, ALICE)), command)
        .unwrap();
    assert!(done.revealed.is_some());
}
