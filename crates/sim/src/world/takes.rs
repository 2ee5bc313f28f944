//! Rule ROL-9 after an accepted command, judged from what it did rather than from the
//! service's own check: nothing was taken from a principal, and no secret revealed for one,
//! that held a permission the actor did not hold.
//!
//! *Taken from* is read off the stored events: a user, group or app removed (also with its
//! tenant), a grant revoked (set grants revokes too), a user removed from a group or losing
//! sign-in, a password reset by someone else, a rename, a key made or deleted. *Held* is
//! [`AccessIndex::holds`](partnerkit::access::AccessIndex::holds) before the command (its own
//! grants and its groups', view-only Owner permissions included), against what the actor
//! held effectively then; the account's own owner account holds everything and the
//! marketplace is not checked.
//!
//! As a cross-check, every principal taken from must be one the command names
//! ([`AccountCommand::subjects`](partnerkit::AccountCommand::subjects)), or a member of a group
//! it names: the service acts on nothing else.

use std::collections::BTreeSet;

use partnerkit::access::{Event as Access, PermissionSet, Principal, Subject};
use partnerkit::core::Actor;
use partnerkit::identity::{Event as Identity, PasswordSetBy};
use partnerkit::{AccountEvent, Executed, SecretOf};

use super::{Seen, Step, World};

/// What the command did to a principal, for the failure message.
type Taken = (Principal, &'static str);

/// The principals `event` takes something from, given the state before the command.
fn taken(event: &AccountEvent, before: &Seen, out: &mut Vec<Taken>) {
    use Principal::{App, Group, User};
    match event {
        AccountEvent::Identity(e) => match e {
            Identity::UserRemoved { user, .. } => out.push((User(*user), "removed")),
            Identity::PasswordReset { user, by, .. } if *by != PasswordSetBy::SelfService => {
                out.push((User(*user), "reset the password of"));
            }
            Identity::UserRenamed { user, .. } => out.push((User(*user), "renamed")),
            Identity::KeyAdded { app, .. } => out.push((App(*app), "made a key for")),
            Identity::KeyDeleted { app, .. } => out.push((App(*app), "deleted a key of")),
            Identity::GroupRemoved { group, .. } => out.push((Group(*group), "removed")),
            Identity::GroupMembersChanged { removed, .. } => {
                out.extend(removed.iter().map(|u| (User(*u), "removed from a group")));
            }
            Identity::AppsRemoved { apps, .. } => {
                out.extend(apps.iter().map(|a| (App(*a), "removed")));
            }
            Identity::TenantRemoved {
                users,
                groups,
                apps,
                ..
            } => {
                let why = "removed the tenant of";
                out.extend(users.iter().map(|u| (User(*u), why)));
                out.extend(groups.iter().map(|g| (Group(*g), why)));
                out.extend(apps.iter().map(|a| (App(*a), why)));
            }
            _ => {}
        },
        AccountEvent::Access(e) => match e {
            Access::Revoked { principal, .. } => out.push((*principal, "revoked a grant of")),
            Access::UserRemoved { user } => out.push((User(*user), "removed")),
            Access::GroupRemoved { group } => out.push((Group(*group), "removed")),
            Access::AppRemoved { app } => out.push((App(*app), "removed")),
            Access::GroupMemberRemoved { user, .. } => {
                out.push((User(*user), "removed from a group"));
            }
            Access::GroupMembersSet { group, members } => {
                if let Some(g) = before.state.access.groups().get(group) {
                    out.extend(
                        (g.members().iter())
                            .filter(|u| !members.contains(u))
                            .map(|u| (User(*u), "removed from a group")),
                    );
                }
            }
            Access::SignInChanged {
                user,
                can_sign_in: false,
            } => out.push((User(*user), "took sign-in from")),
            Access::TenantRemoved { tenant } => out.extend(
                before
                    .index
                    .principals_of(*tenant)
                    .map(|p| (p, "removed the tenant of")),
            ),
            _ => {}
        },
        _ => {}
    }
}

/// What `actor` held effectively before the command; `None` for the marketplace, which is
/// not checked.
fn held(actor: &Actor, before: &Seen) -> Option<PermissionSet> {
    match actor {
        Actor::Marketplace => None,
        Actor::OwnerAccount { owner } => Some(if before.state.payouts.owner() == Some(*owner) {
            PermissionSet::ALL
        } else {
            PermissionSet::EMPTY
        }),
        other => Some(
            Principal::from_actor(other)
                .map_or(PermissionSet::EMPTY, |p| before.index.effective(p)),
        ),
    }
}

impl World {
    /// Checks rule ROL-9 on an accepted command: see the [module docs](self).
    pub(super) fn check_takes(
        &self,
        step: &Step,
        before: &Seen,
        done: &Executed,
    ) -> Result<(), String> {
        let Some(held) = held(&step.actor, before) else {
            return Ok(());
        };
        let mut targets = Vec::new();
        for recorded in &done.events {
            taken(&recorded.event, before, &mut targets);
        }
        let kind = step.command.kind();
        let actor = step.actor;
        let beyond = |target: Principal| before.index.holds(target) - held;
        for (target, how) in &targets {
            let missing = beyond(*target);
            if !missing.is_empty() {
                return Err(format!(
                    "{kind} by {actor:?}, who held {held}, {how} {target:?}, which held {missing} beyond that (rule ROL-9)"
                ));
            }
        }
        if let Some(revealed) = &done.revealed {
            let owner = match revealed.of {
                SecretOf::InitialPassword { user } | SecretOf::TemporaryPassword { user } => {
                    Some(Principal::User(user))
                }
                SecretOf::KeyValue { app, .. } => Some(Principal::App(app)),
                _ => None,
            };
            if let Some(target) = owner {
                let missing = beyond(target);
                if !missing.is_empty() {
                    return Err(format!(
                        "{kind} by {actor:?}, who held {held}, revealed a secret of {target:?}, which held {missing} beyond that (rule ROL-9)"
                    ));
                }
            }
        }
        // Cross-check: the service took only from principals the command names, or from
        // members of a group it names.
        let mut named = BTreeSet::new();
        for subject in step.command.subjects() {
            match subject {
                Subject::Principal(p) => {
                    named.insert(p);
                }
                Subject::Tenant(t) => named.extend(before.index.principals_of(t)),
            }
        }
        let groups = before.state.access.groups();
        for (target, how) in &targets {
            let in_named_group = |p: &Principal| match (p, target) {
                (Principal::Group(g), Principal::User(u)) => {
                    groups.get(g).is_some_and(|g| g.members().contains(u))
                }
                _ => false,
            };
            if !named.contains(target) && !named.iter().any(in_named_group) {
                return Err(format!(
                    "{kind} by {actor:?} {how} {target:?}, which the command does not name (rule ROL-9)"
                ));
            }
        }
        Ok(())
    }
}
