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
/// To answer authorisation requests, build an [`AccessIndex`](crate::AccessIndex) from it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessState {
    users: BTreeMap<UserId, UserEntry>,
    groups: BTreeMap<GroupId, GroupEntry>,
    apps: BTreeMap<AppId, AppEntry>,
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
            Principal::User(u) => self
                .users
                .get(&u)
                .map(|e| e.grants.iter().copied().collect()),
            Principal::Group(g) => self
                .groups
                .get(&g)
                .map(|e| e.grants.iter().copied().collect()),
            Principal::App(a) => self
                .apps
                .get(&a)
                .map(|e| e.grants.iter().copied().collect()),
            Principal::OwnerAccount(_) => Some(vec![Grant::Role(Role::Owner)]),
        }
        .unwrap_or_default()
    }

    /// The groups `user` is a member of, in id order. This scans the groups; the
    /// [`AccessIndex`](crate::AccessIndex) keeps the answer precomputed.
    pub fn groups_of(&self, user: UserId) -> Vec<GroupId> {
        self.groups
            .iter()
            .filter(|(_, g)| g.members.contains(&user))
            .map(|(id, _)| *id)
            .collect()
    }

    /// The users who can sign in and hold the Manager role, directly or through a group, by
    /// a Manager or an Owner grant: what rule USR-7 counts (the owner account, pending guests
    /// and directory-only members do not count). This scans every user.
    pub fn managers(&self) -> BTreeSet<UserId> {
        let mut out: BTreeSet<UserId> = self
            .users
            .iter()
            .filter(|(_, u)| u.can_sign_in && u.grants.iter().any(|g| g.is_manager()))
            .map(|(id, _)| *id)
            .collect();
        for g in self.groups.values() {
            if g.grants.iter().any(|g| g.is_manager()) {
                out.extend(
                    g.members
                        .iter()
                        .filter(|u| self.users.get(u).is_some_and(|e| e.can_sign_in))
                        .copied(),
                );
            }
        }
        out
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
        let (events, guard) = decide_events(state, command)?;
        if guard != Usr7::Skip {
            check_last_manager(state, &events, guard)?;
        }
        Ok(events)
    }

    fn apply(state: &mut AccessState, event: &Event) {
        apply_event(state, event);
    }
}

/// How a command is checked against rule USR-7.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Usr7 {
    /// The command cannot take the Manager role from anyone.
    Skip,
    /// Refuse if the last Manager would go.
    Check,
    /// Refuse if the last Manager would go while users remain (tenant removal: removing the
    /// only tenant removes every user, which only the owner account may do, TEN-4).
    CheckIfUsersRemain,
}

fn decide_events(state: &AccessState, command: Command) -> Result<(Vec<Event>, Usr7), Error> {
    use Usr7::{Check, CheckIfUsersRemain, Skip};
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
            (vec![event], Skip)
        }
        Command::SetCanSignIn { user, can_sign_in } => {
            let entry = state.users.get(&user).ok_or(Error::UnknownPrincipal {
                principal: Principal::User(user),
            })?;
            if entry.can_sign_in == can_sign_in {
                return Ok((vec![], Skip));
            }
            (vec![Event::SignInChanged { user, can_sign_in }], Check)
        }
        Command::RegisterGroup { group, tenant } => {
            not_registered(state, Principal::Group(group))?;
            (vec![Event::GroupRegistered { group, tenant }], Skip)
        }
        Command::RegisterApp { app, tenant } => {
            not_registered(state, Principal::App(app))?;
            (vec![Event::AppRegistered { app, tenant }], Skip)
        }
        Command::SetGroupMembers { group, members } => {
            state.require_known(Principal::Group(group))?;
            let mut set = BTreeSet::new();
            for user in members {
                state.require_member_tenant(group, user)?;
                set.insert(user);
            }
            let members = set.into_iter().collect();
            (vec![Event::GroupMembersSet { group, members }], Check)
        }
        Command::AddGroupMember { group, user } => {
            state.require_member_tenant(group, user)?;
            if state
                .groups
                .get(&group)
                .is_some_and(|g| g.members.contains(&user))
            {
                return Err(Error::AlreadyMember { group, user });
            }
            (vec![Event::GroupMemberAdded { group, user }], Skip)
        }
        Command::RemoveGroupMember { group, user } => {
            state.require_known(Principal::Group(group))?;
            if !state
                .groups
                .get(&group)
                .is_some_and(|g| g.members.contains(&user))
            {
                return Err(Error::NotMember { group, user });
            }
            (vec![Event::GroupMemberRemoved { group, user }], Check)
        }
        Command::Grant { principal, grant } => {
            check_grant(state, principal, grant)?;
            let principals = vec![principal];
            (vec![Event::Granted { principals, grant }], Skip)
        }
        Command::GrantMany { principals, grant } => {
            if principals.is_empty() {
                return Err(Error::NoPrincipals);
            }
            let mut seen = BTreeSet::new();
            for p in &principals {
                if !seen.insert(*p) {
                    return Err(Error::DuplicatePrincipal { principal: *p });
                }
                check_grant(state, *p, grant)?;
            }
            (vec![Event::Granted { principals, grant }], Skip)
        }
        Command::Revoke { principal, grant } => {
            state.require_grantable(principal)?;
            if !state.holds(principal, grant) {
                return Err(Error::NotGranted { principal, grant });
            }
            (vec![Event::Revoked { principal, grant }], Check)
        }
        Command::SetGrants { principal, grants } => {
            state.require_grantable(principal)?;
            let mut wanted = BTreeSet::new();
            for g in grants {
                g.check()?;
                wanted.insert(g);
            }
            let current: BTreeSet<Grant> = state.grants_of(principal).into_iter().collect();
            let mut events: Vec<Event> = current
                .difference(&wanted)
                .map(|g| Event::Revoked {
                    principal,
                    grant: *g,
                })
                .collect();
            events.extend(wanted.difference(&current).map(|g| Event::Granted {
                principals: vec![principal],
                grant: *g,
            }));
            (events, Check)
        }
        Command::RemoveUser { user } => {
            state.require_known(Principal::User(user))?;
            (vec![Event::UserRemoved { user }], Check)
        }
        Command::RemoveGroup { group } => {
            state.require_known(Principal::Group(group))?;
            (vec![Event::GroupRemoved { group }], Check)
        }
        Command::RemoveApp { app } => {
            state.require_known(Principal::App(app))?;
            (vec![Event::AppRemoved { app }], Skip)
        }
        Command::RemoveTenant { tenant } => {
            (vec![Event::TenantRemoved { tenant }], CheckIfUsersRemain)
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

fn check_grant(state: &AccessState, principal: Principal, grant: Grant) -> Result<(), Error> {
    grant.check()?;
    state.require_grantable(principal)?;
    if state.holds(principal, grant) {
        return Err(Error::AlreadyGranted { principal, grant });
    }
    Ok(())
}

/// Rule USR-7: refuse events that take the Manager role from its last holder.
fn check_last_manager(state: &AccessState, events: &[Event], guard: Usr7) -> Result<(), Error> {
    if events.is_empty() || state.managers().is_empty() {
        return Ok(());
    }
    let mut after = state.clone();
    for e in events {
        apply_event(&mut after, e);
    }
    if !after.managers().is_empty() {
        return Ok(());
    }
    if guard == Usr7::CheckIfUsersRemain && after.users.is_empty() {
        return Ok(());
    }
    Err(Error::LastManager)
}

fn apply_event(state: &mut AccessState, event: &Event) {
    match event {
        Event::UserRegistered {
            user,
            tenant,
            can_sign_in,
        } => {
            state.users.insert(
                *user,
                UserEntry {
                    tenant: *tenant,
                    grants: BTreeSet::new(),
                    can_sign_in: *can_sign_in,
                },
            );
        }
        Event::SignInChanged { user, can_sign_in } => {
            if let Some(u) = state.users.get_mut(user) {
                u.can_sign_in = *can_sign_in;
            }
        }
        Event::GroupRegistered { group, tenant } => {
            state.groups.insert(
                *group,
                GroupEntry {
                    tenant: *tenant,
                    members: BTreeSet::new(),
                    grants: BTreeSet::new(),
                },
            );
        }
        Event::AppRegistered { app, tenant } => {
            state.apps.insert(
                *app,
                AppEntry {
                    tenant: *tenant,
                    grants: BTreeSet::new(),
                },
            );
        }
        Event::GroupMembersSet { group, members } => {
            if let Some(g) = state.groups.get_mut(group) {
                g.members = members.iter().copied().collect();
            }
        }
        Event::GroupMemberAdded { group, user } => {
            if let Some(g) = state.groups.get_mut(group) {
                g.members.insert(*user);
            }
        }
        Event::GroupMemberRemoved { group, user } => {
            if let Some(g) = state.groups.get_mut(group) {
                g.members.remove(user);
            }
        }
        Event::OwnerAccountSet { .. } => {}
        Event::Granted { principals, grant } => {
            for p in principals {
                if let Some(grants) = state.grants_mut(*p) {
                    grants.insert(*grant);
                }
            }
        }
        Event::Revoked { principal, grant } => {
            if let Some(grants) = state.grants_mut(*principal) {
                grants.remove(grant);
            }
        }
        Event::UserRemoved { user } => remove_user(state, *user),
        Event::GroupRemoved { group } => {
            state.groups.remove(group);
        }
        Event::AppRemoved { app } => {
            state.apps.remove(app);
        }
        Event::TenantRemoved { tenant } => {
            let users: Vec<UserId> = state
                .users
                .iter()
                .filter(|(_, u)| u.tenant == *tenant)
                .map(|(id, _)| *id)
                .collect();
            for u in users {
                remove_user(state, u);
            }
            state.groups.retain(|_, g| g.tenant != *tenant);
            state.apps.retain(|_, a| a.tenant != *tenant);
        }
    }
}

fn remove_user(state: &mut AccessState, user: UserId) {
    state.users.remove(&user);
    for g in state.groups.values_mut() {
        g.members.remove(&user);
    }
}
