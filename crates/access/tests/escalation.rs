//! Regression tests for the escalation holes of issue 12 (items 2 and 4): joining a group is
//! receiving its grants (ROL-8), payout and tax settings belong to the owner account itself
//! (ROL-7), and only users who can sign in count as the last Manager (USR-7).

use partnerkit_access::{
    Access, AccessIndex, AccessState, Command, Decision, DenialReason, Error, Event, Explanation,
    Grant, Permission, Principal, Role,
};
use partnerkit_core::testing::{default_now, given};
use partnerkit_core::{Actor, Context, Decider, SequentialIds};

use crate::support::*;

/// The facade's flow (rule X-2): check the actor holds what the command needs, then decide.
fn by(
    st: &mut AccessState,
    actor: Principal,
    cmd: Command,
) -> Result<Result<Vec<Event>, Error>, Decision> {
    AccessIndex::build(st).check(actor, cmd.required_permissions(st))?;
    let ids = SequentialIds::default();
    let ctx = Context::new(default_now(), Actor::Marketplace, &ids);
    Ok(Access::execute(st, cmd, &ctx))
}

/// Tenant 1: user 1 Manager, user 2 custom [manage_groups], user 3 holding Owner; group 1
/// holding Manager, group 2 holding Owner (granted by the owner account), group 3 Developer.
fn account() -> AccessState {
    state([
        reg_user(1, T1),
        reg_user(2, T1),
        reg_user(3, T1),
        reg_user(4, T1),
        reg_group(1, T1),
        reg_group(2, T1),
        reg_group(3, T1),
        grant(u(1), role(Role::Manager)),
        grant(u(2), Grant::custom([Permission::ManageGroups]).unwrap()),
        grant(u(3), role(Role::Owner)),
        grant(g(1), role(Role::Manager)),
        grant(g(2), role(Role::Owner)),
        grant(g(3), role(Role::Developer)),
    ])
}

fn add(gr: u128, n: u128) -> Command {
    Command::AddGroupMember {
        group: group(gr),
        user: user(n),
    }
}

#[test]
fn manage_groups_alone_cannot_join_a_manager_group() {
    // rule: ROL-8 — a user holding only [manage_groups] adding themselves (or anyone) to a
    // group holding Manager would receive Manager: refused, and nothing changes.
    let mut st = account();
    let before = st.clone();
    for cmd in [add(1, 2), add(1, 4), members(1, &[2]), members(1, &[4])] {
        let denied = by(&mut st, u(2), cmd).unwrap_err();
        assert!(!denied.is_allowed());
        assert_eq!(st, before);
    }
    // A group giving nothing the actor lacks may be joined.
    by(&mut st, u(1), reg_group(5, T1)).unwrap().unwrap();
    by(&mut st, u(2), add(5, 2)).unwrap().unwrap();
    assert!(st.groups()[&group(5)].members().contains(&user(2)));
}

#[test]
fn a_manager_cannot_join_or_fill_an_owner_group() {
    // rule: ROL-8 — membership of a group the owner account granted Owner is the Owner role.
    // rule: ROL-7
    let mut st = account();
    let before = st.clone();
    for cmd in [add(2, 1), members(2, &[1]), add(2, 4), members(2, &[1, 4])] {
        let denied = by(&mut st, u(1), cmd).unwrap_err();
        assert_eq!(denied.missing(), Some(Permission::ManagePayoutSettings));
        assert_eq!(st, before);
    }
    // "Create a user inside that group": registering is fine, the membership is refused.
    by(&mut st, u(1), reg_user(9, T1)).unwrap().unwrap();
    let after_register = st.clone();
    assert!(by(&mut st, u(1), add(2, 9)).is_err());
    assert!(by(&mut st, u(1), members(2, &[9])).is_err());
    assert_eq!(st, after_register);
    // A Manager group the Manager may fill; the owner account may fill the Owner group.
    by(&mut st, u(1), add(1, 9)).unwrap().unwrap();
    by(&mut st, Principal::OwnerAccount(owner()), add(2, 9))
        .unwrap()
        .unwrap();
}

#[test]
fn taking_members_out_of_an_owner_group_needs_owner_too() {
    // rule: ROL-8 — removing a member takes the group's grants away.
    let mut st = account();
    by(&mut st, Principal::OwnerAccount(owner()), add(2, 4))
        .unwrap()
        .unwrap();
    let before = st.clone();
    let remove = Command::RemoveGroupMember {
        group: group(2),
        user: user(4),
    };
    assert!(by(&mut st, u(1), remove.clone()).is_err());
    assert!(by(&mut st, u(1), members(2, &[])).is_err());
    assert_eq!(st, before);
    by(&mut st, Principal::OwnerAccount(owner()), remove)
        .unwrap()
        .unwrap();
}

#[test]
fn a_work_account_holding_owner_cannot_change_payout_or_hand_owner_on() {
    // rule: ROL-7 — a user holding Owner views payout and tax settings but does not change
    // them, and so cannot grant Owner onward (directly, to many, by replacing grants, or by
    // filling an Owner group).
    let mut st = account();
    let before = st.clone();
    let idx = AccessIndex::build(&st);
    for p in [
        Permission::ManagePayoutSettings,
        Permission::ManageTaxSettings,
    ] {
        let d = idx.authorize(&partnerkit_access::Request::new(user(3), p));
        assert!(matches!(
            d.explanation,
            Explanation::Denied {
                reason: DenialReason::OwnerAccountOnly,
                ..
            }
        ));
        // rule: ROL-6 — the denial is readable.
        let text = d.to_string();
        assert!(text.contains("view only"), "{text}");
        assert!(text.contains("owner account"), "{text}");
        assert!(text.contains("PAY-1"), "{text}");
    }
    for cmd in [
        grant(u(4), role(Role::Owner)),
        Command::GrantMany {
            principals: vec![u(4), g(3)],
            grant: role(Role::Owner),
        },
        Command::SetGrants {
            principal: u(4),
            grants: vec![role(Role::Owner)],
        },
        add(2, 4),
    ] {
        let denied = by(&mut st, u(3), cmd).unwrap_err();
        assert_eq!(denied.missing(), Some(Permission::ManagePayoutSettings));
        assert!(denied.to_string().contains("view only"));
        assert_eq!(st, before);
    }
}

#[test]
fn replacing_or_revoking_grants_needs_what_is_taken_away() {
    // rule: ROL-8 — SetGrants needs what it gives and what it takes; Revoke what it takes.
    let mut st = account();
    let before = st.clone();
    let cmds = [
        Command::SetGrants {
            principal: u(3),
            grants: vec![],
        },
        Command::SetGrants {
            principal: g(2),
            grants: vec![role(Role::Developer)],
        },
        Command::Revoke {
            principal: u(3),
            grant: role(Role::Owner),
        },
    ];
    for cmd in cmds {
        let need = cmd.required_permissions(&st);
        assert!(need.contains(Permission::ManagePayoutSettings), "{cmd:?}");
        assert!(by(&mut st, u(1), cmd).is_err());
        assert_eq!(st, before);
    }
    // Keeping a grant is not giving it: a Manager may add Developer beside an Owner's role.
    let keep = Command::SetGrants {
        principal: u(3),
        grants: vec![role(Role::Owner), role(Role::Developer)],
    };
    assert!(
        !keep
            .required_permissions(&st)
            .contains(Permission::ManagePayoutSettings)
    );
    by(&mut st, u(1), keep).unwrap().unwrap();
    // A user with [manage_groups] cannot give a group Manager by replacing its grants.
    let to_manager = Command::SetGrants {
        principal: g(3),
        grants: vec![role(Role::Manager)],
    };
    assert!(by(&mut st, u(2), to_manager).is_err());
}

fn guest(n: u128) -> Command {
    Command::RegisterUser {
        user: user(n),
        tenant: tenant(T1),
        can_sign_in: false,
    }
}

#[test]
fn a_pending_guest_manager_does_not_count() {
    // rule: USR-7 — after inviting a guest as Manager (pending, cannot sign in), the only
    // active Manager may not revoke their role, replace it or be removed.
    let past = events([
        reg_user(1, T1),
        guest(2),
        grant(u(1), role(Role::Manager)),
        grant(u(2), role(Role::Manager)),
    ]);
    for cmd in [
        Command::Revoke {
            principal: u(1),
            grant: role(Role::Manager),
        },
        Command::SetGrants {
            principal: u(1),
            grants: vec![],
        },
        Command::RemoveUser { user: user(1) },
    ] {
        given::<Access>(past.clone())
            .when(cmd)
            .then_err(Error::LastManager);
    }
    // Once the guest accepts and can sign in, the first Manager may go.
    let mut accepted = past;
    accepted.push(Event::SignInChanged {
        user: user(2),
        can_sign_in: true,
    });
    given::<Access>(accepted)
        .when(Command::RemoveUser { user: user(1) })
        .then([Event::UserRemoved { user: user(1) }]);
}

#[test]
fn a_directory_only_manager_through_a_group_does_not_count() {
    // rule: USR-7 — granting Manager to a group whose only other member cannot sign in does
    // not make that member count.
    let past = events([
        reg_user(1, T1),
        guest(2),
        reg_group(1, T1),
        members(1, &[1, 2]),
        grant(g(1), role(Role::Manager)),
    ]);
    for cmd in [
        Command::RemoveGroupMember {
            group: group(1),
            user: user(1),
        },
        members(1, &[2]),
        Command::RemoveUser { user: user(1) },
        Command::RemoveGroup { group: group(1) },
        Command::Revoke {
            principal: g(1),
            grant: role(Role::Manager),
        },
    ] {
        given::<Access>(past.clone())
            .when(cmd)
            .then_err(Error::LastManager);
    }
}

#[test]
fn the_last_manager_who_can_sign_in_keeps_signing_in() {
    // rule: USR-7 — losing the ability to sign in is losing the role for this rule.
    let past = events([reg_user(1, T1), guest(2), grant(u(1), role(Role::Manager))]);
    given::<Access>(past.clone())
        .when(Command::SetCanSignIn {
            user: user(1),
            can_sign_in: false,
        })
        .then_err(Error::LastManager);
    // The same value again is a no-op: no events.
    given::<Access>(past.clone())
        .when(Command::SetCanSignIn {
            user: user(1),
            can_sign_in: true,
        })
        .then([]);
    // A guest becoming able to sign in is fine.
    given::<Access>(past)
        .when(Command::SetCanSignIn {
            user: user(2),
            can_sign_in: true,
        })
        .then([Event::SignInChanged {
            user: user(2),
            can_sign_in: true,
        }]);
}

#[test]
fn without_a_manager_who_can_sign_in_the_guard_does_not_block() {
    // rule: USR-7 — only pending guests hold Manager: nothing to protect.
    let past = events([guest(1), guest(2), grant(u(1), role(Role::Manager))]);
    given::<Access>(past.clone())
        .when(Command::RemoveUser { user: user(1) })
        .then([Event::UserRemoved { user: user(1) }]);
    given::<Access>(past)
        .when(Command::Revoke {
            principal: u(1),
            grant: role(Role::Manager),
        })
        .then([Event::Revoked {
            principal: u(1),
            grant: role(Role::Manager),
        }]);
}

#[test]
fn old_user_registered_events_can_sign_in() {
    // rule: USR-7 — histories written before `can_sign_in` existed read as users who can.
    let old: Event = serde_json::from_str(
        r#"{"type":"user_registered","user":"00000000-0000-0000-0000-000000000001","tenant":"00000000-0000-0000-0000-000000000064"}"#,
    )
    .unwrap();
    assert_eq!(
        old,
        Event::UserRegistered {
            user: user(1),
            tenant: tenant(T1),
            can_sign_in: true,
        }
    );
}
