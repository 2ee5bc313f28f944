//! Property tests: random command sequences by random actors.

use partnerkit_core::testing::{default_now, id};
use partnerkit_core::{Actor, Context, Decider, PersonName, SequentialIds, TenantId, UserId};
use partnerkit_identity::{
    Account, AccountType, Command, DirectoryApp, DirectoryGroup, Event, Identity,
};
use proptest::prelude::*;

use crate::support::*;

const TENANTS: [u128; 3] = [1, 2, 3];
/// Small ids of fixtures, then ids the run's `SequentialIds` hands out (1001, 1002, …).
const USERS: [u128; 10] = [11, 12, 21, 31, 40, 1001, 1002, 1003, 1004, 1005];

fn tenant() -> impl Strategy<Value = TenantId> {
    prop::sample::select(TENANTS.to_vec()).prop_map(id)
}
fn user_n() -> impl Strategy<Value = u128> {
    prop::sample::select(USERS.to_vec())
}
fn user() -> impl Strategy<Value = UserId> {
    user_n().prop_map(id)
}

fn actor() -> impl Strategy<Value = Actor> {
    prop_oneof![
        4 => prop::sample::select(vec![as_admin1(), as_member1(), as_admin2()]),
        4 => (tenant(), user()).prop_map(|(tenant, user)| Actor::User { tenant, user }),
        1 => Just(owner()),
        1 => Just(Actor::Marketplace),
    ]
}

fn command() -> impl Strategy<Value = Command> {
    prop_oneof![
        (100u128..103, 1u8..3).prop_map(|(a, t)| Command::OpenAccount {
            account: id(a),
            seller_id: format!("{a}").parse().unwrap(),
            account_type: if t == 1 {
                AccountType::Company
            } else {
                AccountType::Individual
            },
            display_name: "Other".parse().unwrap(),
        }),
        (tenant(), user_n(), any::<bool>()).prop_map(|(t, u, synced)| {
            Command::BeginTenantAssociation {
                tenant: t,
                organization: "Org".parse().unwrap(),
                domain: format!("d{}.com", t.uuid().as_u128()).parse().unwrap(),
                synced_from_on_premises: synced,
                first_user: Some(dir_user(u, &format!("u{u}@x.com"), true)),
            }
        }),
        tenant().prop_map(|tenant| Command::ConfirmTenantAssociation { tenant }),
        tenant().prop_map(|tenant| Command::CancelTenantAssociation { tenant }),
        (0u8..3).prop_map(|n| Command::CreateTenant {
            tenant: None,
            admin: None,
            label: format!("new{n}").parse().unwrap(),
            contact_email: "it@x.com".parse().unwrap(),
            admin_name: PersonName::new("A", "B").unwrap(),
            admin_username: format!("a@new{n}.onmicrosoft.com").parse().unwrap(),
            admin_password: secret("Passw0rd-123"),
        }),
        (tenant(), any::<bool>())
            .prop_map(|(tenant, confirmed)| Command::RemoveTenant { tenant, confirmed }),
        // Removal is what the property is about: ask for it more often.
        tenant().prop_map(|tenant| Command::RemoveTenant {
            tenant,
            confirmed: true
        }),
        tenant().prop_map(|tenant| Command::RemoveTenant {
            tenant,
            confirmed: true
        }),
        (
            tenant(),
            prop::collection::vec((user_n(), any::<bool>()), 1..3)
        )
            .prop_map(|(tenant, us)| Command::AddUsers {
                tenant,
                users: us
                    .into_iter()
                    .map(|(u, a)| dir_user(u, &format!("u{u}@x.com"), a))
                    .collect(),
            }),
        (tenant(), any::<bool>(), 0u8..4).prop_map(|(tenant, admin, n)| Command::CreateUser {
            user: None,
            tenant,
            name: PersonName::new("C", "D").unwrap(),
            username: format!("c{n}@x.com").parse().unwrap(),
            global_admin: admin,
            reset_email: admin.then(|| "r@x.com".parse().unwrap()),
            groups: vec![],
            password: secret("Passw0rd-123"),
        }),
        (tenant(), 0u8..4).prop_map(|(tenant, n)| Command::InviteGuests {
            guests: Vec::new(),
            tenant,
            invitees: format!("g{n}@y.com; h{n}@y.com").parse().unwrap(),
        }),
        user().prop_map(|user| Command::AcceptInvitation { user }),
        (user(), any::<bool>())
            .prop_map(|(user, confirmed)| Command::RemoveUser { user, confirmed }),
        (tenant(), 50u128..53, prop::collection::vec(user(), 0..3)).prop_map(
            |(tenant, g, members)| Command::AddGroups {
                tenant,
                groups: vec![DirectoryGroup {
                    group: id(g),
                    name: "G".parse().unwrap(),
                    members,
                }],
            }
        ),
        (tenant(), prop::collection::vec(user(), 0..3)).prop_map(|(tenant, members)| {
            Command::CreateGroup {
                group: None,
                tenant,
                name: "G".parse().unwrap(),
                members,
            }
        }),
        (50u128..53, user()).prop_map(|(g, u)| Command::ChangeGroupMembers {
            group: id(g),
            add: vec![u],
            remove: vec![],
        }),
        (50u128..53).prop_map(|g| Command::RemoveGroup {
            group: id(g),
            confirmed: true
        }),
        (tenant(), 60u128..63).prop_map(|(tenant, a)| Command::AddApps {
            tenant,
            apps: vec![DirectoryApp {
                app: id(a),
                name: "A".parse().unwrap(),
                reply_url: None,
                app_id_uri: None,
            }],
        }),
        (60u128..63).prop_map(|a| Command::RemoveApps {
            apps: vec![id(a)],
            confirmed: true
        }),
    ]
}

fn signed_in(state: &Account, tenant: TenantId) -> Vec<UserId> {
    USERS
        .iter()
        .map(|u| id::<UserId>(*u))
        .filter(|u| state.can_sign_in(&crate::support::user(tenant, *u)))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn publisher_ids_never_change_and_removed_tenants_sign_nobody_in(
        steps in prop::collection::vec((actor(), command()), 1..40)
    ) {
        // rule: ACC-2
        // rule: TEN-4
        // rule: X-1
        let initial = base();
        let mut state = Identity::fold(&initial);
        let ids0 = state.publisher_ids().unwrap();
        let ids = SequentialIds::starting_after(1000);
        let mut log = initial;
        for (actor, cmd) in steps {
            let ctx = Context::new(default_now(), actor, &ids);
            let before = state.clone();
            match Identity::execute(&mut state, cmd, &ctx) {
                Ok(events) => {
                    // Nothing changes without an event: a no-op decides none.
                    if events.is_empty() {
                        prop_assert_eq!(&state, &before);
                    }
                    for e in &events {
                        if let Event::TenantRemoved { tenant, users, .. } = e {
                            // The event lists every user of the tenant …
                            for u in before.users_of(*tenant) {
                                prop_assert!(users.contains(&u.id));
                            }
                            // … and nobody who could sign in from it still can.
                            prop_assert!(signed_in(&state, *tenant).is_empty());
                            for u in users {
                                prop_assert!(state.user(*u).is_none());
                                for t in TENANTS {
                                    prop_assert!(!state.can_sign_in(&crate::support::user(id(t), *u)));
                                }
                            }
                        }
                    }
                    log.extend(events);
                }
                Err(_) => prop_assert_eq!(&state, &before),
            }
            // A tenant that is not associated signs nobody in.
            for t in TENANTS {
                if state.tenant(id(t)).is_none() {
                    prop_assert!(signed_in(&state, id(t)).is_empty());
                }
            }
            // The derived indexes kept by apply equal the ones rebuilt when a state is read.
            let back: Account =
                serde_json::from_value(serde_json::to_value(&state).unwrap()).unwrap();
            prop_assert_eq!(&back, &state);
            let now = state.publisher_ids().unwrap();
            prop_assert_eq!(now.account, ids0.account);
            prop_assert_eq!(&now.seller_id, &ids0.seller_id);
            prop_assert_eq!(state.profile().unwrap().account_type, AccountType::Company);
        }
        prop_assert_eq!(Identity::fold(&log), state);
    }
}
