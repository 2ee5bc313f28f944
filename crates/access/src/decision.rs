//! Authorisation requests and decisions that explain themselves (rule ROL-6).

use std::fmt;

use serde::{Serialize, Serializer};

use crate::permission::{Permission, PermissionSet};
use crate::principal::{GrantSource, Principal};
use crate::role::Role;
use crate::state::AccessState;

/// May `principal` do `permission`?
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Request {
    /// Who asks.
    pub principal: Principal,
    /// What for.
    pub permission: Permission,
}

impl Request {
    /// A request for `permission` by `principal`.
    pub fn new(principal: impl Into<Principal>, permission: Permission) -> Self {
        Request {
            principal: principal.into(),
            permission,
        }
    }
}

/// Why a request was denied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum DenialReason {
    /// The principal is known but none of its grants, nor any of its groups', gives the
    /// permission.
    NotGranted,
    /// The permission is one only the Owner role grants (ROL-7) and the principal is not an
    /// Owner.
    OwnerOnly,
    /// The principal is not known to the account: never added, or removed (with its tenant,
    /// TEN-4). It is denied everything.
    UnknownPrincipal,
    /// The principal holds the Owner role, but payout and tax settings are changed only by
    /// the owner account itself (rules PAY-1, ROL-7): for them the role is view only.
    OwnerAccountOnly,
}

/// Why a decision came out the way it did (rule ROL-6). Small and `Copy`: richer text is made
/// on demand by [`Decision`]'s `Display` and serde form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Explanation {
    /// Allowed by this grant: the first, in canonical order, of the principal's own grants,
    /// then of its groups' (in group id order). All of them: [`AccessIndex::grants_allowing`].
    ///
    /// [`AccessIndex::grants_allowing`]: crate::AccessIndex::grants_allowing
    Allowed {
        /// The deciding grant.
        by: GrantSource,
    },
    /// Denied: the permission asked for is missing.
    Denied {
        /// Why.
        reason: DenialReason,
        /// What the principal does hold (its effective permissions).
        held: PermissionSet,
    },
}

/// The answer to a [`Request`], with its [`Explanation`].
///
/// `Display` gives one sentence for a person; the serde form (a public format) gives the
/// principal, the permission, the outcome, the deciding grant or what was missing, and the
/// same sentence.
///
/// ```
/// use partnerkit_access::{AccessIndex, AccessState, Permission, Request};
/// use partnerkit_core::UserId;
/// let index = AccessIndex::build(&AccessState::default());
/// let who = UserId::from_uuid(uuid::Uuid::from_u128(1));
/// let decision = index.authorize(&Request::new(who, Permission::ManageOffers));
/// assert!(!decision.is_allowed());
/// assert!(decision.to_string().contains("not known to the account"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Decision {
    /// What was asked.
    pub request: Request,
    /// The outcome and why.
    pub explanation: Explanation,
}

impl Decision {
    /// True if the request is allowed.
    #[inline]
    pub fn is_allowed(&self) -> bool {
        matches!(self.explanation, Explanation::Allowed { .. })
    }

    /// The explained denial of `request` for a principal that holds `held` and not the
    /// permission asked for — for a caller that checked a permission set itself and must say
    /// why the answer is no (rule ROL-6). Owner-only permissions are explained as such.
    pub fn denied(request: Request, held: PermissionSet) -> Decision {
        Decision {
            request,
            explanation: denial(request.permission, held),
        }
    }

    /// The grant that allowed the request, if it was allowed.
    pub fn allowed_by(&self) -> Option<GrantSource> {
        match self.explanation {
            Explanation::Allowed { by } => Some(by),
            Explanation::Denied { .. } => None,
        }
    }

    /// For a denial, the permission that was missing.
    pub fn missing(&self) -> Option<Permission> {
        (!self.is_allowed()).then_some(self.request.permission)
    }

    /// The built-in roles that would give the requested permission. Custom permission sets
    /// can give it too, unless it is Owner-only.
    pub fn roles_granting(&self) -> Vec<Role> {
        self.request.permission.granted_by().collect()
    }

    /// The effective permissions of the principal if known (for an allowed decision, call
    /// [`AccessIndex::effective_permissions`](crate::AccessIndex::effective_permissions)).
    pub fn held(&self) -> Option<PermissionSet> {
        match self.explanation {
            Explanation::Denied { held, .. } => Some(held),
            Explanation::Allowed { .. } => None,
        }
    }
}

impl fmt::Display for Decision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Request {
            principal,
            permission,
        } = self.request;
        match self.explanation {
            Explanation::Allowed { by } => {
                if by.holder == principal {
                    write!(f, "allowed: {principal} may {permission} through {by}")
                } else {
                    write!(
                        f,
                        "allowed: {principal} may {permission} through {by}, of which it is a member (rule ROL-4)"
                    )
                }
            }
            Explanation::Denied {
                reason: DenialReason::UnknownPrincipal,
                ..
            } => write!(
                f,
                "denied: {principal} is not known to the account (never added, or removed) and may do nothing; add it and grant it a role that gives {permission}"
            ),
            Explanation::Denied {
                reason: DenialReason::OwnerOnly,
                held,
            } => write!(
                f,
                "denied: {principal} lacks {permission}, which only the Owner role gives (rule ROL-7); it holds: {held}"
            ),
            Explanation::Denied {
                reason: DenialReason::OwnerAccountOnly,
                held,
            } => write!(
                f,
                "denied: {principal} holds the Owner role but may not {permission} (view only: the owner account itself changes payout and tax settings, PAY-1, ROL-7); sign in with the owner account to change them; it holds: {held}"
            ),
            Explanation::Denied {
                reason: DenialReason::NotGranted,
                held,
            } => {
                write!(
                    f,
                    "denied: {principal} lacks {permission}, given by the roles "
                )?;
                for (i, r) in permission.granted_by().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    f.write_str(r.as_str())?;
                }
                write!(f, " or by custom permissions naming it; it holds: {held}")
            }
        }
    }
}

#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
struct DecisionRepr {
    principal: Principal,
    permission: Permission,
    allowed: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    allowed_by: Option<GrantSource>,
    #[serde(skip_serializing_if = "Option::is_none")]
    denied: Option<DenialRepr>,
    explanation: String,
}

#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
struct DenialRepr {
    reason: DenialReason,
    missing: Permission,
    roles_granting: Vec<Role>,
    held: PermissionSet,
}

impl Serialize for Decision {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let denied = match self.explanation {
            Explanation::Allowed { .. } => None,
            Explanation::Denied { reason, held } => Some(DenialRepr {
                reason,
                missing: self.request.permission,
                roles_granting: self.roles_granting(),
                held,
            }),
        };
        DecisionRepr {
            principal: self.request.principal,
            permission: self.request.permission,
            allowed: self.is_allowed(),
            allowed_by: self.allowed_by(),
            denied,
            explanation: self.to_string(),
        }
        .serialize(serializer)
    }
}

/// Its wire form: the principal, the permission, whether it is allowed and why.
#[cfg(feature = "schema")]
impl schemars::JsonSchema for Decision {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Decision".into()
    }
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        DecisionRepr::json_schema(generator)
    }
}

/// What a principal whose grants give `given` may do: payout and tax settings only if it is
/// the owner account itself (rule ROL-7).
#[inline]
pub(crate) fn effective_of(principal: Principal, given: PermissionSet) -> PermissionSet {
    match principal {
        Principal::OwnerAccount(_) => given,
        _ => given - PermissionSet::OWNER_ONLY,
    }
}

/// The explanation of a denial of a known principal holding `held`.
#[inline]
pub(crate) fn denial(permission: Permission, held: PermissionSet) -> Explanation {
    Explanation::Denied {
        reason: if permission.is_owner_only() {
            DenialReason::OwnerOnly
        } else {
            DenialReason::NotGranted
        },
        held,
    }
}

/// The reference evaluation: decides `request` by scanning the state's grants, without an
/// index. Slow (it scans every group), but obviously right; [`AccessIndex::authorize`] gives
/// the same decision, which the tests check, and benchmarks compare against it.
///
/// [`AccessIndex::authorize`]: crate::AccessIndex::authorize
pub fn authorize_scan(state: &AccessState, request: &Request) -> Decision {
    let sources = sources_scan(state, request.principal);
    let explanation = match sources {
        None => Explanation::Denied {
            reason: DenialReason::UnknownPrincipal,
            held: PermissionSet::EMPTY,
        },
        Some(sources) => {
            let reaching = |s: &&GrantSource| s.grant.permissions().contains(request.permission);
            let held = effective_of(
                request.principal,
                sources
                    .iter()
                    .fold(PermissionSet::EMPTY, |acc, s| acc | s.grant.permissions()),
            );
            match sources.iter().find(reaching) {
                Some(by) if held.contains(request.permission) => Explanation::Allowed { by: *by },
                Some(_) => Explanation::Denied {
                    reason: DenialReason::OwnerAccountOnly,
                    held,
                },
                None => denial(request.permission, held),
            }
        }
    };
    Decision {
        request: *request,
        explanation,
    }
}

/// Every grant that reaches `principal`, in canonical order: its own, then each group's in
/// group id order (ROL-4). `None` for an unknown principal.
pub(crate) fn sources_scan(state: &AccessState, principal: Principal) -> Option<Vec<GrantSource>> {
    if !state.is_known(principal) {
        return None;
    }
    let own = |holder: Principal| {
        state
            .grants_of(holder)
            .into_iter()
            .map(move |grant| GrantSource { holder, grant })
    };
    let mut out: Vec<GrantSource> = own(principal).collect();
    if let Principal::User(user) = principal {
        for (group, entry) in state.groups() {
            if entry.members().contains(&user) {
                out.extend(own(Principal::Group(*group)));
            }
        }
    }
    Some(out)
}
