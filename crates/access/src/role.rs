//! The built-in roles and what a grant gives.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::permission::{Permission, PermissionSet};

/// A built-in account role.
///
/// | role | permissions |
/// |---|---|
/// | [`Owner`](Role::Owner) | every permission: a Manager's plus payout and tax settings (ROL-7) |
/// | [`Manager`](Role::Manager) | every permission except payout and tax settings (ROL-1) |
/// | [`Developer`](Role::Developer) | manage and publish offers, view (non-financial) reports (ROL-2) |
///
/// Payout and tax settings ([`PermissionSet::OWNER_ONLY`]) are reachable only through the
/// Owner role: no other role has them and custom permission sets may not name them.
///
/// Directory roles such as global administrator are not account roles and do not appear
/// here: they grant nothing in the account (rule ROL-5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// A Manager's rights plus payout and tax settings. The owner account always holds it
    /// (rules ROL-7, PAY-1); it can be granted to others.
    Owner,
    /// Every feature except payout and tax settings; manages users, roles and tenants (ROL-1).
    Manager,
    /// Manages and publishes offers and views non-financial reports; no financial
    /// information and no account settings (ROL-2).
    Developer,
}

impl Role {
    /// Every role, in canonical order.
    pub const ALL: [Role; 3] = [Role::Owner, Role::Manager, Role::Developer];

    /// The Manager's permissions: everything but payout and tax settings (rule ROL-1).
    pub const MANAGER: PermissionSet = PermissionSet::ALL.difference(PermissionSet::OWNER_ONLY);
    /// The Developer's permissions (rule ROL-2).
    pub const DEVELOPER: PermissionSet = PermissionSet::of(&[
        Permission::ManageOffers,
        Permission::PublishOffers,
        Permission::ViewReports,
    ]);
    /// The Owner's permissions: the Manager's plus payout and tax settings (rule ROL-7).
    pub const OWNER: PermissionSet = Role::MANAGER.union(PermissionSet::OWNER_ONLY);

    /// The permissions the role grants.
    pub const fn permissions(self) -> PermissionSet {
        match self {
            Role::Owner => Role::OWNER,
            Role::Manager => Role::MANAGER,
            Role::Developer => Role::DEVELOPER,
        }
    }

    /// True for the roles that count as holding the Manager role (Manager and Owner, whose
    /// rights include a Manager's), as rule USR-7 counts them.
    pub const fn is_manager(self) -> bool {
        matches!(self, Role::Owner | Role::Manager)
    }

    /// The snake-case name used in serde forms and messages.
    pub const fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Manager => "manager",
            Role::Developer => "developer",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = Error;
    /// Reads a role name; a role that does not exist is [`Error::UnknownRole`].
    fn from_str(s: &str) -> Result<Self, Error> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| Error::UnknownRole {
                given: s.chars().take(64).collect(),
            })
    }
}

/// What is given to a principal: a built-in role, or a set of custom permissions (rule ROL-3).
///
/// Serialised as `{"role":"manager"}` or `{"custom":["manage_offers","view_reports"]}`.
/// Commands refuse a custom set that is empty or names an Owner-only permission; build one
/// with [`Grant::custom`] to check early. Reading one goes through the same check, so such a
/// set cannot come in through serde either (rules ROL-3, ROL-7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", try_from = "GrantRepr")]
pub enum Grant {
    /// A built-in role.
    Role(Role),
    /// Custom permissions instead of a role (rule ROL-3).
    #[cfg_attr(feature = "schema", schemars(schema_with = "grantable_permissions"))]
    Custom(PermissionSet),
}

/// The schema of a custom grant's permissions: at least one (rule ROL-3), none of them
/// Owner-only (rule ROL-7); repeats are accepted and read as one.
#[cfg(feature = "schema")]
fn grantable_permissions(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    let grantable: Vec<&str> = PermissionSet::ALL
        .difference(PermissionSet::OWNER_ONLY)
        .iter()
        .map(Permission::as_str)
        .collect();
    schemars::json_schema!({
        "type": "array",
        "minItems": 1,
        "items": { "type": "string", "enum": grantable },
        "examples": [["manage_offers", "view_financial_reports"]],
    })
}

impl Grant {
    /// A validated custom-permissions grant: non-empty, without Owner-only permissions
    /// (rules ROL-3, ROL-7).
    pub fn custom(permissions: impl IntoIterator<Item = Permission>) -> Result<Grant, Error> {
        PermissionSet::custom(permissions).map(Grant::Custom)
    }

    /// The permissions the grant gives. A custom set never gives Owner-only permissions,
    /// even one read from a tampered store that names them (rule ROL-7).
    #[inline]
    pub const fn permissions(self) -> PermissionSet {
        match self {
            Grant::Role(r) => r.permissions(),
            Grant::Custom(set) => set.difference(PermissionSet::OWNER_ONLY),
        }
    }

    /// True if the grant is the Manager or Owner role (what USR-7 counts).
    pub const fn is_manager(self) -> bool {
        match self {
            Grant::Role(r) => r.is_manager(),
            Grant::Custom(_) => false,
        }
    }

    /// Checks that the grant may be given: custom sets must be valid (rules ROL-3, ROL-7).
    pub fn check(self) -> Result<(), Error> {
        match self {
            Grant::Role(_) => Ok(()),
            Grant::Custom(set) => set.check_custom(),
        }
    }
}

/// The serde form of [`Grant`], checked on the way in.
#[derive(Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
enum GrantRepr {
    Role(Role),
    #[cfg_attr(feature = "schema", schemars(schema_with = "grantable_permissions"))]
    Custom(PermissionSet),
}

impl TryFrom<GrantRepr> for Grant {
    type Error = Error;
    fn try_from(repr: GrantRepr) -> Result<Grant, Error> {
        let grant = match repr {
            GrantRepr::Role(r) => Grant::Role(r),
            GrantRepr::Custom(set) => Grant::Custom(set),
        };
        grant.check()?;
        Ok(grant)
    }
}

impl From<Role> for Grant {
    fn from(r: Role) -> Self {
        Grant::Role(r)
    }
}

impl fmt::Display for Grant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Grant::Role(r) => write!(f, "role {r}"),
            Grant::Custom(set) => write!(f, "custom permissions [{set}]"),
        }
    }
}
