//! Users: adding directory users, creating and inviting them, renaming, removing, resetting
//! passwords (rules USR-1..8).

use partnerkit_access::{Command as A, Grant, Principal, Subject};
use partnerkit_core::SecretString;
use partnerkit_identity::{Command as I, Invitees};

use super::{Gives, other_than, user};
use crate::command::{AccountCommand as C, NewUser};
use crate::entry::SecretOf;
use crate::error::DomainError;
use crate::execute::{Step, Tx};

/// The users' commands, as a pattern.
macro_rules! users_commands {
    () => {
        $crate::AccountCommand::AddUsers { .. }
            | $crate::AccountCommand::CreateUser(_)
            | $crate::AccountCommand::RenameUser { .. }
            | $crate::AccountCommand::InviteGuests { .. }
            | $crate::AccountCommand::ResendInvitation { .. }
            | $crate::AccountCommand::AcceptInvitation { .. }
            | $crate::AccountCommand::RemoveUser { .. }
            | $crate::AccountCommand::ResetPassword { .. }
            | $crate::AccountCommand::ResetOwnPassword { .. }
    };
}
pub(crate) use users_commands;
pub(crate) use users_commands as commands;

impl Tx<'_, '_> {
    /// The users' translation.
    pub(super) fn users(&mut self, command: C) -> Step {
        let Gives { added, grant, .. } = gives(&command);
        match command {
            C::AddUsers { tenant, users, .. } => {
                self.identity(I::AddUsers { tenant, users })?;
                self.grant_many(added, grant)
            }
            C::CreateUser(user) => self.create_user(user, added, grant),
            C::RenameUser { user, name } => self.identity(I::RenameUser { user, name }),
            C::InviteGuests {
                tenant,
                emails,
                guests,
                ..
            } => {
                let invitees = Invitees::new(&emails)?;
                if invitees.emails().len() != guests.len() {
                    return Err(DomainError::IdsMismatch {
                        addresses: invitees.emails().len(),
                        ids: guests.len(),
                    }
                    .into());
                }
                let cmd = I::InviteGuests {
                    tenant,
                    invitees,
                    guests,
                };
                self.identity(cmd)?;
                self.grant_many(added, grant)
            }
            C::ResendInvitation { user } => self.identity(I::ResendInvitation { user }),
            C::AcceptInvitation { user } => self.identity(I::AcceptInvitation { user }),
            C::RemoveUser { user, confirmed } => self.identity(I::RemoveUser { user, confirmed }),
            C::ResetPassword { user } => {
                let temporary = SecretString::generate_password(self.ctx.rng()?)?;
                let cmd = I::ResetPassword {
                    user,
                    temporary: temporary.clone(),
                };
                self.identity(cmd)?;
                self.reveal(SecretOf::TemporaryPassword { user }, temporary);
                Ok(())
            }
            C::ResetOwnPassword { password } => self.identity(I::ResetOwnPassword {
                password: password.0,
            }),
            other @ other_than!(users) => self.unrouted(other),
        }
    }

    /// A user created with a generated initial password, shown once (rule USR-4).
    fn create_user(&mut self, u: NewUser, added: Vec<Principal>, grant: Option<Grant>) -> Step {
        let password = SecretString::generate_password(self.ctx.rng()?)?;
        self.identity(I::CreateUser {
            tenant: u.tenant,
            user: Some(u.user),
            name: u.name,
            username: u.username,
            global_admin: u.global_admin,
            reset_email: u.reset_email,
            groups: u.groups,
            password: password.clone(),
        })?;
        self.grant_many(added, grant)?;
        self.reveal(SecretOf::InitialPassword { user: u.user }, password);
        Ok(())
    }
}

/// The principals a user command acts on (rule ROL-9): the users it names, and a new user's
/// groups. Accepting an invitation and choosing one's own password act on no one else.
pub(crate) fn subjects(command: &C) -> Vec<Subject> {
    match command {
        C::RenameUser { user: u, .. }
        | C::ResendInvitation { user: u }
        | C::RemoveUser { user: u, .. }
        | C::ResetPassword { user: u } => vec![user(u)],
        C::AddUsers { users, .. } => users.iter().map(|u| user(&u.user)).collect(),
        C::InviteGuests { guests, .. } => guests.iter().map(user).collect(),
        C::CreateUser(u) => std::iter::once(user(&u.user))
            .chain(u.groups.iter().map(super::group))
            .collect(),
        C::AcceptInvitation { .. } | C::ResetOwnPassword { .. } | other_than!(users) => Vec::new(),
    }
}

/// What a user command gives (rule ROL-8): the users it adds with their grant, and a new
/// user's groups.
pub(crate) fn gives(command: &C) -> Gives {
    match command {
        C::AddUsers { users, grant, .. } => Gives::adds(
            users.iter().map(|u| Principal::User(u.user)).collect(),
            Some(*grant),
        ),
        C::CreateUser(u) => Gives {
            memberships: u
                .groups
                .iter()
                .map(|g| A::AddGroupMember {
                    group: *g,
                    user: u.user,
                })
                .collect(),
            ..Gives::adds(vec![Principal::User(u.user)], u.grant)
        },
        C::InviteGuests { guests, grant, .. } => Gives::adds(
            guests.iter().copied().map(Principal::User).collect(),
            Some(*grant),
        ),
        C::RenameUser { .. }
        | C::ResendInvitation { .. }
        | C::AcceptInvitation { .. }
        | C::RemoveUser { .. }
        | C::ResetPassword { .. }
        | C::ResetOwnPassword { .. }
        | other_than!(users) => Gives::nothing(),
    }
}
