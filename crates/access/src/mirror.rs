//! Access's principals as a mirror of identity's: the commands that record, in access, what
//! an identity event did to who may use the account.
//!
//! Identity owns who exists and who can sign in (rules USR-1, USR-5, TEN-4); access owns what
//! each of them may do. Identity reports each event's effect as [`PrincipalChange`]s; this
//! module alone decides what access does with them, so the join between the two crates is
//! written once, here, and not in the code that drives them.

use std::collections::{HashMap, VecDeque};

use partnerkit_core::{GroupId, PrincipalChange};

use crate::command::{Command, NewGroup};
use crate::principal::Principal;
use crate::state::AccessState;

/// The access commands that mirror one identity event's [`PrincipalChange`]s, yielded one at
/// a time by [`Mirror::next_command`] so that each is decided on the state the ones before it
/// left.
///
/// The changes are mirrored in order, except that the groups they add are registered with
/// their first members in one [`Command::RegisterGroups`] at the end, however many there are
/// (a directory of 50,000 groups is one stored event, not 100,000). Their members are users
/// registered before them. A removal of a principal access never knew mirrors as nothing; a
/// user added who is already known only has its sign-in set.
///
/// ```
/// use partnerkit_access::{AccessState, Command, mirror};
/// use partnerkit_core::uuid::Uuid;
/// use partnerkit_core::{PrincipalChange, TenantId, UserId};
///
/// let user = UserId::from_uuid(Uuid::from_u128(1));
/// let tenant = TenantId::from_uuid(Uuid::from_u128(2));
/// let mut m = mirror(vec![PrincipalChange::UserAdded { user, tenant, can_sign_in: true }]);
/// let state = AccessState::default();
/// assert!(matches!(m.next_command(&state), Some(Command::RegisterUser { .. })));
/// assert!(m.next_command(&state).is_none());
/// ```
#[derive(Debug)]
#[must_use = "a mirror does nothing until its commands are decided"]
pub struct Mirror {
    changes: VecDeque<PrincipalChange>,
    groups: Vec<NewGroup>,
    at: HashMap<GroupId, usize>,
}

/// Mirrors `changes` (one identity event's, in the order identity reported them): see
/// [`Mirror`].
pub fn mirror(changes: Vec<PrincipalChange>) -> Mirror {
    Mirror {
        changes: changes.into(),
        groups: Vec::new(),
        at: HashMap::new(),
    }
}

impl Mirror {
    /// The next access command to decide, on `state` as the commands before it left it;
    /// `None` when every change is mirrored.
    pub fn next_command(&mut self, state: &AccessState) -> Option<Command> {
        while let Some(change) = self.changes.pop_front() {
            match change {
                PrincipalChange::GroupAdded { group, tenant } => {
                    self.at.insert(group, self.groups.len());
                    self.groups.push(NewGroup {
                        group,
                        tenant,
                        members: Vec::new(),
                    });
                }
                PrincipalChange::MemberAdded { group, user }
                    if let Some(g) = self.at.get(&group).and_then(|i| self.groups.get_mut(*i)) =>
                {
                    g.members.push(user);
                }
                other => {
                    if let Some(cmd) = command(state, other) {
                        return Some(cmd);
                    }
                }
            }
        }
        self.at.clear();
        match self.groups.is_empty() {
            true => None,
            false => Some(Command::RegisterGroups {
                groups: std::mem::take(&mut self.groups),
            }),
        }
    }
}

/// The access command for one change, `None` for the removal of a principal access never
/// knew. Groups added never come here: [`Mirror::next_command`] registers them together.
fn command(state: &AccessState, change: PrincipalChange) -> Option<Command> {
    let known = |p: Principal| state.is_known(p);
    Some(match change {
        PrincipalChange::UserAdded {
            user,
            tenant,
            can_sign_in,
        } => {
            if known(Principal::User(user)) {
                Command::SetCanSignIn { user, can_sign_in }
            } else {
                Command::RegisterUser {
                    user,
                    tenant,
                    can_sign_in,
                }
            }
        }
        PrincipalChange::AppAdded { app, tenant } => Command::RegisterApp { app, tenant },
        PrincipalChange::MemberAdded { group, user } => Command::AddGroupMember { group, user },
        PrincipalChange::MemberRemoved { group, user } => {
            Command::RemoveGroupMember { group, user }
        }
        PrincipalChange::SignInChanged { user, can_sign_in } => {
            Command::SetCanSignIn { user, can_sign_in }
        }
        PrincipalChange::UserRemoved { user } if known(Principal::User(user)) => {
            Command::RemoveUser { user }
        }
        PrincipalChange::GroupRemoved { group } if known(Principal::Group(group)) => {
            Command::RemoveGroup { group }
        }
        PrincipalChange::AppRemoved { app } if known(Principal::App(app)) => {
            Command::RemoveApp { app }
        }
        PrincipalChange::TenantRemoved { tenant } => Command::RemoveTenant { tenant },
        _ => return None,
    })
}
