//! The authorisation model's principles, each against the hole it closes: acting on a
//! principal needs everything it holds (ROL-9), reads are cut by data class, and a
//! refused actor gets one refusal whatever the account.

use partnerkit::access::{Grant, Permission, Principal, Role};
use partnerkit::core::testing::{at, id};
use partnerkit::core::{Actor, DataClass, DisplayName};
use partnerkit::identity::{DirectoryApp, DirectoryGroup};
use partnerkit::{
    AccountCommand, Denial, Error, InMemoryStore, TenantToAssociate, authorize_command,
};

use crate::fixture::*;

const DAN: u128 = 103; // a user holding only custom permissions
const MANAGERS: u128 = 300; // a group holding Manager
const APP: u128 = 400; // an app holding Manager

fn denial<T: std::fmt::Debug>(r: Result<T, Error>) -> Denial {
    match r {
        Err(Error::Denied(d)) => *d,
        other => panic!("expected a denial, got {other:?}"),
    }
}

/// Alice (Manager), Bob (Manager), Dan (custom `permissions` only), the group MANAGERS and the
/// app APP, both holding Manager.
fn world(permissions: &[Permission]) -> World<InMemoryStore> {
    let mut w = World::company(InMemoryStore::new());
    w.bob(Role::Manager);
    let alice = w.ctx(user(T1, ALICE));
    w.svc
        .add_users(
            w.account,
            &alice,
            id(T1),
            vec![dir_user(DAN, "Dan", "contoso.com", true)],
            Grant::custom(permissions.iter().copied()).unwrap(),
        )
        .unwrap();
    w.svc
        .add_groups(
            w.account,
            &alice,
            id(T1),
            vec![DirectoryGroup {
                group: id(MANAGERS),
                name: DisplayName::new("Managers").unwrap(),
                members: vec![],
            }],
            Grant::Role(Role::Manager),
        )
        .unwrap();
    w.svc
        .add_apps(
            w.account,
            &alice,
            id(T1),
            vec![DirectoryApp {
                app: id(APP),
                name: DisplayName::new("Deploy bot").unwrap(),
                reply_url: None,
                app_id_uri: None,
            }],
            Grant::Role(Role::Manager),
        )
        .unwrap();
    w
}

fn refused_for_holding_more(d: &Denial, target: Principal) {
    let Denial::TargetHoldsMore { target: t, missing } = d else {
        panic!("expected target_holds_more, got {d}");
    };
    assert_eq!(*t, target);
    // The target holds Manager; no custom set given to Dan here holds contact info.
    assert!(missing.contains(Permission::ManageContactInfo), "{missing}");
    assert!(d.to_string().contains("ROL-9"), "{d}");
}

// rule: ROL-9, APP-4
#[test]
fn a_key_manager_cannot_mint_a_key_for_an_app_holding_more() {
    let w = world(&[Permission::ManageAppKeys]);
    let dan = w.ctx(user(T1, DAN));
    let before = w.version();
    let d = denial(
        w.svc
            .add_app_key(w.account, &dan, id(APP), id(401), at(2027, 6, 1, 0, 0, 0)),
    );
    refused_for_holding_more(&d, Principal::App(id(APP)));
    assert_eq!(w.version(), before, "no key was made, no value revealed");
    // A Manager may: it holds everything the app holds.
    let done = w
        .svc
        .add_app_key(
            w.account,
            &w.ctx(user(T1, ALICE)),
            id(APP),
            id(401),
            at(2027, 6, 1, 0, 0, 0),
        )
        .unwrap();
    assert!(done.revealed.is_some());
    // Nor may Dan delete it.
    let d = denial(w.svc.delete_app_key(w.account, &dan, id(APP), id(401)));
    refused_for_holding_more(&d, Principal::App(id(APP)));
}

// rule: ROL-9, USR-7, USR-8
#[test]
fn a_user_manager_cannot_remove_reset_or_rename_a_manager() {
    let w = world(&[Permission::ManageUsers]);
    let dan = w.ctx(user(T1, DAN));
    let before = w.version();
    let bob = Principal::User(id(BOB));
    // Bob is a Manager but not the last one: only ROL-9 stands in the way.
    refused_for_holding_more(
        &denial(w.svc.remove_user(w.account, &dan, id(BOB), true)),
        bob,
    );
    // Dan is a global administrator of the directory, which gives no account permission
    // (rule ROL-5): he still may not reset a Manager's password and read it.
    refused_for_holding_more(&denial(w.svc.reset_password(w.account, &dan, id(BOB))), bob);
    refused_for_holding_more(
        &denial(
            w.svc
                .rename_user(w.account, &dan, id(BOB), person("Mallory")),
        ),
        bob,
    );
    refused_for_holding_more(&denial(w.svc.set_grants(w.account, &dan, bob, vec![])), bob);
    assert_eq!(w.version(), before, "nothing was stored");
    // A user holding no more than Dan is his to act on.
    w.svc
        .add_users(
            w.account,
            &w.ctx(user(T1, ALICE)),
            id(T1),
            vec![dir_user(104, "Eve", "contoso.com", false)],
            Grant::custom([Permission::ManageUsers]).unwrap(),
        )
        .unwrap();
    let reset = w.svc.reset_password(w.account, &dan, id(104)).unwrap();
    assert!(reset.revealed.is_some());
    w.svc.remove_user(w.account, &dan, id(104), true).unwrap();
}

// rule: ROL-9, GRP-3, APP-3, TEN-4
#[test]
fn removing_a_group_app_or_tenant_needs_everything_they_hold() {
    let w = world(&[
        Permission::ManageGroups,
        Permission::ManageApps,
        Permission::ManageTenants,
    ]);
    let dan = w.ctx(user(T1, DAN));
    let before = w.version();
    refused_for_holding_more(
        &denial(w.svc.remove_group(w.account, &dan, id(MANAGERS), true)),
        Principal::Group(id(MANAGERS)),
    );
    refused_for_holding_more(
        &denial(
            w.svc
                .change_group_members(w.account, &dan, id(MANAGERS), vec![id(DAN)], vec![]),
        ),
        Principal::Group(id(MANAGERS)),
    );
    refused_for_holding_more(
        &denial(w.svc.remove_apps(w.account, &dan, vec![id(APP)], true)),
        Principal::App(id(APP)),
    );
    // Removing the tenant acts on every principal of it; Alice is the first it meets.
    let d = denial(w.svc.remove_tenant(w.account, &dan, id(T1), true));
    assert!(matches!(d, Denial::TargetHoldsMore { .. }), "{d}");
    assert_eq!(w.version(), before, "nothing was stored");
}

// rule: ROL-9, ROL-7
#[test]
fn a_principal_holding_owner_is_acted_on_only_by_the_owner_account() {
    let w = world(&[Permission::ManageUsers]);
    w.svc
        .grant(
            w.account,
            &w.ctx(owner()),
            vec![Principal::User(id(BOB))],
            Grant::Role(Role::Owner),
        )
        .unwrap();
    // Alice, a Manager, no longer holds everything Bob holds (payout and tax settings, even
    // though Bob may only view them).
    let d = denial(
        w.svc
            .reset_password(w.account, &w.ctx(user(T1, ALICE)), id(BOB)),
    );
    let Denial::TargetHoldsMore { missing, .. } = &d else {
        panic!("{d}")
    };
    assert!(
        missing.contains(Permission::ManagePayoutSettings),
        "{missing}"
    );
    assert!(d.to_string().contains("owner account"), "{d}");
    // The owner account may (replacing Bob's grants: it cannot reset a directory password,
    // which needs a user signed in from Bob's tenant, rule USR-2).
    w.svc
        .set_grants(
            w.account,
            &w.ctx(owner()),
            Principal::User(id(BOB)),
            vec![Grant::Role(Role::Manager)],
        )
        .unwrap();
    w.svc
        .reset_password(w.account, &w.ctx(user(T1, ALICE)), id(BOB))
        .unwrap();
}

/// The actors that cannot sign in to the account of `w`.
fn strangers(w: &World<InMemoryStore>) -> Vec<(&'static str, Actor)> {
    let guest = id(150);
    w.svc
        .invite_guests(
            w.account,
            &w.ctx(user(T1, ALICE)),
            id(T1),
            "guest@fabrikam.com",
            vec![guest],
            Grant::Role(Role::Developer),
        )
        .unwrap();
    vec![
        ("a stranger user", user(T2, 999)),
        ("a user of the tenant who was never added", user(T1, 998)),
        (
            "a stranger owner account",
            Actor::OwnerAccount { owner: id(666) },
        ),
        (
            "a stranger app",
            Actor::App {
                tenant: id(T1),
                app: id(997),
            },
        ),
        (
            "a pending guest",
            Actor::User {
                tenant: id(T1),
                user: guest,
            },
        ),
    ]
}

// rule: X-2, TEN-2
#[test]
fn a_refused_actor_gets_one_refusal_whatever_the_account() {
    // Three accounts: one with a tenant, one opened without any, one never opened.
    let w = world(&[Permission::ManageUsers]);
    let actors = strangers(&w);
    let mut bare = World::company(InMemoryStore::new());
    bare.account = id(2);
    bare.open(
        partnerkit::core::CountryCode::US,
        partnerkit::identity::AccountType::Company,
    );
    let accounts = [
        ("with a tenant", w.state()),
        ("without a tenant", bare.state()),
        ("never opened", partnerkit::AccountState::default()),
    ];
    let association = TenantToAssociate {
        tenant: id(T2),
        organization: DisplayName::new("Fabrikam").unwrap(),
        domain: partnerkit::identity::DomainName::new("fabrikam.com").unwrap(),
        synced_from_on_premises: false,
        first_user: Some(dir_user(CARA, "Cara", "fabrikam.com", true)),
    };
    let commands = [
        AccountCommand::BeginTenantAssociation(association),
        AccountCommand::ConfirmTenantAssociation {
            tenant: id(T2),
            grant: None,
        },
        AccountCommand::CancelTenantAssociation { tenant: id(T2) },
        // Invalid input too: an unknown user, an unconfirmed removal.
        AccountCommand::RemoveUser {
            user: id(12345),
            confirmed: false,
        },
    ];
    for (who, actor) in &actors {
        for (what, state) in &accounts {
            let index = partnerkit::access::AccessIndex::build(&state.access);
            for command in &commands {
                let d = authorize_command(state, &index, actor, command).unwrap_err();
                assert_eq!(
                    d.code(),
                    "cannot_sign_in",
                    "{} by {who} on an account {what}: {d}",
                    command.kind()
                );
            }
        }
    }
    // Through the service as well: the account that exists and the one that does not.
    let (_, guest) = actors[4];
    for account in [w.account, id(77)] {
        let d = denial(
            w.svc
                .cancel_tenant_association(account, &w.ctx(guest), id(T2)),
        );
        assert!(matches!(d, Denial::CannotSignIn { .. }), "{d}");
    }
}

/// Every credential verifier the stored state holds: password fingerprints and hashes, key
/// fingerprints, as their JSON text.
fn verifiers(w: &World<InMemoryStore>) -> Vec<String> {
    let state = w.state();
    let mut out = Vec::new();
    for u in state.identity.users() {
        if let Some(p) = &u.password {
            out.push(serde_json::to_string(&p.fingerprint).unwrap());
        }
    }
    for a in state.identity.apps() {
        for k in a.keys.values() {
            out.push(serde_json::to_string(&k.fingerprint).unwrap());
        }
    }
    out
}

// rule
#[test]
fn a_user_manager_reads_the_directory_and_nothing_else_and_no_verifier() {
    let w = world(&[Permission::ManageUsers]);
    let alice = w.ctx(user(T1, ALICE));
    // Money and tax on the account, and verifiers in its state: a reset password, a key.
    w.svc.reset_password(w.account, &alice, id(BOB)).unwrap();
    w.svc
        .add_app_key(w.account, &alice, id(APP), id(401), at(2027, 6, 1, 0, 0, 0))
        .unwrap();
    w.svc
        .set_payout_hold(w.account, &w.ctx(owner()), true)
        .unwrap();
    let secrets = verifiers(&w);
    assert!(secrets.len() >= 2, "the state holds verifiers: {secrets:?}");
    let dan = user(T1, DAN);
    let view = w.svc.state_for(w.account, &dan).unwrap();
    assert_eq!(view.classes, DataClass::Directory.into());
    assert!(view.directory.is_some() && view.access.is_some());
    assert!(view.payouts.is_none() && view.tax.is_none() && view.profile.is_none());
    assert!(view.agreements.is_none());
    let history = w.svc.history_for(w.account, &dan).unwrap();
    assert!(!history.is_empty());
    let stored = w.svc.history(w.account).unwrap();
    assert!(
        stored.len() > history.len(),
        "some events are not the directory's"
    );
    for shown in [
        serde_json::to_string(&view).unwrap(),
        serde_json::to_string(&history).unwrap(),
    ] {
        for s in &secrets {
            assert!(!shown.contains(s.trim_matches('"')), "a verifier leaked");
        }
        assert!(!shown.contains("argon2"));
        for money in [
            "\"payouts\":{",
            "\"domain\":\"payouts\"",
            "\"domain\":\"tax\"",
        ] {
            assert!(
                !shown.contains(money),
                "no money in a user manager's read: {money}"
            );
        }
    }
    // Not even the owner account reads a verifier (rule X-8: whoever asks).
    let all = serde_json::to_string(&w.svc.state_for(w.account, &owner()).unwrap()).unwrap()
        + &serde_json::to_string(&w.svc.history_for(w.account, &owner()).unwrap()).unwrap();
    for s in &secrets {
        assert!(
            !all.contains(s.trim_matches('"')),
            "a verifier leaked to the owner"
        );
    }
    // Statements stay refused to him.
    let d = denial(w.svc.statements_for(
        w.account,
        &dan,
        &[],
        partnerkit::payouts::PayoutMonth::new(2027, 1).unwrap(),
        partnerkit::payouts::PayoutMonth::new(2027, 1).unwrap(),
    ));
    assert!(matches!(d, Denial::Permission(_)), "{d}");
}

// rule: ROL-8, ROL-7, TEN-2
#[test]
fn only_the_first_tenants_grant_is_capped_at_manager() {
    // The first tenant's user gets at most Manager, whoever associates it; a later tenant's
    // first user may be given whatever its associating actor holds — Owner, by the owner
    // account.
    let w = world(&[Permission::ManageUsers]);
    let association = TenantToAssociate {
        tenant: id(T2),
        organization: DisplayName::new("Fabrikam").unwrap(),
        domain: partnerkit::identity::DomainName::new("fabrikam.com").unwrap(),
        synced_from_on_premises: false,
        first_user: Some(dir_user(CARA, "Cara", "fabrikam.com", true)),
    };
    let by_owner = w.ctx(owner());
    w.svc
        .begin_tenant_association(w.account, &by_owner, association)
        .unwrap();
    let owner_grant = Some(Grant::Role(Role::Owner));
    let index = partnerkit::access::AccessIndex::build(&w.state().access);
    let confirm = AccountCommand::ConfirmTenantAssociation {
        tenant: id(T2),
        grant: owner_grant,
    };
    assert!(authorize_command(&w.state(), &index, &owner(), &confirm).is_ok());
    // A Manager may not give Owner (rule ROL-8).
    let d = authorize_command(&w.state(), &index, &user(T1, ALICE), &confirm).unwrap_err();
    assert_eq!(d.code(), "permission", "{d}");
    w.svc
        .confirm_tenant_association(w.account, &by_owner, id(T2), owner_grant)
        .unwrap();
    let cara = Principal::User(id(CARA));
    assert!(
        w.state()
            .access
            .grants_of(cara)
            .contains(&Grant::Role(Role::Owner))
    );
}

// rule: ROL-8
#[test]
fn the_model_checks_what_a_command_gives_before_anything_is_decided() {
    let w = world(&[Permission::ManageUsers]);
    let state = w.state();
    let index = partnerkit::access::AccessIndex::build(&state.access);
    let dan = user(T1, DAN);
    let new_user = |n: u128| dir_user(n, "New", "contoso.com", false);
    // Giving Manager to a new user who holds nothing: ROL-9 lets it through, ROL-8 does not.
    let add = AccountCommand::AddUsers {
        tenant: id(T1),
        users: vec![new_user(160)],
        grant: Grant::Role(Role::Manager),
    };
    let d = authorize_command(&state, &index, &dan, &add).unwrap_err();
    let Denial::Permission(decision) = &d else {
        panic!("{d}")
    };
    assert!(!decision.is_allowed());
    // Adding nobody gives nothing: the model lets it through (identity refuses the empty list).
    let nobody = AccountCommand::AddUsers {
        tenant: id(T1),
        users: vec![],
        grant: Grant::Role(Role::Manager),
    };
    assert!(authorize_command(&state, &index, &dan, &nobody).is_ok());
    // Within what he holds, Dan may add; the model says who acts and what it held.
    let within = AccountCommand::AddUsers {
        tenant: id(T1),
        users: vec![new_user(161)],
        grant: Grant::custom([Permission::ManageUsers]).unwrap(),
    };
    let authorized = authorize_command(&state, &index, &dan, &within).unwrap();
    assert_eq!(authorized.acting(), Some(Principal::User(id(DAN))));
    assert_eq!(authorized.held(), Permission::ManageUsers.into());
    // A grant to a user needs manage_users as well as what it gives: a Developer may not hand
    // out Developer.
    let mut w = World::company(InMemoryStore::new());
    w.bob(Role::Developer);
    w.svc
        .add_users(
            w.account,
            &w.ctx(user(T1, ALICE)),
            id(T1),
            vec![new_user(162)],
            Grant::custom([Permission::ViewReports]).unwrap(),
        )
        .unwrap();
    let state = w.state();
    let index = partnerkit::access::AccessIndex::build(&state.access);
    let grant = AccountCommand::Grant {
        principals: vec![Principal::User(id(162))],
        grant: Grant::Role(Role::Developer),
    };
    let d = authorize_command(&state, &index, &user(T1, BOB), &grant).unwrap_err();
    let Denial::Permission(decision) = &d else {
        panic!("{d}")
    };
    assert_eq!(decision.missing(), Some(Permission::ManageUsers), "{d}");
    let marketplace = authorize_command(&state, &index, &Actor::Marketplace, &grant).unwrap_err();
    assert_eq!(
        marketplace.code(),
        "cannot_sign_in",
        "the marketplace is no principal"
    );
}

// rule: GRP-1, ROL-4
#[test]
fn a_member_taken_out_of_a_group_loses_what_the_group_gave_at_once() {
    let w = world(&[Permission::ManageUsers]);
    let alice = w.ctx(user(T1, ALICE));
    w.svc
        .change_group_members(w.account, &alice, id(MANAGERS), vec![id(DAN)], vec![])
        .unwrap();
    let may = |w: &World<InMemoryStore>| {
        w.svc
            .authorize(w.account, &user(T1, DAN), Permission::ManageTenants)
            .decision()
            .is_allowed()
    };
    assert!(may(&w), "the group gave Dan Manager");
    w.svc
        .change_group_members(w.account, &alice, id(MANAGERS), vec![], vec![id(DAN)])
        .unwrap();
    assert!(!may(&w), "taken out, Dan holds only his own grant again");
    assert!(!w.state().access.groups_of(id(DAN)).contains(&id(MANAGERS)));
}

// rule: USR-5, USR-7
#[test]
fn a_guest_who_accepts_counts_as_a_manager_and_one_who_has_not_does_not() {
    let w = World::company(InMemoryStore::new());
    let alice = w.ctx(user(T1, ALICE));
    let guest = id(150);
    w.svc
        .invite_guests(
            w.account,
            &alice,
            id(T1),
            "guest@fabrikam.com",
            vec![guest],
            Grant::Role(Role::Manager),
        )
        .unwrap();
    // Pending, the guest does not count: Alice is still the last Manager.
    let err = w
        .svc
        .set_grants(
            w.account,
            &alice,
            Principal::User(id(ALICE)),
            vec![Grant::Role(Role::Developer)],
        )
        .unwrap_err();
    assert_eq!(err.code(), "last_manager", "{err}");
    let as_guest = w.ctx(Actor::User {
        tenant: id(T1),
        user: guest,
    });
    w.svc
        .accept_invitation(w.account, &as_guest, guest)
        .unwrap();
    // Accepted, the guest can sign in and counts: Alice may step down.
    w.svc
        .set_grants(
            w.account,
            &alice,
            Principal::User(id(ALICE)),
            vec![Grant::Role(Role::Developer)],
        )
        .unwrap();
}

// rule: USR-7, X-3
#[test]
fn a_command_refused_halfway_leaves_no_trace_in_the_service() {
    // Removing the last Manager: identity removes the user, then access refuses (rule USR-7).
    // The half-decided entry must be dropped: the service's state is the stored one.
    let w = World::company(InMemoryStore::new());
    let before = w.state();
    let err = w
        .svc
        .remove_user(w.account, &w.ctx(user(T1, ALICE)), id(ALICE), true)
        .unwrap_err();
    assert_eq!(err.code(), "last_manager", "{err}");
    assert_eq!(w.state(), before);
    assert!(w.state().identity.user(id(ALICE)).is_some());
    let history = w.svc.history(w.account).unwrap();
    assert_eq!(
        partnerkit::AccountState::fold(history.iter().map(|r| &r.event)),
        w.state()
    );
}

// rule: APP-3, TEN-4
#[test]
fn a_removed_app_takes_its_grants_with_it() {
    let w = world(&[Permission::ManageUsers]);
    assert!(w.state().access.apps().contains_key(&id(APP)));
    w.svc
        .remove_apps(w.account, &w.ctx(user(T1, ALICE)), vec![id(APP)], true)
        .unwrap();
    let state = w.state();
    assert!(!state.access.apps().contains_key(&id(APP)));
    assert!(state.access.grants_of(Principal::App(id(APP))).is_empty());
    assert_eq!(
        partnerkit::access::AccessIndex::build(&state.access).holds(Principal::App(id(APP))),
        partnerkit::access::PermissionSet::EMPTY
    );
}
