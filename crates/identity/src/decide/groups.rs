//! Groups (rules GRP-1..3): adding existing ones, creating one, changing its members and
//! removing it.

use std::collections::BTreeSet;

use partnerkit_core::{Context, GroupId, Rule, TenantId, UserId};

use super::checks::{confirm, manage, not_empty, not_synced, once};
use super::{
    account_commands, account_events, app_commands, app_events, guest_commands, guest_events,
    tenant_commands, tenant_events, user_commands, user_events,
};
use crate::command::Command;
use crate::directory::{DirectoryGroup, Group, Origin};
use crate::error::Error;
use crate::event::Event;
use crate::state::Account;

/// The groups' commands, as a pattern: `decide` routes them here by it, and the other
/// areas' `decide` name them by it.
macro_rules! group_commands {
    () => {
        $crate::command::Command::AddGroups { .. }
            | $crate::command::Command::CreateGroup { .. }
            | $crate::command::Command::ChangeGroupMembers { .. }
            | $crate::command::Command::RemoveGroup { .. }
    };
}
pub(super) use group_commands;

/// The groups' events, as a pattern: what the commands list is to `decide`, this is to
/// `apply`.
macro_rules! group_events {
    () => {
        $crate::event::Event::GroupsAdded { .. }
            | $crate::event::Event::GroupCreated { .. }
            | $crate::event::Event::GroupMembersChanged { .. }
            | $crate::event::Event::GroupRemoved { .. }
    };
}
pub(super) use group_events;

/// Decides a group command.
pub(super) fn decide(s: &Account, cmd: Command, ctx: &Context<'_>) -> Result<Vec<Event>, Error> {
    match cmd {
        Command::AddGroups { tenant, groups } => add_groups(s, ctx, tenant, groups),
        Command::CreateGroup {
            tenant,
            group,
            name,
            members,
        } => {
            let t = manage(s, ctx, tenant)?;
            not_synced(t, "group")?;
            check_members(&members, |m| is_user_of(s, m, tenant), tenant)?;
            Ok(vec![Event::GroupCreated {
                tenant,
                group: group.unwrap_or_else(|| ctx.new_id()),
                name,
                members,
            }])
        }
        Command::ChangeGroupMembers { group, add, remove } => {
            change_members(s, ctx, group, add, remove)
        }
        Command::RemoveGroup { group, confirmed } => {
            confirm(confirmed, "a group", Rule::Grp3)?;
            let Some(g) = s.group(group) else {
                return Ok(vec![]); // no-op: not (or no longer) in the account
            };
            manage(s, ctx, g.tenant)?;
            Ok(vec![Event::GroupRemoved {
                tenant: g.tenant,
                group,
                members: g.members.iter().copied().collect(),
            }])
        }
        // Never here: `decide` routes these to their own areas.
        account_commands!()
        | tenant_commands!()
        | user_commands!()
        | guest_commands!()
        | app_commands!() => Ok(vec![]),
    }
}

fn add_groups(
    s: &Account,
    ctx: &Context<'_>,
    tenant: TenantId,
    groups: Vec<DirectoryGroup>,
) -> Result<Vec<Event>, Error> {
    manage(s, ctx, tenant)?;
    not_empty(&groups, "group", Rule::Grp1)?;
    let mut seen = BTreeSet::new();
    for g in &groups {
        if s.group(g.group).is_some() {
            return Err(Error::GroupAlreadyInAccount { group: g.group });
        }
        once(&mut seen, g.group, "group")?;
        // Members are directory facts; a member the account already knows must belong
        // to this tenant.
        check_members(
            &g.members,
            |m| s.tenant_of(m).is_none_or(|t| t == tenant),
            tenant,
        )?;
    }
    Ok(vec![Event::GroupsAdded { tenant, groups }])
}

fn change_members(
    s: &Account,
    ctx: &Context<'_>,
    group: GroupId,
    add: Vec<UserId>,
    remove: Vec<UserId>,
) -> Result<Vec<Event>, Error> {
    let g = s.group(group).ok_or(Error::GroupNotInAccount { group })?;
    manage(s, ctx, g.tenant)?;
    let add: BTreeSet<UserId> = add.into_iter().collect();
    let remove: BTreeSet<UserId> = remove.into_iter().collect();
    if let Some(both) = add.intersection(&remove).next() {
        return Err(Error::DuplicateInBatch {
            what: "member".into(),
            id: both.to_string(),
        });
    }
    check_members(&add, |m| is_user_of(s, m, g.tenant), g.tenant)?;
    let added: Vec<UserId> = add.into_iter().filter(|m| !g.members.contains(m)).collect();
    let removed: Vec<UserId> = remove
        .into_iter()
        .filter(|m| g.members.contains(m))
        .collect();
    if added.is_empty() && removed.is_empty() {
        return Ok(vec![]); // no-op: every member to add is in, every one to remove out
    }
    Ok(vec![Event::GroupMembersChanged {
        tenant: g.tenant,
        group,
        added,
        removed,
    }])
}

/// Each member is `allowed` and listed once.
fn check_members<'m>(
    members: impl IntoIterator<Item = &'m UserId>,
    allowed: impl Fn(UserId) -> bool,
    tenant: TenantId,
) -> Result<(), Error> {
    let mut seen = BTreeSet::new();
    for m in members {
        if !allowed(*m) {
            return Err(Error::MemberNotInTenant { user: *m, tenant });
        }
        once(&mut seen, *m, "member")?;
    }
    Ok(())
}

/// True if `user` is a user of the account in `tenant`: who may join a group created or
/// changed here (a group added from the directory may also name directory-only members).
fn is_user_of(s: &Account, user: UserId, tenant: TenantId) -> bool {
    s.user(user).is_some_and(|u| u.tenant == tenant)
}

/// Applies a group event.
pub(super) fn apply(s: &mut Account, event: &Event) {
    match event {
        Event::GroupsAdded { tenant, groups } => {
            for g in groups {
                s.insert_group(Group {
                    id: g.group,
                    tenant: *tenant,
                    name: g.name.clone(),
                    members: g.members.iter().copied().collect(),
                    origin: Origin::Added,
                });
            }
        }
        Event::GroupCreated {
            tenant,
            group,
            name,
            members,
        } => s.insert_group(Group {
            id: *group,
            tenant: *tenant,
            name: name.clone(),
            members: members.iter().copied().collect(),
            origin: Origin::Created,
        }),
        Event::GroupMembersChanged {
            group,
            added,
            removed,
            ..
        } => {
            for a in added {
                s.add_member(*group, *a);
            }
            for r in removed {
                s.remove_member(*group, *r);
            }
        }
        Event::GroupRemoved { group, .. } => s.remove_group(*group),
        account_events!() | tenant_events!() | user_events!() | guest_events!() | app_events!() => {
            // Never here: `apply` routes these to their own areas.
        }
    }
}
