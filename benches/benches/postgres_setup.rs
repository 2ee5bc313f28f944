//! What the PostgreSQL benches share: the server's URL, a schema of their own, the id source
//! and an account with a tenant and directory users to work on.
//!
//! Every event id in a run comes from [`ids`], one source for the whole process: the store
//! refuses an event id an account already holds (rule X-9), so two instances must never mint
//! the same one.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Instant;

use partnerkit::access::{Grant, Role};
use partnerkit::core::chrono::{DateTime, TimeZone, Utc};
use partnerkit::core::uuid::Uuid;
use partnerkit::core::{
    AccountId, Actor, Context, CountryCode, Currency, DisplayName, EmailAddress, EntityId,
    OwnerAccountId, PersonName, SellerId, SequentialIds, TenantId, UserId, Version,
};
use partnerkit::identity::{AccountType, DirectoryUser, DomainName, StepState, VerificationStep};
use partnerkit::store::{AsyncAccountStore, Loaded, Recorded, StoreError, Write};
use partnerkit::{AccountCommand, AsyncAccountService, OpenAccount, TenantToAssociate};
use partnerkit_postgres::PostgresStore;

pub(crate) const URL: &str = "PARTNERKIT_POSTGRES_URL";
pub(crate) const TENANT: u128 = 100;
pub(crate) const ALICE: u128 = 101;
/// Directory users are numbered from here.
pub(crate) const FIRST_USER: u128 = 1_000;
pub(crate) const BATCH: usize = 1_000;

/// The server's URL, or `None` after printing that `bench` was not run.
pub(crate) fn url(bench: &str) -> Option<String> {
    match std::env::var(URL) {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            println!(
                "{bench} bench not run: set {URL} (e.g. postgres://postgres@127.0.0.1:5432/test)"
            );
            None
        }
    }
}

/// A schema name no other run uses.
pub(crate) fn unique_schema(bench: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!(
        "pk_{bench}_{}_{}",
        std::process::id(),
        nanos % 1_000_000_000
    )
}

/// Runs `bench` (called with the server's URL and a schema name) on a tokio runtime, in a
/// schema of its own that is dropped afterwards, even if the bench panics. Without a server
/// it prints that the bench named `name` was not run, and returns.
pub(crate) fn run_in_schema(name: &str, prefix: &str, bench: impl AsyncFnOnce(&str, &str)) {
    let Some(url) = url(name) else { return };
    let schema = unique_schema(prefix);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        rt.block_on(bench(&url, &schema));
    }));
    let cleanup = PostgresStore::connect(&url)
        .unwrap()
        .with_schema(&schema)
        .unwrap();
    rt.block_on(cleanup.drop_schema()).unwrap();
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

/// The one id source of the process (see the module docs).
pub(crate) fn ids() -> &'static SequentialIds {
    static IDS: OnceLock<SequentialIds> = OnceLock::new();
    IDS.get_or_init(|| SequentialIds::starting_after(10_000_000))
}

pub(crate) fn id<I: EntityId>(n: u128) -> I {
    I::from_uuid(Uuid::from_u128(n))
}

pub(crate) fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2027, 1, 5, 9, 0, 0).unwrap()
}

pub(crate) fn alice() -> Actor {
    Actor::User {
        tenant: id(TENANT),
        user: id(ALICE),
    }
}

pub(crate) fn dir_user(n: u128) -> DirectoryUser {
    DirectoryUser {
        user: id(n),
        name: PersonName::new("Dana", "Lind").unwrap(),
        username: EmailAddress::new(&format!("u{n}@contoso.com")).unwrap(),
        global_admin: false,
    }
}

/// Opens a verified company account with tenant T (Alice, Manager) and `users - 1` more
/// directory users (Developers) added in batches of [`BATCH`].
pub(crate) async fn account_with<S>(svc: &AsyncAccountService<S>, account: AccountId, users: usize)
where
    S: AsyncAccountStore,
{
    let market = Context::new(now(), Actor::Marketplace, ids());
    let run = async |ctx: &Context<'_>, cmd| {
        if let Err(e) = svc.execute(account, ctx, cmd).await {
            panic!("setting up the account failed: {e}");
        }
    };
    run(
        &market,
        AccountCommand::OpenAccount(OpenAccount {
            account,
            seller_id: SellerId::new("91234567").unwrap(),
            account_type: AccountType::Company,
            display_name: DisplayName::new("Contoso Apps").unwrap(),
            owner: Some(id::<OwnerAccountId>(900)),
            country: CountryCode::US,
            currency: Currency::USD,
        }),
    )
    .await;
    for step in [
        VerificationStep::Email,
        VerificationStep::Employment,
        VerificationStep::Business,
    ] {
        run(
            &market,
            AccountCommand::RecordVerification {
                step,
                state: StepState::Verified,
            },
        )
        .await;
    }
    run(
        &market,
        AccountCommand::BeginTenantAssociation(TenantToAssociate {
            tenant: id(TENANT),
            organization: DisplayName::new("Contoso").unwrap(),
            domain: DomainName::new("contoso.com").unwrap(),
            synced_from_on_premises: false,
            first_user: Some(DirectoryUser {
                global_admin: true,
                ..dir_user(ALICE)
            }),
        }),
    )
    .await;
    run(
        &market,
        AccountCommand::ConfirmTenantAssociation {
            tenant: id(TENANT),
            grant: None,
        },
    )
    .await;
    let ctx = Context::new(now(), alice(), ids());
    let mut next = FIRST_USER;
    let mut left = users.saturating_sub(1);
    while left > 0 {
        let n = left.min(BATCH);
        let users = (0..n as u128).map(|i| dir_user(next + i)).collect();
        next += n as u128;
        left -= n;
        run(
            &ctx,
            AccountCommand::AddUsers {
                tenant: id::<TenantId>(TENANT),
                users,
                grant: Grant::Role(Role::Developer),
            },
        )
        .await;
    }
}

/// A name no earlier call gave: `n` in letters.
pub(crate) fn name(client: usize, mut n: u64) -> PersonName {
    let mut first = String::from("N");
    first.push(char::from(b'a' + u8::try_from(client % 26).unwrap()));
    loop {
        first.push(char::from(b'a' + u8::try_from(n % 26).unwrap()));
        n /= 26;
        if n == 0 {
            break;
        }
    }
    PersonName::new(&first, "Lind").unwrap()
}

pub(crate) fn rename(user: u128, client: usize, n: u64) -> AccountCommand {
    AccountCommand::RenameUser {
        user: id::<UserId>(user),
        name: name(client, n),
    }
}

/// Time spent in the store's calls and the write conflicts it reported.
#[derive(Default)]
pub(crate) struct Meter {
    pub(crate) conflicts: AtomicU64,
    pub(crate) version_ns: AtomicU64,
    pub(crate) versions: AtomicU64,
    pub(crate) append_ns: AtomicU64,
    pub(crate) appends: AtomicU64,
    pub(crate) events_ns: AtomicU64,
    pub(crate) events: AtomicU64,
}

fn add(a: &AtomicU64, since: Instant) {
    a.fetch_add(
        u64::try_from(since.elapsed().as_nanos()).unwrap(),
        Ordering::Relaxed,
    );
}

/// The PostgreSQL store, measured.
pub(crate) struct Metered {
    pub(crate) store: PostgresStore,
    pub(crate) meter: Arc<Meter>,
}

impl AsyncAccountStore for Metered {
    type Error = partnerkit_postgres::Error;

    async fn load(&self, account: AccountId) -> Result<Option<Loaded>, Self::Error> {
        self.store.load(account).await
    }

    async fn append(&self, write: Write<'_>) -> Result<Version, StoreError<Self::Error>> {
        let t = Instant::now();
        let out = self.store.append(write).await;
        add(&self.meter.append_ns, t);
        self.meter.appends.fetch_add(1, Ordering::Relaxed);
        if matches!(out, Err(StoreError::Conflict { .. })) {
            self.meter.conflicts.fetch_add(1, Ordering::Relaxed);
        }
        out
    }

    async fn events(
        &self,
        account: AccountId,
        after: Version,
    ) -> Result<Vec<Recorded>, Self::Error> {
        let t = Instant::now();
        let out = self.store.events(account, after).await;
        add(&self.meter.events_ns, t);
        self.meter.events.fetch_add(1, Ordering::Relaxed);
        out
    }

    async fn version(&self, account: AccountId) -> Result<Version, Self::Error> {
        let t = Instant::now();
        let out = self.store.version(account).await;
        add(&self.meter.version_ns, t);
        self.meter.versions.fetch_add(1, Ordering::Relaxed);
        out
    }
}
