//! Groups: adding existing ones, creating, changing members, removing.

use partnerkit_core::testing::{given, id};
use partnerkit_core::{GroupId, Rule, UserId};
use partnerkit_identity::{Command, DirectoryGroup, Error, Event, Identity, Origin};

use crate::support::*;

fn dir_group(n: u128, members: Vec<UserId>) -> DirectoryGroup {
    DirectoryGroup {
        group: id(n),
        name: format!("Group {n}").parse().unwrap(),
        members,
    }
}

fn ops() -> Event {
    Event::GroupCreated {
        tenant: t1(),
        group: id(50),
        name: "Ops".parse().unwrap(),
        members: vec![member1()],
    }
}

#[test]
fn groups_added_in_one_step_share_one_event_and_their_members_can_sign_in() {
    // rule: GRP-1
    let groups = vec![dir_group(50, vec![id(13)]), dir_group(51, vec![member1()])];
    let state = given::<Identity>(base())
        .by(as_admin1())
        .when(Command::AddGroups {
            tenant: t1(),
            groups: groups.clone(),
        })
        .then([Event::GroupsAdded {
            tenant: t1(),
            groups,
        }]);
    // User 13 was never added, but as a group member they can use the account.
    assert!(state.can_sign_in(&user(t1(), id(13))));
    assert!(!state.can_sign_in(&user(t2(), id(13))));
    assert_eq!(state.groups_of(id(13)), [id::<GroupId>(50)]);
    assert_eq!(state.group(id(50)).unwrap().origin, Origin::Added);
}

#[test]
fn adding_groups_refuses_empty_duplicate_known_and_foreign_members() {
    // rule: GRP-1
    let add = |events, groups| {
        given::<Identity>(events)
            .by(as_admin1())
            .when(Command::AddGroups {
                tenant: t1(),
                groups,
            })
    };
    add(base(), vec![]).then_err(Error::EmptyBatch {
        what: "group".into(),
        rule: Rule::Grp1,
    });
    add(base_with([ops()]), vec![dir_group(50, vec![])])
        .then_err(Error::GroupAlreadyInAccount { group: id(50) });
    add(base(), vec![dir_group(50, vec![]), dir_group(50, vec![])])
        .then_err_matches(|e| matches!(e, Error::DuplicateInBatch { what, .. } if what == "group"));
    add(base(), vec![dir_group(50, vec![admin2()])]).then_err(Error::MemberNotInTenant {
        user: admin2(),
        tenant: t1(),
    });
}

#[test]
fn a_created_group_has_a_name_and_members_of_its_tenant() {
    // rule: GRP-2
    let state = given::<Identity>(base())
        .by(as_member1())
        .when(Command::CreateGroup {
            group: None,
            tenant: t1(),
            name: "Ops".parse().unwrap(),
            members: vec![admin1(), member1()],
        })
        .then([Event::GroupCreated {
            tenant: t1(),
            group: id(1_000_001),
            name: "Ops".parse().unwrap(),
            members: vec![admin1(), member1()],
        }]);
    let g = state.group(id(1_000_001)).unwrap();
    assert_eq!(g.origin, Origin::Created);
    assert_eq!(g.members.len(), 2);

    given::<Identity>(base())
        .by(as_admin1())
        .when(Command::CreateGroup {
            group: None,
            tenant: t1(),
            name: "Ops".parse().unwrap(),
            members: vec![admin2()],
        })
        .then_err(Error::MemberNotInTenant {
            user: admin2(),
            tenant: t1(),
        });
    given::<Identity>(base())
        .by(as_admin2())
        .when(Command::CreateGroup {
            group: None,
            tenant: t1(),
            name: "Ops".parse().unwrap(),
            members: vec![],
        })
        .then_err(Error::NotSignedInFromTenant { tenant: t1() });
}

#[test]
fn group_members_change_only_when_something_changes() {
    // rule: GRP-2
    let state = given::<Identity>(base_with([ops()]))
        .by(as_admin1())
        .when(Command::ChangeGroupMembers {
            group: id(50),
            add: vec![admin1(), member1()],
            remove: vec![],
        })
        .then([Event::GroupMembersChanged {
            tenant: t1(),
            group: id(50),
            added: vec![admin1()],
            removed: vec![],
        }]);
    assert_eq!(state.group(id(50)).unwrap().members.len(), 2);
    given::<Identity>(base_with([ops()]))
        .by(as_admin1())
        .when(Command::ChangeGroupMembers {
            group: id(50),
            add: vec![],
            remove: vec![member1()],
        })
        .then([Event::GroupMembersChanged {
            tenant: t1(),
            group: id(50),
            added: vec![],
            removed: vec![member1()],
        }]);
    given::<Identity>(base_with([ops()]))
        .by(as_admin1())
        .when(Command::ChangeGroupMembers {
            group: id(50),
            add: vec![member1()],
            remove: vec![admin1()],
        })
        .then([]); // no-op: member 12 is in, admin 11 is out
    given::<Identity>(base_with([ops()]))
        .by(as_admin1())
        .when(Command::ChangeGroupMembers {
            group: id(50),
            add: vec![id(99)],
            remove: vec![],
        })
        .then_err(Error::MemberNotInTenant {
            user: id(99),
            tenant: t1(),
        });
}

#[test]
fn removing_a_group_needs_confirmation() {
    // rule: GRP-3
    given::<Identity>(base_with([ops()]))
        .by(as_admin1())
        .when(Command::RemoveGroup {
            group: id(50),
            confirmed: false,
        })
        .then_err(Error::NotConfirmed {
            what: "a group".into(),
            rule: Rule::Grp3,
        });
    given::<Identity>(base())
        .by(as_admin1())
        .when(Command::RemoveGroup {
            group: id(50),
            confirmed: true,
        })
        .then([]); // no-op: not in the account
    let state = given::<Identity>(base_with([Event::GroupsAdded {
        tenant: t1(),
        groups: vec![dir_group(50, vec![id(13)])],
    }]))
    .by(as_admin1())
    .when(Command::RemoveGroup {
        group: id(50),
        confirmed: true,
    })
    .then([Event::GroupRemoved {
        tenant: t1(),
        group: id(50),
        members: vec![id(13)],
    }]);
    assert!(state.group(id(50)).is_none());
    // Its members who were never users of the account lose access with it.
    assert!(!state.can_sign_in(&user(t1(), id(13))));
}

#[test]
fn a_directory_user_belongs_to_one_tenant_only() {
    // rule: GRP-1 (a member of a tenant's group cannot turn up as a user of another tenant,
    // so removing a tenant can never leave one of its people signed in elsewhere)
    let events = || {
        base_with([Event::GroupsAdded {
            tenant: t1(),
            groups: vec![dir_group(50, vec![id(13)])],
        }])
    };
    given::<Identity>(events())
        .by(as_admin2())
        .when(Command::AddUsers {
            tenant: t2(),
            users: vec![dir_user(13, "dora@fabrikam.com", false)],
        })
        .then_err(Error::UserOfAnotherTenant {
            user: id(13),
            tenant: t1(),
        });
    given::<Identity>(events())
        .by(as_admin2())
        .when(Command::AddGroups {
            tenant: t2(),
            groups: vec![dir_group(52, vec![id(13)])],
        })
        .then_err(Error::MemberNotInTenant {
            user: id(13),
            tenant: t2(),
        });
    // The same user added to their own tenant is fine.
    given::<Identity>(events())
        .by(as_admin1())
        .when(Command::AddUsers {
            tenant: t1(),
            users: vec![dir_user(13, "dora@contoso.com", false)],
        })
        .then_events(|e| assert_eq!(e.len(), 1));
}
