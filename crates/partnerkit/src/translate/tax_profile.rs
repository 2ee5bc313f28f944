//! The tax profile and its forms (rules TAX-1..5); a W-8 is checked against the settings'
//! treaty table.

use partnerkit_access::Subject;
use partnerkit_tax::{Command as T, W8, W9};

use super::{Gives, other_than};
use crate::command::{AccountCommand as C, W8Input};
use crate::execute::{Step, Tx};

/// The tax profile's commands, as a pattern.
macro_rules! tax_profile_commands {
    () => {
        $crate::AccountCommand::StartTaxProfile { .. }
            | $crate::AccountCommand::EditTaxProfile { .. }
            | $crate::AccountCommand::SubmitW9 { .. }
            | $crate::AccountCommand::SubmitW8Ben { .. }
            | $crate::AccountCommand::SubmitW8BenE { .. }
    };
}
pub(crate) use tax_profile_commands;
pub(crate) use tax_profile_commands as commands;

impl Tx<'_, '_> {
    /// The tax profile's translation.
    pub(super) fn tax_profile(&mut self, command: C) -> Step {
        let cmd = match command {
            C::StartTaxProfile { details } => T::StartProfile(details),
            C::EditTaxProfile { details } => T::EditProfile(details),
            C::SubmitW9 { form } => T::SubmitW9(W9 {
                name: form.name,
                tin: form.tin,
                signature: form.signature,
            }),
            C::SubmitW8Ben { form } => T::SubmitW8Ben {
                form: w8(form),
                treaties: self.settings.treaties.clone(),
            },
            C::SubmitW8BenE { form } => T::SubmitW8BenE {
                form: w8(form),
                treaties: self.settings.treaties.clone(),
            },
            other @ other_than!(tax_profile) => return self.unrouted(other),
        };
        self.tax(cmd)
    }
}

/// The tax crate's W-8 from the form as entered.
fn w8(form: W8Input) -> W8 {
    W8 {
        name: form.name,
        foreign_tin: form.foreign_tin,
        treaty_claim: form.treaty_claim,
        signature: form.signature,
    }
}

/// The principals a tax profile command acts on (rule ROL-9): none.
pub(crate) fn subjects(command: &C) -> Vec<Subject> {
    match command {
        tax_profile_commands!() | other_than!(tax_profile) => Vec::new(),
    }
}

/// What a tax profile command gives (rule ROL-8): nothing in access's terms.
pub(crate) fn gives(command: &C) -> Gives {
    match command {
        C::StartTaxProfile { .. }
        | C::EditTaxProfile { .. }
        | C::SubmitW9 { .. }
        | C::SubmitW8Ben { .. }
        | C::SubmitW8BenE { .. }
        | other_than!(tax_profile) => Gives::nothing(),
    }
}
