//! Groups: adding directory groups, creating one, changing members, removing one (rules
//! GRP-1..4).

use partnerkit_access::{Command as A, Principal, Subject};
use partnerkit_identity::Command as I;

use super::{Gives, group, other_than, user};
use crate::command::AccountCommand as C;
use crate::execute::{Step, Tx};

/// The groups' commands, as a pattern.
macro_rules! groups_commands {
    () => {
        $crate::AccountCommand::AddGroups { .. }
            | $crate::AccountCommand::CreateGroup { .. }
            | $crate::AccountCommand::ChangeGroupMembers { .. }
            | $crate::AccountCommand::RemoveGroup { .. }
    };
}
pub(crate) use groups_commands;
pub(crate) use groups_commands as commands;

impl Tx<'_, '_> {
    /// The groups' translation.
    pub(super) fn groups(&mut self, command: C) -> Step {
        let Gives { added, grant, .. } = gives(&command);
        match command {
            C::AddGroups { tenant, groups, .. } => {
                self.identity(I::AddGroups { tenant, groups })?;
                self.grant_many(added, grant)
            }
            C::CreateGroup {
                tenant,
                group,
                name,
                members,
                ..
            } => {
                // The members join an empty group; the grant that follows gives them what the
                // actor must hold too (rule ROL-8).
                self.identity(I::CreateGroup {
                    tenant,
                    group: Some(group),
                    name,
                    members,
                })?;
                self.grant_many(added, grant)
            }
            C::ChangeGroupMembers { group, add, remove } => {
                self.identity(I::ChangeGroupMembers { group, add, remove })
            }
            C::RemoveGroup { group, confirmed } => {
                self.identity(I::RemoveGroup { group, confirmed })
            }
            other @ other_than!(groups) => self.unrouted(other),
        }
    }
}

/// The principals a group command acts on (rule ROL-9): the group, and every member it adds
/// or removes.
pub(crate) fn subjects(command: &C) -> Vec<Subject> {
    match command {
        C::AddGroups { groups, .. } => groups
            .iter()
            .flat_map(|g| std::iter::once(group(&g.group)).chain(g.members.iter().map(user)))
            .collect(),
        C::CreateGroup {
            group: g, members, ..
        } => std::iter::once(group(g))
            .chain(members.iter().map(user))
            .collect(),
        C::ChangeGroupMembers {
            group: g,
            add,
            remove,
        } => std::iter::once(group(g))
            .chain(add.iter().chain(remove).map(user))
            .collect(),
        C::RemoveGroup { group: g, .. } => vec![group(g)],
        other_than!(groups) => Vec::new(),
    }
}

/// What a group command gives or takes (rule ROL-8): the groups it adds or creates with
/// their grant, and the members a change adds and removes.
pub(crate) fn gives(command: &C) -> Gives {
    match command {
        C::AddGroups { groups, grant, .. } => Gives::adds(
            groups.iter().map(|g| Principal::Group(g.group)).collect(),
            Some(*grant),
        ),
        C::CreateGroup { group, grant, .. } => Gives::adds(vec![Principal::Group(*group)], *grant),
        C::ChangeGroupMembers { group, add, remove } => Gives {
            memberships: add
                .iter()
                .map(|user| A::AddGroupMember {
                    group: *group,
                    user: *user,
                })
                .chain(remove.iter().map(|user| A::RemoveGroupMember {
                    group: *group,
                    user: *user,
                }))
                .collect(),
            ..Gives::nothing()
        },
        C::RemoveGroup { .. } | other_than!(groups) => Gives::nothing(),
    }
}
