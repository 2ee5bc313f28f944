//! `Account::principal_changes`: what access must mirror of each identity event, and
//! `Account::can_sign_in` for every kind of actor.

use partnerkit_core::testing::{given, id};
use partnerkit_core::{Actor, Decider, UserId};
use partnerkit_identity::{
    Account, DirectoryApp, DirectoryGroup, Event, Identity, PrincipalChange as P,
};

use crate::snapshots::every_event;
use crate::support::*;

/// Folds `history`, then applies `event` and returns its changes (state after the event).
fn changes(history: Vec<Event>, event: &Event) -> Vec<P> {
    let mut state = given::<Identity>(history).state();
    Identity::apply(&mut state, event);
    state.principal_changes(event)
}

fn dir_group(n: u128, members: Vec<UserId>) -> DirectoryGroup {
    DirectoryGroup {
        group: id(n),
        name: format!("Group {n}").parse().unwrap(),
        members,
    }
}

#[test]
fn every_event_variant_is_classified_as_access_must_mirror_it() {
    // rule: USR-1 (access knows exactly the principals identity lets use the account)
    let mut state = Account::default();
    let mut seen = Vec::new();
    for e in every_event() {
        Identity::apply(&mut state, &e);
        let tag = serde_json::to_value(&e).unwrap()["type"]
            .as_str()
            .unwrap()
            .to_owned();
        seen.push((tag, state.principal_changes(&e)));
    }
    let user_added = |user, tenant, can_sign_in| P::UserAdded {
        user,
        tenant,
        can_sign_in,
    };
    let expected: Vec<(&str, Vec<P>)> = vec![
        ("account_opened", vec![]),
        ("verification_recorded", vec![]),
        ("display_name_changed", vec![]),
        ("seller_contact_set", vec![]),
        ("company_approver_set", vec![]),
        ("tenant_association_begun", vec![]),
        ("tenant_associated", vec![]),
        ("tenant_association_cancelled", vec![]),
        ("tenant_created", vec![]),
        ("users_added", vec![user_added(admin1(), t1(), true)]),
        ("user_created", vec![user_added(admin2(), t2(), true)]),
        ("user_renamed", vec![]),
        ("guest_invited", vec![user_added(id(14), t1(), false)]),
        ("invitation_resent", vec![]),
        (
            "invitation_accepted",
            vec![P::SignInChanged {
                user: id(14),
                can_sign_in: true,
            }],
        ),
        (
            "groups_added",
            vec![
                P::GroupAdded {
                    group: id(50),
                    tenant: t1(),
                },
                P::MemberAdded {
                    group: id(50),
                    user: admin1(),
                },
            ],
        ),
        (
            "group_created",
            vec![
                P::GroupAdded {
                    group: id(51),
                    tenant: t1(),
                },
                P::MemberAdded {
                    group: id(51),
                    user: admin1(),
                },
                P::MemberAdded {
                    group: id(51),
                    user: id(14),
                },
            ],
        ),
        (
            "group_members_changed",
            vec![P::MemberRemoved {
                group: id(51),
                user: id(14),
            }],
        ),
        (
            "apps_added",
            vec![P::AppAdded {
                app: id(60),
                tenant: t1(),
            }],
        ),
        (
            "app_created",
            vec![P::AppAdded {
                app: id(61),
                tenant: t1(),
            }],
        ),
        ("key_added", vec![]),
        ("key_added", vec![]),
        ("key_deleted", vec![]),
        ("password_reset", vec![]),
        ("apps_removed", vec![P::AppRemoved { app: id(60) }]),
        ("group_removed", vec![P::GroupRemoved { group: id(50) }]),
        ("user_removed", vec![P::UserRemoved { user: id(14) }]),
        ("tenant_removed", vec![P::TenantRemoved { tenant: t2() }]),
    ];
    let expected: Vec<(String, Vec<P>)> = expected
        .into_iter()
        .map(|(t, c)| (t.to_owned(), c))
        .collect();
    assert_eq!(seen, expected);
}

#[test]
fn directory_only_group_members_are_added_as_users_who_cannot_sign_in_before_joining() {
    // rule: GRP-1, USR-7 (a directory-only member does not count as a user who can sign in)
    let event = Event::GroupsAdded {
        tenant: t1(),
        groups: vec![
            dir_group(50, vec![id(13), member1()]),
            dir_group(51, vec![id(13), id(15)]),
        ],
    };
    assert_eq!(
        changes(base(), &event),
        [
            P::GroupAdded {
                group: id(50),
                tenant: t1()
            },
            P::UserAdded {
                user: id(13),
                tenant: t1(),
                can_sign_in: false
            },
            P::MemberAdded {
                group: id(50),
                user: id(13)
            },
            P::MemberAdded {
                group: id(50),
                user: member1()
            },
            P::GroupAdded {
                group: id(51),
                tenant: t1()
            },
            // 13 was introduced with group 50: not added twice.
            P::MemberAdded {
                group: id(51),
                user: id(13)
            },
            P::UserAdded {
                user: id(15),
                tenant: t1(),
                can_sign_in: false
            },
            P::MemberAdded {
                group: id(51),
                user: id(15)
            },
        ]
    );
    // A directory-only member already known through an earlier group is not added again.
    let later = Event::GroupsAdded {
        tenant: t1(),
        groups: vec![dir_group(52, vec![id(13)])],
    };
    assert_eq!(
        changes(base_with([event]), &later),
        [
            P::GroupAdded {
                group: id(52),
                tenant: t1()
            },
            P::MemberAdded {
                group: id(52),
                user: id(13)
            },
        ]
    );
}

#[test]
fn every_member_added_was_added_as_a_user_before() {
    // rule: GRP-1
    let history = base_with([Event::GroupsAdded {
        tenant: t1(),
        groups: vec![dir_group(50, vec![id(13)])],
    }]);
    let mut state = Account::default();
    let mut known: Vec<UserId> = Vec::new();
    let more = [
        Event::GroupsAdded {
            tenant: t1(),
            groups: vec![dir_group(51, vec![id(16), id(13), admin1()])],
        },
        Event::GroupCreated {
            tenant: t1(),
            group: id(53),
            name: "Ops".parse().unwrap(),
            members: vec![member1()],
        },
    ];
    for e in history.iter().chain(more.iter()) {
        Identity::apply(&mut state, e);
        for c in state.principal_changes(e) {
            match c {
                P::UserAdded { user, .. } => known.push(user),
                P::MemberAdded { user, .. } => assert!(known.contains(&user), "{user} unknown"),
                _ => {}
            }
        }
    }
}

#[test]
fn a_guest_is_added_unable_to_sign_in_and_can_once_accepted() {
    // rule: USR-5
    let invited = Event::GuestInvited {
        tenant: t1(),
        user: id(14),
        invitation: id(114),
        email: "guest@fabrikam.com".parse().unwrap(),
    };
    assert_eq!(
        changes(base(), &invited),
        [P::UserAdded {
            user: id(14),
            tenant: t1(),
            can_sign_in: false
        }]
    );
    let accepted = Event::InvitationAccepted {
        tenant: t1(),
        user: id(14),
        invitation: id(114),
    };
    assert_eq!(
        changes(base_with([invited]), &accepted),
        [P::SignInChanged {
            user: id(14),
            can_sign_in: true
        }]
    );
}

#[test]
fn a_directory_only_member_added_as_a_user_gains_sign_in_rather_than_being_added_twice() {
    // rule: USR-3, USR-7
    let history = base_with([Event::GroupsAdded {
        tenant: t1(),
        groups: vec![dir_group(50, vec![id(13)])],
    }]);
    let added = Event::UsersAdded {
        tenant: t1(),
        users: vec![
            dir_user(13, "di@contoso.com", false),
            dir_user(16, "ed@contoso.com", false),
        ],
    };
    assert_eq!(
        changes(history, &added),
        [
            P::SignInChanged {
                user: id(13),
                can_sign_in: true
            },
            P::UserAdded {
                user: id(16),
                tenant: t1(),
                can_sign_in: true
            },
        ]
    );
}

#[test]
fn a_created_user_is_added_before_joining_its_groups() {
    // rule: USR-4
    let history = base_with([Event::GroupCreated {
        tenant: t1(),
        group: id(50),
        name: "Ops".parse().unwrap(),
        members: vec![],
    }]);
    let created = Event::UserCreated {
        tenant: t1(),
        user: id(17),
        name: partnerkit_core::PersonName::new("Fay", "Gren").unwrap(),
        username: "fay@contoso.com".parse().unwrap(),
        global_admin: false,
        reset_email: None,
        groups: vec![id(50)],
        password: secret("Passw0rd-123").fingerprint(),
    };
    assert_eq!(
        changes(history, &created),
        [
            P::UserAdded {
                user: id(17),
                tenant: t1(),
                can_sign_in: true
            },
            P::MemberAdded {
                group: id(50),
                user: id(17)
            },
        ]
    );
}

#[test]
fn directory_only_members_leave_with_their_last_group() {
    // rule: GRP-3, GRP-2 (a member the account knows only through groups goes with the last)
    let history = base_with([Event::GroupsAdded {
        tenant: t1(),
        groups: vec![
            dir_group(50, vec![id(13), id(15), member1()]),
            dir_group(51, vec![id(15)]),
        ],
    }]);
    let removed = Event::GroupRemoved {
        tenant: t1(),
        group: id(50),
        members: vec![id(13), id(15), member1()],
    };
    assert_eq!(
        changes(history.clone(), &removed),
        [
            P::GroupRemoved { group: id(50) },
            P::UserRemoved { user: id(13) },
        ]
    );
    let changed = Event::GroupMembersChanged {
        tenant: t1(),
        group: id(50),
        added: vec![],
        removed: vec![id(13), id(15), member1()],
    };
    assert_eq!(
        changes(history, &changed),
        [
            P::MemberRemoved {
                group: id(50),
                user: id(13)
            },
            P::UserRemoved { user: id(13) },
            P::MemberRemoved {
                group: id(50),
                user: id(15)
            },
            P::MemberRemoved {
                group: id(50),
                user: member1()
            },
        ]
    );
}

#[test]
fn a_group_removed_event_without_members_still_reads() {
    // rule: X-1 (histories written before the members were listed still load)
    let json = r#"{"type":"group_removed","tenant":"00000000-0000-0000-0000-000000000001","group":"00000000-0000-0000-0000-000000000032"}"#;
    let event: Event = serde_json::from_str(json).unwrap();
    assert_eq!(
        event,
        Event::GroupRemoved {
            tenant: t1(),
            group: id(50),
            members: vec![],
        }
    );
}

#[test]
fn users_and_apps_sign_in_only_to_associated_tenants_and_nobody_else_does() {
    // rule: USR-1, APP-1
    let state = given::<Identity>(base_with([
        Event::AppsAdded {
            tenant: t1(),
            apps: vec![DirectoryApp {
                app: id(60),
                name: "Deployer".parse().unwrap(),
                reply_url: None,
                app_id_uri: None,
            }],
        },
        Event::GroupsAdded {
            tenant: t1(),
            groups: vec![dir_group(50, vec![id(13)])],
        },
    ]))
    .state();
    assert!(state.can_sign_in(&as_admin1()));
    assert!(state.can_sign_in(&user(t1(), id(13)))); // through its group (GRP-1)
    assert!(!state.can_sign_in(&user(t2(), admin1()))); // not its tenant
    assert!(state.can_sign_in(&Actor::App {
        tenant: t1(),
        app: id(60)
    }));
    assert!(!state.can_sign_in(&Actor::App {
        tenant: t2(),
        app: id(60)
    })); // claims another tenant
    assert!(!state.can_sign_in(&Actor::App {
        tenant: t1(),
        app: id(61)
    })); // not the account's
    assert!(!state.can_sign_in(&owner()));
    assert!(!state.can_sign_in(&Actor::Marketplace));
    // Removing the tenant signs its app out.
    let mut gone = state.clone();
    Identity::apply(
        &mut gone,
        &Event::TenantRemoved {
            tenant: t1(),
            users: vec![],
            groups: vec![],
            apps: vec![id(60)],
        },
    );
    assert!(!gone.can_sign_in(&Actor::App {
        tenant: t1(),
        app: id(60)
    }));
}
