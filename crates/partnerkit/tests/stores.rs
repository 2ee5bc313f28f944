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
