//! The async service decides exactly as the sync one: one engine, two drivers.

use std::future::Future;

use partnerkit::access::{Grant, Permission, Role};
use partnerkit::core::testing::id;
use partnerkit::core::{Actor, DisplayName};
use partnerkit::payouts::PayoutMonth;
use partnerkit::{AccountCommand, AsyncAccountService, InMemoryStore, ReadKind};

use crate::fixture::*;

fn block_on<F: Future>(f: F) -> F::Output {
    use std::task::{Context, Poll, Wake, Waker};
    struct Noop;
    impl Wake for Noop {
        fn wake(self: std::sync::Arc<Self>) {}
    }
    let waker = Waker::from(std::sync::Arc::new(Noop));
    let mut f = std::pin::pin!(f);
    loop {
        if let Poll::Ready(v) = f.as_mut().poll(&mut Context::from_waker(&waker)) {
            return v;
        }
    }
}

fn is_send<T: Send>(_: &T) {}

// rule: X-2
#[test]
fn the_async_service_runs_the_same_story_and_its_futures_are_send() {
    // The sync service builds the account; the async one over the same store continues it.
    let w = World::company(InMemoryStore::new());
    let service = AsyncAccountService::new(w.svc.store());
    let alice = w.ctx(user(T1, ALICE));
    let add = AccountCommand::AddUsers {
        tenant: id(T1),
        users: vec![dir_user(BOB, "Bob", "contoso.com", false)],
        grant: Grant::Role(Role::Developer),
    };
    let future = service.execute(w.account, &alice, add);
    is_send(&future);
    let done = block_on(future).unwrap();
    assert!(!done.events.is_empty());
    assert_eq!(done.version, w.version());
    // The sync service sees it (one store), and both answer authorize alike.
    let bob = user(T1, BOB);
    let sync = w
        .svc
        .authorize(w.account, &bob, Permission::PublishOffers)
        .answer();
    let asynchronous =
        block_on(service.authorize(w.account, &bob, Permission::PublishOffers)).answer();
    assert_eq!(sync, asynchronous);
    assert!(asynchronous.unwrap().is_allowed());
    // A stranger is denied before anything else, as in the sync service.
    let stranger = w.ctx(Actor::User {
        tenant: id(T2),
        user: id(999),
    });
    let rename = AccountCommand::ChangeDisplayName {
        display_name: DisplayName::new("Mallory Apps").unwrap(),
    };
    let err = block_on(service.execute(w.account, &stranger, rename)).unwrap_err();
    assert_eq!(err.code(), "cannot_sign_in");
    assert_eq!(
        block_on(service.state(w.account)).unwrap(),
        w.svc.state(w.account).unwrap()
    );
}

// rule: X-2
#[test]
fn the_async_reads_on_behalf_of_an_actor_check_the_same_table() {
    let mut w = World::company(InMemoryStore::new());
    w.bob(Role::Developer);
    let service = AsyncAccountService::with_settings(w.svc.store(), w.svc.settings().clone());
    let month = PayoutMonth::new(2027, 1).unwrap();
    let (alice, bob, stranger) = (user(T1, ALICE), user(T1, BOB), user(T2, 999));
    for &kind in ReadKind::ALL {
        for actor in [&alice, &bob, &stranger, &Actor::Marketplace] {
            assert_eq!(
                block_on(service.may_read(w.account, actor, kind)).answer(),
                w.svc.may_read(w.account, actor, kind).answer(),
                "{kind} for {actor}"
            );
        }
    }
    let future = service.state_for(w.account, &alice);
    is_send(&future);
    assert_eq!(
        block_on(future).unwrap(),
        w.svc.state_for(w.account, &alice).unwrap()
    );
    assert_eq!(
        block_on(service.history_for(w.account, &alice)).unwrap(),
        w.svc.history_for(w.account, &alice).unwrap()
    );
    assert_eq!(
        block_on(service.readiness_for(w.account, &alice, w.now)).unwrap(),
        w.svc.readiness(w.account, w.now).unwrap()
    );
    // A Developer sees no financial information (rule ROL-2); a stranger nothing at all.
    let err = block_on(service.statements_for(w.account, &bob, &[], month, month)).unwrap_err();
    assert_eq!(err.code(), "permission");
    let err = block_on(service.history_for(w.account, &stranger)).unwrap_err();
    assert_eq!(err.code(), "cannot_sign_in");
    let err = block_on(service.state_for(id(12345), &alice)).unwrap_err();
    assert_eq!(err.code(), "cannot_sign_in");
    let err = block_on(service.state_for(id(12345), &Actor::Marketplace)).unwrap_err();
    assert_eq!(err.kind(), "not_found");
}
