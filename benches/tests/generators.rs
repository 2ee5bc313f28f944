//! The generators are deterministic and make the data the benches describe.

use std::collections::BTreeMap;

use partnerkit_access::{Grant, Principal};
use partnerkit_benches::{AccessSpec, LedgerSpec, SplitMix64, access_model, ledger, sales};

#[test]
fn splitmix_is_seeded() {
    let draw = |seed| {
        let mut r = SplitMix64::new(seed);
        (0..8).map(|_| r.next_u64()).collect::<Vec<_>>()
    };
    assert_eq!(draw(1), draw(1));
    assert_ne!(draw(1), draw(2));
    let mut r = SplitMix64::new(3);
    assert!((0..1000).all(|_| r.below(7) < 7));
    assert_eq!(r.below(0), 0);
}

#[test]
fn access_model_is_deterministic() {
    let a = access_model(&AccessSpec::small(), 7).unwrap();
    assert_eq!(a, access_model(&AccessSpec::small(), 7).unwrap());
    assert_ne!(
        a.requests,
        access_model(&AccessSpec::small(), 8).unwrap().requests
    );
}

#[test]
fn access_model_has_the_described_shape() {
    let spec = AccessSpec::small();
    let m = access_model(&spec, 7).unwrap();
    assert_eq!(m.state.users().len(), spec.users);
    assert_eq!(m.state.groups().len(), spec.groups);
    assert_eq!(m.requests.len(), spec.requests);

    // Users in 0 to 5 groups, every count present (rule ROL-4 needs memberships).
    let mut per_user: BTreeMap<_, usize> = m.users.iter().map(|u| (*u, 0)).collect();
    for g in m.state.groups().values() {
        for u in g.members() {
            *per_user.get_mut(u).unwrap() += 1;
        }
    }
    let mut counts = [0usize; 6];
    for n in per_user.values() {
        counts[*n] += 1;
    }
    assert!(counts.iter().all(|c| *c > 0), "{counts:?}");

    // rule: ROL-3 — a mix of role and custom grants, to users and to groups.
    let grants = |it: &mut dyn Iterator<Item = &Grant>| {
        let (mut roles, mut custom) = (0, 0);
        for g in it {
            match g {
                Grant::Role(_) => roles += 1,
                Grant::Custom(_) => custom += 1,
            }
        }
        (roles, custom)
    };
    let (ur, uc) = grants(&mut m.state.users().values().flat_map(|u| u.grants()));
    let (gr, gc) = grants(&mut m.state.groups().values().flat_map(|g| g.grants()));
    assert!(ur > 0 && uc > 0 && gr > 0 && gc > 0, "{ur} {uc} {gr} {gc}");

    // Requests by users, groups and unknown principals.
    assert!(
        m.requests
            .iter()
            .any(|r| matches!(r.principal, Principal::Group(_)))
    );
    assert!(m.requests.iter().any(|r| !m.state.is_known(r.principal)));
}

#[test]
fn ledger_is_deterministic() {
    let spec = LedgerSpec::small();
    let a = ledger(&spec, 1);
    assert_eq!(a, ledger(&spec, 1));
    assert_ne!(a, ledger(&spec, 2));
    assert_eq!(a.len(), spec.entries);
    assert!(a.slot.iter().all(|s| (*s as usize) < spec.accounts));
    // Refunds and withheld entries are present; withheld never exceeds the amount.
    assert!(a.amount_minor.iter().any(|x| *x < 0));
    assert!(a.withheld_minor.iter().any(|x| *x != 0));
    for (amt, w) in a.amount_minor.iter().zip(&a.withheld_minor) {
        assert!(w.abs() <= amt.abs() && (w.signum() == amt.signum() || *w == 0));
    }
}

#[test]
fn sales_are_deterministic() {
    let a = sales(5_000, 50, 1).unwrap();
    assert_eq!(a, sales(5_000, 50, 1).unwrap());
    assert_ne!(a, sales(5_000, 50, 2).unwrap());
    assert_eq!(a.countries.len(), 50);
    assert_eq!(a.sales.len(), 5_000);
    // rule: TAX-4 — both US sales (withheld) and sales elsewhere (not) are made.
    assert!(a.sales.iter().any(|s| s.is_us_sale()));
    assert!(a.sales.iter().any(|s| !s.is_us_sale()));
    for (s, i) in a.sales.iter().zip(&a.country_of) {
        assert_eq!(s.country(), a.countries[usize::from(*i)].0);
    }
}
