//! Shared fixtures: small readable ids and a way to reach a state through commands.

use partnerkit_access::{Access, AccessIndex, AccessState, Command, Event, Grant, Principal, Role};
use partnerkit_core::testing::{default_now, id};
use partnerkit_core::{
    Actor, AppId, Context, Decider, GroupId, OwnerAccountId, SequentialIds, TenantId, UserId,
};

pub(crate) const T1: u128 = 100;
pub(crate) const T2: u128 = 101;

pub(crate) fn tenant(n: u128) -> TenantId {
    id(n)
}
pub(crate) fn user(n: u128) -> UserId {
    id(n)
}
pub(crate) fn group(n: u128) -> GroupId {
    id(200 + n)
}
pub(crate) fn app(n: u128) -> AppId {
    id(300 + n)
}
pub(crate) fn owner() -> OwnerAccountId {
    id(400)
}
pub(crate) fn u(n: u128) -> Principal {
    Principal::User(user(n))
}
pub(crate) fn g(n: u128) -> Principal {
    Principal::Group(group(n))
}
pub(crate) fn a(n: u128) -> Principal {
    Principal::App(app(n))
}
pub(crate) fn role(r: Role) -> Grant {
    Grant::Role(r)
}

/// Runs the commands in order, panicking on a refusal; returns every event.
pub(crate) fn events(commands: impl IntoIterator<Item = Command>) -> Vec<Event> {
    let ids = SequentialIds::default();
    let ctx = Context::new(default_now(), Actor::Marketplace, &ids);
    let mut state = AccessState::default();
    let mut out = Vec::new();
    for c in commands {
        let what = format!("{c:?}");
        match Access::execute(&mut state, c, &ctx) {
            Ok(e) => out.extend(e),
            Err(e) => panic!("setup command {what} refused: {e}"),
        }
    }
    out
}

pub(crate) fn state(commands: impl IntoIterator<Item = Command>) -> AccessState {
    Access::fold(&events(commands))
}

pub(crate) fn index(commands: impl IntoIterator<Item = Command>) -> AccessIndex {
    AccessIndex::build(&state(commands))
}

pub(crate) fn reg_user(n: u128, t: u128) -> Command {
    Command::RegisterUser {
        user: user(n),
        tenant: tenant(t),
        can_sign_in: true,
    }
}
pub(crate) fn reg_group(n: u128, t: u128) -> Command {
    Command::RegisterGroup {
        group: group(n),
        tenant: tenant(t),
    }
}
pub(crate) fn reg_app(n: u128, t: u128) -> Command {
    Command::RegisterApp {
        app: app(n),
        tenant: tenant(t),
    }
}
pub(crate) fn members(gr: u128, users: &[u128]) -> Command {
    Command::SetGroupMembers {
        group: group(gr),
        members: users.iter().map(|n| user(*n)).collect(),
    }
}
pub(crate) fn grant(principal: Principal, grant: Grant) -> Command {
    Command::Grant { principal, grant }
}

/// A small account: tenant 1 with users 1 (Manager), 2 (Developer), 3 (no grant, in group
/// 1), group 1 (Developer), app 1 (custom: view reports).
pub(crate) fn small_account() -> Vec<Command> {
    vec![
        reg_user(1, T1),
        reg_user(2, T1),
        reg_user(3, T1),
        reg_group(1, T1),
        reg_app(1, T1),
        members(1, &[3]),
        grant(u(1), role(Role::Manager)),
        grant(u(2), role(Role::Developer)),
        grant(g(1), role(Role::Developer)),
        grant(
            a(1),
            Grant::custom([partnerkit_access::Permission::ViewReports]).unwrap(),
        ),
    ]
}
