//! The stored formats, and the state rebuilt from events alone.

use partnerkit::core::testing::at;
use partnerkit::{AccountState, InMemoryStore};

use crate::fixture::*;

#[test]
fn state_is_the_fold_of_the_audit_trail() {
    // rule: X-1
    let mut w = World::company(InMemoryStore::new());
    w.bob(partnerkit::access::Role::Developer);
    w.second_tenant();
    let history = w.svc.history(w.account).unwrap();
    assert!(history.iter().all(|e| e.at == at(2027, 1, 5, 9, 0, 0)));
    let replayed = AccountState::fold(history.iter().map(|e| &e.event));
    assert_eq!(replayed, w.state());
}

#[test]
fn the_audit_trail_format() {
    // rule: X-1
    let w = World::company(InMemoryStore::new());
    let history = w.svc.history(w.account).unwrap();
    insta::assert_json_snapshot!("opening_an_account", history);
}

#[test]
fn the_same_commands_with_the_same_time_and_ids_give_the_same_events() {
    // rule: X-5
    let run = || {
        let mut w = World::company(InMemoryStore::new());
        w.bob(partnerkit::access::Role::Developer);
        w.svc.history(w.account).unwrap()
    };
    assert_eq!(run(), run());
}
