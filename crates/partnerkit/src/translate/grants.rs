//! Grants: giving, taking back and replacing what principals hold (rules ROL-1..3, ROL-7,
//! ROL-8, USR-7). Each is the access command [`gives`] says, the one its authorisation
//! checked.

use partnerkit_access::{Command as A, Subject};

use super::{Gives, other_than};
use crate::command::AccountCommand as C;
use crate::execute::{Step, Tx};

/// The grants' commands, as a pattern.
macro_rules! grants_commands {
    () => {
        $crate::AccountCommand::Grant { .. }
            | $crate::AccountCommand::Revoke { .. }
            | $crate::AccountCommand::SetGrants { .. }
    };
}
pub(crate) use grants_commands;
pub(crate) use grants_commands as commands;

impl Tx<'_, '_> {
    /// The grants' translation.
    pub(super) fn grants(&mut self, command: C) -> Step {
        match command.gives(&self.entry.state).access {
            Some(cmd) => self.access(cmd),
            None => self.unrouted(command),
        }
    }
}

/// The principals a grant command acts on (rule ROL-9): those it gives to, takes from or
/// replaces the grants of.
pub(crate) fn subjects(command: &C) -> Vec<Subject> {
    match command {
        C::Grant { principals, .. } => principals.iter().copied().map(Subject::Principal).collect(),
        C::Revoke { principal, .. } | C::SetGrants { principal, .. } => {
            vec![Subject::Principal(*principal)]
        }
        other_than!(grants) => Vec::new(),
    }
}

/// What a grant command gives or takes (rule ROL-8): it is the access command of the same
/// name, the one its authorisation checks and its translation decides.
pub(crate) fn gives(command: &C) -> Gives {
    let access = match command {
        C::Grant { principals, grant } => A::GrantMany {
            principals: principals.clone(),
            grant: *grant,
        },
        C::Revoke { principal, grant } => A::Revoke {
            principal: *principal,
            grant: *grant,
        },
        C::SetGrants { principal, grants } => A::SetGrants {
            principal: *principal,
            grants: grants.clone(),
        },
        other_than!(grants) => return Gives::nothing(),
    };
    Gives {
        access: Some(access),
        ..Gives::nothing()
    }
}
