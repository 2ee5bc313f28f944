//! Guests (rule USR-5): inviting them by email, resending an invitation, and accepting one.

use partnerkit_core::{Actor, Context, InvitationId, Rule, TenantId, UserId};

use super::checks::{account_user, check_new_user, global_admin_of};
use super::users::new_user;
use super::{
    account_commands, account_events, app_commands, app_events, group_commands, group_events,
    tenant_commands, tenant_events, user_commands, user_events,
};
use crate::command::Command;
use crate::directory::{Invitation, InvitationStatus, Origin, User};
use crate::error::Error;
use crate::event::Event;
use crate::names::Invitees;
use crate::state::Account;

/// The guests' commands, as a pattern: `decide` routes them here by it, and the other
/// areas' `decide` name them by it.
macro_rules! guest_commands {
    () => {
        $crate::command::Command::InviteGuests { .. }
            | $crate::command::Command::ResendInvitation { .. }
            | $crate::command::Command::AcceptInvitation { .. }
    };
}
pub(super) use guest_commands;

/// The guests' events, as a pattern: what the commands list is to `decide`, this is to
/// `apply`.
macro_rules! guest_events {
    () => {
        $crate::event::Event::GuestInvited { .. }
            | $crate::event::Event::InvitationResent { .. }
            | $crate::event::Event::InvitationAccepted { .. }
    };
}
pub(super) use guest_events;

/// Decides a guest command.
pub(super) fn decide(s: &Account, cmd: Command, ctx: &Context<'_>) -> Result<Vec<Event>, Error> {
    match cmd {
        Command::InviteGuests {
            tenant,
            invitees,
            guests,
        } => invite_guests(s, ctx, tenant, &invitees, guests),
        Command::ResendInvitation { user } => {
            let u = account_user(s, user)?;
            let invitation = pending_invitation(u)?;
            global_admin_of(s, ctx, u.tenant, "resending an invitation", Rule::Usr5)?;
            Ok(vec![Event::InvitationResent {
                tenant: u.tenant,
                user,
                invitation,
            }])
        }
        Command::AcceptInvitation { user } => accept_invitation(s, ctx, user),
        // Never here: `decide` routes these to their own areas.
        account_commands!()
        | tenant_commands!()
        | user_commands!()
        | group_commands!()
        | app_commands!() => Ok(vec![]),
    }
}

fn invite_guests(
    s: &Account,
    ctx: &Context<'_>,
    tenant: TenantId,
    invitees: &Invitees,
    guests: Vec<UserId>,
) -> Result<Vec<Event>, Error> {
    global_admin_of(s, ctx, tenant, "inviting guests", Rule::Usr5)?;
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

/// Applies a guest event.
pub(super) fn apply(s: &mut Account, event: &Event) {
    match event {
        Event::GuestInvited {
            tenant,
            user: id,
            invitation,
            email,
        } => s.insert_user(User {
            invitation: Some(Invitation {
                id: *invitation,
                email: email.clone(),
                status: InvitationStatus::Pending,
                sent: 1,
            }),
            ..new_user(*id, *tenant, None, email, Origin::Invited)
        }),
        Event::InvitationResent { user, .. } => {
            if let Some(i) = s.user_mut(*user).and_then(|u| u.invitation.as_mut()) {
                i.sent = i.sent.saturating_add(1);
            }
        }
        Event::InvitationAccepted { user, .. } => {
            if let Some(i) = s.user_mut(*user).and_then(|u| u.invitation.as_mut()) {
                i.status = InvitationStatus::Accepted;
            }
        }
        account_events!() | tenant_events!() | user_events!() | group_events!() | app_events!() => {
            // Never here: `apply` routes these to their own areas.
        }
    }
}
