//! Reads on behalf of an actor: the read table ([`ReadKind::requirement`]) is checked first,
//! the same way the command table is, and agrees with `authorize`.

use partnerkit::access::{Grant, Permission, Principal, Role};
use partnerkit::core::testing::id;
use partnerkit::core::{AccountId, Actor};
use partnerkit::payouts::PayoutMonth;
use partnerkit::{
    AccountService, AccountStore, Denial, DomainError, Error, InMemoryStore, ReadKind, Requirement,
};

use crate::fixture::*;

/// Runs the read of `kind` for `actor` through its `_for` method; `Ok(())` if it was shown.
fn read<S: AccountStore>(
    svc: &AccountService<S>,
    account: AccountId,
    actor: &Actor,
    kind: ReadKind,
    now: partnerkit::core::chrono::DateTime<partnerkit::core::chrono::Utc>,
) -> Result<(), Error<S::Error>> {
    let month = PayoutMonth::new(2027, 1).unwrap();
    match kind {
        ReadKind::State => svc.state_for(account, actor).map(|_| ()),
        ReadKind::History => svc.history_for(account, actor).map(|_| ()),
        ReadKind::Readiness => svc.readiness_for(account, actor, now).map(|_| ()),
        ReadKind::Statements => svc
            .statements_for(account, actor, &[], month, month)
            .map(|_| ()),
        _ => unreachable!("a new read kind needs a case here"),
    }
}

fn denied<E: std::fmt::Debug>(result: Result<(), Error<E>>) -> Denial {
    match result {
        Err(Error::Denied(d)) => *d,
        other => panic!("expected a denial, got {other:?}"),
    }
}

// rule: X-2
#[test]
fn a_stranger_sees_nothing_not_even_whether_the_account_exists() {
    let w = World::company(InMemoryStore::new());
    let stranger = user(T1, 999);
    let alice = user(T1, ALICE);
    let unknown = id(12345);
    for &kind in ReadKind::ALL {
        let d = denied(read(&w.svc, w.account, &stranger, kind, w.now));
        assert!(matches!(d, Denial::CannotSignIn { .. }), "{kind}: {d}");
        assert_eq!(
            w.svc.may_read(w.account, &stranger, kind).unwrap(),
            Err(d),
            "{kind}"
        );
        // On an account that does not exist, a Manager of another account is denied just
        // the same: only the marketplace learns that it is not there.
        let d = denied(read(&w.svc, unknown, &alice, kind, w.now));
        assert!(matches!(d, Denial::CannotSignIn { .. }), "{kind}: {d}");
        let err = read(&w.svc, unknown, &Actor::Marketplace, kind, w.now).unwrap_err();
        assert!(
            matches!(err, Error::Domain(DomainError::AccountNotFound { .. })),
            "{kind}: {err}"
        );
    }
}

// rule: ROL-2
#[test]
fn a_developer_sees_no_financial_information_and_no_account_settings() {
    let mut w = World::company(InMemoryStore::new());
    w.bob(Role::Developer);
    let bob = user(T1, BOB);
    for &kind in ReadKind::ALL {
        let d = denied(read(&w.svc, w.account, &bob, kind, w.now));
        // Explained: which permission was missing (rule ROL-6).
        let Denial::Permission(decision) = &d else {
            panic!("{kind}: {d}");
        };
        assert!(!decision.is_allowed());
    }
    // The state and history a Manager sees are exactly the stored ones.
    let alice = user(T1, ALICE);
    assert_eq!(w.svc.state_for(w.account, &alice).unwrap(), w.state());
    assert_eq!(
        w.svc.history_for(w.account, &alice).unwrap(),
        w.svc.history(w.account).unwrap()
    );
    assert_eq!(
        w.svc.readiness_for(w.account, &alice, w.now).unwrap(),
        w.svc.readiness(w.account, w.now).unwrap()
    );
}

// rule: ROL-7
#[test]
fn the_read_table_and_authorize_never_disagree() {
    let mut w = World::company(InMemoryStore::new());
    w.bob(Role::Developer);
    // Bob is also given view_financial_reports, alone (rule ROL-3).
    let custom = Grant::custom([Permission::ViewFinancialReports]).unwrap();
    w.svc
        .grant(
            w.account,
            &w.ctx(user(T1, ALICE)),
            vec![Principal::User(id(BOB))],
            custom,
        )
        .unwrap();
    let actors = [
        user(T1, ALICE),
        user(T1, BOB),
        user(T1, 999),
        owner(),
        Actor::OwnerAccount { owner: id(4242) },
    ];
    for &kind in ReadKind::ALL {
        let Requirement::MarketplaceOrHolding { permissions } = kind.requirement() else {
            panic!("{kind}: every read is the marketplace's or a permission's");
        };
        for actor in &actors {
            let table = w.svc.may_read(w.account, actor, kind).unwrap();
            let answers: Vec<bool> = permissions
                .iter()
                .map(|p| {
                    w.svc
                        .authorize(w.account, actor, p)
                        .unwrap()
                        .is_ok_and(|d| d.is_allowed())
                })
                .collect();
            assert_eq!(
                table.is_ok(),
                answers.iter().all(|&a| a),
                "{kind} for {actor}: {table:?}"
            );
            // The read itself is denied exactly when the table says no (statements may still
            // be refused for a reason of their own: this account has no payout account).
            let result = read(&w.svc, w.account, actor, kind, w.now);
            assert_eq!(
                table.is_ok(),
                !matches!(result, Err(Error::Denied(_))),
                "{kind} for {actor}: {result:?}"
            );
        }
        // The marketplace sees everything.
        assert_eq!(
            w.svc
                .may_read(w.account, &Actor::Marketplace, kind)
                .unwrap(),
            Ok(())
        );
    }
    // Bob now sees statements (financial information), and still not the state.
    let bob = user(T1, BOB);
    assert_eq!(
        w.svc
            .may_read(w.account, &bob, ReadKind::Statements)
            .unwrap(),
        Ok(())
    );
    assert!(
        w.svc
            .may_read(w.account, &bob, ReadKind::State)
            .unwrap()
            .is_err()
    );
}

// rule: X-2
#[test]
fn a_revoked_reader_is_refused_at_once() {
    let mut w = World::company(InMemoryStore::new());
    w.bob(Role::Manager);
    let bob = user(T1, BOB);
    w.svc.state_for(w.account, &bob).unwrap();
    w.svc
        .set_grants(
            w.account,
            &w.ctx(user(T1, ALICE)),
            Principal::User(id(BOB)),
            vec![Grant::Role(Role::Developer)],
        )
        .unwrap();
    let d = denied(w.svc.state_for(w.account, &bob).map(|_| ()));
    assert!(matches!(d, Denial::Permission(_)), "{d}");
}
