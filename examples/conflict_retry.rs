//! Retrying on a write conflict: two service instances over one store, one writing in the
//! middle of the other's write.
//!
//! Each command is decided on the account as the service last saw it, and stored only if
//! nobody wrote meanwhile (optimistic concurrency). When somebody did, the store says
//! `Conflict`; the service catches up and decides the command again, up to
//! `Settings::conflict_retries` times, and only then hands `Error::Conflict` to the host — which
//! may simply call again: nothing was stored.
//!
//! Run with `cargo run --example conflict_retry`.

use std::error::Error;
use std::sync::{Arc, Mutex};

use partnerkit::core::chrono::{TimeZone, Utc};
use partnerkit::core::uuid::Uuid;
use partnerkit::core::{AccountId, Actor, Context, OwnerAccountId, SequentialIds, Version};
use partnerkit::identity::{AccountType, StepState, VerificationStep};
use partnerkit::store::{AccountStore, Loaded, Recorded, StoreError, Write};
use partnerkit::{AccountService, InMemoryStore, OpenAccount, Settings};

/// A store shared with a rival instance, which gets to write just before this instance's next
/// append: the race two instances of a service run into now and then, made to happen here.
struct Racing<'a> {
    shared: Arc<InMemoryStore>,
    rival: Mutex<Option<Box<dyn FnOnce() + 'a>>>,
    conflicts: Mutex<u32>,
}

impl<'a> Racing<'a> {
    /// The rival writes before the next append.
    fn before_next_append(&self, rival: impl FnOnce() + 'a) {
        if let Ok(mut slot) = self.rival.lock() {
            *slot = Some(Box::new(rival));
        }
    }

    fn conflicts(&self) -> u32 {
        self.conflicts.lock().map_or(0, |n| *n)
    }
}

impl AccountStore for Racing<'_> {
    type Error = partnerkit::MemoryError;

    fn load(&self, account: AccountId) -> Result<Option<Loaded>, Self::Error> {
        self.shared.load(account)
    }

    fn append(&self, write: Write<'_>) -> Result<Version, StoreError<Self::Error>> {
        let rival = self.rival.lock().ok().and_then(|mut slot| slot.take());
        if let Some(rival) = rival {
            rival();
        }
        let result = self.shared.append(write);
        if let (Err(StoreError::Conflict { .. }), Ok(mut n)) = (&result, self.conflicts.lock()) {
            *n += 1;
        }
        result
    }

    fn events(&self, account: AccountId, after: Version) -> Result<Vec<Recorded>, Self::Error> {
        self.shared.events(account, after)
    }

    fn version(&self, account: AccountId) -> Result<Version, Self::Error> {
        self.shared.version(account)
    }
}

fn main() -> Result<(), Box<dyn Error>> {
    let ids = SequentialIds::default();
    let now = Utc
        .with_ymd_and_hms(2027, 1, 5, 9, 0, 0)
        .single()
        .ok_or("no such time")?;
    let marketplace = Context::new(now, Actor::Marketplace, &ids);
    let account = AccountId::from_uuid(Uuid::from_u128(1));
    let shared = Arc::new(InMemoryStore::new());

    // The rival instance: an ordinary service over the shared store.
    let rival = AccountService::new(Arc::clone(&shared));
    rival.open_account(
        &marketplace,
        OpenAccount::new(
            account,
            "91234567".parse()?,
            AccountType::Company,
            "Contoso Apps".parse()?,
            "US".parse()?,
            "USD".parse()?,
        ),
    )?;

    // This instance, with the default retries (3).
    let store = Racing {
        shared: Arc::clone(&shared),
        rival: Mutex::new(None),
        conflicts: Mutex::new(0),
    };
    let service = AccountService::new(store);
    service.store().before_next_append(|| {
        let step = VerificationStep::Employment;
        if let Err(e) = rival.record_verification(account, &marketplace, step, StepState::Verified)
        {
            println!("the rival's write failed: {e}");
        }
    });
    let done = service.record_verification(
        account,
        &marketplace,
        VerificationStep::Email,
        StepState::Verified,
    )?;
    println!(
        "email verified at {} after {} conflict(s): the service caught up with the rival's write and decided again",
        done.version,
        service.store().conflicts()
    );
    let history = service.history(account)?;
    println!(
        "both writes are stored: {} events in the account's history, none lost",
        history.len()
    );

    // With no retries, the conflict reaches the host: a 409 it may answer by calling again.
    let settings = Settings {
        conflict_retries: 0,
        ..Settings::default()
    };
    let impatient = AccountService::with_settings(
        Racing {
            shared: Arc::clone(&shared),
            rival: Mutex::new(None),
            conflicts: Mutex::new(0),
        },
        settings,
    );
    impatient.store().before_next_append(|| {
        let step = VerificationStep::Business;
        if let Err(e) = rival.record_verification(account, &marketplace, step, StepState::Verified)
        {
            println!("the rival's write failed: {e}");
        }
    });
    let owner = OwnerAccountId::from_uuid(Uuid::from_u128(9));
    let err = match impatient.associate_owner_account(account, &marketplace, owner) {
        Ok(done) => return Err(format!("no conflict: stored at {}", done.version).into()),
        Err(e) => e,
    };
    println!(
        "without retries: {err} (code {:?}, HTTP {}, is_conflict {})",
        err.code(),
        err.status(),
        err.is_conflict()
    );
    // The host's own retry: call again; the command is decided afresh on the current state.
    let mut attempts = 1;
    let outcome = loop {
        match impatient.associate_owner_account(account, &marketplace, owner) {
            Err(e) if e.is_conflict() && attempts < 3 => attempts += 1,
            other => break other,
        }
    };
    let done = outcome?;
    attempts += 1;
    println!(
        "called again: the owner account is associated at {} ({attempts} attempts in all)",
        done.version
    );
    Ok(())
}
