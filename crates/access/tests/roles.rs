//! The built-in roles, custom permissions, group union and directory roles (ROL-1..5, ROL-7).

use partnerkit_access::{Grant, Permission, PermissionSet, Principal, Request, Role};

use crate::support::*;

use Permission::*;

/// The expected matrix, written out from REQUIREMENTS.md: (permission, owner, manager, developer).
const MATRIX: [(Permission, bool, bool, bool); Permission::COUNT] = [
    (ViewAccountSettings, true, true, false),
    (ManageAccountSettings, true, true, false),
    (ManageContactInfo, true, true, false),
    (ManageUsers, true, true, false),
    (ManageGroups, true, true, false),
    (ManageApps, true, true, false),
    (ManageAppKeys, true, true, false),
    (ManageTenants, true, true, false),
    (ViewAgreements, true, true, false),
    (AcceptAgreements, true, true, false),
    (ManageOffers, true, true, true),
    (PublishOffers, true, true, true),
    (ViewReports, true, true, true),
    (ViewFinancialReports, true, true, false),
    (ManagePayoutSettings, true, false, false),
    (ManageTaxSettings, true, false, false),
];

#[test]
fn role_permission_matrix() {
    // rule: ROL-1 — Manager: everything except payout and tax settings.
    // rule: ROL-2 — Developer: manage and publish offers, view reports; no financial
    // information (ViewFinancialReports) and no account settings.
    // rule: ROL-7 — Owner: Manager plus payout and tax settings; nobody else has those.
    assert_eq!(
        MATRIX.map(|row| row.0),
        Permission::ALL,
        "every permission, in order"
    );

    // Checked end to end: a user holding only the role, asked through the index.
    let idx = index([
        reg_user(1, T1),
        reg_user(2, T1),
        reg_user(3, T1),
        grant(u(1), role(Role::Owner)),
        grant(u(2), role(Role::Manager)),
        grant(u(3), role(Role::Developer)),
    ]);
    let allowed = |n: u128, p: Permission| idx.authorize(&Request::new(user(n), p)).is_allowed();

    let mut table = String::from("permission               owner  manager  developer\n");
    for (p, owner, manager, developer) in MATRIX {
        assert_eq!(Role::Owner.permissions().contains(p), owner, "owner {p}");
        assert_eq!(
            Role::Manager.permissions().contains(p),
            manager,
            "manager {p}"
        );
        assert_eq!(
            Role::Developer.permissions().contains(p),
            developer,
            "developer {p}"
        );
        // A user holding Owner may view but not change payout and tax settings: only the
        // owner account itself does (rules PAY-1, ROL-7); the owner account may do all.
        assert_eq!(allowed(1, p), owner && !p.is_owner_only(), "owner user {p}");
        assert_eq!(
            idx.authorize(&Request::new(crate::support::owner(), p))
                .is_allowed(),
            owner,
            "owner account {p}"
        );
        assert_eq!(allowed(2, p), manager, "manager user {p}");
        assert_eq!(allowed(3, p), developer, "developer user {p}");
        let mark = |b: bool| if b { "yes" } else { "-" };
        table.push_str(&format!(
            "{:<24} {:<6} {:<8} {}\n",
            p.as_str(),
            mark(owner),
            mark(manager),
            mark(developer)
        ));
    }
    // Any change to who may do what shows in review.
    insta::assert_snapshot!("role_permission_matrix", table);
}

#[test]
fn manager_lacks_only_payout_and_tax_settings() {
    // rule: ROL-1
    assert_eq!(
        PermissionSet::ALL - Role::Manager.permissions(),
        PermissionSet::of(&[ManagePayoutSettings, ManageTaxSettings])
    );
    // Manages users, roles and tenants.
    for p in [ManageUsers, ManageGroups, ManageApps, ManageTenants] {
        assert!(Role::Manager.permissions().contains(p));
    }
}

#[test]
fn developer_has_no_financial_or_account_settings() {
    // rule: ROL-2
    let dev = Role::Developer.permissions();
    for p in [
        ViewFinancialReports,
        ManagePayoutSettings,
        ManageTaxSettings,
        ViewAccountSettings,
        ManageAccountSettings,
        ManageContactInfo,
    ] {
        assert!(!dev.contains(p), "{p}");
    }
    assert_eq!(
        dev,
        PermissionSet::of(&[ManageOffers, PublishOffers, ViewReports])
    );
}

#[test]
fn payout_and_tax_settings_only_through_owner() {
    // rule: ROL-7 — only Owner among the roles grants them …
    for p in [ManagePayoutSettings, ManageTaxSettings] {
        assert_eq!(p.granted_by().collect::<Vec<_>>(), vec![Role::Owner]);
        assert!(p.is_owner_only());
        // … and no custom set may name them.
        assert_eq!(
            Grant::custom([ViewReports, p]),
            Err(partnerkit_access::Error::OwnerOnlyPermission { permission: p })
        );
    }
    assert_eq!(
        Role::Owner.permissions(),
        Role::Manager.permissions() | PermissionSet::OWNER_ONLY
    );
    // The Owner role can be granted to a user, who may then view them but not change them:
    // only the owner account itself does, and the denial says so (rules PAY-1, ROL-6).
    let idx = index([reg_user(1, T1), grant(u(1), role(Role::Owner))]);
    for p in [ManagePayoutSettings, ManageTaxSettings] {
        let d = idx.authorize(&Request::new(user(1), p));
        assert!(!d.is_allowed());
        assert_eq!(
            d.explanation,
            partnerkit_access::Explanation::Denied {
                reason: partnerkit_access::DenialReason::OwnerAccountOnly,
                held: Role::Manager.permissions(),
            }
        );
        assert!(
            d.to_string().contains(
                "view only: the owner account itself changes payout and tax settings, PAY-1"
            ),
            "{d}"
        );
        assert!(idx.check(u(1), p.into()).is_err());
        assert!(!idx.effective(u(1)).contains(p));
    }
    assert!(idx.who_may(ManagePayoutSettings).is_empty());
}

#[test]
fn owner_account_always_holds_owner() {
    // rule: PAY-1 — the owner account holds Owner without any grant; it is not stored in
    // access: whoever builds the principal has checked that it is the account's owner.
    // rule: ROL-7
    let idx = index([reg_user(1, T1)]);
    let me = Principal::OwnerAccount(owner());
    assert_eq!(idx.effective(me), Role::Owner.permissions());
    let d = idx.authorize(&Request::new(me, ManageTaxSettings));
    assert!(d.is_allowed());
    assert_eq!(d.allowed_by().unwrap().grant, Grant::Role(Role::Owner));
    assert_eq!(d.allowed_by().unwrap().holder, me);
    assert!(idx.check(me, PermissionSet::ALL).is_ok());
    // The old event stays readable and changes nothing.
    let old: partnerkit_access::Event = serde_json::from_str(
        r#"{"type":"owner_account_set","owner":"00000000-0000-0000-0000-000000000190"}"#,
    )
    .unwrap();
    let st = state([reg_user(1, T1)]);
    let mut after = st.clone();
    <partnerkit_access::Access as partnerkit_core::Decider>::apply(&mut after, &old);
    assert_eq!(after, st);
}

#[test]
fn custom_permission_set_instead_of_a_role() {
    // rule: ROL-3
    let custom = Grant::custom([ViewFinancialReports, ViewAgreements]).unwrap();
    let idx = index([reg_user(1, T1), grant(u(1), custom)]);
    assert_eq!(
        idx.effective(u(1)),
        PermissionSet::of(&[ViewAgreements, ViewFinancialReports])
    );
    let d = idx.authorize(&Request::new(user(1), ViewFinancialReports));
    assert_eq!(d.allowed_by().unwrap().grant, custom);
    assert!(
        !idx.authorize(&Request::new(user(1), ManageOffers))
            .is_allowed()
    );
}

#[test]
fn effective_permissions_are_own_union_groups() {
    // rule: ROL-4
    // rule: GRP-1 — every member uses the group's permissions, whatever their own.
    let idx = index([
        reg_user(1, T1),
        reg_group(1, T1),
        reg_group(2, T1),
        members(1, &[1]),
        members(2, &[1]),
        grant(u(1), Grant::custom([ViewAgreements]).unwrap()),
        grant(g(1), role(Role::Developer)),
        grant(g(2), Grant::custom([ViewFinancialReports]).unwrap()),
    ]);
    assert_eq!(
        idx.effective(u(1)),
        Role::Developer.permissions() | ViewAgreements | ViewFinancialReports
    );
    let via = idx.authorize(&Request::new(user(1), PublishOffers));
    assert_eq!(via.allowed_by().unwrap().holder, g(1));
    assert!(via.to_string().contains("member"));
}

#[test]
fn directory_roles_grant_nothing() {
    // rule: ROL-5 — a global administrator of the directory who was registered with the
    // account but given no account grant is denied everything: directory roles are not
    // modelled in this crate at all.
    let idx = index([reg_user(1, T1)]);
    for p in Permission::ALL {
        let d = idx.authorize(&Request::new(user(1), p));
        assert!(!d.is_allowed(), "{p}");
        assert_eq!(d.held(), Some(PermissionSet::EMPTY));
    }
    assert!(idx.effective_permissions(u(1)).is_empty());
}

#[test]
fn role_and_permission_names_parse() {
    // rule: X-3 — a role or permission that does not exist is a typed error.
    for r in Role::ALL {
        assert_eq!(r.as_str().parse::<Role>(), Ok(r));
        assert_eq!(serde_json::to_value(r).unwrap(), r.as_str());
    }
    for p in Permission::ALL {
        assert_eq!(p.as_str().parse::<Permission>(), Ok(p));
        assert_eq!(serde_json::to_value(p).unwrap(), p.as_str());
    }
    assert!(matches!(
        "admin".parse::<Role>(),
        Err(partnerkit_access::Error::UnknownRole { .. })
    ));
    assert!(serde_json::from_str::<Grant>(r#"{"role":"global_admin"}"#).is_err());
    assert!(matches!(
        "fly".parse::<Permission>(),
        Err(partnerkit_access::Error::UnknownPermission { .. })
    ));
}

#[test]
fn a_tampered_custom_set_still_cannot_reach_owner_only_permissions() {
    // rule: ROL-7 — "never reachable through any other role", even from a forged event.
    let forged = vec![
        partnerkit_access::Event::UserRegistered {
            user: user(1),
            tenant: tenant(T1),
            can_sign_in: true,
        },
        partnerkit_access::Event::Granted {
            principals: vec![u(1)],
            grant: Grant::Custom(PermissionSet::ALL),
        },
    ];
    let st = <partnerkit_access::Access as partnerkit_core::Decider>::fold(&forged);
    let idx = partnerkit_access::AccessIndex::build(&st);
    assert_eq!(idx.effective(u(1)), Role::Manager.permissions());
    assert!(
        !idx.authorize(&Request::new(user(1), ManageTaxSettings))
            .is_allowed()
    );
}
