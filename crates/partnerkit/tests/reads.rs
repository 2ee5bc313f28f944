//! Reads on behalf of an actor: the read table ([`ReadKind::requirement`]) is checked first,
//! the same way the command table is, agrees with `authorize`, and cuts what it returns to
//! the data classes the actor's permissions cover (rule X-8).

use partnerkit::access::{
    DenialReason, Explanation, Grant, Permission, Principal, Role, covered_classes, covering,
};
use partnerkit::core::testing::id;
use partnerkit::core::{AccountId, Actor, DataClass, DataClasses};
use partnerkit::payouts::PayoutMonth;
use partnerkit::{
    AccountService, AccountStore, AccountView, Denial, DomainError, Error, InMemoryStore, ReadKind,
    Requirement,
};

use crate::fixture::*;

/// Runs the read of `kind` for `actor` through its `_for` method; `Ok(())` if it was shown.
fn read<S: AccountStore>(
    svc: &AccountService<S>,
    account: AccountId,
    actor: &Actor,
    kind: ReadKind,
    now: partnerkit::core::chrono::DateTime<partnerkit::core::chrono::Utc>,
) -> Result<(), Error> {
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

fn denied(result: Result<(), Error>) -> Denial {
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
            w.svc.may_read(w.account, &stranger, kind).answer(),
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
    // A Manager sees every class but tax (rule X-8: tax settings are the Owner role's), and
    // the history of those classes, every event shown.
    let alice = user(T1, ALICE);
    let manager: DataClasses = [
        DataClass::Profile,
        DataClass::Directory,
        DataClass::Financial,
        DataClass::Agreements,
    ]
    .into_iter()
    .collect();
    assert_eq!(
        w.svc.state_for(w.account, &alice).unwrap(),
        AccountView::of(&w.state(), manager)
    );
    let seen = w.svc.history_for(w.account, &alice).unwrap();
    let stored = w.svc.history(w.account).unwrap();
    let kept: Vec<_> = stored
        .iter()
        .filter(|r| manager.contains(r.event.data_class()))
        .collect();
    assert_eq!(seen.len(), kept.len());
    for (s, k) in seen.iter().zip(kept) {
        assert_eq!((s.id, s.at, s.actor), (k.id, k.at, k.actor));
        assert_eq!(s.event, k.event.view());
    }
    assert_eq!(
        w.svc.readiness_for(w.account, &alice, w.now).unwrap(),
        w.svc.readiness(w.account, w.now).unwrap()
    );
}

/// True if `actor` holds `p`, even where it may only view it (rule ROL-7): what `authorize`
/// says, reading a view-only denial as held.
fn holds<S: AccountStore>(w: &World<S>, actor: &Actor, p: Permission) -> bool {
    match w.svc.authorize(w.account, actor, p).answer() {
        Ok(d) => d.is_allowed(),
        Err(Denial::Permission(d)) => matches!(
            d.explanation,
            Explanation::Denied {
                reason: DenialReason::OwnerAccountOnly,
                ..
            }
        ),
        Err(_) => false,
    }
}

// rule: ROL-7, X-8
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
        for actor in &actors {
            let table = w.svc.may_read(w.account, actor, kind).answer();
            let held: Vec<Permission> = Permission::ALL
                .into_iter()
                .filter(|p| holds(&w, actor, *p))
                .collect();
            let allowed = match kind.requirement() {
                Requirement::MarketplaceOrHolding { permissions } => {
                    permissions.iter().all(|p| held.contains(&p))
                }
                Requirement::MarketplaceOrCovering { classes } => classes
                    .iter()
                    .any(|c| covering(c).iter().any(|p| held.contains(&p))),
                other => panic!("{kind}: a read is the marketplace's or a permission's: {other:?}"),
            };
            assert_eq!(table.is_ok(), allowed, "{kind} for {actor}: {table:?}");
            // The read itself is denied exactly when the table says no (statements may still
            // be refused for a reason of their own: this account has no payout account).
            let result = read(&w.svc, w.account, actor, kind, w.now);
            assert_eq!(
                table.is_ok(),
                !matches!(result, Err(Error::Denied(_))),
                "{kind} for {actor}: {result:?}"
            );
            // What the state read shows is exactly the classes the held permissions cover.
            if kind == ReadKind::State
                && let Ok(view) = w.svc.state_for(w.account, actor)
            {
                assert_eq!(
                    view.classes,
                    covered_classes(held.iter().copied().collect())
                );
            }
        }
        // The marketplace sees everything.
        assert_eq!(
            w.svc
                .may_read(w.account, &Actor::Marketplace, kind)
                .answer(),
            Ok(())
        );
    }
    // Bob sees statements (financial information), and of the state only its financial part.
    let bob = user(T1, BOB);
    assert_eq!(
        w.svc
            .may_read(w.account, &bob, ReadKind::Statements)
            .answer(),
        Ok(())
    );
    let view = w.svc.state_for(w.account, &bob).unwrap();
    assert_eq!(view.classes, DataClass::Financial.into());
    assert!(view.directory.is_none() && view.access.is_none() && view.tax.is_none());
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
