//! The access decider: principals, group memberships and grants.

use std::collections::{BTreeMap, BTreeSet};

use partnerkit_core::{AppId, Context, Decider, GroupId, OwnerAccountId, TenantId, UserId};

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::permission::{Permission, PermissionSet};
use crate::principal::Principal;
use crate::role::{Grant, Role};

/// A directory user known to the account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserEntry {
    tenant: TenantId,
    grants: BTreeSet<Grant>,
    /// Whether the user can sign in (a pending guest or a directory-only member cannot).
    #[serde(default = "yes")]
    can_sign_in: bool,
}

fn yes() -> bool {
    true
}

/// A directory group known to the account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupEntry {
    tenant: TenantId,
    members: BTreeSet<UserId>,
    grants: BTreeSet<Grant>,
}

/// A directory app known to the account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppEntry {
    tenant: TenantId,
    grants: BTreeSet<Grant>,
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

/// Everything access decisions depend on, rebuilt from [`Event`]s alone.
///
/// To answer authorisation requests, build an [`AccessIndex`](crate::AccessIndex) from it
/// (or keep one live with [`AccessIndex::apply`](crate::AccessIndex::apply)).
///
/// Besides users, groups and apps the state keeps derived maps — each user's groups, each
/// tenant's principals and how many users count for rule USR-7 — so that no single-principal
/// command costs time proportional to the account. They are not serialised: reading a state
/// rebuilds them, so its serde form is just users, groups and apps.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "StateRepr")]
pub struct AccessState {
    users: BTreeMap<UserId, UserEntry>,
    groups: BTreeMap<GroupId, GroupEntry>,
    apps: BTreeMap<AppId, AppEntry>,
    /// Each user's groups (derived from `groups`).
    #[serde(skip)]
    member_of: BTreeMap<UserId, BTreeSet<GroupId>>,
    /// Each tenant's principals (derived from users, groups and apps).
    #[serde(skip)]
    tenants: BTreeMap<TenantId, TenantPrincipals>,
    /// How many users can sign in and hold the Manager role (derived; rule USR-7).
    #[serde(skip)]
    managers: usize,
}

/// The principals of one tenant.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct TenantPrincipals {
    users: BTreeSet<UserId>,
    groups: BTreeSet<GroupId>,
    apps: BTreeSet<AppId>,
}

impl TenantPrincipals {
    fn is_empty(&self) -> bool {
        self.users.is_empty() && self.groups.is_empty() && self.apps.is_empty()
    }
}

/// The stored form of [`AccessState`]: what reading one rebuilds the derived maps from.
/// Older forms carried the owner account too; it is ignored.
#[derive(Deserialize)]
struct StateRepr {
    #[serde(default)]
    users: BTreeMap<UserId, UserEntry>,
    #[serde(default)]
    groups: BTreeMap<GroupId, GroupEntry>,
    #[serde(default)]
    apps: BTreeMap<AppId, AppEntry>,
}

impl From<StateRepr> for AccessState {
    fn from(repr: StateRepr) -> Self {
        let mut state = AccessState {
            users: repr.users,
            groups: repr.groups,
            apps: repr.apps,
            ..AccessState::default()
        };
        for (id, group) in &state.groups {
            for user in &group.members {
                state.member_of.entry(*user).or_default().insert(*id);
            }
            state
                .tenants
                .entry(group.tenant)
                .or_default()
                .groups
                .insert(*id);
        }
        for (id, user) in &state.users {
            state
                .tenants
                .entry(user.tenant)
                .or_default()
                .users
                .insert(*id);
        }
        for (id, app) in &state.apps {
            state
                .tenants
                .entry(app.tenant)
                .or_default()
                .apps
                .insert(*id);
        }
        state.managers = state.users.keys().filter(|u| state.counts(**u)).count();
        state
    }
}

fn any_manager(grants: &BTreeSet<Grant>) -> bool {
    grants.iter().any(|g| g.is_manager())
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

    fn grants(&self, principal: Principal) -> Option<&BTreeSet<Grant>> {
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
    /// itself or through a group. Costs one lookup per group of the user.
    fn counts(&self, user: UserId) -> bool {
        let Some(entry) = self.users.get(&user) else {
            return false;
        };
        entry.can_sign_in
            && (any_manager(&entry.grants)
                || self.member_of.get(&user).is_some_and(|gs| {
                    gs.iter()
                        .any(|g| self.groups.get(g).is_some_and(|g| any_manager(&g.grants)))
                }))
    }

    fn grants_mut(&mut self, principal: Principal) -> Option<&mut BTreeSet<Grant>> {
        match principal {
            Principal::User(u) => self.users.get_mut(&u).map(|e| &mut e.grants),
            Principal::Group(g) => self.groups.get_mut(&g).map(|e| &mut e.grants),
            Principal::App(a) => self.apps.get_mut(&a).map(|e| &mut e.grants),
            Principal::OwnerAccount(_) => None,
        }
    }

    fn holds(&self, principal: Principal, grant: Grant) -> bool {
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

    fn require_known(&self, principal: Principal) -> Result<(), Error> {
        if self.is_known(principal) {
            Ok(())
        } else {
            Err(Error::UnknownPrincipal { principal })
        }
    }

    fn require_grantable(&self, principal: Principal) -> Result<(), Error> {
        if let Principal::OwnerAccount(_) = principal {
            return Err(Error::OwnerAccountGrant);
        }
        self.require_known(principal)
    }

    fn require_member_tenant(&self, group: GroupId, user: UserId) -> Result<(), Error> {
        let g = self.groups.get(&group).ok_or(Error::UnknownPrincipal {
            principal: Principal::Group(group),
        })?;
        let u = self.users.get(&user).ok_or(Error::UnknownPrincipal {
            principal: Principal::User(user),
        })?;
        if g.tenant != u.tenant {
            return Err(Error::MemberOfOtherTenant {
                group,
                group_tenant: g.tenant,
                user,
                user_tenant: u.tenant,
            });
        }
        Ok(())
    }
}

/// What can be asked of the access decider.
///
/// Principals are registered by the facade as identity adds them (users, groups and apps of
/// a tenant) and removed as identity removes them; each removal drops every grant that
/// depended on the principal (rule TEN-4). Which permission each command needs is
/// [`Command::required_permissions`]: the facade authorises it first (rule X-2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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

impl Command {
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
            Command::RegisterGroup { .. } | Command::RemoveGroup { .. } => {
                Permission::ManageGroups.into()
            }
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

/// What happened to access (rule X-1). A public format: serialised with a `"type"` tag.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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

/// The access decider: grants and revocations as events (see [`Decider`]).
///
/// Decisions are not commands: build an [`AccessIndex`](crate::AccessIndex) from the state
/// and call [`authorize`](crate::authorize).
///
/// Cost: deciding a command that names one principal costs time proportional to what it
/// touches (the principal, its groups; for a group, its members), never to the account;
/// removing a tenant costs time proportional to the tenant. Applying an event likewise.
///
/// A command whose effect already holds decides to **no events** (`Ok(vec![])`), not an
/// error: granting a grant the principal holds (to many: only those lacking it are named in
/// the event), revoking one it does not hold, adding a member twice, removing a non-member,
/// replacing grants with the same ones, setting who can sign in to the current value. Bad
/// input is still an error (an unknown principal, an invalid custom set, a principal named
/// twice); so is registering a principal already known ([`Error::AlreadyRegistered`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct Access;

impl Decider for Access {
    type State = AccessState;
    type Command = Command;
    type Event = Event;
    type Error = Error;

    fn decide(
        state: &AccessState,
        command: Command,
        _ctx: &Context<'_>,
    ) -> Result<Vec<Event>, Error> {
        let (events, change) = decide_events(state, command)?;
        if let Some(change) = change
            && !events.is_empty()
        {
            check_last_manager(state, &change)?;
        }
        Ok(events)
    }

    fn apply(state: &mut AccessState, event: &Event) {
        apply_event(state, event);
    }
}

/// What a command changes that can take the Manager role from a user (rule USR-7).
#[derive(Debug)]
enum Change {
    /// The principal's grants become `after`.
    Grants {
        principal: Principal,
        after: BTreeSet<Grant>,
    },
    /// The group's members become `after`.
    Members {
        group: GroupId,
        after: BTreeSet<UserId>,
    },
    /// The user leaves the group.
    Leave { group: GroupId, user: UserId },
    /// The user can, or can no longer, sign in.
    SignIn { user: UserId, can_sign_in: bool },
    /// The user goes.
    RemoveUser(UserId),
    /// The group goes.
    RemoveGroup(GroupId),
    /// The tenant goes with every principal of it. Removing the only tenant removes every
    /// user, which only the owner account may do (TEN-4): then the guard does not block.
    RemoveTenant(TenantId),
}

fn decide_events(
    state: &AccessState,
    command: Command,
) -> Result<(Vec<Event>, Option<Change>), Error> {
    let out = match command {
        Command::RegisterUser {
            user,
            tenant,
            can_sign_in,
        } => {
            not_registered(state, Principal::User(user))?;
            let event = Event::UserRegistered {
                user,
                tenant,
                can_sign_in,
            };
            (vec![event], None)
        }
        Command::SetCanSignIn { user, can_sign_in } => {
            let entry = state.users.get(&user).ok_or(Error::UnknownPrincipal {
                principal: Principal::User(user),
            })?;
            if entry.can_sign_in == can_sign_in {
                return Ok((vec![], None));
            }
            let change = Change::SignIn { user, can_sign_in };
            (
                vec![Event::SignInChanged { user, can_sign_in }],
                Some(change),
            )
        }
        Command::RegisterGroup { group, tenant } => {
            not_registered(state, Principal::Group(group))?;
            (vec![Event::GroupRegistered { group, tenant }], None)
        }
        Command::RegisterApp { app, tenant } => {
            not_registered(state, Principal::App(app))?;
            (vec![Event::AppRegistered { app, tenant }], None)
        }
        Command::SetGroupMembers { group, members } => {
            state.require_known(Principal::Group(group))?;
            let mut set = BTreeSet::new();
            for user in members {
                state.require_member_tenant(group, user)?;
                set.insert(user);
            }
            if state.groups.get(&group).is_some_and(|g| g.members == set) {
                return Ok((vec![], None)); // the same members: nothing to do
            }
            let members = set.iter().copied().collect();
            let change = Change::Members { group, after: set };
            (
                vec![Event::GroupMembersSet { group, members }],
                Some(change),
            )
        }
        Command::AddGroupMember { group, user } => {
            state.require_member_tenant(group, user)?;
            if state
                .groups
                .get(&group)
                .is_some_and(|g| g.members.contains(&user))
            {
                return Ok((vec![], None)); // already a member: nothing to do
            }
            (vec![Event::GroupMemberAdded { group, user }], None)
        }
        Command::RemoveGroupMember { group, user } => {
            state.require_known(Principal::Group(group))?;
            if !state
                .groups
                .get(&group)
                .is_some_and(|g| g.members.contains(&user))
            {
                return Ok((vec![], None)); // not a member: nothing to do
            }
            let change = Change::Leave { group, user };
            (
                vec![Event::GroupMemberRemoved { group, user }],
                Some(change),
            )
        }
        Command::Grant { principal, grant } => {
            if !check_grant(state, principal, grant)? {
                return Ok((vec![], None)); // already held: nothing to do
            }
            let principals = vec![principal];
            (vec![Event::Granted { principals, grant }], None)
        }
        Command::GrantMany { principals, grant } => {
            if principals.is_empty() {
                return Err(Error::NoPrincipals);
            }
            let mut seen = BTreeSet::new();
            let mut lacking = Vec::with_capacity(principals.len());
            for p in principals {
                if !seen.insert(p) {
                    return Err(Error::DuplicatePrincipal { principal: p });
                }
                if check_grant(state, p, grant)? {
                    lacking.push(p);
                }
            }
            if lacking.is_empty() {
                return Ok((vec![], None)); // every principal holds it already
            }
            let event = Event::Granted {
                principals: lacking,
                grant,
            };
            (vec![event], None)
        }
        Command::Revoke { principal, grant } => {
            state.require_grantable(principal)?;
            let Some(current) = state.grants(principal).filter(|g| g.contains(&grant)) else {
                return Ok((vec![], None)); // not held: nothing to do
            };
            let mut after = current.clone();
            after.remove(&grant);
            let change = Change::Grants { principal, after };
            (vec![Event::Revoked { principal, grant }], Some(change))
        }
        Command::SetGrants { principal, grants } => {
            state.require_grantable(principal)?;
            let mut wanted = BTreeSet::new();
            for g in grants {
                g.check()?;
                wanted.insert(g);
            }
            let empty = BTreeSet::new();
            let current = state.grants(principal).unwrap_or(&empty);
            let mut events: Vec<Event> = current
                .difference(&wanted)
                .map(|g| Event::Revoked {
                    principal,
                    grant: *g,
                })
                .collect();
            events.extend(wanted.difference(current).map(|g| Event::Granted {
                principals: vec![principal],
                grant: *g,
            }));
            let change = Change::Grants {
                principal,
                after: wanted,
            };
            (events, Some(change))
        }
        Command::RemoveUser { user } => {
            state.require_known(Principal::User(user))?;
            (
                vec![Event::UserRemoved { user }],
                Some(Change::RemoveUser(user)),
            )
        }
        Command::RemoveGroup { group } => {
            state.require_known(Principal::Group(group))?;
            let change = Change::RemoveGroup(group);
            (vec![Event::GroupRemoved { group }], Some(change))
        }
        Command::RemoveApp { app } => {
            state.require_known(Principal::App(app))?;
            (vec![Event::AppRemoved { app }], None)
        }
        Command::RemoveTenant { tenant } => {
            let change = Change::RemoveTenant(tenant);
            (vec![Event::TenantRemoved { tenant }], Some(change))
        }
    };
    Ok(out)
}

fn not_registered(state: &AccessState, principal: Principal) -> Result<(), Error> {
    if state.is_known(principal) {
        Err(Error::AlreadyRegistered { principal })
    } else {
        Ok(())
    }
}

/// Checks that `grant` may be given to `principal`; true if the principal lacks it.
fn check_grant(state: &AccessState, principal: Principal, grant: Grant) -> Result<bool, Error> {
    grant.check()?;
    state.require_grantable(principal)?;
    Ok(!state.holds(principal, grant))
}

/// Rule USR-7: refuse a change that takes the Manager role from the last user who can sign
/// in and holds it. Only the users the change touches are looked at: the count of the others
/// is kept in the state.
fn check_last_manager(state: &AccessState, change: &Change) -> Result<(), Error> {
    if state.managers == 0 {
        // Nobody who can sign in holds Manager: nothing to protect.
        return Ok(());
    }
    let affected = affected_users(state, change);
    let before = affected.iter().filter(|u| state.counts(**u)).count();
    let after = affected
        .iter()
        .filter(|u| counts_after(state, change, **u))
        .count();
    if (state.managers + after).saturating_sub(before) > 0 {
        return Ok(());
    }
    if let Change::RemoveTenant(tenant) = change {
        let leaving = state.tenants.get(tenant).map_or(0, |t| t.users.len());
        if leaving == state.users.len() {
            // The only tenant goes with every user (TEN-4).
            return Ok(());
        }
    }
    Err(Error::LastManager)
}

/// The users whose standing under rule USR-7 the change may alter.
fn affected_users(state: &AccessState, change: &Change) -> BTreeSet<UserId> {
    let members = |group: &GroupId| {
        state
            .groups
            .get(group)
            .map(|g| g.members.clone())
            .unwrap_or_default()
    };
    match change {
        Change::Grants {
            principal: Principal::User(user),
            ..
        }
        | Change::Leave { user, .. }
        | Change::SignIn { user, .. }
        | Change::RemoveUser(user) => BTreeSet::from([*user]),
        Change::Grants {
            principal: Principal::Group(group),
            ..
        }
        | Change::RemoveGroup(group) => members(group),
        Change::Grants { .. } => BTreeSet::new(),
        Change::Members { group, after } => {
            let mut all = members(group);
            all.extend(after.iter().copied());
            all
        }
        Change::RemoveTenant(tenant) => state
            .tenants
            .get(tenant)
            .map(|t| t.users.clone())
            .unwrap_or_default(),
    }
}

/// True if `user` counts for rule USR-7 once `change` is applied.
fn counts_after(state: &AccessState, change: &Change, user: UserId) -> bool {
    let Some(entry) = state.users.get(&user) else {
        return false;
    };
    let can_sign_in = match change {
        Change::RemoveUser(u) if *u == user => return false,
        Change::RemoveTenant(t) if *t == entry.tenant => return false,
        Change::SignIn {
            user: u,
            can_sign_in,
        } if *u == user => *can_sign_in,
        _ => entry.can_sign_in,
    };
    if !can_sign_in {
        return false;
    }
    let own = match change {
        Change::Grants {
            principal: Principal::User(u),
            after,
        } if *u == user => after,
        _ => &entry.grants,
    };
    if any_manager(own) {
        return true;
    }
    let group_counts = |group: &GroupId| {
        let Some(g) = state.groups.get(group) else {
            return false;
        };
        match change {
            Change::RemoveGroup(removed) if removed == group => false,
            Change::RemoveTenant(t) if *t == g.tenant => false,
            Change::Grants {
                principal: Principal::Group(changed),
                after,
            } if changed == group => any_manager(after),
            _ => any_manager(&g.grants),
        }
    };
    let member = |group: &GroupId| match change {
        Change::Members {
            group: changed,
            after,
        } if changed == group => after.contains(&user),
        Change::Leave {
            group: left,
            user: u,
        } if left == group && *u == user => false,
        _ => true,
    };
    let now = state.member_of.get(&user);
    let current = now
        .into_iter()
        .flatten()
        .any(|g| member(g) && group_counts(g));
    let joined = match change {
        Change::Members { group, after } if after.contains(&user) => group_counts(group),
        _ => false,
    };
    current || joined
}

fn apply_event(state: &mut AccessState, event: &Event) {
    match event {
        Event::UserRegistered {
            user,
            tenant,
            can_sign_in,
        } => state.recount(&[*user], |s| {
            s.remove_user(*user);
            s.users.insert(
                *user,
                UserEntry {
                    tenant: *tenant,
                    grants: BTreeSet::new(),
                    can_sign_in: *can_sign_in,
                },
            );
            s.tenants.entry(*tenant).or_default().users.insert(*user);
        }),
        Event::SignInChanged { user, can_sign_in } => state.recount(&[*user], |s| {
            if let Some(u) = s.users.get_mut(user) {
                u.can_sign_in = *can_sign_in;
            }
        }),
        Event::GroupRegistered { group, tenant } => {
            let old = state.members_of_group(*group);
            state.recount(&old, |s| {
                s.remove_group(*group);
                s.groups.insert(
                    *group,
                    GroupEntry {
                        tenant: *tenant,
                        members: BTreeSet::new(),
                        grants: BTreeSet::new(),
                    },
                );
                s.tenants.entry(*tenant).or_default().groups.insert(*group);
            });
        }
        Event::AppRegistered { app, tenant } => {
            state.remove_app(*app);
            state.apps.insert(
                *app,
                AppEntry {
                    tenant: *tenant,
                    grants: BTreeSet::new(),
                },
            );
            state.tenants.entry(*tenant).or_default().apps.insert(*app);
        }
        Event::GroupMembersSet { group, members } => {
            let Some(g) = state.groups.get(group) else {
                return;
            };
            let new: BTreeSet<UserId> = members.iter().copied().collect();
            let affected: Vec<UserId> = g.members.union(&new).copied().collect();
            state.recount(&affected, |s| {
                let old = s
                    .groups
                    .get_mut(group)
                    .map(|g| std::mem::replace(&mut g.members, new.clone()))
                    .unwrap_or_default();
                for user in old.difference(&new) {
                    s.leave(*group, *user);
                }
                for user in new.difference(&old) {
                    s.member_of.entry(*user).or_default().insert(*group);
                }
            });
        }
        Event::GroupMemberAdded { group, user } => state.recount(&[*user], |s| {
            if let Some(g) = s.groups.get_mut(group) {
                g.members.insert(*user);
                s.member_of.entry(*user).or_default().insert(*group);
            }
        }),
        Event::GroupMemberRemoved { group, user } => state.recount(&[*user], |s| {
            if let Some(g) = s.groups.get_mut(group) {
                g.members.remove(user);
                s.leave(*group, *user);
            }
        }),
        Event::OwnerAccountSet { .. } => {}
        Event::Granted { principals, grant } => {
            for p in principals {
                let affected = state.users_reached(*p);
                state.recount(&affected, |s| {
                    if let Some(grants) = s.grants_mut(*p) {
                        grants.insert(*grant);
                    }
                });
            }
        }
        Event::Revoked { principal, grant } => {
            let affected = state.users_reached(*principal);
            state.recount(&affected, |s| {
                if let Some(grants) = s.grants_mut(*principal) {
                    grants.remove(grant);
                }
            });
        }
        Event::UserRemoved { user } => state.recount(&[*user], |s| s.remove_user(*user)),
        Event::GroupRemoved { group } => {
            let members = state.members_of_group(*group);
            state.recount(&members, |s| s.remove_group(*group));
        }
        Event::AppRemoved { app } => state.remove_app(*app),
        Event::TenantRemoved { tenant } => {
            let Some(t) = state.tenants.get(tenant).cloned() else {
                return;
            };
            for user in t.users {
                state.recount(&[user], |s| s.remove_user(user));
            }
            for group in t.groups {
                let members = state.members_of_group(group);
                state.recount(&members, |s| s.remove_group(group));
            }
            for app in t.apps {
                state.remove_app(app);
            }
        }
    }
}

impl AccessState {
    /// Runs `change`, keeping the USR-7 count right for the `affected` users (the only ones
    /// whose standing it may alter).
    fn recount(&mut self, affected: &[UserId], change: impl FnOnce(&mut AccessState)) {
        let before = affected.iter().filter(|u| self.counts(**u)).count();
        change(self);
        let after = affected.iter().filter(|u| self.counts(**u)).count();
        self.managers = (self.managers + after).saturating_sub(before);
    }

    fn members_of_group(&self, group: GroupId) -> Vec<UserId> {
        self.groups
            .get(&group)
            .map(|g| g.members.iter().copied().collect())
            .unwrap_or_default()
    }

    /// The users a grant to `principal` reaches: the user itself, or a group's members.
    fn users_reached(&self, principal: Principal) -> Vec<UserId> {
        match principal {
            Principal::User(u) => vec![u],
            Principal::Group(g) => self.members_of_group(g),
            Principal::App(_) | Principal::OwnerAccount(_) => Vec::new(),
        }
    }

    /// Forgets that `user` is in `group` (the group's own set is changed by the caller).
    fn leave(&mut self, group: GroupId, user: UserId) {
        if let Some(groups) = self.member_of.get_mut(&user) {
            groups.remove(&group);
            if groups.is_empty() {
                self.member_of.remove(&user);
            }
        }
    }

    fn tenant_mut(&mut self, tenant: TenantId, edit: impl FnOnce(&mut TenantPrincipals)) {
        if let Some(t) = self.tenants.get_mut(&tenant) {
            edit(t);
            if t.is_empty() {
                self.tenants.remove(&tenant);
            }
        }
    }

    fn remove_user(&mut self, user: UserId) {
        if let Some(entry) = self.users.remove(&user) {
            self.tenant_mut(entry.tenant, |t| {
                t.users.remove(&user);
            });
        }
        // Memberships go with the user (an unknown user listed in a group keeps none either).
        if let Some(groups) = self.member_of.remove(&user) {
            for g in groups {
                if let Some(entry) = self.groups.get_mut(&g) {
                    entry.members.remove(&user);
                }
            }
        }
    }

    fn remove_group(&mut self, group: GroupId) {
        if let Some(entry) = self.groups.remove(&group) {
            self.tenant_mut(entry.tenant, |t| {
                t.groups.remove(&group);
            });
            for user in entry.members {
                self.leave(group, user);
            }
        }
    }

    fn remove_app(&mut self, app: AppId) {
        if let Some(entry) = self.apps.remove(&app) {
            self.tenant_mut(entry.tenant, |t| {
                t.apps.remove(&app);
            });
        }
    }
}
