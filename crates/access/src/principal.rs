//! Who can hold grants, and where a permission came from.

use std::fmt;

use partnerkit_core::{Actor, AppId, GroupId, OwnerAccountId, UserId};
use serde::{Deserialize, Serialize};

use crate::role::Grant;

/// Anything that can be given access to the account: a directory user, group or app, or the
/// owner account.
///
/// Serialised as `{"kind":"user","id":"…uuid…"}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Principal {
    /// A directory user (USR).
    User(UserId),
    /// A directory group; its members use its grants (GRP-1, ROL-4).
    Group(GroupId),
    /// A directory application (APP).
    App(AppId),
    /// The personal owner account (MSA); always holds [`Role::Owner`](crate::Role::Owner)
    /// (PAY-1, ROL-7).
    OwnerAccount(OwnerAccountId),
}

impl Principal {
    /// The principal an authenticated actor acts as; `None` for [`Actor::Marketplace`], which
    /// is not an account principal.
    ///
    /// The actor's tenant is not needed: a user or app belongs to one tenant, and when that
    /// tenant is removed its principals are removed too (TEN-4).
    pub fn from_actor(actor: &Actor) -> Option<Principal> {
        match *actor {
            Actor::User { user, .. } => Some(Principal::User(user)),
            Actor::App { app, .. } => Some(Principal::App(app)),
            Actor::OwnerAccount { owner } => Some(Principal::OwnerAccount(owner)),
            _ => None,
        }
    }

    /// The kind of principal as a word ("user", "group", "app", "owner account").
    pub const fn kind(&self) -> &'static str {
        match self {
            Principal::User(_) => "user",
            Principal::Group(_) => "group",
            Principal::App(_) => "app",
            Principal::OwnerAccount(_) => "owner account",
        }
    }
}

impl fmt::Display for Principal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Principal::User(id) => write!(f, "user {id}"),
            Principal::Group(id) => write!(f, "group {id}"),
            Principal::App(id) => write!(f, "app {id}"),
            Principal::OwnerAccount(id) => write!(f, "owner account {id}"),
        }
    }
}

impl From<UserId> for Principal {
    fn from(id: UserId) -> Self {
        Principal::User(id)
    }
}

impl From<GroupId> for Principal {
    fn from(id: GroupId) -> Self {
        Principal::Group(id)
    }
}

impl From<AppId> for Principal {
    fn from(id: AppId) -> Self {
        Principal::App(id)
    }
}

impl From<OwnerAccountId> for Principal {
    fn from(id: OwnerAccountId) -> Self {
        Principal::OwnerAccount(id)
    }
}

/// One existing grant, named by who it was given to: the source of a permission in an
/// explanation (rule ROL-6).
///
/// When `holder` is a group, the permission reached the principal asked about through its
/// membership of that group (rule ROL-4). The owner account's implicit Owner role appears
/// as `holder: OwnerAccount, grant: Role(Owner)` (rule PAY-1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct GrantSource {
    /// The principal the grant was given to (the principal itself, or one of its groups).
    pub holder: Principal,
    /// The role or custom permissions granted.
    pub grant: Grant,
}

impl fmt::Display for GrantSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.holder {
            Principal::OwnerAccount(_) => {
                write!(f, "{} held by the {} (rule PAY-1)", self.grant, self.holder)
            }
            _ => write!(f, "{} granted to {}", self.grant, self.holder),
        }
    }
}
