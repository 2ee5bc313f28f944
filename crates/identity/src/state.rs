//! The account state and its queries, and how events fold into it.

use std::collections::{BTreeMap, BTreeSet, HashMap, btree_map, hash_map};
use std::sync::OnceLock;

use partnerkit_core::{Actor, AppId, EmailAddress, GroupId, KeyId, TenantId, Url, UserId};
use serde::{Deserialize, Serialize};

use crate::account::{AccountStatus, Profile, PublisherIds};
use crate::directory::{App, Group, Key, PendingAssociation, Tenant, User};

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

/// The stored form of [`Account`]: its data without the derived index.
#[derive(Deserialize)]
struct StoredAccount {
    profile: Option<Profile>,
    tenants: BTreeMap<TenantId, Tenant>,
    pending: BTreeMap<TenantId, PendingAssociation>,
    #[serde(deserialize_with = "partnerkit_core::bulk_map")]
    users: BTreeMap<UserId, User>,
    groups: BTreeMap<GroupId, Group>,
    apps: BTreeMap<AppId, App>,
}

impl From<StoredAccount> for Account {
    fn from(s: StoredAccount) -> Account {
        let mut account = Account {
            profile: s.profile,
            tenants: s.tenants,
            pending: s.pending,
            users: s.users,
            groups: s.groups,
            apps: s.apps,
            index: Index::default(),
        };
        account.rebuild_index();
        account
    }
}

/// Indexes derived from the data of an [`Account`]. Each maps a key to the ids holding it,
/// sorted and without repeats, so the index stays exact even for a stored state that breaks a
/// uniqueness rule. Almost every key has one id, which [`Ids`] holds without allocating (a
/// loaded 100,000-user account has 100,000 keys).
#[derive(Debug, Clone, Default)]
struct Index {
    /// (tenant, username) → users of the account with that username in that tenant. Only
    /// ever looked up, never walked in order, so it is hashed: rebuilding it for a loaded
    /// account costs no sort. Built the first time a command looks a username up, not when
    /// a state is read: it has an entry per user (about a fifth of decoding a 100,000-user
    /// snapshot), and a loaded account's first `authorize` needs none of it. Until then the
    /// changes applied to the account are not recorded in it; once built it is kept exact.
    usernames: OnceLock<Usernames>,
    /// user → the account's groups the user is a member of.
    member_of: BTreeMap<UserId, Ids<GroupId>>,
    /// (tenant, reply URL) → apps of that directory with it.
    reply_urls: BTreeMap<(TenantId, Url), Ids<AppId>>,
    /// (tenant, App ID URI) → apps of that directory with it.
    app_id_uris: BTreeMap<(TenantId, Url), Ids<AppId>>,
}

/// The username index (see [`Index::usernames`]).
type Usernames = HashMap<(TenantId, EmailAddress), Ids<UserId>>;

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

/// The ids an index holds for one key: sorted, without repeats, never empty. One id is held
/// inline; a `Vec` of one would allocate for every user of a loaded account. The form is
/// canonical (`One` for one id, `Many` for two or more), so two `Ids` holding the same ids are
/// equal.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Ids<V> {
    /// The only id.
    One(V),
    /// Two or more ids, sorted.
    Many(Vec<V>),
}

impl<V: Ord + Copy> Ids<V> {
    /// The ids, sorted.
    fn as_slice(&self) -> &[V] {
        match self {
            Ids::One(v) => std::slice::from_ref(v),
            Ids::Many(vs) => vs,
        }
    }

    /// Adds `value` (nothing if it is there already).
    fn insert(&mut self, value: V) {
        match self {
            Ids::One(v) if *v == value => {}
            Ids::One(v) => {
                let pair = if *v < value {
                    vec![*v, value]
                } else {
                    vec![value, *v]
                };
                *self = Ids::Many(pair);
            }
            Ids::Many(vs) => {
                if let Err(at) = vs.binary_search(&value) {
                    vs.insert(at, value);
                }
            }
        }
    }

    /// Removes `value`; true if no id is left (the key is then to be removed).
    fn remove(&mut self, value: &V) -> bool {
        match self {
            Ids::One(v) => v == value,
            Ids::Many(vs) => {
                if let Ok(at) = vs.binary_search(value) {
                    vs.remove(at);
                }
                match vs.as_slice() {
                    [] => true,
                    [one] => {
                        *self = Ids::One(*one);
                        false
                    }
                    _ => false,
                }
            }
        }
    }
}

/// Adds `value` to the ids of `key`.
fn index_add<K: Ord, V: Ord + Copy>(map: &mut BTreeMap<K, Ids<V>>, key: K, value: V) {
    match map.entry(key) {
        btree_map::Entry::Vacant(e) => {
            e.insert(Ids::One(value));
        }
        btree_map::Entry::Occupied(mut e) => e.get_mut().insert(value),
    }
}

fn index_remove<K: Ord, V: Ord + Copy>(map: &mut BTreeMap<K, Ids<V>>, key: &K, value: &V) {
    if map.get_mut(key).is_some_and(|ids| ids.remove(value)) {
        map.remove(key);
    }
}

/// The username index's [`index_add`].
fn username_add(usernames: &mut Usernames, key: (TenantId, EmailAddress), user: UserId) {
    match usernames.entry(key) {
        hash_map::Entry::Vacant(e) => {
            e.insert(Ids::One(user));
        }
        hash_map::Entry::Occupied(mut e) => e.get_mut().insert(user),
    }
}

/// The username index's [`index_remove`].
fn username_remove(usernames: &mut Usernames, key: &(TenantId, EmailAddress), user: UserId) {
    if usernames.get_mut(key).is_some_and(|ids| ids.remove(&user)) {
        usernames.remove(key);
    }
}

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
        self.tenants.contains_key(&tenant)
            && self
                .users
                .get(&user)
                .is_some_and(|u| u.tenant == tenant && u.is_guest() && !u.is_active())
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
        self.tenants.contains_key(&tenant)
            && self
                .users
                .get(&user)
                .is_some_and(|u| u.tenant == tenant && u.is_active())
    }

    /// True if `user` is a user of the account in `tenant` and a global administrator of that
    /// directory (a directory role: rule ROL-5).
    pub fn is_global_admin(&self, tenant: TenantId, user: UserId) -> bool {
        self.users
            .get(&user)
            .is_some_and(|u| u.tenant == tenant && u.global_admin && u.is_active())
    }
}

// What applying an event changes (`apply` is in `decide`, by area). The indexes key on a
// user's tenant and username, a group's members and an app's reply URL and App ID URI: those
// change only through the methods below, which keep the indexes exact.
impl Account {
    /// The profile, `None` before the account is opened.
    pub(crate) fn profile_mut(&mut self) -> &mut Option<Profile> {
        &mut self.profile
    }

    /// The associations waiting for confirmation.
    pub(crate) fn pending_mut(&mut self) -> &mut BTreeMap<TenantId, PendingAssociation> {
        &mut self.pending
    }

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

    /// The username index, built now if no command has looked a username up yet.
    fn usernames(&self) -> &Usernames {
        self.index.usernames.get_or_init(|| {
            let mut usernames = Usernames::with_capacity(self.users.len());
            for u in self.users.values() {
                username_add(&mut usernames, (u.tenant, u.username.clone()), u.id);
            }
            usernames
        })
    }

    /// Rebuilds the indexes from the data; the username index is left to be built on first
    /// use ([`usernames`](Self::usernames)).
    fn rebuild_index(&mut self) {
        let mut index = Index::default();
        for g in self.groups.values() {
            for m in &g.members {
                index_add(&mut index.member_of, *m, g.id);
            }
        }
        for a in self.apps.values() {
            if let Some(url) = &a.reply_url {
                index_add(&mut index.reply_urls, (a.tenant, url.clone()), a.id);
            }
            if let Some(uri) = &a.app_id_uri {
                index_add(&mut index.app_id_uris, (a.tenant, uri.clone()), a.id);
            }
        }
        self.index = index;
    }

    pub(crate) fn insert_user(&mut self, user: User) {
        if let Some(usernames) = self.index.usernames.get_mut() {
            if let Some(old) = self.users.get(&user.id) {
                username_remove(usernames, &(old.tenant, old.username.clone()), user.id);
            }
            username_add(usernames, (user.tenant, user.username.clone()), user.id);
        }
        self.users.insert(user.id, user);
    }

    /// Removes a user from the account and from every group of it.
    pub(crate) fn remove_user(&mut self, id: UserId) {
        if let Some(old) = self.users.remove(&id)
            && let Some(usernames) = self.index.usernames.get_mut()
        {
            username_remove(usernames, &(old.tenant, old.username), id);
        }
        let groups = self.index.member_of.remove(&id);
        for g in groups.as_ref().map_or(&[][..], Ids::as_slice) {
            if let Some(group) = self.groups.get_mut(g) {
                group.members.remove(&id);
            }
        }
    }

    pub(crate) fn insert_group(&mut self, group: Group) {
        self.remove_group(group.id);
        for m in &group.members {
            index_add(&mut self.index.member_of, *m, group.id);
        }
        self.groups.insert(group.id, group);
    }

    pub(crate) fn remove_group(&mut self, id: GroupId) {
        if let Some(old) = self.groups.remove(&id) {
            for m in &old.members {
                index_remove(&mut self.index.member_of, m, &id);
            }
        }
    }

    /// Adds `user` to the group, if the group is the account's.
    pub(crate) fn add_member(&mut self, group: GroupId, user: UserId) {
        if let Some(g) = self.groups.get_mut(&group) {
            g.members.insert(user);
            index_add(&mut self.index.member_of, user, group);
        }
    }

    pub(crate) fn remove_member(&mut self, group: GroupId, user: UserId) {
        if let Some(g) = self.groups.get_mut(&group) {
            g.members.remove(&user);
            index_remove(&mut self.index.member_of, &user, &group);
        }
    }

    pub(crate) fn insert_app(&mut self, app: App) {
        self.remove_app(app.id);
        if let Some(url) = &app.reply_url {
            index_add(
                &mut self.index.reply_urls,
                (app.tenant, url.clone()),
                app.id,
            );
        }
        if let Some(uri) = &app.app_id_uri {
            index_add(
                &mut self.index.app_id_uris,
                (app.tenant, uri.clone()),
                app.id,
            );
        }
        self.apps.insert(app.id, app);
    }

    pub(crate) fn remove_app(&mut self, id: AppId) {
        if let Some(old) = self.apps.remove(&id) {
            if let Some(url) = old.reply_url {
                index_remove(&mut self.index.reply_urls, &(old.tenant, url), &id);
            }
            if let Some(uri) = old.app_id_uri {
                index_remove(&mut self.index.app_id_uris, &(old.tenant, uri), &id);
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use partnerkit_core::testing::id;
    use partnerkit_core::{Decider, PersonName, TenantId};

    use super::*;
    use crate::decide::Identity;
    use crate::directory::{DirectoryApp, DirectoryGroup, DirectoryUser};
    use crate::event::Event;

    fn t(n: u128) -> TenantId {
        id(n)
    }

    fn fold(events: &[Event]) -> Account {
        let mut a = Account::default();
        for e in events {
            Identity::apply(&mut a, e);
        }
        a
    }

    proptest::proptest! {
        /// `Ids` holds what a sorted set would, in its one canonical form.
        #[test]
        fn ids_are_a_sorted_set(ops in proptest::collection::vec((proptest::bool::ANY, 0u8..6), 1..40)) {
            let mut ids: Option<Ids<u8>> = None;
            let mut model = BTreeSet::new();
            for (add, v) in ops {
                if add {
                    model.insert(v);
                    match &mut ids {
                        Some(ids) => ids.insert(v),
                        None => ids = Some(Ids::One(v)),
                    }
                } else {
                    model.remove(&v);
                    if ids.as_mut().is_some_and(|ids| ids.remove(&v)) {
                        ids = None;
                    }
                }
                let held = ids.as_ref().map_or(&[][..], Ids::as_slice);
                proptest::prop_assert_eq!(held, model.iter().copied().collect::<Vec<_>>());
                proptest::prop_assert_eq!(matches!(ids, Some(Ids::One(_))), model.len() == 1);
            }
        }
    }

    #[test]
    fn uniqueness_rules_are_answered_by_the_index_and_survive_a_round_trip() {
        // rule: USR-4 (usernames unique in a tenant), APP-2 (reply URL and App ID URI unique
        // in the directory), GRP-1 (a member belongs to the tenant of its groups)
        let ann: EmailAddress = "ann@contoso.com".parse().unwrap();
        let url: Url = "https://contoso.com/auth".parse().unwrap();
        let uri: Url = "api://contoso.com/app".parse().unwrap();
        let mut events = vec![
            Event::UsersAdded {
                tenant: t(1),
                users: vec![DirectoryUser {
                    user: id(11),
                    name: PersonName::new("Ann", "Lind").unwrap(),
                    username: ann.clone(),
                    global_admin: false,
                }],
            },
            Event::GroupsAdded {
                tenant: t(1),
                groups: vec![DirectoryGroup {
                    group: id(50),
                    name: "Ops".parse().unwrap(),
                    members: vec![id(11), id(13)],
                }],
            },
            Event::AppsAdded {
                tenant: t(1),
                apps: vec![DirectoryApp {
                    app: id(60),
                    name: "Deployer".parse().unwrap(),
                    reply_url: Some(url.clone()),
                    app_id_uri: Some(uri.clone()),
                }],
            },
        ];
        let a = fold(&events);
        assert!(a.username_taken(t(1), &ann));
        assert!(!a.username_taken(t(2), &ann)); // another directory
        assert!(a.reply_url_taken(t(1), &url) && a.app_id_uri_taken(t(1), &uri));
        assert!(!a.reply_url_taken(t(2), &url));
        assert_eq!(a.tenant_of(id(13)), Some(t(1))); // a directory-only member
        assert_eq!(a.groups_of(id(11)), [id::<GroupId>(50)]);

        // The stored form has no index; reading it rebuilds the same one.
        let json = serde_json::to_value(&a).unwrap();
        assert!(json.get("index").is_none());
        let back: Account = serde_json::from_value(json).unwrap();
        assert!(
            back.index.usernames.get().is_none(),
            "built on first use, not on read"
        );
        assert_eq!(back, a); // builds it, and compares every index
        assert!(back.username_taken(t(1), &ann));

        // Removing frees what was taken.
        events.extend([
            Event::UserRemoved {
                tenant: t(1),
                user: id(11),
                groups: vec![id(50)],
            },
            Event::AppsRemoved {
                tenant: t(1),
                apps: vec![id(60)],
            },
            Event::GroupRemoved {
                tenant: t(1),
                group: id(50),
                members: vec![id(13)],
            },
        ]);
        let a = fold(&events);
        assert!(!a.username_taken(t(1), &ann));
        assert!(!a.reply_url_taken(t(1), &url) && !a.app_id_uri_taken(t(1), &uri));
        assert_eq!(a.tenant_of(id(13)), None);
        assert!(a.usernames().is_empty());
        assert!(a.index.member_of.is_empty());
        assert!(a.index.reply_urls.is_empty() && a.index.app_id_uris.is_empty());
    }
}
