//! The steps of deciding a command: each domain's decision applied to the entry, identity's
//! principal changes mirrored into access, and every grant checked against what the actor
//! held (rule ROL-8).

use partnerkit_access::{Access, Grant, Principal};
use partnerkit_agreements::Agreements;
use partnerkit_core::Decider;
use partnerkit_identity::{Identity, PrincipalChange};
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

    /// Decides an identity command, then mirrors what it did to the account's principals
    /// into access: identity says which principals an event adds or removes and who can sign
    /// in (rule TEN-4, USR-1); access records it.
    pub(crate) fn identity(&mut self, cmd: partnerkit_identity::Command) -> Step {
        let events = Identity::decide(&self.entry.state.identity, cmd, self.ctx)?;
        for e in events {
            self.push(AccountEvent::Identity(e.clone()));
            let changes = self.entry.state.identity.principal_changes(&e);
            self.mirror_all(changes)?;
        }
        Ok(())
    }

    /// Records an identity event's principal changes in access, in order, except that the
    /// groups it adds are registered with their first members in one access event at the
    /// end, however many there are (a directory of 50,000 groups is one stored event, not
    /// 100,000). Their members are users registered before them.
    fn mirror_all(&mut self, changes: Vec<PrincipalChange>) -> Step {
        let mut groups: Vec<partnerkit_access::NewGroup> = Vec::new();
        let mut at = std::collections::HashMap::new();
        for change in changes {
            match change {
                PrincipalChange::GroupAdded { group, tenant } => {
                    at.insert(group, groups.len());
                    let members = Vec::new();
                    groups.push(partnerkit_access::NewGroup {
                        group,
                        tenant,
                        members,
                    });
                }
                PrincipalChange::MemberAdded { group, user }
                    if let Some(g) = at.get(&group).and_then(|i| groups.get_mut(*i)) =>
                {
                    g.members.push(user);
                }
                other => self.mirror(other)?,
            }
        }
        match groups.len() {
            0 => Ok(()),
            _ => self.access(partnerkit_access::Command::RegisterGroups { groups }),
        }
    }

    /// Records one principal change in access.
    pub(crate) fn mirror(&mut self, change: PrincipalChange) -> Step {
        use partnerkit_access::Command as A;
        let known = |tx: &Self, p: Principal| tx.entry.state.access.is_known(p);
        let cmd = match change {
            PrincipalChange::UserAdded {
                user,
                tenant,
                can_sign_in,
            } => {
                if known(self, Principal::User(user)) {
                    A::SetCanSignIn { user, can_sign_in }
                } else {
                    A::RegisterUser {
                        user,
                        tenant,
                        can_sign_in,
                    }
                }
            }
            PrincipalChange::GroupAdded { group, tenant } => A::RegisterGroups {
                groups: vec![partnerkit_access::NewGroup {
                    group,
                    tenant,
                    members: Vec::new(),
                }],
            },
            PrincipalChange::AppAdded { app, tenant } => A::RegisterApp { app, tenant },
            PrincipalChange::MemberAdded { group, user } => A::AddGroupMember { group, user },
            PrincipalChange::MemberRemoved { group, user } => A::RemoveGroupMember { group, user },
            PrincipalChange::SignInChanged { user, can_sign_in } => {
                A::SetCanSignIn { user, can_sign_in }
            }
            PrincipalChange::UserRemoved { user } if known(self, Principal::User(user)) => {
                A::RemoveUser { user }
            }
            PrincipalChange::GroupRemoved { group } if known(self, Principal::Group(group)) => {
                A::RemoveGroup { group }
            }
            PrincipalChange::AppRemoved { app } if known(self, Principal::App(app)) => {
                A::RemoveApp { app }
            }
            PrincipalChange::TenantRemoved { tenant } => A::RemoveTenant { tenant },
            // A removal of something access never knew: nothing to mirror.
            _ => return Ok(()),
        };
        self.access(cmd)
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
                account_number: account_number.0,
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
