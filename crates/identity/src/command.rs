//! What can be asked of the identity decider.

use chrono::{DateTime, Utc};
use partnerkit_core::{
    AccountId, AppId, DisplayName, EmailAddress, GroupId, KeyId, PersonName, SecretString,
    SellerId, TenantId, Url, UserId,
};

use crate::account::{AccountType, CompanyApprover, SellerContact, StepState, VerificationStep};
use crate::directory::{DirectoryApp, DirectoryGroup, DirectoryUser};
use crate::names::{DomainLabel, DomainName, Invitees};

/// A command to [`Identity`](crate::Identity).
///
/// Commands carry no roles or permissions: account permissions (rules ROL-1, TEN-1, USR-3)
/// are the access crate's and are checked by the facade before a command gets here. This
/// crate checks what it knows itself: who is signed in from where (USR-1, USR-2), who is a
/// global administrator of a directory (USR-4, USR-5, USR-8) and the tenant rules of TEN-4.
///
/// Removals that need confirmation carry `confirmed: bool`; `false` is refused with
/// [`Error::NotConfirmed`](crate::Error::NotConfirmed), so a host cannot skip asking.
///
/// Secrets (passwords, key values) are generated or read by the caller and passed in; events
/// keep only their fingerprints (rule X-4). This is why `Command` is not serialisable.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Command {
    /// Opens the account with the IDs the marketplace assigned (rule ACC-2). Marketplace only.
    OpenAccount {
        /// The account (user) ID.
        account: AccountId,
        /// The seller ID.
        seller_id: SellerId,
        /// Company or individual (rule ACC-1).
        account_type: AccountType,
        /// The publisher display name (rule ACC-3).
        display_name: DisplayName,
    },
    /// Records the outcome of a verification step (rule ACC-1). Marketplace only.
    RecordVerification {
        /// The step; it must be required for the account's type.
        step: VerificationStep,
        /// Its new state.
        state: StepState,
    },
    /// Changes the publisher display name (rule ACC-3).
    ChangeDisplayName {
        /// The new name.
        display_name: DisplayName,
    },
    /// Sets the seller contact (rule ACC-3).
    SetSellerContact {
        /// The contact.
        contact: SellerContact,
    },
    /// Sets the company approver; company accounts only (rule ACC-3).
    SetCompanyApprover {
        /// The approver.
        approver: CompanyApprover,
    },

    /// First step of associating an existing tenant: the host has authenticated a user to it;
    /// its organisation and domain are recorded for review (rule TEN-2). Nothing is
    /// associated yet.
    BeginTenantAssociation {
        /// The tenant.
        tenant: TenantId,
        /// Its organisation name.
        organization: DisplayName,
        /// Its domain.
        domain: DomainName,
        /// True if it synchronises from an on-premises directory (rule USR-6).
        synced_from_on_premises: bool,
        /// The directory user who authenticated to it, to become its first user of the
        /// account on confirmation; `None` to add users later.
        first_user: Option<DirectoryUser>,
    },
    /// Second step: confirms the reviewed association (rule TEN-2).
    ConfirmTenantAssociation {
        /// The tenant.
        tenant: TenantId,
    },
    /// Drops a begun association (rule TEN-2).
    CancelTenantAssociation {
        /// The tenant.
        tenant: TenantId,
    },
    /// Creates a new tenant `NAME.onmicrosoft.com` with its first global administrator
    /// (rule TEN-3).
    CreateTenant {
        /// The new tenant's id, chosen by the caller; drawn from the context if `None`.
        tenant: Option<TenantId>,
        /// The first administrator's user id, chosen by the caller; drawn from the context if
        /// `None`.
        admin: Option<UserId>,
        /// The `NAME` of the new domain; unique among the account's tenants.
        label: DomainLabel,
        /// The contact email; also the administrator's password-reset email (rule USR-4).
        contact_email: EmailAddress,
        /// The first global administrator's name.
        admin_name: PersonName,
        /// The administrator's username, in the new domain.
        admin_username: EmailAddress,
        /// The administrator's initial password (only its fingerprint is kept).
        admin_password: SecretString,
    },
    /// Removes an associated tenant and every user, group and app of it (rule TEN-4).
    RemoveTenant {
        /// The tenant.
        tenant: TenantId,
        /// Must be true: the user confirmed.
        confirmed: bool,
    },

    /// Adds existing directory users of a tenant; all get the same role or permissions from
    /// the facade (rule USR-3).
    AddUsers {
        /// The tenant.
        tenant: TenantId,
        /// The users, as read from the directory.
        users: Vec<DirectoryUser>,
    },
    /// Creates a user in the tenant and the account; global administrators only (rule
    /// USR-4). The user id comes from the context.
    CreateUser {
        /// The new user's id, chosen by the caller; drawn from the context if `None`.
        user: Option<UserId>,
        /// The tenant.
        tenant: TenantId,
        /// First and last name.
        name: PersonName,
        /// The sign-in name.
        username: EmailAddress,
        /// Make the user a global administrator of the directory (needs `reset_email`).
        global_admin: bool,
        /// The password-reset email (rule USR-8).
        reset_email: Option<EmailAddress>,
        /// Groups of the tenant the user joins.
        groups: Vec<GroupId>,
        /// The initial password, shown once by the caller (only its fingerprint is kept).
        password: SecretString,
    },
    /// Renames a user here and in the directory (rule USR-4).
    RenameUser {
        /// The user.
        user: UserId,
        /// The new name.
        name: PersonName,
    },
    /// Invites 1–10 guests by email; global administrators only (rule USR-5). User and
    /// invitation ids come from the context.
    InviteGuests {
        /// The guests' user ids, one per address in order, chosen by the caller; drawn from the
        /// context if empty.
        guests: Vec<UserId>,
        /// The tenant.
        tenant: TenantId,
        /// The addresses.
        invitees: Invitees,
    },
    /// Sends a pending invitation again (rule USR-5).
    ResendInvitation {
        /// The guest.
        user: UserId,
    },
    /// The guest accepts their invitation (rule USR-5); given by the guest or the marketplace.
    AcceptInvitation {
        /// The guest.
        user: UserId,
    },
    /// Removes a user that was added, created or invited here (rule USR-7).
    RemoveUser {
        /// The user.
        user: UserId,
        /// Must be true: the user confirmed.
        confirmed: bool,
    },
    /// A global administrator sets a temporary password (rule USR-8); the caller shows it
    /// once.
    ResetPassword {
        /// The user.
        user: UserId,
        /// The temporary password (only its fingerprint is kept).
        temporary: SecretString,
    },
    /// The signed-in user resets their own password; only with a reset email (rule USR-8).
    ///
    /// The password is kept only as a salted Argon2id hash (rule X-6), salted with the
    /// context's random source: decide it with a context made with
    /// [`Context::with_rng`](partnerkit_core::Context::with_rng), or it is refused with
    /// [`partnerkit_core::Error::NoRandomness`].
    ResetOwnPassword {
        /// The new password, of [`MIN_PASSWORD_CHARS`](crate::MIN_PASSWORD_CHARS) to
        /// [`MAX_PASSWORD_CHARS`](crate::MAX_PASSWORD_CHARS) characters (only its salted
        /// hash is kept).
        password: SecretString,
    },

    /// Adds existing directory groups of a tenant (rule GRP-1).
    AddGroups {
        /// The tenant.
        tenant: TenantId,
        /// The groups, as read from the directory.
        groups: Vec<DirectoryGroup>,
    },
    /// Creates a group in the tenant and the account (rule GRP-2). The id comes from the
    /// context.
    CreateGroup {
        /// The new group's id, chosen by the caller; drawn from the context if `None`.
        group: Option<GroupId>,
        /// The tenant.
        tenant: TenantId,
        /// Its display name.
        name: DisplayName,
        /// Its members: users of the account in that tenant.
        members: Vec<UserId>,
    },
    /// Adds and removes members of a group (rule GRP-2).
    ChangeGroupMembers {
        /// The group.
        group: GroupId,
        /// Users to add.
        add: Vec<UserId>,
        /// Members to remove.
        remove: Vec<UserId>,
    },
    /// Removes a group (rule GRP-3).
    RemoveGroup {
        /// The group.
        group: GroupId,
        /// Must be true: the user confirmed.
        confirmed: bool,
    },

    /// Adds existing directory apps of a tenant (rule APP-1).
    AddApps {
        /// The tenant.
        tenant: TenantId,
        /// The apps, as read from the directory.
        apps: Vec<DirectoryApp>,
    },
    /// Creates an app in the tenant and the account (rule APP-2). The id comes from the
    /// context.
    CreateApp {
        /// The new app's id (client ID), chosen by the caller; drawn from the context if `None`.
        app: Option<AppId>,
        /// The tenant.
        tenant: TenantId,
        /// Its display name.
        name: DisplayName,
        /// Its reply URL (unique in the directory).
        reply_url: Url,
        /// Its App ID URI (unique in the directory).
        app_id_uri: Url,
    },
    /// Removes one or more apps of one tenant (rule APP-3).
    RemoveApps {
        /// The apps.
        apps: Vec<AppId>,
        /// Must be true: the user confirmed.
        confirmed: bool,
    },
    /// Adds a key to an app (rule APP-4); the caller generates the value and shows it once.
    AddKey {
        /// The app.
        app: AppId,
        /// The key's id; `None` draws one from the context.
        key: Option<KeyId>,
        /// The key value (only its fingerprint is kept).
        value: SecretString,
        /// When it expires: in the future, at most 24 months from now.
        expires_at: DateTime<Utc>,
    },
    /// Deletes a key (rule APP-4).
    DeleteKey {
        /// The app.
        app: AppId,
        /// The key.
        key: KeyId,
    },
}
