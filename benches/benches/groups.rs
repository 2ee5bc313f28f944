//! One `add_groups` of 1,000 to 50,000 directory groups that all contain the same user,
//! through the service in memory: the cost must stay linear in groups × members (a command
//! that was quadratic in the number of groups sharing a member was a denial of service).
//!
//! Each iteration opens a fresh account (the marketplace opens it and associates its first
//! tenant, whose first user is a Manager), adds one Developer, Bob, and then — timed — adds N
//! groups in one command, each with Bob as its only member, all granted the Developer role.
//! Group ids are scrambled, so they do not arrive in id order.
//!
//! `PARTNERKIT_BENCH_MAX_GROUPS` (e.g. `4000`) caps the sizes, for a quick try.
// `criterion_group!` makes a public function without documentation.
#![allow(missing_docs)]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::time::{Duration, Instant};

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use partnerkit::access::{Grant, Role};
use partnerkit::core::chrono::{DateTime, TimeZone, Utc};
use partnerkit::core::uuid::Uuid;
use partnerkit::core::{
    AccountId, Actor, Context, CountryCode, Currency, DisplayName, EmailAddress, GroupId,
    PersonName, SellerId, SequentialIds, TenantId, UserId,
};
use partnerkit::identity::{AccountType, DirectoryGroup, DirectoryUser, DomainName};
use partnerkit::{AccountService, InMemoryStore, OpenAccount, TenantToAssociate};

const SIZES: [usize; 3] = [1_000, 10_000, 50_000];

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2027, 1, 5, 9, 0, 0).unwrap()
}

fn account() -> AccountId {
    AccountId::from_uuid(Uuid::from_u128(1))
}

fn tenant() -> TenantId {
    TenantId::from_uuid(Uuid::from_u128(2))
}

fn manager() -> UserId {
    UserId::from_uuid(Uuid::from_u128(3))
}

fn bob() -> UserId {
    UserId::from_uuid(Uuid::from_u128(4))
}

/// The n-th group: ids scrambled by an odd multiplier, so not in id order.
fn group(n: usize) -> DirectoryGroup {
    let scrambled = (n as u128 + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15_f39c_c060_5ced_c835);
    DirectoryGroup {
        group: GroupId::from_uuid(Uuid::from_u128(scrambled)),
        name: DisplayName::new(&format!("Group {n}")).unwrap(),
        members: vec![bob()],
    }
}

/// A fresh account with its Manager and Bob (a Developer), and the groups to add.
struct Setup {
    service: AccountService<InMemoryStore>,
    ids: SequentialIds,
    groups: Vec<DirectoryGroup>,
}

impl Setup {
    fn new(n: usize) -> Setup {
        let setup = Setup {
            service: AccountService::new(InMemoryStore::new()),
            ids: SequentialIds::starting_after(1 << 40),
            groups: (0..n).map(group).collect(),
        };
        let marketplace = Context::new(now(), Actor::Marketplace, &setup.ids);
        let svc = &setup.service;
        svc.open_account(
            &marketplace,
            OpenAccount {
                account: account(),
                seller_id: SellerId::new("91234567").unwrap(),
                account_type: AccountType::Company,
                display_name: DisplayName::new("Contoso Apps").unwrap(),
                owner: None,
                country: CountryCode::US,
                currency: Currency::USD,
            },
        )
        .unwrap();
        let first_user = DirectoryUser {
            user: manager(),
            name: PersonName::new("Alice", "Lind").unwrap(),
            username: EmailAddress::new("alice@contoso.com").unwrap(),
            global_admin: true,
        };
        svc.begin_tenant_association(
            account(),
            &marketplace,
            TenantToAssociate {
                tenant: tenant(),
                organization: DisplayName::new("Contoso").unwrap(),
                domain: DomainName::new("contoso.com").unwrap(),
                synced_from_on_premises: false,
                first_user: Some(first_user),
            },
        )
        .unwrap();
        svc.confirm_tenant_association(account(), &marketplace, tenant(), None)
            .unwrap();
        let bob = DirectoryUser {
            user: bob(),
            name: PersonName::new("Bob", "Lind").unwrap(),
            username: EmailAddress::new("bob@contoso.com").unwrap(),
            global_admin: false,
        };
        svc.add_users(
            account(),
            &setup.as_manager(),
            tenant(),
            vec![bob],
            Grant::Role(Role::Developer),
        )
        .unwrap();
        setup
    }

    fn as_manager(&self) -> Context<'_> {
        let actor = Actor::User {
            tenant: tenant(),
            user: manager(),
        };
        Context::new(now(), actor, &self.ids)
    }

    /// The timed part: one `add_groups` of every group.
    fn add_groups(mut self) -> Setup {
        let groups = std::mem::take(&mut self.groups);
        let done = self
            .service
            .add_groups(
                account(),
                &self.as_manager(),
                tenant(),
                groups,
                Grant::Role(Role::Developer),
            )
            .unwrap();
        std::hint::black_box(done);
        self
    }
}

fn max_groups() -> usize {
    std::env::var("PARTNERKIT_BENCH_MAX_GROUPS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(usize::MAX)
}

fn add_groups(c: &mut Criterion) {
    let cap = max_groups();
    let mut g = c.benchmark_group("service/memory/add_groups_same_member");
    g.sample_size(10);
    for &n in SIZES.iter().filter(|&&n| n <= cap) {
        // One untimed run first, printed, so a regression shows even before criterion's
        // samples finish.
        let setup = Setup::new(n);
        let start = Instant::now();
        let done = setup.add_groups();
        eprintln!(
            "add_groups of {n} groups sharing one member: {:.2?} (one run)",
            start.elapsed()
        );
        let groups = done
            .service
            .state(account())
            .unwrap()
            .unwrap()
            .identity
            .groups()
            .count();
        assert_eq!(groups, n);
        g.bench_function(format!("{n}"), |b| {
            b.iter_batched(|| Setup::new(n), Setup::add_groups, BatchSize::PerIteration)
        });
    }
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5));
    targets = add_groups
}
criterion_main!(benches);
