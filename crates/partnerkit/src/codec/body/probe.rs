//! A timing probe: builds a 100,000-user state as the service bench does and times the body
//! codec against JSON, the state's clone and `==` (wall and CPU time: the machine may be
//! shared). Run with
//! `cargo test --profile bench -p partnerkit --lib probe -- --ignored --nocapture`;
//! `PROBE_USERS=N` changes the size, and `PROBE_ONLY=decode|encode|json|clone` runs only ten
//! of one operation, for `perf record`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::time::{Duration, Instant};

use partnerkit_access::{Grant, Role};
use partnerkit_core::chrono::{TimeZone, Utc};
use partnerkit_core::uuid::Uuid;
use partnerkit_core::{
    AccountId, Actor, Context, DisplayName, EmailAddress, PersonName, SequentialIds, TenantId,
    UserId,
};
use partnerkit_identity::{DirectoryUser, DomainName};

use crate::state::sample_opening;
use crate::{AccountService, AccountState, InMemoryStore, TenantToAssociate};

/// An account of `users` users built through the service as the service bench builds it:
/// one tenant, its Manager, then `add_users` of 1,000 Developers at a time.
fn state(users: usize) -> AccountState {
    let now = Utc.with_ymd_and_hms(2027, 1, 5, 9, 0, 0).unwrap();
    let account = AccountId::from_uuid(Uuid::from_u128(1));
    let tenant = TenantId::from_uuid(Uuid::from_u128(2));
    let ids = SequentialIds::starting_after(1 << 40);
    let svc = AccountService::new(InMemoryStore::new());
    let marketplace = Context::new(now, Actor::Marketplace, &ids);
    svc.open_account(&marketplace, sample_opening(account))
        .unwrap();
    let manager = UserId::from_uuid(Uuid::from_u128(3));
    svc.begin_tenant_association(
        account,
        &marketplace,
        TenantToAssociate {
            tenant,
            organization: DisplayName::new("Contoso").unwrap(),
            domain: DomainName::new("contoso.com").unwrap(),
            synced_from_on_premises: false,
            first_user: Some(DirectoryUser {
                user: manager,
                name: PersonName::new("Alice", "Lind").unwrap(),
                username: EmailAddress::new("alice@contoso.com").unwrap(),
                global_admin: true,
            }),
        },
    )
    .unwrap();
    svc.confirm_tenant_association(account, &marketplace, tenant, None)
        .unwrap();
    let ctx = Context::new(
        now,
        Actor::User {
            tenant,
            user: manager,
        },
        &ids,
    );
    for chunk in (0..users).collect::<Vec<_>>().chunks(1000) {
        let people = chunk
            .iter()
            .map(|n| DirectoryUser {
                user: UserId::from_uuid(Uuid::from_u128(1_000_000 + *n as u128)),
                name: PersonName::new("User", &format!("Number {n}")).unwrap(),
                username: EmailAddress::new(&format!("user{n}@contoso.com")).unwrap(),
                global_admin: false,
            })
            .collect();
        svc.add_users(account, &ctx, tenant, people, Grant::Role(Role::Developer))
            .unwrap();
    }
    svc.state(account).unwrap().unwrap()
}

/// This thread's time on a CPU (the machine is shared: wall time counts others' work).
fn cpu() -> Duration {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").unwrap();
    Duration::from_nanos(stat.split_whitespace().next().unwrap().parse().unwrap())
}

/// The best of 5 runs of `f`: wall time and CPU time, the result's drop excluded.
fn best<T>(f: impl Fn() -> T) -> String {
    let (wall, cpu) = (0..5)
        .map(|_| {
            let (t, c) = (Instant::now(), cpu());
            let v = std::hint::black_box(f());
            let took = (t.elapsed(), cpu() - c);
            drop(v);
            took
        })
        .fold((Duration::MAX, Duration::MAX), |(w, c), (w2, c2)| {
            (w.min(w2), c.min(c2))
        });
    format!("{wall:.2?} wall, {cpu:.2?} CPU")
}

#[test]
#[ignore = "a timing probe"]
fn probe() {
    let users = std::env::var("PROBE_USERS").map_or(100_000, |v| v.parse().unwrap());
    let state = state(users);
    if let Ok(only) = std::env::var("PROBE_ONLY") {
        let body = super::encode(&state).unwrap();
        let json = serde_json::to_vec(&state).unwrap();
        for _ in 0..10 {
            match only.as_str() {
                "decode" => drop(std::hint::black_box(super::decode(&body).unwrap())),
                "encode" => drop(std::hint::black_box(super::encode(&state).unwrap())),
                "json" => drop(std::hint::black_box(
                    serde_json::from_slice::<AccountState>(&json).unwrap(),
                )),
                "clone" => drop(std::hint::black_box(state.clone())),
                _ => {}
            }
        }
        return;
    }
    let json = serde_json::to_vec(&state).unwrap();
    let body = super::encode(&state).unwrap();
    eprintln!(
        "{users} users: JSON {} bytes, body {} bytes",
        json.len(),
        body.len()
    );
    eprintln!("clone: {}", best(|| state.clone()));
    let copy = state.clone();
    eprintln!("==: {}", best(|| state == copy));
    eprintln!(
        "JSON encode with its proof (to_vec, from_slice, ==): {}",
        best(|| {
            let json = serde_json::to_vec(&state).unwrap();
            assert!(serde_json::from_slice::<AccountState>(&json).unwrap() == state);
            json
        })
    );
    eprintln!(
        "body serialise only: {}",
        best(|| super::ser::write(&state, Vec::new()).unwrap())
    );
    eprintln!(
        "JSON decode: {}",
        best(|| serde_json::from_slice::<AccountState>(&json).unwrap())
    );
    eprintln!(
        "body encode (with proof): {}",
        best(|| super::encode(&state).unwrap())
    );
    eprintln!("body decode: {}", best(|| super::decode(&body).unwrap()));
    eprintln!(
        "body parse only (IgnoredAny): {}",
        best(|| super::de::read::<serde::de::IgnoredAny>(&body[super::HEADER..]).unwrap())
    );
    eprintln!("checksum: {}", best(|| super::checksum::xxh64(&body)));
}
