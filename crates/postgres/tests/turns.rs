//! Write turns against a real server (issue 22): a writer that lost a race gets the next
//! turn on the account while another instance writes in a loop; without turns nothing waits;
//! a turn nobody uses runs out, and a turn whose holder is gone ends with its connection.
//!
//! The server's URL comes from `PARTNERKIT_POSTGRES_URL`; without it every test prints one
//! line saying it was not run and passes. With `PARTNERKIT_REQUIRE_POSTGRES=1` a missing
//! variable or an unreachable server fails. Each test works in its own PostgreSQL schema,
//! dropped at the end.
#![allow(clippy::unwrap_used, clippy::panic)]

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use partnerkit::AccountEvent;
use partnerkit::core::chrono::DateTime;
use partnerkit::core::uuid::Uuid;
use partnerkit::core::{AccountId, Actor, DisplayName, Envelope, EventId, SellerId, Version};
use partnerkit::identity::{AccountType, Event};
use partnerkit::store::{AsyncAccountStore, Recorded, StoreError, Write};
use partnerkit_postgres::PostgresStore;

mod support;
use support::{runtime, url};

const LONG: Duration = Duration::from_secs(60);

/// Runs `f` with the URL and a fresh schema's name (migrated), dropping the schema after.
fn with_schema(test: &str, f: impl AsyncFnOnce(&str, &str)) {
    let Some(url) = url() else { return };
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let schema = format!(
        "pk_turn_{test}_{}_{}",
        std::process::id(),
        nanos % 1_000_000_000
    );
    let rt = runtime();
    let admin = PostgresStore::connect(&url)
        .unwrap()
        .with_schema(&schema)
        .unwrap();
    rt.block_on(admin.migrate())
        .unwrap_or_else(|e| panic!("the PostgreSQL server at {url} must answer: {e}"));
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        rt.block_on(f(&url, &schema));
    }));
    rt.block_on(admin.drop_schema()).unwrap();
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

/// Another instance: a store over a pool of its own.
fn instance(url: &str, schema: &str, turn: Option<Duration>) -> PostgresStore {
    PostgresStore::connect(url)
        .unwrap()
        .with_schema(schema)
        .unwrap()
        .with_write_turn(turn)
}

const ACCOUNT: u128 = 7;

fn account() -> AccountId {
    AccountId::from_uuid(Uuid::from_u128(ACCOUNT))
}

/// Event `n` of `writer`: its id tells writers apart, so none repeats (rule X-9).
fn event(writer: u32, n: u32) -> Recorded {
    Envelope {
        v: partnerkit::core::ENVELOPE_FORMAT,
        id: Some(EventId::from_uuid(Uuid::from_u128(
            u128::from(writer) << 64 | u128::from(n),
        ))),
        at: DateTime::from_timestamp(1_800_000_000 + i64::from(n), 0).unwrap(),
        actor: Actor::Marketplace,
        event: AccountEvent::Identity(Event::AccountOpened {
            account: account(),
            seller_id: SellerId::new("91234567").unwrap(),
            account_type: AccountType::Company,
            display_name: DisplayName::new(&format!("writer {writer} event {n}")).unwrap(),
            owner: None,
        }),
    }
}

/// As the service does: read the version, write after it, and on a conflict read again and
/// retry, until the write lands. Returns the tries it took.
async fn write_until_stored(store: &PostgresStore, writer: u32, n: u32) -> u32 {
    for tries in 1.. {
        let version = store.version(account()).await.unwrap();
        match store
            .append(Write::new(account(), version, &[event(writer, n)]))
            .await
        {
            Ok(_) => return tries,
            Err(StoreError::Conflict { .. }) => {}
            Err(e) => panic!("writer {writer} failed: {e}"),
        }
    }
    unreachable!()
}

/// Makes `store` lose a race on purpose: an append at a version the account has left.
async fn lose_a_race(store: &PostgresStore) {
    let now = store.version(account()).await.unwrap();
    let stale = Version::new(now.get() - 1);
    let lost = store
        .append(Write::new(account(), stale, &[event(99, 0)]))
        .await;
    assert!(matches!(lost, Err(StoreError::Conflict { .. })), "{lost:?}");
}

/// The account with two events, so a stale version exists.
async fn two_events(url: &str, schema: &str) {
    let store = instance(url, schema, None);
    write_until_stored(&store, 0, 1).await;
    write_until_stored(&store, 0, 2).await;
}

#[test]
fn a_second_writer_lands_within_three_tries_while_another_writes_in_a_loop() {
    with_schema("race", async |url, schema| {
        let a = Arc::new(instance(
            url,
            schema,
            Some(PostgresStore::DEFAULT_WRITE_TURN),
        ));
        let b = instance(url, schema, Some(PostgresStore::DEFAULT_WRITE_TURN));
        let stop = Arc::new(AtomicBool::new(false));
        let looping = tokio::spawn({
            let (a, stop) = (Arc::clone(&a), Arc::clone(&stop));
            async move {
                let mut n = 0;
                while !stop.load(Ordering::Relaxed) {
                    n += 1;
                    write_until_stored(&a, 1, n).await;
                }
                n
            }
        });
        let mut tries = Vec::new();
        for n in 1..=30 {
            tries.push(write_until_stored(&b, 2, n).await);
            tokio::time::sleep(Duration::from_millis(30)).await;
        }
        stop.store(true, Ordering::Relaxed);
        let written_by_a = looping.await.unwrap();
        assert!(written_by_a > 30, "A wrote only {written_by_a} events");
        let most = tries.iter().max().copied().unwrap();
        assert!(most <= 3, "B's writes took up to {most} tries: {tries:?}");
        let history = a.events(account(), Version::INITIAL).await.unwrap();
        assert_eq!(history.len(), written_by_a as usize + 30, "nothing is lost");
    });
}

#[test]
fn a_turn_holds_other_writes_back_until_its_holder_writes() {
    with_schema("holds", async |url, schema| {
        two_events(url, schema).await;
        let holder = instance(url, schema, Some(LONG));
        let other = Arc::new(instance(url, schema, Some(LONG)));
        lose_a_race(&holder).await;
        // The other instance read the version before the holder's retry...
        let version = other.version(account()).await.unwrap();
        let waiting = tokio::spawn({
            let other = Arc::clone(&other);
            async move {
                other
                    .append(Write::new(account(), version, &[event(2, 1)]))
                    .await
            }
        });
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert!(!waiting.is_finished(), "a write waits for another's turn");
        // ...and the holder's retry lands first, though it came later.
        let now = holder.version(account()).await.unwrap();
        assert_eq!(now, version);
        let t = Instant::now();
        holder
            .append(Write::new(account(), now, &[event(1, 1)]))
            .await
            .unwrap();
        let lost = waiting.await.unwrap();
        assert!(matches!(lost, Err(StoreError::Conflict { .. })), "{lost:?}");
        assert!(
            t.elapsed() < Duration::from_secs(10),
            "the turn ended with the write"
        );
    });
}

#[test]
fn without_turns_a_lost_race_holds_nobody_back() {
    with_schema("off", async |url, schema| {
        two_events(url, schema).await;
        let loser = instance(url, schema, None);
        assert_eq!(loser.write_turn(), None);
        // The other instance would wait up to a minute for a turn, if there were one.
        let other = instance(url, schema, Some(LONG));
        lose_a_race(&loser).await;
        let t = Instant::now();
        let version = other.version(account()).await.unwrap();
        other
            .append(Write::new(account(), version, &[event(2, 1)]))
            .await
            .unwrap();
        assert!(t.elapsed() < Duration::from_secs(10), "{:?}", t.elapsed());
        // And the loser's own retry runs as before turns: read, write.
        assert_eq!(write_until_stored(&loser, 1, 1).await, 1);
    });
}

#[test]
fn a_turn_nobody_uses_runs_out() {
    with_schema("unused", async |url, schema| {
        two_events(url, schema).await;
        let turn = Duration::from_millis(500);
        // A holder that never tries again (its caller gave up).
        let holder = instance(url, schema, Some(turn));
        let other = instance(url, schema, Some(LONG));
        lose_a_race(&holder).await;
        let t = Instant::now();
        let version = other.version(account()).await.unwrap();
        other
            .append(Write::new(account(), version, &[event(2, 1)]))
            .await
            .unwrap();
        let waited = t.elapsed();
        assert!(
            waited >= Duration::from_millis(300),
            "the write waited for the turn: {waited:?}"
        );
        assert!(
            waited < Duration::from_secs(10),
            "the turn ran out: {waited:?}"
        );
    });
}

#[test]
fn a_turn_ends_with_its_holders_connection() {
    with_schema("gone", async |url, schema| {
        two_events(url, schema).await;
        // The holder lives on a runtime of its own, in a thread of its own; shutting the
        // runtime down closes its connections, as the holder's process dying would. Its turn
        // would last a minute.
        let (lost, has_lost) = tokio::sync::oneshot::channel();
        let (url, schema) = (url.to_string(), schema.to_string());
        let other = instance(&url, &schema, Some(LONG));
        let holder = std::thread::spawn(move || {
            let rt = runtime();
            let holder = instance(&url, &schema, Some(LONG));
            rt.block_on(lose_a_race(&holder));
            lost.send(()).unwrap();
            std::thread::sleep(Duration::from_millis(300));
            rt.shutdown_background();
            drop(holder);
        });
        has_lost.await.unwrap();
        let version = other.version(account()).await.unwrap();
        let t = Instant::now();
        other
            .append(Write::new(account(), version, &[event(2, 1)]))
            .await
            .unwrap();
        let waited = t.elapsed();
        assert!(
            waited >= Duration::from_millis(100),
            "the write waited for the holder: {waited:?}"
        );
        assert!(
            waited < Duration::from_secs(30),
            "the turn ended with the connection, not the minute: {waited:?}"
        );
        holder.join().unwrap();
    });
}

#[test]
fn a_write_waits_for_a_turn_no_longer_than_its_own_turn_length() {
    with_schema("overran", async |url, schema| {
        two_events(url, schema).await;
        // A turn of a minute, held by a holder that never tries again...
        let holder = instance(url, schema, Some(LONG));
        lose_a_race(&holder).await;
        // ...holds back a store whose turns (and waits) last 300 ms for those 300 ms only.
        let other = instance(url, schema, Some(Duration::from_millis(300)));
        let t = Instant::now();
        let version = other.version(account()).await.unwrap();
        other
            .append(Write::new(account(), version, &[event(2, 1)]))
            .await
            .unwrap();
        let waited = t.elapsed();
        assert!(waited >= Duration::from_millis(250), "{waited:?}");
        assert!(waited < Duration::from_secs(10), "{waited:?}");
        drop(holder);
    });
}
