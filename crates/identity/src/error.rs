//! The one error type of `partnerkit-identity`.

use std::borrow::Cow;

use partnerkit_core::{AppId, EmailAddress, GroupId, KeyId, Rule, TenantId, Url, UserId};

use crate::account::{AccountType, VerificationStep};

/// Why a command was refused, or why a value could not be built.
///
/// Every variant names what went wrong; where a rule was broken its message ends with the
/// rule ID, such as `(rule TEN-4)`, and says what to do instead. A refused command changes
/// nothing (rule X-3).
///
/// Serialised with a stable machine-readable `code` (the variant's name in snake case, also
/// given by [`Error::code`]) next to the variant's fields, such as
/// `{"code": "only_tenant_needs_owner", "tenant": "…"}`. A core value error is
/// `{"code": "value", "error": {"code": "invalid_email", …}}`: the core error keeps its own
/// code under `error`.
#[partnerkit_core::public_error]
pub enum Error {
    /// A command's chosen guest ids do not match its addresses: give one id per address, or
    /// none to have them drawn.
    #[error("give one guest id per invited address, or none: {addresses} addresses, {ids} ids")]
    GuestIdsMismatch {
        /// How many addresses.
        addresses: usize,
        /// How many ids.
        ids: usize,
    },
    /// A core value (name, email, phone, address, URL, free text) was not valid.
    #[error(transparent)]
    Value {
        /// The core error, written under `"error"` with its own code.
        #[from]
        error: partnerkit_core::Error,
    },

    // ---- account (ACC) ----
    /// A command other than `OpenAccount` arrived before the account was opened.
    #[error("the account is not opened yet: the marketplace opens it first (rule ACC-2)")]
    AccountNotOpened,
    /// `OpenAccount` arrived for an account that is already open.
    #[error("the account is already open and its publisher IDs can never be edited (rule ACC-2)")]
    AccountAlreadyOpened,
    /// A command only the marketplace may give was given by someone else.
    #[error("only the marketplace may {action} (rule {rule})")]
    MarketplaceOnly {
        /// What was attempted.
        action: Cow<'static, str>,
        /// The rule that says so.
        rule: Rule,
    },
    /// A verification outcome was recorded for a step the account type does not require.
    #[error(
        "{account_type} accounts do not go through {step} verification: record only required steps (rule ACC-1)"
    )]
    StepNotRequired {
        /// The step.
        step: VerificationStep,
        /// The account's type.
        account_type: AccountType,
    },
    /// A company approver was given for an individual account.
    #[error(
        "an individual account has no company approver: only company accounts name one (rule ACC-3)"
    )]
    ApproverOnlyForCompanies,

    // ---- tenants (TEN) ----
    /// The tenant is not associated with the account.
    #[error("tenant {tenant} is not associated with the account: associate it first (rule TEN-2)")]
    TenantNotAssociated {
        /// The tenant.
        tenant: TenantId,
    },
    /// The tenant is already associated.
    #[error("tenant {tenant} is already associated with the account (rule TEN-2)")]
    TenantAlreadyAssociated {
        /// The tenant.
        tenant: TenantId,
    },
    /// An association of the tenant is already waiting for confirmation.
    #[error(
        "tenant {tenant} already has an association waiting: confirm or cancel it (rule TEN-2)"
    )]
    AssociationAlreadyPending {
        /// The tenant.
        tenant: TenantId,
    },
    /// No association of the tenant was begun.
    #[error("no association of tenant {tenant} is waiting: begin one first (rule TEN-2)")]
    NoPendingAssociation {
        /// The tenant.
        tenant: TenantId,
    },
    /// The domain is already used by a tenant of the account.
    #[error("domain {domain} is already taken: choose another name (rule TEN-3)")]
    DomainTaken {
        /// The domain.
        domain: String,
    },
    /// A domain or domain label could not be read.
    #[error("domain {given:?} is not valid: {reason}")]
    InvalidDomain {
        /// The text that was given.
        given: String,
        /// What is wrong and what to do.
        reason: String,
    },
    /// The first administrator's username is not in the new tenant's domain.
    #[error(
        "username {username} is not in the new tenant's domain {domain}: use name@{domain} (rule TEN-3)"
    )]
    UsernameOutsideDomain {
        /// The username.
        username: EmailAddress,
        /// The tenant's domain.
        domain: String,
    },
    /// A removal that needs confirmation was not confirmed.
    #[error(
        "removing {what} needs confirmation: ask the user, then send confirmed = true (rule {rule})"
    )]
    NotConfirmed {
        /// What was to be removed.
        what: Cow<'static, str>,
        /// The rule that asks for confirmation.
        rule: Rule,
    },
    /// Someone tried to remove the tenant they are signed in from.
    #[error(
        "you cannot remove tenant {tenant} while signed in from it: sign in as a Manager of another associated tenant (rule TEN-4)"
    )]
    CannotRemoveOwnTenant {
        /// The tenant.
        tenant: TenantId,
    },
    /// Someone other than the owner account tried to remove the only tenant.
    #[error(
        "tenant {tenant} is the account's only tenant: only the owner account that opened the marketplace account can remove it (rule TEN-4)"
    )]
    OnlyTenantNeedsOwner {
        /// The tenant.
        tenant: TenantId,
    },

    // ---- users (USR) ----
    /// A directory user who cannot sign in to the account tried to act.
    #[error(
        "user {user} has no active work account in an associated tenant {tenant} of this account (rule USR-1)"
    )]
    CannotSignIn {
        /// The tenant the user signed in from.
        tenant: TenantId,
        /// The user.
        user: UserId,
    },
    /// An app that is not in the account tried to act.
    #[error("app {app} of tenant {tenant} has no access to this account (rule APP-1)")]
    AppCannotSignIn {
        /// The tenant.
        tenant: TenantId,
        /// The app.
        app: AppId,
    },
    /// The actor is not a user signed in from the tenant being managed.
    #[error(
        "to manage users, groups and apps of tenant {tenant} sign in with a work account of that tenant (rule USR-2)"
    )]
    NotSignedInFromTenant {
        /// The tenant being managed.
        tenant: TenantId,
    },
    /// The actor is not a global administrator of the tenant.
    #[error(
        "{action} needs global administrator rights in tenant {tenant}: ask a global administrator of that directory (rule {rule})"
    )]
    NotGlobalAdmin {
        /// What was attempted.
        action: Cow<'static, str>,
        /// The tenant.
        tenant: TenantId,
        /// The rule that says so.
        rule: Rule,
    },
    /// A global administrator was to be created without a password-reset email.
    #[error("a global administrator needs a password-reset email: give reset_email (rule USR-4)")]
    GlobalAdminNeedsResetEmail,
    /// An invitation list could not be read.
    #[error("invitation list is not valid: {reason} (rule USR-5)")]
    InvalidInvitees {
        /// What is wrong and what to do.
        reason: String,
    },
    /// An invitee already is a user of the tenant or has an invitation.
    #[error("{email} is already a user of tenant {tenant} or invited to it (rule USR-5)")]
    AlreadyInvited {
        /// The address.
        email: EmailAddress,
        /// The tenant.
        tenant: TenantId,
    },
    /// The user has no pending invitation.
    #[error(
        "user {user} has no pending invitation: only a pending invitation can be resent or accepted (rule USR-5)"
    )]
    InvitationNotPending {
        /// The user.
        user: UserId,
    },
    /// Someone other than the invited guest tried to accept the invitation.
    #[error("only the invited guest {user} can accept their invitation (rule USR-5)")]
    NotTheInvitee {
        /// The invited user.
        user: UserId,
    },
    /// Something was to be created in a tenant that synchronises from on-premises.
    #[error(
        "tenant {tenant} synchronises from an on-premises directory: create the {what} there, then add it here (rule USR-6)"
    )]
    DirectorySynced {
        /// The tenant.
        tenant: TenantId,
        /// What was to be created ("user", "group", "app").
        what: Cow<'static, str>,
    },
    /// The user was never added to the account.
    #[error(
        "user {user} was never added to this account: only users added, created or invited here can be managed (rule USR-7)"
    )]
    UserNotInAccount {
        /// The user.
        user: UserId,
    },
    /// The user already is a user of the account.
    #[error("user {user} already is a user of the account (rule USR-3)")]
    UserAlreadyInAccount {
        /// The user.
        user: UserId,
    },
    /// The user id already belongs to another tenant (as a member of one of its groups).
    #[error(
        "user {user} belongs to tenant {tenant}: a directory user belongs to one tenant only (rule USR-1)"
    )]
    UserOfAnotherTenant {
        /// The user.
        user: UserId,
        /// The tenant the user belongs to.
        tenant: TenantId,
    },
    /// The username is already used in the tenant.
    #[error("username {username} is already used in the tenant: choose another (rule USR-4)")]
    UsernameTaken {
        /// The username.
        username: EmailAddress,
    },
    /// A batch command listed nothing.
    #[error("give at least one {what} (rule {rule})")]
    EmptyBatch {
        /// What the batch holds.
        what: Cow<'static, str>,
        /// The rule of the batch.
        rule: Rule,
    },
    /// A batch listed the same item twice.
    #[error("{what} {id} is listed twice: list each once")]
    DuplicateInBatch {
        /// What the batch holds.
        what: Cow<'static, str>,
        /// The repeated item.
        id: String,
    },
    /// A self-service password reset by an actor that is not a directory user.
    #[error("only a signed-in directory user has a password of their own to reset (rule USR-8)")]
    NotAUser,
    /// A self-service password reset by a user who gave no reset email.
    #[error(
        "user {user} gave no password-reset email: ask a global administrator to reset the password (rule USR-8)"
    )]
    NoResetEmail {
        /// The user.
        user: UserId,
    },
    /// A password reset for a guest, whose password lives in their own directory.
    #[error(
        "user {user} is a guest: their password is managed by their own directory (rule USR-8)"
    )]
    GuestPassword {
        /// The user.
        user: UserId,
    },
    /// A password (or key value) is too short.
    #[error("the {what} is too short: give at least {min} characters (rule X-4)")]
    SecretTooShort {
        /// "password" or "key value".
        what: Cow<'static, str>,
        /// The least number of characters.
        min: usize,
    },
    /// A password a user chose is longer than
    /// [`MAX_PASSWORD_CHARS`](crate::MAX_PASSWORD_CHARS); refused before it is hashed.
    #[error("the password is too long: choose one of at most {max} characters (rule USR-8)")]
    PasswordTooLong {
        /// The most characters allowed.
        max: usize,
    },

    // ---- groups (GRP) ----
    /// The group is not in the account.
    #[error("group {group} is not in the account: add or create it first (rule GRP-1)")]
    GroupNotInAccount {
        /// The group.
        group: GroupId,
    },
    /// The group already is in the account.
    #[error("group {group} already is in the account (rule GRP-1)")]
    GroupAlreadyInAccount {
        /// The group.
        group: GroupId,
    },
    /// A group member is not a user of the group's tenant.
    #[error(
        "user {user} is not a user of tenant {tenant}: a group's members come from its own tenant (rule GRP-2)"
    )]
    MemberNotInTenant {
        /// The user.
        user: UserId,
        /// The group's tenant.
        tenant: TenantId,
    },

    // ---- apps (APP) ----
    /// The app is not in the account.
    #[error("app {app} is not in the account: add or create it first (rule APP-1)")]
    AppNotInAccount {
        /// The app.
        app: AppId,
    },
    /// The app already is in the account.
    #[error("app {app} already is in the account (rule APP-1)")]
    AppAlreadyInAccount {
        /// The app.
        app: AppId,
    },
    /// The reply URL is already used by an app of the directory.
    #[error("reply URL {url} is already used in the directory: choose another (rule APP-2)")]
    ReplyUrlTaken {
        /// The URL.
        url: Url,
    },
    /// The App ID URI is already used by an app of the directory.
    #[error("App ID URI {uri} is already used in the directory: choose another (rule APP-2)")]
    AppIdUriTaken {
        /// The URI.
        uri: Url,
    },
    /// The key would live longer than the directory allows.
    #[error(
        "a key lives at most {max_months} months: choose an expiry date no later than that (rule APP-4)"
    )]
    KeyLifetimeTooLong {
        /// The longest lifetime in months.
        max_months: u32,
    },
    /// The key's expiry is not in the future.
    #[error("a key's expiry date must be in the future (rule APP-4)")]
    KeyExpiryInPast,
    /// The key id is already used by the app.
    #[error("key {key} already exists on this app: use another id (rule APP-4)")]
    KeyIdTaken {
        /// The key.
        key: KeyId,
    },
}
