//! Users (rules USR-1..4, USR-6..8): adding and creating them, renaming and removing them,
//! and their passwords. Guests are in `guests`.

use std::collections::BTreeSet;

use partnerkit_core::{
    Actor, Context, EmailAddress, GroupId, PasswordHash, PersonName, Rule, SecretString, TenantId,
    UserId,
};

use super::checks::{
    account_user, check_new_user, check_secret, confirm, global_admin_of, manage, not_empty,
    not_synced, once,
};
use super::{MIN_PASSWORD_CHARS, check_password_max};
use super::{
    account_commands, account_events, app_commands, app_events, group_commands, group_events,
    guest_commands, guest_events, tenant_commands, tenant_events,
};
use crate::command::Command;
use crate::directory::{DirectoryUser, Origin, PasswordRecord, PasswordSetBy, User};
use crate::error::Error;
use crate::event::Event;
use crate::state::Account;

/// The users' commands, as a pattern: `decide` routes them here by it, and the other
/// areas' `decide` name them by it.
macro_rules! user_commands {
    () => {
        $crate::command::Command::AddUsers { .. }
            | $crate::command::Command::CreateUser { .. }
            | $crate::command::Command::RenameUser { .. }
            | $crate::command::Command::RemoveUser { .. }
            | $crate::command::Command::ResetPassword { .. }
            | $crate::command::Command::ResetOwnPassword { .. }
    };
}
pub(super) use user_commands;

/// The users' events, as a pattern: what the commands list is to `decide`, this is to
/// `apply`.
macro_rules! user_events {
    () => {
        $crate::event::Event::UsersAdded { .. }
            | $crate::event::Event::UserCreated { .. }
            | $crate::event::Event::UserRenamed { .. }
            | $crate::event::Event::UserRemoved { .. }
            | $crate::event::Event::PasswordReset { .. }
    };
}
pub(super) use user_events;

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
        Command::RemoveUser { user, confirmed } => {
            confirm(confirmed, "a user", Rule::Usr7)?;
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
        account_commands!()
        | tenant_commands!()
        | guest_commands!()
        | group_commands!()
        | app_commands!() => Ok(vec![]),
    }
}

fn add_users(
    s: &Account,
    ctx: &Context<'_>,
    tenant: TenantId,
    users: Vec<DirectoryUser>,
) -> Result<Vec<Event>, Error> {
    manage(s, ctx, tenant)?;
    not_empty(&users, "user", Rule::Usr3)?;
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
    let t = global_admin_of(s, ctx, tenant, "creating a user", Rule::Usr4)?;
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
    global_admin_of(s, ctx, u.tenant, "resetting a password", Rule::Usr8)?;
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

/// Applies a user event.
pub(super) fn apply(s: &mut Account, event: &Event) {
    match event {
        Event::UsersAdded { tenant, users } => {
            for u in users {
                let name = Some(u.name.clone());
                s.insert_user(User {
                    global_admin: u.global_admin,
                    ..new_user(u.user, *tenant, name, &u.username, Origin::Added)
                });
            }
        }
        Event::UserCreated {
            tenant,
            user: id,
            name,
            username,
            global_admin,
            reset_email,
            groups,
            password,
        } => {
            s.insert_user(User {
                global_admin: *global_admin,
                reset_email: reset_email.clone(),
                password: Some(PasswordRecord {
                    fingerprint: password.clone().into(),
                    set_by: PasswordSetBy::Creation,
                }),
                ..new_user(*id, *tenant, Some(name.clone()), username, Origin::Created)
            });
            for g in groups {
                s.add_member(*g, *id);
            }
        }
        Event::UserRenamed { user, name, .. } => {
            if let Some(u) = s.user_mut(*user) {
                u.name = Some(name.clone());
            }
        }
        Event::UserRemoved { user, .. } => s.remove_user(*user),
        Event::PasswordReset {
            user, password, by, ..
        } => {
            if let Some(u) = s.user_mut(*user) {
                u.password = Some(PasswordRecord {
                    fingerprint: password.clone(),
                    set_by: *by,
                });
            }
        }
        account_events!()
        | tenant_events!()
        | guest_events!()
        | group_events!()
        | app_events!() => {
            // Never here: `apply` routes these to their own areas.
        }
    }
}

/// A user as it joins the account: no invitation, no directory role, no reset email and no
/// password until the event says otherwise.
pub(super) fn new_user(
    id: UserId,
    tenant: TenantId,
    name: Option<PersonName>,
    username: &EmailAddress,
    origin: Origin,
) -> User {
    User {
        id,
        tenant,
        name,
        username: username.clone(),
        origin,
        invitation: None,
        global_admin: false,
        reset_email: None,
        password: None,
    }
}
