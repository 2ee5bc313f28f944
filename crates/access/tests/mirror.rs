//! Identity's principal changes mirrored into access: which commands, in which order.

use partnerkit_access::{Access, AccessState, Command, NewGroup, mirror};
use partnerkit_core::testing::default_now;
use partnerkit_core::{Actor, Context, Decider, PrincipalChange as P, SequentialIds};

use crate::support::*;

/// Every command `changes` mirror to, each decided and applied before the next is asked for.
fn mirrored(state: &mut AccessState, changes: Vec<P>) -> Vec<Command> {
    let ids = SequentialIds::default();
    let ctx = Context::new(default_now(), Actor::Marketplace, &ids);
    let mut m = mirror(changes);
    let mut out = Vec::new();
    while let Some(cmd) = m.next_command(state) {
        Access::execute(state, cmd.clone(), &ctx).expect("a mirrored command is accepted");
        out.push(cmd);
    }
    out
}

#[test]
fn groups_added_are_registered_once_at_the_end_with_their_members() {
    // rule: GRP-1 (a group's members get its permissions: they are its members in access)
    let mut s = AccessState::default();
    let changes = vec![
        P::UserAdded {
            user: user(1),
            tenant: tenant(T1),
            can_sign_in: false,
        },
        P::GroupAdded {
            group: group(10),
            tenant: tenant(T1),
        },
        P::MemberAdded {
            group: group(10),
            user: user(1),
        },
        P::GroupAdded {
            group: group(11),
            tenant: tenant(T1),
        },
    ];
    let cmds = mirrored(&mut s, changes);
    assert_eq!(cmds.len(), 2, "{cmds:?}");
    assert_eq!(
        cmds[0],
        Command::RegisterUser {
            user: user(1),
            tenant: tenant(T1),
            can_sign_in: false
        }
    );
    assert_eq!(
        cmds[1],
        Command::RegisterGroups {
            groups: vec![
                NewGroup {
                    group: group(10),
                    tenant: tenant(T1),
                    members: vec![user(1)]
                },
                NewGroup {
                    group: group(11),
                    tenant: tenant(T1),
                    members: vec![]
                },
            ]
        }
    );
}

#[test]
fn a_known_user_added_again_only_has_its_sign_in_set() {
    // rule: USR-1 (an accepted guest, or a directory-only member added here, can sign in)
    let mut s = state([reg_user(1, T1)]);
    let cmds = mirrored(
        &mut s,
        vec![P::UserAdded {
            user: user(1),
            tenant: tenant(T1),
            can_sign_in: true,
        }],
    );
    assert_eq!(
        cmds,
        [Command::SetCanSignIn {
            user: user(1),
            can_sign_in: true
        }]
    );
}

#[test]
fn removing_what_access_never_knew_mirrors_as_nothing() {
    // rule: TEN-4 (a removal drops the principal with its grants; nothing to drop: nothing)
    let mut s = AccessState::default();
    let cmds = mirrored(
        &mut s,
        vec![
            P::UserRemoved { user: user(1) },
            P::GroupRemoved { group: group(10) },
            P::AppRemoved { app: app(20) },
        ],
    );
    assert!(cmds.is_empty(), "{cmds:?}");
    let mut s = state([reg_user(1, T1), reg_group(10, T1), reg_app(20, T1)]);
    let cmds = mirrored(
        &mut s,
        vec![
            P::UserRemoved { user: user(1) },
            P::GroupRemoved { group: group(10) },
            P::AppRemoved { app: app(20) },
            P::TenantRemoved { tenant: tenant(T1) },
        ],
    );
    assert_eq!(
        cmds,
        [
            Command::RemoveUser { user: user(1) },
            Command::RemoveGroup { group: group(10) },
            Command::RemoveApp { app: app(20) },
            Command::RemoveTenant { tenant: tenant(T1) },
        ]
    );
}

#[test]
fn memberships_of_known_groups_mirror_in_order() {
    // rule: GRP-1
    let mut s = state([reg_user(1, T1), reg_group(10, T1)]);
    let cmds = mirrored(
        &mut s,
        vec![
            P::MemberAdded {
                group: group(10),
                user: user(1),
            },
            P::MemberRemoved {
                group: group(10),
                user: user(1),
            },
            P::SignInChanged {
                user: user(1),
                can_sign_in: false,
            },
        ],
    );
    assert_eq!(
        cmds,
        [
            Command::AddGroupMember {
                group: group(10),
                user: user(1)
            },
            Command::RemoveGroupMember {
                group: group(10),
                user: user(1)
            },
            Command::SetCanSignIn {
                user: user(1),
                can_sign_in: false
            },
        ]
    );
}

#[test]
fn an_app_added_is_registered_with_its_tenant() {
    // rule: APP-1 (an app given access to the account is a principal of it)
    let mut s = AccessState::default();
    let cmds = mirrored(
        &mut s,
        vec![P::AppAdded {
            app: app(20),
            tenant: tenant(T1),
        }],
    );
    assert_eq!(
        cmds,
        [Command::RegisterApp {
            app: app(20),
            tenant: tenant(T1)
        }]
    );
}
