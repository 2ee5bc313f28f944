//! Tenants across identity and access (TEN, USR-1, USR-2).

use partnerkit::access::{Permission, Principal, Role};
use partnerkit::core::testing::id;
use partnerkit::identity::Error as IdentityError;
use partnerkit::{Denial, DomainError, Error, InMemoryStore};

use crate::fixture::*;

#[test]
fn the_first_user_of_the_first_tenant_becomes_a_manager() {
    // rule: TEN-2
    // rule: USR-7
    let w = World::company(InMemoryStore::new());
    let state = w.state();
    assert_eq!(state.identity.tenants().count(), 1);
    assert_eq!(
        state.access.managers().into_iter().collect::<Vec<_>>(),
        vec![w.uid(ALICE)]
    );
}

#[test]
fn a_manager_adds_and_removes_tenants() {
    // rule: TEN-1
    let mut w = World::company(InMemoryStore::new());
    w.second_tenant();
    assert_eq!(w.state().identity.tenants().count(), 2);
    // Cara, a Manager signed in from T2, removes T1.
    w.svc
        .remove_tenant(w.account, &w.ctx(user(T2, CARA)), id(T1), true)
        .unwrap();
    assert_eq!(w.state().identity.tenants().count(), 1);
}

#[test]
fn removing_a_tenant_revokes_sign_in_and_every_grant_of_its_users() {
    // rule: TEN-4
    let mut w = World::company(InMemoryStore::new());
    w.bob(Role::Developer);
    w.second_tenant();
    w.svc
        .remove_tenant(w.account, &w.ctx(user(T2, CARA)), id(T1), true)
        .unwrap();
    let state = w.state();
    assert!(!state.access.is_known(Principal::User(w.uid(ALICE))));
    assert!(!state.access.is_known(Principal::User(w.uid(BOB))));
    assert!(
        state
            .access
            .grants_of(Principal::User(w.uid(BOB)))
            .is_empty()
    );
    // Alice was a Manager; now she cannot sign in to do anything.
    let denied = w
        .svc
        .change_display_name(
            w.account,
            &w.ctx(user(T1, ALICE)),
            partnerkit::core::DisplayName::new("X").unwrap(),
        )
        .unwrap_err();
    assert!(
        matches!(denied.denial(), Some(Denial::CannotSignIn { .. })),
        "{denied}"
    );
    let decision = w
        .svc
        .authorize(w.account, &user(T1, BOB), Permission::ManageOffers)
        .answer();
    assert!(
        matches!(decision, Err(Denial::CannotSignIn { .. })),
        "a user of a removed tenant is denied everything: {decision:?}"
    );
}

#[test]
fn nobody_removes_the_tenant_they_are_signed_in_from() {
    // rule: TEN-4
    let mut w = World::company(InMemoryStore::new());
    w.second_tenant();
    let before = w.version();
    let err = w
        .svc
        .remove_tenant(w.account, &w.ctx(user(T1, ALICE)), id(T1), true)
        .unwrap_err();
    assert!(
        matches!(
            err.domain(),
            Some(DomainError::Identity(
                IdentityError::CannotRemoveOwnTenant { .. }
            ))
        ),
        "{err}"
    );
    assert_eq!(w.version(), before, "a refused command stores nothing");
}

#[test]
fn only_the_owner_account_removes_the_only_tenant() {
    // rule: TEN-4
    let w = World::company(InMemoryStore::new());
    let err = w
        .svc
        .remove_tenant(w.account, &w.ctx(user(T1, ALICE)), id(T1), true)
        .unwrap_err();
    assert!(err.denial().is_some() || err.domain().is_some(), "{err}");
    w.svc
        .remove_tenant(w.account, &w.ctx(owner()), id(T1), true)
        .unwrap();
    assert_eq!(w.state().identity.tenants().count(), 0);
    assert!(w.state().access.users().is_empty());
}

#[test]
fn users_are_managed_only_from_a_work_account_of_their_tenant() {
    // rule: USR-2
    let mut w = World::company(InMemoryStore::new());
    w.second_tenant();
    let err = w
        .svc
        .add_users(
            w.account,
            &w.ctx(user(T1, ALICE)),
            id(T2),
            vec![dir_user(202, "Dan", "fabrikam.com", false)],
            partnerkit::access::Grant::Role(Role::Developer),
        )
        .unwrap_err();
    assert!(
        matches!(
            err.domain(),
            Some(DomainError::Identity(
                IdentityError::NotSignedInFromTenant { .. }
            ))
        ),
        "{err}"
    );
    // Cara, signed in from T2, may.
    w.svc
        .add_users(
            w.account,
            &w.ctx(user(T2, CARA)),
            id(T2),
            vec![dir_user(202, "Dan", "fabrikam.com", false)],
            partnerkit::access::Grant::Role(Role::Developer),
        )
        .unwrap();
}

#[test]
fn a_stranger_cannot_act_on_the_account() {
    // rule: USR-1
    // rule: X-2
    let w = World::company(InMemoryStore::new());
    let stranger = user(T1, 555);
    let err = w
        .svc
        .change_display_name(
            w.account,
            &w.ctx(stranger),
            partnerkit::core::DisplayName::new("X").unwrap(),
        )
        .unwrap_err();
    assert!(matches!(err, Error::Denied(_)), "{err}");
    assert!(matches!(err.denial(), Some(Denial::CannotSignIn { .. })));
    insta::assert_snapshot!(err, @"denied: user 00000000-0000-0000-0000-00000000022b of tenant 00000000-0000-0000-0000-000000000064 cannot sign in to this account: it needs an active work account in an associated tenant (rule USR-1)");
}
