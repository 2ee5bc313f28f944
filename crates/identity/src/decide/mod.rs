//! The decider: checks a command against the state and returns its events, and folds events
//! into the state.
//!
//! `decide` and `apply` here only route. Each command and each event goes to the module of
//! its area, where a command's rule and the application of its events sit side by side:
//!
//! | area | commands and events of |
//! |---|---|
//! | `account` | opening, verification, display name, seller contact, company approver (ACC) |
//! | `tenants` | associating, creating and removing tenants (TEN) |
//! | `users` | adding, creating, renaming and removing users; passwords (USR) |
//! | `guests` | inviting guests, resending and accepting invitations (USR-5) |
//! | `groups` | adding, creating, changing and removing groups (GRP) |
//! | `apps` | adding, creating and removing apps; their keys (APP) |
//!
//! Each area's module lists its own commands and events as patterns (`user_commands!()`,
//! `user_events!()` and the like, imported here and re-imported by the other areas), so a
//! new command touches only its area's module. `decide` and `apply` route by the lists, and
//! each area's own `decide` and `apply` name the other areas' commands and events by them, so
//! every match stays exhaustive: a new command compiles only once it is in one list and its
//! area decides it. `checks` holds the checks more than one area makes.

use partnerkit_core::{Actor, Context, Decider, SecretString};

use crate::command::Command;
use crate::error::Error;
use crate::event::Event;
use crate::state::Account;

mod account;
mod apps;
mod checks;
mod groups;
mod guests;
mod tenants;
mod users;

use account::{account_commands, account_events};
use apps::{app_commands, app_events};
use groups::{group_commands, group_events};
use guests::{guest_commands, guest_events};
use tenants::{tenant_commands, tenant_events};
use users::{user_commands, user_events};

/// The identity decider: account profile and verification, tenants, users, groups, apps and
/// keys. See the [crate documentation](crate) for the rules it enforces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Identity;

/// # No-ops
///
/// A command whose effect already holds decides to no events (`Ok(vec![])`), not an error,
/// once the actor's checks and the confirmation have passed:
///
/// - setting a value to what it already is: `ChangeDisplayName`, `SetSellerContact`,
///   `SetCompanyApprover`, `RecordVerification` with the step's current state, `RenameUser`
///   with the user's current name;
/// - `ChangeGroupMembers` that adds only members and removes only non-members;
/// - `AcceptInvitation` of an invitation already accepted (by the guest or the marketplace);
/// - `BeginTenantAssociation` identical to the one already waiting (a different one is
///   [`Error::AssociationAlreadyPending`]), `ConfirmTenantAssociation` of an associated
///   tenant, `CancelTenantAssociation` with nothing waiting;
/// - removing what the account does not have: `RemoveTenant` of a tenant not associated,
///   `RemoveGroup` of a group not in the account, `RemoveApps` leaves out apps not in it (all
///   of them: no-op), `DeleteKey` of a key the app does not have.
///
/// Not no-ops: `RemoveUser` of a user never added is [`Error::UserNotInAccount`] (rule USR-7:
/// such users are not the account's to remove); adding principals already in the account is
/// refused ([`Error::UserAlreadyInAccount`] and the like), since the host grants the added
/// principals a role in the same step; `ResendInvitation` of an accepted invitation has
/// nothing to send ([`Error::InvitationNotPending`]); `DeleteKey` on an app not in the account
/// is [`Error::AppNotInAccount`].
impl Decider for Identity {
    type State = Account;
    type Command = Command;
    type Event = Event;
    type Error = Error;

    fn decide(state: &Account, command: Command, ctx: &Context<'_>) -> Result<Vec<Event>, Error> {
        if let Command::OpenAccount {
            account,
            seller_id,
            account_type,
            display_name,
        } = command
        {
            return account::open(state, ctx, account, seller_id, account_type, display_name);
        }
        let profile = state.profile().ok_or(Error::AccountNotOpened)?;
        check_actor(state, &command, ctx)?;
        match command {
            c @ account_commands!() => account::decide(profile, c, ctx),
            c @ tenant_commands!() => tenants::decide(state, c, ctx),
            c @ user_commands!() => users::decide(state, c, ctx),
            c @ guest_commands!() => guests::decide(state, c, ctx),
            c @ group_commands!() => groups::decide(state, c, ctx),
            c @ app_commands!() => apps::decide(state, c, ctx),
        }
    }

    fn apply(state: &mut Account, event: &Event) {
        match event {
            e @ account_events!() => account::apply(state, e),
            e @ tenant_events!() => tenants::apply(state, e),
            e @ user_events!() => users::apply(state, e),
            e @ guest_events!() => guests::apply(state, e),
            e @ group_events!() => groups::apply(state, e),
            e @ app_events!() => apps::apply(state, e),
        }
    }
}

/// The shortest password accepted, in characters (the directory's minimum).
pub const MIN_PASSWORD_CHARS: usize = 8;
/// The longest password a user may choose, in characters (rule USR-8). A chosen password is
/// hashed with Argon2id, which reads every byte of it: the bound is checked before hashing,
/// so a megabyte of input is refused at no cost. Long passphrases fit easily.
pub const MAX_PASSWORD_CHARS: usize = 256;

/// Checks that a password a user chose has at most [`MAX_PASSWORD_CHARS`] characters (rule
/// USR-8), without counting more than it must: text of more than four bytes per allowed
/// character is refused on its byte length. `ResetOwnPassword` checks it before hashing; a
/// host reading the command from JSON gets the same check while deserialising.
///
/// # Errors
///
/// [`Error::PasswordTooLong`].
pub fn check_password_max(password: &SecretString) -> Result<(), Error> {
    let text = password.expose_secret();
    // A character is at most four bytes in UTF-8.
    if text.len() > MAX_PASSWORD_CHARS.saturating_mul(4) || password.len() > MAX_PASSWORD_CHARS {
        Err(Error::PasswordTooLong {
            max: MAX_PASSWORD_CHARS,
        })
    } else {
        Ok(())
    }
}

/// The shortest key value accepted, in characters.
pub const MIN_KEY_VALUE_CHARS: usize = 16;
/// The longest lifetime of an app key, in months (rule APP-4).
pub const MAX_KEY_MONTHS: u32 = 24;

/// Rule USR-1 for every command: a directory user must be able to sign in to the account, an
/// app must be one of the account's. The one exception: a guest accepting their own
/// invitation (rule USR-5). Before the account has a tenant no user can sign in, so its first
/// tenant is associated by the owner account or the marketplace (rules TEN-2, PAY-1), never
/// by a user of the tenant being associated: a user is let in only once it can sign in.
fn check_actor(s: &Account, cmd: &Command, ctx: &Context<'_>) -> Result<(), Error> {
    let actor = ctx.actor();
    if s.can_sign_in(&actor) {
        return Ok(());
    }
    match actor {
        Actor::User { tenant, user } => {
            let exempt =
                matches!(cmd, Command::AcceptInvitation { user: invitee } if *invitee == user);
            if exempt {
                Ok(())
            } else {
                Err(Error::CannotSignIn { tenant, user })
            }
        }
        Actor::App { tenant, app } => Err(Error::AppCannotSignIn { tenant, app }),
        // The owner account and the marketplace do not sign in as directory principals.
        _ => Ok(()),
    }
}
