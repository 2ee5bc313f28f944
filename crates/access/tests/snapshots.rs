//! Public serde forms: events, commands, state and decisions. Changes show here.

use partnerkit_access::{AccessIndex, Command, Grant, Permission, Request, Role};

use crate::support::*;

fn every_event_kind() -> Vec<Command> {
    let mut cmds = small_account();
    cmds.extend([
        reg_user(4, T2),
        reg_user(5, T1),
        Command::RegisterGroups {
            groups: vec![partnerkit_access::NewGroup {
                group: group(7),
                tenant: tenant(T1),
                members: vec![user(5)],
            }],
        },
        Command::RegisterUser {
            user: user(6),
            tenant: tenant(T1),
            can_sign_in: false,
        },
        Command::SetCanSignIn {
            user: user(6),
            can_sign_in: true,
        },
        Command::AddGroupMember {
            group: group(1),
            user: user(5),
        },
        Command::RemoveGroupMember {
            group: group(1),
            user: user(5),
        },
        Command::GrantMany {
            principals: vec![u(4), u(5)],
            grant: Grant::custom([Permission::ViewAgreements, Permission::AcceptAgreements])
                .unwrap(),
        },
        Command::Revoke {
            principal: u(2),
            grant: role(Role::Developer),
        },
        Command::RemoveUser { user: user(5) },
        Command::RemoveApp { app: app(1) },
        Command::RemoveGroup { group: group(1) },
        Command::RemoveTenant { tenant: tenant(T2) },
    ]);
    cmds
}

#[test]
fn events_serde_form() {
    // rule: X-1 — every change is a typed event; this is their public format.
    let evs = events(every_event_kind());
    insta::assert_json_snapshot!("events", evs);
    let back: Vec<partnerkit_access::Event> =
        serde_json::from_value(serde_json::to_value(&evs).unwrap()).unwrap();
    assert_eq!(back, evs);
}

#[test]
fn command_and_state_serde_forms() {
    let cmds = every_event_kind();
    let json = serde_json::to_value(&cmds).unwrap();
    let back: Vec<Command> = serde_json::from_value(json).unwrap();
    assert_eq!(back, cmds);
    let st = state(small_account());
    insta::assert_json_snapshot!("state", st);
    let back: partnerkit_access::AccessState =
        serde_json::from_value(serde_json::to_value(&st).unwrap()).unwrap();
    assert_eq!(back, st);
}

#[test]
fn decision_serde_form() {
    // rule: ROL-6 — the serde form carries the whole explanation.
    let idx: AccessIndex = index(small_account());
    let decisions = [
        idx.authorize(&Request::new(user(3), Permission::PublishOffers)),
        idx.authorize(&Request::new(user(2), Permission::ViewFinancialReports)),
        idx.authorize(&Request::new(user(1), Permission::ManagePayoutSettings)),
        idx.authorize(&Request::new(user(9), Permission::ViewReports)),
        idx.authorize(&Request::new(
            partnerkit_access::Principal::OwnerAccount(owner()),
            Permission::ManageTaxSettings,
        )),
    ];
    // rule: ROL-7 — a user holding Owner is told payout settings are view only for it.
    let with_owner = index([reg_user(1, T1), grant(u(1), role(Role::Owner))]);
    let view_only = with_owner.authorize(&Request::new(user(1), Permission::ManagePayoutSettings));
    let decisions: Vec<_> = decisions.into_iter().chain([view_only]).collect();
    insta::assert_json_snapshot!("decisions", decisions);
}
