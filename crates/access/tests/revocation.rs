//! Revocation by removal (TEN-4, USR-7, GRP-3, APP-3) and the last Manager (USR-7).

use partnerkit_access::{
    Access, AccessIndex, Command, DenialReason, Error, Event, Explanation, Permission,
    PermissionSet, Request, Role,
};
use partnerkit_core::testing::given;

use crate::support::*;

fn two_tenants() -> Vec<Command> {
    vec![
        reg_user(1, T1),
        reg_user(2, T2),
        reg_user(3, T2),
        reg_group(1, T2),
        reg_app(1, T2),
        members(1, &[3]),
        grant(u(1), role(Role::Manager)),
        grant(u(2), role(Role::Manager)),
        grant(g(1), role(Role::Developer)),
        grant(a(1), role(Role::Developer)),
    ]
}

#[test]
fn removing_a_tenant_drops_every_grant_of_its_principals() {
    // rule: TEN-4 — no user of the removed tenant keeps any permission.
    let state = given::<Access>(events(two_tenants()))
        .when(Command::RemoveTenant { tenant: tenant(T2) })
        .then([Event::TenantRemoved { tenant: tenant(T2) }]);
    let idx = AccessIndex::build(&state);
    for p in [u(2), u(3), g(1), a(1)] {
        assert!(!state.is_known(p));
        for perm in Permission::ALL {
            let d = idx.authorize(&Request {
                principal: p,
                permission: perm,
            });
            assert_eq!(
                d.explanation,
                Explanation::Denied {
                    reason: DenialReason::UnknownPrincipal,
                    held: PermissionSet::EMPTY
                }
            );
        }
    }
    // The other tenant's Manager is untouched.
    assert_eq!(idx.effective(u(1)), Role::Manager.permissions());
    assert_eq!(idx.who_may(Permission::ManageTenants), vec![u(1)]);
}

#[test]
fn removing_the_only_tenant_is_allowed_and_leaves_the_owner_account() {
    // rule: TEN-4 — if it is the only tenant only the owner account may remove it (the
    // facade checks the actor); every user goes, so USR-7 does not block it.
    let past = events([reg_user(1, T1), grant(u(1), role(Role::Manager))]);
    let state = given::<Access>(past)
        .when(Command::RemoveTenant { tenant: tenant(T1) })
        .then([Event::TenantRemoved { tenant: tenant(T1) }]);
    assert!(state.users().is_empty());
    let idx = AccessIndex::build(&state);
    assert!(idx.who_may(Permission::ManagePayoutSettings).is_empty());
    // The owner account, not stored in access, still holds the Owner role (PAY-1).
    assert!(
        idx.authorize(&partnerkit_access::Request::new(
            owner(),
            Permission::ManagePayoutSettings
        ))
        .is_allowed()
    );
}

#[test]
fn removing_the_tenant_of_the_last_managers_while_users_remain_is_refused() {
    // rule: USR-7
    // rule: TEN-4
    let past = events([
        reg_user(1, T1),
        reg_user(2, T2),
        grant(u(1), role(Role::Developer)),
        grant(u(2), role(Role::Manager)),
    ]);
    given::<Access>(past)
        .when(Command::RemoveTenant { tenant: tenant(T2) })
        .then_err(Error::LastManager);
}

#[test]
fn a_removed_user_is_denied_everything() {
    // rule: USR-7 — users added to the account can be removed; their grants go with them.
    let past = events(two_tenants());
    let state = given::<Access>(past)
        .when(Command::RemoveUser { user: user(3) })
        .then([Event::UserRemoved { user: user(3) }]);
    assert!(state.groups()[&group(1)].members().is_empty());
    let idx = AccessIndex::build(&state);
    assert!(
        !idx.authorize(&Request::new(user(3), Permission::PublishOffers))
            .is_allowed()
    );
}

#[test]
fn removing_a_group_drops_what_members_had_through_it() {
    // rule: GRP-3
    let state = given::<Access>(events(two_tenants()))
        .when(Command::RemoveGroup { group: group(1) })
        .then([Event::GroupRemoved { group: group(1) }]);
    let idx = AccessIndex::build(&state);
    assert!(idx.effective(u(3)).is_empty());
    assert!(idx.effective(g(1)).is_empty());
}

#[test]
fn removing_an_app_drops_its_grants() {
    // rule: APP-3
    let state = given::<Access>(events(two_tenants()))
        .when(Command::RemoveApp { app: app(1) })
        .then([Event::AppRemoved { app: app(1) }]);
    assert!(AccessIndex::build(&state).effective(a(1)).is_empty());
}

#[test]
fn the_last_manager_cannot_be_removed_or_demoted() {
    // rule: USR-7
    let past = events([
        reg_user(1, T1),
        reg_user(2, T1),
        grant(u(1), role(Role::Manager)),
        grant(u(2), role(Role::Developer)),
    ]);
    given::<Access>(past.clone())
        .when(Command::RemoveUser { user: user(1) })
        .then_err(Error::LastManager);
    given::<Access>(past.clone())
        .when(Command::Revoke {
            principal: u(1),
            grant: role(Role::Manager),
        })
        .then_err(Error::LastManager);
    given::<Access>(past.clone())
        .when(Command::SetGrants {
            principal: u(1),
            grants: vec![role(Role::Developer)],
        })
        .then_err(Error::LastManager);
    // Promoting someone else first makes it possible.
    let mut more = past;
    more.push(Event::Granted {
        principals: vec![u(2)],
        grant: role(Role::Manager),
    });
    given::<Access>(more)
        .when(Command::RemoveUser { user: user(1) })
        .then([Event::UserRemoved { user: user(1) }]);
}

#[test]
fn managers_through_owner_or_a_group_count() {
    // rule: USR-7 — holding Manager directly, through Owner, or through a group all count.
    let past = events([
        reg_user(1, T1),
        reg_user(2, T1),
        reg_group(1, T1),
        members(1, &[2]),
        grant(u(1), role(Role::Owner)),
        grant(g(1), role(Role::Manager)),
    ]);
    // User 2 remains a Manager through the group, so user 1 may go …
    given::<Access>(past.clone())
        .when(Command::RemoveUser { user: user(1) })
        .then([Event::UserRemoved { user: user(1) }]);
    let after_one = {
        let mut e = past.clone();
        e.push(Event::UserRemoved { user: user(1) });
        e
    };
    // … but then neither the group nor its last member may go.
    given::<Access>(after_one.clone())
        .when(Command::RemoveGroup { group: group(1) })
        .then_err(Error::LastManager);
    given::<Access>(after_one.clone())
        .when(Command::RemoveGroupMember {
            group: group(1),
            user: user(2),
        })
        .then_err(Error::LastManager);
    given::<Access>(after_one)
        .when(members(1, &[]))
        .then_err(Error::LastManager);
}
