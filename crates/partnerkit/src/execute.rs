//! The one decide step every command takes, sync or async: authorise, then decide each
//! domain's part on the cached state, mirroring identity's principal changes into access.
//!
//! [`decide`] works on an account's cached [`Entry`] in place, so its cost follows what the
//! command touches, not the size of the account. It returns the events to store; the caller
//! (the service) appends them at the entry's version and only then advances the entry's
//! version. If deciding fails after part of the command was applied, [`Failed::dirty`] says
//! so and the caller drops the entry: the next use reloads it from the store.

use partnerkit_access::Principal;
use partnerkit_agreements::Agreements;
use partnerkit_core::{AccountId, Actor, Context, Decider, DisplayName, SecretString, Version};
use partnerkit_identity::Invitees;
use partnerkit_tax::{W8, W9};

use partnerkit_access::{Authorized, Denial, first_tenant_grant};

use crate::authorize::authorize_command;
use crate::command::{AccountCommand, W8Input};
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
    };
    match tx.run(command) {
        Ok(revealed) => Ok(Decided {
            events: tx.events,
            revealed,
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
}

pub(crate) type Step<T = ()> = Result<T, Refusal>;

impl Tx<'_, '_> {
    fn run(&mut self, command: AccountCommand) -> Step<Option<Revealed>> {
        use AccountCommand as C;
        use partnerkit_identity::Command as I;
        use partnerkit_payouts::Command as Pay;
        use partnerkit_tax::Command as T;
        let mut revealed = None;
        match command {
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
                if let Some(owner) = open.owner {
                    self.associate_owner(owner)?;
                }
            }
            C::RecordVerification { step, state } => {
                self.identity(I::RecordVerification { step, state })?;
            }
            C::ChangeDisplayName { display_name } => {
                self.identity(I::ChangeDisplayName { display_name })?;
            }
            C::SetSellerContact { contact } => {
                self.identity(I::SetSellerContact { contact })?;
            }
            C::SetCompanyApprover { approver } => {
                self.identity(I::SetCompanyApprover { approver })?;
            }
            C::BeginTenantAssociation(t) => {
                self.identity(I::BeginTenantAssociation {
                    tenant: t.tenant,
                    organization: t.organization,
                    domain: t.domain,
                    synced_from_on_premises: t.synced_from_on_premises,
                    first_user: t.first_user,
                })?;
            }
            C::ConfirmTenantAssociation { tenant, grant } => {
                let first = self.entry.state.identity.tenants().next().is_none();
                let first_user = self
                    .entry
                    .state
                    .identity
                    .pending_association(tenant)
                    .and_then(|p| p.first_user.as_ref())
                    .map(|u| u.user);
                let grant = if first {
                    // The account's first user: a Manager from the start (rule USR-7), never
                    // more (rule ROL-8).
                    Some(first_tenant_grant(grant)?)
                } else {
                    grant
                };
                self.identity(I::ConfirmTenantAssociation { tenant })?;
                self.grant_new(first_user.map(Principal::User), grant)?;
            }
            C::CancelTenantAssociation { tenant } => {
                self.identity(I::CancelTenantAssociation { tenant })?;
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
                self.grant_new(Some(Principal::User(t.admin)), t.grant)?;
                revealed = Some(Revealed {
                    of: crate::SecretOf::InitialPassword { user: t.admin },
                    secret: password,
                });
            }
            C::RemoveTenant { tenant, confirmed } => {
                self.identity(I::RemoveTenant { tenant, confirmed })?;
            }
            C::AddUsers {
                tenant,
                users,
                grant,
            } => {
                let principals: Vec<Principal> =
                    users.iter().map(|u| Principal::User(u.user)).collect();
                self.identity(I::AddUsers { tenant, users })?;
                self.grant_many(principals, Some(grant))?;
            }
            C::CreateUser(u) => {
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
                self.grant_new(Some(Principal::User(u.user)), u.grant)?;
                revealed = Some(Revealed {
                    of: crate::SecretOf::InitialPassword { user: u.user },
                    secret: password,
                });
            }
            C::RenameUser { user, name } => {
                self.identity(I::RenameUser { user, name })?;
            }
            C::InviteGuests {
                tenant,
                emails,
                guests,
                grant,
            } => {
                let invitees = Invitees::new(&emails)?;
                if invitees.emails().len() != guests.len() {
                    return Err(DomainError::IdsMismatch {
                        addresses: invitees.emails().len(),
                        ids: guests.len(),
                    }
                    .into());
                }
                let principals: Vec<Principal> =
                    guests.iter().copied().map(Principal::User).collect();
                self.identity(I::InviteGuests {
                    tenant,
                    invitees,
                    guests,
                })?;
                self.grant_many(principals, Some(grant))?;
            }
            C::ResendInvitation { user } => {
                self.identity(I::ResendInvitation { user })?;
            }
            C::AcceptInvitation { user } => {
                self.identity(I::AcceptInvitation { user })?;
            }
            C::RemoveUser { user, confirmed } => {
                self.identity(I::RemoveUser { user, confirmed })?;
            }
            C::ResetPassword { user } => {
                let temporary = SecretString::generate_password(self.ctx.rng()?)?;
                self.identity(I::ResetPassword {
                    user,
                    temporary: temporary.clone(),
                })?;
                revealed = Some(Revealed {
                    of: crate::SecretOf::TemporaryPassword { user },
                    secret: temporary,
                });
            }
            C::ResetOwnPassword { password } => {
                self.identity(I::ResetOwnPassword {
                    password: password.0,
                })?;
            }
            C::AddGroups {
                tenant,
                groups,
                grant,
            } => {
                let principals: Vec<Principal> =
                    groups.iter().map(|g| Principal::Group(g.group)).collect();
                self.identity(I::AddGroups { tenant, groups })?;
                self.grant_many(principals, Some(grant))?;
            }
            C::CreateGroup {
                tenant,
                group,
                name,
                members,
                grant,
            } => {
                // The members join an empty group; the grant that follows gives them what the
                // actor must hold too (rule ROL-8).
                self.identity(I::CreateGroup {
                    tenant,
                    group: Some(group),
                    name,
                    members,
                })?;
                self.grant_new(Some(Principal::Group(group)), grant)?;
            }
            C::ChangeGroupMembers { group, add, remove } => {
                self.identity(I::ChangeGroupMembers { group, add, remove })?;
            }
            C::RemoveGroup { group, confirmed } => {
                self.identity(I::RemoveGroup { group, confirmed })?;
            }
            C::AddApps {
                tenant,
                apps,
                grant,
            } => {
                let principals: Vec<Principal> =
                    apps.iter().map(|a| Principal::App(a.app)).collect();
                self.identity(I::AddApps { tenant, apps })?;
                self.grant_many(principals, Some(grant))?;
            }
            C::CreateApp(a) => {
                self.identity(I::CreateApp {
                    tenant: a.tenant,
                    app: Some(a.app),
                    name: a.name,
                    reply_url: a.reply_url,
                    app_id_uri: a.app_id_uri,
                })?;
                self.grant_new(Some(Principal::App(a.app)), a.grant)?;
            }
            C::RemoveApps { apps, confirmed } => {
                self.identity(I::RemoveApps { apps, confirmed })?;
            }
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
                revealed = Some(Revealed {
                    of: crate::SecretOf::KeyValue { app, key },
                    secret: value,
                });
            }
            C::DeleteAppKey { app, key } => {
                self.identity(I::DeleteKey { app, key })?;
            }
            C::Grant { principals, grant } => {
                self.access(partnerkit_access::Command::GrantMany { principals, grant })?;
            }
            C::Revoke { principal, grant } => {
                self.access(partnerkit_access::Command::Revoke { principal, grant })?;
            }
            C::SetGrants { principal, grants } => {
                self.access(partnerkit_access::Command::SetGrants { principal, grants })?;
            }
            C::AcceptAgreement { agreement, version } => {
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
                let events = Agreements::decide(&self.entry.state.agreements, cmd, self.ctx)?;
                for e in events {
                    self.push(AccountEvent::Agreements(e));
                }
            }
            C::AssociateOwnerAccount { owner } => self.associate_owner(owner)?,
            C::SetPayoutAccount {
                payout_account,
                method,
            } => {
                let account = self.new_payout_account(method)?;
                self.payouts(Pay::SetPayoutAccount {
                    account,
                    payout_account: Some(payout_account),
                })?;
            }
            C::RecordPayoutVerification {
                payout_account,
                outcome,
            } => {
                self.payouts(Pay::RecordVerification {
                    payout_account,
                    outcome,
                })?;
            }
            C::SetPayoutHold { on } => self.payouts(Pay::SetHold { on })?,
            C::StartTaxProfile { details } => self.tax(T::StartProfile(details))?,
            C::EditTaxProfile { details } => self.tax(T::EditProfile(details))?,
            C::SubmitW9 { form } => self.tax(T::SubmitW9(W9 {
                name: form.name,
                tin: form.tin.0,
                signature: form.signature,
            }))?,
            C::SubmitW8Ben { form } => self.tax(T::SubmitW8Ben {
                form: w8(form),
                treaties: self.settings.treaties.clone(),
            })?,
            C::SubmitW8BenE { form } => self.tax(T::SubmitW8BenE {
                form: w8(form),
                treaties: self.settings.treaties.clone(),
            })?,
        }
        Ok(revealed)
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
