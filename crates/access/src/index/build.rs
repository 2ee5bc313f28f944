//! Building an index in one pass over the state's sorted maps.
//!
//! The state keeps users, groups, apps and each user's groups in id order. The build walks
//! them once, side by side, and writes each principal's finished view: no principal is
//! looked up in an ordered map, no set is built by one insert per element, and no view is
//! computed twice. Each group's members come out in user id order, so their set is built in
//! one pass too.

use std::collections::BTreeSet;
use std::ops::Range;

use partnerkit_core::{GroupId, TenantId, UserId};

use super::{AccessIndex, Entry, Map, NONE, to_u32};
use crate::decision::effective_of;
use crate::permission::{Permission, PermissionSet};
use crate::principal::{GrantSource, Principal};
use crate::role::Grant;
use crate::state::AccessState;

impl AccessIndex {
    /// Indexes `state`, in time linear in its principals, memberships and grants.
    ///
    /// The result equals an index kept live with [`apply`](AccessIndex::apply) through the
    /// events that made the state.
    pub fn build(state: &AccessState) -> AccessIndex {
        let mut build = Build::new(state);
        // Each group's own grants first: its members' views need them.
        let mut groups = build.group_grants();
        build.users(&mut groups);
        build.groups(groups);
        build.apps();
        AccessIndex {
            entries: build.entries,
            sources: build.sources,
            free: Vec::new(),
            tenants: build.tenants.finish(),
        }
    }
}

/// What a build writes as it walks the state: the grants in canonical order, each
/// principal's entry, each tenant's principals.
struct Build<'s> {
    state: &'s AccessState,
    sources: Vec<GrantSource>,
    entries: Map<Principal, Entry>,
    tenants: Tenants<'s>,
}

/// Each group's own grants and the members found for it so far, by the group's position in
/// id order.
struct GroupGrants {
    /// Each group's position, found by hash: one lookup per membership.
    position: Map<GroupId, usize>,
    /// Where each group's own grants stand in `sources`.
    own: Vec<Range<u32>>,
    /// Each group's members, in user id order as the users come.
    members: Vec<Vec<UserId>>,
}

impl<'s> Build<'s> {
    /// Room for every principal and grant of `state`.
    fn new(state: &'s AccessState) -> Build<'s> {
        let principals = state.users.len() + state.groups.len() + state.apps.len();
        let grants = state.users.values().map(|u| u.grants.len()).sum::<usize>()
            + state.groups.values().map(|g| g.grants.len()).sum::<usize>()
            + state.apps.values().map(|a| a.grants.len()).sum::<usize>();
        Build {
            state,
            sources: Vec::with_capacity(grants),
            entries: Map::with_capacity_and_hasher(principals, Default::default()),
            tenants: Tenants::new(state),
        }
    }

    /// Step 1: each group's own grants into `sources`, in group id order.
    fn group_grants(&mut self) -> GroupGrants {
        let groups = &self.state.groups;
        let mut g = GroupGrants {
            position: Map::with_capacity_and_hasher(groups.len(), Default::default()),
            own: Vec::with_capacity(groups.len()),
            members: Vec::with_capacity(groups.len()),
        };
        for (pos, (id, group)) in groups.iter().enumerate() {
            g.position.insert(*id, pos);
            g.own.push(push_grants(
                &mut self.sources,
                Principal::Group(*id),
                &group.grants,
            ));
            g.members.push(Vec::with_capacity(group.members.len()));
        }
        g
    }

    /// Step 2: each user's entry — its own grants, then its groups' — and each group's
    /// members. Users in id order, beside `member_of` (also in user id order): a merge, not a
    /// lookup per user. Only known users become members, as in the live index.
    fn users(&mut self, g: &mut GroupGrants) {
        let mut member_of = self.state.member_of.iter().peekable();
        for (id, user) in &self.state.users {
            let principal = Principal::User(*id);
            let own = push_grants(&mut self.sources, principal, &user.grants);
            let mut view = View::default();
            view.add(&self.sources, own.clone());
            while member_of.next_if(|(u, _)| *u < id).is_some() {}
            let groups = match member_of.next_if(|(u, _)| *u == id) {
                Some((_, groups)) => {
                    for group in groups {
                        let Some(&pos) = g.position.get(group) else {
                            continue;
                        };
                        if let Some(m) = g.members.get_mut(pos) {
                            m.push(*id);
                        }
                        if let Some(given) = g.own.get(pos) {
                            view.add(&self.sources, given.clone());
                        }
                    }
                    groups.clone()
                }
                None => BTreeSet::new(),
            };
            self.tenants.add(user.tenant, principal);
            let mut entry = view.entry(principal, user.tenant, own);
            entry.groups = groups;
            self.entries.insert(principal, entry);
        }
    }

    /// Step 3: each group's entry, with the members step 2 found.
    fn groups(&mut self, g: GroupGrants) {
        let groups = self.state.groups.iter().zip(g.own).zip(g.members);
        for (((id, group), own), members) in groups {
            let principal = Principal::Group(*id);
            let mut view = View::default();
            view.add(&self.sources, own.clone());
            self.tenants.add(group.tenant, principal);
            let mut entry = view.entry(principal, group.tenant, own);
            // In user id order already: one pass, no insert per member.
            entry.members = members.into_iter().collect();
            self.entries.insert(principal, entry);
        }
    }

    /// Step 4: each app's entry, from its own grants.
    fn apps(&mut self) {
        for (id, app) in &self.state.apps {
            let principal = Principal::App(*id);
            let own = push_grants(&mut self.sources, principal, &app.grants);
            let mut view = View::default();
            view.add(&self.sources, own.clone());
            self.tenants.add(app.tenant, principal);
            let entry = view.entry(principal, app.tenant, own);
            self.entries.insert(principal, entry);
        }
    }
}

/// Appends `holder`'s grants to `sources`, in canonical grant order; where they now stand.
fn push_grants(
    sources: &mut Vec<GrantSource>,
    holder: Principal,
    grants: &BTreeSet<Grant>,
) -> Range<u32> {
    let start = to_u32(sources.len());
    sources.extend(grants.iter().map(|grant| GrantSource {
        holder,
        grant: *grant,
    }));
    start..to_u32(sources.len())
}

/// One principal's view as the grants reaching it come in, in canonical order (own grants,
/// then each group's in group id order): the same as [`AccessIndex::recompute`].
struct View {
    seen: PermissionSet,
    first: [u32; Permission::COUNT],
}

impl Default for View {
    fn default() -> View {
        View {
            seen: PermissionSet::EMPTY,
            first: [NONE; Permission::COUNT],
        }
    }
}

impl View {
    /// The grants at `range` in `sources` reach the principal next.
    fn add(&mut self, sources: &[GrantSource], range: Range<u32>) {
        let slice = sources
            .get(range.start as usize..range.end as usize)
            .unwrap_or_default();
        for (i, source) in range.zip(slice) {
            let given = source.grant.permissions();
            for p in given - self.seen {
                if let Some(slot) = self.first.get_mut(p.index()) {
                    *slot = i;
                }
            }
            self.seen = self.seen | given;
        }
    }

    /// The principal's entry, without groups or members.
    fn entry(self, principal: Principal, tenant: TenantId, own: Range<u32>) -> Entry {
        Entry {
            tenant,
            effective: effective_of(principal, self.seen),
            first: self.first,
            own: own.collect(),
            groups: BTreeSet::new(),
            members: BTreeSet::new(),
        }
    }
}

/// Each tenant's principals as they come: users, then groups, then apps, each in id order,
/// which is `Principal` order, so each tenant's set is built in one pass at the end.
struct Tenants<'s> {
    by_tenant: Map<TenantId, Vec<Principal>>,
    state: &'s AccessState,
}

impl<'s> Tenants<'s> {
    fn new(state: &'s AccessState) -> Tenants<'s> {
        Tenants {
            by_tenant: Map::default(),
            state,
        }
    }

    fn add(&mut self, tenant: TenantId, principal: Principal) {
        let state = self.state;
        self.by_tenant
            .entry(tenant)
            .or_insert_with(|| {
                let n = state
                    .tenants
                    .get(&tenant)
                    .map_or(0, |t| t.users.len() + t.groups.len() + t.apps.len());
                Vec::with_capacity(n)
            })
            .push(principal);
    }

    fn finish(self) -> Map<TenantId, BTreeSet<Principal>> {
        self.by_tenant
            .into_iter()
            .map(|(t, list)| (t, list.into_iter().collect()))
            .collect()
    }
}
