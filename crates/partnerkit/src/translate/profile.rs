//! The account's profile: opening it (with its payout profile and, if given, its owner
//! account), verification, names and contacts (rules ACC-1..3, PAY-1).

use partnerkit_access::Subject;
use partnerkit_identity::Command as I;
use partnerkit_payouts::Command as Pay;

use super::{Gives, other_than};
use crate::command::AccountCommand as C;
use crate::execute::{Step, Tx};

/// The profile's commands, as a pattern.
macro_rules! profile_commands {
    () => {
        $crate::AccountCommand::OpenAccount(_)
            | $crate::AccountCommand::RecordVerification { .. }
            | $crate::AccountCommand::ChangeDisplayName { .. }
            | $crate::AccountCommand::SetSellerContact { .. }
            | $crate::AccountCommand::SetCompanyApprover { .. }
    };
}
pub(crate) use profile_commands;
pub(crate) use profile_commands as commands;

impl Tx<'_, '_> {
    /// The profile's translation.
    pub(super) fn profile(&mut self, command: C) -> Step {
        let cmd = match command {
            C::OpenAccount(open) => {
                self.identity(I::OpenAccount {
                    account: open.account,
                    seller_id: open.seller_id,
                    account_type: open.account_type,
                    display_name: open.display_name,
                })?;
                self.payouts(Pay::SetUp {
                    account: open.account,
                    country: open.country,
                    currency: open.currency,
                })?;
                return match open.owner {
                    Some(owner) => self.associate_owner(owner),
                    None => Ok(()),
                };
            }
            C::RecordVerification { step, state } => I::RecordVerification { step, state },
            C::ChangeDisplayName { display_name } => I::ChangeDisplayName { display_name },
            C::SetSellerContact { contact } => I::SetSellerContact { contact },
            C::SetCompanyApprover { approver } => I::SetCompanyApprover { approver },
            other @ other_than!(profile) => return self.unrouted(other),
        };
        self.identity(cmd)
    }
}

/// The principals a profile command acts on (rule ROL-9): none.
pub(crate) fn subjects(command: &C) -> Vec<Subject> {
    match command {
        profile_commands!() | other_than!(profile) => Vec::new(),
    }
}

/// What a profile command gives (rule ROL-8): nothing in access's terms.
pub(crate) fn gives(command: &C) -> Gives {
    match command {
        C::OpenAccount(_)
        | C::RecordVerification { .. }
        | C::ChangeDisplayName { .. }
        | C::SetSellerContact { .. }
        | C::SetCompanyApprover { .. }
        | other_than!(profile) => Gives::nothing(),
    }
}
