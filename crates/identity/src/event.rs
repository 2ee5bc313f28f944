//! What happened: the public, serialised event format of the identity crate.

use chrono::{DateTime, Utc};
use partnerkit_core::{
    AccountId, AppId, DisplayName, EmailAddress, Fingerprint, GroupId, InvitationId, KeyId,
    OwnerAccountId, PersonName, SellerId, TenantId, Url, UserId,
};
use serde::{Deserialize, Serialize};

use crate::account::{AccountType, CompanyApprover, SellerContact, StepState, VerificationStep};
use crate::directory::{
    DirectoryApp, DirectoryGroup, DirectoryUser, PasswordSetBy, StoredPassword,
};
use crate::names::{DomainLabel, DomainName};

/// An event of [`Identity`](crate::Identity). Serialised with a `"type"` tag in snake case;
/// this is a public format (snapshot-tested).
///
/// Events that change who can use the account name every principal concerned, so the
/// access crate can grant or drop permissions from the event alone: a guest has no access
/// until [`Event::InvitationAccepted`]; [`Event::TenantRemoved`] lists every user, group and
/// app that lost access (rule TEN-4). The facade wraps each event in a
/// [`partnerkit_core::Envelope`] with who and when (rule X-1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Event {
    /// The marketplace opened the account and assigned its IDs (rule ACC-2).
    AccountOpened {
        /// The account (user) ID.
        account: AccountId,
        /// The seller ID.
        seller_id: SellerId,
        /// Company or individual.
        account_type: AccountType,
        /// The publisher display name.
        display_name: DisplayName,
        /// The owner account that opened it, as histories written before the owner account
        /// moved to the payouts crate recorded it. Kept so they decode; new events leave it
        /// out and the state ignores it: identity is not a store of the owner account (the
        /// facade checks that an [`Actor::OwnerAccount`](partnerkit_core::Actor::OwnerAccount)
        /// is the account's owner before a command reaches this crate).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        owner: Option<OwnerAccountId>,
    },
    /// A verification step changed state (rule ACC-1).
    VerificationRecorded {
        /// The step.
        step: VerificationStep,
        /// Its new state.
        state: StepState,
    },
    /// The publisher display name changed (rule ACC-3).
    DisplayNameChanged {
        /// The new name.
        display_name: DisplayName,
    },
    /// The seller contact was set (rule ACC-3).
    SellerContactSet {
        /// The contact.
        contact: SellerContact,
    },
    /// The company approver was set (rule ACC-3).
    CompanyApproverSet {
        /// The approver.
        approver: CompanyApprover,
    },
    /// An association was begun and waits for confirmation (rule TEN-2).
    TenantAssociationBegun {
        /// The tenant.
        tenant: TenantId,
        /// Its organisation name.
        organization: DisplayName,
        /// Its domain.
        domain: DomainName,
        /// True if it synchronises from on-premises.
        synced_from_on_premises: bool,
        /// The user to add on confirmation.
        first_user: Option<DirectoryUser>,
    },
    /// The tenant is associated (rule TEN-2). A [`Event::UsersAdded`] for its first user
    /// follows when one was given.
    TenantAssociated {
        /// The tenant.
        tenant: TenantId,
        /// Its organisation name.
        organization: DisplayName,
        /// Its domain.
        domain: DomainName,
        /// True if it synchronises from on-premises.
        synced_from_on_premises: bool,
    },
    /// A begun association was dropped (rule TEN-2).
    TenantAssociationCancelled {
        /// The tenant.
        tenant: TenantId,
    },
    /// A tenant was created and associated (rule TEN-3). A [`Event::UserCreated`] for its
    /// first global administrator follows.
    TenantCreated {
        /// The tenant.
        tenant: TenantId,
        /// The `NAME` of `NAME.onmicrosoft.com`.
        label: DomainLabel,
        /// The contact email.
        contact_email: EmailAddress,
        /// The first global administrator.
        first_admin: UserId,
    },
    /// A tenant was removed: every principal listed lost sign-in and every grant (rule TEN-4).
    TenantRemoved {
        /// The tenant.
        tenant: TenantId,
        /// Its users that lost access.
        users: Vec<UserId>,
        /// Its groups that lost access.
        groups: Vec<GroupId>,
        /// Its apps that lost access.
        apps: Vec<AppId>,
    },
    /// Existing directory users were added in one step; they share one role or permission
    /// set (rule USR-3).
    UsersAdded {
        /// The tenant.
        tenant: TenantId,
        /// The users.
        users: Vec<DirectoryUser>,
    },
    /// A user was created in the tenant and the account (rule USR-4).
    UserCreated {
        /// The tenant.
        tenant: TenantId,
        /// The user.
        user: UserId,
        /// First and last name.
        name: PersonName,
        /// The sign-in name.
        username: EmailAddress,
        /// True if made a global administrator.
        global_admin: bool,
        /// The password-reset email.
        reset_email: Option<EmailAddress>,
        /// Groups the user joined.
        groups: Vec<GroupId>,
        /// Fingerprint of the initial password (rule X-4).
        password: Fingerprint,
    },
    /// A user's name changed, here and in the directory (rule USR-4).
    UserRenamed {
        /// The tenant.
        tenant: TenantId,
        /// The user.
        user: UserId,
        /// The new name.
        name: PersonName,
    },
    /// A guest was invited; no access until accepted (rule USR-5).
    GuestInvited {
        /// The tenant.
        tenant: TenantId,
        /// The guest user made in the tenant.
        user: UserId,
        /// The invitation.
        invitation: InvitationId,
        /// The address invited.
        email: EmailAddress,
    },
    /// A pending invitation was sent again (rule USR-5).
    InvitationResent {
        /// The tenant.
        tenant: TenantId,
        /// The guest.
        user: UserId,
        /// The invitation.
        invitation: InvitationId,
    },
    /// A guest accepted and can now sign in (rule USR-5).
    InvitationAccepted {
        /// The tenant.
        tenant: TenantId,
        /// The guest.
        user: UserId,
        /// The invitation.
        invitation: InvitationId,
    },
    /// A user was removed from the account and from its groups (rule USR-7).
    UserRemoved {
        /// The tenant.
        tenant: TenantId,
        /// The user.
        user: UserId,
        /// The account's groups the user left.
        groups: Vec<GroupId>,
    },
    /// A password was set; only its fingerprint is kept (rules USR-8, X-4).
    PasswordReset {
        /// The tenant.
        tenant: TenantId,
        /// The user.
        user: UserId,
        /// The new password's stored form: a fingerprint of a temporary password set by a
        /// global administrator, a salted Argon2id hash of a password the user chose (rule
        /// Events recorded before chosen passwords were hashed hold a fingerprint for
        /// both and still decode.
        password: StoredPassword,
        /// A global administrator or the user.
        by: PasswordSetBy,
    },
    /// Existing directory groups were added in one step; they share one role (rule GRP-1).
    GroupsAdded {
        /// The tenant.
        tenant: TenantId,
        /// The groups with their members.
        groups: Vec<DirectoryGroup>,
    },
    /// A group was created in the tenant and the account (rule GRP-2).
    GroupCreated {
        /// The tenant.
        tenant: TenantId,
        /// The group.
        group: GroupId,
        /// Its display name.
        name: DisplayName,
        /// Its members.
        members: Vec<UserId>,
    },
    /// A group's members changed (rule GRP-2).
    GroupMembersChanged {
        /// The tenant.
        tenant: TenantId,
        /// The group.
        group: GroupId,
        /// Members that joined.
        added: Vec<UserId>,
        /// Members that left.
        removed: Vec<UserId>,
    },
    /// A group was removed (rule GRP-3).
    GroupRemoved {
        /// The tenant.
        tenant: TenantId,
        /// The group.
        group: GroupId,
        /// Its members when it was removed: those that are not users of the account and in
        /// no other of its groups lose access with it. Empty in histories written before this
        /// field existed.
        #[serde(default)]
        members: Vec<UserId>,
    },
    /// Existing directory apps were added in one step; they share one role (rule APP-1).
    AppsAdded {
        /// The tenant.
        tenant: TenantId,
        /// The apps.
        apps: Vec<DirectoryApp>,
    },
    /// An app was created in the tenant and the account (rule APP-2).
    AppCreated {
        /// The tenant.
        tenant: TenantId,
        /// The app (its client id).
        app: AppId,
        /// Its display name.
        name: DisplayName,
        /// Its reply URL.
        reply_url: Url,
        /// Its App ID URI.
        app_id_uri: Url,
    },
    /// Apps of one tenant were removed (rule APP-3).
    AppsRemoved {
        /// The tenant.
        tenant: TenantId,
        /// The apps.
        apps: Vec<AppId>,
    },
    /// A key was added; only its fingerprint is kept (rules APP-4, X-4).
    KeyAdded {
        /// The tenant.
        tenant: TenantId,
        /// The app.
        app: AppId,
        /// The key.
        key: KeyId,
        /// Fingerprint of the value.
        fingerprint: Fingerprint,
        /// When it was created.
        created_at: DateTime<Utc>,
        /// When it expires.
        expires_at: DateTime<Utc>,
    },
    /// A key was deleted (rule APP-4).
    KeyDeleted {
        /// The tenant.
        tenant: TenantId,
        /// The app.
        app: AppId,
        /// The key.
        key: KeyId,
    },
}
