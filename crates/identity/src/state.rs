//! The account state: its data, how two states compare, and what applying an event may
//! change. Its queries are in `queries`; the indexes derived from its data, and the changes
//! that keep them exact, in `indexes`.

use std::collections::BTreeMap;

use partnerkit_core::{AppId, GroupId, KeyId, TenantId, UserId};
use serde::{Deserialize, Serialize};

use crate::account::Profile;
use crate::directory::{App, Group, Key, PendingAssociation, Tenant, User};

mod indexes;
mod queries;

use indexes::Index;

/// The identity state of one marketplace account: profile, tenants, users, groups and apps.
///
/// `Default` is the account before the marketplace opens it. The state is only ever changed
/// by applying [`Event`](crate::Event)s, and is rebuilt from them alone.
///
/// Lookups a command needs (a username in a tenant, the groups of a user, a reply URL or App
/// ID URI in a directory) go through indexes kept alongside the data, so a command's cost
/// grows with what it touches, not with the account (issue 14). The indexes are derived:
/// they are not serialised, and are rebuilt when a state is read, so the stored form is the
/// data alone.
///
/// Two accounts are equal when their data and their indexes are (a lazily built index is
/// built to compare it).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(from = "StoredAccount")]
pub struct Account {
    profile: Option<Profile>,
    tenants: BTreeMap<TenantId, Tenant>,
    pending: BTreeMap<TenantId, PendingAssociation>,
    users: BTreeMap<UserId, User>,
    groups: BTreeMap<GroupId, Group>,
    apps: BTreeMap<AppId, App>,
    #[serde(skip)]
    index: Index,
}

// The stored form of `Account`: its data without the derived index, which reading rebuilds.
partnerkit_core::validated_fields!(
    Account from StoredAccount {
        profile: Option<Profile>,
        tenants: BTreeMap<TenantId, Tenant>,
        pending: BTreeMap<TenantId, PendingAssociation>,
        #[serde(deserialize_with = "partnerkit_core::bulk_map")]
        users: BTreeMap<UserId, User>,
        groups: BTreeMap<GroupId, Group>,
        apps: BTreeMap<AppId, App>,
    } by |profile, tenants, pending, users, groups, apps| {
        let mut account = Account {
            profile,
            tenants,
            pending,
            users,
            groups,
            apps,
            index: Index::default(),
        };
        account.rebuild_index();
        account
    }
);

impl PartialEq for Account {
    fn eq(&self, other: &Account) -> bool {
        self.same_data(other)
            && self.index.member_of == other.index.member_of
            && self.index.reply_urls == other.index.reply_urls
            && self.index.app_id_uris == other.index.app_id_uris
            && self.usernames() == other.usernames()
    }
}

impl Eq for Account {}

impl Account {
    /// True if `self` and `other` hold the same data: what `==` compares, less the derived
    /// indexes (which reading a state rebuilds from the data, so they cannot differ between a
    /// state and its stored form read back). Cheaper than `==` on a large account: the
    /// username index is hashed, and comparing two of them is a lookup per user.
    pub fn same_data(&self, other: &Account) -> bool {
        self.profile == other.profile
            && self.tenants == other.tenants
            && self.pending == other.pending
            && self.users == other.users
            && self.groups == other.groups
            && self.apps == other.apps
    }
}

// What applying an event changes (`apply` is in `decide`, by area). The indexes key on a
// user's tenant and username, a group's members and an app's reply URL and App ID URI: those
// change only through the methods in `indexes`, which keep the indexes exact.
impl Account {
    /// The profile, `None` before the account is opened.
    pub(crate) fn profile_mut(&mut self) -> &mut Option<Profile> {
        &mut self.profile
    }

    /// The associations waiting for confirmation.
    pub(crate) fn pending_mut(&mut self) -> &mut BTreeMap<TenantId, PendingAssociation> {
        &mut self.pending
    }

    /// Adds a tenant to the account, or replaces it.
    pub(crate) fn insert_tenant(&mut self, tenant: Tenant) {
        self.tenants.insert(tenant.id, tenant);
    }

    /// Removes a tenant with everything of it: its pending association, users, groups and
    /// apps.
    pub(crate) fn remove_tenant(&mut self, tenant: TenantId) {
        self.tenants.remove(&tenant);
        self.pending.remove(&tenant);
        self.users.retain(|_, u| u.tenant != tenant);
        self.groups.retain(|_, g| g.tenant != tenant);
        self.apps.retain(|_, a| a.tenant != tenant);
        self.rebuild_index();
    }

    /// A user of the account, to change in place: never its id, tenant or username (the
    /// indexes key on them; [`insert_user`](Self::insert_user) replaces a user whole).
    pub(crate) fn user_mut(&mut self, id: UserId) -> Option<&mut User> {
        self.users.get_mut(&id)
    }

    /// The keys of an app of the account.
    pub(crate) fn keys_mut(&mut self, app: AppId) -> Option<&mut BTreeMap<KeyId, Key>> {
        self.apps.get_mut(&app).map(|a| &mut a.keys)
    }
}
