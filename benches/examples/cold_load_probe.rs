//! A probe for `valgrind --tool=callgrind` of a cold load (issue 22): where the instructions
//! of loading a large account go, repeatable whatever else the machine is doing.
//!
//! `cold_load_probe fill FILE USERS` writes an account of `USERS` users (default 100,000)
//! to the SQLite file `FILE` through the service, as the service bench does;
//! `cold_load_probe load FILE` loads it once — `store.load` (the snapshot and the events
//! after it, decoded and checked), the fold, `AccessIndex::build` — each step in a function
//! of its own, so callgrind's inclusive costs name them.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::hint::black_box;
use std::time::Instant;

use partnerkit::access::{AccessIndex, Grant, Role};
use partnerkit::core::chrono::{TimeZone, Utc};
use partnerkit::core::uuid::Uuid;
use partnerkit::core::{
    AccountId, Actor, Context, CountryCode, Currency, DisplayName, EmailAddress, PersonName,
    SellerId, SequentialIds, TenantId, UserId,
};
use partnerkit::identity::{AccountType, DirectoryUser, DomainName};
use partnerkit::store::{AccountStore, Loaded};
use partnerkit::{AccountService, AccountState, OpenAccount, TenantToAssociate};
use partnerkit_sqlite::SqliteStore;

fn account() -> AccountId {
    AccountId::from_uuid(Uuid::from_u128(1))
}

fn tenant() -> TenantId {
    TenantId::from_uuid(Uuid::from_u128(2))
}

fn user(n: usize) -> DirectoryUser {
    DirectoryUser {
        user: UserId::from_uuid(Uuid::from_u128(1_000 + n as u128)),
        name: PersonName::new("Ada", &format!("User{n}")).unwrap(),
        username: EmailAddress::new(&format!("user{n}@contoso.com")).unwrap(),
        global_admin: n == 0,
    }
}

fn fill(path: &str, users: usize) {
    let store = SqliteStore::open(path).unwrap();
    let service = AccountService::new(store);
    let ids = SequentialIds::starting_after(1 << 40);
    let now = Utc.with_ymd_and_hms(2027, 1, 5, 9, 0, 0).unwrap();
    let marketplace = Context::new(now, Actor::Marketplace, &ids);
    let open = OpenAccount {
        account: account(),
        seller_id: SellerId::new("91234567").unwrap(),
        account_type: AccountType::Company,
        display_name: DisplayName::new("Contoso Apps").unwrap(),
        owner: None,
        country: CountryCode::US,
        currency: Currency::USD,
    };
    service.open_account(&marketplace, open).unwrap();
    let association = TenantToAssociate {
        tenant: tenant(),
        organization: DisplayName::new("Contoso").unwrap(),
        domain: DomainName::new("contoso.com").unwrap(),
        synced_from_on_premises: false,
        first_user: Some(user(0)),
    };
    service
        .begin_tenant_association(account(), &marketplace, association)
        .unwrap();
    service
        .confirm_tenant_association(account(), &marketplace, tenant(), None)
        .unwrap();
    let manager = Actor::User {
        tenant: tenant(),
        user: user(0).user,
    };
    let ctx = Context::new(now, manager, &ids);
    let mut next = 1;
    while next < users {
        let chunk: Vec<_> = (next..(next + 1_000).min(users)).map(user).collect();
        next += chunk.len();
        service
            .add_users(
                account(),
                &ctx,
                tenant(),
                chunk,
                Grant::Role(Role::Developer),
            )
            .unwrap();
    }
    eprintln!("{users} users written to {path}");
}

#[inline(never)]
fn probe_store_load(store: &SqliteStore) -> Loaded {
    store.load(account()).unwrap().unwrap()
}

#[inline(never)]
fn probe_fold(loaded: Loaded) -> AccountState {
    loaded.fold().0
}

#[inline(never)]
fn probe_index_build(state: &AccountState) -> AccessIndex {
    AccessIndex::build(&state.access)
}

fn load(path: &str) {
    let store = SqliteStore::open(path).unwrap();
    let start = Instant::now();
    let loaded = probe_store_load(&store);
    let events = loaded.events.len();
    let t_load = start.elapsed();
    let state = probe_fold(loaded);
    let t_fold = start.elapsed();
    black_box(probe_index_build(&state));
    let t_index = start.elapsed();
    eprintln!(
        "load: store.load {t_load:.2?} (snapshot + {events} events), fold {:.2?}, index {:.2?}",
        t_fold - t_load,
        t_index - t_fold
    );
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["fill", path] => fill(path, 100_000),
        ["fill", path, users] => fill(path, users.parse().unwrap()),
        ["load", path] => load(path),
        _ => panic!("usage: cold_load_probe fill FILE [USERS] | load FILE"),
    }
}
