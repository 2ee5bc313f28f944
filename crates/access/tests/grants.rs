//! Granting and revoking through the decider, checked with the given/when/then harness.

use partnerkit_access::{Access, AccessIndex, Command, Event, Grant, Permission, Request, Role};
use partnerkit_core::testing::given;

use crate::support::*;

#[test]
fn grant_a_role_to_a_user() {
    let past = events([reg_user(1, T1)]);
    let state = given::<Access>(past)
        .when(grant(u(1), role(Role::Developer)))
        .then([Event::Granted {
            principals: vec![u(1)],
            grant: role(Role::Developer),
        }]);
    let idx = AccessIndex::build(&state);
    assert!(
        idx.authorize(&Request::new(user(1), Permission::PublishOffers))
            .is_allowed()
    );
}

#[test]
fn users_added_in_one_step_get_the_same_grant() {
    // rule: USR-3 — users added in one step all get the same role or custom permissions.
    let past = events([reg_user(1, T1), reg_user(2, T1), reg_user(3, T1)]);
    let custom = Grant::custom([Permission::ViewReports, Permission::ViewAgreements]).unwrap();
    let state = given::<Access>(past)
        .when(Command::GrantMany {
            principals: vec![u(1), u(2), u(3)],
            grant: custom,
        })
        .then([Event::Granted {
            principals: vec![u(1), u(2), u(3)],
            grant: custom,
        }]);
    let idx = AccessIndex::build(&state);
    for n in 1..=3 {
        assert_eq!(idx.effective(u(n)), custom.permissions());
    }
}

#[test]
fn groups_and_apps_added_in_one_step_get_the_same_roles() {
    // rule: GRP-1 — groups added in one step get the same roles.
    // rule: APP-1 — apps added in one step get the same roles.
    let past = events([
        reg_group(1, T1),
        reg_group(2, T1),
        reg_app(1, T1),
        reg_app(2, T1),
    ]);
    let state = given::<Access>(past.clone())
        .when(Command::GrantMany {
            principals: vec![g(1), g(2)],
            grant: role(Role::Manager),
        })
        .then([Event::Granted {
            principals: vec![g(1), g(2)],
            grant: role(Role::Manager),
        }]);
    assert_eq!(
        state.grants_of(g(2)),
        vec![role(Role::Manager)],
        "both groups hold Manager"
    );
    given::<Access>(past)
        .when(Command::GrantMany {
            principals: vec![a(1), a(2)],
            grant: role(Role::Developer),
        })
        .then([Event::Granted {
            principals: vec![a(1), a(2)],
            grant: role(Role::Developer),
        }]);
}

#[test]
fn a_principal_can_hold_a_role_and_custom_permissions() {
    // rule: ROL-3
    // rule: ROL-4
    let idx = index([
        reg_user(1, T1),
        grant(u(1), role(Role::Developer)),
        grant(
            u(1),
            Grant::custom([Permission::ViewFinancialReports]).unwrap(),
        ),
    ]);
    assert_eq!(
        idx.effective(u(1)),
        Role::Developer.permissions() | Permission::ViewFinancialReports
    );
}

#[test]
fn revoke_takes_the_permission_away() {
    let past = events([
        reg_user(1, T1),
        reg_user(2, T1),
        grant(u(1), role(Role::Manager)),
        grant(u(2), role(Role::Developer)),
    ]);
    let state = given::<Access>(past)
        .when(Command::Revoke {
            principal: u(2),
            grant: role(Role::Developer),
        })
        .then([Event::Revoked {
            principal: u(2),
            grant: role(Role::Developer),
        }]);
    let idx = AccessIndex::build(&state);
    assert!(idx.effective(u(2)).is_empty());
}

#[test]
fn set_grants_changes_role_in_one_step() {
    let past = events([
        reg_user(1, T1),
        reg_user(2, T1),
        grant(u(1), role(Role::Manager)),
        grant(u(2), role(Role::Developer)),
    ]);
    given::<Access>(past)
        .when(Command::SetGrants {
            principal: u(2),
            grants: vec![role(Role::Manager)],
        })
        .then([
            Event::Revoked {
                principal: u(2),
                grant: role(Role::Developer),
            },
            Event::Granted {
                principals: vec![u(2)],
                grant: role(Role::Manager),
            },
        ]);
}

#[test]
fn group_membership_changes() {
    let past = events([
        reg_user(1, T1),
        reg_user(2, T1),
        reg_group(1, T1),
        members(1, &[1]),
    ]);
    let state = given::<Access>(past.clone())
        .when(Command::AddGroupMember {
            group: group(1),
            user: user(2),
        })
        .then([Event::GroupMemberAdded {
            group: group(1),
            user: user(2),
        }]);
    assert_eq!(state.groups_of(user(2)), vec![group(1)]);
    given::<Access>(past.clone())
        .when(Command::RemoveGroupMember {
            group: group(1),
            user: user(1),
        })
        .then([Event::GroupMemberRemoved {
            group: group(1),
            user: user(1),
        }]);
    // Members are stored sorted and once.
    given::<Access>(past)
        .when(members(1, &[2, 1, 2]))
        .then([Event::GroupMembersSet {
            group: group(1),
            members: vec![user(1), user(2)],
        }]);
}

#[test]
fn required_permissions_never_exceed_what_the_granter_must_hold() {
    // rule: ROL-7 — only an Owner can hand out (or take back) the Owner role.
    let st = state([reg_user(1, T1)]);
    let to_owner = grant(u(1), role(Role::Owner)).required_permissions(&st);
    assert!(Role::Owner.permissions().is_subset(to_owner));
    assert!(!to_owner.is_subset(Role::Manager.permissions()));
    // A Manager may grant Manager and Developer.
    for r in [Role::Manager, Role::Developer] {
        assert!(
            grant(u(1), role(r))
                .required_permissions(&st)
                .is_subset(Role::Manager.permissions())
        );
    }
    assert_eq!(
        Command::RemoveTenant { tenant: tenant(T1) }.required_permissions(&st),
        Permission::ManageTenants.into()
    );
}
