//! Tenants and the directory principals given access to the account: users, groups, apps
//! and app keys.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use partnerkit_core::{
    AppId, DisplayName, EmailAddress, Fingerprint, GroupId, InvitationId, KeyId, PasswordHash,
    PersonName, SecretString, TenantId, Url, UserId,
};
use serde::{Deserialize, Serialize};

use crate::names::{DomainLabel, DomainName};

/// A tenant (directory) associated with the account (rules TEN-1..4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Tenant {
    /// The tenant's id.
    pub id: TenantId,
    /// Its domain, such as `contoso.com` or `contoso.onmicrosoft.com`.
    pub domain: DomainName,
    /// The organisation name reviewed when it was associated (none for created tenants).
    pub organization: Option<DisplayName>,
    /// True if it synchronises from an on-premises directory (rule USR-6).
    pub synced_from_on_premises: bool,
    /// How it came to the account.
    pub origin: TenantOrigin,
}

/// How a tenant came to the account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TenantOrigin {
    /// An existing tenant, associated in two steps (rule TEN-2).
    Associated,
    /// A tenant created from the account (rule TEN-3).
    Created {
        /// The `NAME` of `NAME.onmicrosoft.com`.
        label: DomainLabel,
        /// The contact email given at creation.
        contact_email: EmailAddress,
    },
}

/// An association that was begun and waits for confirmation (rule TEN-2). Nothing of it is
/// associated yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PendingAssociation {
    /// The tenant.
    pub tenant: TenantId,
    /// Its organisation name, to review.
    pub organization: DisplayName,
    /// Its domain, to review.
    pub domain: DomainName,
    /// True if it synchronises from an on-premises directory (rule USR-6).
    pub synced_from_on_premises: bool,
    /// The directory user who authenticated to it, added as its first user on confirmation.
    pub first_user: Option<DirectoryUser>,
}

/// An existing directory user, as the host read it from the directory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DirectoryUser {
    /// The user's object id.
    pub user: UserId,
    /// First and last name.
    pub name: PersonName,
    /// The sign-in name (user principal name).
    pub username: EmailAddress,
    /// True if the user is a global administrator of the directory (a directory role, not an
    /// account role: rule ROL-5).
    pub global_admin: bool,
}

/// How a principal came to the account (rule USR-7: only these can be removed from it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    /// An existing directory principal was added.
    Added,
    /// It was created from the account, in the directory too.
    Created,
    /// A guest was invited by email.
    Invited,
}

/// Where a guest's invitation stands (rule USR-5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum InvitationStatus {
    /// Sent, not accepted: "invitation pending". The guest has no access yet.
    Pending,
    /// Accepted: the guest can sign in.
    Accepted,
}

/// A guest's invitation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Invitation {
    /// The invitation's id.
    pub id: InvitationId,
    /// The address it was sent to.
    pub email: EmailAddress,
    /// Pending or accepted.
    pub status: InvitationStatus,
    /// How many times it was sent (1 + resends).
    pub sent: u32,
}

/// Who set a password last (rule USR-8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum PasswordSetBy {
    /// Set when the user was created.
    Creation,
    /// A temporary password set by a global administrator.
    GlobalAdmin,
    /// The user, by self-service reset.
    SelfService,
}

/// What is kept of a password: never the password itself (rules ).
///
/// Generated passwords (initial and temporary ones, 128 bits or more) are kept as a SHA-256
/// [`Fingerprint`]; passwords a user chose (self-service reset, rule USR-8) as a salted
/// Argon2id [`PasswordHash`], because a chosen password is guessable and an unsalted hash of
/// it can be cracked with one precomputed table for every user (rule X-6).
///
/// Serialised as the bare text of either form (untagged): 64 hex digits for a fingerprint, a
/// `$argon2id$…` PHC string for a hash. Histories written before self-service passwords were
/// hashed hold a fingerprint in `Event::PasswordReset { by: SelfService, .. }` and still
/// decode, as [`StoredPassword::Fingerprint`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(untagged)]
pub enum StoredPassword {
    /// SHA-256 fingerprint of a generated password.
    Fingerprint(Fingerprint),
    /// Salted Argon2id hash of a chosen password.
    Hash(PasswordHash),
}

impl StoredPassword {
    /// True if `password` is the stored password.
    pub fn verify(&self, password: &SecretString) -> bool {
        match self {
            StoredPassword::Fingerprint(f) => f.matches(password),
            StoredPassword::Hash(h) => h.verify(password),
        }
    }
}

impl From<Fingerprint> for StoredPassword {
    fn from(f: Fingerprint) -> Self {
        StoredPassword::Fingerprint(f)
    }
}

impl From<PasswordHash> for StoredPassword {
    fn from(h: PasswordHash) -> Self {
        StoredPassword::Hash(h)
    }
}

/// What is kept of a password: only a fingerprint or salted hash (rules ).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PasswordRecord {
    /// The stored form of the password. (Named `fingerprint` for the snapshots written before
    /// chosen passwords were hashed, which still decode.)
    pub fingerprint: StoredPassword,
    /// Who set it.
    pub set_by: PasswordSetBy,
}

/// A directory user given access to the account (rules USR-1..8).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct User {
    /// The user's object id.
    pub id: UserId,
    /// The tenant the user's work account lives in.
    pub tenant: TenantId,
    /// First and last name (unknown for a guest until given).
    pub name: Option<PersonName>,
    /// The sign-in name; a guest's invitation address.
    pub username: EmailAddress,
    /// How the user came to the account.
    pub origin: Origin,
    /// For a guest, the invitation; `None` for a member of the directory.
    pub invitation: Option<Invitation>,
    /// True if a global administrator of the directory (rule ROL-5: no account permission).
    pub global_admin: bool,
    /// The password-reset email given at creation (rule USR-8).
    pub reset_email: Option<EmailAddress>,
    /// The fingerprint of the last password set through the account (rule X-4).
    pub password: Option<PasswordRecord>,
}

impl User {
    /// True if the user's work account is active for the account: a member, or a guest who
    /// accepted (rules USR-1, USR-5).
    pub fn is_active(&self) -> bool {
        self.invitation
            .as_ref()
            .is_none_or(|i| i.status == InvitationStatus::Accepted)
    }

    /// True for a guest (invited by email).
    pub fn is_guest(&self) -> bool {
        self.invitation.is_some()
    }
}

/// An existing directory group, as the host read it from the directory (rule GRP-1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DirectoryGroup {
    /// The group's object id.
    pub group: GroupId,
    /// Its display name.
    pub name: DisplayName,
    /// Its members.
    pub members: Vec<UserId>,
}

/// A directory group given access to the account (rules GRP-1..3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Group {
    /// The group's object id.
    pub id: GroupId,
    /// Its tenant.
    pub tenant: TenantId,
    /// Its display name.
    pub name: DisplayName,
    /// Its members: each can use the account with the group's permissions (rule GRP-1).
    pub members: BTreeSet<UserId>,
    /// How it came to the account.
    pub origin: Origin,
}

/// An existing directory application, as the host read it from the directory (rule APP-1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DirectoryApp {
    /// The app's client (application) id.
    pub app: AppId,
    /// Its display name.
    pub name: DisplayName,
    /// Its reply URL, if it has one.
    pub reply_url: Option<Url>,
    /// Its App ID URI, if it has one.
    pub app_id_uri: Option<Url>,
}

/// A directory application given access to the account (rules APP-1..4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct App {
    /// The app's client (application) id.
    pub id: AppId,
    /// Its tenant.
    pub tenant: TenantId,
    /// Its display name.
    pub name: DisplayName,
    /// Its reply URL (at most 256 characters, unique in the directory: rule APP-2).
    pub reply_url: Option<Url>,
    /// Its App ID URI (at most 256 characters, unique in the directory: rule APP-2).
    pub app_id_uri: Option<Url>,
    /// How it came to the account.
    pub origin: Origin,
    /// Its keys, expired ones included, without their values (rule APP-4).
    pub keys: BTreeMap<KeyId, Key>,
}

impl App {
    /// The client id shown on the app's details (rule APP-2): the app's id.
    pub fn client_id(&self) -> AppId {
        self.id
    }

    /// The keys still active at `now`, with creation and expiry dates (rule APP-4).
    pub fn active_keys(&self, now: DateTime<Utc>) -> Vec<&Key> {
        self.keys.values().filter(|k| k.is_active(now)).collect()
    }
}

/// An app key (client secret): never its value, only a fingerprint and its dates (rule APP-4,
///
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Key {
    /// The key's id.
    pub id: KeyId,
    /// SHA-256 fingerprint of the value.
    pub fingerprint: Fingerprint,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it expires.
    pub expires_at: DateTime<Utc>,
}

impl Key {
    /// True if the key has not expired at `now`.
    pub fn is_active(&self, now: DateTime<Utc>) -> bool {
        now < self.expires_at
    }
}
