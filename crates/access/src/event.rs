//! What happened to access: the public event format.

use partnerkit_core::{AppId, GroupId, OwnerAccountId, TenantId, UserId};
use serde::{Deserialize, Serialize};

use crate::principal::Principal;
use crate::role::Grant;
use crate::state::yes;

/// What happened to access (rule X-1). A public format: serialised with a `"type"` tag.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Event {
    /// A user became known to the account.
    UserRegistered {
        /// The user.
        user: UserId,
        /// Its tenant.
        tenant: TenantId,
        /// Whether the user can sign in; histories written before this field read as `true`.
        #[serde(default = "yes")]
        can_sign_in: bool,
    },
    /// A user became able, or no longer able, to sign in.
    SignInChanged {
        /// The user.
        user: UserId,
        /// Whether the user can sign in from now on.
        can_sign_in: bool,
    },
    /// A group became known to the account.
    GroupRegistered {
        /// The group.
        group: GroupId,
        /// Its tenant.
        tenant: TenantId,
    },
    /// Groups became known to the account, each with its first members: one event for what
    /// would be a [`GroupRegistered`](Event::GroupRegistered) and a
    /// [`GroupMemberAdded`](Event::GroupMemberAdded) per member, so a directory of many
    /// groups is one stored event.
    GroupsRegistered {
        /// The groups, each with its tenant and members.
        groups: Vec<crate::command::NewGroup>,
    },
    /// An app became known to the account.
    AppRegistered {
        /// The app.
        app: AppId,
        /// Its tenant.
        tenant: TenantId,
    },
    /// A group's members were replaced.
    GroupMembersSet {
        /// The group.
        group: GroupId,
        /// Its members, in id order.
        members: Vec<UserId>,
    },
    /// A user joined a group.
    GroupMemberAdded {
        /// The group.
        group: GroupId,
        /// The user.
        user: UserId,
    },
    /// A user left a group.
    GroupMemberRemoved {
        /// The group.
        group: GroupId,
        /// The user.
        user: UserId,
    },
    /// The owner account was associated. Kept so that histories written before the owner
    /// account moved out of access still decode; applying it changes nothing (the owner
    /// account always holds the Owner role, rules PAY-1, ROL-7).
    OwnerAccountSet {
        /// The owner account.
        owner: OwnerAccountId,
    },
    /// The same grant was given to every principal listed, in one step.
    Granted {
        /// The principals, in the order given.
        principals: Vec<Principal>,
        /// What they were given.
        grant: Grant,
    },
    /// A grant was taken back.
    Revoked {
        /// The principal.
        principal: Principal,
        /// The grant.
        grant: Grant,
    },
    /// A user was removed, with its grants and memberships.
    UserRemoved {
        /// The user.
        user: UserId,
    },
    /// A group was removed, with its grants.
    GroupRemoved {
        /// The group.
        group: GroupId,
    },
    /// An app was removed, with its grants.
    AppRemoved {
        /// The app.
        app: AppId,
    },
    /// A tenant was removed: every user, group and app of it went with their grants.
    TenantRemoved {
        /// The tenant.
        tenant: TenantId,
    },
}
