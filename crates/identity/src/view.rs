//! What a read shows of identity (rule X-8): the profile, the directory without credential
//! verifiers, and events with their verifiers left out. Identity owns this because it alone
//! knows which of its fields are verifiers.

use chrono::{DateTime, Utc};
use partnerkit_core::{
    AppId, DataClass, DisplayName, EmailAddress, GroupId, KeyId, PersonName, TenantId, Url, UserId,
};
use serde::Serialize;

use crate::directory::{
    App, Group, Invitation, Origin, PasswordSetBy, PendingAssociation, Tenant, User,
};
use crate::event::Event;
use crate::state::Account;

/// The directory as a read shows it (rule X-8): tenants, pending associations, users, groups
/// and apps — without a single credential verifier (no password fingerprint or hash, no key
/// fingerprint), whoever reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Directory {
    /// Associated tenants.
    pub tenants: Vec<Tenant>,
    /// Associations begun and waiting for confirmation (rule TEN-2).
    pub pending: Vec<PendingAssociation>,
    /// Users given access.
    pub users: Vec<UserView>,
    /// Groups given access.
    pub groups: Vec<Group>,
    /// Apps given access, with their keys' dates.
    pub apps: Vec<AppView>,
}

/// A user as a read shows it: everything but the stored password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct UserView {
    /// The user's object id.
    pub id: UserId,
    /// Its tenant.
    pub tenant: TenantId,
    /// First and last name (unknown for a guest until given).
    pub name: Option<PersonName>,
    /// The sign-in name; a guest's invitation address.
    pub username: EmailAddress,
    /// How the user came to the account.
    pub origin: Origin,
    /// For a guest, the invitation.
    pub invitation: Option<Invitation>,
    /// True if a global administrator of the directory.
    pub global_admin: bool,
    /// The password-reset email given at creation (rule USR-8).
    pub reset_email: Option<EmailAddress>,
    /// Who set the password last, if one was set through the account; never the password's
    /// stored form.
    pub password_set_by: Option<PasswordSetBy>,
}

/// An app as a read shows it: its keys' ids and dates, never their fingerprints (rule APP-4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct AppView {
    /// The app's client id.
    pub id: AppId,
    /// Its tenant.
    pub tenant: TenantId,
    /// Its display name.
    pub name: DisplayName,
    /// Its reply URL.
    pub reply_url: Option<Url>,
    /// Its App ID URI.
    pub app_id_uri: Option<Url>,
    /// How it came to the account.
    pub origin: Origin,
    /// Its keys, expired ones included.
    pub keys: Vec<KeyView>,
}

/// A key as a read shows it: id and dates (rule APP-4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct KeyView {
    /// The key's id.
    pub id: KeyId,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it expires.
    pub expires_at: DateTime<Utc>,
}

impl From<&User> for UserView {
    fn from(u: &User) -> Self {
        UserView {
            id: u.id,
            tenant: u.tenant,
            name: u.name.clone(),
            username: u.username.clone(),
            origin: u.origin,
            invitation: u.invitation.clone(),
            global_admin: u.global_admin,
            reset_email: u.reset_email.clone(),
            password_set_by: u.password.as_ref().map(|p| p.set_by),
        }
    }
}

impl From<&App> for AppView {
    fn from(a: &App) -> Self {
        AppView {
            id: a.id,
            tenant: a.tenant,
            name: a.name.clone(),
            reply_url: a.reply_url.clone(),
            app_id_uri: a.app_id_uri.clone(),
            origin: a.origin,
            keys: a
                .keys
                .values()
                .map(|k| KeyView {
                    id: k.id,
                    created_at: k.created_at,
                    expires_at: k.expires_at,
                })
                .collect(),
        }
    }
}

impl Account {
    /// The directory as a read shows it, without credential verifiers (rule X-8).
    pub fn directory(&self) -> Directory {
        Directory {
            tenants: self.tenants().cloned().collect(),
            pending: self.pending_associations().cloned().collect(),
            users: self.users().map(UserView::from).collect(),
            groups: self.groups().cloned().collect(),
            apps: self.apps().map(AppView::from).collect(),
        }
    }
}

/// An identity event as a read shows it (rule X-8): the event itself, or — for the three
/// events that carry a credential verifier — the same event without it. Serialised like the
/// event, less the verifier field. Made only by [`Event::view`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(transparent)]
pub struct EventView(Shown);

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(untagged)]
enum Shown {
    Event(Event),
    Redacted(Redacted),
}

/// The events that carry a verifier, without it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
enum Redacted {
    UserCreated {
        tenant: TenantId,
        user: UserId,
        name: PersonName,
        username: EmailAddress,
        global_admin: bool,
        reset_email: Option<EmailAddress>,
        groups: Vec<GroupId>,
    },
    PasswordReset {
        tenant: TenantId,
        user: UserId,
        by: PasswordSetBy,
    },
    KeyAdded {
        tenant: TenantId,
        app: AppId,
        key: KeyId,
        created_at: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    },
}

impl EventView {
    /// The event shown whole, if it carries no verifier; `None` for the three that do
    /// (user created, password reset, key added), which are shown without it.
    pub fn event(&self) -> Option<&Event> {
        match &self.0 {
            Shown::Event(e) => Some(e),
            Shown::Redacted(_) => None,
        }
    }
}

impl Event {
    /// The event as a read shows it: without its credential verifier, if it has one (rule
    /// Every variant is matched, so a new event with a verifier cannot slip through.
    pub fn view(&self) -> EventView {
        let shown = match self {
            Event::UserCreated {
                tenant,
                user,
                name,
                username,
                global_admin,
                reset_email,
                groups,
                password: _,
            } => Shown::Redacted(Redacted::UserCreated {
                tenant: *tenant,
                user: *user,
                name: name.clone(),
                username: username.clone(),
                global_admin: *global_admin,
                reset_email: reset_email.clone(),
                groups: groups.clone(),
            }),
            Event::PasswordReset {
                tenant,
                user,
                password: _,
                by,
            } => Shown::Redacted(Redacted::PasswordReset {
                tenant: *tenant,
                user: *user,
                by: *by,
            }),
            Event::KeyAdded {
                tenant,
                app,
                key,
                fingerprint: _,
                created_at,
                expires_at,
            } => Shown::Redacted(Redacted::KeyAdded {
                tenant: *tenant,
                app: *app,
                key: *key,
                created_at: *created_at,
                expires_at: *expires_at,
            }),
            Event::AccountOpened { .. }
            | Event::VerificationRecorded { .. }
            | Event::DisplayNameChanged { .. }
            | Event::SellerContactSet { .. }
            | Event::CompanyApproverSet { .. }
            | Event::TenantAssociationBegun { .. }
            | Event::TenantAssociated { .. }
            | Event::TenantAssociationCancelled { .. }
            | Event::TenantCreated { .. }
            | Event::TenantRemoved { .. }
            | Event::UsersAdded { .. }
            | Event::UserRenamed { .. }
            | Event::GuestInvited { .. }
            | Event::InvitationResent { .. }
            | Event::InvitationAccepted { .. }
            | Event::UserRemoved { .. }
            | Event::GroupsAdded { .. }
            | Event::GroupCreated { .. }
            | Event::GroupMembersChanged { .. }
            | Event::GroupRemoved { .. }
            | Event::AppsAdded { .. }
            | Event::AppCreated { .. }
            | Event::AppsRemoved { .. }
            | Event::KeyDeleted { .. } => Shown::Event(self.clone()),
        };
        EventView(shown)
    }

    /// The data class the event belongs to (rule X-8): the profile's events (opening,
    /// verification, display name, contacts) or the directory's (everything else).
    pub fn data_class(&self) -> DataClass {
        match self {
            Event::AccountOpened { .. }
            | Event::VerificationRecorded { .. }
            | Event::DisplayNameChanged { .. }
            | Event::SellerContactSet { .. }
            | Event::CompanyApproverSet { .. } => DataClass::Profile,
            Event::TenantAssociationBegun { .. }
            | Event::TenantAssociated { .. }
            | Event::TenantAssociationCancelled { .. }
            | Event::TenantCreated { .. }
            | Event::TenantRemoved { .. }
            | Event::UsersAdded { .. }
            | Event::UserCreated { .. }
            | Event::UserRenamed { .. }
            | Event::GuestInvited { .. }
            | Event::InvitationResent { .. }
            | Event::InvitationAccepted { .. }
            | Event::UserRemoved { .. }
            | Event::PasswordReset { .. }
            | Event::GroupsAdded { .. }
            | Event::GroupCreated { .. }
            | Event::GroupMembersChanged { .. }
            | Event::GroupRemoved { .. }
            | Event::AppsAdded { .. }
            | Event::AppCreated { .. }
            | Event::AppsRemoved { .. }
            | Event::KeyAdded { .. }
            | Event::KeyDeleted { .. } => DataClass::Directory,
        }
    }
}
