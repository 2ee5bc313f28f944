//! The access index for frequent checks: build it once per version of the access state, then
//! every check is a lookup and a bit test (`partnerkit_access::AccessIndex`).
//!
//! Run with `cargo run --example access_index`.

use std::error::Error;
use std::time::Instant;

use partnerkit_access::{
    Access, AccessIndex, AccessState, Command, Grant, Permission, PermissionSet, Principal,
    Request, Role,
};
use partnerkit_core::chrono::{TimeZone, Utc};
use partnerkit_core::uuid::Uuid;
use partnerkit_core::{Actor, Context, Decider, GroupId, SequentialIds, TenantId, UserId};

const USERS: u128 = 2_000;

fn main() -> Result<(), Box<dyn Error>> {
    let ids = SequentialIds::default();
    let now = Utc
        .with_ymd_and_hms(2027, 3, 1, 9, 0, 0)
        .single()
        .ok_or("no such time")?;
    let ctx = Context::new(now, Actor::Marketplace, &ids);
    let tenant = TenantId::from_uuid(Uuid::from_u128(1));
    let user = |n: u128| UserId::from_uuid(Uuid::from_u128(1_000 + n));
    let (developers, finance) = (
        GroupId::from_uuid(Uuid::from_u128(10)),
        GroupId::from_uuid(Uuid::from_u128(11)),
    );

    // An account with many users: every tenth in the developers group, every hundredth a
    // Manager, and a finance group with custom permissions (rule ROL-3).
    let mut state = AccessState::default();
    let mut commands = Vec::new();
    for n in 0..USERS {
        commands.push(Command::RegisterUser {
            user: user(n),
            tenant,
            can_sign_in: true,
        });
    }
    for group in [developers, finance] {
        commands.push(Command::RegisterGroup { group, tenant });
    }
    commands.push(Command::SetGroupMembers {
        group: developers,
        members: (0..USERS).step_by(10).map(user).collect(),
    });
    commands.push(Command::SetGroupMembers {
        group: finance,
        members: vec![user(7)],
    });
    commands.push(Command::Grant {
        principal: Principal::Group(developers),
        grant: Grant::Role(Role::Developer),
    });
    commands.push(Command::Grant {
        principal: Principal::Group(finance),
        grant: Grant::custom([Permission::ViewFinancialReports])?,
    });
    for n in (0..USERS).step_by(100) {
        commands.push(Command::Grant {
            principal: Principal::User(user(n)),
            grant: Grant::Role(Role::Manager),
        });
    }
    for command in commands {
        Access::execute(&mut state, command, &ctx)?;
    }

    // Build once per state version; keep it beside the state and rebuild when the state
    // changes (it is a pure function of the state).
    let started = Instant::now();
    let index = AccessIndex::build(&state);
    println!(
        "index of {} principals built in {:?}",
        index.len(),
        started.elapsed()
    );

    // One check: allowed with the deciding grant, or denied with what was missing.
    let publish = index.authorize(&Request::new(user(10), Permission::PublishOffers));
    println!("{publish}");
    let reports = index.authorize(&Request::new(user(7), Permission::ViewFinancialReports));
    println!("{reports}");

    // A page checks several permissions of one principal: `check` answers "all of these?".
    let needed = PermissionSet::from(Permission::ManageOffers) | Permission::PublishOffers;
    match index.check(Principal::User(user(3)), needed) {
        Ok(()) => println!("user 3 may manage and publish offers"),
        Err(denial) => println!("user 3: {denial}"),
    }

    // Many requests at once: sorted by principal, consecutive requests share one lookup.
    let mut requests: Vec<Request> = (0..USERS)
        .flat_map(|n| {
            [Permission::PublishOffers, Permission::ManageUsers]
                .map(|permission| Request::new(user(n), permission))
        })
        .collect();
    requests.sort_by_key(|r| r.principal);
    let started = Instant::now();
    let decisions = index.authorize_batch(&requests);
    let allowed = decisions.iter().filter(|d| d.is_allowed()).count();
    println!(
        "{} checks in {:?}: {allowed} allowed",
        decisions.len(),
        started.elapsed()
    );

    // The reverse questions: who may do this, and what may this principal do.
    let managers = index.who_may(Permission::ManageUsers);
    println!("{} principals may manage users", managers.len());
    println!("user 7 holds {}", index.effective(Principal::User(user(7))));
    Ok(())
}
