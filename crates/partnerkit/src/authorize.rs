//! The facade's side of authorisation: it joins the facts access needs from the other domains
//! and asks access, whose [`policy`](partnerkit_access::CommandKind) is the one model (rules
//! X-2, X-8, ROL-7..9). Nothing here decides who may do what.
//!
//! - [`can_sign_in`]: identity answers for users and apps (rule USR-1), payouts knows the
//!   owner account (rule PAY-1).
//! - [`AccountCommand::subjects`]: which principals a command names, for rule ROL-9.
//! - [`AccountCommand::access_changes`]: the grants and memberships a command will make, for
//!   rule ROL-8.
//! - [`authorize_command`], [`authorize_kind`], [`authorize_read`]: the model's four steps in
//!   order, for a whole command, a kind without data, a read.

use partnerkit_access::{
    AccessIndex, Authorized, Command as A, Denial, Facts, ReadKind, Subject, admit,
    first_tenant_grant,
};
use partnerkit_core::Actor;

use crate::command::AccountCommand;
use crate::kind::CommandKind;
use crate::state::AccountState;
use crate::translate::{
    Gives, agreements, apps, grants, groups, payout_settings, profile, tax_profile, tenants, users,
};

/// True if `actor` can sign in to the account at all: identity answers for users and apps
/// (rule USR-1), payouts knows the owner account (rule PAY-1).
pub(crate) fn can_sign_in(state: &AccountState, actor: &Actor) -> bool {
    match actor {
        Actor::OwnerAccount { owner } => state.payouts.owner() == Some(*owner),
        Actor::User { .. } | Actor::App { .. } => state.identity.can_sign_in(actor),
        // The marketplace is no principal of the account (and any actor kind added later
        // signs in to nothing until it has its own rule).
        _ => false,
    }
}

/// The facts access needs about `actor` (step 1 of the model): can it sign in, and is it
/// the pending guest `invitee` names (rule USR-5).
fn facts(state: &AccountState, actor: &Actor, invitee: Option<partnerkit_core::UserId>) -> Facts {
    let invitee = match (actor, invitee) {
        (Actor::User { tenant, user }, Some(invited)) => {
            *user == invited && state.identity.is_pending_guest(*tenant, *user)
        }
        _ => false,
    };
    Facts {
        signed_in: can_sign_in(state, actor),
        invitee,
    }
}

fn has_tenant(state: &AccountState) -> bool {
    state.identity.tenants().next().is_some()
}

/// Steps 1 and 2 of the model for a command of `kind`, without its data: what
/// [`AccountService::may`](crate::AccountService::may) answers. `invitee` is the guest an
/// `accept_invitation` names.
pub fn authorize_kind(
    state: &AccountState,
    index: &AccessIndex,
    actor: &Actor,
    kind: CommandKind,
    invitee: Option<partnerkit_core::UserId>,
) -> Result<Authorized, Denial> {
    let facts = facts(state, actor, invitee);
    admit(index, actor, facts, kind.requirement(has_tenant(state)))
}

/// The whole model for one command on an account's state, in order (see
/// [`partnerkit_access`]'s policy): can the actor sign in (rule X-2), is it the actor the
/// kind needs, holding its permission; does it hold everything each principal the command
/// acts on holds (rule ROL-9); does it hold everything the command gives or takes (rule
/// ROL-8), with the first tenant's grant capped at Manager. Nothing about the account or the
/// command's data is looked at before step 1 has let the actor in.
///
/// This is what the service checks before it decides a command; hosts and tests may call it
/// on any state (`index` is [`AccessIndex::build`] of `state.access`, or the service's live
/// one).
///
/// ```
/// use partnerkit::{AccountCommand, AccountState, authorize_command};
/// use partnerkit::access::AccessIndex;
/// use partnerkit::core::uuid::Uuid;
/// use partnerkit::core::{Actor, TenantId, UserId};
///
/// // On an account that does not exist, nobody but the marketplace is let in (rule X-2).
/// let state = AccountState::default();
/// let index = AccessIndex::build(&state.access);
/// let (tenant, user) = (TenantId::from_uuid(Uuid::from_u128(1)), UserId::from_uuid(Uuid::from_u128(2)));
/// let command = AccountCommand::ResetPassword { user };
/// let stranger = Actor::User { tenant, user };
/// let denial = authorize_command(&state, &index, &stranger, &command).unwrap_err();
/// assert_eq!(denial.code(), "cannot_sign_in");
/// ```
pub fn authorize_command(
    state: &AccountState,
    index: &AccessIndex,
    actor: &Actor,
    command: &AccountCommand,
) -> Result<Authorized, Denial> {
    let invitee = match command {
        AccountCommand::AcceptInvitation { user } => Some(*user),
        _ => None,
    };
    let authorized = authorize_kind(state, index, actor, command.kind(), invitee)?;
    authorized.check_acts_on(index, command.subjects())?;
    if let AccountCommand::ConfirmTenantAssociation { grant, .. } = command
        && !has_tenant(state)
    {
        first_tenant_grant(*grant)?;
    }
    for change in command.access_changes(state) {
        authorized.check_gives(&change, &state.access)?;
    }
    Ok(authorized)
}

/// Steps 1 and 2 of the model for a read (rule X-8): the actor is let in if it may see at
/// least one class the read returns; [`Authorized::classes`] says which it may see.
pub fn authorize_read(
    state: &AccountState,
    index: &AccessIndex,
    actor: &Actor,
    kind: ReadKind,
) -> Result<Authorized, Denial> {
    admit(index, actor, facts(state, actor, None), kind.requirement())
}

impl AccountCommand {
    /// The principals this command acts on (rule ROL-9), as
    /// [`CommandKind::acts_on`](partnerkit_access::CommandKind::acts_on) describes for its
    /// kind: the actor must hold every permission each of them holds. Each area of commands
    /// says it for its own, beside their translation (`translate/<area>.rs`).
    pub fn subjects(&self) -> Vec<Subject> {
        match self {
            c @ profile::profile_commands!() => profile::subjects(c),
            c @ tenants::tenants_commands!() => tenants::subjects(c),
            c @ users::users_commands!() => users::subjects(c),
            c @ groups::groups_commands!() => groups::subjects(c),
            c @ apps::apps_commands!() => apps::subjects(c),
            c @ grants::grants_commands!() => grants::subjects(c),
            c @ agreements::agreements_commands!() => agreements::subjects(c),
            c @ payout_settings::payout_settings_commands!() => payout_settings::subjects(c),
            c @ tax_profile::tax_profile_commands!() => tax_profile::subjects(c),
        }
    }

    /// The grants and group memberships this command will make, as access commands (rule
    /// ROL-8): each must need nothing beyond what the actor holds. Checked before anything is
    /// decided, and again as each change is made.
    pub fn access_changes(&self, state: &AccountState) -> Vec<A> {
        let Gives {
            added,
            grant,
            memberships,
            access,
        } = self.gives(state);
        let granted = match grant {
            Some(grant) if !added.is_empty() => Some(A::GrantMany {
                principals: added,
                grant,
            }),
            _ => None,
        };
        memberships
            .into_iter()
            .chain(granted)
            .chain(access)
            .collect()
    }

    /// What this command gives or takes (rule ROL-8): what its authorisation checks and what
    /// its decision makes, from one list. Each area says it for its own commands, beside their
    /// translation; every area's match names each of its commands, so a new command does not
    /// compile until its area says what it gives.
    pub(crate) fn gives(&self, state: &AccountState) -> Gives {
        match self {
            c @ profile::profile_commands!() => profile::gives(c),
            c @ tenants::tenants_commands!() => tenants::gives(c, state),
            c @ users::users_commands!() => users::gives(c),
            c @ groups::groups_commands!() => groups::gives(c),
            c @ apps::apps_commands!() => apps::gives(c),
            c @ grants::grants_commands!() => grants::gives(c),
            c @ agreements::agreements_commands!() => agreements::gives(c),
            c @ payout_settings::payout_settings_commands!() => payout_settings::gives(c),
            c @ tax_profile::tax_profile_commands!() => tax_profile::gives(c),
        }
    }
}
