//! Payout settings: the owner account, the payout account and its verification, the hold
//! (rules PAY-1..6).

use partnerkit_access::Subject;
use partnerkit_payouts::Command as Pay;

use super::{Gives, other_than};
use crate::command::AccountCommand as C;
use crate::execute::{Step, Tx};

/// The payout settings' commands, as a pattern.
macro_rules! payout_settings_commands {
    () => {
        $crate::AccountCommand::AssociateOwnerAccount { .. }
            | $crate::AccountCommand::SetPayoutAccount { .. }
            | $crate::AccountCommand::RecordPayoutVerification { .. }
            | $crate::AccountCommand::SetPayoutHold { .. }
    };
}
pub(crate) use payout_settings_commands;
pub(crate) use payout_settings_commands as commands;

impl Tx<'_, '_> {
    /// The payout settings' translation.
    pub(super) fn payout_settings(&mut self, command: C) -> Step {
        let cmd = match command {
            C::AssociateOwnerAccount { owner } => return self.associate_owner(owner),
            C::SetPayoutAccount {
                payout_account,
                method,
            } => Pay::SetPayoutAccount {
                account: self.new_payout_account(method)?,
                payout_account: Some(payout_account),
            },
            C::RecordPayoutVerification {
                payout_account,
                outcome,
            } => Pay::RecordVerification {
                payout_account,
                outcome,
            },
            C::SetPayoutHold { on } => Pay::SetHold { on },
            other @ other_than!(payout_settings) => return self.unrouted(other),
        };
        self.payouts(cmd)
    }
}

/// The principals a payout settings command acts on (rule ROL-9): none.
pub(crate) fn subjects(command: &C) -> Vec<Subject> {
    match command {
        payout_settings_commands!() | other_than!(payout_settings) => Vec::new(),
    }
}

/// What a payout settings command gives (rule ROL-8): nothing in access's terms (the owner
/// account is no principal of access's; rule PAY-1).
pub(crate) fn gives(command: &C) -> Gives {
    match command {
        C::AssociateOwnerAccount { .. }
        | C::SetPayoutAccount { .. }
        | C::RecordPayoutVerification { .. }
        | C::SetPayoutHold { .. }
        | other_than!(payout_settings) => Gives::nothing(),
    }
}
