//! Checks more than one area makes: who acts, confirmation, lookups that fail with the
//! area's error, secrets, and the shape of a batch.

use std::collections::BTreeSet;
use std::fmt::Display;

use partnerkit_core::{Actor, AppId, Context, Rule, SecretString, TenantId, UserId};

use crate::directory::{App, Tenant, User};
use crate::error::Error;
use crate::state::Account;

pub(super) fn marketplace_only(
    ctx: &Context<'_>,
    action: &'static str,
    rule: Rule,
) -> Result<(), Error> {
    if ctx.actor() == Actor::Marketplace {
        Ok(())
    } else {
        Err(Error::MarketplaceOnly {
            action: action.into(),
            rule,
        })
    }
}

pub(super) fn confirm(confirmed: bool, what: &'static str, rule: Rule) -> Result<(), Error> {
    if confirmed {
        Ok(())
    } else {
        Err(Error::NotConfirmed {
            what: what.into(),
            rule,
        })
    }
}

fn associated(s: &Account, tenant: TenantId) -> Result<&Tenant, Error> {
    s.tenant(tenant)
        .ok_or(Error::TenantNotAssociated { tenant })
}

/// The tenant is associated and the actor is a user signed in from it (rule USR-2).
pub(super) fn manage<'s>(
    s: &'s Account,
    ctx: &Context<'_>,
    tenant: TenantId,
) -> Result<&'s Tenant, Error> {
    let t = associated(s, tenant)?;
    match ctx.actor() {
        Actor::User { tenant: from, .. } if from == tenant => Ok(t),
        _ => Err(Error::NotSignedInFromTenant { tenant }),
    }
}

/// As [`manage`], and the actor is a global administrator of the tenant.
pub(super) fn global_admin_of<'s>(
    s: &'s Account,
    ctx: &Context<'_>,
    tenant: TenantId,
    action: &'static str,
    rule: Rule,
) -> Result<&'s Tenant, Error> {
    let t = manage(s, ctx, tenant)?;
    match ctx.actor() {
        Actor::User { user, .. } if s.is_global_admin(tenant, user) => Ok(t),
        _ => Err(Error::NotGlobalAdmin {
            action: action.into(),
            tenant,
            rule,
        }),
    }
}

/// Creation is refused in a tenant synchronised from on-premises (rule USR-6).
pub(super) fn not_synced(t: &Tenant, what: &'static str) -> Result<(), Error> {
    if t.synced_from_on_premises {
        Err(Error::DirectorySynced {
            tenant: t.id,
            what: what.into(),
        })
    } else {
        Ok(())
    }
}

pub(super) fn account_user(s: &Account, user: UserId) -> Result<&User, Error> {
    s.user(user).ok_or(Error::UserNotInAccount { user })
}

pub(super) fn account_app(s: &Account, app: AppId) -> Result<&App, Error> {
    s.app(app).ok_or(Error::AppNotInAccount { app })
}

/// A user id about to become a user of `tenant`: not a user of the account yet, and not a
/// member of another tenant's group (a directory user belongs to one tenant).
pub(super) fn check_new_user(s: &Account, user: UserId, tenant: TenantId) -> Result<(), Error> {
    if s.user(user).is_some() {
        return Err(Error::UserAlreadyInAccount { user });
    }
    match s.tenant_of(user) {
        Some(other) if other != tenant => Err(Error::UserOfAnotherTenant {
            user,
            tenant: other,
        }),
        _ => Ok(()),
    }
}

pub(super) fn check_secret(
    secret: &SecretString,
    what: &'static str,
    min: usize,
) -> Result<(), Error> {
    if secret.len() < min {
        Err(Error::SecretTooShort {
            what: what.into(),
            min,
        })
    } else {
        Ok(())
    }
}

/// A batch lists at least one item (rules USR-3, GRP-1, APP-1, APP-3).
pub(super) fn not_empty<T>(batch: &[T], what: &'static str, rule: Rule) -> Result<(), Error> {
    if batch.is_empty() {
        Err(Error::EmptyBatch {
            what: what.into(),
            rule,
        })
    } else {
        Ok(())
    }
}

/// Adds `id` to the ids of a batch seen so far; an id listed twice is an error.
pub(super) fn once<T: Ord + Copy + Display>(
    seen: &mut BTreeSet<T>,
    id: T,
    what: &'static str,
) -> Result<(), Error> {
    if seen.insert(id) {
        Ok(())
    } else {
        Err(Error::DuplicateInBatch {
            what: what.into(),
            id: id.to_string(),
        })
    }
}
