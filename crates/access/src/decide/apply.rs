//! Applying an access event to the state: what [`Access::apply`](super::Access) delegates to.
//! Every change that can alter who counts for rule USR-7 goes through
//! [`AccessState::recount`] with the users it reaches, so the count of Managers stays right
//! without looking at anyone else.

use std::collections::BTreeSet;

use partnerkit_core::{GroupId, TenantId, UserId};

use crate::event::Event;
use crate::principal::Principal;
use crate::role::Grant;
use crate::state::{AccessState, AppEntry, GroupEntry, UserEntry};

/// Applies `event` to `state`.
pub(super) fn apply_event(state: &mut AccessState, event: &Event) {
    match event {
        Event::UserRegistered {
            user,
            tenant,
            can_sign_in,
        } => register_user(state, *user, *tenant, *can_sign_in),
        Event::SignInChanged { user, can_sign_in } => state.recount(&[*user], |s| {
            if let Some(u) = s.users.get_mut(user) {
                u.can_sign_in = *can_sign_in;
            }
        }),
        Event::GroupRegistered { group, tenant } => register_group(state, *group, *tenant),
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
        Event::GroupMembersSet { group, members } => set_members(state, *group, members),
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
                edit_grants(state, *p, |grants| {
                    grants.insert(*grant);
                });
            }
        }
        Event::Revoked { principal, grant } => edit_grants(state, *principal, |grants| {
            grants.remove(grant);
        }),
        Event::UserRemoved { user } => state.recount(&[*user], |s| s.remove_user(*user)),
        Event::GroupRemoved { group } => remove_group(state, *group),
        Event::AppRemoved { app } => state.remove_app(*app),
        Event::TenantRemoved { tenant } => remove_tenant(state, *tenant),
    }
}

/// A user registered anew: known to no group, holding nothing.
fn register_user(state: &mut AccessState, user: UserId, tenant: TenantId, can_sign_in: bool) {
    state.recount(&[user], |s| {
        s.remove_user(user);
        s.users.insert(
            user,
            UserEntry {
                tenant,
                grants: BTreeSet::new(),
                can_sign_in,
            },
        );
        s.tenants.entry(tenant).or_default().users.insert(user);
    });
}

/// A group registered anew: no members, holding nothing. Its former members, if it was known,
/// are recounted.
fn register_group(state: &mut AccessState, group: GroupId, tenant: TenantId) {
    let old = state.members_of_group(group);
    state.recount(&old, |s| {
        s.remove_group(group);
        s.groups.insert(
            group,
            GroupEntry {
                tenant,
                members: BTreeSet::new(),
                grants: BTreeSet::new(),
            },
        );
        s.tenants.entry(tenant).or_default().groups.insert(group);
    });
}

/// A group's members become `members`: those who leave and those who join are recounted.
fn set_members(state: &mut AccessState, group: GroupId, members: &[UserId]) {
    let Some(g) = state.groups.get(&group) else {
        return;
    };
    let new: BTreeSet<UserId> = members.iter().copied().collect();
    let affected: Vec<UserId> = g.members.union(&new).copied().collect();
    state.recount(&affected, |s| {
        let old = s
            .groups
            .get_mut(&group)
            .map(|g| std::mem::replace(&mut g.members, new.clone()))
            .unwrap_or_default();
        for user in old.difference(&new) {
            s.leave(group, *user);
        }
        for user in new.difference(&old) {
            s.join(group, *user);
        }
    });
}

/// `edit` changes `principal`'s own grants; every user they reach is recounted.
fn edit_grants(
    state: &mut AccessState,
    principal: Principal,
    edit: impl FnOnce(&mut BTreeSet<Grant>),
) {
    let affected = state.users_reached(principal);
    state.recount(&affected, |s| s.edit_grants(principal, edit));
}

/// A group goes; its members are recounted.
fn remove_group(state: &mut AccessState, group: GroupId) {
    let members = state.members_of_group(group);
    state.recount(&members, |s| s.remove_group(group));
}

/// A tenant goes with every user, group and app of it (rule TEN-4).
fn remove_tenant(state: &mut AccessState, tenant: TenantId) {
    let Some(t) = state.tenants.get(&tenant).cloned() else {
        return;
    };
    for user in t.users {
        state.recount(&[user], |s| s.remove_user(user));
    }
    for group in t.groups {
        remove_group(state, group);
    }
    for app in t.apps {
        state.remove_app(app);
    }
}
