//! What an identity event changes about who may use the account, in the words both
//! identity (which reports it) and access (which mirrors it) understand.

use crate::{AppId, GroupId, TenantId, UserId};

/// One change to the principals of the account: what an identity event did to who may use
/// it, as the identity crate reports it (`Account::principal_changes`) and the access crate
/// mirrors it (`partnerkit_access::mirror`), in the order access must apply them.
///
/// The type lives here, between the two, so that neither domain crate knows the other:
/// identity says what changed, access decides what that means for its principals.
///
/// `can_sign_in` is true for a user of the account whose work account is active: a member of
/// the directory added, created or invited here, or a guest who accepted (rules USR-1,
/// USR-5). A pending guest and a *directory-only* group member (a user of the directory who
/// was never added to the account itself and uses it only through a group, rule GRP-1) are
/// reported with `can_sign_in: false`: they do not count as a user who can sign in for rule
/// USR-7.
///
/// Every user named in [`PrincipalChange::MemberAdded`] was the subject of a
/// [`PrincipalChange::UserAdded`] before (for the same or an earlier event). A removal drops
/// the principal with its memberships and grants; [`PrincipalChange::TenantRemoved`] drops
/// every user, group and app of the tenant (rule TEN-4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PrincipalChange {
    /// A user became known to the account: added, created, invited (`can_sign_in: false`
    /// until accepted) or a directory-only member of a group added here (`can_sign_in:
    /// false`).
    UserAdded {
        /// The user.
        user: UserId,
        /// The user's tenant.
        tenant: TenantId,
        /// True if the user is an active user of the account (see the type's documentation).
        can_sign_in: bool,
    },
    /// A group was added or created.
    GroupAdded {
        /// The group.
        group: GroupId,
        /// Its tenant.
        tenant: TenantId,
    },
    /// An app was added or created.
    AppAdded {
        /// The app.
        app: AppId,
        /// Its tenant.
        tenant: TenantId,
    },
    /// A user joined a group (rule GRP-1: the user gets the group's permissions).
    MemberAdded {
        /// The group.
        group: GroupId,
        /// The user.
        user: UserId,
    },
    /// A user left a group.
    MemberRemoved {
        /// The group.
        group: GroupId,
        /// The user.
        user: UserId,
    },
    /// A known user's sign-in changed: a guest accepted, or a directory-only member was added
    /// as a user of the account.
    SignInChanged {
        /// The user.
        user: UserId,
        /// True if the user now is an active user of the account.
        can_sign_in: bool,
    },
    /// A user is no longer known to the account (removed, or a directory-only member whose
    /// last group of the account went).
    UserRemoved {
        /// The user.
        user: UserId,
    },
    /// A group was removed (rule GRP-3).
    GroupRemoved {
        /// The group.
        group: GroupId,
    },
    /// An app was removed (rule APP-3).
    AppRemoved {
        /// The app.
        app: AppId,
    },
    /// A tenant was removed with every user, group and app of it (rule TEN-4).
    TenantRemoved {
        /// The tenant.
        tenant: TenantId,
    },
}
