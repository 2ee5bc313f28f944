//! The access decider: commands decided into events, events applied to the state.

use std::collections::BTreeSet;

use partnerkit_core::{Context, Decider, GroupId, TenantId, UserId};

use crate::command::Command;
use crate::error::Error;
use crate::event::Event;
use crate::principal::Principal;
use crate::role::Grant;
use crate::state::{AccessState, AppEntry, GroupEntry, UserEntry, any_manager, who_counts};

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
        Command::RegisterGroups { groups } => {
            let mut seen = BTreeSet::new();
            for g in &groups {
                not_registered(state, Principal::Group(g.group))?;
                if !seen.insert(g.group) {
                    return Err(Error::AlreadyRegistered {
                        principal: Principal::Group(g.group),
                    });
                }
                for user in &g.members {
                    state.require_user_of(g.group, g.tenant, *user)?;
                }
            }
            if groups.is_empty() {
                return Ok((vec![], None));
            }
            (vec![Event::GroupsRegistered { groups }], None)
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

/// True if `user` counts for rule USR-7 once `change` is applied: the facts about the user
/// as they will be after the change, given to the rule itself ([`who_counts`]).
fn counts_after(state: &AccessState, change: &Change, user: UserId) -> bool {
    let Some(entry) = state.users.get(&user) else {
        return false;
    };
    match change {
        Change::RemoveUser(u) if *u == user => return false,
        Change::RemoveTenant(t) if *t == entry.tenant => return false,
        _ => {}
    }
    let can_sign_in = match change {
        Change::SignIn {
            user: u,
            can_sign_in,
        } if *u == user => *can_sign_in,
        _ => entry.can_sign_in,
    };
    let own = match change {
        Change::Grants {
            principal: Principal::User(u),
            after,
        } if *u == user => after,
        _ => &entry.grants,
    };
    // A group's grants after the change. No `RemoveTenant` arm: every user a tenant's
    // removal affects is of that tenant and stopped counting above, and a group only has
    // members of its own tenant.
    let manager_group = |group: &GroupId| {
        let Some(g) = state.groups.get(group) else {
            return false;
        };
        match change {
            Change::RemoveGroup(removed) if removed == group => false,
            Change::Grants {
                principal: Principal::Group(changed),
                after,
            } if changed == group => any_manager(after),
            _ => any_manager(&g.grants),
        }
    };
    // Whether the user is still a member of a group it is in now.
    let stays_in = |group: &GroupId| match change {
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
    who_counts(can_sign_in, own, || {
        let current = state
            .member_of
            .get(&user)
            .into_iter()
            .flatten()
            .any(|g| stays_in(g) && manager_group(g));
        let joined = match change {
            Change::Members { group, after } if after.contains(&user) => manager_group(group),
            _ => false,
        };
        current || joined
    })
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
                    s.join(*group, *user);
                }
            });
        }
        Event::GroupsRegistered { groups } => {
            for g in groups {
                let (group, tenant) = (g.group, g.tenant);
                apply_event(state, &Event::GroupRegistered { group, tenant });
                for &user in &g.members {
                    apply_event(state, &Event::GroupMemberAdded { group, user });
                }
            }
        }
        Event::GroupMemberAdded { group, user } => state.recount(&[*user], |s| {
            if let Some(g) = s.groups.get_mut(group) {
                g.members.insert(*user);
                s.join(*group, *user);
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
                    s.edit_grants(*p, |grants| {
                        grants.insert(*grant);
                    });
                });
            }
        }
        Event::Revoked { principal, grant } => {
            let affected = state.users_reached(*principal);
            state.recount(&affected, |s| {
                s.edit_grants(*principal, |grants| {
                    grants.remove(grant);
                });
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
