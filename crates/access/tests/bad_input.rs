//! Bad input: typed errors that name the rule, nothing changed (X-3).

use partnerkit_access::{Access, Command, Error, Event, Grant, Permission, PermissionSet, Role};
use partnerkit_core::testing::given;

use crate::support::*;

#[test]
fn granting_to_an_unknown_principal_is_refused() {
    // rule: X-3
    given::<Access>(events([reg_user(1, T1)]))
        .when(grant(u(9), role(Role::Developer)))
        .then_err(Error::UnknownPrincipal { principal: u(9) });
    // One unknown principal in a batch refuses the whole batch: nothing half-applied.
    given::<Access>(events([reg_user(1, T1)]))
        .when(Command::GrantMany {
            principals: vec![u(1), g(9)],
            grant: role(Role::Developer),
        })
        .then_err(Error::UnknownPrincipal { principal: g(9) });
}

#[test]
fn an_empty_custom_set_is_refused() {
    // rule: ROL-3
    // rule: X-3
    given::<Access>(events([reg_user(1, T1)]))
        .when(grant(u(1), Grant::Custom(PermissionSet::EMPTY)))
        .then_err(Error::EmptyPermissionSet);
    assert_eq!(PermissionSet::custom([]), Err(Error::EmptyPermissionSet));
}

#[test]
fn a_custom_set_naming_owner_only_permissions_is_refused() {
    // rule: ROL-7
    given::<Access>(events([reg_user(1, T1)]))
        .when(grant(
            u(1),
            Grant::Custom(PermissionSet::of(&[
                Permission::ViewReports,
                Permission::ManageTaxSettings,
            ])),
        ))
        .then_err(Error::OwnerOnlyPermission {
            permission: Permission::ManageTaxSettings,
        });
    given::<Access>(events([reg_user(1, T1)]))
        .when(Command::SetGrants {
            principal: u(1),
            grants: vec![Grant::Custom(Permission::ManagePayoutSettings.into())],
        })
        .then_err(Error::OwnerOnlyPermission {
            permission: Permission::ManagePayoutSettings,
        });
}

#[test]
fn a_role_that_does_not_exist_cannot_be_read() {
    // rule: X-3
    let cmd = r#"{"type":"grant","principal":{"kind":"user","id":"00000000-0000-0000-0000-000000000001"},"grant":{"role":"superuser"}}"#;
    let err = serde_json::from_str::<Command>(cmd).unwrap_err();
    assert!(err.to_string().contains("superuser"), "{err}");
    assert_eq!(
        "superuser".parse::<Role>(),
        Err(Error::UnknownRole {
            given: "superuser".into()
        })
    );
}

#[test]
fn other_refusals() {
    // rule: X-3
    let past = events([
        reg_user(1, T1),
        reg_user(2, T2),
        reg_group(1, T1),
        grant(u(1), role(Role::Developer)),
    ]);
    let check = |cmd: Command, err: Error| given::<Access>(past.clone()).when(cmd).then_err(err);
    check(
        reg_user(1, T1),
        Error::AlreadyRegistered { principal: u(1) },
    );
    check(
        Command::GrantMany {
            principals: vec![],
            grant: role(Role::Manager),
        },
        Error::NoPrincipals,
    );
    check(
        Command::GrantMany {
            principals: vec![u(1), u(1)],
            grant: role(Role::Manager),
        },
        Error::DuplicatePrincipal { principal: u(1) },
    );
    check(
        grant(
            partnerkit_access::Principal::OwnerAccount(owner()),
            role(Role::Owner),
        ),
        Error::OwnerAccountGrant,
    );
    check(
        members(1, &[1, 2]),
        Error::MemberOfOtherTenant {
            group: group(1),
            group_tenant: tenant(T1),
            user: user(2),
            user_tenant: tenant(T2),
        },
    );
    check(
        members(1, &[9]),
        Error::UnknownPrincipal { principal: u(9) },
    );
    check(
        Command::RemoveApp { app: app(1) },
        Error::UnknownPrincipal { principal: a(1) },
    );
}

#[test]
fn a_command_whose_effect_already_holds_decides_to_no_events() {
    // rule: X-3 — a no-op is not an error and changes nothing (the crate's documented rule).
    let past = events([
        reg_user(1, T1),
        reg_user(2, T1),
        reg_group(1, T1),
        members(1, &[1]),
        grant(u(1), role(Role::Developer)),
    ]);
    let none = |cmd: Command| given::<Access>(past.clone()).when(cmd).then([]);
    none(grant(u(1), role(Role::Developer)));
    none(Command::GrantMany {
        principals: vec![u(1)],
        grant: role(Role::Developer),
    });
    none(Command::Revoke {
        principal: u(1),
        grant: role(Role::Manager),
    });
    none(Command::SetGrants {
        principal: u(1),
        grants: vec![role(Role::Developer)],
    });
    none(Command::AddGroupMember {
        group: group(1),
        user: user(1),
    });
    none(Command::RemoveGroupMember {
        group: group(1),
        user: user(2),
    });
    none(members(1, &[1]));
    none(Command::SetCanSignIn {
        user: user(1),
        can_sign_in: true,
    });
    // Granting to many names only those lacking it.
    given::<Access>(past.clone())
        .when(Command::GrantMany {
            principals: vec![u(1), u(2)],
            grant: role(Role::Developer),
        })
        .then([Event::Granted {
            principals: vec![u(2)],
            grant: role(Role::Developer),
        }]);
}

#[test]
fn error_messages() {
    let errors = [
        Error::UnknownPermission {
            given: "fly".into(),
        },
        Error::UnknownRole {
            given: "admin".into(),
        },
        Error::EmptyPermissionSet,
        Error::OwnerOnlyPermission {
            permission: Permission::ManageTaxSettings,
        },
        Error::UnknownPrincipal { principal: u(9) },
        Error::AlreadyRegistered { principal: g(1) },
        Error::NoPrincipals,
        Error::DuplicatePrincipal { principal: a(1) },
        Error::OwnerAccountGrant,
        Error::MemberOfOtherTenant {
            group: group(1),
            group_tenant: tenant(T1),
            user: user(2),
            user_tenant: tenant(T2),
        },
        Error::LastManager,
    ];
    let text: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
    insta::assert_snapshot!("error_messages", text.join("\n"));
    // rule: X-3 — every error has a stable machine-readable code, equal in its serde form
    // and from `code()`, and reads back to itself.
    let mut codes = std::collections::BTreeSet::new();
    for e in &errors {
        let json = serde_json::to_value(e).unwrap();
        assert_eq!(json["code"], e.code(), "{e:?}");
        assert!(codes.insert(e.code()), "code {} used twice", e.code());
        let back: Error = serde_json::from_value(json).unwrap();
        assert_eq!(&back, e);
    }
}

#[test]
fn error_serde_form() {
    // rule: X-3 — the serde form of errors is a public format with a `code`.
    let errors = [
        Error::LastManager,
        Error::OwnerOnlyPermission {
            permission: Permission::ManagePayoutSettings,
        },
        Error::DuplicatePrincipal { principal: u(1) },
    ];
    insta::assert_json_snapshot!("error_serde_form", errors);
}
