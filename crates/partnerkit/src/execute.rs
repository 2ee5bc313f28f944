//! The one decide step every command takes, sync or async: authorise, then decide each
//! domain's part on the cached state, mirroring identity's principal changes into access.
//!
//! [`decide`] works on an account's cached [`Entry`] in place, so its cost follows what the
//! command touches, not the size of the account. It returns the events to store; the caller
//! (the service) appends them at the entry's version and only then advances the entry's
//! version. If deciding fails after part of the command was applied, [`Failed::dirty`] says
//! so and the caller drops the entry: the next use reloads it from the store.

use partnerkit_access::{Access, AccessIndex, Grant, Principal};
use partnerkit_agreements::Agreements;
use partnerkit_core::{AccountId, Actor, Context, Decider, DisplayName, SecretString, Version};
use partnerkit_identity::{Identity, Invitees, PrincipalChange};
use partnerkit_payouts::{
    BankDetails, NewPayoutAccount, OwnerAccountRegistry, Payouts, check_owner_account,
};
use partnerkit_tax::{Tax, W8, W9};

use crate::authorize::{Authorized, Denial, authorize, cap_first_tenant_grant, check_within};
use crate::command::{AccountCommand, CommandKind, PayoutMethodInput, W8Input};
use crate::error::DomainError;
use crate::settings::Settings;
use crate::state::{AccountEvent, AccountState};

/// An account as the service keeps it in memory: its version, state and live access index.
#[derive(Debug, Clone, Default)]
pub(crate) struct Entry {
    /// The version the state is at (as stored).
    pub(crate) version: Version,
    /// The state at that version.
    pub(crate) state: AccountState,
    /// The access index of that state, updated event by event.
    pub(crate) index: AccessIndex,
    /// Events stored since the last snapshot (or since the account was loaded).
    pub(crate) since_snapshot: u64,
    /// True while a command decides on it: an entry found still in flight was left by a
    /// panic and is never used.
    pub(crate) in_flight: bool,
}

impl Entry {
    /// An entry for a state read from the store.
    pub(crate) fn new(state: AccountState, version: Version, since_snapshot: u64) -> Self {
        let index = AccessIndex::build(&state.access);
        Entry {
            version,
            state,
            index,
            since_snapshot,
            in_flight: false,
        }
    }

    /// How many users, groups and apps the account has: what its snapshot's size follows.
    pub(crate) fn principals(&self) -> u64 {
        let access = &self.state.access;
        (access.users().len() + access.groups().len() + access.apps().len()) as u64
    }

    /// Applies events another writer stored, advancing the entry (catching up).
    pub(crate) fn catch_up<'e>(&mut self, events: impl IntoIterator<Item = &'e AccountEvent>) {
        for e in events {
            self.state.apply(e);
            if let AccountEvent::Access(a) = e {
                self.index.apply(a);
            }
            self.version = self.version.after(1);
            self.since_snapshot += 1;
        }
    }
}

/// What a secret a command generated belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum SecretOf {
    /// A new user's (or a new tenant's first administrator's) initial password (rule TEN-3,
    /// USR-4).
    InitialPassword {
        /// The user.
        user: partnerkit_core::UserId,
    },
    /// A temporary password set by a reset (rule USR-8).
    TemporaryPassword {
        /// The user.
        user: partnerkit_core::UserId,
    },
    /// A new app key's value (rule APP-4).
    KeyValue {
        /// The app.
        app: partnerkit_core::AppId,
        /// The key.
        key: partnerkit_core::KeyId,
    },
}

/// A secret shown to the caller now and never again: only its fingerprint or hash is stored
/// (rules USR-8, APP-4, X-4). The one shape every generated secret comes back in.
#[derive(Debug, Clone)]
pub struct Revealed {
    /// What it belongs to.
    pub of: SecretOf,
    /// The secret. Show it once; it cannot be read again.
    pub secret: SecretString,
}

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

/// Authorises `ctx`'s actor for a command of `kind` on `entry` (the table in
/// [`crate::authorize`]). An account that does not exist has an empty state, in which nobody
/// can sign in: a stranger learns nothing, not even that (rule X-2).
pub(crate) fn authorize_kind(
    entry: &Entry,
    actor: &Actor,
    kind: CommandKind,
    invitee: Option<partnerkit_core::UserId>,
) -> Result<Authorized, Denial> {
    let has_tenant = entry.state.identity.tenants().next().is_some();
    authorize(
        &entry.state,
        &entry.index,
        actor,
        kind.requirement(has_tenant),
        invitee,
    )
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
    let invitee = match &command {
        AccountCommand::AcceptInvitation { user } => Some(*user),
        _ => None,
    };
    let authorized = authorize_kind(entry, &ctx.actor(), command.kind(), invitee)
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
struct Tx<'e, 'c> {
    entry: &'e mut Entry,
    ctx: &'c Context<'c>,
    authorized: Authorized,
    events: Vec<AccountEvent>,
    settings: &'c Settings,
    account: AccountId,
}

type Step<T = ()> = Result<T, Refusal>;

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
                    Some(cap_first_tenant_grant(
                        grant.unwrap_or(Grant::Role(partnerkit_access::Role::Manager)),
                    )?)
                } else {
                    let first_user: Vec<Principal> =
                        first_user.map(Principal::User).into_iter().collect();
                    self.precheck_grant(&first_user, grant)?;
                    grant
                };
                self.identity(I::ConfirmTenantAssociation { tenant })?;
                self.grant_new(first_user.map(Principal::User), grant)?;
            }
            C::CancelTenantAssociation { tenant } => {
                self.identity(I::CancelTenantAssociation { tenant })?;
            }
            C::CreateTenant(t) => {
                self.precheck_grant(&[Principal::User(t.admin)], t.grant)?;
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
                self.precheck_grant(&principals, Some(grant))?;
                self.identity(I::AddUsers { tenant, users })?;
                self.grant_many(principals, Some(grant))?;
            }
            C::CreateUser(u) => {
                let joins: Vec<_> = u
                    .groups
                    .iter()
                    .map(|g| partnerkit_access::Command::AddGroupMember {
                        group: *g,
                        user: u.user,
                    })
                    .collect();
                self.precheck(&joins)?;
                self.precheck_grant(&[Principal::User(u.user)], u.grant)?;
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
                self.precheck_grant(&principals, Some(grant))?;
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
                self.precheck_grant(&principals, Some(grant))?;
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
                self.precheck_grant(&[Principal::Group(group)], grant)?;
                self.identity(I::CreateGroup {
                    tenant,
                    group: Some(group),
                    name,
                    members,
                })?;
                self.grant_new(Some(Principal::Group(group)), grant)?;
            }
            C::ChangeGroupMembers { group, add, remove } => {
                let changes: Vec<_> = add
                    .iter()
                    .map(|user| partnerkit_access::Command::AddGroupMember { group, user: *user })
                    .chain(remove.iter().map(|user| {
                        partnerkit_access::Command::RemoveGroupMember { group, user: *user }
                    }))
                    .collect();
                self.precheck(&changes)?;
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
                self.precheck_grant(&principals, Some(grant))?;
                self.identity(I::AddApps { tenant, apps })?;
                self.grant_many(principals, Some(grant))?;
            }
            C::CreateApp(a) => {
                self.precheck_grant(&[Principal::App(a.app)], a.grant)?;
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

    fn push(&mut self, event: AccountEvent) {
        self.entry.state.apply(&event);
        if let AccountEvent::Access(a) = &event {
            self.entry.index.apply(a);
        }
        self.events.push(event);
    }

    /// Decides an identity command, then mirrors what it did to the account's principals
    /// into access: identity says which principals an event adds or removes and who can sign
    /// in (rule TEN-4, USR-1); access records it.
    fn identity(&mut self, cmd: partnerkit_identity::Command) -> Step {
        let events = Identity::decide(&self.entry.state.identity, cmd, self.ctx)?;
        for e in events {
            self.push(AccountEvent::Identity(e.clone()));
            for change in self.entry.state.identity.principal_changes(&e) {
                self.mirror(change)?;
            }
        }
        Ok(())
    }

    /// Records one principal change in access.
    fn mirror(&mut self, change: PrincipalChange) -> Step {
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
            PrincipalChange::GroupAdded { group, tenant } => A::RegisterGroup { group, tenant },
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

    /// Decides an access command. A command that gives permissions — a grant, a group
    /// membership — needs every permission it gives, held by the actor when the command
    /// began (rule ROL-8): access says what it needs, the actor's held set is checked.
    fn access(&mut self, cmd: partnerkit_access::Command) -> Step {
        if changes_grants(&cmd) {
            let required = cmd.required_permissions(&self.entry.state.access);
            check_within(&self.authorized, required)?;
        }
        let events = Access::decide(&self.entry.state.access, cmd, self.ctx)?;
        for e in events {
            self.push(AccountEvent::Access(e));
        }
        Ok(())
    }

    /// Checks, before anything is decided, that the access changes a command will make are
    /// within what the actor holds (rule ROL-8): a denial then leaves the cached entry
    /// untouched. The same check runs again when the changes are made.
    fn precheck(&self, cmds: &[partnerkit_access::Command]) -> Step {
        for cmd in cmds {
            let required = cmd.required_permissions(&self.entry.state.access);
            check_within(&self.authorized, required)?;
        }
        Ok(())
    }

    /// [`Tx::precheck`] for a grant to principals about to be added.
    fn precheck_grant(&self, principals: &[Principal], grant: Option<Grant>) -> Step {
        match grant {
            Some(grant) if !principals.is_empty() => {
                self.precheck(&[partnerkit_access::Command::GrantMany {
                    principals: principals.to_vec(),
                    grant,
                }])
            }
            _ => Ok(()),
        }
    }

    /// Gives newly added principals the command's grant in one step (USR-3, GRP-1, APP-1).
    fn grant_many(&mut self, principals: Vec<Principal>, grant: Option<Grant>) -> Step {
        match grant {
            Some(grant) if !principals.is_empty() => {
                self.access(partnerkit_access::Command::GrantMany { principals, grant })
            }
            _ => Ok(()),
        }
    }

    fn grant_new(&mut self, principal: Option<Principal>, grant: Option<Grant>) -> Step {
        self.grant_many(principal.into_iter().collect(), grant)
    }

    fn payouts(&mut self, cmd: partnerkit_payouts::Command) -> Step {
        let events = Payouts::decide(&self.entry.state.payouts, cmd, self.ctx)?;
        for e in events {
            self.push(AccountEvent::Payouts(e));
        }
        Ok(())
    }

    fn tax(&mut self, cmd: partnerkit_tax::Command) -> Step {
        let events = Tax::decide(&self.entry.state.tax, cmd, self.ctx)?;
        for e in events {
            self.push(AccountEvent::Tax(e));
        }
        Ok(())
    }

    /// Associates `owner` as the account's owner account (rule PAY-1): checked against the
    /// host's registry when the service has one; otherwise the marketplace, the only one
    /// who may ask, vouches that it belongs to no other account.
    fn associate_owner(&mut self, owner: partnerkit_core::OwnerAccountId) -> Step {
        let check = match &self.settings.owner_registry {
            Some(registry) => check_owner_account(registry.as_ref(), owner, self.account)?,
            None => check_owner_account(&MarketplaceVouches, owner, self.account)?,
        };
        self.payouts(partnerkit_payouts::Command::AssociateOwnerAccount { check })
    }

    fn new_payout_account(&self, method: PayoutMethodInput) -> Step<NewPayoutAccount> {
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

fn w8(form: W8Input) -> W8 {
    W8 {
        name: form.name,
        foreign_tin: form.foreign_tin.map(|t| t.0),
        treaty_claim: form.treaty_claim,
        signature: form.signature,
    }
}

/// The registry used when the host configured none: the marketplace, the only actor who may
/// associate an owner account, vouches that it belongs to no other account.
struct MarketplaceVouches;

impl OwnerAccountRegistry for MarketplaceVouches {
    fn associated_account(
        &self,
        _owner: partnerkit_core::OwnerAccountId,
    ) -> Option<partnerkit_core::AccountId> {
        None
    }
}

/// True for the access commands that give or take permissions — grants and group
/// memberships — which the actor may do only within what it holds (rule ROL-8). Registering
/// and removing principals mirrors identity and gives nothing.
fn changes_grants(cmd: &partnerkit_access::Command) -> bool {
    use partnerkit_access::Command as A;
    matches!(
        cmd,
        A::AddGroupMember { .. }
            | A::SetGroupMembers { .. }
            | A::Grant { .. }
            | A::GrantMany { .. }
            | A::Revoke { .. }
            | A::SetGrants { .. }
    )
}
