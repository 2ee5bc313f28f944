//! Groups registered in one step: the same state and index as one event per fact.

use partnerkit_access::{Access, AccessIndex, Command, Error, NewGroup, Principal, Role};
use partnerkit_core::testing::default_now;
use partnerkit_core::{Actor, Context, Decider, SequentialIds};

use crate::support::*;

fn new_group(n: u128, t: u128, members: &[u128]) -> NewGroup {
    NewGroup {
        group: group(n),
        tenant: tenant(t),
        members: members.iter().map(|m| user(*m)).collect(),
    }
}

fn users() -> Vec<Command> {
    vec![reg_user(1, T1), reg_user(2, T1), reg_user(3, T2)]
}

#[test]
fn groups_registered_at_once_fold_to_what_one_event_per_fact_gives() {
    // rule: GRP-1 (a group and its members become known to the account)
    let one_by_one = [
        reg_group(10, T1),
        Command::AddGroupMember {
            group: group(10),
            user: user(1),
        },
        Command::AddGroupMember {
            group: group(10),
            user: user(2),
        },
        reg_group(11, T2),
        Command::AddGroupMember {
            group: group(11),
            user: user(3),
        },
        reg_group(12, T1),
    ];
    let at_once = Command::RegisterGroups {
        groups: vec![
            new_group(10, T1, &[1, 2]),
            new_group(11, T2, &[3]),
            new_group(12, T1, &[]),
        ],
    };
    let grant = Command::Grant {
        principal: Principal::Group(group(10)),
        grant: role(Role::Manager),
    };
    let a = state(users().into_iter().chain(one_by_one).chain([grant.clone()]));
    let b = state(users().into_iter().chain([at_once]).chain([grant]));
    assert_eq!(a, b);
    assert_eq!(a.manager_count(), b.manager_count());
    assert_eq!(AccessIndex::build(&a), AccessIndex::build(&b));
    // The live index, updated event by event, agrees with a fresh build.
    let mut live = AccessIndex::build(&state(users()));
    for e in events(users().into_iter().chain([Command::RegisterGroups {
        groups: vec![new_group(10, T1, &[1, 2])],
    }])) {
        live.apply(&e);
    }
    let built = AccessIndex::build(&state(users().into_iter().chain([
        Command::RegisterGroups {
            groups: vec![new_group(10, T1, &[1, 2])],
        },
    ])));
    assert_eq!(live, built);
}

#[test]
fn a_batch_is_refused_whole_for_a_known_or_repeated_group_or_a_member_of_another_tenant() {
    // rule: GRP-2 (members are users of the group's tenant)
    let base = state(users().into_iter().chain([reg_group(10, T1)]));
    let ids = SequentialIds::default();
    let ctx = Context::new(default_now(), Actor::Marketplace, &ids);
    let refused = |groups: Vec<NewGroup>| {
        Access::decide(&base, Command::RegisterGroups { groups }, &ctx).unwrap_err()
    };
    assert!(matches!(
        refused(vec![new_group(11, T1, &[]), new_group(10, T1, &[])]),
        Error::AlreadyRegistered { .. }
    ));
    assert!(matches!(
        refused(vec![new_group(11, T1, &[]), new_group(11, T1, &[])]),
        Error::AlreadyRegistered { .. }
    ));
    assert!(matches!(
        refused(vec![new_group(11, T1, &[1, 3])]),
        Error::MemberOfOtherTenant { .. }
    ));
    assert!(matches!(
        refused(vec![new_group(11, T1, &[9])]),
        Error::UnknownPrincipal { .. }
    ));
    let none = Access::decide(&base, Command::RegisterGroups { groups: vec![] }, &ctx).unwrap();
    assert!(none.is_empty(), "no groups: nothing to record");
}
