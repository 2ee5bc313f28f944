//! What an account answers: its profile, tenants, users, groups and apps, who can sign in,
//! and the lookups a command makes through the indexes.

use std::collections::BTreeSet;

use partnerkit_core::{Actor, AppId, EmailAddress, GroupId, TenantId, Url, UserId};

use super::Account;
use crate::account::{AccountStatus, Profile, PublisherIds};
use crate::directory::{App, Group, PendingAssociation, Tenant, User};

impl Account {
    /// The profile, once the account is opened.
    pub fn profile(&self) -> Option<&Profile> {
        self.profile.as_ref()
    }

    /// The status derived from verification (rule ACC-1); `None` before the account opens.
    pub fn status(&self) -> Option<AccountStatus> {
        self.profile.as_ref().map(Profile::status)
    }

    /// The publisher IDs with the associated tenants (rule ACC-2); `None` before opening.
    pub fn publisher_ids(&self) -> Option<PublisherIds> {
        self.profile.as_ref().map(|p| PublisherIds {
            account: p.account,
            seller_id: p.seller_id.clone(),
            tenants: self
                .tenants
                .values()
                .map(|t| (t.id, t.domain.clone()))
                .collect(),
        })
    }

    /// An associated tenant.
    pub fn tenant(&self, id: TenantId) -> Option<&Tenant> {
        self.tenants.get(&id)
    }

    /// The associated tenants (rule TEN-1: there may be several).
    pub fn tenants(&self) -> impl Iterator<Item = &Tenant> {
        self.tenants.values()
    }

    /// An association waiting for confirmation (rule TEN-2).
    pub fn pending_association(&self, tenant: TenantId) -> Option<&PendingAssociation> {
        self.pending.get(&tenant)
    }

    /// Every association waiting for confirmation.
    pub fn pending_associations(&self) -> impl Iterator<Item = &PendingAssociation> {
        self.pending.values()
    }

    /// A user of the account.
    pub fn user(&self, id: UserId) -> Option<&User> {
        self.users.get(&id)
    }

    /// Every user of the account.
    pub fn users(&self) -> impl Iterator<Item = &User> {
        self.users.values()
    }

    /// The users of one tenant.
    pub fn users_of(&self, tenant: TenantId) -> impl Iterator<Item = &User> {
        self.users.values().filter(move |u| u.tenant == tenant)
    }

    /// A group of the account.
    pub fn group(&self, id: GroupId) -> Option<&Group> {
        self.groups.get(&id)
    }

    /// Every group of the account.
    pub fn groups(&self) -> impl Iterator<Item = &Group> {
        self.groups.values()
    }

    /// The groups `user` is a member of (rule ROL-4 uses them).
    pub fn groups_of(&self, user: UserId) -> Vec<GroupId> {
        self.index
            .member_of
            .get(&user)
            .map(|gs| gs.as_slice().to_vec())
            .unwrap_or_default()
    }

    /// True if `user` is a member of one of the account's groups other than those in
    /// `except`.
    pub(crate) fn is_member_outside(&self, user: UserId, except: &BTreeSet<GroupId>) -> bool {
        self.index
            .member_of
            .get(&user)
            .is_some_and(|gs| gs.as_slice().iter().any(|g| !except.contains(g)))
    }

    /// The tenant a user id belongs to in the account: as a user, or as a member of a group.
    pub(crate) fn tenant_of(&self, user: UserId) -> Option<TenantId> {
        self.users.get(&user).map(|u| u.tenant).or_else(|| {
            self.index
                .member_of
                .get(&user)
                .and_then(|gs| gs.as_slice().iter().find_map(|g| self.groups.get(g)))
                .map(|g| g.tenant)
        })
    }

    /// True if a user of the account in `tenant` has `username` (rule USR-4).
    pub(crate) fn username_taken(&self, tenant: TenantId, username: &EmailAddress) -> bool {
        self.usernames().contains_key(&(tenant, username.clone()))
    }

    /// True if an app of the directory `tenant` has `url` as its reply URL (rule APP-2).
    pub(crate) fn reply_url_taken(&self, tenant: TenantId, url: &Url) -> bool {
        self.index.reply_urls.contains_key(&(tenant, url.clone()))
    }

    /// True if an app of the directory `tenant` has `uri` as its App ID URI (rule APP-2).
    pub(crate) fn app_id_uri_taken(&self, tenant: TenantId, uri: &Url) -> bool {
        self.index.app_id_uris.contains_key(&(tenant, uri.clone()))
    }

    /// An app of the account.
    pub fn app(&self, id: AppId) -> Option<&App> {
        self.apps.get(&id)
    }

    /// Every app of the account.
    pub fn apps(&self) -> impl Iterator<Item = &App> {
        self.apps.values()
    }

    /// True if `actor` may sign in to the account (rule USR-1):
    ///
    /// - a [`Actor::User`] signed in from `tenant`: the tenant is associated, and the user is
    ///   an active user of the account in it (a member of the directory, or a guest who
    ///   accepted), or, not being a user of the account, is a member of one of its groups of
    ///   that tenant (rule GRP-1);
    /// - an [`Actor::App`] of `tenant`: the tenant is associated and the app is one of the
    ///   account's apps of that tenant (rule APP-1);
    /// - any other actor (owner account, marketplace): false, they do not sign in as
    ///   directory principals.
    pub fn can_sign_in(&self, actor: &Actor) -> bool {
        match *actor {
            Actor::User { tenant, user } => self.user_can_sign_in(tenant, user),
            Actor::App { tenant, app } => {
                self.tenants.contains_key(&tenant)
                    && self.apps.get(&app).is_some_and(|a| a.tenant == tenant)
            }
            // Owner account, marketplace, and kinds of actor added later.
            _ => false,
        }
    }

    /// True if `user` is a guest of the associated `tenant` whose invitation is still
    /// pending (rule USR-5): the one person who may accept it.
    pub fn is_pending_guest(&self, tenant: TenantId, user: UserId) -> bool {
        self.user_in_associated(tenant, user)
            .is_some_and(|u| u.is_guest() && !u.is_active())
    }

    /// The user half of [`Account::can_sign_in`].
    fn user_can_sign_in(&self, tenant: TenantId, user: UserId) -> bool {
        if !self.tenants.contains_key(&tenant) {
            return false;
        }
        match self.users.get(&user) {
            Some(u) => u.tenant == tenant && u.is_active(),
            None => self.index.member_of.get(&user).is_some_and(|gs| {
                gs.as_slice()
                    .iter()
                    .filter_map(|g| self.groups.get(g))
                    .any(|g| g.tenant == tenant)
            }),
        }
    }

    /// True if `user` is a user of the account in the associated `tenant` whose work account
    /// is active (a member of the directory, or a guest who accepted); group membership does
    /// not count here.
    pub(crate) fn is_active_user(&self, tenant: TenantId, user: UserId) -> bool {
        self.user_in_associated(tenant, user)
            .is_some_and(User::is_active)
    }

    /// `user`, if it is a user of the account in `tenant` and `tenant` is associated.
    fn user_in_associated(&self, tenant: TenantId, user: UserId) -> Option<&User> {
        if !self.tenants.contains_key(&tenant) {
            return None;
        }
        self.users.get(&user).filter(|u| u.tenant == tenant)
    }

    /// True if `user` is a user of the account in `tenant` and a global administrator of that
    /// directory (a directory role: rule ROL-5).
    pub fn is_global_admin(&self, tenant: TenantId, user: UserId) -> bool {
        self.users
            .get(&user)
            .is_some_and(|u| u.tenant == tenant && u.global_admin && u.is_active())
    }
}
