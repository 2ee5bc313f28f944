//! A tenant, its users and an explained denial, through the pure deciders of
//! `partnerkit-identity` (who is there) and `partnerkit-access` (who may do what), without the
//! account service: the host checks access before each command, as the facade does.
//!
//! Run with `cargo run --example explained_denial`.

use std::error::Error;

use partnerkit_access::Command as AccessCommand;
use partnerkit_access::{Access, AccessIndex, AccessState, Grant, Permission, Principal, Role};
use partnerkit_core::chrono::{TimeZone, Utc};
use partnerkit_core::uuid::Uuid;
use partnerkit_core::{
    Actor, Context, Decider, EmailAddress, PersonName, SequentialIds, TenantId, UserId,
};
use partnerkit_identity::{Account, AccountType, Command, DirectoryUser, Identity};

fn person(user: UserId, first: &str, global_admin: bool) -> Result<DirectoryUser, Box<dyn Error>> {
    Ok(DirectoryUser {
        user,
        name: PersonName::new(first, "Lind")?,
        username: EmailAddress::new(&format!("{}@contoso.com", first.to_lowercase()))?,
        global_admin,
    })
}

/// The access command that gives `user` the role `role`.
fn grant_role(user: UserId, role: Role) -> AccessCommand {
    let principal = Principal::User(user);
    AccessCommand::Grant {
        principal,
        grant: Grant::Role(role),
    }
}

/// Registers a user identity has added with the access crate, with a role: what the facade
/// does after identity decided to add the user.
fn register(
    access: &mut AccessState,
    user: UserId,
    tenant: TenantId,
    role: Role,
    ctx: &Context<'_>,
) -> Result<(), Box<dyn Error>> {
    let can_sign_in = true; // a directory user, not a pending guest
    let register = AccessCommand::RegisterUser {
        user,
        tenant,
        can_sign_in,
    };
    Access::execute(access, register, ctx)?;
    Access::execute(access, grant_role(user, role), ctx)?;
    Ok(())
}

fn main() -> Result<(), Box<dyn Error>> {
    let ids = SequentialIds::starting_after(1000);
    let now = Utc
        .with_ymd_and_hms(2027, 3, 1, 9, 0, 0)
        .single()
        .ok_or("no such time")?;
    let tenant = TenantId::from_uuid(Uuid::from_u128(1));
    let user = |n| UserId::from_uuid(Uuid::from_u128(n));
    let (alice, bob, cy) = (user(2), user(3), user(4));
    let as_user = |user| Context::new(now, Actor::User { tenant, user }, &ids);
    let marketplace = Context::new(now, Actor::Marketplace, &ids);
    let (mut account, mut access) = (Account::default(), AccessState::default());

    // The marketplace opens the account (rule ACC-2).
    Identity::execute(
        &mut account,
        Command::OpenAccount {
            account: marketplace.new_id(),
            seller_id: "91234567".parse()?,
            account_type: AccountType::Company,
            display_name: "Contoso Apps".parse()?,
        },
        &marketplace,
    )?;

    // Alice, a global administrator of contoso.com, associates her tenant (rule TEN-2) and
    // becomes its first user; the host gives her the Manager role.
    Identity::execute(
        &mut account,
        Command::BeginTenantAssociation {
            tenant,
            organization: "Contoso Ltd".parse()?,
            domain: "contoso.com".parse()?,
            synced_from_on_premises: false,
            first_user: Some(person(alice, "Alice", true)?),
        },
        &as_user(alice),
    )?;
    let confirm = Command::ConfirmTenantAssociation { tenant };
    Identity::execute(&mut account, confirm, &as_user(alice))?;
    register(&mut access, alice, tenant, Role::Manager, &marketplace)?;

    // Alice adds Bob as a Developer (rule USR-3). The host first checks that she may: adding
    // a user needs ManageUsers and every permission the grant gives (rules X-2, ROL-8): what
    // a command needs is read from the current state.
    let needed = grant_role(bob, Role::Developer).required_permissions(&access);
    let index = AccessIndex::build(&access);
    index
        .check(Principal::User(alice), needed)
        .map_err(|denial| denial.to_string())?;
    let users = vec![person(bob, "Bob", false)?];
    Identity::execute(
        &mut account,
        Command::AddUsers { tenant, users },
        &as_user(alice),
    )?;
    register(&mut access, bob, tenant, Role::Developer, &as_user(alice))?;
    println!("Alice added Bob as a Developer");

    // Bob tries to add Cy. The index says no, and why: what was missing, which roles give
    // it, and what Bob does hold (rule ROL-6). Nothing was decided, nothing changed.
    let index = AccessIndex::build(&access);
    let needed = grant_role(cy, Role::Developer).required_permissions(&access);
    match index.check(Principal::User(bob), needed) {
        Ok(()) => println!("unexpected: Bob may add users"),
        Err(denial) => {
            println!("Bob adds Cy → {denial}");
            println!("  missing: {:?}", denial.missing());
            println!("  roles that give it: {:?}", denial.roles_granting());
        }
    }

    // Even Alice, a Manager, may not change payout settings: the Owner role gives that, and
    // only the owner account itself uses it (rules ROL-7, PAY-1).
    let payout_settings = Permission::ManagePayoutSettings.into();
    if let Err(denial) = index.check(Principal::User(alice), payout_settings) {
        println!("Alice changes the payout account → {denial}");
    }

    Ok(())
}
