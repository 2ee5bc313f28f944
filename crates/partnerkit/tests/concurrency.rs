//! Two writers on one account: one wins, the other decides again on the fresh state (or,
//! past its retries, gets a typed conflict); no update is lost.

use std::sync::atomic::{AtomicBool, Ordering};

use partnerkit::core::{AccountId, DisplayName, Version};
use partnerkit::store::{AccountStore, Loaded, Recorded, StoreError, Write};
use partnerkit::{AccountEvent, Error, InMemoryStore};

use crate::fixture::*;

/// A store where, once armed, another writer sneaks in a change between a load and an append.
struct Racing {
    inner: InMemoryStore,
    armed: AtomicBool,
}

impl AccountStore for Racing {
    type Error = partnerkit::MemoryError;
    fn load(&self, account: AccountId) -> Result<Option<Loaded>, Self::Error> {
        self.inner.load(account)
    }
    fn append(&self, write: Write<'_>) -> Result<Version, StoreError<Self::Error>> {
        if self.armed.swap(false, Ordering::SeqCst) {
            // The other writer appends first, at the same version.
            self.inner.append(write)?;
        }
        self.inner.append(write)
    }
    fn events(&self, account: AccountId, after: Version) -> Result<Vec<Recorded>, Self::Error> {
        self.inner.events(account, after)
    }
    fn version(&self, account: AccountId) -> Result<Version, Self::Error> {
        self.inner.version(account)
    }
}

#[test]
fn the_loser_of_a_race_decides_again_on_the_fresh_state() {
    // rule: X-3
    let w = World::company(Racing {
        inner: InMemoryStore::new(),
        armed: AtomicBool::new(false),
    });
    let before = w.version();
    w.svc.store().armed.store(true, Ordering::SeqCst);
    let done = w
        .svc
        .change_display_name(
            w.account,
            &w.ctx(user(T1, ALICE)),
            DisplayName::new("Contoso Two").unwrap(),
        )
        .unwrap();
    // The other writer stored the same rename first; decided again on the fresh state, the
    // command found the name already set and stored nothing more (a no-op).
    assert!(done.events.is_empty(), "{done:?}");
    assert_eq!(w.version(), before.after(1));
    assert_eq!(done.version, before.after(1));
}

#[test]
fn a_conflict_that_outlasts_the_retries_is_reported_and_stores_nothing_of_the_loser() {
    // rule: X-3
    let settings = partnerkit::Settings {
        conflict_retries: 0,
        ..partnerkit::Settings::default()
    };
    let w = World::company_with(
        Racing {
            inner: InMemoryStore::new(),
            armed: AtomicBool::new(false),
        },
        settings,
    );
    let before = w.version();
    w.svc.store().armed.store(true, Ordering::SeqCst);
    let err = w
        .svc
        .change_display_name(
            w.account,
            &w.ctx(user(T1, ALICE)),
            DisplayName::new("Contoso Two").unwrap(),
        )
        .unwrap_err();
    assert!(err.is_conflict(), "{err}");
    assert_eq!(err.status(), 409);
    // Only the other writer's change landed; calling again decides on the fresh state.
    assert_eq!(w.version(), before.after(1));
    w.svc
        .change_display_name(
            w.account,
            &w.ctx(user(T1, ALICE)),
            DisplayName::new("Contoso Three").unwrap(),
        )
        .unwrap();
    assert_eq!(w.version(), before.after(2));
}

#[test]
fn two_threads_racing_on_one_account_lose_no_update() {
    // rule: X-1
    let w = World::company(InMemoryStore::new());
    let before = w.version().get();
    let per_thread = 30;
    std::thread::scope(|scope| {
        for t in 0..2 {
            let w = &w;
            scope.spawn(move || {
                for i in 0..per_thread {
                    let name = DisplayName::new(&format!("Contoso {t}-{i}")).unwrap();
                    loop {
                        match w.svc.change_display_name(
                            w.account,
                            &w.ctx(user(T1, ALICE)),
                            name.clone(),
                        ) {
                            Ok(_) => break,
                            Err(Error::Conflict { .. }) => std::thread::yield_now(),
                            Err(e) => panic!("{e}"),
                        }
                    }
                }
            });
        }
    });
    let history = w.svc.history(w.account).unwrap();
    assert_eq!(history.len() as u64, before + 2 * per_thread);
    let renames = history
        .iter()
        .filter(|e| {
            matches!(
                e.event,
                AccountEvent::Identity(partnerkit::identity::Event::DisplayNameChanged { .. })
            )
        })
        .count();
    assert_eq!(
        renames as u64,
        2 * per_thread,
        "every rename landed exactly once"
    );
}

#[test]
fn a_command_expecting_a_version_is_stored_only_at_that_version() {
    // rule: X-3
    let w = World::company(InMemoryStore::new());
    let seen = w.version();
    let alice = w.ctx(user(T1, ALICE));
    let rename = |name: &str| partnerkit::AccountCommand::ChangeDisplayName {
        display_name: DisplayName::new(name).unwrap(),
    };
    // Someone else writes after the caller looked.
    w.svc
        .execute(w.account, &alice, rename("Contoso One"))
        .unwrap();
    let err = w
        .svc
        .execute_expecting(w.account, &alice, rename("Contoso Two"), seen)
        .unwrap_err();
    assert!(
        matches!(err, Error::Conflict { expected, actual } if expected == seen && actual == seen.after(1)),
        "{err}"
    );
    assert_eq!(
        w.version(),
        seen.after(1),
        "the stale command stored nothing"
    );
    let done = w
        .svc
        .execute_expecting(w.account, &alice, rename("Contoso Two"), seen.after(1))
        .unwrap();
    assert_eq!(done.version, seen.after(2));
    // A stranger's stale version is not even looked at: authorising comes first (rule X-2).
    let stranger = w.ctx(partnerkit::core::Actor::User {
        tenant: partnerkit::core::testing::id(T2),
        user: partnerkit::core::testing::id(999),
    });
    let err = w
        .svc
        .execute_expecting(w.account, &stranger, rename("Mallory"), seen)
        .unwrap_err();
    assert_eq!(err.code(), "cannot_sign_in");
}
