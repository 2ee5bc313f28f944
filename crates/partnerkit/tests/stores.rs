//! The in-memory store passes the conformance kit (the SQLite store runs it in its own crate).

use partnerkit::InMemoryStore;
use partnerkit::testing::conformance;

#[test]
fn in_memory_store_conforms() {
    conformance::check_all(&InMemoryStore::new());
}

#[test]
fn in_memory_store_refuses_gaps_and_corrupt_events() {
    // rule: X-1 (the audit trail is never silently shortened)
    let store = InMemoryStore::new();
    conformance::check_gaps_are_refused(&store, |account, seq| {
        assert!(store.remove_event(account, seq));
    });
    conformance::check_corrupt_events_are_refused(&store, |account, seq| {
        assert!(store.overwrite_event(account, seq, b"{\"domain\": \"nonsense\"}"));
    });
}

#[test]
fn in_memory_store_errors_name_the_missing_event() {
    use partnerkit::core::{AccountId, Actor, DisplayName, Envelope, SellerId, Version};
    use partnerkit::identity::{AccountType, Event};
    use partnerkit::store::AccountStore;
    let store = InMemoryStore::new();
    let account = AccountId::from_uuid(partnerkit::core::uuid::Uuid::from_u128(9));
    let events: Vec<_> = (0..4)
        .map(|i| Envelope {
            at: partnerkit::core::chrono::DateTime::from_timestamp(1_800_000_000 + i, 0).unwrap(),
            actor: Actor::Marketplace,
            event: partnerkit::AccountEvent::Identity(Event::AccountOpened {
                account,
                seller_id: SellerId::new("91234567").unwrap(),
                account_type: AccountType::Company,
                display_name: DisplayName::new(&format!("Publisher {i}")).unwrap(),
                owner: None,
            }),
        })
        .collect();
    store
        .append(account, Version::INITIAL, &events, None)
        .unwrap();
    assert!(store.remove_event(account, 2));
    let err = store.events(account, Version::INITIAL).unwrap_err();
    assert_eq!(err.code(), "corrupt");
    assert!(err.to_string().contains("event 2 is missing"), "{err}");
    assert!(
        store.events(account, Version::new(2)).is_ok(),
        "the events after the gap are whole"
    );
    assert!(store.overwrite_event(account, 4, b"not json"));
    let err = store.events(account, Version::new(2)).unwrap_err();
    assert!(
        err.to_string().contains("event 4 of account")
            && err.to_string().contains("does not decode"),
        "{err}"
    );
}
