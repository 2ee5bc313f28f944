//! The access state: principals, group memberships and grants, with derived maps kept up
//! by each event.

use std::collections::{BTreeMap, BTreeSet};

use partnerkit_core::{AppId, GroupId, TenantId, UserId};
use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::principal::Principal;
use crate::role::{Grant, Role};

/// A directory user known to the account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct UserEntry {
    pub(crate) tenant: TenantId,
    pub(crate) grants: BTreeSet<Grant>,
    /// Whether the user can sign in (a pending guest or a directory-only member cannot).
    #[serde(default = "yes")]
    pub(crate) can_sign_in: bool,
}

/// The serde default of `can_sign_in`: users of older histories can sign in.
pub(crate) fn yes() -> bool {
    true
}

/// A directory group known to the account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct GroupEntry {
    pub(crate) tenant: TenantId,
    pub(crate) members: BTreeSet<UserId>,
    pub(crate) grants: BTreeSet<Grant>,
}

/// A directory app known to the account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct AppEntry {
    pub(crate) tenant: TenantId,
    pub(crate) grants: BTreeSet<Grant>,
}

impl UserEntry {
    /// The user's tenant.
    pub fn tenant(&self) -> TenantId {
        self.tenant
    }
    /// The user's own grants, in canonical order.
    pub fn grants(&self) -> &BTreeSet<Grant> {
        &self.grants
    }
    /// Whether the user can sign in; only such users count for rule USR-7.
    pub fn can_sign_in(&self) -> bool {
        self.can_sign_in
    }
}

impl GroupEntry {
    /// The group's tenant.
    pub fn tenant(&self) -> TenantId {
        self.tenant
    }
    /// The group's members.
    pub fn members(&self) -> &BTreeSet<UserId> {
        &self.members
    }
    /// The group's grants, which every member uses (rule GRP-1).
    pub fn grants(&self) -> &BTreeSet<Grant> {
        &self.grants
    }
}

impl AppEntry {
    /// The app's tenant.
    pub fn tenant(&self) -> TenantId {
        self.tenant
    }
    /// The app's grants.
    pub fn grants(&self) -> &BTreeSet<Grant> {
        &self.grants
    }
}

/// Everything access decisions depend on, rebuilt from [`Event`](crate::Event)s alone.
///
/// To answer authorisation requests, build an [`AccessIndex`](crate::AccessIndex) from it
/// (or keep one live with [`AccessIndex::apply`](crate::AccessIndex::apply)).
///
/// Besides users, groups and apps the state keeps derived maps — each user's groups, each
/// tenant's principals and how many users count for rule USR-7 — so that no single-principal
/// command costs time proportional to the account. They are not serialised: reading a state
/// rebuilds them, so its serde form is just users, groups and apps.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(from = "StateRepr")]
pub struct AccessState {
    pub(crate) users: BTreeMap<UserId, UserEntry>,
    pub(crate) groups: BTreeMap<GroupId, GroupEntry>,
    pub(crate) apps: BTreeMap<AppId, AppEntry>,
    /// Each user's groups (derived from `groups`).
    #[serde(skip)]
    pub(crate) member_of: BTreeMap<UserId, BTreeSet<GroupId>>,
    /// Each tenant's principals (derived from users, groups and apps).
    #[serde(skip)]
    pub(crate) tenants: BTreeMap<TenantId, TenantPrincipals>,
    /// How many users can sign in and hold the Manager role (derived; rule USR-7).
    #[serde(skip)]
    pub(crate) managers: usize,
    /// For each user, how many of its groups hold the Manager role by a Manager or Owner
    /// grant (derived from `groups`; only non-zero counts are kept), so that whether a user
    /// counts for rule USR-7 is one lookup, not one per group of the user.
    #[serde(skip)]
    pub(crate) manager_groups: BTreeMap<UserId, usize>,
}

/// The principals of one tenant.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct TenantPrincipals {
    pub(crate) users: BTreeSet<UserId>,
    pub(crate) groups: BTreeSet<GroupId>,
    pub(crate) apps: BTreeSet<AppId>,
}

impl TenantPrincipals {
    fn is_empty(&self) -> bool {
        self.users.is_empty() && self.groups.is_empty() && self.apps.is_empty()
    }
}

// The stored form of `AccessState`: what reading one rebuilds the derived maps from. Older
// forms carried the owner account too; it is ignored.
partnerkit_core::validated_fields!(
    AccessState from StateRepr {
        #[serde(default, deserialize_with = "partnerkit_core::bulk_map")]
        users: BTreeMap<UserId, UserEntry>,
        #[serde(default)]
        groups: BTreeMap<GroupId, GroupEntry>,
        #[serde(default)]
        apps: BTreeMap<AppId, AppEntry>,
    } by AccessState::stored
);

impl AccessState {
    /// The state whose stored form is `users`, `groups` and `apps`: the derived maps rebuilt.
    fn stored(
        users: BTreeMap<UserId, UserEntry>,
        groups: BTreeMap<GroupId, GroupEntry>,
        apps: BTreeMap<AppId, AppEntry>,
    ) -> AccessState {
        let mut state = AccessState {
            users,
            groups,
            apps,
            ..AccessState::default()
        };
        for (id, group) in &state.groups {
            let manager = any_manager(&group.grants);
            for user in &group.members {
                state.member_of.entry(*user).or_default().insert(*id);
                if manager {
                    *state.manager_groups.entry(*user).or_default() += 1;
                }
            }
            state
                .tenants
                .entry(group.tenant)
                .or_default()
                .groups
                .insert(*id);
        }
        // Each tenant's users at once, in id order (a loaded state has many): each set is
        // built in one pass.
        let mut by_tenant: BTreeMap<TenantId, Vec<UserId>> = BTreeMap::new();
        for (id, user) in &state.users {
            by_tenant.entry(user.tenant).or_default().push(*id);
        }
        for (tenant, users) in by_tenant {
            let principals = state.tenants.entry(tenant).or_default();
            principals.users = users.into_iter().collect();
        }
        for (id, app) in &state.apps {
            state
                .tenants
                .entry(app.tenant)
                .or_default()
                .apps
                .insert(*id);
        }
        state.managers = state
            .users
            .iter()
            .filter(|(id, user)| state.entry_counts(**id, user))
            .count();
        state
    }
}

pub(crate) fn any_manager(grants: &BTreeSet<Grant>) -> bool {
    grants.iter().any(|g| g.is_manager())
}

/// Rule USR-7's "who counts", in one place: a user who can sign in and holds Manager or
/// Owner, by its own grants or through a group it is a member of. `through_a_group` is
/// asked only when the rest does not decide. The count the state keeps
/// ([`AccessState::counts`]) and the guard's view of a user after a change (`decide.rs`)
/// both answer with this function; they differ only in the facts they give it.
pub(crate) fn who_counts(
    can_sign_in: bool,
    own: &BTreeSet<Grant>,
    through_a_group: impl FnOnce() -> bool,
) -> bool {
    can_sign_in && (any_manager(own) || through_a_group())
}

impl AccessState {
    /// The known users, in id order.
    pub fn users(&self) -> &BTreeMap<UserId, UserEntry> {
        &self.users
    }

    /// The known groups, in id order.
    pub fn groups(&self) -> &BTreeMap<GroupId, GroupEntry> {
        &self.groups
    }

    /// The known apps, in id order.
    pub fn apps(&self) -> &BTreeMap<AppId, AppEntry> {
        &self.apps
    }

    /// True if the principal is known to the account. The owner account always is: whoever
    /// builds a [`Principal::OwnerAccount`] has checked that it is the account's owner.
    pub fn is_known(&self, principal: Principal) -> bool {
        match principal {
            Principal::User(u) => self.users.contains_key(&u),
            Principal::Group(g) => self.groups.contains_key(&g),
            Principal::App(a) => self.apps.contains_key(&a),
            Principal::OwnerAccount(_) => true,
        }
    }

    /// The principal's own grants (not those of its groups), in canonical order. The owner
    /// account's implicit Owner role is included (rules PAY-1, ROL-7); an unknown principal has
    /// none.
    pub fn grants_of(&self, principal: Principal) -> Vec<Grant> {
        match principal {
            Principal::OwnerAccount(_) => vec![Grant::Role(Role::Owner)],
            _ => self
                .grants(principal)
                .map(|g| g.iter().copied().collect())
                .unwrap_or_default(),
        }
    }

    pub(crate) fn grants(&self, principal: Principal) -> Option<&BTreeSet<Grant>> {
        match principal {
            Principal::User(u) => self.users.get(&u).map(|e| &e.grants),
            Principal::Group(g) => self.groups.get(&g).map(|e| &e.grants),
            Principal::App(a) => self.apps.get(&a).map(|e| &e.grants),
            Principal::OwnerAccount(_) => None,
        }
    }

    /// The groups `user` is a member of, in id order (kept precomputed).
    pub fn groups_of(&self, user: UserId) -> Vec<GroupId> {
        self.member_of
            .get(&user)
            .map(|g| g.iter().copied().collect())
            .unwrap_or_default()
    }

    /// The users who can sign in and hold the Manager role, directly or through a group, by
    /// a Manager or an Owner grant: what rule USR-7 counts (the owner account, pending guests
    /// and directory-only members do not count). This scans every user; how many there are
    /// is [`manager_count`](AccessState::manager_count).
    pub fn managers(&self) -> BTreeSet<UserId> {
        self.users
            .keys()
            .filter(|u| self.counts(**u))
            .copied()
            .collect()
    }

    /// How many users can sign in and hold the Manager role (rule USR-7); kept up to date by
    /// every event, so reading it costs nothing.
    pub fn manager_count(&self) -> usize {
        self.managers
    }

    /// True if `user` counts for rule USR-7: it can sign in and holds Manager or Owner,
    /// itself or through a group. Costs a few lookups, however many groups the user is in.
    pub(crate) fn counts(&self, user: UserId) -> bool {
        self.users
            .get(&user)
            .is_some_and(|entry| self.entry_counts(user, entry))
    }

    /// [`counts`](Self::counts) for a user whose entry is at hand.
    fn entry_counts(&self, user: UserId, entry: &UserEntry) -> bool {
        who_counts(entry.can_sign_in, &entry.grants, || {
            self.manager_groups.contains_key(&user)
        })
    }

    /// True if `group` is known and holds Manager or Owner.
    pub(crate) fn is_manager_group(&self, group: GroupId) -> bool {
        self.groups
            .get(&group)
            .is_some_and(|g| any_manager(&g.grants))
    }

    pub(crate) fn grants_mut(&mut self, principal: Principal) -> Option<&mut BTreeSet<Grant>> {
        match principal {
            Principal::User(u) => self.users.get_mut(&u).map(|e| &mut e.grants),
            Principal::Group(g) => self.groups.get_mut(&g).map(|e| &mut e.grants),
            Principal::App(a) => self.apps.get_mut(&a).map(|e| &mut e.grants),
            Principal::OwnerAccount(_) => None,
        }
    }

    pub(crate) fn holds(&self, principal: Principal, grant: Grant) -> bool {
        match principal {
            Principal::User(u) => self
                .users
                .get(&u)
                .is_some_and(|e| e.grants.contains(&grant)),
            Principal::Group(g) => self
                .groups
                .get(&g)
                .is_some_and(|e| e.grants.contains(&grant)),
            Principal::App(a) => self.apps.get(&a).is_some_and(|e| e.grants.contains(&grant)),
            Principal::OwnerAccount(_) => grant == Grant::Role(Role::Owner),
        }
    }

    pub(crate) fn require_known(&self, principal: Principal) -> Result<(), Error> {
        if self.is_known(principal) {
            Ok(())
        } else {
            Err(Error::UnknownPrincipal { principal })
        }
    }

    pub(crate) fn require_grantable(&self, principal: Principal) -> Result<(), Error> {
        if let Principal::OwnerAccount(_) = principal {
            return Err(Error::OwnerAccountGrant);
        }
        self.require_known(principal)
    }

    pub(crate) fn require_member_tenant(&self, group: GroupId, user: UserId) -> Result<(), Error> {
        let g = self.groups.get(&group).ok_or(Error::UnknownPrincipal {
            principal: Principal::Group(group),
        })?;
        self.require_user_of(group, g.tenant, user)
    }

    /// `user` may be a member of `group` of `tenant`: a known user of the same tenant.
    pub(crate) fn require_user_of(
        &self,
        group: GroupId,
        tenant: TenantId,
        user: UserId,
    ) -> Result<(), Error> {
        let u = self.users.get(&user).ok_or(Error::UnknownPrincipal {
            principal: Principal::User(user),
        })?;
        if tenant != u.tenant {
            return Err(Error::MemberOfOtherTenant {
                group,
                group_tenant: tenant,
                user,
                user_tenant: u.tenant,
            });
        }
        Ok(())
    }
}

/// Changes made by applying events (see [`crate::Access`]), each keeping the derived maps
/// right.
impl AccessState {
    /// Runs `change`, keeping the USR-7 count right for the `affected` users (the only ones
    /// whose standing it may alter).
    pub(crate) fn recount(&mut self, affected: &[UserId], change: impl FnOnce(&mut AccessState)) {
        let before = affected.iter().filter(|u| self.counts(**u)).count();
        change(self);
        let after = affected.iter().filter(|u| self.counts(**u)).count();
        self.managers = (self.managers + after).saturating_sub(before);
    }

    pub(crate) fn members_of_group(&self, group: GroupId) -> Vec<UserId> {
        self.groups
            .get(&group)
            .map(|g| g.members.iter().copied().collect())
            .unwrap_or_default()
    }

    /// The users a grant to `principal` reaches: the user itself, or a group's members.
    pub(crate) fn users_reached(&self, principal: Principal) -> Vec<UserId> {
        match principal {
            Principal::User(u) => vec![u],
            Principal::Group(g) => self.members_of_group(g),
            Principal::App(_) | Principal::OwnerAccount(_) => Vec::new(),
        }
    }

    /// Records that `user` is in `group` (the group's own set is changed by the caller).
    pub(crate) fn join(&mut self, group: GroupId, user: UserId) {
        if self.member_of.entry(user).or_default().insert(group) && self.is_manager_group(group) {
            *self.manager_groups.entry(user).or_default() += 1;
        }
    }

    /// Forgets that `user` is in `group` (the group's own set is changed by the caller).
    pub(crate) fn leave(&mut self, group: GroupId, user: UserId) {
        let manager = self.is_manager_group(group);
        self.leave_group(group, user, manager);
    }

    /// [`leave`](AccessState::leave) for a group that may be gone already: `manager` says
    /// whether it held Manager.
    fn leave_group(&mut self, group: GroupId, user: UserId, manager: bool) {
        let Some(groups) = self.member_of.get_mut(&user) else {
            return;
        };
        let was_member = groups.remove(&group);
        if groups.is_empty() {
            self.member_of.remove(&user);
        }
        if was_member && manager {
            self.uncount_manager_group(user);
        }
    }

    fn uncount_manager_group(&mut self, user: UserId) {
        if let Some(n) = self.manager_groups.get_mut(&user) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                self.manager_groups.remove(&user);
            }
        }
    }

    /// Changes `principal`'s own grants with `edit`; if a group starts or stops holding
    /// Manager, its members' counts follow.
    pub(crate) fn edit_grants(
        &mut self,
        principal: Principal,
        edit: impl FnOnce(&mut BTreeSet<Grant>),
    ) {
        let Principal::Group(group) = principal else {
            if let Some(grants) = self.grants_mut(principal) {
                edit(grants);
            }
            return;
        };
        let Some(entry) = self.groups.get_mut(&group) else {
            return;
        };
        let before = any_manager(&entry.grants);
        edit(&mut entry.grants);
        let after = any_manager(&entry.grants);
        if before == after {
            return;
        }
        let members: Vec<UserId> = entry.members.iter().copied().collect();
        for user in members {
            if after {
                *self.manager_groups.entry(user).or_default() += 1;
            } else {
                self.uncount_manager_group(user);
            }
        }
    }

    pub(crate) fn tenant_mut(
        &mut self,
        tenant: TenantId,
        edit: impl FnOnce(&mut TenantPrincipals),
    ) {
        if let Some(t) = self.tenants.get_mut(&tenant) {
            edit(t);
            if t.is_empty() {
                self.tenants.remove(&tenant);
            }
        }
    }

    pub(crate) fn remove_user(&mut self, user: UserId) {
        if let Some(entry) = self.users.remove(&user) {
            self.tenant_mut(entry.tenant, |t| {
                t.users.remove(&user);
            });
        }
        // Memberships go with the user (an unknown user listed in a group keeps none either).
        self.manager_groups.remove(&user);
        if let Some(groups) = self.member_of.remove(&user) {
            for g in groups {
                if let Some(entry) = self.groups.get_mut(&g) {
                    entry.members.remove(&user);
                }
            }
        }
    }

    pub(crate) fn remove_group(&mut self, group: GroupId) {
        if let Some(entry) = self.groups.remove(&group) {
            self.tenant_mut(entry.tenant, |t| {
                t.groups.remove(&group);
            });
            let manager = any_manager(&entry.grants);
            for user in entry.members {
                self.leave_group(group, user, manager);
            }
        }
    }

    pub(crate) fn remove_app(&mut self, app: AppId) {
        if let Some(entry) = self.apps.remove(&app) {
            self.tenant_mut(entry.tenant, |t| {
                t.apps.remove(&app);
            });
        }
    }
}
