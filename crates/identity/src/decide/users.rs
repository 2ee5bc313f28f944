//! Users (rules USR-1..8): adding and creating them, renaming and removing them, guests and
//! their invitations, and passwords.

use std::collections::BTreeSet;

use partnerkit_core::{
    Actor, Context, EmailAddress, GroupId, InvitationId, PasswordHash, SecretString, TenantId,
    UserId,
};

use super::checks::{
    account_user, check_new_user, check_secret, confirm, global_admin_of, manage, not_empty,
    not_synced, once,
};
use super::{MIN_PASSWORD_CHARS, check_password_max};
use crate::command::Command;
use crate::directory::{DirectoryUser, InvitationStatus, PasswordSetBy, User};
use crate::error::Error;
use crate::event::Event;
use crate::names::Invitees;
use crate::state::Account;

/// Decides a user command.
pub(super) fn decide(s: &Account, cmd: Command, ctx: &Context<'_>) -> Result<Vec<Event>, Error> {
    match cmd {
        Command::AddUsers { tenant, users } => add_users(s, ctx, tenant, users),
        Command::CreateUser {
            tenant,
            user,
            name,
            username,
            global_admin,
            reset_email,
            groups,
            password,
        } => {
            let needs_reset_email = global_admin && reset_email.is_none();
            check_create_user(s, ctx, tenant, &username, needs_reset_email, &groups)?;
            check_secret(&password, "password", MIN_PASSWORD_CHARS)?;
            let user: UserId = user.unwrap_or_else(|| ctx.new_id());
            check_new_user(s, user, tenant)?;
            Ok(vec![Event::UserCreated {
                tenant,
                user,
                name,
                username,
                global_admin,
                reset_email,
                groups,
                password: password.fingerprint(),
            }])
        }
        Command::RenameUser { user, name } => {
            let u = account_user(s, user)?;
            manage(s, ctx, u.tenant)?;
            if u.name.as_ref() == Some(&name) {
                return Ok(vec![]); // no-op
            }
            Ok(vec![Event::UserRenamed {
                tenant: u.tenant,
                user,
                name,
            }])
        }
        Command::InviteGuests {
            tenant,
            invitees,
            guests,
        } => invite_guests(s, ctx, tenant, &invitees, guests),
        Command::ResendInvitation { user } => {
            let u = account_user(s, user)?;
            let invitation = pending_invitation(u)?;
            global_admin_of(s, ctx, u.tenant, "resending an invitation", "USR-5")?;
            Ok(vec![Event::InvitationResent {
                tenant: u.tenant,
                user,
                invitation,
            }])
        }
        Command::AcceptInvitation { user } => accept_invitation(s, ctx, user),
        Command::RemoveUser { user, confirmed } => {
            confirm(confirmed, "a user", "USR-7")?;
            let u = account_user(s, user)?;
            manage(s, ctx, u.tenant)?;
            Ok(vec![Event::UserRemoved {
                tenant: u.tenant,
                user,
                groups: s.groups_of(user),
            }])
        }
        Command::ResetPassword { user, temporary } => reset_password(s, ctx, user, &temporary),
        Command::ResetOwnPassword { password } => reset_own_password(s, ctx, &password),
        // Never here: `decide` routes these to their own areas.
        account_commands!() | tenant_commands!() | group_commands!() | app_commands!() => {
            Ok(vec![])
        }
    }
}

fn add_users(
    s: &Account,
    ctx: &Context<'_>,
    tenant: TenantId,
    users: Vec<DirectoryUser>,
) -> Result<Vec<Event>, Error> {
    manage(s, ctx, tenant)?;
    not_empty(&users, "user", "USR-3")?;
    // Each user costs O(log n): indexed lookups, and sets of the batch so far.
    let mut ids = BTreeSet::new();
    let mut usernames = BTreeSet::new();
    for u in &users {
        check_new_user(s, u.user, tenant)?;
        once(&mut ids, u.user, "user")?;
        if s.username_taken(tenant, &u.username) || !usernames.insert(&u.username) {
            return Err(Error::UsernameTaken {
                username: u.username.clone(),
            });
        }
    }
    Ok(vec![Event::UsersAdded { tenant, users }])
}

/// What [`Command::CreateUser`] checks before its password and id, in order.
fn check_create_user(
    s: &Account,
    ctx: &Context<'_>,
    tenant: TenantId,
    username: &EmailAddress,
    needs_reset_email: bool,
    groups: &[GroupId],
) -> Result<(), Error> {
    let t = global_admin_of(s, ctx, tenant, "creating a user", "USR-4")?;
    not_synced(t, "user")?;
    if needs_reset_email {
        return Err(Error::GlobalAdminNeedsResetEmail);
    }
    if s.username_taken(tenant, username) {
        return Err(Error::UsernameTaken {
            username: username.clone(),
        });
    }
    let mut seen = BTreeSet::new();
    for g in groups {
        if s.group(*g).is_none_or(|group| group.tenant != tenant) {
            return Err(Error::GroupNotInAccount { group: *g });
        }
        once(&mut seen, *g, "group")?;
    }
    Ok(())
}

fn invite_guests(
    s: &Account,
    ctx: &Context<'_>,
    tenant: TenantId,
    invitees: &Invitees,
    guests: Vec<UserId>,
) -> Result<Vec<Event>, Error> {
    global_admin_of(s, ctx, tenant, "inviting guests", "USR-5")?;
    if !guests.is_empty() && guests.len() != invitees.emails().len() {
        return Err(Error::GuestIdsMismatch {
            addresses: invitees.emails().len(),
            ids: guests.len(),
        });
    }
    let mut chosen = guests.into_iter();
    let mut events = Vec::with_capacity(invitees.emails().len());
    for email in invitees.emails() {
        if s.username_taken(tenant, email) {
            return Err(Error::AlreadyInvited {
                email: email.clone(),
                tenant,
            });
        }
        let user: UserId = chosen.next().unwrap_or_else(|| ctx.new_id());
        check_new_user(s, user, tenant)?;
        events.push(Event::GuestInvited {
            tenant,
            user,
            invitation: ctx.new_id(),
            email: email.clone(),
        });
    }
    Ok(events)
}

fn accept_invitation(s: &Account, ctx: &Context<'_>, user: UserId) -> Result<Vec<Event>, Error> {
    let u = account_user(s, user)?;
    let allowed = match ctx.actor() {
        Actor::User { tenant, user: who } => who == user && tenant == u.tenant,
        Actor::Marketplace => true,
        _ => false,
    };
    let already_accepted = u
        .invitation
        .as_ref()
        .is_some_and(|i| i.status == InvitationStatus::Accepted);
    if already_accepted {
        return if allowed {
            Ok(vec![]) // no-op
        } else {
            Err(Error::NotTheInvitee { user })
        };
    }
    let invitation = pending_invitation(u)?;
    if !allowed {
        return Err(Error::NotTheInvitee { user });
    }
    Ok(vec![Event::InvitationAccepted {
        tenant: u.tenant,
        user,
        invitation,
    }])
}

fn pending_invitation(u: &User) -> Result<InvitationId, Error> {
    match &u.invitation {
        Some(i) if i.status == InvitationStatus::Pending => Ok(i.id),
        _ => Err(Error::InvitationNotPending { user: u.id }),
    }
}

fn reset_password(
    s: &Account,
    ctx: &Context<'_>,
    user: UserId,
    temporary: &SecretString,
) -> Result<Vec<Event>, Error> {
    let u = account_user(s, user)?;
    if u.is_guest() {
        return Err(Error::GuestPassword { user });
    }
    global_admin_of(s, ctx, u.tenant, "resetting a password", "USR-8")?;
    check_secret(temporary, "password", MIN_PASSWORD_CHARS)?;
    Ok(vec![Event::PasswordReset {
        tenant: u.tenant,
        user,
        password: temporary.fingerprint().into(),
        by: PasswordSetBy::GlobalAdmin,
    }])
}

fn reset_own_password(
    s: &Account,
    ctx: &Context<'_>,
    password: &SecretString,
) -> Result<Vec<Event>, Error> {
    let Actor::User { user, .. } = ctx.actor() else {
        return Err(Error::NotAUser);
    };
    let u = account_user(s, user)?;
    if u.is_guest() {
        return Err(Error::GuestPassword { user });
    }
    if u.reset_email.is_none() {
        return Err(Error::NoResetEmail { user });
    }
    check_secret(password, "password", MIN_PASSWORD_CHARS)?;
    check_password_max(password)?;
    // A chosen password is guessable: keep a salted, slow hash, never an unsalted
    // fingerprint (rule X-6). Hashed last, after every check has passed.
    let hash = PasswordHash::hash(password, ctx.rng()?)?;
    Ok(vec![Event::PasswordReset {
        tenant: u.tenant,
        user,
        password: hash.into(),
        by: PasswordSetBy::SelfService,
    }])
}
