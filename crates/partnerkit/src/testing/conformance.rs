//! The storage conformance kit: public checks any [`AccountStore`] can run in its own tests.
//!
//! ```
//! use partnerkit::InMemoryStore;
//! use partnerkit::testing::conformance;
//!
//! conformance::check_all(&InMemoryStore::new());
//! ```
//!
//! Each check panics with a message that says which contract was broken. The checks pick
//! account ids no earlier run stored (they ask [`AccountStore::exists`]), so they can run
//! against a persistent database again and again.

use std::sync::atomic::{AtomicU64, Ordering};

use partnerkit_core::{AccountId, Version};
use uuid::Uuid;

use crate::state::{AccountState, sample_events, sample_state};
use crate::store::{AccountStore, Recorded, StoreError};

static NEXT: AtomicU64 = AtomicU64::new(0);

/// An account id nothing was stored for yet.
#[track_caller]
pub fn fresh_account<S: AccountStore>(store: &S) -> AccountId {
    loop {
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let id = AccountId::from_uuid(Uuid::from_u128(
            0xC0F0_0000_0000_0000_0000_0000_0000_0000 | u128::from(n),
        ));
        match store.exists(id) {
            Ok(false) => return id,
            Ok(true) => continue,
            Err(e) => panic!("exists() failed: {e}"),
        }
    }
}

fn v(n: u64) -> Version {
    Version::new(n)
}

/// Runs every check.
pub fn check_all<S: AccountStore + Sync>(store: &S) {
    check_missing_account(store);
    check_append_then_load(store);
    check_events_in_order(store);
    check_optimistic_concurrency(store);
    check_accounts_are_isolated(store);
    check_concurrent_writers(store, 2, 25);
}

/// An account nothing was stored for loads as `None`, version [`Version::INITIAL`], no events.
#[track_caller]
pub fn check_missing_account<S: AccountStore>(store: &S) {
    let id = fresh_account(store);
    assert!(
        store.load(id).expect("load").is_none(),
        "an unknown account loads as None"
    );
    assert_eq!(store.version(id).expect("version"), Version::INITIAL);
    assert!(
        store
            .events(id, Version::INITIAL)
            .expect("events")
            .is_empty()
    );
}

/// What is appended loads back unchanged, with the version the append returned.
#[track_caller]
pub fn check_append_then_load<S: AccountStore>(store: &S) {
    let id = fresh_account(store);
    let state = sample_state(1);
    let events = sample_events(3);
    let version = store
        .append(id, Version::INITIAL, &state, &events)
        .unwrap_or_else(|e| panic!("the first append failed: {e}"));
    assert_eq!(
        version,
        v(3),
        "the version after an append is the number of events"
    );
    let snapshot = store
        .load(id)
        .expect("load")
        .expect("the account exists after an append");
    assert_eq!(snapshot.version, v(3));
    assert_eq!(
        snapshot.state, state,
        "the state loads back exactly as stored"
    );
    assert_eq!(store.events(id, Version::INITIAL).expect("events"), events);
}

/// Events come back oldest first; `events(after)` skips the first `after`.
#[track_caller]
pub fn check_events_in_order<S: AccountStore>(store: &S) {
    let id = fresh_account(store);
    let all = sample_events(5);
    let (first, rest) = all.split_at(2);
    let v2 = store
        .append(id, Version::INITIAL, &sample_state(1), first)
        .expect("append 1");
    let v5 = store
        .append(id, v2, &sample_state(2), rest)
        .expect("append 2");
    assert_eq!((v2, v5), (v(2), v(5)));
    assert_eq!(store.events(id, Version::INITIAL).expect("events"), all);
    assert_eq!(store.events(id, v(2)).expect("events"), rest);
    assert!(store.events(id, v(5)).expect("events").is_empty());
    assert_eq!(
        store.load(id).expect("load").map(|s| s.state),
        Some(sample_state(2))
    );
}

/// A write with a stale version is refused with `Conflict` and stores nothing.
#[track_caller]
pub fn check_optimistic_concurrency<S: AccountStore>(store: &S) {
    let id = fresh_account(store);
    let events = sample_events(2);
    let v1 = store
        .append(
            id,
            Version::INITIAL,
            &sample_state(1),
            events.get(..1).unwrap_or(&[]),
        )
        .expect("append");
    // A second creator of the same account loses.
    match store.append(id, Version::INITIAL, &sample_state(2), &events) {
        Err(StoreError::Conflict { expected, actual }) => {
            assert_eq!((expected, actual), (Version::INITIAL, v1));
        }
        other => panic!("a stale create must be a Conflict, got {other:?}"),
    }
    // So does a writer that loaded an older version, and one from the future.
    for stale in [Version::INITIAL, v(7)] {
        let r = store.append(id, stale, &sample_state(3), &events);
        assert!(
            matches!(r, Err(StoreError::Conflict { .. })),
            "append at {stale} when the account is at {v1} must be a Conflict"
        );
    }
    let snapshot = store.load(id).expect("load").expect("exists");
    assert_eq!(snapshot.version, v1, "a refused write changes nothing");
    assert_eq!(
        snapshot.state,
        sample_state(1),
        "a refused write changes nothing"
    );
    assert_eq!(store.events(id, Version::INITIAL).expect("events").len(), 1);
    // The version returned is the precondition of the next write.
    let v2 = store
        .append(id, v1, &sample_state(4), events.get(1..).unwrap_or(&[]))
        .expect("append");
    assert_eq!(v2, v(2));
}

/// Writes to one account never show in another.
#[track_caller]
pub fn check_accounts_are_isolated<S: AccountStore>(store: &S) {
    let a = fresh_account(store);
    store
        .append(a, Version::INITIAL, &sample_state(1), &sample_events(1))
        .expect("append a");
    let b = fresh_account(store);
    assert_ne!(a, b);
    store
        .append(b, Version::INITIAL, &sample_state(2), &sample_events(2))
        .expect("append b");
    assert_eq!(store.version(a).expect("version"), v(1));
    assert_eq!(store.version(b).expect("version"), v(2));
    assert_eq!(
        store.load(a).expect("load").map(|s| s.state),
        Some(sample_state(1))
    );
}

/// `writers` threads each append `per_writer` events to one account, each write after a
/// fresh load, retrying on conflict: no write is lost and the log holds every event once.
#[track_caller]
pub fn check_concurrent_writers<S: AccountStore + Sync>(
    store: &S,
    writers: usize,
    per_writer: usize,
) {
    let id = fresh_account(store);
    let conflicts = AtomicU64::new(0);
    std::thread::scope(|scope| {
        for _ in 0..writers {
            scope.spawn(|| {
                for _ in 0..per_writer {
                    loop {
                        let (state, version) = match store.load(id).expect("load") {
                            Some(s) => (s.state, s.version),
                            None => (AccountState::default(), Version::INITIAL),
                        };
                        let next: Vec<Recorded> = sample_events(1);
                        match store.append(id, version, &state, &next) {
                            Ok(_) => break,
                            Err(StoreError::Conflict { .. }) => {
                                conflicts.fetch_add(1, Ordering::Relaxed);
                                std::thread::yield_now();
                            }
                            Err(e) => panic!("append failed: {e}"),
                        }
                    }
                }
            });
        }
    });
    let total = u64::try_from(writers * per_writer).unwrap_or(u64::MAX);
    assert_eq!(
        store.version(id).expect("version"),
        v(total),
        "every write landed exactly once"
    );
    assert_eq!(
        store.events(id, Version::INITIAL).expect("events").len() as u64,
        total,
        "the log holds every event exactly once"
    );
}
