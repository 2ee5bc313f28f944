//! Every format a stored event was ever written in still decodes (issue 17): one stored event
//! of each envelope format, kept as the exact JSON that format wrote.

use partnerkit::core::testing::{at, id};
use partnerkit::core::{
    AccountId, Actor, DisplayName, ENVELOPE_FORMAT, EventId, SeededRandom, SequentialIds, Version,
};
use partnerkit::store::{AccountStore, Recorded, Write};
use partnerkit::{AccountEvent, AccountService, AccountState, InMemoryStore, Settings};

use crate::fixture::*;

/// Format 1: written before events had ids (no `v`, no `id`). Never change this string.
const FORMAT_1: &str = r#"{"at":"2027-01-05T09:00:00Z","actor":{"kind":"marketplace"},"event":{"domain":"identity","event":{"type":"account_opened","account":"00000000-0000-0000-0000-000000000001","seller_id":"91234567","account_type":"company","display_name":"Contoso Apps"}}}"#;

/// Format 2: the current one, with the format version and the event's id. Never change this
/// string; a new format gets a new constant next to it.
const FORMAT_2: &str = r#"{"v":2,"id":"00000000-0000-0000-0000-0000000f4242","at":"2027-01-05T09:00:00Z","actor":{"kind":"marketplace"},"event":{"domain":"payouts","event":{"type":"set_up","registration":{"account":"00000000-0000-0000-0000-000000000001","country":"US","currency":"USD"}}}}"#;

fn decode(json: &str) -> Recorded {
    serde_json::from_str(json).unwrap_or_else(|e| panic!("{json} does not decode: {e}"))
}

#[test]
fn one_stored_event_of_each_format_decodes() {
    // rule: X-1
    assert_eq!(
        ENVELOPE_FORMAT, 2,
        "a new format needs its own stored event here"
    );
    let v1 = decode(FORMAT_1);
    assert_eq!((v1.v, v1.id), (1, None));
    assert_eq!(v1.at, at(2027, 1, 5, 9, 0, 0));
    assert_eq!(v1.actor, Actor::Marketplace);
    assert!(
        matches!(v1.event, AccountEvent::Identity(_)),
        "{:?}",
        v1.event
    );

    let v2 = decode(FORMAT_2);
    assert_eq!((v2.v, v2.id), (2, Some(id::<EventId>(0xf4242))));
    assert!(
        matches!(v2.event, AccountEvent::Payouts(_)),
        "{:?}",
        v2.event
    );

    // Both fold: the account they describe is open, with payouts set up.
    let state = AccountState::fold([&v1.event, &v2.event]);
    assert!(state.identity.profile().is_some());
}

#[test]
fn a_stored_event_is_encoded_again_in_the_format_it_was_written_in() {
    // rule: X-1
    // Stored events are immutable: a format-1 event is never given a made-up id.
    for json in [FORMAT_1, FORMAT_2] {
        let again = serde_json::to_string(&decode(json)).unwrap();
        assert_eq!(again, json);
    }
}

#[test]
fn a_history_written_before_ids_keeps_working_and_new_events_get_ids() {
    // rule: X-1
    // The same account opened today, and its history as it was stored before event ids.
    let today = World::company(InMemoryStore::new());
    let old: Vec<Recorded> = today
        .svc
        .history(today.account)
        .unwrap()
        .into_iter()
        .map(|e| Recorded {
            v: 1,
            id: None,
            ..e
        })
        .collect();
    // Through JSON, as a store holds it: no `v`, no `id`, as format 1 wrote it.
    let old: Vec<Recorded> = old
        .iter()
        .map(|e| {
            let json = serde_json::to_value(e).unwrap();
            assert!(
                json.get("v").is_none() && json.get("id").is_none(),
                "{json}"
            );
            serde_json::from_value(json).unwrap()
        })
        .collect();
    let account: AccountId = today.account;
    let store = InMemoryStore::new();
    store
        .append(Write::new(account, Version::INITIAL, &old))
        .unwrap();
    let w = World {
        svc: AccountService::with_settings(
            store,
            Settings {
                catalogue: catalogue(),
                ..Settings::default()
            },
        ),
        ids: SequentialIds::starting_after(2_000_000),
        now: today.now,
        account,
        random: SeededRandom::new(7),
    };
    assert_eq!(
        w.state(),
        today.state(),
        "the old history folds to the same state"
    );

    let name = DisplayName::new("Contoso Games").unwrap();
    w.svc
        .change_display_name(account, &w.ctx(user(T1, ALICE)), name)
        .unwrap();
    let history = w.svc.history(account).unwrap();
    let (before, after) = history.split_at(old.len());
    assert_eq!(
        before,
        old.as_slice(),
        "old events stay as they were written"
    );
    assert!(!after.is_empty());
    for (e, expected) in after.iter().zip(2_000_001..) {
        assert_eq!(e.v, ENVELOPE_FORMAT);
        assert_eq!(
            e.id,
            Some(id::<EventId>(expected)),
            "ids come from the host's IdSource"
        );
    }
}
