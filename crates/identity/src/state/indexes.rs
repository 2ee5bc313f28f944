//! The indexes derived from an account's data (issue 14), and the changes to users, groups
//! and apps that keep them exact.

use std::collections::{BTreeMap, HashMap, btree_map, hash_map};
use std::sync::OnceLock;

use partnerkit_core::{AppId, EmailAddress, GroupId, TenantId, Url, UserId};

use super::Account;
use crate::directory::{App, Group, User};

/// Indexes derived from the data of an [`Account`]. Each maps a key to the ids holding it,
/// sorted and without repeats, so the index stays exact even for a stored state that breaks a
/// uniqueness rule. Almost every key has one id, which [`Ids`] holds without allocating (a
/// loaded 100,000-user account has 100,000 keys).
#[derive(Debug, Clone, Default)]
pub(super) struct Index {
    /// (tenant, username) → users of the account with that username in that tenant. Only
    /// ever looked up, never walked in order, so it is hashed: rebuilding it for a loaded
    /// account costs no sort. Built the first time a command looks a username up, not when
    /// a state is read: it has an entry per user (about a fifth of decoding a 100,000-user
    /// snapshot), and a loaded account's first `authorize` needs none of it. Until then the
    /// changes applied to the account are not recorded in it; once built it is kept exact.
    pub(super) usernames: OnceLock<Usernames>,
    /// user → the account's groups the user is a member of.
    pub(super) member_of: BTreeMap<UserId, Ids<GroupId>>,
    /// (tenant, reply URL) → apps of that directory with it.
    pub(super) reply_urls: BTreeMap<(TenantId, Url), Ids<AppId>>,
    /// (tenant, App ID URI) → apps of that directory with it.
    pub(super) app_id_uris: BTreeMap<(TenantId, Url), Ids<AppId>>,
}

/// The username index (see [`Index::usernames`]).
pub(super) type Usernames = HashMap<(TenantId, EmailAddress), Ids<UserId>>;

/// The ids an index holds for one key: sorted, without repeats, never empty. One id is held
/// inline; a `Vec` of one would allocate for every user of a loaded account. The form is
/// canonical (`One` for one id, `Many` for two or more), so two `Ids` holding the same ids are
/// equal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Ids<V> {
    /// The only id.
    One(V),
    /// Two or more ids, sorted.
    Many(Vec<V>),
}

impl<V: Ord + Copy> Ids<V> {
    /// The ids, sorted.
    pub(super) fn as_slice(&self) -> &[V] {
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

impl Index {
    /// Records the members of `group`.
    fn add_group(&mut self, group: &Group) {
        for m in &group.members {
            index_add(&mut self.member_of, *m, group.id);
        }
    }

    /// Records the reply URL and App ID URI of `app`.
    fn add_app(&mut self, app: &App) {
        if let Some(url) = &app.reply_url {
            index_add(&mut self.reply_urls, (app.tenant, url.clone()), app.id);
        }
        if let Some(uri) = &app.app_id_uri {
            index_add(&mut self.app_id_uris, (app.tenant, uri.clone()), app.id);
        }
    }
}

// Changes of users, groups and apps, keeping the index exact.
impl Account {
    /// The username index, built now if no command has looked a username up yet.
    pub(super) fn usernames(&self) -> &Usernames {
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
    pub(super) fn rebuild_index(&mut self) {
        let mut index = Index::default();
        for g in self.groups.values() {
            index.add_group(g);
        }
        for a in self.apps.values() {
            index.add_app(a);
        }
        self.index = index;
    }

    /// Adds a user to the account, or replaces it.
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

    /// Adds a group to the account, or replaces it.
    pub(crate) fn insert_group(&mut self, group: Group) {
        self.remove_group(group.id);
        self.index.add_group(&group);
        self.groups.insert(group.id, group);
    }

    /// Removes a group from the account.
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

    /// Removes `user` from the group, if the group is the account's.
    pub(crate) fn remove_member(&mut self, group: GroupId, user: UserId) {
        if let Some(g) = self.groups.get_mut(&group) {
            g.members.remove(&user);
            index_remove(&mut self.index.member_of, &user, &group);
        }
    }

    /// Adds an app to the account, or replaces it.
    pub(crate) fn insert_app(&mut self, app: App) {
        self.remove_app(app.id);
        self.index.add_app(&app);
        self.apps.insert(app.id, app);
    }

    /// Removes an app from the account.
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
    use std::collections::BTreeSet;

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
