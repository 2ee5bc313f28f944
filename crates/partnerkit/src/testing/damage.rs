//! The damaged-row cases of the conformance kit (rule X-9), as data: each case damages the
//! rows of an account (events 1–5, a snapshot at v3) and says what a load must do.

use partnerkit_core::{AccountId, Version};

use crate::codec::{EventRow, SnapshotRow};
use crate::state::{AccountState, sample_events};
use crate::store::{Loaded, Recorded};

/// The rows of an account.
pub(crate) type AccountRows = (Vec<EventRow>, Option<SnapshotRow>);

/// What loading the damaged account must give.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Expect {
    /// `load` and `events` refuse it, with an error whose text names the account and
    /// contains this.
    Refused(&'static str),
    /// `load` refuses it so (the damage is in the snapshot); `events` reads all five events.
    SnapshotRefused(&'static str),
    /// `load` folds the whole history and asks for a fresh snapshot; `events` reads it all.
    Rebuilt,
}

/// One damage and what must come of it.
pub(crate) struct Case {
    pub(crate) name: &'static str,
    pub(crate) damage: fn(&mut AccountRows, &AccountRows),
    pub(crate) expect: Expect,
}

fn row(rows: &mut AccountRows, seq: u64) -> &mut EventRow {
    rows.0
        .iter_mut()
        .find(|r| r.seq == seq)
        .expect("the case's account has events 1 to 5")
}

fn snapshot(rows: &mut AccountRows) -> &mut SnapshotRow {
    rows.1
        .as_mut()
        .expect("the case's account has a snapshot at v3")
}

/// Swaps everything but the sequence numbers of rows `a` and `b`.
fn swap(rows: &mut AccountRows, a: u64, b: u64) {
    let (sa, sb) = (row(rows, a).clone(), row(rows, b).clone());
    *row(rows, a) = EventRow { seq: a, ..sb };
    *row(rows, b) = EventRow { seq: b, ..sa };
}

/// Every case, in the order the kit runs them.
pub(crate) const CASES: &[Case] = &[
    Case {
        name: "an event row deleted",
        damage: |r, _| r.0.retain(|e| e.seq != 4),
        expect: Expect::Refused("event row 4 is missing"),
    },
    Case {
        name: "event rows 2 and 3 swapped",
        damage: |r, _| swap(r, 2, 3),
        expect: Expect::Refused("event row"),
    },
    Case {
        name: "event rows 4 and 5 swapped",
        damage: |r, _| swap(r, 4, 5),
        expect: Expect::Refused("event row 4"),
    },
    Case {
        name: "an event given the id of the event before it",
        damage: |r, _| row(r, 5).id = row(r, 4).id.clone(),
        expect: Expect::Refused("is already the id of event 4"),
    },
    Case {
        name: "an event's payload replaced by another event's",
        damage: |r, _| row(r, 4).event = row(r, 5).event.clone(),
        expect: Expect::Refused("event row 4"),
    },
    Case {
        name: "a payload that does not decode",
        damage: |r, _| row(r, 4).event = "{\"domain\": \"nonsense\"}".into(),
        expect: Expect::Refused("does not decode"),
    },
    Case {
        name: "a payload format from a newer release",
        damage: |r, _| row(r, 4).payload = 99,
        expect: Expect::Refused("payload format 99"),
    },
    Case {
        name: "an envelope format from a newer release",
        damage: |r, _| row(r, 4).envelope = 99,
        expect: Expect::Refused("format 99"),
    },
    Case {
        name: "the snapshot row's version set back to 1",
        damage: |r, _| snapshot(r).version = 1,
        expect: Expect::SnapshotRefused("the row says v1"),
    },
    Case {
        name: "the snapshot row's version past the account's",
        damage: |r, _| snapshot(r).version = 9,
        expect: Expect::SnapshotRefused("snapshot row: it is at v9"),
    },
    Case {
        name: "another account's snapshot moved to this one",
        damage: |r, other| r.1.clone_from(&other.1),
        expect: Expect::SnapshotRefused("not of this one"),
    },
    Case {
        name: "another account's history copied over this one's",
        damage: |r, other| *r = (other.0.clone(), None),
        expect: Expect::Refused("event row 1"),
    },
    Case {
        name: "a snapshot in the format before formats were named (the state's JSON)",
        damage: |r, _| {
            let state = AccountState::fold(sample_events(3).iter().map(|e| &e.event));
            let s = snapshot(r);
            s.format = 1;
            s.data = serde_json::to_vec(&state).expect("a sample state has a JSON form");
        },
        expect: Expect::Rebuilt,
    },
    Case {
        name: "a snapshot whose body does not decode",
        damage: |r, _| {
            let s = snapshot(r);
            let keep = s.data.len().min(46);
            s.data.truncate(keep);
            s.data.extend_from_slice(b"not a body");
        },
        expect: Expect::Rebuilt,
    },
];

/// The history the case's account is given: events 1–3 with a snapshot, then 4–5. (The other
/// account's is the same, appended in one write with a snapshot at v5.)
pub(crate) fn history() -> Vec<Recorded> {
    sample_events(5)
}

/// Checks what the store gave for a damaged account.
#[track_caller]
pub(crate) fn judge<E: std::fmt::Display>(
    case: &Case,
    account: AccountId,
    load: Result<Option<Loaded>, E>,
    events: Result<Vec<Recorded>, E>,
) {
    let name = case.name;
    match case.expect {
        Expect::Refused(words) | Expect::SnapshotRefused(words) => {
            let mut outcomes = vec![("load()", load.map(|_| ()).err())];
            match (case.expect, events) {
                (Expect::SnapshotRefused(_), Ok(all)) => {
                    assert_eq!(all.len(), 5, "{name}: events() reads all 5 events");
                }
                (Expect::SnapshotRefused(_), Err(e)) => {
                    panic!("{name}: events() does not read the snapshot, and must succeed: {e}")
                }
                (_, events) => outcomes.push(("events()", events.map(|_| ()).err())),
            }
            for (what, outcome) in outcomes {
                let Some(err) = outcome else {
                    panic!("{name}: {what} must refuse account {account}, and accepted it");
                };
                let text = err.to_string();
                assert!(
                    text.contains(words) && text.contains(&account.to_string()),
                    "{name}: {what} refused, but its error must name the account and say {words:?}: {text}"
                );
            }
        }
        Expect::Rebuilt => {
            let history = history();
            let loaded = match load {
                Ok(Some(l)) => l,
                Ok(None) => panic!("{name}: load() lost the account"),
                Err(e) => panic!("{name}: load() must rebuild from the events, and failed: {e}"),
            };
            assert!(
                loaded.snapshot.is_none() && loaded.refresh_snapshot,
                "{name}: load() must not use the snapshot, and must ask for a fresh one"
            );
            assert_eq!(loaded.version(), Version::new(5), "{name}");
            super::conformance::assert_fold_matches(loaded, &history, name);
            match events {
                Ok(all) => assert_eq!(all.len(), 5, "{name}: events() reads all 5"),
                Err(e) => panic!("{name}: events() must read the history: {e}"),
            }
        }
    }
}
