//! Who may ask for each command, and who may see what: the authorisation tables (rule X-2).
//!
//! [`CommandKind::requirement`] maps every kind of command to what its actor must be or hold;
//! [`ReadKind::requirement`] does the same for the service's reads on behalf of an actor.
//! The service checks it **before** it reads the command's data or tells whether the account
//! exists: an actor who may not act learns nothing else. The match is exhaustive, so a new
//! command kind does not compile until it has a row here; there is no default row that allows.
//!
//! The table says *who may ask*. What happens, and every rule about the data, belongs to the
//! domain crates: identity (who can sign in, TEN-4, USR-7's directory rules), access (which
//! permissions a grant or a group membership needs, ROL-7, ROL-8, USR-7), payouts (PAY-1's
//! owner-account-only rules).

use partnerkit_access::{
    AccessIndex, Decision, Grant, Permission, PermissionSet, Principal, Request, Role,
};
use partnerkit_core::{Actor, UserId};
use serde::{Deserialize, Serialize};

use crate::kind::{CommandKind, ReadKind};
use crate::state::AccountState;

/// What the actor of a command must be or hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "requirement", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Requirement {
    /// Only the marketplace ([`Actor::Marketplace`]).
    Marketplace,
    /// The marketplace or the account's own owner account: associating an account's first
    /// tenant, when no user of the account can sign in yet (rules TEN-2, ROL-8).
    MarketplaceOrOwnerAccount,
    /// The marketplace, or a principal that can sign in to the account and holds these
    /// permissions: what the service's reads on behalf of an actor need.
    MarketplaceOrHolding {
        /// The permissions.
        permissions: PermissionSet,
    },
    /// A principal that can sign in to the account and holds these permissions.
    Holding {
        /// The permissions.
        permissions: PermissionSet,
    },
    /// A signed-in directory user (a person, not an app or the owner account) holding these
    /// permissions: accepting an agreement records the person's name (rule AGR-1).
    UserHolding {
        /// The permissions.
        permissions: PermissionSet,
    },
    /// The invited guest themselves, while the invitation is pending (rule USR-5).
    Invitee,
}

impl CommandKind {
    /// What the actor of a command of this kind must be or hold. `has_tenant` is whether the
    /// account has an associated tenant yet: before it does, only the marketplace or the owner
    /// account associates one.
    pub fn requirement(self, has_tenant: bool) -> Requirement {
        use CommandKind as K;
        use Permission as P;
        let holding = |p: Permission| Requirement::Holding {
            permissions: p.into(),
        };
        match self {
            K::OpenAccount
            | K::RecordVerification
            | K::AssociateOwnerAccount
            | K::RecordPayoutVerification => Requirement::Marketplace,
            K::ChangeDisplayName | K::SetSellerContact | K::SetCompanyApprover => {
                holding(P::ManageContactInfo)
            }
            K::BeginTenantAssociation
            | K::ConfirmTenantAssociation
            | K::CancelTenantAssociation => {
                if has_tenant {
                    holding(P::ManageTenants)
                } else {
                    Requirement::MarketplaceOrOwnerAccount
                }
            }
            K::CreateTenant | K::RemoveTenant => holding(P::ManageTenants),
            K::AddUsers
            | K::CreateUser
            | K::RenameUser
            | K::InviteGuests
            | K::ResendInvitation
            | K::RemoveUser
            | K::ResetPassword => holding(P::ManageUsers),
            K::AcceptInvitation => Requirement::Invitee,
            K::ResetOwnPassword => Requirement::UserHolding {
                permissions: PermissionSet::default(),
            },
            K::AddGroups | K::CreateGroup | K::ChangeGroupMembers | K::RemoveGroup => {
                holding(P::ManageGroups)
            }
            K::AddApps | K::CreateApp | K::RemoveApps => holding(P::ManageApps),
            K::AddAppKey | K::DeleteAppKey => holding(P::ManageAppKeys),
            // What a grant needs depends on whom it names and what it gives: access decides
            // that (rule ROL-8) once the actor is known to be signed in.
            K::Grant | K::Revoke | K::SetGrants => Requirement::Holding {
                permissions: PermissionSet::default(),
            },
            K::AcceptAgreement => Requirement::UserHolding {
                permissions: P::AcceptAgreements.into(),
            },
            K::SetPayoutAccount | K::SetPayoutHold => holding(P::ManagePayoutSettings),
            K::StartTaxProfile
            | K::EditTaxProfile
            | K::SubmitW9
            | K::SubmitW8Ben
            | K::SubmitW8BenE => holding(P::ManageTaxSettings),
        }
    }
}

impl ReadKind {
    /// What an actor must be or hold to see this of an account. The marketplace may see
    /// everything; a principal of the account needs the permission that covers it:
    ///
    /// | read | needs | why |
    /// |---|---|---|
    /// | [`State`](ReadKind::State), [`History`](ReadKind::History) | `manage_users` | they hold every user's credential verifiers and grants |
    /// | [`Readiness`](ReadKind::Readiness) | `view_account_settings` | what the account lacks is its settings |
    /// | [`Statements`](ReadKind::Statements) | `view_financial_reports` | financial information: a Developer may not see it (rule ROL-2) |
    ///
    /// As for commands (rule X-2), an actor who may not see learns nothing else, not even
    /// whether the account exists: only the marketplace is told an account is not found.
    pub fn requirement(self) -> Requirement {
        let permissions = match self {
            ReadKind::State | ReadKind::History => Permission::ManageUsers,
            ReadKind::Readiness => Permission::ViewAccountSettings,
            ReadKind::Statements => Permission::ViewFinancialReports,
        };
        Requirement::MarketplaceOrHolding {
            permissions: permissions.into(),
        }
    }
}

/// Why the service refused to act for an actor (rule X-2). Nothing was changed, and nothing
/// about the account or the command's data was looked at beyond what this says. Each case
/// explains itself (rule ROL-6); its JSON form carries a stable `"code"`.
#[derive(Debug, Clone, PartialEq, thiserror::Error, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Denial {
    /// The actor cannot sign in to the account: not a user or app of an associated tenant,
    /// removed, a guest who has not accepted yet, or an account that does not exist (rules
    /// USR-1, USR-5, TEN-4).
    #[error(
        "denied: {actor} cannot sign in to this account: it needs an active work account in an associated tenant (rule USR-1)"
    )]
    CannotSignIn {
        /// Who tried.
        actor: Actor,
    },
    /// The actor lacks a permission; the decision says which, and which roles would grant it.
    #[error("{0}")]
    Permission(Decision),
    /// Only the marketplace or the account's owner account may associate the account's first
    /// tenant (rules TEN-2, ROL-8).
    #[error(
        "denied: {actor} is not this account's owner account: the account has no tenant yet, and only the marketplace or the owner account associates its first tenant (rules TEN-2, ROL-8)"
    )]
    OwnerAccountRequired {
        /// Who tried.
        actor: Actor,
    },
    /// Only the marketplace itself may do this (open accounts, record verification results,
    /// associate an owner account).
    #[error(
        "denied: {actor} is not the marketplace: only the marketplace assigns publisher IDs, records verification and associates owner accounts (rules ACC-2, PAY-1)"
    )]
    MarketplaceOnly {
        /// Who tried.
        actor: Actor,
    },
    /// Agreements are accepted, and own passwords set, by a named directory user (rule AGR-1).
    #[error(
        "denied: {actor} is not a directory user: this is done by a signed-in user whose name is recorded (rule AGR-1)"
    )]
    UserRequired {
        /// Who tried.
        actor: Actor,
    },
    /// A grant that would give more than the command may give: the first tenant's user gets
    /// at most the Manager role (rule ROL-8).
    #[error(
        "denied: the first tenant's user can be given at most the Manager role, not {grant:?}; the owner account grants Owner later if it wants to (rule ROL-8)"
    )]
    GrantTooHigh {
        /// The grant asked for.
        grant: Grant,
    },
}

impl Denial {
    /// The stable machine-readable code, as in the JSON form: `"cannot_sign_in"`.
    pub fn code(&self) -> &'static str {
        match self {
            Denial::CannotSignIn { .. } => "cannot_sign_in",
            Denial::Permission(_) => "permission",
            Denial::MarketplaceOnly { .. } => "marketplace_only",
            Denial::OwnerAccountRequired { .. } => "owner_account_required",
            Denial::UserRequired { .. } => "user_required",
            Denial::GrantTooHigh { .. } => "grant_too_high",
        }
    }
}

/// Who was let in, and what they held when they were: derived access changes of the same
/// command are checked against this, so nothing the command does on the way can raise what
/// it may give (rule ROL-8).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Authorized {
    /// The acting principal; `None` for the marketplace, whose derived changes are not
    /// permission-checked (the first tenant's grant is capped instead, rule ROL-8).
    pub(crate) principal: Option<Principal>,
    /// What the principal held when authorised.
    pub(crate) held: PermissionSet,
}

/// True if `actor` can sign in to the account at all: identity answers for users and apps
/// (rule USR-1), payouts knows the owner account (rule PAY-1).
pub(crate) fn can_sign_in(state: &AccountState, actor: &Actor) -> bool {
    match actor {
        Actor::OwnerAccount { owner } => state.payouts.owner() == Some(*owner),
        Actor::User { .. } | Actor::App { .. } => state.identity.can_sign_in(actor),
        _ => false,
    }
}

/// Checks `actor` against `requirement` on the account's state (rule X-2). `invitee` is the
/// guest an [`Requirement::Invitee`] command names.
pub(crate) fn authorize(
    state: &AccountState,
    index: &AccessIndex,
    actor: &Actor,
    requirement: Requirement,
    invitee: Option<UserId>,
) -> Result<Authorized, Denial> {
    let signed_in = |required: PermissionSet| -> Result<Authorized, Denial> {
        let principal = match Principal::from_actor(actor) {
            Some(p) if can_sign_in(state, actor) => p,
            _ => return Err(Denial::CannotSignIn { actor: *actor }),
        };
        index
            .check(principal, required)
            .map_err(Denial::Permission)?;
        Ok(Authorized {
            principal: Some(principal),
            held: index.effective(principal),
        })
    };
    match requirement {
        Requirement::Marketplace => match actor {
            Actor::Marketplace => Ok(Authorized {
                principal: None,
                held: PermissionSet::default(),
            }),
            _ => Err(Denial::MarketplaceOnly { actor: *actor }),
        },
        Requirement::MarketplaceOrOwnerAccount => match actor {
            Actor::Marketplace => Ok(Authorized {
                principal: None,
                held: PermissionSet::default(),
            }),
            Actor::OwnerAccount { .. } if can_sign_in(state, actor) => {
                signed_in(PermissionSet::default())
            }
            _ => Err(Denial::OwnerAccountRequired { actor: *actor }),
        },
        Requirement::MarketplaceOrHolding { permissions } => match actor {
            Actor::Marketplace => Ok(Authorized {
                principal: None,
                held: PermissionSet::default(),
            }),
            _ => signed_in(permissions),
        },
        Requirement::Holding { permissions } => signed_in(permissions),
        Requirement::UserHolding { permissions } => {
            let authorized = signed_in(PermissionSet::default())?;
            if !matches!(actor, Actor::User { .. }) {
                return Err(Denial::UserRequired { actor: *actor });
            }
            if let Some(p) = authorized.principal {
                index.check(p, permissions).map_err(Denial::Permission)?;
            }
            Ok(authorized)
        }
        Requirement::Invitee => match (actor, invitee) {
            (Actor::User { tenant, user }, Some(invited))
                if *user == invited && state.identity.is_pending_guest(*tenant, *user) =>
            {
                Ok(Authorized {
                    principal: Some(Principal::User(*user)),
                    held: PermissionSet::default(),
                })
            }
            _ => Err(Denial::CannotSignIn { actor: *actor }),
        },
    }
}

/// Rule ROL-8: an account's first tenant is associated by the marketplace or the owner
/// account, and its first user gets at most the Manager role — never Owner, never any
/// permission Manager does not have.
pub(crate) fn cap_first_tenant_grant(grant: Grant) -> Result<Grant, Denial> {
    let manager = Role::Manager.permissions();
    if grant.permissions().is_subset(manager) {
        Ok(grant)
    } else {
        Err(Denial::GrantTooHigh { grant })
    }
}

/// Checks that a derived access change needs nothing beyond what the actor held when
/// authorised (rule ROL-8). Explains the first missing permission with the live index.
pub(crate) fn check_within(authorized: &Authorized, required: PermissionSet) -> Result<(), Denial> {
    let Some(principal) = authorized.principal else {
        return Ok(());
    };
    if required.is_subset(authorized.held) {
        return Ok(());
    }
    // Explained by access, against what the actor held before the command began.
    let missing = required
        .difference(authorized.held)
        .iter()
        .next()
        .unwrap_or(Permission::ManageAccountSettings);
    let decision = Decision::denied(Request::new(principal, missing), authorized.held);
    Err(Denial::Permission(decision))
}
