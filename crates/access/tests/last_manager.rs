//! Rule USR-7 at its edge: accounts whose Managers hold the role only through groups, each
//! user in several of them, where one command decides whether a Manager remains.
//!
//! The general property test (`properties.rs`) draws from every command over seven users and
//! three groups, so it rarely builds an account whose last Manager stands on one group among
//! several. Here three users and three Manager-bearing groups make that the common case, and
//! the last command is one that takes: a removed or emptied group, a revoked or replaced
//! grant, a member left out of a new member list, a removed user, a sign-in turned off. The
//! guard must refuse exactly when a full recount after the change finds no Manager who can
//! sign in while one existed: `cargo mutants` showed that every over-refusal in its
//! "who counts after the change" passed the general test (docs/RELIABILITY.md).

use partnerkit_access::{Access, AccessState, Command, Error, Event, Grant, Principal, Role};
use partnerkit_core::testing::default_now;
use partnerkit_core::{Actor, Context, Decider, SequentialIds, UserId};
use proptest::prelude::*;

use crate::support::*;

/// Three users and three groups of one tenant; the first user is a Manager through group 1.
fn setup() -> Vec<Command> {
    vec![
        reg_user(1, T1),
        reg_user(2, T1),
        reg_user(3, T1),
        reg_group(1, T1),
        reg_group(2, T1),
        reg_group(3, T1),
        grant(g(1), role(Role::Manager)),
        Command::AddGroupMember {
            group: group(1),
            user: user(1),
        },
    ]
}

fn some_grant() -> impl Strategy<Value = Grant> {
    prop_oneof![
        3 => Just(role(Role::Manager)),
        1 => Just(role(Role::Developer)),
        1 => Just(role(Role::Owner)),
    ]
}

/// Commands that build up memberships and Manager grants, mostly through groups.
fn building() -> impl Strategy<Value = Command> {
    prop_oneof![
        4 => (1u128..=3, 1u128..=3)
            .prop_map(|(gr, n)| Command::AddGroupMember { group: group(gr), user: user(n) }),
        3 => (1u128..=3, some_grant()).prop_map(|(gr, gt)| grant(g(gr), gt)),
        1 => (1u128..=3).prop_map(|n| grant(u(n), role(Role::Manager))),
        1 => (1u128..=3, 1u128..=3)
            .prop_map(|(gr, n)| Command::RemoveGroupMember { group: group(gr), user: user(n) }),
    ]
}

/// Commands that may take a Manager away.
fn taking() -> impl Strategy<Value = Command> {
    prop_oneof![
        (1u128..=3).prop_map(|n| Command::RemoveGroup { group: group(n) }),
        (1u128..=3).prop_map(|n| Command::Revoke {
            principal: g(n),
            grant: role(Role::Manager)
        }),
        (1u128..=3).prop_map(|n| Command::Revoke {
            principal: u(n),
            grant: role(Role::Manager)
        }),
        (1u128..=3, prop::collection::vec(some_grant(), 0..2)).prop_map(|(n, grants)| {
            Command::SetGrants {
                principal: g(n),
                grants,
            }
        }),
        (1u128..=3, prop::collection::vec(1u128..=3, 0..3)).prop_map(|(gr, us)| members(gr, &us)),
        (1u128..=3, 1u128..=3).prop_map(|(gr, n)| Command::RemoveGroupMember {
            group: group(gr),
            user: user(n)
        }),
        (1u128..=3).prop_map(|n| Command::RemoveUser { user: user(n) }),
        (1u128..=3, any::<bool>()).prop_map(|(n, can_sign_in)| Command::SetCanSignIn {
            user: user(n),
            can_sign_in
        }),
        Just(Command::RemoveTenant { tenant: tenant(T1) }),
    ]
}

/// Runs the commands, skipping refused ones.
fn run(commands: Vec<Command>) -> AccessState {
    let ids = SequentialIds::default();
    let ctx = Context::new(default_now(), Actor::Marketplace, &ids);
    let mut state = AccessState::default();
    for c in commands {
        let _ = Access::execute(&mut state, c, &ctx);
    }
    state
}

fn applied(state: &AccessState, events: &[Event]) -> AccessState {
    let mut after = state.clone();
    for e in events {
        Access::apply(&mut after, e);
    }
    after
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn the_guard_refuses_exactly_when_no_manager_would_remain(
        build in prop::collection::vec(building(), 0..12),
        last in taking(),
    ) {
        // rule: USR-7
        let mut commands = setup();
        commands.extend(build);
        let state = run(commands);
        let ids = SequentialIds::default();
        let ctx = Context::new(default_now(), Actor::Marketplace, &ids);
        let had = !state.managers().is_empty();
        match Access::decide(&state, last.clone(), &ctx) {
            Ok(events) => {
                let after = applied(&state, &events);
                prop_assert!(
                    !had || !after.managers().is_empty() || after.users().is_empty(),
                    "{last:?} left no Manager who can sign in"
                );
                prop_assert_eq!(after.manager_count(), after.managers().len());
            }
            Err(Error::LastManager) => {
                prop_assert!(had);
                // With a spare Manager elsewhere the same command is accepted; its events,
                // applied to the account without the spare, must leave no Manager.
                let spare: UserId = partnerkit_core::testing::id(999);
                let mut with_spare = state.clone();
                for e in [
                    Event::UserRegistered { user: spare, tenant: tenant(T1 + 7), can_sign_in: true },
                    Event::Granted { principals: vec![Principal::User(spare)], grant: role(Role::Manager) },
                ] {
                    Access::apply(&mut with_spare, &e);
                }
                let events = Access::decide(&with_spare, last.clone(), &ctx);
                prop_assert!(events.is_ok(), "{last:?} refused for another reason: {events:?}");
                let after = applied(&state, &events.unwrap());
                prop_assert!(
                    after.managers().is_empty(),
                    "{last:?} refused although {:?} would still be Managers",
                    after.managers()
                );
                prop_assert!(!after.users().is_empty());
            }
            Err(_) => {}
        }
    }
}

/// The edge the generator is built for, written out: the only Manager holds the role through
/// group 2 and is also in group 1; removing group 1, emptying it, or taking its grants leaves
/// the Manager standing, so each is accepted.
#[test]
fn a_manager_through_one_group_survives_changes_to_another() {
    // rule: USR-7
    let mut commands = setup();
    commands.extend([
        grant(g(2), role(Role::Manager)),
        Command::AddGroupMember {
            group: group(2),
            user: user(1),
        },
        Command::Revoke {
            principal: g(1),
            grant: role(Role::Manager),
        },
        grant(g(1), role(Role::Developer)),
        Command::AddGroupMember {
            group: group(1),
            user: user(2),
        },
    ]);
    let state = state(commands);
    assert_eq!(state.managers().len(), 1);
    let ids = SequentialIds::default();
    let ctx = Context::new(default_now(), Actor::Marketplace, &ids);
    for last in [
        Command::RemoveGroup { group: group(1) },
        members(1, &[2]),
        Command::SetGrants {
            principal: g(1),
            grants: vec![],
        },
        Command::RemoveGroupMember {
            group: group(1),
            user: user(1),
        },
    ] {
        let what = format!("{last:?}");
        assert!(Access::decide(&state, last, &ctx).is_ok(), "{what} refused");
    }
    // Replacing the Manager group's members hands the role over: also accepted.
    assert!(Access::decide(&state, members(2, &[3]), &ctx).is_ok());
    // Emptying it is refused: no Manager would remain.
    assert!(matches!(
        Access::decide(&state, members(2, &[]), &ctx),
        Err(Error::LastManager)
    ));
}

#[test]
fn the_only_user_holding_owner_is_not_removed_but_the_only_tenant_is() {
    // rule: USR-7 — the account is never left without a Manager, not even by removing its
    // last user; rule: TEN-4 — removing the only tenant with every user is the owner's, and
    // the guard lets it through. Found by the general property test on 4 December, whose
    // oracle had excused any change that left no users.
    let st = state([reg_user(3, T1), grant(u(3), role(Role::Owner))]);
    let ids = SequentialIds::default();
    let ctx = Context::new(default_now(), Actor::Marketplace, &ids);
    let remove = Access::decide(&st, Command::RemoveUser { user: user(3) }, &ctx);
    assert!(matches!(remove, Err(Error::LastManager)), "{remove:?}");
    let tenant_gone = Access::decide(&st, Command::RemoveTenant { tenant: tenant(T1) }, &ctx);
    assert!(tenant_gone.is_ok(), "{tenant_gone:?}");
}
