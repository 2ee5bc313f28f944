//! Agreements: one accepted by a named directory user (rules AGR-1, AGR-3), under the name the
//! account shows for them.

use partnerkit_access::{Denial, Subject};
use partnerkit_core::{Actor, DisplayName};

use super::{Gives, other_than};
use crate::command::AccountCommand as C;
use crate::execute::{Step, Tx};

/// The agreements' commands, as a pattern.
macro_rules! agreements_commands {
    () => {
        $crate::AccountCommand::AcceptAgreement { .. }
    };
}
pub(crate) use agreements_commands;
pub(crate) use agreements_commands as commands;

impl Tx<'_, '_> {
    /// The agreements' translation: an agreement accepted by a named directory user (rules
    /// AGR-1, AGR-3), under the name the account shows for them.
    pub(super) fn accept_agreement(&mut self, command: C) -> Step {
        let (agreement, version) = match command {
            C::AcceptAgreement { agreement, version } => (agreement, version),
            other @ other_than!(agreements) => return self.unrouted(other),
        };
        let Actor::User { user, .. } = self.ctx.actor() else {
            return Err(Denial::UserRequired {
                actor: self.ctx.actor(),
            }
            .into());
        };
        let shown = self
            .entry
            .state
            .identity
            .user(user)
            .map(|u| match &u.name {
                // A guest has no directory name: show the address they accepted with.
                Some(name) => name.to_string(),
                None => u.username.to_string(),
            })
            .unwrap_or_else(|| user.to_string());
        let cmd = partnerkit_agreements::Command::accept(
            &self.settings.catalogue,
            &agreement,
            &version,
            self.ctx.now(),
            user,
            DisplayName::new(&shown)?,
        )?;
        self.agreements(cmd)
    }
}

/// The principals an agreement command acts on (rule ROL-9): none.
pub(crate) fn subjects(command: &C) -> Vec<Subject> {
    match command {
        agreements_commands!() | other_than!(agreements) => Vec::new(),
    }
}

/// What accepting an agreement gives (rule ROL-8): nothing in access's terms.
pub(crate) fn gives(command: &C) -> Gives {
    match command {
        C::AcceptAgreement { .. } | other_than!(agreements) => Gives::nothing(),
    }
}
