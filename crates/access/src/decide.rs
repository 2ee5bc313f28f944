//! The access decider: commands decided into events, events applied to the state.
//!
//! Each command's rule is a function below; rule USR-7's guard is in `last_manager`, and
//! applying events in `apply`.

use std::collections::BTreeSet;

use partnerkit_core::{Context, Decider, GroupId, UserId};

use crate::command::{Command, NewGroup};
use crate::error::Error;
use crate::event::Event;
use crate::principal::Principal;
use crate::role::Grant;
use crate::state::AccessState;

mod apply;
mod last_manager;

use apply::apply_event;
use last_manager::{Change, check_last_manager};

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

/// What a command decides: its events, and what they change that rule USR-7's guard must
/// look at, if anything.
type Decided = (Vec<Event>, Option<Change>);

/// The events of `command`: registering and removing principals mirrors identity;
/// memberships and grants check their input and decide to no events when their effect
/// already holds.
fn decide_events(state: &AccessState, command: Command) -> Result<Decided, Error> {
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
        Command::SetCanSignIn { user, can_sign_in } => set_can_sign_in(state, user, can_sign_in)?,
        Command::RegisterGroup { group, tenant } => {
            not_registered(state, Principal::Group(group))?;
            (vec![Event::GroupRegistered { group, tenant }], None)
        }
        Command::RegisterGroups { groups } => register_groups(state, groups)?,
        Command::RegisterApp { app, tenant } => {
            not_registered(state, Principal::App(app))?;
            (vec![Event::AppRegistered { app, tenant }], None)
        }
        Command::SetGroupMembers { group, members } => set_group_members(state, group, members)?,
        Command::AddGroupMember { group, user } => add_group_member(state, group, user)?,
        Command::RemoveGroupMember { group, user } => remove_group_member(state, group, user)?,
        Command::Grant { principal, grant } => {
            if !check_grant(state, principal, grant)? {
                return Ok((vec![], None)); // already held: nothing to do
            }
            let principals = vec![principal];
            (vec![Event::Granted { principals, grant }], None)
        }
        Command::GrantMany { principals, grant } => grant_many(state, principals, grant)?,
        Command::Revoke { principal, grant } => revoke(state, principal, grant)?,
        Command::SetGrants { principal, grants } => set_grants(state, principal, grants)?,
        Command::RemoveUser { user } => {
            state.require_known(Principal::User(user))?;
            let change = Change::RemoveUser(user);
            (vec![Event::UserRemoved { user }], Some(change))
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

// ------------------------------------------------------------------ principals

/// A known user can, or can no longer, sign in; nothing if that already holds.
fn set_can_sign_in(state: &AccessState, user: UserId, can_sign_in: bool) -> Result<Decided, Error> {
    let entry = state.users.get(&user).ok_or(Error::UnknownPrincipal {
        principal: Principal::User(user),
    })?;
    if entry.can_sign_in == can_sign_in {
        return Ok((vec![], None));
    }
    let change = Change::SignIn { user, can_sign_in };
    Ok((
        vec![Event::SignInChanged { user, can_sign_in }],
        Some(change),
    ))
}

/// Groups registered at once: each new and named once, its members users of its tenant;
/// nothing for none.
fn register_groups(state: &AccessState, groups: Vec<NewGroup>) -> Result<Decided, Error> {
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
    Ok((vec![Event::GroupsRegistered { groups }], None))
}

fn not_registered(state: &AccessState, principal: Principal) -> Result<(), Error> {
    if state.is_known(principal) {
        Err(Error::AlreadyRegistered { principal })
    } else {
        Ok(())
    }
}

// ------------------------------------------------------------------ memberships

/// A known group's members become `members`, each a user of its tenant; nothing if they are
/// the members it has.
fn set_group_members(
    state: &AccessState,
    group: GroupId,
    members: Vec<UserId>,
) -> Result<Decided, Error> {
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
    Ok((
        vec![Event::GroupMembersSet { group, members }],
        Some(change),
    ))
}

/// `user`, of the group's tenant, joins `group`; nothing if already a member.
fn add_group_member(state: &AccessState, group: GroupId, user: UserId) -> Result<Decided, Error> {
    state.require_member_tenant(group, user)?;
    if state
        .groups
        .get(&group)
        .is_some_and(|g| g.members.contains(&user))
    {
        return Ok((vec![], None)); // already a member: nothing to do
    }
    Ok((vec![Event::GroupMemberAdded { group, user }], None))
}

/// `user` leaves a known `group`; nothing if not a member.
fn remove_group_member(
    state: &AccessState,
    group: GroupId,
    user: UserId,
) -> Result<Decided, Error> {
    state.require_known(Principal::Group(group))?;
    if !state
        .groups
        .get(&group)
        .is_some_and(|g| g.members.contains(&user))
    {
        return Ok((vec![], None)); // not a member: nothing to do
    }
    let change = Change::Leave { group, user };
    Ok((
        vec![Event::GroupMemberRemoved { group, user }],
        Some(change),
    ))
}

// ------------------------------------------------------------------ grants

/// `grant` given to each of `principals` (at least one, each named once) that lacks it;
/// nothing if every one holds it already.
fn grant_many(
    state: &AccessState,
    principals: Vec<Principal>,
    grant: Grant,
) -> Result<Decided, Error> {
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
    Ok((vec![event], None))
}

/// `grant` taken from `principal`; nothing if it does not hold it.
fn revoke(state: &AccessState, principal: Principal, grant: Grant) -> Result<Decided, Error> {
    state.require_grantable(principal)?;
    let Some(current) = state.grants(principal).filter(|g| g.contains(&grant)) else {
        return Ok((vec![], None)); // not held: nothing to do
    };
    let mut after = current.clone();
    after.remove(&grant);
    let change = Change::Grants { principal, after };
    Ok((vec![Event::Revoked { principal, grant }], Some(change)))
}

/// `principal`'s grants become `grants`, each valid: the ones it holds and is not given are
/// revoked, then the new ones granted; nothing if they are the same.
fn set_grants(
    state: &AccessState,
    principal: Principal,
    grants: Vec<Grant>,
) -> Result<Decided, Error> {
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
    Ok((events, Some(change)))
}

/// Checks that `grant` may be given to `principal`; true if the principal lacks it.
fn check_grant(state: &AccessState, principal: Principal, grant: Grant) -> Result<bool, Error> {
    grant.check()?;
    state.require_grantable(principal)?;
    Ok(!state.holds(principal, grant))
}
