//! partnerkit and Cedar decide identically on every request of the same model.

use partnerkit_access::{AccessIndex, DenialReason, Explanation, Principal, authorize_scan};
use partnerkit_benches::{AccessSpec, CedarModel, access_model};

#[test]
fn cedar_policies_parse_and_cover_every_role() {
    let text = CedarModel::policy_text();
    for role in ["owner", "manager", "developer"] {
        assert!(text.contains(&format!("Role::\"{role}\"")), "{text}");
    }
    // rule: ROL-7 — no custom-permission policy gives an Owner-only permission.
    assert!(!text.contains("Perm::\"manage_payout_settings\""));
    assert!(!text.contains("Perm::\"manage_tax_settings\""));
}

#[test]
fn partnerkit_and_cedar_agree_on_every_request() {
    for seed in [7, 8] {
        let m = access_model(&AccessSpec::small(), seed).unwrap();
        let index = AccessIndex::build(&m.state);
        let cedar = CedarModel::from_state(&m.state).unwrap();
        let (mut allowed, mut via_group, mut owner_only, mut unknown) = (0, 0, 0, 0);
        for r in &m.requests {
            let ours = index.authorize(r);
            // The index agrees with the slow reference evaluation too.
            assert_eq!(ours, authorize_scan(&m.state, r));
            let theirs = cedar.is_authorized(&cedar.request(r).unwrap());
            assert_eq!(ours.is_allowed(), theirs, "disagree on {r:?}: {ours}");
            match ours.explanation {
                Explanation::Allowed { by } => {
                    allowed += 1;
                    if by.holder != r.principal {
                        via_group += 1;
                    }
                }
                Explanation::Denied {
                    reason: DenialReason::OwnerOnly,
                    ..
                } => owner_only += 1,
                Explanation::Denied {
                    reason: DenialReason::UnknownPrincipal,
                    ..
                } => unknown += 1,
                Explanation::Denied { .. } => {}
            }
        }
        // The model exercises every path: allowed, allowed through a group (rule ROL-4),
        // Owner-only denials (rule ROL-7), unknown principals, plain denials.
        // rule: ROL-4
        // rule: ROL-7
        assert!(allowed > 0 && allowed < m.requests.len());
        assert!(via_group > 0 && owner_only > 0 && unknown > 0);
    }
}

#[test]
fn batch_equals_single_checks() {
    let m = access_model(&AccessSpec::small(), 7).unwrap();
    let index = AccessIndex::build(&m.state);
    let single: Vec<_> = m.requests.iter().map(|r| index.authorize(r)).collect();
    assert_eq!(index.authorize_batch(&m.requests), single);
    assert!(
        m.requests
            .iter()
            .any(|r| matches!(r.principal, Principal::User(_)))
    );
}
