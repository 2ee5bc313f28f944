//! Grants: giving, taking back and replacing what principals hold (rules ROL-1..3, ROL-7,
//! ROL-8, USR-7). Each is the access command `AccountCommand::access_command` says, the one
//! its authorisation checked.

use partnerkit_access::Subject;

use super::other_than;
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
        match command.access_command() {
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
