//! The body codec: every state reads back equal; damage is refused, never read as another
//! state and never a panic.

use proptest::prelude::*;

use super::{HEADER, checksum, decode, encode};
use crate::state::{AccountEvent, AccountState, sample_state};

/// Recorded histories: three of the simulator (`crates/sim`, seeds 11 to 13, 500 random steps
/// each: identity, access and payouts) and three of the facade's tests (tax forms, payout
/// accounts, contacts, a second tenant, accepted agreements), so that their folds hold every
/// domain's data. They are events in their public JSON form, which stays readable.
const HISTORIES: &str = include_str!("histories.json");

fn histories() -> Vec<Vec<AccountEvent>> {
    match serde_json::from_str(HISTORIES) {
        Ok(h) => h,
        Err(e) => panic!("histories.json does not read: {e}"),
    }
}

fn round_trip(state: &AccountState) -> Result<(), String> {
    let body = encode(state)?;
    let back = decode(&body)?;
    if &back == state {
        Ok(())
    } else {
        Err("the state read back differs".into())
    }
}

/// `body` with its checksum made to match its payload again.
fn resealed(mut body: Vec<u8>) -> Vec<u8> {
    let sum = checksum::xxh64(body.get(HEADER..).unwrap_or_default());
    if let Some(slot) = body.get_mut(1..HEADER) {
        slot.copy_from_slice(&sum.to_le_bytes());
    }
    body
}

fn body_of(state: &AccountState) -> Vec<u8> {
    match encode(state) {
        Ok(b) => b,
        Err(e) => panic!("{e}"),
    }
}

/// A state with users, groups, apps, tenants and payout accounts: of the recorded histories'
/// folds, the one with the most users.
fn rich_state() -> AccountState {
    let folds = histories()
        .iter()
        .map(AccountState::fold)
        .collect::<Vec<_>>();
    let most = folds.into_iter().max_by_key(|s| s.identity.users().count());
    most.unwrap_or_default()
}

#[test]
fn the_empty_state_and_the_samples_read_back_equal() {
    assert_eq!(round_trip(&AccountState::default()), Ok(()));
    for n in 0..50 {
        assert_eq!(round_trip(&sample_state(n)), Ok(()), "sample {n}");
    }
}

#[test]
fn every_state_of_the_recorded_histories_reads_back_equal() {
    for (i, history) in histories().iter().enumerate() {
        let mut state = AccountState::default();
        for (n, event) in history.iter().enumerate() {
            state.apply(event);
            assert_eq!(round_trip(&state), Ok(()), "history {i}, after event {n}");
        }
    }
}

#[test]
fn the_histories_cover_every_domain() {
    let folds: Vec<serde_json::Value> = histories()
        .iter()
        .map(|h| serde_json::to_value(AccountState::fold(h)).unwrap_or_default())
        .collect();
    for part in ["identity", "access", "payouts", "tax", "agreements"] {
        let longest = folds
            .iter()
            .filter_map(|f| f.get(part).map(|v| v.to_string().len()))
            .max();
        assert!(longest > Some(100), "{part}: {longest:?}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Any subsequence of a recorded history, in any order, folds to a state (every event
    /// applies to any state) that reads back equal: states the simulator never reached.
    #[test]
    fn any_fold_of_recorded_events_reads_back_equal(
        picks in prop::collection::vec((0usize..8, any::<prop::sample::Index>()), 0..120),
    ) {
        let histories = histories();
        let events = picks.iter().filter_map(|(h, i)| {
            let history = histories.get(h % histories.len().max(1))?;
            history.get(i.index(history.len().max(1)))
        });
        let state = AccountState::fold(events);
        prop_assert_eq!(round_trip(&state), Ok(()));
    }

    /// A payload changed anywhere, with its checksum made to match again (what no accident
    /// does), is refused with an error or reads as some valid state — never a panic.
    #[test]
    fn a_damaged_payload_is_an_error_or_a_valid_state(
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
        cut in any::<prop::sample::Index>(),
        truncate in any::<bool>(),
    ) {
        let mut body = body_of(&rich_state());
        for (at, byte) in &edits {
            let i = HEADER + at.index(body.len() - HEADER);
            if let Some(b) = body.get_mut(i) {
                *b = *byte;
            }
        }
        if truncate {
            body.truncate(HEADER + cut.index(body.len() - HEADER));
        }
        if let Ok(state) = decode(&resealed(body)) {
            // What reads back is a state like any other: it writes and reads again.
            prop_assert_eq!(round_trip(&state), Ok(()));
        }
    }
}

#[test]
fn every_flipped_bit_is_refused() {
    let body = body_of(&sample_state(7));
    for i in 0..body.len() {
        for bit in 0..8 {
            let mut damaged = body.clone();
            if let Some(b) = damaged.get_mut(i) {
                *b ^= 1 << bit;
            }
            assert!(decode(&damaged).is_err(), "byte {i}, bit {bit}");
        }
    }
}

#[test]
fn every_truncation_and_any_extra_byte_is_refused() {
    let body = body_of(&sample_state(7));
    for len in 0..body.len() {
        assert!(
            decode(body.get(..len).unwrap_or_default()).is_err(),
            "{len} bytes"
        );
    }
    let mut longer = body.clone();
    longer.push(0);
    assert!(decode(&longer).is_err());
    // Even with a checksum that covers it, a byte after the state is refused.
    assert!(decode(&resealed(longer)).is_err_and(|e| e.contains("follow")),);
}

#[test]
fn a_body_whose_checksum_does_not_match_is_refused() {
    let body = body_of(&sample_state(3));
    // The display name "Sample publisher 3" in the payload, made "Sample publisher 4": a
    // valid state, but not the one written.
    let at = body
        .windows(18)
        .position(|w| w == b"Sample publisher 3")
        .unwrap_or(0);
    let mut changed = body.clone();
    if let Some(b) = changed.get_mut(at + 17) {
        *b = b'4';
    }
    assert!(decode(&changed).is_err_and(|e| e.contains("checksum")));
    // Resealed, it reads back as another valid state: the checksum is what tells them apart.
    let other = decode(&resealed(changed)).unwrap_or_default();
    let name = other
        .identity
        .profile()
        .map(|p| p.display_name.as_str().to_owned());
    assert_eq!(name.as_deref(), Some("Sample publisher 4"));
}

#[test]
fn values_are_validated_on_reading_as_on_writing() {
    // A stored email address made invalid ("ann@contoso,com"), under a matching checksum.
    let state = rich_state();
    let body = body_of(&state);
    let email = state
        .identity
        .users()
        .map(|u| u.username.as_str().to_owned())
        .find(|e| e.contains('.'))
        .unwrap_or_else(|| panic!("the rich state has no user"));
    let at = body
        .windows(email.len())
        .position(|w| w == email.as_bytes())
        .unwrap_or(0);
    let dot = at + email.rfind('.').unwrap_or(0);
    let mut forged = body.clone();
    if let Some(b) = forged.get_mut(dot) {
        *b = b',';
    }
    let refused = decode(&resealed(forged));
    assert!(refused.is_err(), "{refused:?}");
}

#[test]
fn another_format_is_refused() {
    let mut body = body_of(&sample_state(1));
    if let Some(b) = body.first_mut() {
        *b = 1;
    }
    assert!(decode(&body).is_err_and(|e| e.contains("format 1")));
    let json = serde_json::to_vec(&sample_state(1)).unwrap_or_default();
    assert!(decode(&json).is_err());
    assert!(decode(&[]).is_err());
}
