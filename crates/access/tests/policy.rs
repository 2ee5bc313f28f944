//! The authorisation model's tables: names, and the shape of each row.

use partnerkit_access::{ActsOn, CommandKind, ReadKind, Requirement};

// rule: X-2
#[test]
fn every_kind_displays_as_its_serde_name() {
    for kind in CommandKind::ALL {
        let serde = serde_json::to_value(kind).unwrap();
        assert_eq!(serde.as_str(), Some(kind.to_string().as_str()));
    }
    assert_eq!(CommandKind::RenameUser.to_string(), "rename_user");
    assert_eq!(CommandKind::SubmitW8BenE.to_string(), "submit_w8_ben_e");
    for kind in ReadKind::ALL {
        let serde = serde_json::to_value(kind).unwrap();
        assert_eq!(serde.as_str(), Some(kind.to_string().as_str()));
    }
}

// rule: ROL-9, X-2
#[test]
fn only_the_marketplace_kinds_need_the_marketplace_and_self_acting_kinds_need_a_person() {
    for &kind in CommandKind::ALL {
        let requirement = kind.requirement(true);
        if kind.acts_on() == ActsOn::Itself {
            assert!(
                matches!(
                    requirement,
                    Requirement::Invitee | Requirement::UserHolding { .. }
                ),
                "{kind}: {requirement:?}"
            );
        }
        if requirement == Requirement::Marketplace {
            assert_eq!(kind.acts_on(), ActsOn::Nothing, "{kind}");
        }
    }
}
