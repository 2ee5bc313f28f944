//! Explained decisions (ROL-6), batch checks, "what may" and "who may", and authorising
//! commands first.

use partnerkit_access::{
    Access, AccessIndex, Command, DenialReason, Explanation, GrantSource, Permission,
    PermissionSet, Principal, Request, Role, authorize, authorize_batch, authorize_scan,
};
use partnerkit_core::testing::default_now;
use partnerkit_core::{Actor, Context, Decider, SequentialIds};

use crate::support::*;

#[test]
fn an_allowed_decision_names_the_grant_that_allowed_it() {
    // rule: ROL-6
    let idx = index(small_account());
    let own = idx.authorize(&Request::new(user(2), Permission::ManageOffers));
    assert_eq!(
        own.explanation,
        Explanation::Allowed {
            by: GrantSource {
                holder: u(2),
                grant: role(Role::Developer)
            }
        }
    );
    let through_group = idx.authorize(&Request::new(user(3), Permission::ManageOffers));
    assert_eq!(through_group.allowed_by().unwrap().holder, g(1));
    assert_eq!(
        idx.grants_allowing(&Request::new(user(3), Permission::ManageOffers)),
        vec![GrantSource {
            holder: g(1),
            grant: role(Role::Developer)
        }]
    );
}

#[test]
fn a_denial_says_what_was_missing() {
    // rule: ROL-6 — not a plain "no grant matched": the permission, the roles that give
    // it and what the principal holds.
    let idx = index(small_account());
    let d = idx.authorize(&Request::new(user(2), Permission::ManageUsers));
    assert_eq!(d.missing(), Some(Permission::ManageUsers));
    assert_eq!(d.roles_granting(), vec![Role::Owner, Role::Manager]);
    assert_eq!(d.held(), Some(Role::Developer.permissions()));
    assert_eq!(
        d.to_string(),
        "denied: user 00000000-0000-0000-0000-000000000002 lacks manage_users, given by the roles owner, manager or by custom permissions naming it; it holds: manage_offers, publish_offers, view_reports"
    );
    let owner_only = idx.authorize(&Request::new(user(1), Permission::ManageTaxSettings));
    assert_eq!(
        owner_only.explanation,
        Explanation::Denied {
            reason: DenialReason::OwnerOnly,
            held: Role::Manager.permissions()
        }
    );
    let unknown = idx.authorize(&Request::new(user(42), Permission::ViewReports));
    assert_eq!(
        unknown.explanation,
        Explanation::Denied {
            reason: DenialReason::UnknownPrincipal,
            held: PermissionSet::EMPTY
        }
    );
}

#[test]
fn batch_single_and_scan_agree() {
    let st = state(small_account());
    let idx = AccessIndex::build(&st);
    let principals = [
        u(1),
        u(2),
        u(3),
        u(4),
        g(1),
        a(1),
        Principal::OwnerAccount(owner()),
    ];
    let requests: Vec<Request> = principals
        .iter()
        .flat_map(|p| {
            Permission::ALL.map(|permission| Request {
                principal: *p,
                permission,
            })
        })
        .collect();
    let batch = authorize_batch(&idx, &requests);
    let single: Vec<_> = requests.iter().map(|r| authorize(&idx, r)).collect();
    let scan: Vec<_> = requests.iter().map(|r| authorize_scan(&st, r)).collect();
    assert_eq!(batch, single);
    assert_eq!(batch, scan);
}

#[test]
fn what_may_this_principal_do() {
    let idx = index([
        reg_user(1, T1),
        reg_group(1, T1),
        members(1, &[1]),
        grant(
            u(1),
            partnerkit_access::Grant::custom([Permission::ViewReports]).unwrap(),
        ),
        grant(g(1), role(Role::Developer)),
    ]);
    let what = idx.effective_permissions(u(1));
    let own = GrantSource {
        holder: u(1),
        grant: partnerkit_access::Grant::Custom(Permission::ViewReports.into()),
    };
    let dev = GrantSource {
        holder: g(1),
        grant: role(Role::Developer),
    };
    assert_eq!(
        what,
        vec![
            (Permission::ManageOffers, vec![dev]),
            (Permission::PublishOffers, vec![dev]),
            (Permission::ViewReports, vec![own, dev]),
        ]
    );
    assert_eq!(idx.grants_reaching(u(1)), vec![own, dev]);
}

#[test]
fn who_may_do_this() {
    let idx = index(small_account());
    assert_eq!(
        idx.who_may(Permission::PublishOffers),
        vec![u(1), u(2), u(3), g(1)]
    );
    assert_eq!(
        idx.who_may(Permission::ViewReports),
        vec![u(1), u(2), u(3), g(1), a(1)]
    );
    // The owner account is not stored in access, so it is not listed (it may do all).
    assert!(idx.who_may(Permission::ManagePayoutSettings).is_empty());
}

#[test]
fn principal_from_actor() {
    assert_eq!(
        Principal::from_actor(&Actor::User {
            tenant: tenant(T1),
            user: user(1)
        }),
        Some(u(1))
    );
    assert_eq!(
        Principal::from_actor(&Actor::App {
            tenant: tenant(T1),
            app: app(1)
        }),
        Some(a(1))
    );
    assert_eq!(
        Principal::from_actor(&Actor::OwnerAccount { owner: owner() }),
        Some(Principal::OwnerAccount(owner()))
    );
    assert_eq!(Principal::from_actor(&Actor::Marketplace), None);
}

#[test]
fn commands_are_authorised_first_and_a_denied_one_changes_nothing() {
    // rule: X-2 — the facade's flow: check the actor, then decide. A Developer may not make
    // anyone a Manager; a Manager may not make anyone an Owner (rule ROL-7).
    let mut st = state(small_account());
    let before = st.clone();
    let ids = SequentialIds::default();
    let run = |st: &mut partnerkit_access::AccessState, actor: Actor, cmd: Command| {
        let idx = AccessIndex::build(st);
        let who = Principal::from_actor(&actor).unwrap();
        idx.check(who, cmd.required_permissions(st))?;
        let ctx = Context::new(default_now(), actor, &ids);
        Ok::<_, partnerkit_access::Decision>(Access::execute(st, cmd, &ctx).unwrap())
    };
    let dev = Actor::User {
        tenant: tenant(T1),
        user: user(2),
    };
    let manager = Actor::User {
        tenant: tenant(T1),
        user: user(1),
    };
    let denied = run(&mut st, dev, grant(u(3), role(Role::Manager))).unwrap_err();
    assert_eq!(denied.missing(), Some(Permission::ViewAccountSettings));
    assert_eq!(st, before);
    let denied = run(&mut st, manager, grant(u(3), role(Role::Owner))).unwrap_err();
    assert_eq!(denied.missing(), Some(Permission::ManagePayoutSettings));
    assert_eq!(st, before);
    // The owner account may make someone an Owner.
    let owner_actor = Actor::OwnerAccount { owner: owner() };
    run(&mut st, owner_actor, grant(u(3), role(Role::Owner))).unwrap();
    let idx = AccessIndex::build(&st);
    assert!(
        idx.authorize(&Request::new(user(3), Permission::ManageAccountSettings))
            .is_allowed()
    );
    // rule: ROL-7 — but an Owner who is not the owner account may not change payout and tax
    // settings, nor hand the Owner role on.
    assert!(
        !idx.authorize(&Request::new(user(3), Permission::ManageTaxSettings))
            .is_allowed()
    );
    let before = st.clone();
    let other_owner = Actor::User {
        tenant: tenant(T1),
        user: user(3),
    };
    let denied = run(&mut st, other_owner, grant(u(2), role(Role::Owner))).unwrap_err();
    assert_eq!(denied.missing(), Some(Permission::ManagePayoutSettings));
    assert_eq!(st, before);
}
