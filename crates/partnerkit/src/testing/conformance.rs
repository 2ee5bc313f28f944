//! The storage conformance kit: public checks any [`AccountStore`] can run in its own tests.
//!
//! ```
//! use partnerkit::InMemoryStore;
//! use partnerkit::testing::conformance;
//!
//! conformance::check_all(&InMemoryStore::new());
//!
//! // Damaged rows: the kit reads and replaces the store's rows through `testing::Rows`.
//! conformance::check_damaged_rows(&InMemoryStore::new());
//! ```
//!
//! Each check panics with a message that says which contract was broken. The checks pick
//! account ids no earlier run stored (they ask [`AccountStore::version`]), so they can run
//! against a persistent database again and again.

use std::sync::atomic::{AtomicU64, Ordering};

use partnerkit_core::{AccountId, Version};
use uuid::Uuid;

use super::{Rows, damage};
use crate::state::{AccountState, sample_events, sample_state, with_unique_id};
use crate::store::{AccountStore, Loaded, Recorded, StoreError, Write};

static NEXT: AtomicU64 = AtomicU64::new(0);

/// A candidate account id: distinct per call in this process, and (through the process id
/// and the time) unlikely to collide with an earlier run's.
pub(crate) fn candidate() -> AccountId {
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let run = u128::from(std::process::id()) << 64;
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() & 0xFFFF_FFFF);
    AccountId::from_uuid(Uuid::from_u128(
        0xC0F0_0000_0000_0000_0000_0000_0000_0000 | run | (nanos << 32) | u128::from(n as u32),
    ))
}

/// An account id nothing was stored for yet.
#[track_caller]
pub fn fresh_account<S: AccountStore>(store: &S) -> AccountId {
    loop {
        let id = candidate();
        match store.version(id) {
            Ok(v) if v == Version::INITIAL => return id,
            Ok(_) => continue,
            Err(e) => panic!("version() failed: {e}"),
        }
    }
}

pub(crate) fn v(n: u64) -> Version {
    Version::new(n)
}

/// The whole history re-read through JSON, as another process would read it.
pub(crate) fn through_json(events: &[Recorded]) -> Vec<Recorded> {
    let json = serde_json::to_string(events).expect("sample events have a JSON form");
    serde_json::from_str(&json).expect("sample events read back from JSON")
}

/// The state a loaded account folds to must equal the fold of its whole history.
#[track_caller]
pub(crate) fn assert_fold_matches(loaded: Loaded, history: &[Recorded], context: &str) {
    let expected_version = v(history.len() as u64);
    let (state, version) = loaded.fold();
    assert_eq!(
        version, expected_version,
        "{context}: snapshot version + events after it must equal the number of stored events"
    );
    assert_eq!(
        state,
        AccountState::fold(history.iter().map(|e| &e.event)),
        "{context}: the loaded snapshot + events must fold to the same state as the whole history"
    );
}

/// A racing writer's next write ([`check_concurrent_writers`]): after the account as loaded,
/// one event of its own (numbered `n`), with the state after it as a snapshot every third
/// version.
pub(crate) struct RacingWrite {
    /// The version the account was loaded at.
    pub(crate) version: Version,
    /// The one event to append.
    pub(crate) events: Vec<Recorded>,
    /// The state after it.
    state: AccountState,
}

impl RacingWrite {
    pub(crate) fn after(loaded: Option<Loaded>, n: usize) -> RacingWrite {
        let (mut state, version) = match loaded {
            Some(loaded) => loaded.fold(),
            None => (AccountState::default(), Version::INITIAL),
        };
        let n = u32::try_from(n).unwrap_or(u32::MAX);
        let events: Vec<Recorded> = sample_events(n % 7 + 1)
            .into_iter()
            .skip((n % 7) as usize)
            .map(|e| with_unique_id(e, n))
            .collect();
        for e in &events {
            state.apply(&e.event);
        }
        RacingWrite {
            version,
            events,
            state,
        }
    }

    /// The write to `account`, with the state as a snapshot every third version.
    pub(crate) fn request(&self, account: AccountId) -> Write<'_> {
        Write::new(account, self.version, &self.events)
            .with_snapshot((self.version.get() % 3 == 2).then_some(&self.state))
    }
}

/// Runs every check that needs nothing but the store.
pub fn check_all<S: AccountStore + Sync>(store: &S) {
    check_missing_account(store);
    check_append_then_load(store);
    check_events_in_order(store);
    check_snapshots(store);
    check_empty_append(store);
    check_optimistic_concurrency(store);
    check_accounts_are_isolated(store);
    check_repeated_ids_are_refused(store);
    check_concurrent_writers(store, 4, 25);
}

/// An append whose event id the account already has is refused (not as a conflict) and stores
/// nothing, so a host's id source that repeats itself cannot make an account unreadable
/// (rule X-9: ids are unique in a history).
#[track_caller]
pub fn check_repeated_ids_are_refused<S: AccountStore>(store: &S) {
    let id = fresh_account(store);
    let events = sample_events(3);
    store.append(Write::new(id, v(0), &events)).expect("append");
    let third = events.get(2).cloned().expect("three events");
    let again = [third.clone()];
    match store.append(Write::new(id, v(3), &again)) {
        Err(StoreError::Backend(_)) => {}
        Err(StoreError::Conflict { .. }) => {
            panic!("a repeated event id is no conflict: retrying cannot help")
        }
        Ok(_) => panic!("an event id the account already has must be refused"),
    }
    let twice = [with_unique_id(third.clone(), 1), with_unique_id(third, 1)];
    assert!(
        store.append(Write::new(id, v(3), &twice)).is_err(),
        "one id twice in one append"
    );
    assert_eq!(
        store.version(id).expect("version"),
        v(3),
        "the refused appends stored nothing"
    );
    assert_fold_matches(
        store.load(id).expect("load").expect("stored"),
        &events,
        "after refused appends",
    );
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
            .is_empty(),
        "an unknown account has no events"
    );
}

/// What is appended loads back equal to its JSON round trip, with the version the append
/// returned; without a snapshot the load is the whole history.
#[track_caller]
pub fn check_append_then_load<S: AccountStore>(store: &S) {
    let id = fresh_account(store);
    let events = sample_events(3);
    let version = store
        .append(Write::new(id, Version::INITIAL, &events))
        .unwrap_or_else(|e| panic!("the first append failed: {e}"));
    assert_eq!(
        version,
        v(3),
        "the version after an append is the number of events"
    );
    assert_eq!(store.version(id).expect("version"), v(3));
    let loaded = store
        .load(id)
        .expect("load")
        .expect("the account exists after an append");
    assert_eq!(loaded.snapshot, None, "no snapshot was written");
    assert_eq!(
        loaded.events,
        through_json(&events),
        "events load back exactly as their JSON reads"
    );
    assert_eq!(loaded.version(), v(3));
    assert_eq!(
        store.events(id, Version::INITIAL).expect("events"),
        through_json(&events),
        "events() returns what was appended"
    );
    assert_fold_matches(loaded, &events, "append then load");
}

/// Events come back oldest first; `events(after)` skips the first `after`.
#[track_caller]
pub fn check_events_in_order<S: AccountStore>(store: &S) {
    let id = fresh_account(store);
    let all = sample_events(5);
    let (first, rest) = all.split_at(2);
    let v2 = store
        .append(Write::new(id, Version::INITIAL, first))
        .expect("append 1");
    let v5 = store.append(Write::new(id, v2, rest)).expect("append 2");
    assert_eq!((v2, v5), (v(2), v(5)));
    assert_eq!(store.events(id, Version::INITIAL).expect("events"), all);
    assert_eq!(store.events(id, v(2)).expect("events"), rest);
    assert!(store.events(id, v(5)).expect("events").is_empty());
    assert!(store.events(id, v(9)).expect("events").is_empty());
}

/// A snapshot written with an append loads as the latest snapshot, followed by exactly the
/// events after it; snapshot + events folds to the same state as the whole history.
#[track_caller]
pub fn check_snapshots<S: AccountStore>(store: &S) {
    let id = fresh_account(store);
    let all = sample_events(9);
    let mut history: Vec<Recorded> = Vec::new();
    let mut version = Version::INITIAL;
    // Batches of 2, 3, 1, 3 events; snapshots after the 2nd and the 3rd batch.
    for (batch, snapshot) in [(0..2, false), (2..5, true), (5..6, true), (6..9, false)] {
        let events = all.get(batch).expect("9 sample events");
        history.extend_from_slice(events);
        let state = AccountState::fold(history.iter().map(|e| &e.event));
        version = store
            .append(Write::new(id, version, events).with_snapshot(snapshot.then_some(&state)))
            .unwrap_or_else(|e| panic!("append at {version} failed: {e}"));
        let loaded = store.load(id).expect("load").expect("exists");
        assert_fold_matches(loaded, &history, "after each append");
    }
    let loaded = store.load(id).expect("load").expect("exists");
    let snapshot = loaded
        .snapshot
        .as_ref()
        .expect("a store keeps the latest snapshot it was given");
    assert_eq!(
        snapshot.version,
        v(6),
        "the latest snapshot is the one written with the append that reached v6"
    );
    assert_eq!(
        snapshot.state,
        AccountState::fold(history.iter().take(6).map(|e| &e.event))
    );
    assert_eq!(
        loaded.events,
        all.get(6..).expect("9 sample events"),
        "after the snapshot come exactly the events written after it"
    );
    assert_eq!(
        store.events(id, Version::INITIAL).expect("events"),
        all,
        "snapshots never shorten the audit trail"
    );
}

/// Appending no events stores nothing: an unknown account stays unknown, a known one keeps
/// its version.
#[track_caller]
pub fn check_empty_append<S: AccountStore>(store: &S) {
    let id = fresh_account(store);
    let r = store
        .append(Write::new(id, Version::INITIAL, &[]).with_snapshot(&sample_state(1)))
        .unwrap_or_else(|e| panic!("an empty append failed: {e}"));
    assert_eq!(r, Version::INITIAL);
    assert!(
        store.load(id).expect("load").is_none(),
        "appending no events does not create an account"
    );
    let v1 = store
        .append(Write::new(id, Version::INITIAL, &sample_events(1)))
        .expect("append");
    assert_eq!(
        store.append(Write::new(id, v1, &[])).expect("empty append"),
        v1,
        "an empty append keeps the version"
    );
    assert!(matches!(
        store.append(Write::new(id, Version::INITIAL, &[])),
        Err(StoreError::Conflict { .. })
    ));
}

/// A write with a stale version is refused with `Conflict` and stores nothing.
#[track_caller]
pub fn check_optimistic_concurrency<S: AccountStore>(store: &S) {
    let id = fresh_account(store);
    let events = sample_events(2);
    let v1 = store
        .append(Write::new(
            id,
            Version::INITIAL,
            events.get(..1).unwrap_or(&[]),
        ))
        .expect("append");
    // A second creator of the same account loses.
    match store.append(Write::new(id, Version::INITIAL, &events).with_snapshot(&sample_state(2))) {
        Err(StoreError::Conflict { expected, actual }) => {
            assert_eq!((expected, actual), (Version::INITIAL, v1));
        }
        other => panic!("a stale create must be a Conflict, got {other:?}"),
    }
    // So does a writer that loaded an older version, and one from the future.
    for stale in [Version::INITIAL, v(7)] {
        let r = store.append(Write::new(id, stale, &events).with_snapshot(&sample_state(3)));
        assert!(
            matches!(r, Err(StoreError::Conflict { .. })),
            "append at {stale} when the account is at {v1} must be a Conflict"
        );
    }
    let loaded = store.load(id).expect("load").expect("exists");
    assert_eq!(loaded.version(), v1, "a refused write changes nothing");
    assert_eq!(loaded.snapshot, None, "a refused write stores no snapshot");
    assert_eq!(store.events(id, Version::INITIAL).expect("events").len(), 1);
    // The version returned is the precondition of the next write.
    let v2 = store
        .append(Write::new(id, v1, events.get(1..).unwrap_or(&[])))
        .expect("append");
    assert_eq!(v2, v(2));
}

/// Writes to one account never show in another.
#[track_caller]
pub fn check_accounts_are_isolated<S: AccountStore>(store: &S) {
    let a = fresh_account(store);
    store
        .append(Write::new(a, Version::INITIAL, &sample_events(1)))
        .expect("append a");
    let b = fresh_account(store);
    assert_ne!(a, b);
    store
        .append(Write::new(b, Version::INITIAL, &sample_events(2)).with_snapshot(&sample_state(2)))
        .expect("append b");
    assert_eq!(store.version(a).expect("version"), v(1));
    assert_eq!(store.version(b).expect("version"), v(2));
    assert_eq!(
        store.load(a).expect("load").map(|l| l.snapshot),
        Some(None),
        "b's snapshot is not a's"
    );
}

/// Damaged rows are refused, or rebuilt from the events (rule X-9): rows deleted, swapped,
/// copied from another account, given another's id or payload, or in formats this release
/// does not know; a snapshot of another account or version. A snapshot in an older format, or
/// that does not decode, is not an error: `load` folds the whole history and sets
/// [`Loaded::refresh_snapshot`]. The store gives the kit its rows through [`Rows`].
#[track_caller]
pub fn check_damaged_rows<S: AccountStore + Rows>(store: &S) {
    for case in damage::CASES {
        let (id, other) = (fresh_account(store), fresh_account(store));
        let history = damage::history();
        let (first, rest) = history.split_at(3);
        let state = |n: usize| AccountState::fold(history.iter().take(n).map(|e| &e.event));
        store
            .append(Write::new(id, v(0), first).with_snapshot(&state(3)))
            .expect("append");
        store.append(Write::new(id, v(3), rest)).expect("append");
        store
            .append(Write::new(other, v(0), &history).with_snapshot(&state(5)))
            .expect("append");
        let mut rows = store.rows(id);
        (case.damage)(&mut rows, &store.rows(other));
        store.replace_rows(id, rows.0, rows.1);
        damage::judge(case, id, store.load(id), store.events(id, v(0)));
    }
}

/// `writers` threads each append `per_writer` single events to one account, each write after
/// a fresh load and with a snapshot every third version, retrying on conflict: no write is
/// lost, the log holds every event once, and the loaded state equals the fold of the history.
#[track_caller]
pub fn check_concurrent_writers<S: AccountStore + Sync>(
    store: &S,
    writers: usize,
    per_writer: usize,
) {
    let id = fresh_account(store);
    let conflicts = AtomicU64::new(0);
    std::thread::scope(|scope| {
        for w in 0..writers {
            let conflicts = &conflicts;
            scope.spawn(move || {
                for i in 0..per_writer {
                    loop {
                        let loaded = store.load(id).expect("load");
                        let write = RacingWrite::after(loaded, w * per_writer + i);
                        match store.append(write.request(id)) {
                            Ok(new) => {
                                assert_eq!(new, write.version.after(1));
                                break;
                            }
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
    let history = store.events(id, Version::INITIAL).expect("events");
    assert_eq!(
        history.len() as u64,
        total,
        "the log holds every event exactly once"
    );
    let loaded = store.load(id).expect("load").expect("exists");
    assert_fold_matches(loaded, &history, "after racing writers");
}
