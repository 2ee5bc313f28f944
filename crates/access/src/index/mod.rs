//! The authorisation index: effective permissions precomputed per principal, so that one
//! check is a hash lookup and a bit test; kept live event by event.

use std::collections::{BTreeSet, HashMap};
use std::hash::BuildHasherDefault;

use partnerkit_core::{GroupId, TenantId, UserId};

use crate::decision::{Decision, DenialReason, Explanation, Request, denial, effective_of};
use crate::event::Event;
use crate::permission::{Permission, PermissionSet};
use crate::principal::{GrantSource, Principal};
use crate::role::{Grant, Role};

mod build;
mod hasher;
mod queries;

use hasher::IdHasher;

/// No grant gives this permission.
const NONE: u32 = u32::MAX;

type Map<K, V> = HashMap<K, V, BuildHasherDefault<IdHasher>>;

/// One principal's precomputed view.
#[derive(Debug, Clone)]
struct Entry {
    /// The principal's tenant.
    tenant: TenantId,
    /// Own grants ∪ every group's grants (rule ROL-4), without payout and tax settings
    /// unless the principal is the owner account (rule ROL-7).
    effective: PermissionSet,
    /// For each permission, the index in `sources` of the first grant giving it (even one
    /// the principal may only view, ROL-7), or `NONE`.
    first: [u32; Permission::COUNT],
    /// The principal's own grants, as indices in `sources`, in canonical grant order.
    own: Vec<u32>,
    /// For a user: its groups, in id order.
    groups: BTreeSet<GroupId>,
    /// For a group: its members (known users only).
    members: BTreeSet<UserId>,
}

impl Entry {
    fn new(tenant: TenantId) -> Entry {
        Entry {
            tenant,
            effective: PermissionSet::EMPTY,
            first: [NONE; Permission::COUNT],
            own: Vec::new(),
            groups: BTreeSet::new(),
            members: BTreeSet::new(),
        }
    }
}

/// An index of an [`AccessState`](crate::AccessState) that answers authorisation questions fast, and follows
/// the state event by event.
///
/// Build it with [`AccessIndex::build`] (linear in the number of principals, memberships
/// and grants), then keep it live with [`AccessIndex::apply`] for every event applied to the
/// state: each event costs time proportional to what it touches (a grant to a user: that
/// user; a grant to a group or a change of its members: the group's members; a removed
/// tenant: its principals), never a rebuild. What an event adds — a grant, a membership — is
/// merged into each reached principal's view without looking at its other grants, so a user
/// joining its ten-thousandth group costs what joining its first did; what an event takes
/// away recomputes the principals it reached from their grants and groups. A live index equals a fresh build of the same
/// state (`==` compares what the index answers, not how it is laid out).
///
/// Each principal has a slot holding its effective permissions (its own grants ∪ every
/// group's, rule ROL-4) as a bitset and, per permission, the first grant giving it. So
/// [`authorize`](AccessIndex::authorize) is one hash lookup, one bit test and a copy of a
/// small `Copy` [`Decision`]: no scan of grants and no allocation.
///
/// The owner account is not stored: a [`Principal::OwnerAccount`] always holds the Owner
/// role (rules PAY-1, ROL-7). Its answers equal those of
/// [`authorize_scan`](crate::authorize_scan) over the same state.
#[derive(Debug, Clone, Default)]
pub struct AccessIndex {
    entries: Map<Principal, Entry>,
    /// Every grant once, by who holds it; slots of revoked grants are reused.
    sources: Vec<GrantSource>,
    free: Vec<u32>,
    /// Each tenant's principals, for removing a tenant.
    tenants: Map<TenantId, BTreeSet<Principal>>,
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(NONE)
}

impl AccessIndex {
    /// Follows one event applied to the state, in time proportional to what it touches.
    /// Call it with every event, in order, right after applying it to the state.
    pub fn apply(&mut self, event: &Event) {
        match event {
            Event::UserRegistered { user, tenant, .. } => {
                self.register(Principal::User(*user), *tenant);
            }
            Event::GroupRegistered { group, tenant } => {
                self.register(Principal::Group(*group), *tenant);
            }
            Event::AppRegistered { app, tenant } => {
                self.register(Principal::App(*app), *tenant);
            }
            Event::GroupsRegistered { groups } => {
                for g in groups {
                    let (group, tenant) = (g.group, g.tenant);
                    self.apply(&Event::GroupRegistered { group, tenant });
                    for &user in &g.members {
                        self.apply(&Event::GroupMemberAdded { group, user });
                    }
                }
            }
            Event::GroupMembersSet { group, members } => {
                let principal = Principal::Group(*group);
                let Some(entry) = self.entries.get(&principal) else {
                    return;
                };
                let new: BTreeSet<UserId> = members
                    .iter()
                    .filter(|u| self.entries.contains_key(&Principal::User(**u)))
                    .copied()
                    .collect();
                let old = entry.members.clone();
                for user in old.difference(&new) {
                    self.leave(*group, *user);
                }
                for user in new.difference(&old) {
                    self.join(*group, *user);
                }
            }
            Event::GroupMemberAdded { group, user } => self.join(*group, *user),
            Event::GroupMemberRemoved { group, user } => self.leave(*group, *user),
            Event::Granted { principals, grant } => {
                for p in principals {
                    self.grant(*p, *grant);
                }
            }
            Event::Revoked { principal, grant } => self.revoke(*principal, *grant),
            Event::UserRemoved { user } => self.remove(Principal::User(*user)),
            Event::GroupRemoved { group } => self.remove(Principal::Group(*group)),
            Event::AppRemoved { app } => self.remove(Principal::App(*app)),
            Event::TenantRemoved { tenant } => {
                // Users first, then groups and apps (the order of `Principal`).
                for p in self.tenants.remove(tenant).unwrap_or_default() {
                    self.remove(p);
                }
            }
            // Who can sign in is not a permission; the owner account is not stored.
            Event::SignInChanged { .. } | Event::OwnerAccountSet { .. } => {}
        }
    }

    /// Adds a principal with `grants`, without computing its view.
    fn insert<'g>(
        &mut self,
        principal: Principal,
        tenant: TenantId,
        grants: impl IntoIterator<Item = &'g Grant>,
    ) {
        let mut entry = Entry::new(tenant);
        for grant in grants {
            entry.own.push(self.alloc(GrantSource {
                holder: principal,
                grant: *grant,
            }));
        }
        self.entries.insert(principal, entry);
        self.tenants.entry(tenant).or_default().insert(principal);
    }

    /// A principal became known (again: as the state does, a known one starts over).
    fn register(&mut self, principal: Principal, tenant: TenantId) {
        self.remove(principal);
        self.insert(principal, tenant, []);
    }

    fn alloc(&mut self, source: GrantSource) -> u32 {
        if let Some(i) = self.free.pop()
            && let Some(slot) = self.sources.get_mut(i as usize)
        {
            *slot = source;
            return i;
        }
        self.sources.push(source);
        to_u32(self.sources.len() - 1)
    }

    fn grant_at(&self, i: u32) -> Option<Grant> {
        self.sources.get(i as usize).map(|s| s.grant)
    }

    fn grant(&mut self, principal: Principal, grant: Grant) {
        let Some(entry) = self.entries.get(&principal) else {
            return;
        };
        let pos = entry
            .own
            .binary_search_by(|i| self.grant_at(*i).cmp(&Some(grant)));
        let Err(pos) = pos else {
            return; // already held
        };
        let i = self.alloc(GrantSource {
            holder: principal,
            grant,
        });
        if let Some(entry) = self.entries.get_mut(&principal) {
            entry.own.insert(pos, i);
        }
        self.add_source(principal, i);
        if let Principal::Group(_) = principal {
            let members: Vec<UserId> = self
                .entries
                .get(&principal)
                .map(|e| e.members.iter().copied().collect())
                .unwrap_or_default();
            for user in members {
                self.add_source(Principal::User(user), i);
            }
        }
    }

    fn revoke(&mut self, principal: Principal, grant: Grant) {
        let Some(entry) = self.entries.get(&principal) else {
            return;
        };
        let Ok(pos) = entry
            .own
            .binary_search_by(|i| self.grant_at(*i).cmp(&Some(grant)))
        else {
            return;
        };
        if let Some(entry) = self.entries.get_mut(&principal) {
            let i = entry.own.remove(pos);
            self.free.push(i);
        }
        self.recompute_reached(principal);
    }

    fn join(&mut self, group: GroupId, user: UserId) {
        let (g, u) = (Principal::Group(group), Principal::User(user));
        if !self.entries.contains_key(&u) {
            return;
        }
        let Some(entry) = self.entries.get_mut(&g) else {
            return;
        };
        if !entry.members.insert(user) {
            return;
        }
        let Some(entry) = self.entries.get_mut(&u) else {
            return;
        };
        if !entry.groups.insert(group) {
            return;
        }
        let given: Vec<u32> = self
            .entries
            .get(&g)
            .map(|e| e.own.clone())
            .unwrap_or_default();
        for i in given {
            self.add_source(u, i);
        }
    }

    fn leave(&mut self, group: GroupId, user: UserId) {
        let (g, u) = (Principal::Group(group), Principal::User(user));
        if let Some(entry) = self.entries.get_mut(&g) {
            entry.members.remove(&user);
        }
        if let Some(entry) = self.entries.get_mut(&u)
            && entry.groups.remove(&group)
        {
            self.recompute(u);
        }
    }

    /// Forgets a principal: its grants, its memberships (a group's members lose what it gave).
    fn remove(&mut self, principal: Principal) {
        let Some(entry) = self.entries.remove(&principal) else {
            return;
        };
        self.free.extend(entry.own.iter().copied());
        if let Some(t) = self.tenants.get_mut(&entry.tenant) {
            t.remove(&principal);
            if t.is_empty() {
                self.tenants.remove(&entry.tenant);
            }
        }
        if let Principal::User(user) = principal {
            for g in entry.groups {
                if let Some(group) = self.entries.get_mut(&Principal::Group(g)) {
                    group.members.remove(&user);
                }
            }
        }
        if let Principal::Group(group) = principal {
            for user in entry.members {
                let u = Principal::User(user);
                if let Some(e) = self.entries.get_mut(&u)
                    && e.groups.remove(&group)
                {
                    self.recompute(u);
                }
            }
        }
    }

    /// Recomputes `principal` and, for a group, every member.
    fn recompute_reached(&mut self, principal: Principal) {
        self.recompute(principal);
        if let Principal::Group(_) = principal {
            let members: Vec<UserId> = self
                .entries
                .get(&principal)
                .map(|e| e.members.iter().copied().collect())
                .unwrap_or_default();
            for user in members {
                self.recompute(Principal::User(user));
            }
        }
    }

    /// Merges one more grant reaching `principal` (source `i`: its own, or one of a group
    /// it is in) into its view: the grant's permissions join its effective set, and the
    /// grant becomes a permission's first source where no source came before it in canonical
    /// order (own grants in grant order, then each group's in group id order, as
    /// [`links`](AccessIndex::links)). Costs one step per permission, whatever else reaches
    /// the principal; the result equals a [`recompute`](AccessIndex::recompute).
    fn add_source(&mut self, principal: Principal, i: u32) {
        let Some(source) = self.sources.get(i as usize).copied() else {
            return;
        };
        let sources = &self.sources;
        let Some(entry) = self.entries.get_mut(&principal) else {
            return;
        };
        let rank = canonical_rank(principal, &source);
        let given = source.grant.permissions();
        for p in given {
            if let Some(slot) = entry.first.get_mut(p.index()) {
                let earlier = match sources.get(*slot as usize) {
                    Some(current) => rank < canonical_rank(principal, current),
                    None => true, // NONE: nothing gave it yet
                };
                if earlier {
                    *slot = i;
                }
            }
        }
        entry.effective = entry.effective | effective_of(principal, given);
    }

    /// Recomputes one principal's effective permissions and first sources from its own
    /// grants and its groups'.
    fn recompute(&mut self, principal: Principal) {
        let Some(entry) = self.entries.get(&principal) else {
            return;
        };
        let mut seen = PermissionSet::EMPTY;
        let mut first = [NONE; Permission::COUNT];
        for i in self.links(entry) {
            if let Some(source) = self.sources.get(i as usize) {
                let given = source.grant.permissions();
                for p in given - seen {
                    if let Some(slot) = first.get_mut(p.index()) {
                        *slot = i;
                    }
                }
                seen = seen | given;
            }
        }
        if let Some(entry) = self.entries.get_mut(&principal) {
            entry.effective = effective_of(principal, seen);
            entry.first = first;
        }
    }

    /// Every grant reaching the entry's principal, as indices in `sources`: its own, then
    /// each group's in group id order.
    fn links<'a>(&'a self, entry: &'a Entry) -> impl Iterator<Item = u32> + 'a {
        entry
            .own
            .iter()
            .copied()
            .chain(entry.groups.iter().flat_map(|g| {
                self.entries
                    .get(&Principal::Group(*g))
                    .into_iter()
                    .flat_map(|e| e.own.iter().copied())
            }))
    }

    #[inline]
    fn entry(&self, principal: &Principal) -> Option<&Entry> {
        self.entries.get(principal)
    }

    #[inline]
    fn decide(&self, entry: Option<&Entry>, request: &Request) -> Decision {
        let explanation = match (entry, request.principal) {
            (_, Principal::OwnerAccount(_)) => Explanation::Allowed {
                by: owner_source(request.principal),
            },
            (None, _) => Explanation::Denied {
                reason: DenialReason::UnknownPrincipal,
                held: PermissionSet::EMPTY,
            },
            (Some(e), _) => {
                let source = e
                    .first
                    .get(request.permission.index())
                    .and_then(|i| self.sources.get(*i as usize));
                match source {
                    Some(by) if e.effective.contains(request.permission) => {
                        Explanation::Allowed { by: *by }
                    }
                    Some(_) => Explanation::Denied {
                        reason: DenialReason::OwnerAccountOnly,
                        held: e.effective,
                    },
                    None => denial(request.permission, e.effective),
                }
            }
        };
        Decision {
            request: *request,
            explanation,
        }
    }

    /// Decides one request (rule ROL-6): allowed with the deciding grant, or denied with what
    /// was missing. Deterministic; a few lookups, no allocation.
    #[inline]
    pub fn authorize(&self, request: &Request) -> Decision {
        self.decide(self.entry(&request.principal), request)
    }

    /// Decides many requests at once, in order; equal to calling
    /// [`authorize`](AccessIndex::authorize) on each. Consecutive requests of the same
    /// principal share one lookup, so sort requests by principal to go faster.
    pub fn authorize_batch(&self, requests: &[Request]) -> Vec<Decision> {
        // Two passes: first every principal lookup, which are independent of each other so
        // the processor overlaps their memory accesses; then every decision. A run of
        // requests by one principal reuses its lookup.
        let mut entries: Vec<Option<&Entry>> = Vec::with_capacity(requests.len());
        let mut last: Option<(Principal, Option<&Entry>)> = None;
        for request in requests {
            let entry = match last {
                Some((p, e)) if p == request.principal => e,
                _ => self.entry(&request.principal),
            };
            last = Some((request.principal, entry));
            entries.push(entry);
        }
        requests
            .iter()
            .zip(entries)
            .map(|(request, entry)| self.decide(entry, request))
            .collect()
    }
}

/// Two indexes are equal when they answer alike: the same principals, each with the same
/// tenant, effective permissions, deciding grant per permission, own grants and groups. How
/// grants are laid out inside (which slots, in what order they were freed) does not count.
impl PartialEq for AccessIndex {
    fn eq(&self, other: &AccessIndex) -> bool {
        let resolve = |index: &AccessIndex, i: u32| index.sources.get(i as usize).copied();
        self.entries.len() == other.entries.len()
            && self.tenants == other.tenants
            && self.entries.iter().all(|(p, e)| {
                other.entries.get(p).is_some_and(|o| {
                    e.tenant == o.tenant
                        && e.effective == o.effective
                        && e.groups == o.groups
                        && e.members == o.members
                        && e.own.len() == o.own.len()
                        && e.own
                            .iter()
                            .zip(&o.own)
                            .all(|(a, b)| resolve(self, *a) == resolve(other, *b))
                        && e.first
                            .iter()
                            .zip(&o.first)
                            .all(|(a, b)| resolve(self, *a) == resolve(other, *b))
                })
            })
    }
}

impl Eq for AccessIndex {}

/// Where `source` stands among the grants reaching `principal`, in the canonical order of
/// [`AccessIndex::grants_reaching`]: the principal's own grants first (`None`), then each
/// group's (`Some(group)`) in group id order; within one holder, in grant order.
fn canonical_rank(principal: Principal, source: &GrantSource) -> (Option<GroupId>, Grant) {
    match source.holder {
        Principal::Group(group) if source.holder != principal => (Some(group), source.grant),
        _ => (None, source.grant),
    }
}

/// The owner account's implicit Owner role, as a grant source (rules PAY-1, ROL-7).
fn owner_source(holder: Principal) -> GrantSource {
    GrantSource {
        holder,
        grant: Grant::Role(Role::Owner),
    }
}

/// Decides one request against `index`: the same as [`AccessIndex::authorize`].
#[inline]
pub fn authorize(index: &AccessIndex, request: &Request) -> Decision {
    index.authorize(request)
}

/// Decides many requests against `index`: the same as [`AccessIndex::authorize_batch`].
pub fn authorize_batch(index: &AccessIndex, requests: &[Request]) -> Vec<Decision> {
    index.authorize_batch(requests)
}
