//! What each command is in the domains' terms: one translation per area of the account — its
//! profile, tenants, users, groups and apps (identity), grants (access), agreements, payout
//! settings and the tax profile — behind [`Tx::run`], which routes each command to its area.
//!
//! A translation builds the domain commands and decides them in order on the entry (the
//! steps in `steps.rs`); the principals a command adds get the grant
//! [`AccountCommand::added`] says, the same list its authorisation checked (rule ROL-8).

use partnerkit_access::{Denial, Grant, Principal, first_tenant_grant};
use partnerkit_agreements::{AgreementId, AgreementVersion};
use partnerkit_core::{Actor, DisplayName, SecretString};
use partnerkit_identity::{Command as I, Invitees};
use partnerkit_payouts::Command as Pay;
use partnerkit_tax::{Command as T, W8, W9};

use crate::command::{AccountCommand as C, NewUser, W8Input};
use crate::entry::{Revealed, SecretOf};
use crate::error::DomainError;
use crate::execute::{Step, Tx};

impl Tx<'_, '_> {
    /// Routes `command` to the translation of its area. The match is exhaustive: a new
    /// command does not compile without its route.
    pub(crate) fn run(&mut self, command: C) -> Step {
        match command {
            c @ (C::OpenAccount(_)
            | C::RecordVerification { .. }
            | C::ChangeDisplayName { .. }
            | C::SetSellerContact { .. }
            | C::SetCompanyApprover { .. }) => self.profile(c),
            c @ (C::BeginTenantAssociation(_)
            | C::ConfirmTenantAssociation { .. }
            | C::CancelTenantAssociation { .. }
            | C::CreateTenant(_)
            | C::RemoveTenant { .. }) => self.tenants(c),
            c @ (C::AddUsers { .. }
            | C::CreateUser(_)
            | C::RenameUser { .. }
            | C::InviteGuests { .. }
            | C::ResendInvitation { .. }
            | C::AcceptInvitation { .. }
            | C::RemoveUser { .. }
            | C::ResetPassword { .. }
            | C::ResetOwnPassword { .. }) => self.users(c),
            c @ (C::AddGroups { .. }
            | C::CreateGroup { .. }
            | C::ChangeGroupMembers { .. }
            | C::RemoveGroup { .. }) => self.groups(c),
            c @ (C::AddApps { .. }
            | C::CreateApp(_)
            | C::RemoveApps { .. }
            | C::AddAppKey { .. }
            | C::DeleteAppKey { .. }) => self.apps(c),
            c @ (C::Grant { .. } | C::Revoke { .. } | C::SetGrants { .. }) => {
                match c.access_command() {
                    Some(cmd) => self.access(cmd),
                    None => self.unrouted(c),
                }
            }
            C::AcceptAgreement { agreement, version } => self.accept_agreement(agreement, version),
            c @ (C::AssociateOwnerAccount { .. }
            | C::SetPayoutAccount { .. }
            | C::RecordPayoutVerification { .. }
            | C::SetPayoutHold { .. }) => self.payout_settings(c),
            c @ (C::StartTaxProfile { .. }
            | C::EditTaxProfile { .. }
            | C::SubmitW9 { .. }
            | C::SubmitW8Ben { .. }
            | C::SubmitW8BenE { .. }) => self.tax_profile(c),
        }
    }

    /// A command [`run`](Self::run) routed to a translation that does not take it. It does
    /// not happen (each command has one route); if it did, the command would be refused, not
    /// silently do nothing — which the test running every kind by every actor would see.
    fn unrouted(&self, _command: C) -> Step {
        Err(Denial::CannotSignIn {
            actor: self.ctx.actor(),
        }
        .into())
    }

    /// Keeps the secret the command generated, to show it once (rules USR-8, APP-4, X-4).
    fn reveal(&mut self, of: SecretOf, secret: SecretString) {
        self.revealed = Some(Revealed { of, secret });
    }

    /// The account's profile: opening it (with its payout profile and, if given, its owner
    /// account), verification, names and contacts (rules ACC-1..3, PAY-1).
    fn profile(&mut self, command: C) -> Step {
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
            other => return self.unrouted(other),
        };
        self.identity(cmd)
    }

    /// Tenants: associating one in two steps, creating one with its administrator, removing
    /// one (rules TEN-1..4, USR-7).
    fn tenants(&mut self, command: C) -> Step {
        let (added, grant) = command.added(&self.entry.state);
        match command {
            C::BeginTenantAssociation(t) => self.identity(I::BeginTenantAssociation {
                tenant: t.tenant,
                organization: t.organization,
                domain: t.domain,
                synced_from_on_premises: t.synced_from_on_premises,
                first_user: t.first_user,
            }),
            C::ConfirmTenantAssociation { tenant, .. } => {
                // The account's first user: a Manager from the start (rule USR-7), never more
                // (rule ROL-8).
                let grant = match self.entry.state.identity.tenants().next() {
                    None => Some(first_tenant_grant(grant)?),
                    Some(_) => grant,
                };
                self.identity(I::ConfirmTenantAssociation { tenant })?;
                self.grant_many(added, grant)
            }
            C::CancelTenantAssociation { tenant } => {
                self.identity(I::CancelTenantAssociation { tenant })
            }
            C::CreateTenant(t) => {
                let password = SecretString::generate_password(self.ctx.rng()?)?;
                self.identity(I::CreateTenant {
                    tenant: Some(t.tenant),
                    label: t.label,
                    contact_email: t.contact_email,
                    admin: Some(t.admin),
                    admin_name: t.admin_name,
                    admin_username: t.admin_username,
                    admin_password: password.clone(),
                })?;
                self.grant_many(added, grant)?;
                self.reveal(SecretOf::InitialPassword { user: t.admin }, password);
                Ok(())
            }
            C::RemoveTenant { tenant, confirmed } => {
                self.identity(I::RemoveTenant { tenant, confirmed })
            }
            other => self.unrouted(other),
        }
    }

    /// Users: adding directory users, creating and inviting them, renaming, removing,
    /// resetting passwords (rules USR-1..8).
    fn users(&mut self, command: C) -> Step {
        let (added, grant) = command.added(&self.entry.state);
        match command {
            C::AddUsers { tenant, users, .. } => {
                self.identity(I::AddUsers { tenant, users })?;
                self.grant_many(added, grant)
            }
            C::CreateUser(user) => self.create_user(user, added, grant),
            C::RenameUser { user, name } => self.identity(I::RenameUser { user, name }),
            C::InviteGuests {
                tenant,
                emails,
                guests,
                ..
            } => {
                let invitees = Invitees::new(&emails)?;
                if invitees.emails().len() != guests.len() {
                    return Err(DomainError::IdsMismatch {
                        addresses: invitees.emails().len(),
                        ids: guests.len(),
                    }
                    .into());
                }
                let cmd = I::InviteGuests {
                    tenant,
                    invitees,
                    guests,
                };
                self.identity(cmd)?;
                self.grant_many(added, grant)
            }
            C::ResendInvitation { user } => self.identity(I::ResendInvitation { user }),
            C::AcceptInvitation { user } => self.identity(I::AcceptInvitation { user }),
            C::RemoveUser { user, confirmed } => self.identity(I::RemoveUser { user, confirmed }),
            C::ResetPassword { user } => {
                let temporary = SecretString::generate_password(self.ctx.rng()?)?;
                let cmd = I::ResetPassword {
                    user,
                    temporary: temporary.clone(),
                };
                self.identity(cmd)?;
                self.reveal(SecretOf::TemporaryPassword { user }, temporary);
                Ok(())
            }
            C::ResetOwnPassword { password } => self.identity(I::ResetOwnPassword {
                password: password.0,
            }),
            other => self.unrouted(other),
        }
    }

    /// A user created with a generated initial password, shown once (rule USR-4).
    fn create_user(&mut self, u: NewUser, added: Vec<Principal>, grant: Option<Grant>) -> Step {
        let password = SecretString::generate_password(self.ctx.rng()?)?;
        self.identity(I::CreateUser {
            tenant: u.tenant,
            user: Some(u.user),
            name: u.name,
            username: u.username,
            global_admin: u.global_admin,
            reset_email: u.reset_email,
            groups: u.groups,
            password: password.clone(),
        })?;
        self.grant_many(added, grant)?;
        self.reveal(SecretOf::InitialPassword { user: u.user }, password);
        Ok(())
    }

    /// Groups: adding directory groups, creating one, changing members, removing one (rules
    /// GRP-1..4).
    fn groups(&mut self, command: C) -> Step {
        let (added, grant) = command.added(&self.entry.state);
        match command {
            C::AddGroups { tenant, groups, .. } => {
                self.identity(I::AddGroups { tenant, groups })?;
                self.grant_many(added, grant)
            }
            C::CreateGroup {
                tenant,
                group,
                name,
                members,
                ..
            } => {
                // The members join an empty group; the grant that follows gives them what the
                // actor must hold too (rule ROL-8).
                self.identity(I::CreateGroup {
                    tenant,
                    group: Some(group),
                    name,
                    members,
                })?;
                self.grant_many(added, grant)
            }
            C::ChangeGroupMembers { group, add, remove } => {
                self.identity(I::ChangeGroupMembers { group, add, remove })
            }
            C::RemoveGroup { group, confirmed } => {
                self.identity(I::RemoveGroup { group, confirmed })
            }
            other => self.unrouted(other),
        }
    }

    /// Apps: adding directory apps, creating one, removing them, making and deleting keys
    /// (rules APP-1..4).
    fn apps(&mut self, command: C) -> Step {
        let (added, grant) = command.added(&self.entry.state);
        match command {
            C::AddApps { tenant, apps, .. } => {
                self.identity(I::AddApps { tenant, apps })?;
                self.grant_many(added, grant)
            }
            C::CreateApp(a) => {
                self.identity(I::CreateApp {
                    tenant: a.tenant,
                    app: Some(a.app),
                    name: a.name,
                    reply_url: a.reply_url,
                    app_id_uri: a.app_id_uri,
                })?;
                self.grant_many(added, grant)
            }
            C::RemoveApps { apps, confirmed } => self.identity(I::RemoveApps { apps, confirmed }),
            C::AddAppKey {
                app,
                key,
                expires_at,
            } => {
                let value = SecretString::generate_key_value(self.ctx.rng()?)?;
                self.identity(I::AddKey {
                    app,
                    key: Some(key),
                    value: value.clone(),
                    expires_at,
                })?;
                self.reveal(SecretOf::KeyValue { app, key }, value);
                Ok(())
            }
            C::DeleteAppKey { app, key } => self.identity(I::DeleteKey { app, key }),
            other => self.unrouted(other),
        }
    }

    /// An agreement accepted by a named directory user (rules AGR-1, AGR-3), under the name
    /// the account shows for them.
    fn accept_agreement(&mut self, agreement: AgreementId, version: AgreementVersion) -> Step {
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

    /// Payout settings: the owner account, the payout account and its verification, the
    /// hold (rules PAY-1..6).
    fn payout_settings(&mut self, command: C) -> Step {
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
            other => return self.unrouted(other),
        };
        self.payouts(cmd)
    }

    /// The tax profile and its forms (rules TAX-1..5); a W-8 is checked against the
    /// settings' treaty table.
    fn tax_profile(&mut self, command: C) -> Step {
        let cmd = match command {
            C::StartTaxProfile { details } => T::StartProfile(details),
            C::EditTaxProfile { details } => T::EditProfile(details),
            C::SubmitW9 { form } => T::SubmitW9(W9 {
                name: form.name,
                tin: form.tin.0,
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
            other => return self.unrouted(other),
        };
        self.tax(cmd)
    }
}

/// The tax crate's W-8 from the form as entered.
fn w8(form: W8Input) -> W8 {
    W8 {
        name: form.name,
        foreign_tin: form.foreign_tin.map(|t| t.0),
        treaty_claim: form.treaty_claim,
        signature: form.signature,
    }
}
