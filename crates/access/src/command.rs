//! What can be asked of the access decider, and what each command requires.

use std::collections::BTreeSet;

use partnerkit_core::{AppId, GroupId, TenantId, UserId};
use serde::{Deserialize, Serialize};

use crate::permission::{Permission, PermissionSet};
use crate::principal::Principal;
use crate::role::Grant;
use crate::state::AccessState;

/// What can be asked of the access decider.
///
/// Principals are registered by the facade as identity adds them (users, groups and apps of
/// a tenant) and removed as identity removes them; each removal drops every grant that
/// depended on the principal (rule TEN-4). Which permission each command needs is
/// [`Command::required_permissions`]: the facade authorises it first (rule X-2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Command {
    /// A directory user of `tenant` was given access to the account (USR-3..5).
    RegisterUser {
        /// The user.
        user: UserId,
        /// Its tenant.
        tenant: TenantId,
        /// Whether the user can sign in: false for a pending guest or a directory-only
        /// member (only users who can sign in count for rule USR-7).
        can_sign_in: bool,
    },
    /// A user became able, or no longer able, to sign in (a guest accepted an invitation).
    /// The last user who can sign in and holds the Manager role cannot lose the ability
    /// (rule USR-7).
    SetCanSignIn {
        /// The user.
        user: UserId,
        /// Whether the user can sign in from now on.
        can_sign_in: bool,
    },
    /// A directory group of `tenant` was given access to the account (GRP-1, GRP-2).
    RegisterGroup {
        /// The group.
        group: GroupId,
        /// Its tenant.
        tenant: TenantId,
    },
    /// Directory groups were given access to the account with their first members, in one
    /// step however many there are (GRP-1, GRP-2): each group is new, each member a known user
    /// of the group's tenant. New groups hold no grants, so their members gain nothing yet.
    RegisterGroups {
        /// The groups, each with its tenant and members.
        groups: Vec<NewGroup>,
    },
    /// A directory app of `tenant` was given access to the account (APP-1, APP-2).
    RegisterApp {
        /// The app.
        app: AppId,
        /// Its tenant.
        tenant: TenantId,
    },
    /// Replaces a group's members (GRP-2, USR-4).
    SetGroupMembers {
        /// The group.
        group: GroupId,
        /// Its members from now on: known users of the group's tenant.
        members: Vec<UserId>,
    },
    /// Adds one member to a group.
    AddGroupMember {
        /// The group.
        group: GroupId,
        /// The new member.
        user: UserId,
    },
    /// Removes one member from a group.
    RemoveGroupMember {
        /// The group.
        group: GroupId,
        /// The member to remove.
        user: UserId,
    },
    /// Gives one principal a role or custom permissions (ROL-3).
    Grant {
        /// The principal.
        principal: Principal,
        /// What it is given.
        grant: Grant,
    },
    /// Gives several principals the same role or custom permissions in one step
    /// (USR-3, GRP-1, APP-1).
    GrantMany {
        /// The principals, each named once.
        principals: Vec<Principal>,
        /// What they are given.
        grant: Grant,
    },
    /// Takes a grant back.
    Revoke {
        /// The principal.
        principal: Principal,
        /// The grant to take back.
        grant: Grant,
    },
    /// Replaces a principal's grants with `grants` (change of role): revokes the ones not
    /// listed, grants the new ones.
    SetGrants {
        /// The principal.
        principal: Principal,
        /// Its grants from now on; an empty list revokes everything.
        grants: Vec<Grant>,
    },
    /// A user was removed from the account (USR-7): its grants and memberships go with it.
    RemoveUser {
        /// The user.
        user: UserId,
    },
    /// A group was removed from the account (GRP-3): its grants go with it.
    RemoveGroup {
        /// The group.
        group: GroupId,
    },
    /// An app was removed from the account (APP-3): its grants go with it.
    RemoveApp {
        /// The app.
        app: AppId,
    },
    /// A tenant was removed (TEN-4): every user, group and app of it, and every grant given
    /// to them, goes with it.
    RemoveTenant {
        /// The tenant.
        tenant: TenantId,
    },
}

/// A group registered by [`Command::RegisterGroups`], as [`Event::GroupsRegistered`](crate::Event::GroupsRegistered)
/// records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct NewGroup {
    /// The group.
    pub group: GroupId,
    /// Its tenant.
    pub tenant: TenantId,
    /// Its first members: known users of the same tenant.
    pub members: Vec<UserId>,
}

impl Command {
    /// True for the commands that give or take permissions — grants and group memberships —
    /// which an actor may make only within what it holds (rule ROL-8,
    /// [`Authorized::check_gives`](crate::Authorized::check_gives)). Registering and removing
    /// principals and changing who can sign in mirror identity and give nothing.
    pub fn gives_or_takes(&self) -> bool {
        match self {
            Command::SetGroupMembers { .. }
            | Command::AddGroupMember { .. }
            | Command::RemoveGroupMember { .. }
            | Command::Grant { .. }
            | Command::GrantMany { .. }
            | Command::Revoke { .. }
            | Command::SetGrants { .. } => true,
            Command::RegisterUser { .. }
            | Command::SetCanSignIn { .. }
            | Command::RegisterGroup { .. }
            | Command::RegisterGroups { .. }
            | Command::RegisterApp { .. }
            | Command::RemoveUser { .. }
            | Command::RemoveGroup { .. }
            | Command::RemoveApp { .. }
            | Command::RemoveTenant { .. } => false,
        }
    }

    /// The permissions an actor needs to perform the command against `state` (rules X-2,
    /// ROL-8): nobody can give, or take away, more than they hold.
    ///
    /// - Registering, removing and changing who can sign in need the permission to manage
    ///   that kind of principal ([`Permission::ManageTenants`] for a tenant).
    /// - Putting users into a group gives them the group's grants, so
    ///   [`SetGroupMembers`](Command::SetGroupMembers) and
    ///   [`AddGroupMember`](Command::AddGroupMember) need [`Permission::ManageGroups`] plus
    ///   every permission the group's grants give; so does
    ///   [`RemoveGroupMember`](Command::RemoveGroupMember), which takes them away.
    /// - [`Grant`](Command::Grant) and [`GrantMany`](Command::GrantMany) need the manage
    ///   permission for each principal plus what the grant gives;
    ///   [`Revoke`](Command::Revoke) plus what the grant gives;
    ///   [`SetGrants`](Command::SetGrants) plus what the new grants give and what the grants
    ///   taken away gave.
    ///
    /// The Owner role gives payout and tax settings, which only the owner account itself
    /// holds effectively (rule ROL-7): so only the owner account can grant or revoke Owner,
    /// or put users into a group holding it.
    pub fn required_permissions(&self, state: &AccessState) -> PermissionSet {
        fn manage(p: &Principal) -> PermissionSet {
            match p {
                Principal::User(_) => Permission::ManageUsers.into(),
                Principal::Group(_) => Permission::ManageGroups.into(),
                Principal::App(_) => Permission::ManageApps.into(),
                Principal::OwnerAccount(_) => Permission::ManageAccountSettings.into(),
            }
        }
        fn given(grants: &BTreeSet<Grant>) -> PermissionSet {
            grants
                .iter()
                .fold(PermissionSet::EMPTY, |acc, g| acc | g.permissions())
        }
        let group_grants = |group: &GroupId| {
            state
                .groups
                .get(group)
                .map_or(PermissionSet::EMPTY, |g| given(&g.grants))
        };
        match self {
            Command::RegisterUser { .. }
            | Command::RemoveUser { .. }
            | Command::SetCanSignIn { .. } => Permission::ManageUsers.into(),
            Command::RegisterGroup { .. }
            | Command::RegisterGroups { .. }
            | Command::RemoveGroup { .. } => Permission::ManageGroups.into(),
            Command::SetGroupMembers { group, .. }
            | Command::AddGroupMember { group, .. }
            | Command::RemoveGroupMember { group, .. } => {
                PermissionSet::from(Permission::ManageGroups) | group_grants(group)
            }
            Command::RegisterApp { .. } | Command::RemoveApp { .. } => {
                Permission::ManageApps.into()
            }
            Command::RemoveTenant { .. } => Permission::ManageTenants.into(),
            Command::Grant { principal, grant } | Command::Revoke { principal, grant } => {
                manage(principal) | grant.permissions()
            }
            Command::GrantMany { principals, grant } => principals
                .iter()
                .fold(grant.permissions(), |acc, p| acc | manage(p)),
            Command::SetGrants { principal, grants } => {
                let wanted: BTreeSet<Grant> = grants.iter().copied().collect();
                let current: BTreeSet<Grant> = state.grants_of(*principal).into_iter().collect();
                let changed = wanted
                    .symmetric_difference(&current)
                    .fold(PermissionSet::EMPTY, |acc, g| acc | g.permissions());
                manage(principal) | changed
            }
        }
    }
}
