//! The authorisation model, stated once: for every kind of command and read, who may ask,
//! which principals it acts on, what it gives, and which data classes a read returns.
//!
//! Every decision goes through four questions, in this order, and stops at the first "no":
//!
//! 1. **Can the actor sign in to the account at all?** (rules X-2, USR-1, PAY-1) An actor who
//!    cannot — a stranger, a removed user, a pending guest, any actor of an account that does
//!    not exist — gets [`Denial::CannotSignIn`] for every command and every read, before
//!    anything about the account (whether it exists, has tenants, has an owner account) or the
//!    input is looked at. The marketplace passes; so does a pending guest accepting their own
//!    invitation. Whether an actor can sign in is a fact the facade joins from identity (users
//!    and apps) and payouts (the owner account): [`Facts`].
//! 2. **Is the actor the kind of actor the command needs, holding its permission?**
//!    ([`CommandKind::requirement`], [`ReadKind::requirement`]; rules ROL-1..7)
//! 3. **Does the actor hold everything each principal the command acts on holds?** (rule
//!    ROL-9, [`Authorized::check_acts_on`]) Resetting a password, making or deleting a key,
//!    removing or renaming a principal, changing its grants or group memberships, removing a
//!    tenant (every principal of it): each needs every permission each affected principal
//!    holds, its own grants and its groups', view-only Owner permissions included. So a
//!    principal holding Owner is acted on only by the owner account or the marketplace.
//! 4. **Does the actor hold everything the command gives or takes?** (rule ROL-8,
//!    [`Authorized::check_gives`]) A grant, a revocation, a group membership: every
//!    permission given or taken away. The first tenant's user gets at most Manager
//!    ([`first_tenant_grant`]).
//!
//! Reads are cut by class (rule X-8): [`Authorized::classes`] says which [`DataClass`]es the
//! actor's permissions cover ([`covered_classes`]); credential verifiers are in none.
//!
//! Both tables are exhaustive matches, so a new kind does not compile without its row, and no
//! row allows by default. The model is this module: the steps, the read table
//! ([`ReadKind::requirement`]), the denials and [`admit`] are in this file; the command table
//! ([`CommandKind`] with [`requirement`](CommandKind::requirement) and
//! [`acts_on`](CommandKind::acts_on), one row per kind) is beside it in `policy/kind.rs`.

use std::fmt;

use partnerkit_core::{Actor, DataClass, DataClasses, TenantId};
use serde::{Deserialize, Serialize};

use crate::command::Command;
use crate::decision::{Decision, Request};
use crate::index::AccessIndex;
use crate::permission::{Permission, PermissionSet};
use crate::principal::Principal;
use crate::role::{Grant, Role};
use crate::state::AccessState;

mod kind;

pub use kind::{ActsOn, CommandKind};

/// What the actor of a command must be or hold (step 2 of the model).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "requirement", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Requirement {
    /// Only the marketplace ([`Actor::Marketplace`]).
    Marketplace,
    /// The marketplace, or a principal that can sign in and holds these permissions:
    /// associating an account's first tenant (the only principal who can sign in then is the
    /// owner account, which holds everything), and reading readiness.
    MarketplaceOrHolding {
        /// The permissions.
        permissions: PermissionSet,
    },
    /// The marketplace, or a principal that can sign in whose permissions cover at least one
    /// of these data classes (rule X-8): what the reads need.
    MarketplaceOrCovering {
        /// The classes.
        classes: DataClasses,
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

/// What an actor asks to see of an account: what the read table ([`ReadKind::requirement`])
/// is keyed by, as [`CommandKind`] is for commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ReadKind {
    /// The account's state, cut to the classes the actor may see (rule X-8).
    State,
    /// The account's audit trail (rule X-1), cut the same way: only events of classes the
    /// actor may see.
    History,
    /// What the account still lacks before it may sell (rule ACC-4).
    Readiness,
    /// Payout statements with US withholding: financial information (rules PAY-9, TAX-4).
    Statements,
}

impl ReadKind {
    /// Every kind of read.
    pub const ALL: &'static [ReadKind] = &[
        ReadKind::State,
        ReadKind::History,
        ReadKind::Readiness,
        ReadKind::Statements,
    ];

    /// What an actor must be or hold to see this of an account. The marketplace may see
    /// everything; a principal of the account:
    ///
    /// | read | needs | returns |
    /// |---|---|---|
    /// | [`State`](ReadKind::State), [`History`](ReadKind::History) | permissions covering at least one class | the classes they cover ([`covered_classes`]) |
    /// | [`Readiness`](ReadKind::Readiness) | `view_account_settings` | what the account lacks |
    /// | [`Statements`](ReadKind::Statements) | permissions covering [`DataClass::Financial`] | statements |
    ///
    /// As for commands (rule X-2), an actor who cannot sign in learns nothing else, not even
    /// whether the account exists.
    pub fn requirement(self) -> Requirement {
        match self {
            ReadKind::State | ReadKind::History => Requirement::MarketplaceOrCovering {
                classes: DataClasses::ALL,
            },
            ReadKind::Readiness => Requirement::MarketplaceOrHolding {
                permissions: Permission::ViewAccountSettings.into(),
            },
            ReadKind::Statements => Requirement::MarketplaceOrCovering {
                classes: DataClass::Financial.into(),
            },
        }
    }
}

impl fmt::Display for ReadKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ReadKind::State => "state",
            ReadKind::History => "history",
            ReadKind::Readiness => "readiness",
            ReadKind::Statements => "statements",
        })
    }
}

/// The permissions that cover a data class (rule X-8): holding any one of them lets a
/// principal see the class. Payout and tax settings count as *held* even where they are view
/// only (a work account holding Owner may view them, rule ROL-7).
///
/// | class | covered by |
/// |---|---|
/// | profile | `view_account_settings`, `manage_account_settings`, `manage_contact_info` |
/// | directory | `manage_users`, `manage_groups` |
/// | financial | `view_financial_reports`, `manage_payout_settings` |
/// | tax | `manage_tax_settings` |
/// | agreements | `view_agreements`, `accept_agreements` |
pub const fn covering(class: DataClass) -> PermissionSet {
    use Permission as P;
    match class {
        DataClass::Profile => PermissionSet::of(&[
            P::ViewAccountSettings,
            P::ManageAccountSettings,
            P::ManageContactInfo,
        ]),
        DataClass::Directory => PermissionSet::of(&[P::ManageUsers, P::ManageGroups]),
        DataClass::Financial => {
            PermissionSet::of(&[P::ViewFinancialReports, P::ManagePayoutSettings])
        }
        DataClass::Tax => PermissionSet::of(&[P::ManageTaxSettings]),
        DataClass::Agreements => PermissionSet::of(&[P::ViewAgreements, P::AcceptAgreements]),
    }
}

/// The data classes a principal holding `holds` may see (rule X-8; see [`covering`]).
pub fn covered_classes(holds: PermissionSet) -> DataClasses {
    DataClass::ALL
        .into_iter()
        .filter(|c| !(covering(*c) & holds).is_empty())
        .collect()
}

/// What the facade knows about the actor from the other domains, joined before access decides
/// (step 1 of the model).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Facts {
    /// The actor can sign in to the account: an active user or an app of an associated
    /// tenant (identity's answer, rule USR-1), or the account's own owner account (payouts'
    /// answer, rule PAY-1). False for every actor of an account that does not exist.
    pub signed_in: bool,
    /// The actor is the pending guest the command names (rule USR-5): only for
    /// `accept_invitation`.
    pub invitee: bool,
}

/// Why the service refused to act for an actor (rule X-2). Nothing was changed, and nothing
/// about the account or the command's data was looked at beyond what this says. Each case
/// explains itself (rule ROL-6); its JSON form carries a stable `"code"`.
#[derive(Debug, Clone, PartialEq, thiserror::Error, Serialize, strum::IntoStaticStr)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "code", rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
#[non_exhaustive]
pub enum Denial {
    /// The actor cannot sign in to the account: not a user or app of an associated tenant,
    /// removed, a guest who has not accepted yet, not this account's owner account, or an
    /// account that does not exist (rules USR-1, USR-5, TEN-4, X-2). The same for every
    /// command and read.
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
    /// The command acts on a principal that holds permissions the actor does not (rule
    /// ROL-9): the actor could otherwise take it away or take it over.
    #[error(
        "denied: {target} holds {missing}, which you do not hold; acting on a principal (resetting, keying, removing, regrouping or re-granting it) needs every permission it holds — ask someone who holds them{owner} (rule ROL-9)",
        owner = if missing.contains(Permission::ManagePayoutSettings) { ", here the owner account" } else { "" }
    )]
    TargetHoldsMore {
        /// The principal acted on.
        target: Principal,
        /// What it holds that the actor does not.
        missing: PermissionSet,
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
        self.into()
    }
}

/// Something a command acts on (rule ROL-9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Subject {
    /// A user, group or app.
    Principal(Principal),
    /// Every principal of a tenant (rule TEN-4).
    Tenant(TenantId),
}

/// An actor let in by [`admit`] (steps 1 and 2), with what it held then: the later
/// steps, and every access change the command makes, are checked against this, so nothing
/// the command does on the way can raise what it may do (rules ROL-8, ROL-9).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Authorized {
    principal: Option<Principal>,
    held: PermissionSet,
    holds: PermissionSet,
}

impl Authorized {
    /// The marketplace: no principal of the account, never checked against one.
    pub const MARKETPLACE: Authorized = Authorized {
        principal: None,
        held: PermissionSet::ALL,
        holds: PermissionSet::ALL,
    };

    fn principal(index: &AccessIndex, principal: Principal) -> Authorized {
        Authorized {
            principal: Some(principal),
            held: index.effective(principal),
            holds: index.holds(principal),
        }
    }

    /// The acting principal; `None` for the marketplace.
    pub fn acting(&self) -> Option<Principal> {
        self.principal
    }

    /// What the actor may do (its effective permissions when let in).
    pub fn held(&self) -> PermissionSet {
        self.held
    }

    /// The data classes the actor may see (rule X-8): every class for the marketplace.
    pub fn classes(&self) -> DataClasses {
        match self.principal {
            None => DataClasses::ALL,
            Some(_) => covered_classes(self.holds),
        }
    }

    /// Step 3 (rule ROL-9): the actor holds every permission each subject holds — own grants
    /// and groups', view-only Owner permissions included, so only the owner account acts on
    /// a principal holding Owner. The marketplace is not checked. A subject the account does
    /// not know holds nothing.
    pub fn check_acts_on(
        &self,
        index: &AccessIndex,
        subjects: impl IntoIterator<Item = Subject>,
    ) -> Result<(), Denial> {
        if self.principal.is_none() {
            return Ok(());
        }
        let check = |target: Principal| {
            let missing = index.holds(target) - self.held;
            if missing.is_empty() {
                Ok(())
            } else {
                Err(Denial::TargetHoldsMore { target, missing })
            }
        };
        for subject in subjects {
            match subject {
                Subject::Principal(p) => check(p)?,
                Subject::Tenant(t) => {
                    for p in index.principals_of(t) {
                        check(p)?;
                    }
                }
            }
        }
        Ok(())
    }

    /// Step 4 (rule ROL-8): an access change the command makes needs nothing beyond what the
    /// actor held when let in. Only changes that give or take permissions are checked
    /// ([`Command::gives_or_takes`]); registering and removing principals mirrors identity.
    pub fn check_gives(&self, command: &Command, state: &AccessState) -> Result<(), Denial> {
        if !command.gives_or_takes() {
            return Ok(());
        }
        self.check_within(command.required_permissions(state))
    }

    fn check_within(&self, required: PermissionSet) -> Result<(), Denial> {
        let Some(principal) = self.principal else {
            return Ok(());
        };
        match (required - self.held).iter().next() {
            None => Ok(()),
            Some(missing) => Err(Denial::Permission(Decision::denied(
                Request::new(principal, missing),
                self.held,
            ))),
        }
    }
}

/// Steps 1 and 2 of the model: is `actor`, with the `facts` the facade joined, let in for
/// `requirement`? See the crate docs' "authorisation model" for the order; an actor who cannot sign in gets
/// [`Denial::CannotSignIn`] whatever the requirement.
pub fn admit(
    index: &AccessIndex,
    actor: &Actor,
    facts: Facts,
    requirement: Requirement,
) -> Result<Authorized, Denial> {
    let cannot = || Denial::CannotSignIn { actor: *actor };
    // Step 1: sign-in, before anything else.
    let principal = match actor {
        Actor::Marketplace => None,
        _ if facts.signed_in => Some(Principal::from_actor(actor).ok_or_else(cannot)?),
        Actor::User { user, .. } if facts.invitee && requirement == Requirement::Invitee => {
            return Ok(Authorized {
                principal: Some(Principal::User(*user)),
                held: PermissionSet::EMPTY,
                holds: PermissionSet::EMPTY,
            });
        }
        _ => return Err(cannot()),
    };
    // Step 2: the kind of actor and its permission.
    let holding = |p: Principal, permissions: PermissionSet| {
        index.check(p, permissions).map_err(Denial::Permission)?;
        Ok(Authorized::principal(index, p))
    };
    match (requirement, principal) {
        (Requirement::Marketplace, None)
        | (Requirement::MarketplaceOrHolding { .. }, None)
        | (Requirement::MarketplaceOrCovering { .. }, None) => Ok(Authorized::MARKETPLACE),
        (Requirement::Marketplace, Some(_)) => Err(Denial::MarketplaceOnly { actor: *actor }),
        (
            Requirement::MarketplaceOrHolding { permissions }
            | Requirement::Holding { permissions },
            Some(p),
        ) => holding(p, permissions),
        (Requirement::MarketplaceOrCovering { classes }, Some(p)) => {
            let authorized = Authorized::principal(index, p);
            if classes.iter().any(|c| authorized.classes().contains(c)) {
                return Ok(authorized);
            }
            // Explained by the first permission that would cover the first class asked for.
            let wanted = classes.iter().next().map_or(PermissionSet::EMPTY, covering);
            let missing = wanted
                .iter()
                .next()
                .unwrap_or(Permission::ViewAccountSettings);
            Err(Denial::Permission(
                index.authorize(&Request::new(p, missing)),
            ))
        }
        (Requirement::UserHolding { permissions }, Some(p)) => match actor {
            Actor::User { .. } => holding(p, permissions),
            _ => Err(Denial::UserRequired { actor: *actor }),
        },
        // The marketplace is no principal of the account: it signs in to nothing.
        (Requirement::Holding { .. } | Requirement::UserHolding { .. }, None) => Err(cannot()),
        // Signed in, but not the pending guest the invitation names.
        (Requirement::Invitee, _) => Err(cannot()),
    }
}

/// The grant the first tenant's user gets (rules USR-7, ROL-8): the Manager role unless the
/// command asks for less, never more — never Owner, never a permission Manager lacks. Applies
/// to every actor, the marketplace included.
pub fn first_tenant_grant(asked: Option<Grant>) -> Result<Grant, Denial> {
    let grant = asked.unwrap_or(Grant::Role(Role::Manager));
    if grant.permissions().is_subset(Role::MANAGER) {
        Ok(grant)
    } else {
        Err(Denial::GrantTooHigh { grant })
    }
}
