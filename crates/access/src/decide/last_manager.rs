//! Rule USR-7's guard: a command may not take the Manager role from the last user who can
//! sign in and holds it. [`Change`] says what a command changes that could; the guard looks
//! only at the users it touches.

use std::collections::BTreeSet;

use partnerkit_core::{GroupId, TenantId, UserId};

use crate::error::Error;
use crate::principal::Principal;
use crate::role::Grant;
use crate::state::{AccessState, any_manager, who_counts};

/// What a command changes that can take the Manager role from a user (rule USR-7).
#[derive(Debug)]
pub(super) enum Change {
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

/// Rule USR-7: refuse a change that takes the Manager role from the last user who can sign
/// in and holds it. Only the users the change touches are looked at: the count of the others
/// is kept in the state.
pub(super) fn check_last_manager(state: &AccessState, change: &Change) -> Result<(), Error> {
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
