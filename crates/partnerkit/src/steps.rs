//! The steps of deciding a command: each domain's decision applied to the entry, identity's
//! principal changes mirrored into access, and every grant checked against what the actor
//! held (rule ROL-8).

use partnerkit_access::{Access, Grant, Principal};
use partnerkit_agreements::Agreements;
use partnerkit_core::Decider;
use partnerkit_identity::Identity;
use partnerkit_payouts::{BankDetails, NewPayoutAccount, Payouts, check_owner_account};
use partnerkit_tax::Tax;

use crate::command::PayoutMethodInput;
use crate::error::DomainError;
use crate::execute::{Step, Tx};
use crate::state::AccountEvent;

impl Tx<'_, '_> {
    /// Applies a decided event to the entry at once (so the command's next decision sees it)
    /// and keeps it to store.
    pub(crate) fn push(&mut self, event: AccountEvent) {
        self.entry.apply(&event);
        self.events.push(event);
    }

    /// Decides an identity command, then records in access what each event did to the
    /// account's principals: identity reports the changes (rules TEN-4, USR-1), access says
    /// which of its commands mirror them ([`partnerkit_access::mirror`]), and each is decided
    /// like any other access command, on the state the ones before it left.
    pub(crate) fn identity(&mut self, cmd: partnerkit_identity::Command) -> Step {
        let events = Identity::decide(&self.entry.state.identity, cmd, self.ctx)?;
        for e in events {
            self.push(AccountEvent::Identity(e.clone()));
            let mut mirror =
                partnerkit_access::mirror(self.entry.state.identity.principal_changes(&e));
            while let Some(cmd) = mirror.next_command(&self.entry.state.access) {
                self.access(cmd)?;
            }
        }
        Ok(())
    }

    /// Decides an access command. A command that gives or takes permissions — a grant, a
    /// group membership — needs every permission it gives or takes, held by the actor when
    /// the command began (rule ROL-8): access says what it needs and checks it.
    pub(crate) fn access(&mut self, cmd: partnerkit_access::Command) -> Step {
        self.authorized
            .check_gives(&cmd, &self.entry.state.access)?;
        let events = Access::decide(&self.entry.state.access, cmd, self.ctx)?;
        for e in events {
            self.push(AccountEvent::Access(e));
        }
        Ok(())
    }

    /// Gives newly added principals the command's grant in one step (USR-3, GRP-1, APP-1).
    pub(crate) fn grant_many(&mut self, principals: Vec<Principal>, grant: Option<Grant>) -> Step {
        match grant {
            Some(grant) if !principals.is_empty() => {
                self.access(partnerkit_access::Command::GrantMany { principals, grant })
            }
            _ => Ok(()),
        }
    }

    pub(crate) fn payouts(&mut self, cmd: partnerkit_payouts::Command) -> Step {
        let events = Payouts::decide(&self.entry.state.payouts, cmd, self.ctx)?;
        for e in events {
            self.push(AccountEvent::Payouts(e));
        }
        Ok(())
    }

    pub(crate) fn agreements(&mut self, cmd: partnerkit_agreements::Command) -> Step {
        let events = Agreements::decide(&self.entry.state.agreements, cmd, self.ctx)?;
        for e in events {
            self.push(AccountEvent::Agreements(e));
        }
        Ok(())
    }

    pub(crate) fn tax(&mut self, cmd: partnerkit_tax::Command) -> Step {
        let events = Tax::decide(&self.entry.state.tax, cmd, self.ctx)?;
        for e in events {
            self.push(AccountEvent::Tax(e));
        }
        Ok(())
    }

    /// Associates `owner` as the account's owner account (rule PAY-1), checked as the
    /// settings' [`OwnerRegistry`](crate::OwnerRegistry) says: against the host's record, or
    /// vouched for by the marketplace, the only one who may ask.
    pub(crate) fn associate_owner(&mut self, owner: partnerkit_core::OwnerAccountId) -> Step {
        let check = check_owner_account(&self.settings.owner_registry, owner, self.account)?;
        self.payouts(partnerkit_payouts::Command::AssociateOwnerAccount { check })
    }

    pub(crate) fn new_payout_account(&self, method: PayoutMethodInput) -> Step<NewPayoutAccount> {
        Ok(match method {
            PayoutMethodInput::Bank {
                account_type,
                holder,
                account_number,
                routing_number,
                billing_address,
                phone,
            } => NewPayoutAccount::bank(BankDetails {
                account_type,
                holder,
                account_number,
                routing_number,
                billing_address,
                phone,
            })?,
            PayoutMethodInput::PayPal { email } => {
                let country = self
                    .entry
                    .state
                    .payouts
                    .registration()
                    .map(|r| r.country)
                    .ok_or(DomainError::AccountNotFound {
                        account: self.account,
                    })?;
                NewPayoutAccount::paypal(email, country, self.settings.policy.paypal_markets())?
            }
        })
    }
}
