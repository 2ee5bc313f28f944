//! The drive loop without a store: each test answers the machine's questions by hand, so the
//! order of the steps is what is checked.

use chrono::{TimeZone, Utc};
use partnerkit_core::{AccountId, Actor, Context, SequentialIds, Version};
use partnerkit_identity::{StepState, VerificationStep};
use uuid::Uuid;

use super::{Execute, Fetch, Io, Machine, Next, Reply};
use crate::cache::Slot;
use crate::command::AccountCommand;
use crate::engine::Engine;
use crate::service::Freshness;
use crate::settings::Settings;
use crate::state::sample_opening;
use crate::store::{Loaded, Recorded, StoreError};

/// What a machine asked, without borrowing it.
#[derive(Debug)]
enum Asked {
    Version,
    Events(Version),
    Load,
    Lock(Slot),
    Append { expected: Version, events: usize },
    Done(Result<Vec<Recorded>, &'static str>),
}

fn ask(machine: &mut Execute<'_, '_>, reply: Reply) -> Asked {
    match machine.resume(reply) {
        Next::Io(Io::Version) => Asked::Version,
        Next::Io(Io::Events(after)) => Asked::Events(after),
        Next::Io(Io::Load) => Asked::Load,
        Next::Io(Io::Lock(slot)) => Asked::Lock(slot),
        Next::Io(Io::Append(write)) => Asked::Append {
            expected: write.expected,
            events: write.events.len(),
        },
        Next::Done(done) => Asked::Done(done.map(|d| d.events).map_err(|e| e.code())),
    }
}

/// Answers a lock with the slot's entry.
fn locked(asked: Asked) -> Reply {
    match asked {
        Asked::Lock(slot) => Reply::Locked(slot.lock_arc_blocking()),
        other => panic!("expected a lock, got {other:?}"),
    }
}

fn account() -> AccountId {
    AccountId::from_uuid(Uuid::from_u128(1))
}

fn opening() -> AccountCommand {
    AccountCommand::OpenAccount(sample_opening(account()))
}

fn verifying(step: VerificationStep) -> AccountCommand {
    AccountCommand::RecordVerification {
        step,
        state: StepState::Verified,
    }
}

fn conflict(actual: u64) -> Reply {
    Reply::Appended(Err(StoreError::Conflict {
        expected: Version::INITIAL,
        actual: Version::new(actual),
    }))
}

/// Opens the account through a machine, answering as a store that took the events.
fn open(engine: &Engine, ctx: &Context<'_>) -> Vec<Recorded> {
    let mut m = Execute::new(engine, account(), ctx, opening(), None);
    assert!(matches!(ask(&mut m, Reply::Start), Asked::Load));
    let lock = ask(&mut m, Reply::Loaded(Ok(None)));
    let Asked::Append { events, .. } = ask(&mut m, locked(lock)) else {
        panic!("an opening appends")
    };
    match ask(&mut m, Reply::Appended(Ok(Version::new(events as u64)))) {
        Asked::Done(Ok(recorded)) => recorded,
        other => panic!("{other:?}"),
    }
}

fn loaded(events: &[Recorded]) -> Reply {
    Reply::Loaded(Ok(Some(Loaded {
        snapshot: None,
        events: events.to_vec(),
        refresh_snapshot: false,
    })))
}

#[test]
fn a_conflict_is_decided_again_on_fresh_state_until_the_retries_run_out() {
    // rule: X-3
    let engine = Engine::new(Settings {
        conflict_retries: 1,
        ..Settings::default()
    });
    let ids = SequentialIds::default();
    let now = Utc.with_ymd_and_hms(2027, 1, 5, 9, 0, 0).unwrap();
    let ctx = Context::new(now, Actor::Marketplace, &ids);
    let mut m = Execute::new(&engine, account(), &ctx, opening(), None);
    assert!(matches!(ask(&mut m, Reply::Start), Asked::Load));
    for retry in [true, false] {
        let lock = ask(&mut m, Reply::Loaded(Ok(None)));
        let append = ask(&mut m, locked(lock));
        let fresh = |v: Version, n: usize| v == Version::INITIAL && n > 0;
        assert!(
            matches!(append, Asked::Append { expected, events } if fresh(expected, events)),
            "{append:?}"
        );
        match ask(&mut m, conflict(1)) {
            Asked::Load if retry => {}
            Asked::Done(Err("conflict")) if !retry => {}
            other => panic!("retry {retry}: {other:?}"),
        }
    }
    assert_eq!(
        engine.cached_accounts(),
        0,
        "a refused append leaves nothing cached"
    );
}

#[test]
fn a_caller_expecting_a_version_is_never_decided_again() {
    // rule: X-3
    let engine = Engine::new(Settings::default());
    let ids = SequentialIds::default();
    let now = Utc.with_ymd_and_hms(2027, 1, 5, 9, 0, 0).unwrap();
    let ctx = Context::new(now, Actor::Marketplace, &ids);
    let expected = Some(Version::INITIAL);
    let mut m = Execute::new(&engine, account(), &ctx, opening(), expected);
    assert!(matches!(ask(&mut m, Reply::Start), Asked::Load));
    let lock = ask(&mut m, Reply::Loaded(Ok(None)));
    assert!(matches!(ask(&mut m, locked(lock)), Asked::Append { .. }));
    assert!(matches!(
        ask(&mut m, conflict(1)),
        Asked::Done(Err("conflict"))
    ));
}

#[test]
fn a_cached_entry_catches_up_or_is_loaded_again_when_left_in_flight() {
    // rule: X-3
    let (engine, other) = (
        Engine::new(Settings::default()),
        Engine::new(Settings::default()),
    );
    let ids = SequentialIds::default();
    let now = Utc.with_ymd_and_hms(2027, 1, 5, 9, 0, 0).unwrap();
    let ctx = Context::new(now, Actor::Marketplace, &ids);
    let mut history = open(&other, &ctx);
    let at = Version::new(history.len() as u64);
    // This instance loads the account.
    let mut fetch = Fetch::new(&engine, account(), Freshness::Current);
    assert!(matches!(fetch.resume(Reply::Start), Next::Io(Io::Load)));
    let Next::Io(Io::Lock(slot)) = fetch.resume(loaded(&history)) else {
        panic!("a load is locked")
    };
    let locked_entry = fetch.resume(Reply::Locked(slot.lock_arc_blocking()));
    assert!(matches!(locked_entry, Next::Done(Ok(ref e)) if e.version == at));
    drop(locked_entry);

    // The other one, which loads it too, verifies the email.
    let email = verifying(VerificationStep::Email);
    let mut m = Execute::new(&other, account(), &ctx, email, None);
    assert!(matches!(ask(&mut m, Reply::Start), Asked::Load));
    let lock = ask(&mut m, loaded(&history));
    assert!(matches!(ask(&mut m, locked(lock)), Asked::Append { expected, .. } if expected == at));
    let Asked::Done(Ok(verified)) = ask(&mut m, Reply::Appended(Ok(at.after(1)))) else {
        panic!("verified")
    };
    history.extend(verified.clone());

    // Behind: one version read, then only the events after the cached version.
    let business = verifying(VerificationStep::Business);
    let mut m = Execute::new(&engine, account(), &ctx, business, None);
    assert!(matches!(ask(&mut m, Reply::Start), Asked::Version));
    let lock = ask(&mut m, Reply::Version(Ok(at.after(1))));
    let after = ask(&mut m, locked(lock));
    assert!(matches!(after, Asked::Events(v) if v == at), "{after:?}");
    let append = ask(&mut m, Reply::Events(Ok(verified)));
    assert!(
        matches!(append, Asked::Append { expected, .. } if expected == at.after(1)),
        "decided on the caught-up entry: {append:?}"
    );
    let Asked::Done(Ok(business)) = ask(&mut m, Reply::Appended(Ok(at.after(2)))) else {
        panic!("verified")
    };
    history.extend(business);

    // An entry a panic left in flight is never used: it is loaded again.
    let slot = engine.cached(account()).expect("cached");
    slot.lock_blocking().in_flight = true;
    let employment = verifying(VerificationStep::Employment);
    let mut m = Execute::new(&engine, account(), &ctx, employment, None);
    assert!(matches!(ask(&mut m, Reply::Start), Asked::Version));
    let lock = ask(&mut m, Reply::Version(Ok(at.after(2))));
    assert!(matches!(ask(&mut m, locked(lock)), Asked::Load));
    let lock = ask(&mut m, loaded(&history));
    let append = ask(&mut m, locked(lock));
    assert!(
        matches!(append, Asked::Append { expected, .. } if expected == at.after(2)),
        "{append:?}"
    );
}
