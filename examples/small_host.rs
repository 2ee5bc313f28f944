//! A small host of one's own, as a new team writes it in its first hour: a SQLite store, the
//! system clock, random ids, an account opened by the marketplace, a user added by the
//! account's first Manager, an authorisation check and a payout statement — with three `use`
//! lines and no nested `Result`.
//!
//! Run with `cargo run --example small_host`; `cargo test -p partnerkit-examples` runs it too.

use partnerkit::core::chrono::{Datelike, Months, Utc};
use partnerkit::payouts::{LedgerEntry, PayoutMonth, PayoutPolicy, RevenueSource};
use partnerkit::prelude::*;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // The store: one SQLite file (crate `partnerkit-sqlite`); any `AccountStore` will do.
    let path = std::env::temp_dir().join(format!("small-host-{}.sqlite", std::process::id()));
    let store = partnerkit_sqlite::SqliteStore::open(&path)?;
    let outcome = run(AccountService::new(store));
    std::fs::remove_file(&path)?;
    outcome
}

fn run<S: AccountStore>(service: AccountService<S>) -> Result<(), Box<dyn std::error::Error>> {
    // Time, ids and secure randomness as in production; the actor from your authentication.
    let ctx = |actor| Context::new(Utc::now(), actor, &RandomIds).with_rng(&OsRandom);
    let marketplace = ctx(Actor::Marketplace);
    let (account, tenant): (AccountId, TenantId) = (marketplace.new_id(), marketplace.new_id());
    let (alice, bob): (UserId, UserId) = (marketplace.new_id(), marketplace.new_id());

    // The marketplace opens the account and associates the tenant Alice signed in to; she
    // becomes its first Manager (rules ACC-2, TEN-2).
    let open = OpenAccount::new(
        account,
        SellerId::new("91234567")?,
        AccountType::Company,
        DisplayName::new("Contoso Apps")?,
        CountryCode::US,
        Currency::USD,
    );
    service.open_account(&marketplace, open)?;
    let directory =
        TenantToAssociate::new(tenant, DisplayName::new("Contoso")?, "contoso.com".parse()?)
            .with_first_user(DirectoryUser {
                user: alice,
                name: PersonName::new("Alice", "Lind")?,
                username: "alice@contoso.com".parse()?,
                global_admin: true,
            });
    service.begin_tenant_association(account, &marketplace, directory)?;
    service.confirm_tenant_association(account, &marketplace, tenant, None)?;

    // Alice creates Bob, a Developer; his initial password is shown once (rule USR-8).
    let as_alice = Actor::User {
        tenant,
        user: alice,
    };
    let bob_user = NewUser::new(
        tenant,
        bob,
        PersonName::new("Bob", "Lind")?,
        "bob@contoso.com".parse()?,
    )
    .with_grant(Grant::Role(Role::Developer));
    let created = service.create_user(account, &ctx(as_alice), bob_user)?;
    println!(
        "Bob created; initial password shown once: {}",
        created.revealed.is_some()
    );

    // May Bob publish offers? Manage users? One `Result` each: a no is `Error::Denied`, with
    // the same explained denial a command would get (rules ROL-6, ROL-7).
    let as_bob = Actor::User { tenant, user: bob };
    let yes = service.authorize(account, &as_bob, Permission::PublishOffers)?;
    println!("Bob may publish offers: {yes}");
    match service.authorize(account, &as_bob, Permission::ManageUsers) {
        Ok(_) => return Err("a Developer may not manage users (rule ROL-2)".into()),
        Err(no) if no.is_denied() => println!("Bob may not manage users: {no}"),
        Err(failed) => return Err(failed.into()),
    }

    // A payout statement for last month's sales, as Alice sees it (rules PAY-5, PAY-9).
    let today = Utc::now().date_naive();
    let last_month = today
        .checked_sub_months(Months::new(1))
        .ok_or("no last month")?;
    let sale = LedgerEntry::new(
        RevenueSource::new(RevenueSource::APP_SALES)?,
        "120.00 USD".parse()?,
        last_month.with_day(1).ok_or("no first day")?,
        CountryCode::US,
        &PayoutPolicy::default(),
    )?;
    let month = PayoutMonth::of_date(today)?;
    for statement in service.statements_for(account, &as_alice, &[sale], month, month)? {
        println!(
            "{}: earned {}, {}",
            statement.month, statement.earned, statement.outcome
        );
    }
    // Bob, a Developer, sees no financial information (rule ROL-2).
    let refused = service.statements_for(account, &as_bob, &[], month, month);
    println!(
        "Bob reads statements: {}",
        refused.map_or_else(|e| e.code(), |_| "shown")
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    /// The host runs from start to end: every step above succeeds (or is refused as stated).
    #[test]
    fn the_small_host_runs() {
        super::main().unwrap();
    }
}
