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

#[test]
fn snapshots_are_written_on_schedule_and_loading_replays_only_what_follows() {
    // rule: X-1
    use partnerkit::store::AccountStore;
    let settings = partnerkit::Settings {
        snapshot_every: 5,
        ..partnerkit::Settings::default()
    };
    let w = World::company_with(InMemoryStore::new(), settings.clone());
    for i in 0..12 {
        let name = partnerkit::core::DisplayName::new(&format!("Contoso {i}")).unwrap();
        w.svc
            .change_display_name(w.account, &w.ctx(user(T1, ALICE)), name)
            .unwrap();
    }
    let loaded = w.svc.store().load(w.account).unwrap().unwrap();
    let snapshot = loaded.snapshot.as_ref().expect("a snapshot was written");
    assert!(
        loaded.events.len() < 5,
        "{} events after it",
        loaded.events.len()
    );
    assert_eq!(loaded.version(), w.version());
    // The snapshot plus the events after it is the fold of the whole history.
    let history = w.svc.history(w.account).unwrap();
    assert_eq!(
        snapshot.state,
        AccountState::fold(
            history
                .iter()
                .take(snapshot.version.get() as usize)
                .map(|e| &e.event)
        )
    );
    let (state, _) = loaded.fold();
    assert_eq!(state, w.state());
    // A fresh service over the same store starts from it.
    let fresh = partnerkit::AccountService::with_settings(w.svc.store(), settings);
    assert_eq!(fresh.state(w.account).unwrap().unwrap(), w.state());
    // Large accounts snapshot less often: a snapshot's bytes follow the account's size.
    let s = partnerkit::Settings::default();
    assert_eq!(s.snapshot_interval(10), 1000);
    assert_eq!(s.snapshot_interval(100_000), 20_000);
}
