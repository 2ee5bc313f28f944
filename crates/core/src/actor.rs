//! Who performs a command.

use serde::{Deserialize, Serialize};

use crate::id::{AppId, OwnerAccountId, TenantId, UserId};

/// The principal performing a command, as authenticated by the host.
///
/// partnerkit does not authenticate anyone: the host signs the actor in and says who it is;
/// partnerkit decides what that actor may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Actor {
    /// A directory user signed in with a work account of `tenant` (rule USR-1).
    User {
        /// The tenant the user signed in from.
        tenant: TenantId,
        /// The user.
        user: UserId,
    },
    /// A directory application authenticated with a key of `tenant`.
    App {
        /// The tenant the app belongs to.
        tenant: TenantId,
        /// The app.
        app: AppId,
    },
    /// The personal owner account (MSA) of the marketplace account (rule PAY-1).
    OwnerAccount {
        /// The owner account.
        owner: OwnerAccountId,
    },
    /// The marketplace itself: assigns publisher IDs, records verification outcomes.
    Marketplace,
}

impl Actor {
    /// The tenant the actor signed in from, if it is a directory principal.
    pub fn tenant(&self) -> Option<TenantId> {
        match self {
            Actor::User { tenant, .. } | Actor::App { tenant, .. } => Some(*tenant),
            Actor::OwnerAccount { .. } | Actor::Marketplace => None,
        }
    }
}

impl std::fmt::Display for Actor {
    /// `user 0000…01 of tenant 0000…02`, `app … of tenant …`, `owner account …`,
    /// `the marketplace`: for messages people read.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Actor::User { tenant, user } => write!(f, "user {user} of tenant {tenant}"),
            Actor::App { tenant, app } => write!(f, "app {app} of tenant {tenant}"),
            Actor::OwnerAccount { owner } => write!(f, "owner account {owner}"),
            Actor::Marketplace => f.write_str("the marketplace"),
        }
    }
}
