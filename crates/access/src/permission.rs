//! The permission vocabulary and sets of permissions as bitsets.

use std::fmt;
use std::ops::{BitAnd, BitOr, Not, Sub};
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::role::Role;

/// One thing a principal may do in the account: one feature of REQUIREMENTS.md, viewed or
/// changed.
///
/// Serialised in snake case (`"manage_offers"`). The declaration order is the canonical order
/// of every list of permissions this crate produces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[repr(u8)]
pub enum Permission {
    /// See the account profile, verification status, publisher IDs and tenants (ACC-1, ACC-2).
    ViewAccountSettings,
    /// Change the account profile and associate the owner account (ACC-1, PAY-1).
    ManageAccountSettings,
    /// Change the publisher display name, seller contact and company approver (ACC-3).
    ManageContactInfo,
    /// Add, create, invite and remove users and give them roles (USR-1..8).
    ManageUsers,
    /// Add, create and remove groups and give them roles (GRP-1..3).
    ManageGroups,
    /// Add, create and remove directory apps and give them roles (APP-1..3).
    ManageApps,
    /// Create and delete app keys (APP-4).
    ManageAppKeys,
    /// Associate, create and remove tenants (TEN-1..4).
    ManageTenants,
    /// See the accepted publishing agreements and what needs action (AGR-1, AGR-2).
    ViewAgreements,
    /// Accept an agreement version (AGR-3).
    AcceptAgreements,
    /// Create and edit offers.
    ManageOffers,
    /// Publish offers to the marketplace.
    PublishOffers,
    /// See publisher reports that hold no financial information.
    ViewReports,
    /// See financial information: payout summaries and statements (PAY-9) and earnings.
    ViewFinancialReports,
    /// Set up and change the payout account, schedule and hold (PAY-1..8). Owner only (ROL-7).
    ManagePayoutSettings,
    /// Fill in and change the tax profile and forms (TAX-1..5). Owner only (ROL-7).
    ManageTaxSettings,
}

impl Permission {
    /// How many permissions there are.
    pub const COUNT: usize = 16;

    /// Every permission, in canonical order.
    pub const ALL: [Permission; Permission::COUNT] = [
        Permission::ViewAccountSettings,
        Permission::ManageAccountSettings,
        Permission::ManageContactInfo,
        Permission::ManageUsers,
        Permission::ManageGroups,
        Permission::ManageApps,
        Permission::ManageAppKeys,
        Permission::ManageTenants,
        Permission::ViewAgreements,
        Permission::AcceptAgreements,
        Permission::ManageOffers,
        Permission::PublishOffers,
        Permission::ViewReports,
        Permission::ViewFinancialReports,
        Permission::ManagePayoutSettings,
        Permission::ManageTaxSettings,
    ];

    /// The permission's position in [`Permission::ALL`] (0-based).
    pub const fn index(self) -> usize {
        self as usize
    }

    /// The permission's bit in a [`PermissionSet`].
    pub const fn bit(self) -> u32 {
        1 << (self as u32)
    }

    /// The snake-case name used in serde forms and messages.
    pub const fn as_str(self) -> &'static str {
        match self {
            Permission::ViewAccountSettings => "view_account_settings",
            Permission::ManageAccountSettings => "manage_account_settings",
            Permission::ManageContactInfo => "manage_contact_info",
            Permission::ManageUsers => "manage_users",
            Permission::ManageGroups => "manage_groups",
            Permission::ManageApps => "manage_apps",
            Permission::ManageAppKeys => "manage_app_keys",
            Permission::ManageTenants => "manage_tenants",
            Permission::ViewAgreements => "view_agreements",
            Permission::AcceptAgreements => "accept_agreements",
            Permission::ManageOffers => "manage_offers",
            Permission::PublishOffers => "publish_offers",
            Permission::ViewReports => "view_reports",
            Permission::ViewFinancialReports => "view_financial_reports",
            Permission::ManagePayoutSettings => "manage_payout_settings",
            Permission::ManageTaxSettings => "manage_tax_settings",
        }
    }

    /// True for the permissions only the Owner role grants: payout and tax settings (ROL-7).
    /// Custom permission sets may not name them.
    pub const fn is_owner_only(self) -> bool {
        PermissionSet::OWNER_ONLY.contains(self)
    }

    /// The built-in roles that grant this permission, in [`Role::ALL`] order.
    pub fn granted_by(self) -> impl Iterator<Item = Role> {
        Role::ALL
            .into_iter()
            .filter(move |r| r.permissions().contains(self))
    }
}

impl fmt::Display for Permission {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Permission {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        Permission::ALL
            .into_iter()
            .find(|p| p.as_str() == s)
            .ok_or_else(|| Error::UnknownPermission {
                given: s.chars().take(64).collect(),
            })
    }
}

/// A set of [`Permission`]s, stored as a bitset: union, intersection and membership are one
/// machine instruction each.
///
/// Serialised as the list of its permission names in canonical order
/// (`["manage_offers","publish_offers"]`); any order and repeats are accepted when reading.
/// A `PermissionSet` may be empty (what an unknown principal holds); a set *granted* as custom
/// permissions must not be: build those with [`PermissionSet::custom`] (rule ROL-3).
///
/// ```
/// use partnerkit_access::{Permission, PermissionSet};
/// let set: PermissionSet = [Permission::PublishOffers, Permission::ManageOffers].into_iter().collect();
/// assert!(set.contains(Permission::ManageOffers));
/// assert_eq!(serde_json::to_string(&set)?, r#"["manage_offers","publish_offers"]"#);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(into = "Vec<Permission>", from = "Vec<Permission>")]
pub struct PermissionSet(u32);

impl PermissionSet {
    /// No permission at all.
    pub const EMPTY: PermissionSet = PermissionSet(0);
    /// Every permission.
    pub const ALL: PermissionSet = PermissionSet((1 << Permission::COUNT) - 1);
    /// The permissions only the Owner role grants: payout and tax settings (ROL-7).
    pub const OWNER_ONLY: PermissionSet =
        PermissionSet(Permission::ManagePayoutSettings.bit() | Permission::ManageTaxSettings.bit());

    /// The empty set.
    pub const fn new() -> Self {
        PermissionSet::EMPTY
    }

    /// A set from its bits; bits that name no permission are dropped.
    pub const fn from_bits_truncate(bits: u32) -> Self {
        PermissionSet(bits & PermissionSet::ALL.0)
    }

    /// A set of exactly the given permissions (usable in `const`).
    pub const fn of(permissions: &[Permission]) -> Self {
        let mut bits = 0;
        let mut rest = permissions;
        while let [first, tail @ ..] = rest {
            bits |= first.bit();
            rest = tail;
        }
        PermissionSet(bits)
    }

    /// A validated set for a custom-permissions grant (rule ROL-3): it must name at least one
    /// permission and none that only the Owner role grants (rule ROL-7).
    ///
    /// ```
    /// use partnerkit_access::{Error, Permission, PermissionSet};
    /// assert!(PermissionSet::custom([Permission::ViewReports]).is_ok());
    /// assert_eq!(PermissionSet::custom([]), Err(Error::EmptyPermissionSet));
    /// assert!(matches!(
    ///     PermissionSet::custom([Permission::ManageTaxSettings]),
    ///     Err(Error::OwnerOnlyPermission { .. })
    /// ));
    /// ```
    pub fn custom(permissions: impl IntoIterator<Item = Permission>) -> Result<Self, Error> {
        let set: PermissionSet = permissions.into_iter().collect();
        set.check_custom()?;
        Ok(set)
    }

    /// Checks that this set may be granted as custom permissions (rules ROL-3, ROL-7).
    pub fn check_custom(self) -> Result<(), Error> {
        if self.is_empty() {
            return Err(Error::EmptyPermissionSet);
        }
        if let Some(permission) = (self & PermissionSet::OWNER_ONLY).iter().next() {
            return Err(Error::OwnerOnlyPermission { permission });
        }
        Ok(())
    }

    /// The raw bits (bit `i` is [`Permission::ALL`]`[i]`).
    pub const fn bits(self) -> u32 {
        self.0
    }

    /// True if `permission` is in the set.
    #[inline]
    pub const fn contains(self, permission: Permission) -> bool {
        self.0 & permission.bit() != 0
    }

    /// True if the set holds no permission.
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// How many permissions the set holds.
    pub const fn len(self) -> usize {
        self.0.count_ones() as usize
    }

    /// Adds `permission`.
    pub fn insert(&mut self, permission: Permission) {
        self.0 |= permission.bit();
    }

    /// Removes `permission`.
    pub fn remove(&mut self, permission: Permission) {
        self.0 &= !permission.bit();
    }

    /// Every permission in either set.
    pub const fn union(self, other: PermissionSet) -> Self {
        PermissionSet(self.0 | other.0)
    }

    /// The permissions in both sets.
    pub const fn intersection(self, other: PermissionSet) -> Self {
        PermissionSet(self.0 & other.0)
    }

    /// The permissions in `self` but not in `other`.
    pub const fn difference(self, other: PermissionSet) -> Self {
        PermissionSet(self.0 & !other.0)
    }

    /// True if every permission of `self` is in `other`.
    pub const fn is_subset(self, other: PermissionSet) -> bool {
        self.0 & !other.0 == 0
    }

    /// The permissions in canonical order.
    pub fn iter(self) -> Iter {
        Iter(self.0)
    }
}

impl fmt::Debug for PermissionSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

impl fmt::Display for PermissionSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_empty() {
            return f.write_str("no permission");
        }
        for (i, p) in self.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            f.write_str(p.as_str())?;
        }
        Ok(())
    }
}

impl From<Permission> for PermissionSet {
    fn from(p: Permission) -> Self {
        PermissionSet(p.bit())
    }
}

impl FromIterator<Permission> for PermissionSet {
    fn from_iter<I: IntoIterator<Item = Permission>>(iter: I) -> Self {
        let mut set = PermissionSet::EMPTY;
        for p in iter {
            set.insert(p);
        }
        set
    }
}

impl Extend<Permission> for PermissionSet {
    fn extend<I: IntoIterator<Item = Permission>>(&mut self, iter: I) {
        for p in iter {
            self.insert(p);
        }
    }
}

impl IntoIterator for PermissionSet {
    type Item = Permission;
    type IntoIter = Iter;
    fn into_iter(self) -> Iter {
        self.iter()
    }
}

/// The permissions of a [`PermissionSet`], in canonical order.
#[derive(Debug, Clone)]
pub struct Iter(u32);

impl Iterator for Iter {
    type Item = Permission;
    fn next(&mut self) -> Option<Permission> {
        if self.0 == 0 {
            return None;
        }
        let index = self.0.trailing_zeros() as usize;
        self.0 &= self.0 - 1;
        Permission::ALL.get(index).copied()
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.0.count_ones() as usize;
        (n, Some(n))
    }
}

impl ExactSizeIterator for Iter {}

impl From<PermissionSet> for Vec<Permission> {
    fn from(set: PermissionSet) -> Self {
        set.iter().collect()
    }
}

impl From<Vec<Permission>> for PermissionSet {
    fn from(list: Vec<Permission>) -> Self {
        list.into_iter().collect()
    }
}

impl BitOr for PermissionSet {
    type Output = PermissionSet;
    fn bitor(self, rhs: PermissionSet) -> PermissionSet {
        self.union(rhs)
    }
}

impl BitOr<Permission> for PermissionSet {
    type Output = PermissionSet;
    fn bitor(self, rhs: Permission) -> PermissionSet {
        PermissionSet(self.0 | rhs.bit())
    }
}

impl BitAnd for PermissionSet {
    type Output = PermissionSet;
    fn bitand(self, rhs: PermissionSet) -> PermissionSet {
        self.intersection(rhs)
    }
}

impl Sub for PermissionSet {
    type Output = PermissionSet;
    fn sub(self, rhs: PermissionSet) -> PermissionSet {
        self.difference(rhs)
    }
}

impl Not for PermissionSet {
    type Output = PermissionSet;
    fn not(self) -> PermissionSet {
        PermissionSet(!self.0 & PermissionSet::ALL.0)
    }
}
