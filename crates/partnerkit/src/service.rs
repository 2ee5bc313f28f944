//! The account service: authorise, decide, apply, store — one entry point per command.

use partnerkit_access::{
    Access, AccessIndex, Decision, Grant, Permission, PermissionSet, Principal, Request,
    authorize_scan,
};
use partnerkit_agreements::{AgreementId, AgreementVersion, Agreements, Catalogue};
use partnerkit_core::PayoutAccountId;
use partnerkit_core::{
    AccountId, Actor, AppId, Context, CountryCode, Currency, Decider, DisplayName, EmailAddress,
    EntityId, Envelope, GroupId, KeyId, OwnerAccountId, PersonName, SecretString, SellerId,
    TenantId, Url, UserId, Version,
};
use partnerkit_identity::{
    AccountType, CompanyApprover, DirectoryApp, DirectoryGroup, DirectoryUser, DomainLabel,
    DomainName, Identity, Invitees, SellerContact, StepState, VerificationStep,
};
use partnerkit_payouts::{
    CarryOver, LedgerEntry, NewPayoutAccount, OwnerAccountRegistry, PayoutMonth, PayoutPolicy,
    Payouts, Statement, VerificationOutcome, check_owner_account,
};
use partnerkit_tax::{ProfileDetails, RemittanceTable, Tax, TreatyTable, W8, W9};

use crate::error::{Denial, DomainError, Error};
use crate::selling::Readiness;
use crate::state::{AccountEvent, AccountState};
use crate::store::{AccountStore, Recorded, StoreError};

/// The host's data the service decides with: the agreements catalogue, the payout policy,
/// the treaty table and the remittance table. Each defaults to the data shipped with its crate.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// The publishing agreements and their versions (rule AGR-3).
    pub catalogue: Catalogue,
    /// Thresholds, lags, payment day and payout time zone (rule PAY-8).
    pub policy: PayoutPolicy,
    /// Treaty withholding rates (rule TAX-5).
    pub treaties: TreatyTable,
    /// Who remits sales tax where (rule TAX-6).
    pub remittance: RemittanceTable,
}

/// What an accepted command did: its events, as stored, and the account's new version.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// The events, each with who and when (rule X-1). Empty if nothing changed.
    pub events: Vec<Recorded>,
    /// The account's version after them.
    pub version: Version,
}

/// An outcome with a secret that is shown to the caller now and never again: a temporary
/// password or a key value (rules USR-8, APP-4, X-4). The stored events hold only its
/// fingerprint.
#[derive(Debug)]
pub struct Revealed<T> {
    /// What the command did.
    pub outcome: Outcome,
    /// The id of what the secret belongs to (the user, the key).
    pub id: T,
    /// The secret. Show it once; it cannot be read again.
    pub secret: SecretString,
}

/// What opens an account: the publisher IDs the marketplace assigned (rule ACC-2), the
/// account type (rule ACC-1), and where it is registered (rule PAY-3).
#[derive(Debug, Clone, PartialEq)]
pub struct OpenAccount {
    /// The account id.
    pub account: AccountId,
    /// The seller ID.
    pub seller_id: SellerId,
    /// Company or individual.
    pub account_type: AccountType,
    /// The publisher display name.
    pub display_name: DisplayName,
    /// The owner account (MSA) that opened it, if known now.
    pub owner: Option<OwnerAccountId>,
    /// The country or region of registration: payout accounts must be there (rule PAY-3).
    pub country: CountryCode,
    /// The currency payouts are made in.
    pub currency: Currency,
}

/// The first step of associating an existing tenant (rule TEN-2): what the user reviewed.
#[derive(Debug, Clone, PartialEq)]
pub struct TenantToAssociate {
    /// The tenant's directory id.
    pub tenant: TenantId,
    /// Its organisation name, as the directory reports it.
    pub organization: DisplayName,
    /// Its domain name.
    pub domain: DomainName,
    /// True if it synchronises from an on-premises directory (rule USR-6).
    pub synced_from_on_premises: bool,
    /// The user who signed in to it, who is added to the account; on an account's first tenant
    /// this user becomes its first Manager.
    pub first_user: Option<DirectoryUser>,
}

/// A tenant to create (rule TEN-3).
#[derive(Debug, Clone, PartialEq)]
pub struct NewTenant {
    /// The domain label: the tenant is `LABEL.onmicrosoft.com`.
    pub label: DomainLabel,
    /// The tenant's contact email.
    pub contact_email: EmailAddress,
    /// The first global administrator's name.
    pub admin_name: PersonName,
    /// The first global administrator's user name, in the new domain.
    pub admin_username: EmailAddress,
}

/// A user to create in a tenant (rule USR-4).
#[derive(Debug, Clone, PartialEq)]
pub struct NewUser {
    /// First and last name.
    pub name: PersonName,
    /// User name (sign-in address) in the tenant's domain.
    pub username: EmailAddress,
    /// Make them a global administrator of the directory (needs `reset_email`).
    pub global_admin: bool,
    /// Where password resets are sent (rule USR-8).
    pub reset_email: Option<EmailAddress>,
    /// Groups to put them in.
    pub groups: Vec<GroupId>,
}

/// An app to create in a tenant (rule APP-2).
#[derive(Debug, Clone, PartialEq)]
pub struct NewApp {
    /// Display name.
    pub name: DisplayName,
    /// Reply URL, unique in the directory.
    pub reply_url: Url,
    /// App ID URI, unique in the directory.
    pub app_id_uri: Url,
}

/// How long generated passwords are, in characters.
pub const PASSWORD_CHARS: usize = 16;
/// How long generated key values are, in characters.
pub const KEY_VALUE_CHARS: usize = 40;

/// Who may run a command, checked before it is decided (rule X-2).
#[derive(Debug, Clone, Copy)]
enum Who {
    /// Only the marketplace.
    Marketplace,
    /// A principal that can sign in and holds these permissions.
    Holding(PermissionSet),
    /// The account's owner account, holding these permissions (rule PAY-1).
    OwnerAccount(PermissionSet),
    /// A signed-in directory user holding these permissions (agreements: rule AGR-1).
    User(PermissionSet),
    /// The account's first tenant: a user signing in from it (identity vets the tenant) or the
    /// owner account.
    FirstTenant,
    /// Anyone the domain decider itself vets (a guest accepting their own invitation, the
    /// first tenant's association, a user resetting their own password).
    DomainChecks,
}

/// The account service: the one entry point a host calls (rule X-2).
///
/// Each method loads the account, authorises the actor in the command's [`Context`] with the
/// access crate, runs the domain decisions, and stores the new state and events only if the
/// account did not change meanwhile. A denied or invalid command changes nothing and stores
/// nothing.
///
/// See the crate's front page for a walk-through.
#[derive(Debug)]
pub struct AccountService<S> {
    store: S,
    settings: Settings,
}

/// One command's working copy of the state and the events decided so far.
struct Tx<'c> {
    state: AccountState,
    ctx: &'c Context<'c>,
    events: Vec<AccountEvent>,
    /// The principal whose permissions derived access commands are checked against, if any.
    checked: Option<Principal>,
}

impl Tx<'_> {
    fn identity(
        &mut self,
        cmd: partnerkit_identity::Command,
    ) -> Result<Vec<partnerkit_identity::Event>, DomainError> {
        let events = Identity::decide(&self.state.identity, cmd, self.ctx)?;
        for e in &events {
            Identity::apply(&mut self.state.identity, e);
            self.events.push(AccountEvent::Identity(e.clone()));
        }
        Ok(events)
    }

    /// Runs an access command, after checking that the acting principal holds every
    /// permission it needs, so no command can give more than its actor holds (rule ROL-7).
    fn access<E>(&mut self, cmd: partnerkit_access::Command) -> Result<(), Error<E>> {
        if let Some(principal) = self.checked {
            let mut required = cmd.required_permissions();
            if let partnerkit_access::Command::SetGrants { principal: p, .. } = &cmd {
                // Replacing grants also takes the current ones away: that needs them too.
                for g in self.state.access.grants_of(*p) {
                    required = required | g.permissions();
                }
            }
            check_permissions(&self.state, principal, required)?;
        }
        let events =
            Access::decide(&self.state.access, cmd, self.ctx).map_err(DomainError::from)?;
        for e in &events {
            Access::apply(&mut self.state.access, e);
            self.events.push(AccountEvent::Access(e.clone()));
        }
        Ok(())
    }

    fn payouts(
        &mut self,
        cmd: partnerkit_payouts::Command,
    ) -> Result<Vec<partnerkit_payouts::Event>, DomainError> {
        let events = Payouts::decide(&self.state.payouts, cmd, self.ctx)?;
        for e in &events {
            Payouts::apply(&mut self.state.payouts, e);
            self.events.push(AccountEvent::Payouts(e.clone()));
        }
        Ok(events)
    }

    fn tax(&mut self, cmd: partnerkit_tax::Command) -> Result<(), DomainError> {
        let events = Tax::decide(&self.state.tax, cmd, self.ctx)?;
        for e in &events {
            Tax::apply(&mut self.state.tax, e);
            self.events.push(AccountEvent::Tax(e.clone()));
        }
        Ok(())
    }

    fn agreements(&mut self, cmd: partnerkit_agreements::Command) -> Result<(), DomainError> {
        let events = Agreements::decide(&self.state.agreements, cmd, self.ctx)?;
        for e in &events {
            Agreements::apply(&mut self.state.agreements, e);
            self.events.push(AccountEvent::Agreements(e.clone()));
        }
        Ok(())
    }

    /// Gives the principals identity just added a grant in one step (USR-3, GRP-1, APP-1).
    fn register_and_grant<E>(
        &mut self,
        events: &[partnerkit_identity::Event],
        grant: Option<Grant>,
    ) -> Result<(), Error<E>> {
        use partnerkit_access::Command as A;
        use partnerkit_identity::Event as I;
        let mut principals = Vec::new();
        for e in events {
            match e {
                I::UsersAdded { tenant, users } => {
                    for u in users {
                        self.access(A::RegisterUser {
                            user: u.user,
                            tenant: *tenant,
                        })?;
                        principals.push(Principal::User(u.user));
                    }
                }
                I::UserCreated {
                    tenant,
                    user,
                    groups,
                    ..
                } => {
                    self.access(A::RegisterUser {
                        user: *user,
                        tenant: *tenant,
                    })?;
                    for g in groups {
                        self.access(A::AddGroupMember {
                            group: *g,
                            user: *user,
                        })?;
                    }
                    principals.push(Principal::User(*user));
                }
                I::GuestInvited { tenant, user, .. } => {
                    // Registered now, usable only once accepted: a pending guest cannot sign
                    // in (rule USR-5), and the service refuses actors who cannot.
                    self.access(A::RegisterUser {
                        user: *user,
                        tenant: *tenant,
                    })?;
                    principals.push(Principal::User(*user));
                }
                I::GroupsAdded { tenant, groups } => {
                    for g in groups {
                        self.register_group(*tenant, g.group, &g.members)?;
                        principals.push(Principal::Group(g.group));
                    }
                }
                I::GroupCreated {
                    tenant,
                    group,
                    members,
                    ..
                } => {
                    self.register_group(*tenant, *group, members)?;
                    principals.push(Principal::Group(*group));
                }
                I::AppsAdded { tenant, apps } => {
                    for a in apps {
                        self.access(A::RegisterApp {
                            app: a.app,
                            tenant: *tenant,
                        })?;
                        principals.push(Principal::App(a.app));
                    }
                }
                I::AppCreated { tenant, app, .. } => {
                    self.access(A::RegisterApp {
                        app: *app,
                        tenant: *tenant,
                    })?;
                    principals.push(Principal::App(*app));
                }
                _ => {}
            }
        }
        match grant {
            Some(grant) if !principals.is_empty() => {
                self.access(A::GrantMany { principals, grant })
            }
            _ => Ok(()),
        }
    }

    fn register_group<E>(
        &mut self,
        tenant: TenantId,
        group: GroupId,
        members: &[UserId],
    ) -> Result<(), Error<E>> {
        use partnerkit_access::Command as A;
        self.access(A::RegisterGroup { group, tenant })?;
        // Members known to the account; directory-only members are added as users first.
        let mut known = Vec::new();
        for m in members {
            if !self.state.access.is_known(Principal::User(*m)) {
                self.access(A::RegisterUser { user: *m, tenant })?;
            }
            known.push(*m);
        }
        if known.is_empty() {
            Ok(())
        } else {
            self.access(A::SetGroupMembers {
                group,
                members: known,
            })
        }
    }

    /// Drops from access what identity just removed (rules TEN-4, USR-7, GRP-3, APP-3).
    fn forward_removals<E>(
        &mut self,
        events: &[partnerkit_identity::Event],
    ) -> Result<(), Error<E>> {
        use partnerkit_access::Command as A;
        use partnerkit_identity::Event as I;
        for e in events {
            match e {
                I::TenantRemoved { tenant, .. } => {
                    self.access(A::RemoveTenant { tenant: *tenant })?
                }
                I::UserRemoved { user, .. }
                    if self.state.access.is_known(Principal::User(*user)) =>
                {
                    self.access(A::RemoveUser { user: *user })?;
                }
                I::GroupRemoved { group, .. }
                    if self.state.access.is_known(Principal::Group(*group)) =>
                {
                    self.access(A::RemoveGroup { group: *group })?;
                }
                I::AppsRemoved { apps, .. } => {
                    for app in apps {
                        if self.state.access.is_known(Principal::App(*app)) {
                            self.access(A::RemoveApp { app: *app })?;
                        }
                    }
                }
                I::GroupMembersChanged {
                    group,
                    added,
                    removed,
                    tenant,
                } => {
                    for user in added {
                        if !self.state.access.is_known(Principal::User(*user)) {
                            self.access(A::RegisterUser {
                                user: *user,
                                tenant: *tenant,
                            })?;
                        }
                        self.access(A::AddGroupMember {
                            group: *group,
                            user: *user,
                        })?;
                    }
                    for user in removed {
                        self.access(A::RemoveGroupMember {
                            group: *group,
                            user: *user,
                        })?;
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }
}

/// Checks that `principal` holds every permission in `required` (rule X-2).
fn check_permissions(
    state: &AccountState,
    principal: Principal,
    required: PermissionSet,
) -> Result<(), Denial> {
    for permission in required.iter() {
        let decision = authorize_scan(&state.access, &Request::new(principal, permission));
        if !decision.is_allowed() {
            return Err(Denial::Permission(decision));
        }
    }
    Ok(())
}

/// True if `actor` can sign in to the account at all (rule USR-1).
fn can_sign_in(state: &AccountState, actor: &Actor) -> bool {
    match *actor {
        Actor::User { tenant, user } => state.identity.can_sign_in(tenant, user),
        Actor::App { tenant, app } => {
            state.identity.tenant(tenant).is_some()
                && state.identity.app(app).is_some_and(|a| a.tenant == tenant)
        }
        Actor::OwnerAccount { owner } => owner_of(state) == Some(owner),
        _ => false,
    }
}

/// The account's owner account: as associated for payouts, or as recorded at opening.
fn owner_of(state: &AccountState) -> Option<OwnerAccountId> {
    state
        .payouts
        .owner()
        .or_else(|| state.access.owner_account())
        .or_else(|| state.identity.profile().and_then(|p| p.owner))
}

/// Authorises `actor` for a command that needs `who` (rule X-2). Returns the principal whose
/// permissions derived access changes are checked against.
fn authorize(state: &AccountState, actor: &Actor, who: Who) -> Result<Option<Principal>, Denial> {
    let principal = Principal::from_actor(actor);
    let signed_in = |required: PermissionSet| -> Result<Option<Principal>, Denial> {
        let Some(p) = principal else {
            return Err(Denial::CannotSignIn { actor: *actor });
        };
        if !can_sign_in(state, actor) {
            return Err(Denial::CannotSignIn { actor: *actor });
        }
        check_permissions(state, p, required)?;
        Ok(Some(p))
    };
    match who {
        Who::Marketplace => match actor {
            Actor::Marketplace => Ok(None),
            _ => Err(Denial::MarketplaceOnly { actor: *actor }),
        },
        Who::Holding(required) => signed_in(required),
        Who::OwnerAccount(required) => match actor {
            Actor::OwnerAccount { owner } if owner_of(state) == Some(*owner) => signed_in(required),
            _ => Err(Denial::OwnerAccountRequired { actor: *actor }),
        },
        Who::User(required) => match actor {
            Actor::User { .. } => signed_in(required),
            _ => Err(Denial::UserRequired { actor: *actor }),
        },
        Who::FirstTenant => match actor {
            Actor::User { .. } => Ok(None),
            Actor::OwnerAccount { owner } if owner_of(state) == Some(*owner) => Ok(principal),
            _ => Err(Denial::CannotSignIn { actor: *actor }),
        },
        Who::DomainChecks => Ok(None),
    }
}

impl<S: AccountStore> AccountService<S> {
    /// A service over `store` with the default data of every crate.
    pub fn new(store: S) -> Self {
        Self::with_settings(store, Settings::default())
    }

    /// A service over `store` with the host's own data.
    pub fn with_settings(store: S, settings: Settings) -> Self {
        AccountService { store, settings }
    }

    /// The store.
    pub fn store(&self) -> &S {
        &self.store
    }

    /// The data the service decides with.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Loads, authorises, decides with `f`, and stores: the one path every command takes.
    fn run<T>(
        &self,
        account: AccountId,
        ctx: &Context<'_>,
        who: Who,
        f: impl FnOnce(&mut Tx<'_>) -> Result<T, Error<S::Error>>,
    ) -> Result<(T, Outcome), Error<S::Error>> {
        let (state, version) = match self.store.load(account).map_err(Error::Store)? {
            Some(loaded) => loaded.fold(),
            None => return Err(DomainError::AccountNotFound { account }.into()),
        };
        let checked = authorize(&state, &ctx.actor(), who)?;
        self.decide_and_store(account, ctx, state, version, checked, f)
    }

    fn decide_and_store<T>(
        &self,
        account: AccountId,
        ctx: &Context<'_>,
        state: AccountState,
        version: Version,
        checked: Option<Principal>,
        f: impl FnOnce(&mut Tx<'_>) -> Result<T, Error<S::Error>>,
    ) -> Result<(T, Outcome), Error<S::Error>> {
        let mut tx = Tx {
            state,
            ctx,
            events: Vec::new(),
            checked,
        };
        let value = f(&mut tx)?;
        let events: Vec<Recorded> = tx
            .events
            .into_iter()
            .map(|e| Envelope::new(ctx, e))
            .collect();
        if events.is_empty() {
            return Ok((value, Outcome { events, version }));
        }
        let version = self
            .store
            .append(account, version, &events, Some(&tx.state))
            .map_err(|e| match e {
                StoreError::Conflict { expected, actual } => Error::Conflict { expected, actual },
                StoreError::Backend(e) => Error::Store(e),
            })?;
        Ok((value, Outcome { events, version }))
    }

    fn command(
        &self,
        account: AccountId,
        ctx: &Context<'_>,
        who: Who,
        f: impl FnOnce(&mut Tx<'_>) -> Result<(), Error<S::Error>>,
    ) -> Result<Outcome, Error<S::Error>> {
        self.run(account, ctx, who, f).map(|((), outcome)| outcome)
    }

    /// A command that only one domain decides, with nothing to forward.
    fn only_identity(
        &self,
        account: AccountId,
        ctx: &Context<'_>,
        who: Who,
        cmd: partnerkit_identity::Command,
    ) -> Result<Outcome, Error<S::Error>> {
        self.command(account, ctx, who, |tx| {
            tx.identity(cmd)?;
            Ok(())
        })
    }

    /// A payouts command with nothing to forward.
    fn only_payouts(
        &self,
        account: AccountId,
        ctx: &Context<'_>,
        who: Who,
        cmd: partnerkit_payouts::Command,
    ) -> Result<Outcome, Error<S::Error>> {
        self.command(account, ctx, who, |tx| {
            tx.payouts(cmd)?;
            Ok(())
        })
    }

    // ---------------------------------------------------------------- reading

    /// The account's current state, or `None` if it was never opened.
    pub fn state(&self, account: AccountId) -> Result<Option<AccountState>, Error<S::Error>> {
        Ok(self
            .store
            .load(account)
            .map_err(Error::Store)?
            .map(|loaded| loaded.fold().0))
    }

    fn existing(&self, account: AccountId) -> Result<AccountState, Error<S::Error>> {
        self.state(account)?
            .ok_or_else(|| DomainError::AccountNotFound { account }.into())
    }

    /// The account's audit trail: every event, oldest first, with who and when (rule X-1).
    pub fn history(&self, account: AccountId) -> Result<Vec<Recorded>, Error<S::Error>> {
        self.store
            .events(account, Version::INITIAL)
            .map_err(Error::Store)
    }

    /// May `actor` do what `permission` covers? For an actor that can sign in, the
    /// [`Decision`] says yes or no and explains itself (rule ROL-6); an actor that cannot sign
    /// in (unknown, removed, a pending guest) gets the [`Denial`] instead (rules USR-1, TEN-4).
    pub fn authorize(
        &self,
        account: AccountId,
        actor: &Actor,
        permission: Permission,
    ) -> Result<Result<Decision, Denial>, Error<S::Error>> {
        let state = self.existing(account)?;
        let principal = match Principal::from_actor(actor) {
            Some(p) if can_sign_in(&state, actor) => p,
            _ => return Ok(Err(Denial::CannotSignIn { actor: *actor })),
        };
        Ok(Ok(authorize_scan(
            &state.access,
            &Request::new(principal, permission),
        )))
    }

    /// An index of the account's grants for fast repeated checks (a few nanoseconds each):
    /// build it once per version and keep it while the version stands.
    pub fn access_index(
        &self,
        account: AccountId,
    ) -> Result<(AccessIndex, Version), Error<S::Error>> {
        let (state, version) = self
            .store
            .load(account)
            .map_err(Error::Store)?
            .ok_or(DomainError::AccountNotFound { account })?
            .fold();
        Ok((AccessIndex::build(&state.access), version))
    }

    /// What the account still lacks before it may sell (rule ACC-4), joined from identity,
    /// agreements, payouts and tax.
    pub fn readiness(
        &self,
        account: AccountId,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Readiness, Error<S::Error>> {
        Ok(crate::selling::readiness(
            &self.existing(account)?,
            &self.settings,
            now,
        ))
    }

    /// The payout statements of cycles `first..=last` for the host's ledger `entries`, with
    /// US withholding joined in and carry-over chained from zero (rules PAY-5..9, TAX-4).
    pub fn statements(
        &self,
        account: AccountId,
        entries: &[LedgerEntry],
        first: PayoutMonth,
        last: PayoutMonth,
    ) -> Result<Vec<Statement>, Error<S::Error>> {
        let state = self.existing(account)?;
        let currency = state
            .payouts
            .registration()
            .map(|r| r.currency)
            .ok_or(DomainError::AccountNotFound { account })?;
        Ok(crate::selling::statements(
            &state,
            &self.settings,
            entries,
            first,
            last,
            CarryOver::zero(currency),
        )?)
    }

    // ---------------------------------------------------------------- account (ACC)

    /// Opens an account with the publisher IDs the marketplace assigned (rules ACC-1, ACC-2).
    /// Only [`Actor::Marketplace`]. The owner account, if given, holds the Owner role from now
    /// on (rules PAY-1, ROL-7).
    pub fn open_account(
        &self,
        ctx: &Context<'_>,
        open: OpenAccount,
    ) -> Result<Outcome, Error<S::Error>> {
        let account = open.account;
        if self.store.version(account).map_err(Error::Store)? != Version::INITIAL {
            return Err(DomainError::AccountExists { account }.into());
        }
        authorize(&AccountState::default(), &ctx.actor(), Who::Marketplace)?;
        self.decide_and_store(
            account,
            ctx,
            AccountState::default(),
            Version::INITIAL,
            None,
            |tx| {
                tx.identity(partnerkit_identity::Command::OpenAccount {
                    account,
                    seller_id: open.seller_id,
                    account_type: open.account_type,
                    display_name: open.display_name,
                    owner: open.owner,
                })?;
                tx.payouts(partnerkit_payouts::Command::SetUp {
                    account,
                    country: open.country,
                    currency: open.currency,
                })?;
                if let Some(owner) = open.owner {
                    tx.access(partnerkit_access::Command::SetOwnerAccount { owner })?;
                }
                Ok(())
            },
        )
        .map(|((), o)| o)
    }

    /// Records the outcome of a verification step (rule ACC-1). Only [`Actor::Marketplace`].
    pub fn record_verification(
        &self,
        account: AccountId,
        ctx: &Context<'_>,
        step: VerificationStep,
        state: StepState,
    ) -> Result<Outcome, Error<S::Error>> {
        self.command(account, ctx, Who::Marketplace, |tx| {
            tx.identity(partnerkit_identity::Command::RecordVerification { step, state })?;
            Ok(())
        })
    }

    /// Changes the publisher display name (rule ACC-3). Needs `manage_contact_info`.
    pub fn change_display_name(
        &self,
        account: AccountId,
        ctx: &Context<'_>,
        display_name: DisplayName,
    ) -> Result<Outcome, Error<S::Error>> {
        self.only_identity(
            account,
            ctx,
            Who::Holding(Permission::ManageContactInfo.into()),
            partnerkit_identity::Command::ChangeDisplayName { display_name },
        )
    }

    /// Sets the seller contact (rule ACC-3). Needs `manage_contact_info`.
    pub fn set_seller_contact(
        &self,
        account: AccountId,
        ctx: &Context<'_>,
        contact: SellerContact,
    ) -> Result<Outcome, Error<S::Error>> {
        self.only_identity(
            account,
            ctx,
            Who::Holding(Permission::ManageContactInfo.into()),
            partnerkit_identity::Command::SetSellerContact { contact },
        )
    }

    /// Sets the company approver (rule ACC-3). Needs `manage_contact_info`.
    pub fn set_company_approver(
        &self,
        account: AccountId,
        ctx: &Context<'_>,
        approver: CompanyApprover,
    ) -> Result<Outcome, Error<S::Error>> {
        self.only_identity(
            account,
            ctx,
            Who::Holding(Permission::ManageContactInfo.into()),
            partnerkit_identity::Command::SetCompanyApprover { approver },
        )
    }

    // ---------------------------------------------------------------- tenants (TEN)

    /// Step one of associating an existing tenant (rule TEN-2): records what the user reviewed;
    /// nothing is associated yet. Needs `manage_tenants` (rule TEN-1) — except for the
    /// account's first tenant, which the user signing in from it may associate.
    pub fn begin_tenant_association(
        &self,
        account: AccountId,
        ctx: &Context<'_>,
        tenant: TenantToAssociate,
    ) -> Result<Outcome, Error<S::Error>> {
        let state = self.existing(account)?;
        let who = first_tenant_or(&state, Who::Holding(Permission::ManageTenants.into()));
        self.command(account, ctx, who, |tx| {
            tx.identity(partnerkit_identity::Command::BeginTenantAssociation {
                tenant: tenant.tenant,
                organization: tenant.organization,
                domain: tenant.domain,
                synced_from_on_premises: tenant.synced_from_on_premises,
                first_user: tenant.first_user,
            })?;
            Ok(())
        })
    }

    /// Step two (rule TEN-2): confirms the association. The tenant's first user, if one was
    /// named, joins with `grant`; on the account's first tenant with the Manager role, so the
    /// account has a Manager from the start (rule USR-7).
    pub fn confirm_tenant_association(
        &self,
        account: AccountId,
        ctx: &Context<'_>,
        tenant: TenantId,
        grant: Option<Grant>,
    ) -> Result<Outcome, Error<S::Error>> {
        let state = self.existing(account)?;
        let first = state.identity.tenants().next().is_none();
        let who = first_tenant_or(&state, Who::Holding(Permission::ManageTenants.into()));
        let grant = match (first, grant) {
            (true, None) => Some(Grant::Role(partnerkit_access::Role::Manager)),
            (_, g) => g,
        };
        self.command(account, ctx, who, |tx| {
            let events =
                tx.identity(partnerkit_identity::Command::ConfirmTenantAssociation { tenant })?;
            tx.register_and_grant(&events, grant)
        })
    }

    /// Abandons a begun association (rule TEN-2).
    pub fn cancel_tenant_association(
        &self,
        account: AccountId,
        ctx: &Context<'_>,
        tenant: TenantId,
    ) -> Result<Outcome, Error<S::Error>> {
        let state = self.existing(account)?;
        let who = first_tenant_or(&state, Who::Holding(Permission::ManageTenants.into()));
        self.command(account, ctx, who, |tx| {
            tx.identity(partnerkit_identity::Command::CancelTenantAssociation { tenant })?;
            Ok(())
        })
    }

    /// Creates a new tenant `LABEL.onmicrosoft.com` with its first global administrator
    /// (rule TEN-3). Needs `manage_tenants`. Returns the administrator's initial password,
    /// once. The administrator joins the account with `grant`, if given.
    pub fn create_tenant(
        &self,
        account: AccountId,
        ctx: &Context<'_>,
        tenant: NewTenant,
        grant: Option<Grant>,
    ) -> Result<Revealed<UserId>, Error<S::Error>> {
        let password = SecretString::generate(ctx.ids(), PASSWORD_CHARS);
        let secret = password.clone();
        let (admin, outcome) = self.run(
            account,
            ctx,
            Who::Holding(Permission::ManageTenants.into()),
            |tx| {
                let events = tx.identity(partnerkit_identity::Command::CreateTenant {
                    label: tenant.label,
                    contact_email: tenant.contact_email,
                    admin_name: tenant.admin_name,
                    admin_username: tenant.admin_username,
                    admin_password: password,
                })?;
                tx.register_and_grant(&events, grant)?;
                Ok(events.iter().find_map(|e| match e {
                    partnerkit_identity::Event::TenantCreated { first_admin, .. } => {
                        Some(*first_admin)
                    }
                    _ => None,
                }))
            },
        )?;
        Ok(Revealed {
            outcome,
            id: created(admin),
            secret,
        })
    }

    /// Removes a tenant (rule TEN-4): its users can no longer sign in and every permission
    /// given to them is dropped. Needs `manage_tenants`; nobody removes the tenant they are
    /// signed in from; the only tenant is removed only by the owner account.
    pub fn remove_tenant(
        &self,
        account: AccountId,
        ctx: &Context<'_>,
        tenant: TenantId,
        confirmed: bool,
    ) -> Result<Outcome, Error<S::Error>> {
        self.command(account, ctx, Who::Holding(Permission::ManageTenants.into()), |tx| {
            // Identity checks "not your own tenant" and "only tenant: owner account only";
            // the owner it knows may be unset, so the facade pins it to the real owner.
            let only = tx.state.identity.tenants().count() == 1;
            if only && !matches!(tx.ctx.actor(), Actor::OwnerAccount { owner } if owner_of(&tx.state) == Some(owner)) {
                return Err(Denial::OwnerAccountRequired { actor: tx.ctx.actor() }.into());
            }
            let events = tx.identity(partnerkit_identity::Command::RemoveTenant { tenant, confirmed })?;
            tx.forward_removals(&events)
        })
    }

    // ---------------------------------------------------------------- users (USR)

    /// Adds existing directory users of `tenant`, all with the same `grant` (rule USR-3).
    /// Needs `manage_users` and every permission the grant gives; the actor must be signed in
    /// from `tenant` (rule USR-2).
    pub fn add_users(
        &self,
        account: AccountId,
        ctx: &Context<'_>,
        tenant: TenantId,
        users: Vec<DirectoryUser>,
        grant: Grant,
    ) -> Result<Outcome, Error<S::Error>> {
        self.command(
            account,
            ctx,
            Who::Holding(Permission::ManageUsers.into()),
            |tx| {
                let events =
                    tx.identity(partnerkit_identity::Command::AddUsers { tenant, users })?;
                tx.register_and_grant(&events, Some(grant))
            },
        )
    }

    /// Creates a user in `tenant` and the account (rule USR-4). The actor must be a global
    /// administrator signed in from `tenant`, holding `manage_users`. Returns the initial
    /// password, once (rule USR-8).
    pub fn create_user(
        &self,
        account: AccountId,
        ctx: &Context<'_>,
        tenant: TenantId,
        user: NewUser,
        grant: Option<Grant>,
    ) -> Result<Revealed<UserId>, Error<S::Error>> {
        let password = SecretString::generate(ctx.ids(), PASSWORD_CHARS);
        let secret = password.clone();
        let (id, outcome) = self.run(
            account,
            ctx,
            Who::Holding(Permission::ManageUsers.into()),
            |tx| {
                let events = tx.identity(partnerkit_identity::Command::CreateUser {
                    tenant,
                    name: user.name,
                    username: user.username,
                    global_admin: user.global_admin,
                    reset_email: user.reset_email,
                    groups: user.groups,
                    password,
                })?;
                tx.register_and_grant(&events, grant)?;
                Ok(events.iter().find_map(|e| match e {
                    partnerkit_identity::Event::UserCreated { user, .. } => Some(*user),
                    _ => None,
                }))
            },
        )?;
        Ok(Revealed {
            outcome,
            id: created(id),
            secret,
        })
    }

    /// Renames a user here and in its tenant (rule USR-4). Needs `manage_users`.
    pub fn rename_user(
        &self,
        account: AccountId,
        ctx: &Context<'_>,
        user: UserId,
        name: PersonName,
    ) -> Result<Outcome, Error<S::Error>> {
        self.only_identity(
            account,
            ctx,
            Who::Holding(Permission::ManageUsers.into()),
            partnerkit_identity::Command::RenameUser { user, name },
        )
    }

    /// Invites 1–10 people by email (`"a@x.com; b@y.com"`), all with the same `grant`
    /// (rule USR-5). They become guests with no access until they accept. The actor must be a
    /// global administrator signed in from `tenant`, holding `manage_users`. Returns the
    /// guests' user ids, in the order of the addresses.
    pub fn invite_guests(
        &self,
        account: AccountId,
        ctx: &Context<'_>,
        tenant: TenantId,
        emails: &str,
        grant: Grant,
    ) -> Result<(Vec<UserId>, Outcome), Error<S::Error>> {
        let invitees = Invitees::new(emails).map_err(DomainError::from)?;
        self.run(
            account,
            ctx,
            Who::Holding(Permission::ManageUsers.into()),
            |tx| {
                let events =
                    tx.identity(partnerkit_identity::Command::InviteGuests { tenant, invitees })?;
                tx.register_and_grant(&events, Some(grant))?;
                Ok(events
                    .iter()
                    .filter_map(|e| match e {
                        partnerkit_identity::Event::GuestInvited { user, .. } => Some(*user),
                        _ => None,
                    })
                    .collect())
            },
        )
    }

    /// Sends a pending invitation again (rule USR-5). Needs `manage_users`.
    pub fn resend_invitation(
        &self,
        account: AccountId,
        ctx: &Context<'_>,
        user: UserId,
    ) -> Result<Outcome, Error<S::Error>> {
        self.only_identity(
            account,
            ctx,
            Who::Holding(Permission::ManageUsers.into()),
            partnerkit_identity::Command::ResendInvitation { user },
        )
    }

    /// The invited guest accepts (rule USR-5); from now on they can sign in with their grant.
    pub fn accept_invitation(
        &self,
        account: AccountId,
        ctx: &Context<'_>,
        user: UserId,
    ) -> Result<Outcome, Error<S::Error>> {
        self.command(account, ctx, Who::DomainChecks, |tx| {
            tx.identity(partnerkit_identity::Command::AcceptInvitation { user })?;
            Ok(())
        })
    }

    /// Removes a user from the account (rule USR-7): only users added through it, never the
    /// last Manager. Needs `manage_users`.
    pub fn remove_user(
        &self,
        account: AccountId,
        ctx: &Context<'_>,
        user: UserId,
        confirmed: bool,
    ) -> Result<Outcome, Error<S::Error>> {
        self.command(
            account,
            ctx,
            Who::Holding(Permission::ManageUsers.into()),
            |tx| {
                let events =
                    tx.identity(partnerkit_identity::Command::RemoveUser { user, confirmed })?;
                tx.forward_removals(&events)
            },
        )
    }

    /// Resets a user's password (rule USR-8). The actor must be a global administrator of the
    /// user's tenant holding `manage_users`. Returns the temporary password, once.
    pub fn reset_password(
        &self,
        account: AccountId,
        ctx: &Context<'_>,
        user: UserId,
    ) -> Result<Revealed<UserId>, Error<S::Error>> {
        let temporary = SecretString::generate(ctx.ids(), PASSWORD_CHARS);
        let secret = temporary.clone();
        let outcome = self.only_identity(
            account,
            ctx,
            Who::Holding(Permission::ManageUsers.into()),
            partnerkit_identity::Command::ResetPassword { user, temporary },
        )?;
        Ok(Revealed {
            outcome,
            id: user,
            secret,
        })
    }

    /// A user resets their own password (rule USR-8): only if a reset email was given.
    pub fn reset_own_password(
        &self,
        account: AccountId,
        ctx: &Context<'_>,
        password: SecretString,
    ) -> Result<Outcome, Error<S::Error>> {
        self.command(account, ctx, Who::Holding(PermissionSet::default()), |tx| {
            tx.identity(partnerkit_identity::Command::ResetOwnPassword { password })?;
            Ok(())
        })
    }

    // ---------------------------------------------------------------- groups (GRP)

    /// Adds existing directory groups, all with the same `grant` (rule GRP-1). Needs
    /// `manage_groups`.
    pub fn add_groups(
        &self,
        account: AccountId,
        ctx: &Context<'_>,
        tenant: TenantId,
        groups: Vec<DirectoryGroup>,
        grant: Grant,
    ) -> Result<Outcome, Error<S::Error>> {
        self.command(
            account,
            ctx,
            Who::Holding(Permission::ManageGroups.into()),
            |tx| {
                let events =
                    tx.identity(partnerkit_identity::Command::AddGroups { tenant, groups })?;
                tx.register_and_grant(&events, Some(grant))
            },
        )
    }

    /// Creates a group here and in the tenant (rule GRP-2). Needs `manage_groups`. Returns the
    /// group's id.
    pub fn create_group(
        &self,
        account: AccountId,
        ctx: &Context<'_>,
        tenant: TenantId,
        name: DisplayName,
        members: Vec<UserId>,
        grant: Option<Grant>,
    ) -> Result<(GroupId, Outcome), Error<S::Error>> {
        self.run(
            account,
            ctx,
            Who::Holding(Permission::ManageGroups.into()),
            |tx| {
                let events = tx.identity(partnerkit_identity::Command::CreateGroup {
                    tenant,
                    name,
                    members,
                })?;
                tx.register_and_grant(&events, grant)?;
                Ok(created(events.iter().find_map(|e| match e {
                    partnerkit_identity::Event::GroupCreated { group, .. } => Some(*group),
                    _ => None,
                })))
            },
        )
    }

    /// Adds and removes group members (rules GRP-1, ROL-4). Needs `manage_groups`.
    pub fn change_group_members(
        &self,
        account: AccountId,
        ctx: &Context<'_>,
        group: GroupId,
        add: Vec<UserId>,
        remove: Vec<UserId>,
    ) -> Result<Outcome, Error<S::Error>> {
        self.command(
            account,
            ctx,
            Who::Holding(Permission::ManageGroups.into()),
            |tx| {
                let events = tx.identity(partnerkit_identity::Command::ChangeGroupMembers {
                    group,
                    add,
                    remove,
                })?;
                tx.forward_removals(&events)
            },
        )
    }

    /// Removes a group (rule GRP-3); its members lose what it gave them. Needs `manage_groups`.
    pub fn remove_group(
        &self,
        account: AccountId,
        ctx: &Context<'_>,
        group: GroupId,
        confirmed: bool,
    ) -> Result<Outcome, Error<S::Error>> {
        self.command(
            account,
            ctx,
            Who::Holding(Permission::ManageGroups.into()),
            |tx| {
                let events =
                    tx.identity(partnerkit_identity::Command::RemoveGroup { group, confirmed })?;
                tx.forward_removals(&events)
            },
        )
    }

    // ---------------------------------------------------------------- apps (APP)

    /// Adds existing directory apps, all with the same `grant` (rule APP-1). Needs
    /// `manage_apps`.
    pub fn add_apps(
        &self,
        account: AccountId,
        ctx: &Context<'_>,
        tenant: TenantId,
        apps: Vec<DirectoryApp>,
        grant: Grant,
    ) -> Result<Outcome, Error<S::Error>> {
        self.command(
            account,
            ctx,
            Who::Holding(Permission::ManageApps.into()),
            |tx| {
                let events = tx.identity(partnerkit_identity::Command::AddApps { tenant, apps })?;
                tx.register_and_grant(&events, Some(grant))
            },
        )
    }

    /// Creates an app here and in the tenant (rule APP-2). Needs `manage_apps`. Returns the
    /// app's id (its client ID).
    pub fn create_app(
        &self,
        account: AccountId,
        ctx: &Context<'_>,
        tenant: TenantId,
        app: NewApp,
        grant: Option<Grant>,
    ) -> Result<(AppId, Outcome), Error<S::Error>> {
        self.run(
            account,
            ctx,
            Who::Holding(Permission::ManageApps.into()),
            |tx| {
                let events = tx.identity(partnerkit_identity::Command::CreateApp {
                    tenant,
                    name: app.name,
                    reply_url: app.reply_url,
                    app_id_uri: app.app_id_uri,
                })?;
                tx.register_and_grant(&events, grant)?;
                Ok(created(events.iter().find_map(|e| match e {
                    partnerkit_identity::Event::AppCreated { app, .. } => Some(*app),
                    _ => None,
                })))
            },
        )
    }

    /// Removes apps, several at once (rule APP-3). Needs `manage_apps`.
    pub fn remove_apps(
        &self,
        account: AccountId,
        ctx: &Context<'_>,
        apps: Vec<AppId>,
        confirmed: bool,
    ) -> Result<Outcome, Error<S::Error>> {
        self.command(
            account,
            ctx,
            Who::Holding(Permission::ManageApps.into()),
            |tx| {
                let events =
                    tx.identity(partnerkit_identity::Command::RemoveApps { apps, confirmed })?;
                tx.forward_removals(&events)
            },
        )
    }

    /// Adds a key to an app, valid until `expires_at` (at most 24 months) (rule APP-4). Needs
    /// `manage_app_keys`. Returns the key value, once: only its fingerprint is stored.
    pub fn add_app_key(
        &self,
        account: AccountId,
        ctx: &Context<'_>,
        app: AppId,
        expires_at: chrono::DateTime<chrono::Utc>,
    ) -> Result<Revealed<KeyId>, Error<S::Error>> {
        let key: KeyId = ctx.new_id();
        let value = SecretString::generate(ctx.ids(), KEY_VALUE_CHARS);
        let secret = value.clone();
        let outcome = self.only_identity(
            account,
            ctx,
            Who::Holding(Permission::ManageAppKeys.into()),
            partnerkit_identity::Command::AddKey {
                app,
                key: Some(key),
                value,
                expires_at,
            },
        )?;
        Ok(Revealed {
            outcome,
            id: key,
            secret,
        })
    }

    /// Deletes an app key (rule APP-4). Needs `manage_app_keys`.
    pub fn delete_app_key(
        &self,
        account: AccountId,
        ctx: &Context<'_>,
        app: AppId,
        key: KeyId,
    ) -> Result<Outcome, Error<S::Error>> {
        self.only_identity(
            account,
            ctx,
            Who::Holding(Permission::ManageAppKeys.into()),
            partnerkit_identity::Command::DeleteKey { app, key },
        )
    }

    // ---------------------------------------------------------------- roles (ROL)

    /// Gives principals a role or custom permissions (rules ROL-1..3, ROL-7). The actor needs
    /// to manage that kind of principal and to hold every permission it gives.
    pub fn grant(
        &self,
        account: AccountId,
        ctx: &Context<'_>,
        principals: Vec<Principal>,
        grant: Grant,
    ) -> Result<Outcome, Error<S::Error>> {
        self.command(account, ctx, Who::Holding(PermissionSet::default()), |tx| {
            tx.access(partnerkit_access::Command::GrantMany { principals, grant })
        })
    }

    /// Takes a grant back (never the last Manager's: rule USR-7).
    pub fn revoke(
        &self,
        account: AccountId,
        ctx: &Context<'_>,
        principal: Principal,
        grant: Grant,
    ) -> Result<Outcome, Error<S::Error>> {
        self.command(account, ctx, Who::Holding(PermissionSet::default()), |tx| {
            tx.access(partnerkit_access::Command::Revoke { principal, grant })
        })
    }

    /// Replaces a principal's grants: a change of role (never demoting the last Manager:
    /// rule USR-7). The actor needs every permission given and taken away.
    pub fn set_grants(
        &self,
        account: AccountId,
        ctx: &Context<'_>,
        principal: Principal,
        grants: Vec<Grant>,
    ) -> Result<Outcome, Error<S::Error>> {
        self.command(account, ctx, Who::Holding(PermissionSet::default()), |tx| {
            tx.access(partnerkit_access::Command::SetGrants { principal, grants })
        })
    }

    // ---------------------------------------------------------------- agreements (AGR)

    /// Accepts the exact `version` of an agreement the signed-in user read (rules AGR-1,
    /// AGR-3). Needs `accept_agreements`; the user's name is recorded.
    pub fn accept_agreement(
        &self,
        account: AccountId,
        ctx: &Context<'_>,
        agreement: &AgreementId,
        version: &AgreementVersion,
    ) -> Result<Outcome, Error<S::Error>> {
        self.command(
            account,
            ctx,
            Who::User(Permission::AcceptAgreements.into()),
            |tx| {
                let Actor::User { user, .. } = tx.ctx.actor() else {
                    return Err(Denial::UserRequired {
                        actor: tx.ctx.actor(),
                    }
                    .into());
                };
                let shown = tx
                    .state
                    .identity
                    .user(user)
                    .map(|u| match &u.name {
                        // A guest has no directory name: show the address they accepted with.
                        Some(name) => name.to_string(),
                        None => u.username.to_string(),
                    })
                    .unwrap_or_else(|| user.to_string());
                let name_shown = DisplayName::new(&shown).map_err(DomainError::from)?;
                let cmd = partnerkit_agreements::Command::accept(
                    &self.settings.catalogue,
                    agreement,
                    version,
                    tx.ctx.now(),
                    user,
                    name_shown,
                )
                .map_err(DomainError::from)?;
                tx.agreements(cmd)?;
                Ok(())
            },
        )
    }

    // ---------------------------------------------------------------- payouts (PAY)

    /// Associates the owner account (rule PAY-1), which may belong to no other marketplace
    /// account: `registry` is the host's record of which owner belongs where. Performed
    /// signed in as that owner account.
    pub fn associate_owner_account<R: OwnerAccountRegistry + ?Sized>(
        &self,
        account: AccountId,
        ctx: &Context<'_>,
        registry: &R,
    ) -> Result<Outcome, Error<S::Error>> {
        let Actor::OwnerAccount { owner } = ctx.actor() else {
            return Err(Denial::OwnerAccountRequired { actor: ctx.actor() }.into());
        };
        let state = self.existing(account)?;
        if owner_of(&state).is_some_and(|known| known != owner) {
            return Err(Denial::OwnerAccountRequired { actor: ctx.actor() }.into());
        }
        let check = check_owner_account(registry, owner, account).map_err(DomainError::from)?;
        self.command(account, ctx, Who::DomainChecks, |tx| {
            tx.payouts(partnerkit_payouts::Command::AssociateOwnerAccount { check })?;
            if tx.state.access.owner_account().is_none() {
                tx.access(partnerkit_access::Command::SetOwnerAccount { owner })?;
            }
            Ok(())
        })
    }

    /// Sets or changes the payout account (rules PAY-2..4): only by the owner account, holding
    /// `manage_payout_settings`. It awaits verification; a change delays payment by at most
    /// one cycle and loses nothing.
    pub fn set_payout_account(
        &self,
        account: AccountId,
        ctx: &Context<'_>,
        payout_account: NewPayoutAccount,
    ) -> Result<(PayoutAccountId, Outcome), Error<S::Error>> {
        self.run(
            account,
            ctx,
            Who::OwnerAccount(Permission::ManagePayoutSettings.into()),
            |tx| {
                let events = tx.payouts(partnerkit_payouts::Command::SetPayoutAccount {
                    account: payout_account,
                })?;
                Ok(created(events.iter().find_map(|e| match e {
                    partnerkit_payouts::Event::PayoutAccountSet { payout_account, .. } => {
                        Some(*payout_account)
                    }
                    _ => None,
                })))
            },
        )
    }

    /// Records the marketplace's verification of a payout account (rule PAY-4). Only
    /// [`Actor::Marketplace`].
    pub fn record_payout_verification(
        &self,
        account: AccountId,
        ctx: &Context<'_>,
        payout_account: PayoutAccountId,
        outcome: VerificationOutcome,
    ) -> Result<Outcome, Error<S::Error>> {
        self.command(account, ctx, Who::Marketplace, |tx| {
            tx.payouts(partnerkit_payouts::Command::RecordVerification {
                payout_account,
                outcome,
            })?;
            Ok(())
        })
    }

    /// Turns the payout hold on or off (rules PAY-6, PAY-7): only by the owner account,
    /// holding `manage_payout_settings`. The state at the end of a month decides the next
    /// month's payout.
    pub fn set_payout_hold(
        &self,
        account: AccountId,
        ctx: &Context<'_>,
        on: bool,
    ) -> Result<Outcome, Error<S::Error>> {
        self.only_payouts(
            account,
            ctx,
            Who::OwnerAccount(Permission::ManagePayoutSettings.into()),
            partnerkit_payouts::Command::SetHold { on },
        )
    }

    // ---------------------------------------------------------------- tax (TAX)

    fn tax_command(
        &self,
        account: AccountId,
        ctx: &Context<'_>,
        cmd: partnerkit_tax::Command,
    ) -> Result<Outcome, Error<S::Error>> {
        self.command(
            account,
            ctx,
            Who::OwnerAccount(Permission::ManageTaxSettings.into()),
            |tx| {
                tx.tax(cmd)?;
                Ok(())
            },
        )
    }

    /// Starts the tax profile: residence, citizenship, entity type (rule TAX-1). Only by the
    /// owner account, holding `manage_tax_settings`.
    pub fn start_tax_profile(
        &self,
        account: AccountId,
        ctx: &Context<'_>,
        details: ProfileDetails,
    ) -> Result<Outcome, Error<S::Error>> {
        self.tax_command(account, ctx, partnerkit_tax::Command::StartProfile(details))
    }

    /// Edits the tax profile (rule TAX-1); a change withdraws the form on file.
    pub fn edit_tax_profile(
        &self,
        account: AccountId,
        ctx: &Context<'_>,
        details: ProfileDetails,
    ) -> Result<Outcome, Error<S::Error>> {
        self.tax_command(account, ctx, partnerkit_tax::Command::EditProfile(details))
    }

    /// Submits a signed W-9 (US persons, rule TAX-2).
    pub fn submit_w9(
        &self,
        account: AccountId,
        ctx: &Context<'_>,
        form: W9,
    ) -> Result<Outcome, Error<S::Error>> {
        self.tax_command(account, ctx, partnerkit_tax::Command::SubmitW9(form))
    }

    /// Submits a signed W-8BEN (foreign individuals; a treaty claim in Part II: rules TAX-2,
    /// TAX-5), checked against the service's treaty table.
    pub fn submit_w8ben(
        &self,
        account: AccountId,
        ctx: &Context<'_>,
        form: W8,
    ) -> Result<Outcome, Error<S::Error>> {
        let treaties = self.settings.treaties.clone();
        self.tax_command(
            account,
            ctx,
            partnerkit_tax::Command::SubmitW8Ben { form, treaties },
        )
    }

    /// Submits a signed W-8BEN-E (foreign entities: rule TAX-2).
    pub fn submit_w8ben_e(
        &self,
        account: AccountId,
        ctx: &Context<'_>,
        form: W8,
    ) -> Result<Outcome, Error<S::Error>> {
        let treaties = self.settings.treaties.clone();
        self.tax_command(
            account,
            ctx,
            partnerkit_tax::Command::SubmitW8BenE { form, treaties },
        )
    }
}

/// On an account with no tenant yet, the user signing in from the tenant being associated
/// may associate it (identity vets them); otherwise `who`.
fn first_tenant_or(state: &AccountState, who: Who) -> Who {
    if state.identity.tenants().next().is_none() && state.access.users().is_empty() {
        Who::FirstTenant
    } else {
        who
    }
}

/// The id of what a command created, read back from its events. The deciders always emit
/// the creating event for an accepted create command; should one ever not, the nil id
/// stands in rather than a panic.
fn created<I: EntityId>(id: Option<I>) -> I {
    id.unwrap_or_else(|| I::from_uuid(uuid::Uuid::nil()))
}
