//! The storage conformance kit for [`AsyncAccountStore`]s: the same checks as
//! [`conformance`](super::conformance), as plain `async fn`s that run on any executor.
//!
//! ```
//! use partnerkit::InMemoryStore;
//! use partnerkit::testing::asynchronous;
//!
//! // Any async store; the in-memory one serves async hosts too. In a host's test, on its
//! // runtime: `asynchronous::check_all(&store).await;`
//! let store = InMemoryStore::new();
//! asynchronous::block_on(asynchronous::check_all(&store));
//! ```
//!
//! [`check_concurrent_writers`] runs its writers as concurrent futures polled by one task
//! ([`join_all`]); over a pooled store they are concurrent clients of the database.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll, Wake, Waker};

use partnerkit_core::{AccountId, Version};

use super::conformance::{RacingWrite, assert_fold_matches, candidate, through_json, v};
use super::{AsyncRows, damage};
use crate::state::{AccountState, sample_events, sample_state, with_unique_id};
use crate::store::{AsyncAccountStore, Recorded, StoreError, Write};

/// An account id nothing was stored for yet.
pub async fn fresh_account<S: AsyncAccountStore>(store: &S) -> AccountId {
    loop {
        let id = candidate();
        match store.version(id).await {
            Ok(v) if v == Version::INITIAL => return id,
            Ok(_) => continue,
            Err(e) => panic!("version() failed: {e}"),
        }
    }
}

/// Runs every check that needs nothing but the store.
pub async fn check_all<S: AsyncAccountStore>(store: &S) {
    check_missing_account(store).await;
    check_append_then_load(store).await;
    check_events_in_order(store).await;
    check_snapshots(store).await;
    check_empty_append(store).await;
    check_optimistic_concurrency(store).await;
    check_accounts_are_isolated(store).await;
    check_repeated_ids_are_refused(store).await;
    check_concurrent_writers(store, 4, 10).await;
}

/// See [`conformance::check_repeated_ids_are_refused`](super::conformance::check_repeated_ids_are_refused).
pub async fn check_repeated_ids_are_refused<S: AsyncAccountStore>(store: &S) {
    let id = fresh_account(store).await;
    let events = sample_events(3);
    store
        .append(Write::new(id, v(0), &events))
        .await
        .expect("append");
    let third = events.get(2).cloned().expect("three events");
    let again = [third.clone()];
    match store.append(Write::new(id, v(3), &again)).await {
        Err(StoreError::Backend(_)) => {}
        Err(StoreError::Conflict { .. }) => {
            panic!("a repeated event id is no conflict: retrying cannot help")
        }
        Ok(_) => panic!("an event id the account already has must be refused"),
    }
    let twice = [with_unique_id(third.clone(), 1), with_unique_id(third, 1)];
    assert!(
        store.append(Write::new(id, v(3), &twice)).await.is_err(),
        "one id twice in one append"
    );
    assert_eq!(
        store.version(id).await.expect("version"),
        v(3),
        "the refused appends stored nothing"
    );
    let loaded = store.load(id).await.expect("load").expect("stored");
    assert_fold_matches(loaded, &events, "after refused appends");
}

/// See [`conformance::check_missing_account`](super::conformance::check_missing_account).
pub async fn check_missing_account<S: AsyncAccountStore>(store: &S) {
    let id = fresh_account(store).await;
    assert!(
        store.load(id).await.expect("load").is_none(),
        "an unknown account loads as None"
    );
    assert_eq!(store.version(id).await.expect("version"), Version::INITIAL);
    assert!(
        store
            .events(id, Version::INITIAL)
            .await
            .expect("events")
            .is_empty(),
        "an unknown account has no events"
    );
}

/// See [`conformance::check_append_then_load`](super::conformance::check_append_then_load).
pub async fn check_append_then_load<S: AsyncAccountStore>(store: &S) {
    let id = fresh_account(store).await;
    let events = sample_events(3);
    let version = store
        .append(Write::new(id, Version::INITIAL, &events))
        .await
        .unwrap_or_else(|e| panic!("the first append failed: {e}"));
    assert_eq!(
        version,
        v(3),
        "the version after an append is the number of events"
    );
    assert_eq!(store.version(id).await.expect("version"), v(3));
    let loaded = store
        .load(id)
        .await
        .expect("load")
        .expect("the account exists after an append");
    assert_eq!(loaded.snapshot, None, "no snapshot was written");
    assert_eq!(
        loaded.events,
        through_json(&events),
        "events load back exactly as their JSON reads"
    );
    assert_eq!(
        store.events(id, Version::INITIAL).await.expect("events"),
        through_json(&events),
        "events() returns what was appended"
    );
    assert_fold_matches(loaded, &events, "append then load");
}

/// See [`conformance::check_events_in_order`](super::conformance::check_events_in_order).
pub async fn check_events_in_order<S: AsyncAccountStore>(store: &S) {
    let id = fresh_account(store).await;
    let all = sample_events(5);
    let (first, rest) = all.split_at(2);
    let v2 = store
        .append(Write::new(id, Version::INITIAL, first))
        .await
        .expect("append 1");
    let v5 = store
        .append(Write::new(id, v2, rest))
        .await
        .expect("append 2");
    assert_eq!((v2, v5), (v(2), v(5)));
    assert_eq!(
        store.events(id, Version::INITIAL).await.expect("events"),
        all
    );
    assert_eq!(store.events(id, v(2)).await.expect("events"), rest);
    assert!(store.events(id, v(5)).await.expect("events").is_empty());
    assert!(store.events(id, v(9)).await.expect("events").is_empty());
}

/// See [`conformance::check_snapshots`](super::conformance::check_snapshots).
pub async fn check_snapshots<S: AsyncAccountStore>(store: &S) {
    let id = fresh_account(store).await;
    let all = sample_events(9);
    let mut history: Vec<Recorded> = Vec::new();
    let mut version = Version::INITIAL;
    for (batch, snapshot) in [(0..2, false), (2..5, true), (5..6, true), (6..9, false)] {
        let events = all.get(batch).expect("9 sample events");
        history.extend_from_slice(events);
        let state = AccountState::fold(history.iter().map(|e| &e.event));
        version = store
            .append(Write::new(id, version, events).with_snapshot(snapshot.then_some(&state)))
            .await
            .unwrap_or_else(|e| panic!("append at {version} failed: {e}"));
        let loaded = store.load(id).await.expect("load").expect("exists");
        assert_fold_matches(loaded, &history, "after each append");
    }
    let loaded = store.load(id).await.expect("load").expect("exists");
    let snapshot = loaded
        .snapshot
        .as_ref()
        .expect("a store keeps the latest snapshot it was given");
    assert_eq!(snapshot.version, v(6), "the latest snapshot is at v6");
    assert_eq!(
        loaded.events,
        all.get(6..).expect("9 sample events"),
        "after the snapshot come exactly the events written after it"
    );
    assert_eq!(
        store.events(id, Version::INITIAL).await.expect("events"),
        all,
        "snapshots never shorten the audit trail"
    );
}

/// See [`conformance::check_empty_append`](super::conformance::check_empty_append).
pub async fn check_empty_append<S: AsyncAccountStore>(store: &S) {
    let id = fresh_account(store).await;
    let r = store
        .append(Write::new(id, Version::INITIAL, &[]).with_snapshot(&sample_state(1)))
        .await
        .unwrap_or_else(|e| panic!("an empty append failed: {e}"));
    assert_eq!(r, Version::INITIAL);
    assert!(
        store.load(id).await.expect("load").is_none(),
        "appending no events does not create an account"
    );
    let v1 = store
        .append(Write::new(id, Version::INITIAL, &sample_events(1)))
        .await
        .expect("append");
    assert_eq!(
        store
            .append(Write::new(id, v1, &[]))
            .await
            .expect("empty append"),
        v1,
        "an empty append keeps the version"
    );
    assert!(matches!(
        store.append(Write::new(id, Version::INITIAL, &[])).await,
        Err(StoreError::Conflict { .. })
    ));
}

/// See [`conformance::check_optimistic_concurrency`](super::conformance::check_optimistic_concurrency).
pub async fn check_optimistic_concurrency<S: AsyncAccountStore>(store: &S) {
    let id = fresh_account(store).await;
    let events = sample_events(2);
    let v1 = store
        .append(Write::new(
            id,
            Version::INITIAL,
            events.get(..1).unwrap_or(&[]),
        ))
        .await
        .expect("append");
    match store
        .append(Write::new(id, Version::INITIAL, &events).with_snapshot(&sample_state(2)))
        .await
    {
        Err(StoreError::Conflict { expected, actual }) => {
            assert_eq!((expected, actual), (Version::INITIAL, v1));
        }
        other => panic!("a stale create must be a Conflict, got {other:?}"),
    }
    for stale in [Version::INITIAL, v(7)] {
        let r = store
            .append(Write::new(id, stale, &events).with_snapshot(&sample_state(3)))
            .await;
        assert!(
            matches!(r, Err(StoreError::Conflict { .. })),
            "append at {stale} when the account is at {v1} must be a Conflict"
        );
    }
    let loaded = store.load(id).await.expect("load").expect("exists");
    assert_eq!(loaded.version(), v1, "a refused write changes nothing");
    assert_eq!(loaded.snapshot, None, "a refused write stores no snapshot");
    let v2 = store
        .append(Write::new(id, v1, events.get(1..).unwrap_or(&[])))
        .await
        .expect("append");
    assert_eq!(v2, v(2));
}

/// See [`conformance::check_accounts_are_isolated`](super::conformance::check_accounts_are_isolated).
pub async fn check_accounts_are_isolated<S: AsyncAccountStore>(store: &S) {
    let a = fresh_account(store).await;
    store
        .append(Write::new(a, Version::INITIAL, &sample_events(1)))
        .await
        .expect("append a");
    let b = fresh_account(store).await;
    assert_ne!(a, b);
    store
        .append(Write::new(b, Version::INITIAL, &sample_events(2)).with_snapshot(&sample_state(2)))
        .await
        .expect("append b");
    assert_eq!(store.version(a).await.expect("version"), v(1));
    assert_eq!(store.version(b).await.expect("version"), v(2));
    assert_eq!(
        store.load(a).await.expect("load").map(|l| l.snapshot),
        Some(None),
        "b's snapshot is not a's"
    );
}

/// See [`conformance::check_damaged_rows`](super::conformance::check_damaged_rows).
pub async fn check_damaged_rows<S: AsyncAccountStore + AsyncRows>(store: &S) {
    for case in damage::CASES {
        let (id, other) = (fresh_account(store).await, fresh_account(store).await);
        let history = damage::history();
        let (first, rest) = history.split_at(3);
        let state = |n: usize| AccountState::fold(history.iter().take(n).map(|e| &e.event));
        let appended = [
            store
                .append(Write::new(id, v(0), first).with_snapshot(&state(3)))
                .await,
            store.append(Write::new(id, v(3), rest)).await,
            store
                .append(Write::new(other, v(0), &history).with_snapshot(&state(5)))
                .await,
        ];
        for a in appended {
            a.expect("append");
        }
        let mut rows = store.rows(id).await;
        (case.damage)(&mut rows, &store.rows(other).await);
        store.replace_rows(id, rows.0, rows.1).await;
        damage::judge(case, id, store.load(id).await, store.events(id, v(0)).await);
    }
}

/// `writers` concurrent futures each append `per_writer` single events to one account, each
/// after a fresh load and with a snapshot every third version, retrying on conflict: nothing
/// is lost, every writer's versions strictly increase, and the loaded state equals the fold
/// of the history.
pub async fn check_concurrent_writers<S: AsyncAccountStore>(
    store: &S,
    writers: usize,
    per_writer: usize,
) {
    let id = fresh_account(store).await;
    let conflicts = AtomicU64::new(0);
    let conflicts = &conflicts;
    let tasks: Vec<BoxFuture<'_, Vec<Version>>> = (0..writers)
        .map(|w| {
            Box::pin(async move {
                let mut committed = Vec::new();
                for i in 0..per_writer {
                    loop {
                        let loaded = store.load(id).await.expect("load");
                        let write = RacingWrite::after(loaded, w * per_writer + i);
                        match store.append(write.request(id)).await {
                            Ok(new) => {
                                assert_eq!(new, write.version.after(1));
                                committed.push(new);
                                break;
                            }
                            Err(StoreError::Conflict { .. }) => {
                                conflicts.fetch_add(1, Ordering::Relaxed);
                            }
                            Err(e) => panic!("append failed: {e}"),
                        }
                    }
                }
                committed
            }) as BoxFuture<'_, Vec<Version>>
        })
        .collect();
    let per_writer_versions = join_all(tasks).await;
    let mut all: Vec<Version> = Vec::new();
    for versions in &per_writer_versions {
        assert!(
            versions.windows(2).all(|w| w.first() < w.get(1)),
            "each writer's committed versions strictly increase"
        );
        all.extend_from_slice(versions);
    }
    all.sort();
    let total = u64::try_from(writers * per_writer).unwrap_or(u64::MAX);
    assert_eq!(
        all,
        (1..=total).map(v).collect::<Vec<_>>(),
        "every version was committed by exactly one writer"
    );
    assert_eq!(store.version(id).await.expect("version"), v(total));
    let history = store.events(id, Version::INITIAL).await.expect("events");
    assert_eq!(
        history.len() as u64,
        total,
        "the log holds every event once"
    );
    let loaded = store.load(id).await.expect("load").expect("exists");
    assert_fold_matches(loaded, &history, "after racing writers");
}

/// A boxed, `Send` future, as [`join_all`] takes them.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Polls every future concurrently in the calling task and returns their outputs in order.
/// Runtime-agnostic: it only uses the waker it is given.
pub async fn join_all<T>(futures: Vec<BoxFuture<'_, T>>) -> Vec<T> {
    let mut slots: Vec<(Option<BoxFuture<'_, T>>, Option<T>)> =
        futures.into_iter().map(|f| (Some(f), None)).collect();
    std::future::poll_fn(move |cx| {
        let mut pending = false;
        for (future, output) in &mut slots {
            if let Some(f) = future {
                match f.as_mut().poll(cx) {
                    Poll::Ready(value) => {
                        *output = Some(value);
                        *future = None;
                    }
                    Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            Poll::Pending
        } else {
            Poll::Ready(
                slots
                    .iter_mut()
                    .filter_map(|(_, output)| output.take())
                    .collect(),
            )
        }
    })
    .await
}

/// Runs a future to completion on the current thread, for stores whose futures need no
/// runtime (like an in-memory store behind an async face). Stores over an async client run
/// the kit on their client's runtime instead.
pub fn block_on<F: Future>(future: F) -> F::Output {
    struct Unpark(std::thread::Thread);
    impl Wake for Unpark {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
    }
    let waker = Waker::from(Arc::new(Unpark(std::thread::current())));
    let mut cx = Context::from_waker(&waker);
    let mut future = Box::pin(future);
    loop {
        match future.as_mut().poll(&mut cx) {
            Poll::Ready(output) => return output,
            Poll::Pending => std::thread::park(),
        }
    }
}
