//! The one decide step every command takes, sync or async: authorise, then decide each
//! domain's part on the cached state, mirroring identity's principal changes into access.
//!
//! [`decide`] works on an account's cached [`Entry`] in place, so its cost follows what the
//! command touches, not the size of the account. It returns the events to store; the caller
//! (the service) appends them at the entry's version and only then advances the entry's
//! version. If deciding fails after part of the command was applied, [`Failed::dirty`] says
//! so and the caller drops the entry: the next use reloads it from the store.
//!
//! What each command is in the domains' terms is in `translate/` (one module per area,
//! behind `Tx::run`); the steps each translation takes are in `steps.rs`.

use partnerkit_access::{Authorized, Denial};
use partnerkit_core::{AccountId, Context, Version};

use crate::authorize::authorize_command;
use crate::command::AccountCommand;
use crate::entry::{Entry, Revealed};
use crate::error::DomainError;
use crate::settings::Settings;
use crate::state::AccountEvent;

/// A decided command: its events (applied to the entry, not yet stored) and the secret it
/// generated, if any.
#[derive(Debug)]
pub(crate) struct Decided {
    pub(crate) events: Vec<AccountEvent>,
    pub(crate) revealed: Option<Revealed>,
}

/// Why deciding failed, and whether the entry was changed on the way.
#[derive(Debug)]
pub(crate) struct Failed {
    pub(crate) error: Refusal,
    /// True if part of the command was applied to the entry before it failed: the entry must
    /// be dropped.
    pub(crate) dirty: bool,
}

/// A refused command: the actor, or a rule.
#[derive(Debug)]
pub(crate) enum Refusal {
    Denied(Denial),
    Domain(DomainError),
}

impl From<Denial> for Refusal {
    fn from(d: Denial) -> Self {
        Refusal::Denied(d)
    }
}

impl<T: Into<DomainError>> From<T> for Refusal {
    fn from(e: T) -> Self {
        Refusal::Domain(e.into())
    }
}

/// The one decide step: authorise, check the account exists (or not, to open it), decide
/// every domain's part in place on `entry`, and return the events to store.
pub(crate) fn decide(
    entry: &mut Entry,
    account: AccountId,
    ctx: &Context<'_>,
    command: AccountCommand,
    settings: &Settings,
) -> Result<Decided, Failed> {
    let clean = |error: Refusal| Failed {
        error,
        dirty: false,
    };
    // The whole authorisation model first (rule X-2): nothing about the account or the
    // command's data is looked at before the actor is let in.
    let authorized = authorize_command(&entry.state, &entry.index, &ctx.actor(), &command)
        .map_err(|d| clean(d.into()))?;
    let exists = entry.version != Version::INITIAL;
    match (&command, exists) {
        (AccountCommand::OpenAccount(_), true) => {
            return Err(clean(DomainError::AccountExists { account }.into()));
        }
        (AccountCommand::OpenAccount(_), false) => {}
        (_, false) => return Err(clean(DomainError::AccountNotFound { account }.into())),
        (_, true) => {}
    }
    let mut tx = Tx {
        entry,
        ctx,
        authorized,
        events: Vec::new(),
        settings,
        account,
        revealed: None,
    };
    match tx.run(command) {
        Ok(()) => Ok(Decided {
            events: tx.events,
            revealed: tx.revealed,
        }),
        Err(error) => Err(Failed {
            error,
            dirty: !tx.events.is_empty(),
        }),
    }
}

/// One command's decisions, applied to the entry as they are made.
pub(crate) struct Tx<'e, 'c> {
    pub(crate) entry: &'e mut Entry,
    pub(crate) ctx: &'c Context<'c>,
    pub(crate) authorized: Authorized,
    pub(crate) events: Vec<AccountEvent>,
    pub(crate) settings: &'c Settings,
    pub(crate) account: AccountId,
    /// The secret the command generated, if any, shown once.
    pub(crate) revealed: Option<Revealed>,
}

pub(crate) type Step<T = ()> = Result<T, Refusal>;
