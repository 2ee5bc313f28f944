//! The index's read-only questions beyond one decision: what a principal holds and why, who
//! may do something, a tenant's principals.

use partnerkit_core::TenantId;

use super::{AccessIndex, Entry, NONE, owner_source};
use crate::decision::{Decision, Request};
use crate::permission::{Permission, PermissionSet};
use crate::principal::{GrantSource, Principal};
use crate::role::Role;

impl AccessIndex {
    /// Checks that `principal` holds every permission of `required` (for a command, see
    /// [`Command::required_permissions`](crate::Command::required_permissions)); on the
    /// first one missing, returns its denial (rule X-2).
    pub fn check(&self, principal: Principal, required: PermissionSet) -> Result<(), Decision> {
        let entry = self.entry(&principal);
        let held = self.effective(principal);
        match (required - held).iter().next() {
            None => Ok(()),
            Some(permission) => Err(self.decide(entry, &Request::new(principal, permission))),
        }
    }

    /// The effective permissions of `principal` (own ∪ groups', rule ROL-4); empty for an
    /// unknown principal.
    #[inline]
    pub fn effective(&self, principal: Principal) -> PermissionSet {
        if let Principal::OwnerAccount(_) = principal {
            return Role::OWNER;
        }
        self.entry(&principal)
            .map_or(PermissionSet::EMPTY, |e| e.effective)
    }

    /// Everything `principal` holds: the union of every grant reaching it, own and through
    /// groups (rule ROL-4), **including** payout and tax settings it may only view (rule
    /// ROL-7). What acting on the principal needs (rule ROL-9): compare with
    /// [`effective`](Self::effective), which leaves view-only permissions out. Empty for an
    /// unknown principal; every permission for the owner account.
    #[inline]
    pub fn holds(&self, principal: Principal) -> PermissionSet {
        if let Principal::OwnerAccount(_) = principal {
            return Role::OWNER;
        }
        self.entry(&principal).map_or(PermissionSet::EMPTY, |e| {
            Permission::ALL
                .into_iter()
                .zip(e.first)
                .filter(|(_, i)| *i != NONE)
                .map(|(p, _)| p)
                .collect()
        })
    }

    /// Every principal of `tenant` the index knows: users, then groups, then apps (rule
    /// TEN-4: what removing the tenant acts on).
    pub fn principals_of(&self, tenant: TenantId) -> impl Iterator<Item = Principal> + '_ {
        self.tenants.get(&tenant).into_iter().flatten().copied()
    }

    /// Every grant reaching `principal` (its own, then each group's in group id order). The
    /// owner account's is its implicit Owner role.
    pub fn grants_reaching(&self, principal: Principal) -> Vec<GrantSource> {
        if let Principal::OwnerAccount(_) = principal {
            return vec![owner_source(principal)];
        }
        self.entry(&principal)
            .map(|e| self.links_of(e).collect())
            .unwrap_or_default()
    }

    fn links_of<'a>(&'a self, e: &'a Entry) -> impl Iterator<Item = GrantSource> + 'a {
        self.links(e)
            .filter_map(|i| self.sources.get(i as usize).copied())
    }

    /// "What may this principal do": each permission it holds, in canonical order, with every
    /// grant that gives it. Empty for an unknown principal.
    pub fn effective_permissions(
        &self,
        principal: Principal,
    ) -> Vec<(Permission, Vec<GrantSource>)> {
        if let Principal::OwnerAccount(_) = principal {
            let by = owner_source(principal);
            return Role::OWNER.iter().map(|p| (p, vec![by])).collect();
        }
        let Some(e) = self.entry(&principal) else {
            return Vec::new();
        };
        e.effective
            .iter()
            .map(|p| {
                let sources = self
                    .links_of(e)
                    .filter(|s| s.grant.permissions().contains(p))
                    .collect();
                (p, sources)
            })
            .collect()
    }

    /// Every grant that allows `request` (the deciding one first); empty if denied.
    pub fn grants_allowing(&self, request: &Request) -> Vec<GrantSource> {
        if let Principal::OwnerAccount(_) = request.principal {
            return vec![owner_source(request.principal)];
        }
        self.entry(&request.principal)
            .filter(|e| e.effective.contains(request.permission))
            .map(|e| {
                self.links_of(e)
                    .filter(|s| s.grant.permissions().contains(request.permission))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// "Who may do this": every known principal whose effective permissions include
    /// `permission`, in principal order (users, groups, apps; ids ascending). A group is
    /// listed for its own grants and its members for theirs. The owner account, which may
    /// do everything and is not stored here, is not listed.
    pub fn who_may(&self, permission: Permission) -> Vec<Principal> {
        let mut out: Vec<Principal> = self
            .entries
            .iter()
            .filter(|(_, e)| e.effective.contains(permission))
            .map(|(p, _)| *p)
            .collect();
        out.sort_unstable();
        out
    }

    /// How many principals the index knows.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True if the index knows no principal.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}
