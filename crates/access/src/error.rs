//! The one error type of `partnerkit-access`.

use partnerkit_core::{GroupId, TenantId, UserId};

use crate::permission::Permission;
use crate::principal::Principal;

/// Why a command was refused or a value could not be read. Nothing is changed when a
/// command returns an error (rule X-3).
///
/// A public format: serialised with a stable machine-readable `"code"` (the variant's name in
/// snake case, also returned by [`Error::code`]) beside the variant's fields, e.g.
/// `{"code":"last_manager"}`. The crate wraps no `partnerkit_core::Error`, so it has no
/// `Value` variant.
#[partnerkit_core::public_error]
pub enum Error {
    /// A permission name that does not exist.
    #[error(
        "permission {given:?} does not exist: use one of the snake-case names of Permission, such as \"manage_offers\""
    )]
    UnknownPermission {
        /// The text that was given.
        given: String,
    },
    /// A role name that does not exist.
    #[error(
        "role {given:?} does not exist: use \"owner\", \"manager\" or \"developer\", or grant custom permissions (rule ROL-3)"
    )]
    UnknownRole {
        /// The text that was given.
        given: String,
    },
    /// A custom permission set with no permission in it.
    #[error(
        "a custom permission set must name at least one permission (rule ROL-3): add permissions or revoke the grant instead"
    )]
    EmptyPermissionSet,
    /// A custom permission set naming a permission only the Owner role grants.
    #[error(
        "{permission} is granted only by the Owner role (rule ROL-7): grant the Owner role instead of a custom set"
    )]
    OwnerOnlyPermission {
        /// The Owner-only permission named.
        permission: Permission,
    },
    /// The principal is not known to the account (never added, or removed).
    #[error("{principal} is not known to the account: add it first (rules USR-1, GRP-1, APP-1)")]
    UnknownPrincipal {
        /// The principal.
        principal: Principal,
    },
    /// The principal is already known to the account.
    #[error("{principal} is already known to the account: it cannot be added twice")]
    AlreadyRegistered {
        /// The principal.
        principal: Principal,
    },
    /// A grant to many principals named none.
    #[error("a grant must name at least one principal (rules USR-3, GRP-1, APP-1)")]
    NoPrincipals,
    /// A grant to many principals named one twice.
    #[error("{principal} is named twice: name each principal once")]
    DuplicatePrincipal {
        /// The principal named twice.
        principal: Principal,
    },
    /// A grant to the owner account, which always holds the Owner role.
    #[error(
        "the owner account always holds the Owner role (rules PAY-1, ROL-7): it cannot be granted or revoked anything"
    )]
    OwnerAccountGrant,
    /// A group member of another tenant than the group.
    #[error(
        "user {user} belongs to tenant {user_tenant}, but group {group} belongs to tenant {group_tenant}: a group's members are users of its own tenant"
    )]
    MemberOfOtherTenant {
        /// The group.
        group: GroupId,
        /// The group's tenant.
        group_tenant: TenantId,
        /// The user.
        user: UserId,
        /// The user's tenant.
        user_tenant: TenantId,
    },
    /// The change would leave the account without a user holding the Manager role.
    #[error(
        "this would leave the account without a user holding the Manager role (rule USR-7): make another user a Manager first"
    )]
    LastManager,
}
